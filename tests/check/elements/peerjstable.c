/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The game table: peerjssrc/peerjsroom table=true against real members
 * (peerjssink, peerjsroom) on the embedded server. Tiles are checked by
 * their pixels: each member sends a solid colour, and each label bar must
 * be exactly what the table's own label drawing makes of the expected
 * label. */

#include "peerjsmember.h"
#include "gstpeerjstable.h"

#include <cairo.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#define TABLE_TIMEOUT_MS 40000
/* how late a table frame may reach its sink (running time after its
 * timestamp) and still count as on time: the table's own latency is
 * latency (50 ms) + 150 ms + one frame; a loaded 2-core CI machine adds
 * hiccups */
#define MAX_LATE_MS 1500
#define W 640
#define H 360

/* what a member sends: a solid colour, and a tone */
static Member *
sink_member (const gchar * id, const gchar * peers, guint32 argb,
    const gchar * extra)
{
  gchar *desc = g_strdup_printf ("videotestsrc is-live=true "
      "pattern=solid-color foreground-color=%u ! video/x-raw,width=320,"
      "height=180,framerate=15/1 ! peerjssink name=room server=%s "
      "peer-id=%s peers=%s %s audiotestsrc is-live=true freq=440 "
      "volume=0.3 ! room.audio_sink", argb, server_uri, id, peers,
      extra ? extra : "");
  Member *m = member_new_from_description (id, desc);

  g_free (desc);
  return m;
}

/* The table's frames as its sink sees them: their timestamps must follow
 * each other with no frame missing (the table keeps its rate), and each
 * must arrive in time (the table never stalls). */
typedef struct
{
  GMutex lock;
  GstClockTime last_pts;
  GstClockTime max_step;        /* largest PTS step */
  GstClockTimeDiff max_late;    /* arrival running time - PTS */
  guint frames;
} FrameClock;

static GstPadProbeReturn
time_frame (GstPad * pad, GstPadProbeInfo * info, FrameClock * fc)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstElement *sink = gst_pad_get_parent_element (pad);
  GstClock *clock = gst_element_get_clock (sink);
  GstClockTime pts = GST_BUFFER_PTS (buf);

  g_mutex_lock (&fc->lock);
  if (clock && GST_CLOCK_TIME_IS_VALID (pts)) {
    GstClockTime now = gst_clock_get_time (clock) -
        gst_element_get_base_time (sink);

    fc->max_late = MAX (fc->max_late, GST_CLOCK_DIFF (pts, now));
    if (GST_CLOCK_TIME_IS_VALID (fc->last_pts) && pts > fc->last_pts)
      fc->max_step = MAX (fc->max_step, pts - fc->last_pts);
    fc->last_pts = pts;
  }
  fc->frames++;
  g_mutex_unlock (&fc->lock);
  gst_clear_object (&clock);
  gst_object_unref (sink);
  return GST_PAD_PROBE_OK;
}

/* the table's pads into appsinks that keep the newest buffer */
static const gchar *TABLE_TAIL =
    "room.table_video ! videoconvert ! video/x-raw,format=BGRx ! "
    "appsink name=tv sync=false max-buffers=1 drop=true "
    "room.table_audio ! audioconvert ! audio/x-raw,format=S16LE ! "
    "appsink name=ta sync=false max-buffers=1 drop=true";

static GstElement *
appsink_of (Member * m, const gchar * name)
{
  return gst_bin_get_by_name (GST_BIN (m->pipeline), name);
}

static void
watch_frames (Member * m, FrameClock * fc)
{
  GstElement *tv = appsink_of (m, "tv");
  GstPad *pad = gst_element_get_static_pad (tv, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) time_frame, fc, NULL);
  gst_object_unref (pad);
  gst_object_unref (tv);
}

/* ---- the last layout ---- */

typedef struct
{
  gchar *peer_id;
  gchar *label;
  GstPeerJSTileRect rect;
  gboolean placeholder;
  gboolean muted;
} TileInfo;

static void
tile_info_clear (TileInfo * t)
{
  g_free (t->peer_id);
  g_free (t->label);
}

/* The tiles of @m's last peerjs-table-layout, or NULL. */
static GArray *
last_layout (Member * m)
{
  GstStructure *s = last_message (m, "peerjs-table-layout", NULL, NULL);
  const GValue *tiles;
  GArray *out;
  guint i;

  if (!s)
    return NULL;
  tiles = gst_structure_get_value (s, "tiles");
  out = g_array_new (FALSE, TRUE, sizeof (TileInfo));
  g_array_set_clear_func (out, (GDestroyNotify) tile_info_clear);
  for (i = 0; i < gst_value_array_get_size (tiles); i++) {
    const GstStructure *t =
        gst_value_get_structure (gst_value_array_get_value (tiles, i));
    TileInfo info = { 0, };

    info.peer_id = g_strdup (gst_structure_get_string (t, "peer-id"));
    info.label = g_strdup (gst_structure_get_string (t, "label"));
    gst_structure_get_int (t, "x", &info.rect.x);
    gst_structure_get_int (t, "y", &info.rect.y);
    gst_structure_get_int (t, "width", &info.rect.width);
    gst_structure_get_int (t, "height", &info.rect.height);
    gst_structure_get_boolean (t, "placeholder", &info.placeholder);
    gst_structure_get_boolean (t, "audio-muted", &info.muted);
    g_array_append_val (out, info);
  }
  gst_structure_free (s);
  return out;
}

static TileInfo *
tile_of (GArray * layout, const gchar * peer_id)
{
  guint i;

  for (i = 0; layout && i < layout->len; i++)
    if (g_strcmp0 (g_array_index (layout, TileInfo, i).peer_id, peer_id) == 0)
      return &g_array_index (layout, TileInfo, i);
  return NULL;
}

typedef struct
{
  Member *m;
  guint n;
  const gchar *placeholder_id;  /* this one must be a placeholder */
  gboolean placeholder;
} LayoutWait;

static gboolean
layout_is (gpointer data)
{
  LayoutWait *w = data;
  GArray *layout = last_layout (w->m);
  gboolean ok = layout && layout->len == w->n;
  guint i;

  for (i = 0; ok && i < layout->len; i++) {
    TileInfo *t = &g_array_index (layout, TileInfo, i);
    gboolean want = w->placeholder_id
        && g_str_equal (t->peer_id, w->placeholder_id) ? w->placeholder : FALSE;

    ok = t->placeholder == want;
  }
  if (layout)
    g_array_unref (layout);
  return ok;
}

/* ---- pixels ---- */

typedef struct
{
  guint8 r, g, b;
} Rgb;

/* The newest table frame (BGRx, W x H), mapped into @frame. */
static gboolean
pull_frame (Member * m, GstVideoFrame * frame, GstBuffer ** buffer)
{
  GstElement *tv = appsink_of (m, "tv");
  GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (tv),
      2 * GST_SECOND);
  GstVideoInfo info;
  gboolean ok = FALSE;

  gst_object_unref (tv);
  if (!sample)
    return FALSE;
  if (gst_video_info_from_caps (&info, gst_sample_get_caps (sample))) {
    /* a copy: holding the table's own buffer while we look at it would
     * starve its pool and stall the table we are timing */
    *buffer = gst_buffer_copy_deep (gst_sample_get_buffer (sample));
    ok = gst_video_frame_map (frame, &info, *buffer, GST_MAP_READ);
    if (!ok)
      gst_buffer_unref (*buffer);
  }
  gst_sample_unref (sample);
  return ok;
}

static void
release_frame (GstVideoFrame * frame, GstBuffer * buffer)
{
  gst_video_frame_unmap (frame);
  gst_buffer_unref (buffer);
}

static const guint8 *
pixel (GstVideoFrame * frame, gint x, gint y)
{
  return (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame, 0) +
      y * GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0) + x * 4;
}

/* mean colour of the middle ninth of a tile (clear of the label bar) */
static Rgb
tile_centre (GstVideoFrame * frame, const GstPeerJSTileRect * r)
{
  guint64 sum[3] = { 0, 0, 0 }, n = 0;
  gint x, y;
  Rgb c;

  for (y = r->y + r->height / 3; y < r->y + r->height / 2; y++)
    for (x = r->x + r->width / 3; x < r->x + 2 * r->width / 3; x++) {
      const guint8 *p = pixel (frame, x, y);

      sum[0] += p[2];
      sum[1] += p[1];
      sum[2] += p[0];
      n++;
    }
  c.r = sum[0] / n;
  c.g = sum[1] / n;
  c.b = sum[2] / n;
  return c;
}

static gboolean
is_colour (Rgb c, gint r, gint g, gint b)
{
  return ABS (c.r - r) < 60 && ABS (c.g - g) < 60 && ABS (c.b - b) < 60;
}

/* Share of the tile's label bar pixels that differ from what the table's
 * label drawing makes of @label. */
static gdouble
label_mismatch (GstVideoFrame * frame, const GstPeerJSTileRect * r,
    const gchar * label)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
      W, H);
  cairo_t *cr = cairo_create (surface);
  gint bar = gst_peerjs_table_label_bar_height (r->height);
  gint x, y, stride, differ = 0, n = 0;
  const guint8 *ref;

  gst_peerjs_table_draw_label (cr, r, label);
  cairo_surface_flush (surface);
  ref = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (y = r->y + r->height - bar; y < r->y + r->height; y++)
    for (x = r->x; x < r->x + r->width; x++) {
      const guint8 *p = pixel (frame, x, y), *q = ref + y * stride + x * 4;

      if (ABS (p[0] - q[0]) > 16 || ABS (p[1] - q[1]) > 16
          || ABS (p[2] - q[2]) > 16)
        differ++;
      n++;
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return (gdouble) differ / n;
}

typedef struct
{
  Member *m;
  const gchar *ids[4];
  Rgb want[4];
} ColourWait;

/* every listed member's tile shows its colour */
static gboolean
tiles_show (gpointer data)
{
  ColourWait *w = data;
  GArray *layout = last_layout (w->m);
  GstVideoFrame frame;
  GstBuffer *buffer;
  gboolean ok = layout != NULL;
  guint i;

  if (!ok || !pull_frame (w->m, &frame, &buffer)) {
    if (layout)
      g_array_unref (layout);
    return FALSE;
  }
  for (i = 0; ok && i < G_N_ELEMENTS (w->ids) && w->ids[i]; i++) {
    TileInfo *t = tile_of (layout, w->ids[i]);

    ok = t && is_colour (tile_centre (&frame, &t->rect), w->want[i].r,
        w->want[i].g, w->want[i].b);
  }
  release_frame (&frame, buffer);
  g_array_unref (layout);
  return ok;
}

/* peak of the newest table audio buffer, in dBFS */
static gdouble
audio_peak_db (Member * m)
{
  GstElement *ta = appsink_of (m, "ta");
  GstSample *sample = gst_app_sink_try_pull_sample (GST_APP_SINK (ta),
      2 * GST_SECOND);
  gint peak = 0;
  GstMapInfo map;
  gsize i;

  gst_object_unref (ta);
  if (!sample)
    return -200;
  if (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ)) {
    for (i = 0; i + 1 < map.size; i += 2)
      peak = MAX (peak, ABS (GST_READ_UINT16_LE (map.data + i) > 32767 ?
              (gint) GST_READ_UINT16_LE (map.data + i) - 65536 :
              (gint) GST_READ_UINT16_LE (map.data + i)));
    gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  }
  gst_sample_unref (sample);
  return peak ? 20 * log10 (peak / 32768.0) : -200;
}

static gboolean
table_is_loud (gpointer data)
{
  return audio_peak_db (data) > -30;
}

static gboolean
table_is_silent (gpointer data)
{
  guint i;

  /* a few buffers in a row: the mixer's output is 10 ms */
  for (i = 0; i < 5; i++)
    if (audio_peak_db (data) > -60)
      return FALSE;
  return TRUE;
}

/* ---- tests ---- */

GST_START_TEST (test_grid)
{
  GstPeerJSTileRect r;

  /* one: the whole table */
  r = gst_peerjs_table_tile_rect (0, 1, 1280, 720);
  fail_unless (r.x == 0 && r.y == 0 && r.width == 1280 && r.height == 720);
  /* two: side by side at the grid's size, centred vertically */
  r = gst_peerjs_table_tile_rect (1, 2, 1280, 720);
  fail_unless (r.x == 640 && r.y == 180 && r.width == 640 && r.height == 360);
  /* three: 2x2 with the last one centred */
  r = gst_peerjs_table_tile_rect (1, 3, 1280, 720);
  fail_unless (r.x == 640 && r.y == 0 && r.width == 640 && r.height == 360);
  r = gst_peerjs_table_tile_rect (2, 3, 1280, 720);
  fail_unless (r.x == 320 && r.y == 360);
  /* four: 2x2 */
  r = gst_peerjs_table_tile_rect (3, 4, 1280, 720);
  fail_unless (r.x == 640 && r.y == 360 && r.width == 640 && r.height == 360);
  /* more than four (max-peers raised): 3 columns */
  r = gst_peerjs_table_tile_rect (5, 6, 1200, 720);
  fail_unless (r.x == 800 && r.y == 360 && r.width == 400 && r.height == 360);
}

GST_END_TEST;

GST_START_TEST (test_src_table)
{
  gchar *desc = g_strdup_printf ("peerjssrc name=room server=%s peer-id=obs "
      "table=true table-width=%d table-height=%d table-framerate=15/1 "
      "labels=\"p1=Ann Lee,zz=nobody\" %s", server_uri, W, H, TABLE_TAIL);
  Member *obs = member_new_from_description ("obs", desc);
  Member *p1 = sink_member ("p1", "obs", 0xffff0000, NULL);
  Member *p2 = sink_member ("p2", "obs", 0xff0000ff, NULL);
  FrameClock fc = { {0}, GST_CLOCK_TIME_NONE, 0, 0, 0 };
  LayoutWait lw = { obs, 2, NULL, FALSE };
  ColourWait cw = { obs, {"p1", "p2"}, {{255, 0, 0}, {0, 0, 255}
      }
  };
  GstVideoFrame frame;
  GstBuffer *buffer;
  GArray *layout;
  TileInfo *t1, *t2;
  gdouble match, wrong;
  gint64 start;

  g_free (desc);
  g_mutex_init (&fc.lock);
  watch_frames (obs, &fc);
  member_play (obs);
  start = g_get_monotonic_time ();
  member_play (p1);
  member_play (p2);

  fail_unless (wait_until (layout_is, &lw, TABLE_TIMEOUT_MS),
      "no table with two live tiles");
  fail_unless (wait_until (tiles_show, &cw, TABLE_TIMEOUT_MS),
      "the tiles do not show their members' colours");
  GST_INFO ("both members on the table after %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);

  /* two players side by side, labels from the property or the ID */
  layout = last_layout (obs);
  t1 = tile_of (layout, "p1");
  t2 = tile_of (layout, "p2");
  fail_unless (t1 && t2);
  fail_unless_equals_string (t1->label, "Ann Lee");
  fail_unless_equals_string (t2->label, "p2");
  fail_unless (t1->rect.width == W / 2 && t1->rect.height == H / 2);
  fail_unless (t1->rect.x != t2->rect.x && t1->rect.y == t2->rect.y);
  fail_unless (pull_frame (obs, &frame, &buffer));
  match = label_mismatch (&frame, &t1->rect, "Ann Lee");
  wrong = label_mismatch (&frame, &t1->rect, "p2");
  GST_INFO ("label bar: %.4f differs from its label, %.4f from another",
      match, wrong);
  fail_unless (match < 0.01, "Ann's label bar is not her label (%f)", match);
  fail_unless (wrong > 0.02, "the label check cannot tell labels apart");
  fail_unless (label_mismatch (&frame, &t2->rect, "p2") < 0.01);
  release_frame (&frame, buffer);
  g_array_unref (layout);

  /* the mix carries the members' tones */
  fail_unless (wait_until (table_is_loud, obs, TABLE_TIMEOUT_MS));

  /* p1 turns the camera off: a placeholder, grey, with the label */
  g_object_set (p1->room, "video-enabled", FALSE, NULL);
  lw.placeholder_id = "p1";
  lw.placeholder = TRUE;
  fail_unless (wait_until (layout_is, &lw, TABLE_TIMEOUT_MS),
      "no placeholder for a camera turned off");
  cw.want[0] = (Rgb) {
  56, 56, 56};
  fail_unless (wait_until (tiles_show, &cw, TABLE_TIMEOUT_MS));
  g_object_set (p1->room, "video-enabled", TRUE, NULL);
  lw.placeholder = FALSE;
  fail_unless (wait_until (layout_is, &lw, TABLE_TIMEOUT_MS));
  cw.want[0] = (Rgb) {
  255, 0, 0};
  fail_unless (wait_until (tiles_show, &cw, TABLE_TIMEOUT_MS));

  /* p2 leaves: p1 alone fills the table */
  member_free (p2);
  lw.n = 1;
  lw.placeholder_id = NULL;
  fail_unless (wait_until (layout_is, &lw, TABLE_TIMEOUT_MS),
      "p2's tile stayed after it left");
  layout = last_layout (obs);
  t1 = tile_of (layout, "p1");
  fail_unless (t1 && t1->rect.width == W && t1->rect.height == H);
  g_array_unref (layout);
  cw.ids[1] = NULL;
  fail_unless (wait_until (tiles_show, &cw, TABLE_TIMEOUT_MS));

  /* p1 mutes: the mix goes silent */
  g_object_set (p1->room, "audio-enabled", FALSE, NULL);
  fail_unless (wait_until (table_is_silent, obs, TABLE_TIMEOUT_MS));

  /* the table never stopped while members came, changed and went */
  g_mutex_lock (&fc.lock);
  GST_INFO ("%u table frames, largest timestamp step %" GST_TIME_FORMAT
      ", latest arrival %" GST_STIME_FORMAT " after its timestamp",
      fc.frames, GST_TIME_ARGS (fc.max_step), GST_STIME_ARGS (fc.max_late));
  fail_unless (fc.frames > 15);
  /* 15 fps: 66.7 ms per frame; one missing frame would be 133 ms */
  fail_unless (fc.max_step < 100 * GST_MSECOND,
      "a table frame is missing: step %" GST_TIME_FORMAT,
      GST_TIME_ARGS (fc.max_step));
  fail_unless (fc.max_late < MAX_LATE_MS * GST_MSECOND,
      "the table stalled: a frame came %" GST_STIME_FORMAT " late",
      GST_STIME_ARGS (fc.max_late));
  g_mutex_unlock (&fc.lock);

  member_free (p1);
  member_free (obs);
  g_mutex_clear (&fc.lock);
}

GST_END_TEST;

static gboolean
has_stats (gpointer data)
{
  return has_message (data, "peerjs-stats", "peer-id", "p1");
}

/* mean red of the stats strip at the top of a tile */
static gint
stats_strip_red (Member * m, const gchar * peer_id)
{
  GArray *layout = last_layout (m);
  TileInfo *t = tile_of (layout, peer_id);
  GstVideoFrame frame;
  GstBuffer *buffer;
  GstPeerJSTileRect strip;
  Rgb c = { 0, 0, 0 };

  fail_unless (t != NULL);
  strip = t->rect;
  /* the strip is twice the stats font high, at least 24 pixels; this
   * looks at its middle */
  strip.height = 24;
  fail_unless (pull_frame (m, &frame, &buffer));
  c = tile_centre (&frame, &strip);
  release_frame (&frame, buffer);
  g_array_unref (layout);
  return c.r;
}

/* A room's own camera is the first tile. */
GST_START_TEST (test_room_local_first)
{
  gchar *desc = g_strdup_printf ("peerjsroom name=room server=%s peer-id=p0 "
      "peers=p1 call-policy=answer-only table=true table-width=%d "
      "table-height=%d labels=p0=me stats-interval=300 videotestsrc is-live=true "
      "pattern=solid-color foreground-color=%u ! video/x-raw,width=320,"
      "height=180,framerate=15/1 ! room.video_sink audiotestsrc "
      "is-live=true ! room.audio_sink %s", server_uri, W, H, 0xff00ff00,
      TABLE_TAIL);
  Member *p0 = member_new_from_description ("p0", desc);
  Member *p1 = sink_member ("p1", "p0", 0xffff0000, NULL);
  LayoutWait lw = { p0, 2, NULL, FALSE };
  ColourWait cw = { p0, {"p0", "p1"}, {{0, 255, 0}, {255, 0, 0}
      }
  };
  GArray *layout;

  g_free (desc);
  member_play (p0);
  member_play (p1);
  fail_unless (wait_until (layout_is, &lw, TABLE_TIMEOUT_MS));
  layout = last_layout (p0);
  fail_unless_equals_string (g_array_index (layout, TileInfo, 0).peer_id, "p0");
  fail_unless_equals_string (g_array_index (layout, TileInfo, 0).label, "me");
  g_array_unref (layout);
  fail_unless (wait_until (tiles_show, &cw, TABLE_TIMEOUT_MS));

  /* the stats overlay darkens the top of p1's red tile and writes on it */
  fail_unless (stats_strip_red (p0, "p1") > 180);
  g_object_set (p0->room, "table-stats", TRUE, NULL);
  fail_unless (wait_until (has_stats, p0, TABLE_TIMEOUT_MS));
  g_usleep (500 * 1000);
  fail_unless (stats_strip_red (p0, "p1") < 170, "no stats strip on the tile");

  /* our own camera off: our tile is a placeholder too */
  g_object_set (p0->room, "video-enabled", FALSE, NULL);
  lw.placeholder_id = "p0";
  lw.placeholder = TRUE;
  fail_unless (wait_until (layout_is, &lw, TABLE_TIMEOUT_MS));

  member_free (p1);
  member_free (p0);
}

GST_END_TEST;

/* Four players: a 2x2 grid. */
GST_START_TEST (test_four_players)
{
  gchar *desc = g_strdup_printf ("peerjssrc name=room server=%s peer-id=obs "
      "table=true table-width=%d table-height=%d table-framerate=15/1 %s",
      server_uri, W, H, TABLE_TAIL);
  Member *obs = member_new_from_description ("obs", desc);
  const guint32 colours[] = { 0xffff0000, 0xff00ff00, 0xff0000ff, 0xffffffff };
  ColourWait cw = { obs, {"p1", "p2", "p3", "p4"},
  {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}}
  };
  LayoutWait lw = { obs, 4, NULL, FALSE };
  Member *players[4];
  GArray *layout;
  guint i;

  g_free (desc);
  member_play (obs);
  for (i = 0; i < 4; i++) {
    gchar *id = g_strdup_printf ("p%u", i + 1);

    players[i] = sink_member (id, "obs", colours[i], NULL);
    member_play (players[i]);
    g_free (id);
  }
  fail_unless (wait_until (layout_is, &lw, TABLE_TIMEOUT_MS));
  fail_unless (wait_until (tiles_show, &cw, TABLE_TIMEOUT_MS),
      "the 2x2 grid does not show the four players");
  layout = last_layout (obs);
  for (i = 0; i < 4; i++) {
    TileInfo *t = &g_array_index (layout, TileInfo, i);

    fail_unless (t->rect.width == W / 2 && t->rect.height == H / 2);
    fail_unless (t->rect.x == (gint) (i % 2) * W / 2
        && t->rect.y == (gint) (i / 2) * H / 2);
  }
  g_array_unref (layout);

  for (i = 0; i < 4; i++)
    member_free (players[i]);
  member_free (obs);
}

GST_END_TEST;

static Suite *
peerjstable_suite (void)
{
  Suite *s = suite_create ("peerjstable");
  TCase *tc = tcase_create ("general");

  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_set_timeout (tc, 180);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_grid);
  tcase_add_test (tc, test_src_table);
  tcase_add_test (tc, test_room_local_first);
  tcase_add_test (tc, test_four_players);
  return s;
}

GST_CHECK_MAIN (peerjstable);
