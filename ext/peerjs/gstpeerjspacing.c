/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* webrtcbin (1.20 on) puts a clocksync with sync=true in front of every
 * input stream, so that a non-live input is sent at its pace instead of
 * as fast as it decodes. For a live input that costs latency: clocksync
 * holds each buffer until its running time plus the whole upstream
 * latency (a camera's or videotestsrc's frame, 33 ms at 30 fps; an audio
 * source's buffer plus Opus's 20 ms: 41 ms), though the encoder had the
 * frame long before. A browser sends a frame when it is encoded.
 *
 * So each such clocksync is watched: when its latency query comes back
 * live, it stops syncing (the source already paces); a non-live upstream
 * keeps it. Measured: glass-to-glass gst->gst at 640x360@30 on loopback
 * (tests/bench/latency.mjs), see docs/performance.md.
 *
 * The receiving side has to match. rtpjitterbuffer's rtx-next-seqnum
 * (on by default) expects the next packet one packet spacing after the
 * last and asks for it again when it is not there by then: with frames
 * leaving when encoded (a few ms later for a busier picture) instead of on
 * the clock's beat, a 2-member call on loopback sent 536 NACKs in 12 s and
 * retransmitted 282 packets that were never lost. A browser sends the same
 * way. Off, a NACK goes out when a gap in the sequence numbers shows
 * (what libwebrtc does): a lost last packet of a frame is noticed with
 * the next frame's first, a frame later. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjspacing.h"

#define GST_CAT_DEFAULT peerjs_pacing_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* the clocksync's sink pad, a query on its way back: the answer of
 * upstream */
static GstPadProbeReturn
on_latency_answered (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstObject *clocksync;
  gboolean live = FALSE, sync = TRUE;

  if (GST_QUERY_TYPE (query) != GST_QUERY_LATENCY)
    return GST_PAD_PROBE_OK;
  gst_query_parse_latency (query, &live, NULL, NULL);
  clocksync = gst_pad_get_parent (pad);
  if (!clocksync)
    return GST_PAD_PROBE_OK;
  g_object_get (clocksync, "sync", &sync, NULL);
  if (sync == live) {
    GST_DEBUG_OBJECT (clocksync, "upstream is %s: %s", live ? "live" :
        "not live", live ? "sending buffers as they come" :
        "sending buffers at their running time");
    g_object_set (clocksync, "sync", !live, NULL);
  }
  gst_object_unref (clocksync);
  return GST_PAD_PROBE_OK;
}

static void
on_new_jitterbuffer (GstElement * rtpbin, GstElement * jitterbuffer,
    guint session, guint ssrc, gpointer user_data)
{
  g_object_set (jitterbuffer, "rtx-next-seqnum", FALSE, NULL);
}

static void
on_element_added (GstBin * webrtcbin, GstElement * element, gpointer user_data)
{
  GstElementFactory *f = gst_element_get_factory (element);
  GstPad *sink;

  if (!f || !g_str_equal (GST_OBJECT_NAME (f), "clocksync"))
    return;
  sink = gst_element_get_static_pad (element, "sink");
  if (!sink)
    return;
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM |
      GST_PAD_PROBE_TYPE_PULL, on_latency_answered, NULL, NULL);
  gst_object_unref (sink);
}

/**
 * gst_peerjs_pacing_attach:
 * @webrtcbin: a webrtcbin with no input streams yet
 *
 * Lets the input streams @webrtcbin will have go out unheld when they are
 * live, and its jitterbuffers ask for packets only when a gap shows.
 */
void
gst_peerjs_pacing_attach (GstElement * webrtcbin)
{
  static gsize done = 0;
  GstElement *rtpbin;

  g_return_if_fail (GST_IS_BIN (webrtcbin));

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (peerjs_pacing_debug, "peerjspacing", 0,
        "PeerJS send pacing");
    g_once_init_leave (&done, 1);
  }
  g_signal_connect (webrtcbin, "element-added", G_CALLBACK (on_element_added),
      NULL);
  rtpbin = gst_bin_get_by_name (GST_BIN (webrtcbin), "rtpbin");
  if (rtpbin) {
    g_signal_connect (rtpbin, "new-jitterbuffer",
        G_CALLBACK (on_new_jitterbuffer), NULL);
    gst_object_unref (rtpbin);
  }
}
