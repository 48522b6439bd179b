/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-peerjssrc
 * @title: peerjssrc
 * @short_description: a receive-only member of a PeerJS mesh
 *
 * `peerjssrc` is the receive-only face of the PeerJS engine: a spectator,
 * a recorder or OBS receiving the players of a PeerJS mesh. It registers
 * #GstPeerJSBin:peer-id on the PeerJS #GstPeerJSBin:server (see
 * #GstPeerJSBin for the bus messages), calls every ID in
 * #GstPeerJSBin:peers with a receive-only offer (a browser that answers
 * with its camera sends it) and answers calls without sending; with
 * `peers` empty it takes calls from anyone, up to #GstPeerJSBin:max-peers.
 * Each member's media comes out on `video_<id>`/`audio_<id>`, as on
 * `peerjsroom`.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m peerjssrc name=s server=ws://127.0.0.1:9000/ \
 *     peer-id=viewer peers=camera \
 *     s.video_camera ! queue ! videoconvert ! autovideosink \
 *     s.audio_camera ! queue ! audioconvert ! autoaudiosink
 * ]| Calls `camera` (a browser, or the `peerjssink` example) and shows
 * what it sends.
 *
 * Since: 1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjssrc.h"
#include "gstpeerjselements.h"

struct _GstPeerJSSrc
{
  GstPeerJSBin parent;
};

#define gst_peerjs_src_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSSrc, gst_peerjs_src, GST_TYPE_PEERJS_BIN);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (peerjssrc, "peerjssrc",
    GST_RANK_NONE, GST_TYPE_PEERJS_SRC, peerjs_element_init (plugin));

static void
gst_peerjs_src_init (GstPeerJSSrc * self)
{
}

static void
gst_peerjs_src_class_init (GstPeerJSSrcClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstPeerJSBinClass *bin_class = GST_PEERJS_BIN_CLASS (klass);

  bin_class->sends = FALSE;
  bin_class->receives = TRUE;
  /* a spectator: it calls whom it is told to and takes whoever calls */
  bin_class->open_membership = TRUE;
  bin_class->default_call_policy = GST_PEERJS_CALL_POLICY_CALL_ALL;

  gst_element_class_set_static_metadata (element_class, "PeerJS source",
      "Source/Network/WebRTC",
      "A receive-only member of a PeerJS WebRTC mesh",
      "gst-peerjs contributors");
  gst_peerjs_bin_class_add_pad_templates (bin_class);
  gst_peerjs_bin_class_add_table (bin_class);
}
