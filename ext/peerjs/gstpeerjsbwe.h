/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_BWE_H__
#define __GST_PEERJS_BWE_H__

#include "gstpeerjsconnection.h"
#include "gstpeerjsfanout.h"

G_BEGIN_DECLS
/* Send-side bandwidth estimate of one connection, from the receiver
 * reports about the video we send it (loss and round-trip time); it caps
 * the shared encoder through gst_peerjs_fanout_set_path_bitrate(). Call
 * about once a second while the connection is connected and sends video
 * (any thread); _forget() when it ends. */
void gst_peerjs_bwe_poll (GstPeerJSConnection * conn, GstPeerJSFanout * fanout);

void gst_peerjs_bwe_forget (GstPeerJSConnection * conn,
    GstPeerJSFanout * fanout);

G_END_DECLS
#endif /* __GST_PEERJS_BWE_H__ */
