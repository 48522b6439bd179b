/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The game table: every member's video in one grid and their audio in one
 * mix, for a stream (OBS) or a recording.
 *
 *   videotestsrc (live, 16x16 black: the clock) -.
 *   member tee ! queue (leaky) ------------------+-> compositor ! capsfilter
 *       (BGRx, table size/rate) ! cairooverlay (labels, placeholders,
 *       stats) ! videoconvert -> table_video
 *   audiotestsrc (live, silence: the clock) -----.
 *   member tee ! queue (leaky) ------------------+-> audiomixer ! capsfilter
 *       (S16LE 48 kHz stereo) -> table_audio
 *
 * The live test sources keep both aggregators producing at their rate
 * whatever the members do, so the table never stalls: a member that goes
 * silent keeps its last frame under a placeholder, one that leaves loses
 * its tile. The members' branches start with a leaky queue: a slow table
 * never holds up a member's own pads.
 *
 * Members' buffers carry the running time at which they were captured
 * plus the jitterbuffer's delay, so both aggregators wait
 * `latency + TABLE_MARGIN` for them (min-upstream-latency): the members
 * join after the aggregators have computed their latency. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjstable.h"
#include "gstpeerjsshared.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <string.h>

#define GST_CAT_DEFAULT peerjs_table_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* decoding and queueing on top of the jitterbuffer's latency */
#define TABLE_MARGIN (150 * GST_MSECOND)
#define VIDEO_QUEUE_BUFFERS 3
#define AUDIO_QUEUE_TIME (300 * GST_MSECOND)
#define PLACEHOLDER_GREY 0.22

typedef struct
{
  GstPeerJSTrackKind kind;
  GstPad *source;               /* the tee pad we were given */
  GstPad *origin;               /* what the caller removes us by */
  GstElement *queue;
  GstPad *mixer_pad;            /* compositor or audiomixer sink pad */
} Branch;

typedef struct
{
  gchar *peer_id;
  gboolean local;
  Branch *branches[2];          /* by GstPeerJSTrackKind */
  gboolean video_on, audio_on;
  gchar *stats;
} Tile;

/* What the overlay draws for one tile, copied out of the lock. */
typedef struct
{
  GstPeerJSTileRect rect;
  gchar *label;
  gboolean placeholder;
  gchar *stats;
} TileDrawing;

struct _GstPeerJSTable
{
  GstObject parent;

  GstBin *bin;
  gchar *room_id;
  GstClockTime latency;

  /* the fixed elements, owned by the bin; we keep a reference each */
  GPtrArray *elements;
  GstElement *compositor, *mixer, *video_caps, *clock_caps;
  GstPad *video_src, *audio_src;

  /* serialises adding and removing branches (they change the bin) */
  GMutex ops;
  /* guards everything below; never held while changing the bin */
  GMutex lock;
  GPtrArray *tiles;             /* the local tile first, then by peer ID */
  GHashTable *labels;           /* peer ID -> label */
  gboolean show_stats;
  gint width, height, fps_n, fps_d;
};

G_DEFINE_TYPE_WITH_CODE (GstPeerJSTable, gst_peerjs_table, GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (peerjs_table_debug, "peerjstable", 0,
        "PeerJS game table"));

static void
tile_free (Tile * tile)
{
  g_free (tile->peer_id);
  g_free (tile->stats);
  g_free (tile);
}

static void
tile_drawing_clear (TileDrawing * d)
{
  g_free (d->label);
  g_free (d->stats);
}

/* ---- layout ---- */

GstPeerJSTileRect
gst_peerjs_table_tile_rect (guint index, guint n, gint width, gint height)
{
  GstPeerJSTileRect r = { 0, 0, width, height };
  guint cols, rows, row, col, in_row;

  if (n <= 1)
    return r;
  for (cols = 1; cols * cols < n; cols++);
  rows = (n + cols - 1) / cols;
  r.width = width / cols;
  r.height = height / rows;
  if (rows == 1) {
    /* two players: side by side, each at the grid's 16:9 size */
    r.height = height / 2;
    r.y = (height - r.height) / 2;
  }
  row = index / cols;
  col = index % cols;
  /* an incomplete last row is centred */
  in_row = (row == rows - 1) ? n - row * cols : cols;
  r.x = (width - (gint) in_row * r.width) / 2 + (gint) col *r.width;
  r.y += (gint) row *r.height;
  return r;
}

gint
gst_peerjs_table_label_bar_height (gint tile_height)
{
  return CLAMP (tile_height / 12, 18, 48);
}

static const gchar *
label_of (GstPeerJSTable * self, Tile * tile)
{
  const gchar *label = g_hash_table_lookup (self->labels, tile->peer_id);

  return label ? label : tile->peer_id;
}

static gboolean
is_placeholder (Tile * tile)
{
  return !tile->branches[GST_PEERJS_TRACK_VIDEO] || !tile->video_on;
}

/* @peer_id NULL: our own tile */
static Tile *
find_tile (GstPeerJSTable * self, const gchar * peer_id, guint * index)
{
  guint i;

  for (i = 0; i < self->tiles->len; i++) {
    Tile *tile = g_ptr_array_index (self->tiles, i);

    if (peer_id ? g_str_equal (tile->peer_id, peer_id) : tile->local) {
      if (index)
        *index = i;
      return tile;
    }
  }
  return NULL;
}

/* Moves a compositor pad to @r, only when it is elsewhere: setting its
 * size makes the compositor rebuild the pad's converter, for nothing at
 * most layout messages (a label or a placeholder changed). */
static void
place_pad (GstPad * pad, const GstPeerJSTileRect * r)
{
  gint x, y, width, height;

  g_object_get (pad, "xpos", &x, "ypos", &y, "width", &width, "height",
      &height, NULL);
  if (x != r->x || y != r->y || width != r->width || height != r->height)
    g_object_set (pad, "xpos", r->x, "ypos", r->y, "width", r->width,
        "height", r->height, NULL);
}

/* Puts every video pad where its tile is and every audio pad's mute where
 * the member's state says; returns the layout message. Lock held. */
static GstStructure *
apply_layout (GstPeerJSTable * self)
{
  GValue tiles = G_VALUE_INIT;
  guint i, n = self->tiles->len;

  gst_value_array_init (&tiles, n);
  for (i = 0; i < n; i++) {
    Tile *tile = g_ptr_array_index (self->tiles, i);
    GstPeerJSTileRect r = gst_peerjs_table_tile_rect (i, n, self->width,
        self->height);
    Branch *video = tile->branches[GST_PEERJS_TRACK_VIDEO];
    Branch *audio = tile->branches[GST_PEERJS_TRACK_AUDIO];
    GValue v = G_VALUE_INIT;

    if (video)
      place_pad (video->mixer_pad, &r);
    if (audio)
      g_object_set (audio->mixer_pad, "mute", !tile->audio_on, NULL);

    g_value_init (&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&v, gst_structure_new ("tile",
            "peer-id", G_TYPE_STRING, tile->peer_id,
            "label", G_TYPE_STRING, label_of (self, tile),
            "local", G_TYPE_BOOLEAN, tile->local,
            "x", G_TYPE_INT, r.x, "y", G_TYPE_INT, r.y,
            "width", G_TYPE_INT, r.width, "height", G_TYPE_INT, r.height,
            "placeholder", G_TYPE_BOOLEAN, is_placeholder (tile),
            "audio-muted", G_TYPE_BOOLEAN, !tile->audio_on, NULL));
    gst_value_array_append_and_take_value (&tiles, &v);
  }

  {
    GstStructure *s = gst_structure_new ("peerjs-table-layout",
        "width", G_TYPE_INT, self->width, "height", G_TYPE_INT, self->height,
        NULL);

    gst_structure_take_value (s, "tiles", &tiles);
    return s;
  }
}

/* Applies the layout and tells the application. Call without the lock. */
static void
relayout (GstPeerJSTable * self)
{
  GstStructure *s;

  g_mutex_lock (&self->lock);
  s = apply_layout (self);
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self, "layout %" GST_PTR_FORMAT, s);
  gst_peerjs_post (GST_ELEMENT (self->bin), self->room_id, s);
}

/* ---- drawing (the overlay's streaming thread) ---- */

static void
draw_text (cairo_t * cr, const gchar * text, gint x, gint y, gint width,
    gint height, gint px, gboolean centred)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string ("Sans Bold");
  gint text_width, text_height;

  pango_font_description_set_absolute_size (desc, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, MAX (width, 1) * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  if (centred)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  cairo_move_to (cr, x, y + (height - text_height) / 2);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (desc);
  g_object_unref (layout);
}

void
gst_peerjs_table_draw_label (gpointer cairo_context,
    const GstPeerJSTileRect * r, const gchar * label)
{
  cairo_t *cr = cairo_context;
  gint bar = gst_peerjs_table_label_bar_height (r->height);
  gint pad = bar / 3;

  /* opaque, so that what is under it never changes how it looks */
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, r->x, r->y + r->height - bar, r->width, bar);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_text (cr, label, r->x + pad, r->y + r->height - bar,
      r->width - 2 * pad, bar, bar * 6 / 10, FALSE);
}

static void
draw_tile (cairo_t * cr, const TileDrawing * d, gboolean show_stats)
{
  const GstPeerJSTileRect *r = &d->rect;
  gint bar = gst_peerjs_table_label_bar_height (r->height);

  if (d->placeholder) {
    cairo_set_source_rgb (cr, PLACEHOLDER_GREY, PLACEHOLDER_GREY,
        PLACEHOLDER_GREY);
    cairo_rectangle (cr, r->x, r->y, r->width, r->height);
    cairo_fill (cr);
    cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
    draw_text (cr, d->label, r->x, r->y, r->width, r->height - bar,
        MAX (bar, r->height / 8), TRUE);
  }
  gst_peerjs_table_draw_label (cr, r, d->label);

  if (show_stats && d->stats) {
    gint px = MAX (12, bar / 2);

    cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
    cairo_rectangle (cr, r->x, r->y, r->width, px * 2);
    cairo_fill (cr);
    cairo_set_source_rgb (cr, 1, 1, 0.6);
    draw_text (cr, d->stats, r->x + px / 2, r->y, r->width - px, px * 2, px,
        FALSE);
  }
}

static void
on_draw (GstElement * overlay, cairo_t * cr, guint64 timestamp,
    guint64 duration, GstPeerJSTable * self)
{
  GArray *drawings = g_array_new (FALSE, TRUE, sizeof (TileDrawing));
  gboolean show_stats;
  guint i, n;

  g_array_set_clear_func (drawings, (GDestroyNotify) tile_drawing_clear);
  g_mutex_lock (&self->lock);
  n = self->tiles->len;
  for (i = 0; i < n; i++) {
    Tile *tile = g_ptr_array_index (self->tiles, i);
    TileDrawing d;

    d.rect = gst_peerjs_table_tile_rect (i, n, self->width, self->height);
    d.label = g_strdup (label_of (self, tile));
    d.placeholder = is_placeholder (tile);
    d.stats = g_strdup (tile->stats);
    g_array_append_val (drawings, d);
  }
  show_stats = self->show_stats;
  g_mutex_unlock (&self->lock);

  for (i = 0; i < drawings->len; i++)
    draw_tile (cr, &g_array_index (drawings, TileDrawing, i), show_stats);
  g_array_unref (drawings);
}

/* ---- the fixed elements ---- */

static GstElement *
add_element (GstPeerJSTable * self, const gchar * factory, const gchar * name)
{
  gchar *full = g_strdup_printf ("table-%s", name);
  GstElement *e = gst_element_factory_make (factory, full);

  g_free (full);
  if (!e) {
    GST_ERROR_OBJECT (self, "GStreamer element '%s' is missing", factory);
    return NULL;
  }
  g_ptr_array_add (self->elements, gst_object_ref (e));
  gst_bin_add (self->bin, e);
  return e;
}

static GstElement *
add_capsfilter (GstPeerJSTable * self, const gchar * name, GstCaps * caps)
{
  GstElement *e = add_element (self, "capsfilter", name);

  if (e)
    g_object_set (e, "caps", caps, NULL);
  gst_caps_unref (caps);
  return e;
}

static GstCaps *
video_caps (GstPeerJSTable * self, gint width, gint height)
{
  return gst_caps_new_simple ("video/x-raw",
      "format", G_TYPE_STRING, "BGRx",
      "width", G_TYPE_INT, width, "height", G_TYPE_INT, height,
      "framerate", GST_TYPE_FRACTION, self->fps_n, self->fps_d,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
}

static gboolean
build_video (GstPeerJSTable * self)
{
  GstElement *clock, *overlay, *convert;
  GstPad *pad;

  clock = add_element (self, "videotestsrc", "video-clock");
  self->clock_caps = add_capsfilter (self, "video-clock-caps",
      gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, 16,
          "height", G_TYPE_INT, 16, "framerate", GST_TYPE_FRACTION,
          self->fps_n, self->fps_d, NULL));
  self->compositor = add_element (self, "compositor", "compositor");
  self->video_caps = add_capsfilter (self, "video-caps",
      video_caps (self, self->width, self->height));
  overlay = add_element (self, "cairooverlay", "overlay");
  convert = add_element (self, "videoconvert", "video-convert");
  if (!clock || !self->clock_caps || !self->compositor || !self->video_caps
      || !overlay || !convert)
    return FALSE;

  gst_util_set_object_arg (G_OBJECT (clock), "pattern", "black");
  g_object_set (clock, "is-live", TRUE, NULL);
  gst_util_set_object_arg (G_OBJECT (self->compositor), "background", "black");
  gst_util_set_object_arg (G_OBJECT (self->compositor),
      "start-time-selection", "first");
  g_object_set (self->compositor, "min-upstream-latency", self->latency, NULL);
  g_signal_connect (overlay, "draw", G_CALLBACK (on_draw), self);

  if (!gst_element_link (clock, self->clock_caps))
    return FALSE;
  pad = gst_element_request_pad_simple (self->compositor, "sink_%u");
  /* the clock input is only there to keep time */
  g_object_set (pad, "alpha", 0.0, "zorder", 0, NULL);
  gst_object_unref (pad);
  if (!gst_element_link (self->clock_caps, self->compositor)
      || !gst_element_link_many (self->compositor, self->video_caps, overlay,
          convert, NULL))
    return FALSE;
  self->video_src = gst_element_get_static_pad (convert, "src");
  return TRUE;
}

static gboolean
build_audio (GstPeerJSTable * self)
{
  GstElement *clock, *clock_caps, *out_caps;

  clock = add_element (self, "audiotestsrc", "audio-clock");
  clock_caps = add_capsfilter (self, "audio-clock-caps",
      gst_caps_from_string ("audio/x-raw, rate=(int)48000, channels=(int)2"));
  self->mixer = add_element (self, "audiomixer", "mixer");
  out_caps = add_capsfilter (self, "audio-caps",
      gst_caps_from_string ("audio/x-raw, format=(string)S16LE, "
          "layout=(string)interleaved, rate=(int)48000, channels=(int)2"));
  if (!clock || !clock_caps || !self->mixer || !out_caps)
    return FALSE;

  gst_util_set_object_arg (G_OBJECT (clock), "wave", "silence");
  /* 10 ms, the mixer's own output size */
  g_object_set (clock, "is-live", TRUE, "samplesperbuffer", 480, NULL);
  gst_util_set_object_arg (G_OBJECT (self->mixer), "start-time-selection",
      "first");
  g_object_set (self->mixer, "min-upstream-latency", self->latency, NULL);

  if (!gst_element_link_many (clock, clock_caps, self->mixer, out_caps, NULL))
    return FALSE;
  self->audio_src = gst_element_get_static_pad (out_caps, "src");
  return TRUE;
}

/**
 * gst_peerjs_table_new:
 * @bin: where the table's elements go (not referenced: the bin owns the
 *     table)
 * @latency_ms: the members' jitterbuffer latency
 *
 * Returns: (transfer full) (nullable): the table, or %NULL when a
 *     GStreamer element it needs is missing (logged).
 */
GstPeerJSTable *
gst_peerjs_table_new (GstBin * bin, const gchar * room_id, guint latency_ms)
{
  GstPeerJSTable *self = g_object_new (GST_TYPE_PEERJS_TABLE, NULL);

  gst_object_ref_sink (self);
  self->bin = bin;
  self->room_id = g_strdup (room_id);
  self->latency = latency_ms * GST_MSECOND + TABLE_MARGIN;
  if (!build_video (self) || !build_audio (self)) {
    gst_peerjs_table_remove (self);
    gst_object_unref (self);
    return NULL;
  }
  return self;
}

/**
 * gst_peerjs_table_get_src:
 *
 * Returns: (transfer none): the pad that gives out the table's video or
 *     audio (to be ghosted).
 */
GstPad *
gst_peerjs_table_get_src (GstPeerJSTable * self, GstPeerJSTrackKind kind)
{
  return kind == GST_PEERJS_TRACK_VIDEO ? self->video_src : self->audio_src;
}

void
gst_peerjs_table_set_format (GstPeerJSTable * self, gint width, gint height,
    gint fps_n, gint fps_d)
{
  GstCaps *caps;

  g_mutex_lock (&self->lock);
  self->width = width;
  self->height = height;
  self->fps_n = fps_n;
  self->fps_d = fps_d;
  caps = video_caps (self, width, height);
  g_mutex_unlock (&self->lock);

  g_object_set (self->video_caps, "caps", caps, NULL);
  gst_caps_unref (caps);
  caps = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT, 16,
      "height", G_TYPE_INT, 16, "framerate", GST_TYPE_FRACTION, fps_n, fps_d,
      NULL);
  g_object_set (self->clock_caps, "caps", caps, NULL);
  gst_caps_unref (caps);
  relayout (self);
}

/* "id=Name,id2=Name 2": entries without '=' or with an invalid ID are
 * left out (and logged). */
void
gst_peerjs_table_set_labels (GstPeerJSTable * self, const gchar * labels)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  gchar **entries = g_strsplit (labels ? labels : "", ",", -1);
  guint i;

  for (i = 0; entries[i]; i++) {
    gchar **kv = g_strsplit (entries[i], "=", 2);

    if (kv[0] && kv[1] && *g_strstrip (kv[0]))
      g_hash_table_replace (table, g_strdup (kv[0]),
          g_strdup (g_strstrip (kv[1])));
    else if (*g_strstrip (entries[i]))
      GST_WARNING_OBJECT (self, "label '%s' is not id=name: ignored",
          entries[i]);
    g_strfreev (kv);
  }
  g_strfreev (entries);

  g_mutex_lock (&self->lock);
  g_hash_table_unref (self->labels);
  self->labels = table;
  g_mutex_unlock (&self->lock);
  relayout (self);
}

void
gst_peerjs_table_set_show_stats (GstPeerJSTable * self, gboolean show_stats)
{
  g_mutex_lock (&self->lock);
  self->show_stats = show_stats;
  g_mutex_unlock (&self->lock);
}

/* ---- branches ---- */

static void
branch_free (Branch * b)
{
  gst_clear_object (&b->source);
  gst_clear_object (&b->origin);
  gst_clear_object (&b->queue);
  gst_clear_object (&b->mixer_pad);
  g_free (b);
}

static Branch *
branch_new (GstPeerJSTable * self, GstPeerJSTrackKind kind, GstPad * source,
    GstPad * origin)
{
  Branch *b = g_new0 (Branch, 1);
  GstElement *mixer = kind == GST_PEERJS_TRACK_VIDEO ? self->compositor :
      self->mixer;
  GstPad *queue_src, *queue_sink;
  gboolean linked;

  b->kind = kind;
  b->source = gst_object_ref (source);
  b->origin = gst_object_ref (origin);
  b->queue = gst_element_factory_make ("queue", NULL);
  /* the newest media wins: never hold up the member's own pads */
  if (kind == GST_PEERJS_TRACK_VIDEO)
    g_object_set (b->queue, "leaky", 2, "max-size-buffers",
        VIDEO_QUEUE_BUFFERS, "max-size-bytes", 0, "max-size-time",
        (guint64) 0, NULL);
  else
    g_object_set (b->queue, "leaky", 2, "max-size-buffers", 0,
        "max-size-bytes", 0, "max-size-time", (guint64) AUDIO_QUEUE_TIME, NULL);
  gst_object_ref_sink (b->queue);
  gst_bin_add (self->bin, b->queue);
  b->mixer_pad = gst_element_request_pad_simple (mixer, "sink_%u");
  if (kind == GST_PEERJS_TRACK_VIDEO) {
    gst_util_set_object_arg (G_OBJECT (b->mixer_pad), "sizing-policy",
        "keep-aspect-ratio");
    g_object_set (b->mixer_pad, "zorder", 1, NULL);
  }

  queue_src = gst_element_get_static_pad (b->queue, "src");
  queue_sink = gst_element_get_static_pad (b->queue, "sink");
  /* running before any data can reach it */
  gst_element_sync_state_with_parent (b->queue);
  linked = gst_pad_link (queue_src, b->mixer_pad) == GST_PAD_LINK_OK
      && gst_pad_link (source, queue_sink) == GST_PAD_LINK_OK;
  gst_object_unref (queue_src);
  gst_object_unref (queue_sink);
  if (!linked)
    GST_WARNING_OBJECT (self, "could not link %" GST_PTR_FORMAT, source);
  return b;
}

/* Unlinks and drops a branch; the source pad goes back to its tee. */
static void
branch_remove (GstPeerJSTable * self, Branch * b)
{
  GstElement *mixer = GST_ELEMENT (gst_pad_get_parent (b->mixer_pad));
  GstElement *tee = gst_pad_get_parent_element (b->source);
  GstPad *queue_sink = gst_element_get_static_pad (b->queue, "sink");

  gst_pad_unlink (b->source, queue_sink);
  gst_object_unref (queue_sink);
  if (tee) {
    gst_element_release_request_pad (tee, b->source);
    gst_object_unref (tee);
  }
  /* releasing the mixer pad first wakes a queue blocked on it */
  if (mixer) {
    gst_element_release_request_pad (mixer, b->mixer_pad);
    gst_object_unref (mixer);
  }
  gst_element_set_state (b->queue, GST_STATE_NULL);
  if (GST_OBJECT_PARENT (b->queue) == GST_OBJECT (self->bin))
    gst_bin_remove (self->bin, b->queue);
  branch_free (b);
}

/* our own tile first, then the members by ID */
static gint
compare_tiles (const Tile ** a, const Tile ** b)
{
  if ((*a)->local != (*b)->local)
    return (*a)->local ? -1 : 1;
  return strcmp ((*a)->peer_id, (*b)->peer_id);
}

/**
 * gst_peerjs_table_add_branch:
 * @source: (transfer none): a fresh src pad of the tee that gives out
 *     @peer_id's decoded @kind (the table releases it)
 * @origin: (transfer none): what gst_peerjs_table_remove_branch() will be
 *     called with
 *
 * Gives @peer_id's @kind to the table, adding the member's tile if it is
 * new. Any thread.
 */
void
gst_peerjs_table_add_branch (GstPeerJSTable * self, const gchar * peer_id,
    gboolean local, GstPeerJSTrackKind kind, GstPad * source, GstPad * origin)
{
  Branch *b, *old = NULL;
  Tile *tile;

  g_return_if_fail (GST_IS_PEERJS_TABLE (self));
  g_return_if_fail (GST_IS_PAD (source) && GST_IS_PAD (origin));

  g_mutex_lock (&self->ops);
  b = branch_new (self, kind, source, origin);

  g_mutex_lock (&self->lock);
  tile = find_tile (self, peer_id, NULL);
  if (!tile) {
    tile = g_new0 (Tile, 1);
    tile->peer_id = g_strdup (peer_id);
    tile->local = local;
    tile->video_on = tile->audio_on = TRUE;
    g_ptr_array_add (self->tiles, tile);
    /* seats that do not depend on who joined first */
    g_ptr_array_sort (self->tiles, (GCompareFunc) compare_tiles);
  }
  old = tile->branches[kind];
  tile->branches[kind] = b;
  g_mutex_unlock (&self->lock);

  if (old)
    branch_remove (self, old);
  g_mutex_unlock (&self->ops);
  GST_INFO_OBJECT (self, "'%s' %s on the table", peer_id,
      kind == GST_PEERJS_TRACK_VIDEO ? "video" : "audio");
  relayout (self);
}

/* Takes the branch that came from @origin out of its tile, dropping the
 * tile when it was the last. Lock held. */
static Branch *
take_branch (GstPeerJSTable * self, GstPad * origin)
{
  guint i, k;

  for (i = 0; i < self->tiles->len; i++) {
    Tile *tile = g_ptr_array_index (self->tiles, i);

    for (k = 0; k < G_N_ELEMENTS (tile->branches); k++) {
      Branch *b = tile->branches[k];

      if (b && b->origin == origin) {
        tile->branches[k] = NULL;
        if (!tile->branches[0] && !tile->branches[1])
          g_ptr_array_remove_index (self->tiles, i);
        return b;
      }
    }
  }
  return NULL;
}

void
gst_peerjs_table_remove_branch (GstPeerJSTable * self, GstPad * origin)
{
  Branch *b;

  g_return_if_fail (GST_IS_PEERJS_TABLE (self));

  g_mutex_lock (&self->ops);
  g_mutex_lock (&self->lock);
  b = take_branch (self, origin);
  g_mutex_unlock (&self->lock);
  if (b)
    branch_remove (self, b);
  g_mutex_unlock (&self->ops);
  if (b)
    relayout (self);
}

/* @peer_id NULL: ours */
void
gst_peerjs_table_set_track_state (GstPeerJSTable * self,
    const gchar * peer_id, gboolean video, gboolean audio)
{
  gboolean changed = FALSE;
  Tile *tile;

  g_return_if_fail (GST_IS_PEERJS_TABLE (self));

  g_mutex_lock (&self->lock);
  if ((tile = find_tile (self, peer_id, NULL))) {
    changed = tile->video_on != video || tile->audio_on != audio;
    tile->video_on = video;
    tile->audio_on = audio;
  }
  g_mutex_unlock (&self->lock);
  if (changed)
    relayout (self);
}

void
gst_peerjs_table_set_local_id (GstPeerJSTable * self, const gchar * peer_id)
{
  gboolean changed = FALSE;
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->tiles->len; i++) {
    Tile *tile = g_ptr_array_index (self->tiles, i);

    if (tile->local && g_strcmp0 (tile->peer_id, peer_id) != 0) {
      g_free (tile->peer_id);
      tile->peer_id = g_strdup (peer_id);
      changed = TRUE;
    }
  }
  g_mutex_unlock (&self->lock);
  if (changed)
    relayout (self);
}

static gchar *
format_stats (const GstStructure * stats)
{
  gdouble rtt = -1, in = 0, out = 0, lost = 0;
  GString *text = g_string_new (NULL);

  gst_structure_get_double (stats, "rtt-ms", &rtt);
  gst_structure_get_double (stats, "bitrate-in-kbps", &in);
  gst_structure_get_double (stats, "bitrate-out-kbps", &out);
  gst_structure_get_double (stats, "fraction-lost", &lost);
  if (rtt >= 0)
    g_string_append_printf (text, "RTT %.0f ms  ", rtt);
  g_string_append_printf (text, "in %.2f Mbit/s  ", in / 1000);
  if (out > 0)
    g_string_append_printf (text, "out %.2f Mbit/s  ", out / 1000);
  if (lost >= 0)
    g_string_append_printf (text, "loss %.1f %%", lost * 100);
  return g_string_free (text, FALSE);
}

void
gst_peerjs_table_set_stats (GstPeerJSTable * self, const gchar * peer_id,
    const GstStructure * stats)
{
  gchar *text = format_stats (stats);
  Tile *tile;

  g_mutex_lock (&self->lock);
  if ((tile = find_tile (self, peer_id, NULL))) {
    g_free (tile->stats);
    tile->stats = text;
    text = NULL;
  }
  g_mutex_unlock (&self->lock);
  g_free (text);
}

/* Drops every tile and branch (the element stops). */
void
gst_peerjs_table_clear (GstPeerJSTable * self)
{
  GPtrArray *branches = g_ptr_array_new ();
  guint i, k;

  g_mutex_lock (&self->ops);
  g_mutex_lock (&self->lock);
  for (i = 0; i < self->tiles->len; i++) {
    Tile *tile = g_ptr_array_index (self->tiles, i);

    for (k = 0; k < G_N_ELEMENTS (tile->branches); k++)
      if (tile->branches[k])
        g_ptr_array_add (branches, tile->branches[k]);
  }
  g_ptr_array_set_size (self->tiles, 0);
  g_mutex_unlock (&self->lock);
  for (i = 0; i < branches->len; i++)
    branch_remove (self, g_ptr_array_index (branches, i));
  g_mutex_unlock (&self->ops);
  g_ptr_array_unref (branches);
}

/* Takes the table's elements out of the bin (table=false). */
void
gst_peerjs_table_remove (GstPeerJSTable * self)
{
  guint i;

  gst_peerjs_table_clear (self);
  for (i = 0; i < self->elements->len; i++) {
    GstElement *e = g_ptr_array_index (self->elements, i);

    g_signal_handlers_disconnect_by_data (e, self);
    gst_element_set_state (e, GST_STATE_NULL);
    if (GST_OBJECT_PARENT (e) == GST_OBJECT (self->bin))
      gst_bin_remove (self->bin, e);
  }
  g_ptr_array_set_size (self->elements, 0);
}

static void
gst_peerjs_table_finalize (GObject * object)
{
  GstPeerJSTable *self = GST_PEERJS_TABLE (object);

  g_ptr_array_unref (self->tiles);
  g_ptr_array_unref (self->elements);
  g_hash_table_unref (self->labels);
  gst_clear_object (&self->video_src);
  gst_clear_object (&self->audio_src);
  g_free (self->room_id);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->ops);
  G_OBJECT_CLASS (gst_peerjs_table_parent_class)->finalize (object);
}

static void
gst_peerjs_table_init (GstPeerJSTable * self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->ops);
  self->tiles = g_ptr_array_new_with_free_func ((GDestroyNotify) tile_free);
  self->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  self->width = GST_PEERJS_TABLE_DEFAULT_WIDTH;
  self->height = GST_PEERJS_TABLE_DEFAULT_HEIGHT;
  self->fps_n = GST_PEERJS_TABLE_DEFAULT_FPS_N;
  self->fps_d = GST_PEERJS_TABLE_DEFAULT_FPS_D;
}

static void
gst_peerjs_table_class_init (GstPeerJSTableClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = gst_peerjs_table_finalize;
}
