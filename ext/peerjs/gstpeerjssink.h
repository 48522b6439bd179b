/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_SINK_H__
#define __GST_PEERJS_SINK_H__

#include "gstpeerjsbin.h"

G_BEGIN_DECLS
#define GST_TYPE_PEERJS_SINK (gst_peerjs_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSSink, gst_peerjs_sink, GST, PEERJS_SINK,
    GstPeerJSBin);

G_END_DECLS
#endif /* __GST_PEERJS_SINK_H__ */
