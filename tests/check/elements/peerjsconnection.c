/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The media engine: the fan-out (one encoder per local track) and the
 * connections (one webrtcbin per PeerJS connection), with real encoders
 * and real webrtcbins talking over loopback. */

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>
#include <gst/video/video.h>

#include "gstpeerjsconnection.h"
#include "gstpeerjsfanout.h"
#include "gstpeerjspacing.h"

#include <string.h>
#include "upstreambugs.h"

/* ---- helpers ---- */

typedef struct
{
  GMutex lock;
  guint buffers;
  guint keyframes;
  gint width, height;
  gchar *media_type;
  gint64 first_buffer_time;     /* monotonic, us */
} Counter;

static void
counter_init (Counter * c)
{
  memset (c, 0, sizeof (*c));
  g_mutex_init (&c->lock);
}

static void
counter_clear (Counter * c)
{
  g_free (c->media_type);
  g_mutex_clear (&c->lock);
}

static guint
counter_buffers (Counter * c)
{
  guint n;

  g_mutex_lock (&c->lock);
  n = c->buffers;
  g_mutex_unlock (&c->lock);
  return n;
}

static guint
counter_keyframes (Counter * c)
{
  guint n;

  g_mutex_lock (&c->lock);
  n = c->keyframes;
  g_mutex_unlock (&c->lock);
  return n;
}

static GstPadProbeReturn
count_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Counter *c = user_data;

  g_mutex_lock (&c->lock);
  if (GST_PAD_PROBE_INFO_TYPE (info) & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);

    if (c->buffers++ == 0)
      c->first_buffer_time = g_get_monotonic_time ();
    if (!GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT))
      c->keyframes++;
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_CAPS) {
    GstCaps *caps;
    GstStructure *s;

    gst_event_parse_caps (GST_PAD_PROBE_INFO_EVENT (info), &caps);
    s = gst_caps_get_structure (caps, 0);
    g_free (c->media_type);
    c->media_type = g_strdup (gst_structure_get_name (s));
    gst_structure_get_int (s, "width", &c->width);
    gst_structure_get_int (s, "height", &c->height);
  }
  g_mutex_unlock (&c->lock);
  return GST_PAD_PROBE_OK;
}

/* Links @pad (in @bin) to a new fakesink that counts what arrives. */
static GstElement *
counting_sink (GstBin * bin, GstPad * pad, Counter * c)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *sinkpad;

  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add (bin, sink);
  sinkpad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, count_probe, c, NULL);
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
  gst_element_sync_state_with_parent (sink);
  return sink;
}

static gboolean
wait_for (gboolean (*done) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (!done (data)) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_usleep (10 * 1000);
  }
  return TRUE;
}

typedef struct
{
  Counter *counter;
  guint buffers;
  gint width;
} CountWait;

static gboolean
has_buffers (gpointer data)
{
  CountWait *w = data;
  gboolean done;

  g_mutex_lock (&w->counter->lock);
  done = w->counter->buffers >= w->buffers
      && (!w->width || w->counter->width == w->width);
  g_mutex_unlock (&w->counter->lock);
  return done;
}

typedef struct
{
  Counter *counter;
  guint keyframes;
} KeyframeWait;

static gboolean
has_keyframes (gpointer data)
{
  KeyframeWait *w = data;

  return counter_keyframes (w->counter) >= w->keyframes;
}

static gboolean
wait_for_keyframes (Counter * c, guint keyframes, guint timeout_ms)
{
  KeyframeWait w = { c, keyframes };

  return wait_for (has_keyframes, &w, timeout_ms);
}

static gboolean
wait_buffers (Counter * c, guint n_buffers, gint width, guint timeout_ms)
{
  CountWait w = { c, n_buffers, width };

  return wait_for (has_buffers, &w, timeout_ms);
}

static GstElement *
live_video_source (GstBin * bin, gint width, gint height, GstPad * target)
{
  GstElement *src = gst_element_factory_make ("videotestsrc", NULL);
  GstElement *filter = gst_element_factory_make ("capsfilter", NULL);
  GstCaps *caps = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT,
      width, "height", G_TYPE_INT, height, "framerate", GST_TYPE_FRACTION, 30,
      1, NULL);
  GstPad *srcpad;

  g_object_set (src, "is-live", TRUE, NULL);
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  gst_bin_add_many (bin, src, filter, NULL);
  fail_unless (gst_element_link (src, filter));
  srcpad = gst_element_get_static_pad (filter, "src");
  fail_unless_equals_int (gst_pad_link (srcpad, target), GST_PAD_LINK_OK);
  gst_object_unref (srcpad);
  return filter;
}

static void
live_audio_source (GstBin * bin, GstPad * target)
{
  GstElement *src = gst_element_factory_make ("audiotestsrc", NULL);
  GstPad *srcpad;

  g_object_set (src, "is-live", TRUE, "wave", 8 /* ticks */ , NULL);
  gst_bin_add (bin, src);
  srcpad = gst_element_get_static_pad (src, "src");
  fail_unless_equals_int (gst_pad_link (srcpad, target), GST_PAD_LINK_OK);
  gst_object_unref (srcpad);
}

static void
set_video_size (GstElement * filter, gint width, gint height)
{
  GstCaps *caps = gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT,
      width, "height", G_TYPE_INT, height, "framerate", GST_TYPE_FRACTION, 30,
      1, NULL);

  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
}

static void
set_state_and_wait (GstElement * pipeline, GstState state)
{
  fail_if (gst_element_set_state (pipeline, state) == GST_STATE_CHANGE_FAILURE);
  fail_if (gst_element_get_state (pipeline, NULL, NULL, 10 * GST_SECOND) ==
      GST_STATE_CHANGE_FAILURE);
}

static void
assert_no_error (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (msg) {
    GError *err = NULL;
    gchar *dbg = NULL;

    gst_message_parse_error (msg, &err, &dbg);
    fail ("error from %s: %s (%s)", GST_OBJECT_NAME (msg->src), err->message,
        dbg);
  }
  gst_object_unref (bus);
}

/* ---- fan-out ---- */

static void
check_fanout_encodes (GstPeerJSVideoCodec codec, const gchar * video_type)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstPeerJSFanout *fanout = gst_peerjs_fanout_new (GST_BIN (pipeline), codec,
      500);
  GstPad *vin, *ain, *vbranch, *abranch;
  Counter video, audio;
  GstElement *filter;

  counter_init (&video);
  counter_init (&audio);

  vin = gst_peerjs_fanout_add_input (fanout, GST_PEERJS_TRACK_VIDEO);
  ain = gst_peerjs_fanout_add_input (fanout, GST_PEERJS_TRACK_AUDIO);
  fail_unless (vin && ain);
  fail_unless (gst_peerjs_fanout_add_input (fanout,
          GST_PEERJS_TRACK_VIDEO) == NULL, "a second video input");
  fail_unless (gst_peerjs_fanout_has_input (fanout, GST_PEERJS_TRACK_VIDEO));

  filter = live_video_source (GST_BIN (pipeline), 320, 240, vin);
  live_audio_source (GST_BIN (pipeline), ain);

  vbranch = gst_peerjs_fanout_request_branch (fanout, GST_PEERJS_TRACK_VIDEO);
  abranch = gst_peerjs_fanout_request_branch (fanout, GST_PEERJS_TRACK_AUDIO);
  fail_unless (vbranch && abranch);
  counting_sink (GST_BIN (pipeline), vbranch, &video);
  counting_sink (GST_BIN (pipeline), abranch, &audio);

  set_state_and_wait (pipeline, GST_STATE_PLAYING);
  fail_unless (wait_buffers (&video, 20, 320, 5000), "video: %u buffers",
      counter_buffers (&video));
  fail_unless (wait_buffers (&audio, 20, 0, 5000), "audio: %u buffers",
      counter_buffers (&audio));
  fail_unless_equals_string (video.media_type, video_type);
  fail_unless_equals_string (audio.media_type, "audio/x-opus");
  fail_unless_equals_int (video.height, 240);

  /* the input changes size mid-stream: the encoder follows, no error */
  set_video_size (filter, 640, 480);
  fail_unless (wait_buffers (&video, counter_buffers (&video) + 20, 640,
          5000), "video after the caps change: %u buffers, width %d",
      counter_buffers (&video), video.width);
  fail_unless_equals_int (video.height, 480);
  /* and a picture larger than 4K is scaled down, aspect kept */
  set_video_size (filter, 4096, 2304);
  fail_unless (wait_buffers (&video, counter_buffers (&video) + 5, 3840,
          10000), "video after the 4K change: width %d", video.width);
  fail_unless_equals_int (video.height, 2160);
  assert_no_error (pipeline);

  set_state_and_wait (pipeline, GST_STATE_NULL);
  gst_peerjs_fanout_release_branch (fanout, vbranch);
  gst_peerjs_fanout_release_branch (fanout, abranch);
  gst_object_unref (vin);
  gst_object_unref (ain);
  gst_peerjs_fanout_remove_input (fanout, GST_PEERJS_TRACK_VIDEO);
  gst_peerjs_fanout_remove_input (fanout, GST_PEERJS_TRACK_AUDIO);
  fail_if (gst_peerjs_fanout_has_input (fanout, GST_PEERJS_TRACK_VIDEO));
  gst_object_unref (fanout);
  gst_object_unref (pipeline);
  counter_clear (&video);
  counter_clear (&audio);
}

GST_START_TEST (test_fanout_vp8)
{
  check_fanout_encodes (GST_PEERJS_VIDEO_CODEC_VP8, "video/x-vp8");
}

GST_END_TEST;

GST_START_TEST (test_fanout_h264)
{
  check_fanout_encodes (GST_PEERJS_VIDEO_CODEC_H264, "video/x-h264");
}

GST_END_TEST;

/* The one encoder runs at the lowest path estimate, within min-bitrate
 * and max-bitrate (max 0: video-bitrate); with no estimate at
 * video-bitrate. */
static gint
vp8_target_kbps (GstElement * pipeline)
{
  GstElement *enc = NULL;
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue item = G_VALUE_INIT;
  gint bps = -1000;

  while (!enc && gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&item);
    GstElementFactory *f = gst_element_get_factory (e);

    if (f && g_str_equal (GST_OBJECT_NAME (f), "vp8enc"))
      enc = gst_object_ref (e);
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  fail_unless (enc != NULL, "no vp8enc");
  g_object_get (enc, "target-bitrate", &bps, NULL);
  gst_object_unref (enc);
  return bps / 1000;
}

GST_START_TEST (test_fanout_bitrate_bounds)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstPeerJSFanout *fanout = gst_peerjs_fanout_new (GST_BIN (pipeline),
      GST_PEERJS_VIDEO_CODEC_VP8, 500);
  GstPad *vin = gst_peerjs_fanout_add_input (fanout, GST_PEERJS_TRACK_VIDEO);
  gint p1, p2;
  guint lo = 0, hi = 0;

  fail_unless (vin != NULL);
  gst_peerjs_fanout_get_bitrate_bounds (fanout, &lo, &hi);
  fail_unless_equals_int (lo, GST_PEERJS_DEFAULT_MIN_BITRATE);
  fail_unless_equals_int (hi, 500);

  /* the weakest path, but never under min-bitrate */
  gst_peerjs_fanout_set_path_bitrate (fanout, &p1, 100);
  fail_unless_equals_int (vp8_target_kbps (pipeline), 150);
  gst_peerjs_fanout_set_path_bitrate (fanout, &p1, 300);
  gst_peerjs_fanout_set_path_bitrate (fanout, &p2, 400);
  fail_unless_equals_int (vp8_target_kbps (pipeline), 300);
  gst_peerjs_fanout_set_bitrate_bounds (fanout, 350, 0);
  fail_unless_equals_int (vp8_target_kbps (pipeline), 350);

  /* never over max-bitrate, which is video-bitrate unless set */
  gst_peerjs_fanout_set_path_bitrate (fanout, &p1, 5000);
  gst_peerjs_fanout_set_path_bitrate (fanout, &p2, 5000);
  fail_unless_equals_int (vp8_target_kbps (pipeline), 500);
  gst_peerjs_fanout_set_bitrate_bounds (fanout, 150, 3000);
  fail_unless_equals_int (vp8_target_kbps (pipeline), 3000);
  gst_peerjs_fanout_get_bitrate_bounds (fanout, &lo, &hi);
  fail_unless_equals_int (hi, 3000);

  /* min over max: max wins */
  gst_peerjs_fanout_set_bitrate_bounds (fanout, 800, 600);
  fail_unless_equals_int (vp8_target_kbps (pipeline), 600);

  /* the paths gone: video-bitrate again */
  gst_peerjs_fanout_set_bitrate_bounds (fanout, 150, 0);
  gst_peerjs_fanout_set_path_bitrate (fanout, &p1, 0);
  gst_peerjs_fanout_set_path_bitrate (fanout, &p2, 0);
  fail_unless_equals_int (vp8_target_kbps (pipeline), 500);

  gst_object_unref (vin);
  gst_peerjs_fanout_remove_input (fanout, GST_PEERJS_TRACK_VIDEO);
  gst_object_unref (fanout);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Keyframe requests, from the API and from a branch (as webrtcbin sends
 * them on PLI/FIR), make keyframes, at most one per 500 ms. */
GST_START_TEST (test_fanout_keyframes)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstPeerJSFanout *fanout = gst_peerjs_fanout_new (GST_BIN (pipeline),
      GST_PEERJS_VIDEO_CODEC_VP8, 300);
  GstPad *vin, *branch, *other;
  Counter video, other_video;
  guint before, i;

  counter_init (&video);
  counter_init (&other_video);
  vin = gst_peerjs_fanout_add_input (fanout, GST_PEERJS_TRACK_VIDEO);
  live_video_source (GST_BIN (pipeline), 160, 120, vin);
  branch = gst_peerjs_fanout_request_branch (fanout, GST_PEERJS_TRACK_VIDEO);
  other = gst_peerjs_fanout_request_branch (fanout, GST_PEERJS_TRACK_VIDEO);
  counting_sink (GST_BIN (pipeline), branch, &video);
  counting_sink (GST_BIN (pipeline), other, &other_video);

  set_state_and_wait (pipeline, GST_STATE_PLAYING);
  fail_unless (wait_buffers (&video, 10, 0, 5000));
  /* the first frame is a keyframe; the next is seconds away */
  fail_unless_equals_int (counter_keyframes (&video), 1);

  before = counter_keyframes (&video);
  gst_peerjs_fanout_request_keyframe (fanout);
  fail_unless (wait_buffers (&video, counter_buffers (&video) + 5, 0, 2000));
  fail_unless_equals_int (counter_keyframes (&video), before + 1);

  /* a burst of requests from a branch: one keyframe now (well, the last
   * one was < 500 ms ago: one when the interval is over), not ten */
  before = counter_keyframes (&video);
  for (i = 0; i < 10; i++)
    gst_pad_send_event (other, gst_video_event_new_upstream_force_key_unit
        (GST_CLOCK_TIME_NONE, TRUE, 0));
  g_usleep (900 * 1000);
  fail_unless_equals_int (counter_keyframes (&video), before + 1);
  /* both branches got the same stream */
  fail_unless_equals_int (counter_keyframes (&other_video),
      counter_keyframes (&video));
  assert_no_error (pipeline);

  set_state_and_wait (pipeline, GST_STATE_NULL);
  gst_peerjs_fanout_release_branch (fanout, branch);
  gst_peerjs_fanout_release_branch (fanout, other);
  gst_object_unref (vin);
  gst_peerjs_fanout_remove_input (fanout, GST_PEERJS_TRACK_VIDEO);
  gst_object_unref (fanout);
  gst_object_unref (pipeline);
  counter_clear (&video);
  counter_clear (&other_video);
}

GST_END_TEST;

/* ---- connections ---- */

/* A thread running the context the connections keep their timers on and
 * emit "state-changed" from, and where the "network" delivers messages:
 * the part a session thread plays in the elements. */
static GMainContext *net_context;
static GMainLoop *net_loop;
static GThread *net_thread;

static gpointer
net_thread_func (gpointer data)
{
  g_main_context_push_thread_default (net_context);
  g_main_loop_run (net_loop);
  g_main_context_pop_thread_default (net_context);
  return NULL;
}

static void
net_setup (void)
{
  net_context = g_main_context_new ();
  net_loop = g_main_loop_new (net_context, FALSE);
  net_thread = g_thread_new ("net", net_thread_func, NULL);
}

static void
net_teardown (void)
{
  g_main_loop_quit (net_loop);
  g_thread_join (net_thread);
  g_main_loop_unref (net_loop);
  g_main_context_unref (net_context);
}

static void
net_invoke (GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, func, data, notify);
  g_source_attach (source, net_context);
  g_source_unref (source);
}

static gboolean
set_flag (gpointer data)
{
  g_atomic_int_set ((gint *) data, 1);
  return G_SOURCE_REMOVE;
}

static gboolean
flag_is_set (gpointer data)
{
  return g_atomic_int_get ((gint *) data) == 1;
}

/* Everything queued on the net context before now has run. */
static void
net_flush (void)
{
  gint flag = 0;

  net_invoke (set_flag, &flag, NULL);
  fail_unless (wait_for (flag_is_set, &flag, 5000));
}

typedef struct _Member Member;

struct _Member
{
  const gchar *id;
  GstBin *bin;
  GstPeerJSFanout *fanout;
  GstElement *video_filter;
  GstPeerJSConnectionConfig config;
  Member *peer;
  gboolean link_pads;           /* link "pad-added" pads to counting sinks */
  gboolean deaf;                /* drop what is sent to this member */
  guint liveness_timeout;       /* ms, for its connections; 0: default */

  GMutex lock;
  GstPeerJSConnection *conn;
  GstPeerJSConnectionState state;
  gchar *reason;
  guint pads[2];
  gchar *answer_sdp;            /* the last ANSWER it sent */
  GstPad *video_pad;            /* the last remote video pad */
  gint64 offer_time;

  Counter video, audio;
};

static void member_wire (Member * m, GstPeerJSConnection * conn);

static Member *
member_new (GstElement * pipeline, const gchar * id, GstPeerJSVideoCodec codec)
{
  Member *m = g_new0 (Member, 1);
  GstPad *vin, *ain;

  m->id = id;
  g_mutex_init (&m->lock);
  counter_init (&m->video);
  counter_init (&m->audio);
  m->link_pads = TRUE;
  m->bin = GST_BIN (gst_bin_new (id));
  gst_bin_add (GST_BIN (pipeline), GST_ELEMENT (m->bin));

  m->fanout = gst_peerjs_fanout_new (m->bin, codec, 500);
  vin = gst_peerjs_fanout_add_input (m->fanout, GST_PEERJS_TRACK_VIDEO);
  ain = gst_peerjs_fanout_add_input (m->fanout, GST_PEERJS_TRACK_AUDIO);
  m->video_filter = live_video_source (m->bin, 320, 240, vin);
  live_audio_source (m->bin, ain);
  gst_object_unref (vin);
  gst_object_unref (ain);

  m->config.bin = m->bin;
  m->config.fanout = m->fanout;
  m->config.send = TRUE;
  m->config.receive = TRUE;
  m->config.context = net_context;
  m->config.latency_ms = 50;
  m->config.timeout_ms = 10000;
  return m;
}

static void
member_free (Member * m)
{
  if (m->conn) {
    g_signal_handlers_disconnect_by_data (m->conn, m);
    /* nothing else holds it: no promise, timer or emission is left */
    ASSERT_OBJECT_REFCOUNT (m->conn, "connection", 1);
    gst_object_unref (m->conn);
  }
  gst_object_unref (m->fanout);
  gst_clear_object (&m->video_pad);
  g_free (m->reason);
  g_free (m->answer_sdp);
  counter_clear (&m->video);
  counter_clear (&m->audio);
  g_mutex_clear (&m->lock);
  g_free (m);
}

typedef struct
{
  Member *to;
  GstPeerJSMessage *msg;
} Delivery;

static void
delivery_free (Delivery * d)
{
  gst_peerjs_message_free (d->msg);
  g_free (d);
}

/* The receiving side, as the element will do it: an OFFER makes the
 * answering connection, the rest goes to the connection. */
static gboolean
deliver (gpointer data)
{
  Delivery *d = data;
  Member *m = d->to;
  GstPeerJSConnection *conn;
  GError *error = NULL;

  if (d->msg->type == GST_PEERJS_MESSAGE_OFFER) {
    conn = gst_peerjs_connection_new_answer (&m->config, d->msg);
    fail_unless (conn != NULL);
    if (m->liveness_timeout)
      g_object_set (conn, "liveness-timeout", m->liveness_timeout, NULL);
    fail_unless_equals_string (gst_peerjs_connection_get_remote_id (conn),
        d->msg->src);
    fail_if (gst_peerjs_connection_is_outgoing (conn));
    member_wire (m, conn);
    fail_unless (gst_peerjs_connection_start (conn, &error), "%s",
        error ? error->message : "");
    return G_SOURCE_REMOVE;
  }

  g_mutex_lock (&m->lock);
  conn = m->conn ? gst_object_ref (m->conn) : NULL;
  g_mutex_unlock (&m->lock);
  if (conn) {
    fail_unless_equals_string (d->msg->connection_id,
        gst_peerjs_connection_get_id (conn));
    gst_peerjs_connection_handle_message (conn, d->msg);
    gst_object_unref (conn);
  }
  return G_SOURCE_REMOVE;
}

/* What goes over the wire and through the server: serialized, `src`
 * stamped, parsed again, delivered on the net thread. */
static GstPeerJSMessage *
relay (const GstPeerJSMessage * msg, const gchar * src)
{
  GstPeerJSMessage *copy = gst_peerjs_message_copy (msg);
  GstPeerJSMessage *parsed;
  GError *error = NULL;
  gchar *text;
  gsize len;

  g_free (copy->src);
  copy->src = g_strdup (src);
  text = gst_peerjs_message_serialize (copy, &len);
  parsed = gst_peerjs_message_parse (text, len, GST_PEERJS_PARSE_FULL,
      GST_PEERJS_MAX_MESSAGE_SIZE, &error);
  fail_unless (parsed != NULL, "%s: %s", text, error ? error->message : "");
  g_free (text);
  gst_peerjs_message_free (copy);
  return parsed;
}

static void
deliver_later (Member * to, const GstPeerJSMessage * msg, const gchar * src)
{
  Delivery *d = g_new0 (Delivery, 1);

  d->to = to;
  d->msg = relay (msg, src);
  net_invoke (deliver, d, (GDestroyNotify) delivery_free);
}

static void
on_send_message (GstPeerJSConnection * conn, const GstPeerJSMessage * msg,
    Member * m)
{
  fail_unless_equals_string (msg->connection_id,
      gst_peerjs_connection_get_id (conn));
  g_mutex_lock (&m->lock);
  if (msg->type == GST_PEERJS_MESSAGE_OFFER)
    m->offer_time = g_get_monotonic_time ();
  if (msg->type == GST_PEERJS_MESSAGE_ANSWER) {
    g_free (m->answer_sdp);
    m->answer_sdp = g_strdup (msg->sdp);
  }
  /* the candidates come after the description */
  if (msg->type == GST_PEERJS_MESSAGE_CANDIDATE)
    fail_unless (m->offer_time || m->answer_sdp,
        "a CANDIDATE before the OFFER/ANSWER");
  g_mutex_unlock (&m->lock);

  if (m->peer && !m->peer->deaf)
    deliver_later (m->peer, msg, m->id);
}

static void
on_state_changed (GstPeerJSConnection * conn, GstPeerJSConnectionState state,
    const gchar * reason, Member * m)
{
  GST_INFO ("%s: %s (%s)", m->id, gst_peerjs_connection_state_name (state),
      reason);
  fail_unless (g_main_context_is_owner (net_context),
      "state-changed outside the context");
  g_mutex_lock (&m->lock);
  m->state = state;
  g_free (m->reason);
  m->reason = g_strdup (reason);
  g_mutex_unlock (&m->lock);
}

static void
on_pad_added (GstPeerJSConnection * conn, GstPad * pad,
    GstPeerJSTrackKind kind, Member * m)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);

  GST_INFO ("%s: remote %s pad %" GST_PTR_FORMAT, m->id,
      kind == GST_PEERJS_TRACK_VIDEO ? "video" : "audio", caps);
  gst_clear_caps (&caps);
  g_mutex_lock (&m->lock);
  m->pads[kind]++;
  if (kind == GST_PEERJS_TRACK_VIDEO)
    gst_object_replace ((GstObject **) & m->video_pad, GST_OBJECT (pad));
  g_mutex_unlock (&m->lock);
  if (m->link_pads)
    counting_sink (m->bin, pad, kind == GST_PEERJS_TRACK_VIDEO ? &m->video :
        &m->audio);
}

static void
on_pad_removed (GstPeerJSConnection * conn, GstPad * pad, Member * m)
{
  GstPad *peer = gst_pad_get_peer (pad);

  /* as the element does with its ghost pad */
  if (peer) {
    gst_pad_unlink (pad, peer);
    gst_object_unref (peer);
  }
}

static void
member_wire (Member * m, GstPeerJSConnection * conn)
{
  g_signal_connect (conn, "send-message", G_CALLBACK (on_send_message), m);
  g_signal_connect (conn, "state-changed", G_CALLBACK (on_state_changed), m);
  g_signal_connect (conn, "pad-added", G_CALLBACK (on_pad_added), m);
  g_signal_connect (conn, "pad-removed", G_CALLBACK (on_pad_removed), m);
  g_mutex_lock (&m->lock);
  m->conn = conn;
  g_mutex_unlock (&m->lock);
}

static void
member_call (Member * m, const gchar * remote_id)
{
  JsonNode *metadata = json_from_string ("{\"m\":1}", NULL);
  GstPeerJSConnection *conn;
  GError *error = NULL;

  conn = gst_peerjs_connection_new_call (&m->config, remote_id, metadata);
  json_node_unref (metadata);
  fail_unless (conn != NULL);
  fail_unless (gst_peerjs_connection_is_outgoing (conn));
  fail_unless (g_str_has_prefix (gst_peerjs_connection_get_id (conn), "mc_"));
  fail_unless_equals_int (gst_peerjs_connection_get_state (conn),
      GST_PEERJS_CONNECTION_STATE_NEW);
  member_wire (m, conn);
  fail_unless (gst_peerjs_connection_start (conn, &error), "%s",
      error ? error->message : "");
}

typedef struct
{
  Member *m;
  GstPeerJSConnectionState state;
} StateWait;

static gboolean
in_state (gpointer data)
{
  StateWait *w = data;
  gboolean done;

  g_mutex_lock (&w->m->lock);
  done = w->m->state == w->state;
  g_mutex_unlock (&w->m->lock);
  return done;
}

static gboolean
wait_state (Member * m, GstPeerJSConnectionState state, guint timeout_ms)
{
  StateWait w = { m, state };

  return wait_for (in_state, &w, timeout_ms);
}

static void
check_reason (Member * m, const gchar * reason)
{
  g_mutex_lock (&m->lock);
  fail_unless_equals_string (m->reason, reason);
  g_mutex_unlock (&m->lock);
}

static gchar *media_section (const gchar * sdp, const gchar * kind);

static GstElement *pipeline;
static Member *a, *b;

static void
call_setup (GstPeerJSVideoCodec codec)
{
  net_setup ();
  pipeline = gst_pipeline_new (NULL);
  a = member_new (pipeline, "a", codec);
  b = member_new (pipeline, "b", codec);
  a->peer = b;
  b->peer = a;
  set_state_and_wait (pipeline, GST_STATE_PLAYING);
}

static void
call_teardown (void)
{
  set_state_and_wait (pipeline, GST_STATE_NULL);
  net_flush ();
  member_free (a);
  member_free (b);
  gst_object_unref (pipeline);
  net_teardown ();
}

static gboolean
is_playing (GstElement * element)
{
  GstState state = GST_STATE_VOID_PENDING;

  return gst_element_get_state (element, &state, NULL, 0) ==
      GST_STATE_CHANGE_SUCCESS && state == GST_STATE_PLAYING;
}

#define N_BUFFERS 30

/* A calls B; both connect and decode each other's audio and video. */
static void
connect_both_ways (void)
{
  member_call (a, "b");
  fail_unless (wait_state (a, GST_PEERJS_CONNECTION_STATE_CONNECTED, 10000),
      "a: not connected");
  fail_unless (wait_state (b, GST_PEERJS_CONNECTION_STATE_CONNECTED, 10000),
      "b: not connected");
  fail_unless (wait_buffers (&b->video, N_BUFFERS, 0, 10000),
      "b got %u video frames", counter_buffers (&b->video));
  fail_unless (wait_buffers (&a->video, N_BUFFERS, 0, 10000),
      "a got %u video frames", counter_buffers (&a->video));
  fail_unless (wait_buffers (&b->audio, N_BUFFERS, 0, 10000),
      "b got %u audio buffers", counter_buffers (&b->audio));
  fail_unless (wait_buffers (&a->audio, N_BUFFERS, 0, 10000),
      "a got %u audio buffers", counter_buffers (&a->audio));
  fail_unless_equals_string (a->video.media_type, "video/x-raw");
  fail_unless_equals_string (a->audio.media_type, "audio/x-raw");
  fail_unless_equals_int (b->video.width, 320);
  fail_unless_equals_int (a->video.height, 240);
}

/* A hangs up; B notices through the aux channel, at once. */
static void
hang_up (void)
{
  gint64 start;

  start = g_get_monotonic_time ();
  gst_peerjs_connection_close (a->conn);
  g_print ("close() took %d ms\n",
      (gint) ((g_get_monotonic_time () - start) / 1000));
  gst_peerjs_connection_close (a->conn);        /* idempotent */
  fail_unless (wait_state (a, GST_PEERJS_CONNECTION_STATE_DISCONNECTED, 2000));
  check_reason (a, "closed");
  fail_unless (wait_state (b, GST_PEERJS_CONNECTION_STATE_DISCONNECTED,
          2000), "b did not notice the hang-up");
  check_reason (b, "remote-hangup");
  g_print ("hang-up noticed by the remote after %d ms\n",
      (gint) ((g_get_monotonic_time () - start) / 1000));

  gst_peerjs_connection_close (b->conn);
  fail_unless (is_playing (pipeline), "the pipeline stopped");
  assert_no_error (pipeline);
}

static gint64 connected_time;

static void
on_connected_time (GstPeerJSConnection * conn, GstPeerJSConnectionState state,
    const gchar * reason, gpointer data)
{
  if (state == GST_PEERJS_CONNECTION_STATE_CONNECTED)
    connected_time = g_get_monotonic_time ();
}

/* the remote's receiver reports and TWCC feedback about what @data's
 * connection sends have arrived */
static gboolean
has_reports (gpointer data)
{
  GstPeerJSReportsSnapshot r;

  gst_peerjs_connection_get_reports (data, &r);
  return r.count > 0 && r.rtt >= 0 && r.loss >= 0 && r.twcc_count > 0
      && r.twcc_sent_kbps > 0;
}

static gboolean
is_webrtcbin (GstObject * object)
{
  GstElementFactory *f = object && GST_IS_ELEMENT (object) ?
      gst_element_get_factory (GST_ELEMENT (object)) : NULL;

  return f && g_str_equal (GST_OBJECT_NAME (f), "webrtcbin");
}

/* How many @factory elements in the pipeline (only webrtcbin's own
 * children if @in_webrtcbin) have the boolean property @flag on; there
 * must be one per stream at least (audio and video, both members). */
static guint
count_flagged (const gchar * factory, const gchar * flag, gboolean in_webrtcbin)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  GValue v = G_VALUE_INIT;
  guint n = 0, seen = 0;

  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (e);
    GstObject *parent = gst_object_get_parent (GST_OBJECT (e));
    gboolean on = FALSE;

    if (f && g_str_equal (GST_OBJECT_NAME (f), factory)
        && (!in_webrtcbin || is_webrtcbin (parent))) {
      g_object_get (e, flag, &on, NULL);
      n += on;
      seen++;
    }
    if (parent)
      gst_object_unref (parent);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  fail_unless (seen >= 4, "%u %s elements", seen, factory);
  return n;
}

/* Regular reports keep coming beside the TWCC feedback's early packets:
 * 1.22's rtpsession put them off for 7-20 s unless told the RTCP
 * bandwidth (gstpeerjsreports.c). One a second (rtcp-min-interval,
 * 0.5-1.5x), each with a packet per sending SSRC. */
static void
check_reports_keep_coming (GstPeerJSConnection * conn, const gchar * who)
{
  GstPeerJSReportsSnapshot before, after;

  gst_peerjs_connection_get_reports (conn, &before);
  g_usleep (4 * G_USEC_PER_SEC);
  gst_peerjs_connection_get_reports (conn, &after);
  fail_unless (after.count >= before.count + 3, "%s: %" G_GUINT64_FORMAT
      " reports in 4 s", who, after.count - before.count);
}

static void
check_call (GstPeerJSVideoCodec codec, const gchar * what)
{
  GstStructure *stats;

  call_setup (codec);
  connected_time = 0;
  member_call (a, "b");
  g_signal_connect (a->conn, "state-changed", G_CALLBACK (on_connected_time),
      NULL);
  fail_unless (wait_state (a, GST_PEERJS_CONNECTION_STATE_CONNECTED, 10000),
      "a: not connected");
  fail_unless (wait_state (b, GST_PEERJS_CONNECTION_STATE_CONNECTED, 10000),
      "b: not connected");
  check_reason (b, "connected");
  fail_unless (wait_buffers (&b->video, N_BUFFERS, 0, 10000),
      "b got %u video frames", counter_buffers (&b->video));
  fail_unless (wait_buffers (&a->video, N_BUFFERS, 0, 10000),
      "a got %u video frames", counter_buffers (&a->video));
  fail_unless (wait_buffers (&b->audio, N_BUFFERS, 0, 10000),
      "b got %u audio buffers", counter_buffers (&b->audio));
  fail_unless (wait_buffers (&a->audio, N_BUFFERS, 0, 10000),
      "a got %u audio buffers", counter_buffers (&a->audio));
  fail_unless_equals_int (b->video.width, 320);
  fail_unless_equals_int (a->video.height, 240);
  /* the answer sends too: both m-lines sendrecv */
  fail_unless (b->answer_sdp != NULL);
  fail_unless (strstr (b->answer_sdp, "a=recvonly") == NULL, "%s",
      b->answer_sdp);
  /* transport-wide congestion control, both ways (gstpeerjsbwe.c) */
  fail_unless (strstr (b->answer_sdp, "transport-wide-cc-extensions-01")
      != NULL, "no TWCC in %s", b->answer_sdp);
  fail_unless (strstr (b->answer_sdp, "transport-cc") != NULL);
  /* the inputs are live: webrtcbin's clocksyncs do not hold them
   * (gstpeerjspacing.c) */
  fail_unless_equals_int (count_flagged ("clocksync", "sync", TRUE), 0);
  /* nor do the jitterbuffers ask again for packets that are only not
   * there yet (536 NACKs in 12 s on loopback with it) */
  fail_unless_equals_int (count_flagged ("rtpjitterbuffer", "rtx-next-seqnum",
          FALSE), 0);
  /* RTCP every second: a report within a few (gstpeerjsreports.c) */
  fail_unless (wait_for (has_reports, a->conn, 8000), "a: no reports");
  fail_unless (wait_for (has_reports, b->conn, 8000), "b: no reports");
  stats = gst_peerjs_connection_get_stats (a->conn);
  fail_unless (stats != NULL);
  gst_structure_free (stats);
  g_print ("%s: OFFER -> CONNECTED %d ms, -> first video frame at a %d ms, "
      "at b %d ms\n", what,
      (gint) ((connected_time - a->offer_time) / 1000),
      (gint) ((a->video.first_buffer_time - a->offer_time) / 1000),
      (gint) ((b->video.first_buffer_time - a->offer_time) / 1000));

  hang_up ();
  call_teardown ();
}

/* webrtcbin's input clocksync (sync=true) holds a live input's buffers
 * for the whole upstream latency; gstpeerjspacing.c turns it off when the
 * input is live and leaves it pacing a non-live one. Run in a bin standing
 * in for webrtcbin. */
static gboolean
clocksync_syncs_with (gboolean live)
{
  GstElement *p = gst_pipeline_new (NULL);
  GstElement *bin = gst_bin_new ("webrtc");
  GstElement *src = gst_element_factory_make ("videotestsrc", NULL);
  GstElement *clocksync, *sink = gst_element_factory_make ("fakesink", NULL);
  gboolean sync = FALSE;

  gst_bin_add (GST_BIN (p), bin);
  gst_peerjs_pacing_attach (bin);
  clocksync = gst_element_factory_make ("clocksync", NULL);
  g_object_set (clocksync, "sync", TRUE, NULL);
  g_object_set (src, "is-live", live, NULL);
  gst_bin_add_many (GST_BIN (bin), src, clocksync, sink, NULL);
  fail_unless (gst_element_link_many (src, clocksync, sink, NULL));
  set_state_and_wait (p, GST_STATE_PLAYING);
  /* the pipeline's latency query has gone through by PLAYING */
  g_object_get (clocksync, "sync", &sync, NULL);
  set_state_and_wait (p, GST_STATE_NULL);
  gst_object_unref (p);
  return sync;
}

GST_START_TEST (test_pacing)
{
  fail_if (clocksync_syncs_with (TRUE), "a live input is still held");
  fail_unless (clocksync_syncs_with (FALSE), "a non-live input is unpaced");
}

GST_END_TEST;

/* At a low rate, where rtpsession's bandwidth-based RTCP interval is
 * longest, the regular reports keep their pace beside the feedback. */
GST_START_TEST (test_reports_low_rate)
{
  call_setup (GST_PEERJS_VIDEO_CODEC_VP8);
  gst_peerjs_fanout_set_bitrate_bounds (a->fanout, 50, 100);
  gst_peerjs_fanout_set_bitrate_bounds (b->fanout, 50, 100);
  connect_both_ways ();
  fail_unless (wait_for (has_reports, a->conn, 8000), "a: no reports");
  fail_unless (wait_for (has_reports, b->conn, 8000), "b: no reports");
  check_reports_keep_coming (a->conn, "a");
  check_reports_keep_coming (b->conn, "b");
  hang_up ();
  call_teardown ();
}

GST_END_TEST;

GST_START_TEST (test_call_vp8)
{
  check_call (GST_PEERJS_VIDEO_CODEC_VP8, "VP8");
}

GST_END_TEST;

GST_START_TEST (test_call_h264)
{
  check_call (GST_PEERJS_VIDEO_CODEC_H264, "H.264");
}

GST_END_TEST;

/* The caller's camera changes resolution mid-call: no renegotiation, the
 * remote decodes the new size. */
GST_START_TEST (test_caps_change)
{
  guint before;

  call_setup (GST_PEERJS_VIDEO_CODEC_VP8);
  connect_both_ways ();

  before = counter_buffers (&b->video);
  set_video_size (a->video_filter, 640, 480);
  /* generous: the encoder restarts at the new size on a loaded machine */
  fail_unless (wait_buffers (&b->video, before + N_BUFFERS, 640, 25000),
      "b: %u frames, width %d", counter_buffers (&b->video), b->video.width);
  fail_unless_equals_int (b->video.height, 480);
  /* and the other direction did not notice */
  before = counter_buffers (&a->video);
  fail_unless (wait_buffers (&a->video, before + N_BUFFERS, 320, 10000));
  assert_no_error (pipeline);

  hang_up ();
  call_teardown ();
}

GST_END_TEST;

/* A keyframe request from B's decoding side (what a browser's PLI is)
 * crosses the network and makes A's shared encoder send a keyframe. */
GST_START_TEST (test_keyframe_request_from_remote)
{
  GstPad *tap, *pad;
  Counter encoded;
  guint before;

  counter_init (&encoded);
  call_setup (GST_PEERJS_VIDEO_CODEC_VP8);
  /* what A's encoder makes, seen from a branch of its own */
  tap = gst_peerjs_fanout_request_branch (a->fanout, GST_PEERJS_TRACK_VIDEO);
  counting_sink (a->bin, tap, &encoded);
  connect_both_ways ();

  /* the keyframe of the connection is over (rate limit) */
  g_usleep (600 * 1000);
  before = counter_keyframes (&encoded);
  g_mutex_lock (&b->lock);
  pad = gst_object_ref (b->video_pad);
  g_mutex_unlock (&b->lock);
  fail_unless (gst_pad_send_event (pad,
          gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
              TRUE, 0)));
  gst_object_unref (pad);
  fail_unless (wait_for_keyframes (&encoded, before + 1, 2000),
      "no keyframe: %u before, %u now", before, counter_keyframes (&encoded));

  hang_up ();
  set_state_and_wait (pipeline, GST_STATE_NULL);
  gst_peerjs_fanout_release_branch (a->fanout, tap);
  call_teardown ();
  counter_clear (&encoded);
}

GST_END_TEST;

/* Nobody links B's pads: nothing stalls, A still gets B's media. */
GST_START_TEST (test_unlinked_pads)
{
  call_setup (GST_PEERJS_VIDEO_CODEC_VP8);
  b->link_pads = FALSE;
  member_call (a, "b");
  fail_unless (wait_state (b, GST_PEERJS_CONNECTION_STATE_CONNECTED, 10000));
  fail_unless (wait_buffers (&a->video, N_BUFFERS, 0, 10000));
  fail_unless (wait_buffers (&a->audio, N_BUFFERS, 0, 10000));
  /* a while later, still flowing */
  g_usleep (G_USEC_PER_SEC);
  fail_unless (wait_buffers (&a->video, counter_buffers (&a->video) + 20, 0,
          5000));
  g_mutex_lock (&b->lock);
  fail_unless_equals_int (b->pads[GST_PEERJS_TRACK_VIDEO], 1);
  fail_unless_equals_int (b->pads[GST_PEERJS_TRACK_AUDIO], 1);
  g_mutex_unlock (&b->lock);
  assert_no_error (pipeline);

  hang_up ();
  call_teardown ();
}

GST_END_TEST;

static void
check_direction (const gchar * sdp, const gchar * kind, const gchar * dir)
{
  gchar *section = media_section (sdp, kind);
  gchar *attr = g_strdup_printf ("a=%s\r\n", dir);

  fail_unless (strstr (section, attr) != NULL, "no %s in %s", attr, section);
  g_free (attr);
  g_free (section);
}

static void
check_in_media (const gchar * sdp, const gchar * kind, const gchar * text)
{
  gchar *section = media_section (sdp, kind);

  fail_unless (strstr (section, text) != NULL, "no '%s' in %s", text, section);
  g_free (section);
}

static guint
pads_of (Member * m)
{
  guint n;

  g_mutex_lock (&m->lock);
  n = m->pads[0] + m->pads[1];
  g_mutex_unlock (&m->lock);
  return n;
}

/* A only sends (peerjssink), B only receives (peerjssrc). */
GST_START_TEST (test_send_only_to_receive_only)
{
  call_setup (GST_PEERJS_VIDEO_CODEC_VP8);
  a->config.receive = FALSE;
  b->config.send = FALSE;
  member_call (a, "b");
  fail_unless (wait_state (a, GST_PEERJS_CONNECTION_STATE_CONNECTED, 10000));
  fail_unless (wait_buffers (&b->video, N_BUFFERS, 0, 10000));
  fail_unless (wait_buffers (&b->audio, N_BUFFERS, 0, 10000));
  check_direction (b->answer_sdp, "audio", "recvonly");
  check_direction (b->answer_sdp, "video", "recvonly");
  /* receiving only, B still asks for retransmissions: NACK feedback and
   * RTX in its answer (without them a lost packet froze the picture until
   * the next keyframe: tests/reliability/slow-netem.sh) */
  check_in_media (b->answer_sdp, "video", " nack\r\n");
  check_in_media (b->answer_sdp, "video", " rtx/90000");
  g_usleep (300 * 1000);
  fail_unless_equals_int (pads_of (a), 0);
  fail_unless_equals_int (counter_buffers (&a->video), 0);
  hang_up ();
  call_teardown ();
}

GST_END_TEST;

/* A only receives and calls B, which sends what was asked for. */
GST_START_TEST (test_receive_only_call)
{
  call_setup (GST_PEERJS_VIDEO_CODEC_H264);
  a->config.send = FALSE;
  member_call (a, "b");
  fail_unless (wait_state (a, GST_PEERJS_CONNECTION_STATE_CONNECTED, 10000));
  fail_unless (wait_buffers (&a->video, N_BUFFERS, 0, 10000));
  fail_unless (wait_buffers (&a->audio, N_BUFFERS, 0, 10000));
  check_direction (b->answer_sdp, "audio", "sendonly");
  check_direction (b->answer_sdp, "video", "sendonly");
  g_usleep (300 * 1000);
  fail_unless_equals_int (pads_of (b), 0);
  hang_up ();
  call_teardown ();
}

GST_END_TEST;

/* A's machine vanishes without hanging up (its whole bin stops): B gives
 * up on the silent connection. */
GST_START_TEST (test_remote_vanishes)
{
  gint64 start;

  call_setup (GST_PEERJS_VIDEO_CODEC_VP8);
  b->liveness_timeout = 2000;
  connect_both_ways ();

  start = g_get_monotonic_time ();
  gst_element_set_locked_state (GST_ELEMENT (a->bin), TRUE);
  gst_element_set_state (GST_ELEMENT (a->bin), GST_STATE_NULL);
  fail_unless (wait_state (b, GST_PEERJS_CONNECTION_STATE_FAILED, 6000),
      "b did not notice");
  check_reason (b, "remote-lost");
  g_print ("vanished remote noticed after %d ms (liveness-timeout 2000)\n",
      (gint) ((g_get_monotonic_time () - start) / 1000));

  gst_peerjs_connection_close (b->conn);
  gst_peerjs_connection_close (a->conn);
  fail_unless (is_playing (pipeline));
  call_teardown ();
}

GST_END_TEST;

/* Nobody answers: FAILED after the timeout. */
GST_START_TEST (test_timeout)
{
  gint64 start;

  call_setup (GST_PEERJS_VIDEO_CODEC_VP8);
  b->deaf = TRUE;
  a->config.timeout_ms = 1000;
  start = g_get_monotonic_time ();
  member_call (a, "b");
  fail_unless (wait_state (a, GST_PEERJS_CONNECTION_STATE_FAILED, 5000));
  check_reason (a, "timeout");
  fail_unless (g_get_monotonic_time () - start >= 900 * 1000);
  gst_peerjs_connection_close (a->conn);
  /* a failed connection stays failed */
  net_flush ();
  check_reason (a, "timeout");
  fail_unless (is_playing (pipeline));
  assert_no_error (pipeline);
  call_teardown ();
}

GST_END_TEST;

static gboolean
has_answer (gpointer data)
{
  Member *m = data;
  gboolean done;

  g_mutex_lock (&m->lock);
  done = m->answer_sdp != NULL;
  g_mutex_unlock (&m->lock);
  return done;
}

#define FINGERPRINT "5A:8E:1C:30:42:77:9B:D4:0F:16:E3:A2:6C:81:59:B7:" \
  "24:CE:9D:05:B1:73:48:EA:2F:60:93:DB:17:8C:45:F2"

/* A browser's offer, with payload types that are not ours: the answer
 * takes them and sends (pitfall 2 of the webrtcbin notes: otherwise
 * webrtcbin answers recvonly without a word). */
static const gchar *browser_offer =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1 2\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS s1\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 126\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:xZVE\r\n"
    "a=ice-pwd:4Ko2iuFHO53U0gVNTWh1uFE5\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 " FINGERPRINT "\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sendrecv\r\n"
    "a=msid:s1 t1\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:109 opus/48000/2\r\n"
    "a=rtcp-fb:109 transport-cc\r\n"
    "a=fmtp:109 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:126 telephone-event/8000\r\n"
    "a=ssrc:1001 cname:c1\r\n"
    "a=ssrc:1001 msid:s1 t1\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 98 99 100 101 104 105 106 107\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:xZVE\r\n"
    "a=ice-pwd:4Ko2iuFHO53U0gVNTWh1uFE5\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 " FINGERPRINT "\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=sendrecv\r\n"
    "a=msid:s1 t2\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:98 VP9/90000\r\n"
    "a=rtcp-fb:98 nack\r\n"
    "a=rtcp-fb:98 nack pli\r\n"
    "a=fmtp:98 profile-id=0\r\n"
    "a=rtpmap:99 rtx/90000\r\n"
    "a=fmtp:99 apt=98\r\n"
    "a=rtpmap:100 VP8/90000\r\n"
    "a=rtcp-fb:100 goog-remb\r\n"
    "a=rtcp-fb:100 transport-cc\r\n"
    "a=rtcp-fb:100 ccm fir\r\n"
    "a=rtcp-fb:100 nack\r\n"
    "a=rtcp-fb:100 nack pli\r\n"
    "a=rtpmap:101 rtx/90000\r\n"
    "a=fmtp:101 apt=100\r\n"
    "a=rtpmap:104 H264/90000\r\n"
    "a=rtcp-fb:104 ccm fir\r\n"
    "a=rtcp-fb:104 nack\r\n"
    "a=rtcp-fb:104 nack pli\r\n"
    "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;"
    "profile-level-id=42e01f\r\n"
    "a=rtpmap:105 rtx/90000\r\n"
    "a=fmtp:105 apt=104\r\n"
    "a=rtpmap:106 H264/90000\r\n"
    "a=rtcp-fb:106 ccm fir\r\n"
    "a=rtcp-fb:106 nack\r\n"
    "a=rtcp-fb:106 nack pli\r\n"
    "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;"
    "profile-level-id=42e01f\r\n"
    "a=rtpmap:107 rtx/90000\r\n"
    "a=fmtp:107 apt=106\r\n"
    "a=ssrc:2001 cname:c1\r\n"
    "a=ssrc:2001 msid:s1 t2\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:xZVE\r\n"
    "a=ice-pwd:4Ko2iuFHO53U0gVNTWh1uFE5\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 " FINGERPRINT "\r\n"
    "a=setup:actpass\r\n"
    "a=mid:2\r\n" "a=sctp-port:5000\r\n" "a=max-message-size:262144\r\n";

/* The m-line of @kind ("audio", "video") in @sdp, up to the next one. */
static gchar *
media_section (const gchar * sdp, const gchar * kind)
{
  gchar *start_tag = g_strdup_printf ("m=%s ", kind);
  const gchar *start = strstr (sdp, start_tag);
  const gchar *end;

  g_free (start_tag);
  fail_unless (start != NULL, "no m=%s in %s", kind, sdp);
  end = strstr (start + 2, "\r\nm=");
  return end ? g_strndup (start, end - start) : g_strdup (start);
}

static void
check_answer_to_browser (GstPeerJSVideoCodec codec, const gchar * video_pt)
{
  GstPeerJSMessage *offer, *cand;
  gchar *audio, *video, *expected;

  call_setup (codec);
  offer = gst_peerjs_message_new_offer ("b", GST_PEERJS_CONNECTION_MEDIA,
      "mc_browsercall1", browser_offer);
  /* the browser's candidates follow at once, before we answer, one per
   * m-line, Chromium's extra attributes included */
  cand = gst_peerjs_message_new_candidate ("b", GST_PEERJS_CONNECTION_MEDIA,
      "mc_browsercall1", "candidate:448721621 1 udp 2122260223 127.0.0.1 9 "
      "typ host generation 0 ufrag xZVE network-id 1 network-cost 50", "0", 0);
  deliver_later (b, offer, "browser");
  deliver_later (b, cand, "browser");
  g_free (cand->sdp_mid);
  cand->sdp_mid = g_strdup ("1");
  cand->sdp_mline_index = -1;   /* by mid only */
  deliver_later (b, cand, "browser");
  gst_peerjs_message_free (offer);
  gst_peerjs_message_free (cand);

  fail_unless (wait_for (has_answer, b, 5000), "no ANSWER");
  audio = media_section (b->answer_sdp, "audio");
  video = media_section (b->answer_sdp, "video");
  fail_unless (strstr (audio, "a=sendrecv") != NULL, "%s", b->answer_sdp);
  fail_unless (strstr (video, "a=sendrecv") != NULL, "%s", b->answer_sdp);
  fail_unless (g_str_has_prefix (audio, "m=audio 9 UDP/TLS/RTP/SAVPF 109"),
      "%s", audio);
  expected = g_strdup_printf ("m=video 9 UDP/TLS/RTP/SAVPF %s", video_pt);
  fail_unless (g_str_has_prefix (video, expected), "%s", video);
  /* the sent tracks are a MediaStream for peerjs' "stream" event */
  fail_unless (strstr (video, "msid:") != NULL, "%s", video);
  if (codec == GST_PEERJS_VIDEO_CODEC_H264)
    fail_unless (strstr (video, "profile-level-id=42e01f") != NULL, "%s",
        video);
  g_free (expected);
  g_free (audio);
  g_free (video);

  gst_peerjs_connection_close (b->conn);
  fail_unless (is_playing (pipeline));
  call_teardown ();
}

GST_START_TEST (test_answer_browser_offer_vp8)
{
  check_answer_to_browser (GST_PEERJS_VIDEO_CODEC_VP8, "100");
}

GST_END_TEST;

GST_START_TEST (test_answer_browser_offer_h264)
{
  check_answer_to_browser (GST_PEERJS_VIDEO_CODEC_H264, "106");
}

GST_END_TEST;

static Suite *
peerjsconnection_suite (void)
{
  Suite *s = suite_create ("peerjsconnection");
  TCase *tc = tcase_create ("fanout");
  TCase *tc_conn = tcase_create ("connection");

  gst_peerjs_init ();
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_fanout_vp8);
  tcase_add_test (tc, test_fanout_h264);
  tcase_add_test (tc, test_fanout_keyframes);
  tcase_add_test (tc, test_fanout_bitrate_bounds);
  tcase_add_test (tc, test_pacing);

  suite_add_tcase (s, tc_conn);
  tcase_set_timeout (tc_conn, 60);
  tcase_add_checked_fixture (tc_conn, filter_upstream_sctp_teardown_warning,
      NULL);
  tcase_add_test (tc_conn, test_call_vp8);
  tcase_add_test (tc_conn, test_call_h264);
  tcase_add_test (tc_conn, test_reports_low_rate);
  tcase_add_test (tc_conn, test_caps_change);
  tcase_add_test (tc_conn, test_keyframe_request_from_remote);
  tcase_add_test (tc_conn, test_unlinked_pads);
  tcase_add_test (tc_conn, test_send_only_to_receive_only);
  tcase_add_test (tc_conn, test_receive_only_call);
  tcase_add_test (tc_conn, test_remote_vanishes);
  tcase_add_test (tc_conn, test_timeout);
  tcase_add_test (tc_conn, test_answer_browser_offer_vp8);
  tcase_add_test (tc_conn, test_answer_browser_offer_h264);

  return s;
}

GST_CHECK_MAIN (peerjsconnection);
