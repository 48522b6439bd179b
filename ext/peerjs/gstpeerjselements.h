/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_ELEMENTS_H__
#define __GST_PEERJS_ELEMENTS_H__

#include <gst/gst.h>

G_BEGIN_DECLS void peerjs_element_init (GstPlugin * plugin);

GST_ELEMENT_REGISTER_DECLARE (peerjsroom);
GST_ELEMENT_REGISTER_DECLARE (peerjssink);
GST_ELEMENT_REGISTER_DECLARE (peerjssrc);

G_END_DECLS
#endif /* __GST_PEERJS_ELEMENTS_H__ */
