/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Room members for the element tests: a peerjsroom with test sources whose
 * remote pads are counted, its element messages kept. */

#include "peerjsmember.h"
#include "upstreambugs.h"

#include <gst/audio/audio.h>
#include <gst/video/video.h>
#include <math.h>

GstPeerJSServer *server;
gchar *server_uri;

void
server_setup (void)
{
  GError *error = NULL;

  gst_peerjs_init ();
  filter_upstream_sctp_teardown_warning ();
  server = gst_peerjs_server_new ();
  g_object_set (server, "port", 0, "allow-discovery", TRUE,
      "expire-timeout", 1000, NULL);
  fail_unless (gst_peerjs_server_start (server, &error), "%s",
      error ? error->message : "");
  server_uri = g_strdup_printf ("ws://127.0.0.1:%u/",
      gst_peerjs_server_get_port (server));
}

void
server_teardown (void)
{
  gst_peerjs_server_stop (server);
  gst_clear_object (&server);
  g_clear_pointer (&server_uri, g_free);
}

/* video: mean of the first plane (luma), 0..255; audio: peak x 1000 */
static gint
level_of (GstPad * pad, GstBuffer * buf)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstVideoMeta *meta;
  GstVideoInfo vinfo;
  GstAudioInfo ainfo;
  GstVideoFrame frame;
  GstMapInfo map;
  gint level = -1;

  if (!caps)
    return -1;
  meta = gst_buffer_get_video_meta (buf);
  /* a buffer of the old size right at a resolution change: not mapped */
  if (gst_video_info_from_caps (&vinfo, caps)
      && GST_VIDEO_INFO_IS_YUV (&vinfo)
      && (!meta || (meta->width >= (guint) vinfo.width
              && meta->height >= (guint) vinfo.height))
      && gst_video_frame_map (&frame, &vinfo, buf, GST_MAP_READ)) {
    guint64 sum = 0;
    gint x, y, w = GST_VIDEO_FRAME_COMP_WIDTH (&frame, 0);
    gint h = GST_VIDEO_FRAME_COMP_HEIGHT (&frame, 0);
    const guint8 *d = GST_VIDEO_FRAME_COMP_DATA (&frame, 0);

    for (y = 0; y < h; y++)
      for (x = 0; x < w; x++)
        sum += d[y * GST_VIDEO_FRAME_COMP_STRIDE (&frame, 0) +
            x * GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, 0)];
    level = (gint) (sum / MAX (w * h, 1));
    gst_video_frame_unmap (&frame);
  } else if (gst_audio_info_from_caps (&ainfo, caps)
      && gst_buffer_map (buf, &map, GST_MAP_READ)) {
    gdouble peak = 0;
    gsize i;

    if (GST_AUDIO_INFO_FORMAT (&ainfo) == GST_AUDIO_FORMAT_F32)
      for (i = 0; i < map.size / 4; i++)
        peak = MAX (peak, fabs (((gfloat *) map.data)[i]));
    else if (GST_AUDIO_INFO_FORMAT (&ainfo) == GST_AUDIO_FORMAT_S16)
      for (i = 0; i < map.size / 2; i++)
        peak = MAX (peak, fabs (((gint16 *) map.data)[i] / 32768.0));
    level = (gint) (peak * 1000);
    gst_buffer_unmap (buf, &map);
  }
  gst_caps_unref (caps);
  return level;
}

static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, Member * m)
{
  gint level = level_of (pad, GST_PAD_PROBE_INFO_BUFFER (info));
  gchar *name = gst_pad_get_name (pad);
  guint n;

  g_mutex_lock (&m->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (m->counts, name));
  g_hash_table_insert (m->counts, g_strdup (name), GUINT_TO_POINTER (n + 1));
  g_hash_table_insert (m->levels, g_strdup (name), GINT_TO_POINTER (level));
  if (g_str_has_prefix (name, "video_")) {
    GstCaps *caps = gst_pad_get_current_caps (pad);
    gint width = 0;

    if (caps) {
      gst_structure_get_int (gst_caps_get_structure (caps, 0), "width", &width);
      gst_caps_unref (caps);
    }
    g_hash_table_insert (m->widths, g_strdup (name), GINT_TO_POINTER (width));
  }
  g_mutex_unlock (&m->lock);
  g_free (name);
  return GST_PAD_PROBE_OK;
}

static void
on_pad_added (GstElement * room, GstPad * pad, Member * m)
{
  GstElement *sink;
  GstPad *sinkpad;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (GST_BIN (m->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) count_buffer, m, NULL);
}

static void
on_element_message (GstBus * bus, GstMessage * msg, Member * m)
{
  g_mutex_lock (&m->lock);
  g_ptr_array_add (m->messages,
      gst_structure_copy (gst_message_get_structure (msg)));
  g_mutex_unlock (&m->lock);
}

Member *
member_new (const gchar * id, const gchar * peers, const gchar * extra)
{
  return member_new_with_video (id, peers, extra, NULL);
}

/* @video: a description ending in `room.video_sink`, NULL for the default
 * 320x240 test pattern behind a capsfilter named vcaps */
Member *
member_new_with_video (const gchar * id, const gchar * peers,
    const gchar * extra, const gchar * video)
{
  gchar *desc = g_strdup_printf ("peerjsroom name=room server=%s "
      "peer-id=\"%s\" peers=\"%s\" %s %s "
      "audiotestsrc is-live=true wave=sine freq=440 ! room.audio_sink",
      server_uri, id, peers, extra ? extra : "", video ? video :
      "videotestsrc is-live=true pattern=ball ! capsfilter name=vcaps "
      "caps=video/x-raw,width=320,height=240,framerate=30/1 ! "
      "room.video_sink");
  Member *m = member_new_from_description (id, desc);

  g_free (desc);
  return m;
}

/* @description: a pipeline whose PeerJS element is named "room" */
Member *
member_new_from_description (const gchar * id, const gchar * description)
{
  Member *m = g_new0 (Member, 1);
  GstBus *bus;

  m->id = g_strdup (id);
  g_mutex_init (&m->lock);
  m->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m->widths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m->levels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  m->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);

  m->pipeline = gst_parse_launch (description, NULL);
  fail_unless (m->pipeline != NULL, "could not build %s", description);
  /* a lone element comes back bare */
  if (!GST_IS_PIPELINE (m->pipeline)) {
    GstElement *pipeline = gst_pipeline_new (NULL);

    gst_bin_add (GST_BIN (pipeline), m->pipeline);
    m->pipeline = pipeline;
  }
  m->room = gst_bin_get_by_name (GST_BIN (m->pipeline), "room");
  /* NULL with a custom video description */
  m->video_caps = gst_bin_get_by_name (GST_BIN (m->pipeline), "vcaps");
  g_signal_connect (m->room, "pad-added", G_CALLBACK (on_pad_added), m);

  bus = gst_element_get_bus (m->pipeline);
  gst_bus_enable_sync_message_emission (bus);
  g_signal_connect (bus, "sync-message::element",
      G_CALLBACK (on_element_message), m);
  gst_object_unref (bus);
  return m;
}

void
member_play (Member * m)
{
  fail_if (gst_element_set_state (m->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
}

void
member_free (Member * m)
{
  GstBus *bus;

  gst_element_set_state (m->pipeline, GST_STATE_NULL);
  bus = gst_element_get_bus (m->pipeline);
  gst_bus_disable_sync_message_emission (bus);
  g_signal_handlers_disconnect_by_data (bus, m);
  gst_object_unref (bus);
  gst_object_unref (m->room);
  if (m->video_caps)
    gst_object_unref (m->video_caps);
  gst_object_unref (m->pipeline);
  g_hash_table_unref (m->counts);
  g_hash_table_unref (m->widths);
  g_hash_table_unref (m->levels);
  g_ptr_array_unref (m->messages);
  g_mutex_clear (&m->lock);
  g_free (m->id);
  g_free (m);
}

guint
count_of (Member * m, const gchar * pad_name)
{
  guint n;

  g_mutex_lock (&m->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (m->counts, pad_name));
  g_mutex_unlock (&m->lock);
  return n;
}

void
reset_counts (Member * m)
{
  g_mutex_lock (&m->lock);
  g_hash_table_remove_all (m->counts);
  g_mutex_unlock (&m->lock);
}

/* Whether @m posted an element message @name whose @field is @value. */
gboolean
has_message (Member * m, const gchar * name, const gchar * field,
    const gchar * value)
{
  gboolean found = FALSE;
  guint i;

  g_mutex_lock (&m->lock);
  for (i = 0; i < m->messages->len && !found; i++) {
    GstStructure *s = g_ptr_array_index (m->messages, i);

    found = gst_structure_has_name (s, name) && (!field
        || g_strcmp0 (gst_structure_get_string (s, field), value) == 0);
  }
  g_mutex_unlock (&m->lock);
  return found;
}


gboolean
wait_until (Check check, gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!check (data)) {
    if (g_get_monotonic_time () > end)
      return check (data);
    g_usleep (50 * 1000);
  }
  return TRUE;
}


/* every member decodes enough audio and video from every other member */
gboolean
all_pairs_flow (gpointer data)
{
  Mesh *mesh = data;
  guint i, j;

  for (i = 0; i < mesh->n; i++)
    for (j = 0; j < mesh->n; j++) {
      gchar *v, *a;
      gboolean ok;

      if (i == j)
        continue;
      v = g_strdup_printf ("video_%s", mesh->members[j]->id);
      a = g_strdup_printf ("audio_%s", mesh->members[j]->id);
      ok = count_of (mesh->members[i], v) >= ENOUGH
          && count_of (mesh->members[i], a) >= ENOUGH;
      g_free (v);
      g_free (a);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

void
dump_counts (Mesh * mesh)
{
  guint i;

  for (i = 0; i < mesh->n; i++) {
    GHashTableIter iter;
    gpointer k, v;

    g_mutex_lock (&mesh->members[i]->lock);
    g_hash_table_iter_init (&iter, mesh->members[i]->counts);
    while (g_hash_table_iter_next (&iter, &k, &v))
      GST_INFO ("%s: %s %u", mesh->members[i]->id, (gchar *) k,
          GPOINTER_TO_UINT (v));
    g_mutex_unlock (&mesh->members[i]->lock);
  }
}

/* The last level (see level_of) seen on @pad_name, -1 if none. */
gint
level_of_pad (Member * m, const gchar * pad_name)
{
  gpointer v;
  gint level = -1;

  g_mutex_lock (&m->lock);
  if (g_hash_table_lookup_extended (m->levels, pad_name, NULL, &v))
    level = GPOINTER_TO_INT (v);
  g_mutex_unlock (&m->lock);
  return level;
}

/* A copy of the last element message @name whose string @field is @value
 * (any when @field is NULL), or NULL. */
GstStructure *
last_message (Member * m, const gchar * name, const gchar * field,
    const gchar * value)
{
  GstStructure *found = NULL;
  guint i;

  g_mutex_lock (&m->lock);
  for (i = m->messages->len; i > 0 && !found; i--) {
    GstStructure *s = g_ptr_array_index (m->messages, i - 1);

    if (gst_structure_has_name (s, name) && (!field
            || g_strcmp0 (gst_structure_get_string (s, field), value) == 0))
      found = gst_structure_copy (s);
  }
  g_mutex_unlock (&m->lock);
  return found;
}

/* How many element messages @name @m has posted. */
guint
count_messages (Member * m, const gchar * name)
{
  guint i, n = 0;

  g_mutex_lock (&m->lock);
  for (i = 0; i < m->messages->len; i++)
    n += gst_structure_has_name (g_ptr_array_index (m->messages, i), name);
  g_mutex_unlock (&m->lock);
  return n;
}

typedef struct
{
  Member *m;
  const gchar *from;
  guint video0, audio0;         /* counted before */
} Flow;

static gboolean
receives_from (gpointer data)
{
  Flow *f = data;
  gchar *v = g_strdup_printf ("video_%s", f->from);
  gchar *a = g_strdup_printf ("audio_%s", f->from);
  gboolean ok = count_of (f->m, v) >= f->video0 + ENOUGH
      && count_of (f->m, a) >= f->audio0 + ENOUGH;

  g_free (v);
  g_free (a);
  return ok;
}

/* @m decodes enough audio and video from @from (counted from now on when
 * @more, else since the start) within @timeout_ms */
void
assert_flow (Member * m, const gchar * from, gboolean more, guint timeout_ms)
{
  gchar *v = g_strdup_printf ("video_%s", from);
  gchar *a = g_strdup_printf ("audio_%s", from);
  Flow f = { m, from, more ? count_of (m, v) : 0, more ? count_of (m, a) : 0 };

  g_free (v);
  g_free (a);
  fail_unless (wait_until (receives_from, &f, timeout_ms),
      "%s: %s audio and video from %s", m->id, more ? "no more" : "no", from);
}
