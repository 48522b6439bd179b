/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_SESSION_SHARE_H__
#define __GST_PEERJS_SESSION_SHARE_H__

#include <gst/gst.h>
#include <gst/peerjs/peerjs.h>

G_BEGIN_DECLS
/* One signalling session per ID in a process: a PeerJS server keeps one
 * socket per ID, so the elements of a process that register the same ID
 * on the same server (a peerjssink and a peerjssrc "obs") use one
 * GstPeerJSSession, refcounted here. Each element still has its own
 * mesh; the meshes on one session are listed here, in the order they
 * joined, so that they can agree on which of them takes an OFFER. */
/* The running session for @peer_id on @server with @key (and
 * @tls_ca_file), started if it is new (transfer full: give it back with
 * gst_peerjs_session_share_release()). An empty @peer_id (the server
 * assigns one) always gets a session of its own. NULL and @error if a new
 * session could not start. Any thread but a session's. */
GstPeerJSSession *gst_peerjs_session_share_acquire (const gchar * server,
    const gchar * key, const gchar * peer_id, const gchar * tls_ca_file,
    GError ** error);

/* Disconnects every handler of @user on @session (on the session thread,
 * so none is running when this returns), then gives @session back: the
 * last user stops it, which unregisters the ID. Not on the session
 * thread. */
void gst_peerjs_session_share_release (GstPeerJSSession * session,
    gpointer user);

/* Runs @func (@data) on @session's thread and waits for it; in place when
 * the session does not run. Not on the session thread. */
void gst_peerjs_session_share_run_sync (GstPeerJSSession * session,
    GSourceFunc func, gpointer data);

/* Adds @mesh to / removes it from the meshes of @session (session thread:
 * the list never changes while a message is being handled). Sessions
 * that did not come from gst_peerjs_session_share_acquire() have no
 * list. */
void gst_peerjs_session_share_join (GstPeerJSSession * session,
    GstObject * mesh);
void gst_peerjs_session_share_leave (GstPeerJSSession * session,
    GstObject * mesh);

/* The meshes on @session, in the order they joined (transfer full: an
 * array of references), or NULL if @session has no list. Any thread. */
GPtrArray *gst_peerjs_session_share_list (GstPeerJSSession * session);

/* Which way the media of an OFFER's SDP flows, seen from the caller:
 * whether some audio/video m-line is sendrecv or sendonly (the caller
 * sends), and whether every one is recvonly (the caller only receives). */
void gst_peerjs_session_share_offer_direction (const gchar * sdp,
    gboolean * remote_sends, gboolean * remote_only_receives);

G_END_DECLS
#endif /* __GST_PEERJS_SESSION_SHARE_H__ */
