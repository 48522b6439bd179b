/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_H__
#define __GST_PEERJS_H__

#include <gst/peerjs/peerjs-prelude.h>
#include <gst/peerjs/gstpeerjserror.h>
#include <gst/peerjs/gstpeerjsprotocol.h>
#include <gst/peerjs/gstpeerjssession.h>
#include <gst/peerjs/gstpeerjsserver.h>
#include <gst/peerjs/gstpeerjsvalue.h>
#include <gst/peerjs/gstpeerjsbinarypack.h>
#include <gst/peerjs/gstpeerjsmsgpack.h>

G_BEGIN_DECLS

GST_PEERJS_API
void gst_peerjs_init (void);

G_END_DECLS

#endif /* __GST_PEERJS_H__ */
