/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-peerjssink
 * @title: peerjssink
 * @short_description: a send-only member of a PeerJS mesh
 *
 * `peerjssink` is the send-only face of the PeerJS engine: a camera, a
 * game-table feed or a bot that PeerJS browsers can call and receive from.
 * It registers #GstPeerJSBin:peer-id on the PeerJS #GstPeerJSBin:server
 * (see #GstPeerJSBin for the bus messages), calls every ID in
 * #GstPeerJSBin:peers with a send-only offer and answers calls with its
 * media; with `peers` empty it serves anyone who calls, up to
 * #GstPeerJSBin:max-peers. Local media goes in on the `video_sink` and
 * `audio_sink` request pads, encoded once for every member.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m peerjssink name=s server=ws://127.0.0.1:9000/ \
 *     peer-id=camera \
 *     videotestsrc is-live=true ! video/x-raw,width=640,height=360 ! \
 *     s.video_sink  audiotestsrc is-live=true ! s.audio_sink
 * ]| Serves a test pattern and a tone to whoever calls `camera` (a
 * browser's `peer.call('camera', stream)`, or the `peerjssrc` example).
 *
 * Since: 1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjssink.h"
#include "gstpeerjselements.h"

struct _GstPeerJSSink
{
  GstPeerJSBin parent;
};

#define gst_peerjs_sink_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSSink, gst_peerjs_sink, GST_TYPE_PEERJS_BIN);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (peerjssink, "peerjssink",
    GST_RANK_NONE, GST_TYPE_PEERJS_SINK, peerjs_element_init (plugin));

static void
gst_peerjs_sink_init (GstPeerJSSink * self)
{
}

static void
gst_peerjs_sink_class_init (GstPeerJSSinkClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstPeerJSBinClass *bin_class = GST_PEERJS_BIN_CLASS (klass);

  bin_class->sends = TRUE;
  bin_class->receives = FALSE;
  /* a feed: it calls whom it is told to and serves whoever calls */
  bin_class->open_membership = TRUE;
  bin_class->default_call_policy = GST_PEERJS_CALL_POLICY_CALL_ALL;

  gst_element_class_set_static_metadata (element_class, "PeerJS sink",
      "Sink/Network/WebRTC",
      "A send-only member of a PeerJS WebRTC mesh", "gst-peerjs contributors");
  gst_peerjs_bin_class_add_pad_templates (bin_class);
}
