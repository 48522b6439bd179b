/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_SESSION_H__
#define __GST_PEERJS_SESSION_H__

#include <gst/peerjs/peerjs-prelude.h>
#include <gst/peerjs/gstpeerjsprotocol.h>

G_BEGIN_DECLS

/**
 * GST_PEERJS_DEFAULT_SERVER:
 *
 * The PeerJS cloud server, the `peerjs` library's default.
 */
#define GST_PEERJS_DEFAULT_SERVER "wss://0.peerjs.com:443/"
#define GST_PEERJS_DEFAULT_KEY "peerjs"
/* what peerjs 1.5.5 sends as `version` */
#define GST_PEERJS_CLIENT_VERSION "1.5.5"

/**
 * GstPeerJSSessionState:
 * @GST_PEERJS_SESSION_STATE_CLOSED: not started, stopped, or failed
 * @GST_PEERJS_SESSION_STATE_CONNECTING: first registration under way
 * @GST_PEERJS_SESSION_STATE_OPEN: registered on the server
 * @GST_PEERJS_SESSION_STATE_RECONNECTING: the socket dropped; retrying with
 *   the same ID and token
 *
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_SESSION_STATE_CLOSED,
  GST_PEERJS_SESSION_STATE_CONNECTING,
  GST_PEERJS_SESSION_STATE_OPEN,
  GST_PEERJS_SESSION_STATE_RECONNECTING,
} GstPeerJSSessionState;

GST_PEERJS_API
GType gst_peerjs_session_state_get_type (void);
#define GST_TYPE_PEERJS_SESSION_STATE (gst_peerjs_session_state_get_type ())

#define GST_TYPE_PEERJS_SESSION (gst_peerjs_session_get_type ())
GST_PEERJS_API
G_DECLARE_FINAL_TYPE (GstPeerJSSession, gst_peerjs_session, GST,
    PEERJS_SESSION, GstObject);

GST_PEERJS_API
GstPeerJSSession * gst_peerjs_session_new (const gchar * server_uri,
    const gchar * key, const gchar * peer_id);

GST_PEERJS_API
gboolean gst_peerjs_session_start (GstPeerJSSession * session,
    GError ** error);

GST_PEERJS_API
void gst_peerjs_session_stop (GstPeerJSSession * session);

GST_PEERJS_API
gboolean gst_peerjs_session_send (GstPeerJSSession * session,
    const GstPeerJSMessage * message, GError ** error);

GST_PEERJS_API
GList * gst_peerjs_session_claim_pending (GstPeerJSSession * session,
    const gchar * peer_id, const gchar * connection_id);

GST_PEERJS_API
GstPeerJSSessionState gst_peerjs_session_get_state (GstPeerJSSession *
    session);

GST_PEERJS_API
gchar * gst_peerjs_session_get_id (GstPeerJSSession * session);

/**
 * GstPeerJSPeersCallback:
 * @session: the session
 * @peers: (nullable): the registered IDs, or %NULL on error
 * @error: (nullable): what went wrong
 * @user_data: user data
 */
typedef void (*GstPeerJSPeersCallback) (GstPeerJSSession * session,
    gchar ** peers, const GError * error, gpointer user_data);

GST_PEERJS_API
gboolean gst_peerjs_session_list_peers (GstPeerJSSession * session,
    GstPeerJSPeersCallback callback, gpointer user_data,
    GDestroyNotify notify);

GST_PEERJS_API
GMainContext * gst_peerjs_session_get_context (GstPeerJSSession * session);

G_END_DECLS

#endif /* __GST_PEERJS_SESSION_H__ */
