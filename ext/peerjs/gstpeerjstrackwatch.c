/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Guessing a member's camera/mic state from what it sends, for apps that
 * announce nothing. A browser's `track.enabled = false` sends black
 * frames (about one a second) and digital silence; a removed track sends
 * nothing. So:
 *
 *   video off: no frame for STALL_MS, or the last frames are black
 *   audio off: no sample above SILENCE_PEAK for STALL_MS (or no audio)
 *
 * The probes only sample (every VIDEO_SAMPLE_EVERY-th frame, a grid of
 * pixels); the decision runs every CHECK_INTERVAL_MS on the session
 * context. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjstrackwatch.h"
#include "gstpeerjsshared.h"

#include <gst/audio/audio.h>
#include <gst/video/video.h>
#include <math.h>

#define GST_CAT_DEFAULT peerjs_track_watch_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

#define CHECK_INTERVAL_MS 500
#define STALL_MS 2000
#define VIDEO_SAMPLE_EVERY 5
#define GRID 32
/* 8-bit luma: limited-range black is 16; a dark room is well above this */
#define BLACK_MEAN 28
#define BLACK_MAX 48
/* -70 dBFS: below any microphone's noise floor, above decoded silence */
#define SILENCE_PEAK 0.0003

typedef struct
{
  gchar *id;
  gboolean announced;
  gboolean has_video, has_audio;
  /* written by the probes; monotonic ms */
  gint64 last_video_ms, last_audio_ms, last_loud_ms;
  gboolean video_black;
  guint frames;
  /* what we posted (or assumed: on) */
  gboolean video_enabled, audio_enabled;
} Peer;

typedef struct
{
  GstPeerJSTrackWatch *watch;
  GstPad *pad;
  gulong probe;
  gchar *peer_id;
  GstPeerJSTrackKind kind;
} Watched;

struct _GstPeerJSTrackWatch
{
  GstObject parent;

  GstElement *element;
  GMainContext *context;
  gchar *room_id;

  GMutex lock;
  GHashTable *peers;            /* id -> Peer */
  GPtrArray *pads;              /* Watched */
  GSource *timer;
};

enum
{
  SIGNAL_TRACK_STATE,
  LAST_SIGNAL
};

static guint watch_signals[LAST_SIGNAL];

#define gst_peerjs_track_watch_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSTrackWatch, gst_peerjs_track_watch, GST_TYPE_OBJECT);

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

static void
peer_free (Peer * p)
{
  g_free (p->id);
  g_free (p);
}

static void
watched_free (Watched * w)
{
  if (w->probe)
    gst_pad_remove_probe (w->pad, w->probe);
  gst_object_unref (w->pad);
  g_free (w->peer_id);
  g_free (w);
}

/* ---- sampling (streaming threads) ---- */

static gboolean
frame_is_black (GstVideoFrame * frame)
{
  const GstVideoFormatInfo *finfo = frame->info.finfo;
  gboolean yuv = GST_VIDEO_FORMAT_INFO_IS_YUV (finfo);
  guint ncomp = yuv ? 1 : 3, c, x, y;
  guint64 sum = 0;
  guint count = 0, max = 0;

  for (c = 0; c < ncomp; c++)
    if (GST_VIDEO_FORMAT_INFO_DEPTH (finfo, c) != 8)
      return FALSE;             /* not judged */

  for (y = 0; y < GRID; y++) {
    for (x = 0; x < GRID; x++) {
      guint value = 0;

      for (c = 0; c < ncomp; c++) {
        gint w = GST_VIDEO_FRAME_COMP_WIDTH (frame, c);
        gint h = GST_VIDEO_FRAME_COMP_HEIGHT (frame, c);
        const guint8 *data = GST_VIDEO_FRAME_COMP_DATA (frame, c);
        gint px = (2 * x + 1) * w / (2 * GRID);
        gint py = (2 * y + 1) * h / (2 * GRID);

        value += data[py * GST_VIDEO_FRAME_COMP_STRIDE (frame, c) +
            px * GST_VIDEO_FRAME_COMP_PSTRIDE (frame, c)];
      }
      value /= ncomp;
      sum += value;
      max = MAX (max, value);
      count++;
    }
  }
  return count > 0 && sum / count <= BLACK_MEAN && max <= BLACK_MAX;
}

static void
sample_video (Peer * p, GstPad * pad, GstBuffer * buf)
{
  GstVideoMeta *meta;
  GstCaps *caps;
  GstVideoInfo info;
  GstVideoFrame frame;

  p->last_video_ms = now_ms ();
  if (p->frames++ % VIDEO_SAMPLE_EVERY != 0)
    return;
  caps = gst_pad_get_current_caps (pad);
  /* around a resolution change a buffer can meet the other size's caps:
   * skip it rather than map it wrong (a critical) */
  if (caps && gst_video_info_from_caps (&info, caps)
      && (!(meta = gst_buffer_get_video_meta (buf))
          || (meta->width >= (guint) info.width
              && meta->height >= (guint) info.height))
      && gst_video_frame_map (&frame, &info, buf, GST_MAP_READ)) {
    p->video_black = frame_is_black (&frame);
    gst_video_frame_unmap (&frame);
  }
  if (caps)
    gst_caps_unref (caps);
}

static gdouble
peak_of (const GstAudioInfo * info, const GstMapInfo * map)
{
  gsize n = map->size / MAX (GST_AUDIO_INFO_WIDTH (info) / 8, 1), i;
  gdouble peak = 0.0;

  switch (GST_AUDIO_INFO_FORMAT (info)) {
    case GST_AUDIO_FORMAT_S16:
      for (i = 0; i < n; i++)
        peak = MAX (peak, fabs (((const gint16 *) map->data)[i] / 32768.0));
      return peak;
    case GST_AUDIO_FORMAT_S32:
      for (i = 0; i < n; i++)
        peak = MAX (peak,
            fabs (((const gint32 *) map->data)[i] / 2147483648.0));
      return peak;
    case GST_AUDIO_FORMAT_F32:
      for (i = 0; i < n; i++)
        peak = MAX (peak, fabs (((const gfloat *) map->data)[i]));
      return peak;
    case GST_AUDIO_FORMAT_F64:
      for (i = 0; i < n; i++)
        peak = MAX (peak, fabs (((const gdouble *) map->data)[i]));
      return peak;
    default:
      return 1.0;               /* not judged: counts as sound */
  }
}

static void
sample_audio (Peer * p, GstPad * pad, GstBuffer * buf)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstAudioInfo info;
  GstMapInfo map;
  gint64 now = now_ms ();

  /* the first buffer counts as sound: a browser's mic may start in a
   * quiet moment, which is no reason to call it off */
  if (!p->last_audio_ms)
    p->last_loud_ms = now;
  p->last_audio_ms = now;
  if (caps && gst_audio_info_from_caps (&info, caps)
      && gst_buffer_map (buf, &map, GST_MAP_READ)) {
    if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)
        && peak_of (&info, &map) > SILENCE_PEAK)
      p->last_loud_ms = now;
    gst_buffer_unmap (buf, &map);
  }
  if (caps)
    gst_caps_unref (caps);
}

static GstPadProbeReturn
on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Watched *w = user_data;
  GstPeerJSTrackWatch *self = w->watch;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  Peer *p;

  /* the lock keeps the Peer alive; the work under it is small */
  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->peers, w->peer_id);
  if (p && !p->announced) {
    if (w->kind == GST_PEERJS_TRACK_VIDEO)
      sample_video (p, pad, buf);
    else
      sample_audio (p, pad, buf);
  }
  g_mutex_unlock (&self->lock);
  return GST_PAD_PROBE_OK;
}

/* ---- deciding (session context) ---- */

static void
post_state (GstPeerJSTrackWatch * self, const gchar * peer_id,
    gboolean video, gboolean audio)
{
  GstStructure *s = gst_structure_new ("peerjs-track-state",
      "peer-id", G_TYPE_STRING, peer_id,
      "video-enabled", G_TYPE_BOOLEAN, video,
      "audio-enabled", G_TYPE_BOOLEAN, audio,
      "source", G_TYPE_STRING, "media", NULL);

  GST_INFO_OBJECT (self, "'%s' seems to have video %s, audio %s", peer_id,
      video ? "on" : "off", audio ? "on" : "off");
  gst_peerjs_post (self->element, self->room_id, s);
  g_signal_emit (self, watch_signals[SIGNAL_TRACK_STATE], 0, peer_id, video,
      audio);
}

static gboolean
check_cb (gpointer user_data)
{
  GstPeerJSTrackWatch *self = user_data;
  GPtrArray *changed = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;
  gint64 now = now_ms ();
  guint i;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Peer *p = value;
    gboolean video = p->video_enabled, audio = p->audio_enabled;

    if (p->announced)
      continue;
    if (p->has_video && p->last_video_ms)
      video = now - p->last_video_ms < STALL_MS && !p->video_black;
    if (p->has_audio && p->last_audio_ms)
      audio = now - p->last_loud_ms < STALL_MS;
    if (video != p->video_enabled || audio != p->audio_enabled) {
      p->video_enabled = video;
      p->audio_enabled = audio;
      /* id, then the two flags packed in the pointer array */
      g_ptr_array_add (changed, g_strdup (p->id));
      g_ptr_array_add (changed, g_strdup_printf ("%d%d", video, audio));
    }
  }
  g_mutex_unlock (&self->lock);

  for (i = 0; i + 1 < changed->len; i += 2) {
    const gchar *flags = g_ptr_array_index (changed, i + 1);

    post_state (self, g_ptr_array_index (changed, i), flags[0] == '1',
        flags[1] == '1');
  }
  g_ptr_array_unref (changed);
  return G_SOURCE_CONTINUE;
}

void
gst_peerjs_track_watch_add_pad (GstPeerJSTrackWatch * self, GstPad * pad,
    const gchar * peer_id, GstPeerJSTrackKind kind)
{
  Watched *w = g_new0 (Watched, 1);
  Peer *p;

  w->watch = self;
  w->pad = gst_object_ref (pad);
  w->peer_id = g_strdup (peer_id);
  w->kind = kind;

  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->peers, peer_id);
  if (!p) {
    p = g_new0 (Peer, 1);
    p->id = g_strdup (peer_id);
    p->video_enabled = p->audio_enabled = TRUE;
    g_hash_table_insert (self->peers, p->id, p);
  }
  if (kind == GST_PEERJS_TRACK_VIDEO)
    p->has_video = TRUE;
  else
    p->has_audio = TRUE;
  g_ptr_array_add (self->pads, w);
  g_mutex_unlock (&self->lock);

  w->probe = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, w,
      NULL);
}

void
gst_peerjs_track_watch_remove_pad (GstPeerJSTrackWatch * self, GstPad * pad)
{
  Watched *w = NULL;
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->pads->len; i++) {
    Watched *c = g_ptr_array_index (self->pads, i);

    if (c->pad == pad) {
      w = g_ptr_array_steal_index (self->pads, i);
      break;
    }
  }
  /* the member's last pad: forget it (a new call starts afresh) */
  if (w) {
    gboolean more = FALSE;

    for (i = 0; i < self->pads->len; i++)
      more |= g_strcmp0 (((Watched *) g_ptr_array_index (self->pads,
                  i))->peer_id, w->peer_id) == 0;
    if (!more)
      g_hash_table_remove (self->peers, w->peer_id);
  }
  g_mutex_unlock (&self->lock);

  if (w)
    watched_free (w);
}

void
gst_peerjs_track_watch_set_announced (GstPeerJSTrackWatch * self,
    const gchar * peer_id)
{
  Peer *p;

  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->peers, peer_id);
  if (!p) {
    p = g_new0 (Peer, 1);
    p->id = g_strdup (peer_id);
    g_hash_table_insert (self->peers, p->id, p);
  }
  p->announced = TRUE;
  g_mutex_unlock (&self->lock);
}

void
gst_peerjs_track_watch_stop (GstPeerJSTrackWatch * self)
{
  GPtrArray *pads;

  g_mutex_lock (&self->lock);
  if (self->timer) {
    g_source_destroy (self->timer);
    g_clear_pointer (&self->timer, g_source_unref);
  }
  pads = self->pads;
  self->pads = g_ptr_array_new ();
  g_hash_table_remove_all (self->peers);
  g_mutex_unlock (&self->lock);

  g_ptr_array_set_free_func (pads, (GDestroyNotify) watched_free);
  g_ptr_array_unref (pads);
}

GstPeerJSTrackWatch *
gst_peerjs_track_watch_new (GstElement * element, GMainContext * context,
    const gchar * room_id)
{
  GstPeerJSTrackWatch *self = g_object_new (GST_TYPE_PEERJS_TRACK_WATCH,
      NULL);

  gst_object_ref_sink (self);
  self->element = element;
  self->context = g_main_context_ref (context);
  self->room_id = g_strdup (room_id);
  self->timer = g_timeout_source_new (CHECK_INTERVAL_MS);
  g_source_set_callback (self->timer, check_cb, self, NULL);
  g_source_attach (self->timer, context);
  return self;
}

static void
gst_peerjs_track_watch_finalize (GObject * object)
{
  GstPeerJSTrackWatch *self = GST_PEERJS_TRACK_WATCH (object);

  gst_peerjs_track_watch_stop (self);
  g_ptr_array_unref (self->pads);
  g_hash_table_unref (self->peers);
  g_main_context_unref (self->context);
  g_free (self->room_id);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_track_watch_init (GstPeerJSTrackWatch * self)
{
  g_mutex_init (&self->lock);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) peer_free);
  self->pads = g_ptr_array_new ();
}

static void
gst_peerjs_track_watch_class_init (GstPeerJSTrackWatchClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT, "peerjstrackwatch", 0,
      "PeerJS track state from the media");
  gobject_class->finalize = gst_peerjs_track_watch_finalize;

  /* what was also posted, for the game table */
  watch_signals[SIGNAL_TRACK_STATE] = g_signal_new ("track-state",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
}
