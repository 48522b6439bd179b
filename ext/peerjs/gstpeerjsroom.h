/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_ROOM_H__
#define __GST_PEERJS_ROOM_H__

#include "gstpeerjsbin.h"

G_BEGIN_DECLS
#define GST_TYPE_PEERJS_ROOM (gst_peerjs_room_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSRoom, gst_peerjs_room, GST, PEERJS_ROOM,
    GstPeerJSBin);

G_END_DECLS
#endif /* __GST_PEERJS_ROOM_H__ */
