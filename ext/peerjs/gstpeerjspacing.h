/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_PACING_H__
#define __GST_PEERJS_PACING_H__

#include <gst/gst.h>

G_BEGIN_DECLS void gst_peerjs_pacing_attach (GstElement * webrtcbin);

G_END_DECLS
#endif /* __GST_PEERJS_PACING_H__ */
