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

#include "gstpeerjsfanout.h"

/* ---- helpers ---- */

typedef struct
{
  GMutex lock;
  guint buffers;
  guint keyframes;
  gint width, height;
  gchar *media_type;
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

    c->buffers++;
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

static Suite *
peerjsconnection_suite (void)
{
  Suite *s = suite_create ("peerjsconnection");
  TCase *tc = tcase_create ("fanout");

  gst_peerjs_init ();
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_fanout_vp8);
  tcase_add_test (tc, test_fanout_h264);
  tcase_add_test (tc, test_fanout_keyframes);

  return s;
}

GST_CHECK_MAIN (peerjsconnection);
