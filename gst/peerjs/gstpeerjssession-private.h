/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Feeds a signalling frame to a GstPeerJSSession that was never started,
 * as if its server had sent it, for the fuzz target of the signalling
 * parser (tests/fuzz/fuzz-signalling.c). Not installed. */

#ifndef __GST_PEERJS_SESSION_PRIVATE_H__
#define __GST_PEERJS_SESSION_PRIVATE_H__

#include "gstpeerjssession.h"

G_BEGIN_DECLS

/* What the session does with @frame from its socket (parse, dispatch,
 * signals, unclaimed messages kept), in the calling thread.
 * @awaiting_first_frame: a registration waits for its OPEN;
 * @registered_once: the session was registered before (a reconnection). */
GST_PEERJS_API
void gst_peerjs_session_receive_detached (GstPeerJSSession * session,
    GBytes * frame, gboolean awaiting_first_frame, gboolean registered_once);

/* Drops the unclaimed messages older than #GstPeerJSSession:pending-timeout,
 * as the periodic sweep does. */
GST_PEERJS_API
void gst_peerjs_session_sweep_detached (GstPeerJSSession * session);

G_END_DECLS

#endif /* __GST_PEERJS_SESSION_PRIVATE_H__ */
