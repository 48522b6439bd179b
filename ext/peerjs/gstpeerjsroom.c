/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-peerjsroom
 * @title: peerjsroom
 * @short_description: a full member of a PeerJS mesh
 *
 * `peerjsroom` joins a PeerJS mesh as an equal member, next to browsers
 * running the `peerjs` JavaScript library: it registers #GstPeerJSBin:peer-id
 * on the PeerJS #GstPeerJSBin:server, sends local audio and video to every
 * other member of the room and gives out each member's media on pads of its
 * own.
 *
 * This version registers on the server and reports the registration and
 * signalling errors on the bus (see #GstPeerJSBin for the messages); the
 * media pads come with the mesh.
 *
 * ## Example launch line
 * |[
 * gst-peerjs-server &
 * gst-launch-1.0 -m peerjsroom server=ws://127.0.0.1:9000/ peer-id=alice
 * ]| Registers `alice` on a local `gst-peerjs-server` and prints the
 * `peerjs-open` message.
 *
 * Since: 1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsroom.h"
#include "gstpeerjselements.h"

struct _GstPeerJSRoom
{
  GstPeerJSBin parent;
};

#define gst_peerjs_room_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSRoom, gst_peerjs_room, GST_TYPE_PEERJS_BIN);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (peerjsroom, "peerjsroom",
    GST_RANK_NONE, GST_TYPE_PEERJS_ROOM, peerjs_element_init (plugin));

static void
gst_peerjs_room_init (GstPeerJSRoom * self)
{
}

static void
gst_peerjs_room_class_init (GstPeerJSRoomClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstPeerJSBinClass *bin_class = GST_PEERJS_BIN_CLASS (klass);

  bin_class->sends = TRUE;
  bin_class->receives = TRUE;

  gst_element_class_set_static_metadata (element_class, "PeerJS room",
      "Source/Sink/Network/WebRTC",
      "A full member of a PeerJS WebRTC mesh: sends local media to every "
      "member and receives theirs", "gst-peerjs contributors");
}
