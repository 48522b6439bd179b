/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_SHARED_H__
#define __GST_PEERJS_SHARED_H__

#include <gst/gst.h>
#include <gst/peerjs/peerjs.h>

G_BEGIN_DECLS
/* What the mesh, the data hub and the track watch share: how they post
 * element messages and forward signalling. */
/* Posts @s (taken) as an element message of @element, with `room-id`
 * when @room_id is set. Any thread. */
void gst_peerjs_post (GstElement * element, const gchar * room_id,
    GstStructure * s);

/* A `peerjs-error` (`type`, `peer-id`, `message`, and `connection-id`
 * when not NULL), also logged. */
void gst_peerjs_post_error (GstElement * element, const gchar * room_id,
    const gchar * type, const gchar * peer_id, const gchar * connection_id,
    const gchar * message);

/* Connects a connection's "send-message" to @session, for as long as the
 * session lives. */
void gst_peerjs_forward_signalling (GObject * connection,
    GstPeerJSSession * session);

/* What a per-member timer calls, on the context it was added to; @source
 * is the timer (to tell a stale one from the current one). */
typedef void (*GstPeerJSPeerTimeoutFunc) (GstObject * owner,
    const gchar * peer_id, GSource * source);

/* Calls @func (@owner, @peer_id) once after @ms on @context, keeping
 * @owner alive until then. Returns the attached source (transfer full):
 * destroy it to cancel. */
GSource *gst_peerjs_peer_timeout_add (GMainContext * context, guint ms,
    GstObject * owner, const gchar * peer_id, GstPeerJSPeerTimeoutFunc func);

/* Destroys and clears a GSource pointer, if set. */
void gst_peerjs_clear_source (GSource ** source);

G_END_DECLS
#endif /* __GST_PEERJS_SHARED_H__ */
