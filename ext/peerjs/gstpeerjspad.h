/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_PAD_H__
#define __GST_PEERJS_PAD_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/* A remote member's track on the element: a ghost pad that knows the
 * member's exact PeerJS ID (the pad name only has a gst-launch-safe form). */
#define GST_TYPE_PEERJS_PAD (gst_peerjs_pad_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSPad, gst_peerjs_pad, GST, PEERJS_PAD,
    GstGhostPad);

GstPad *gst_peerjs_pad_new (const gchar * name, GstPad * target,
    GstPadTemplate * templ, const gchar * peer_id);

G_END_DECLS
#endif /* __GST_PEERJS_PAD_H__ */
