/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_ERROR_H__
#define __GST_PEERJS_ERROR_H__

#include <gst/peerjs/peerjs-prelude.h>

G_BEGIN_DECLS

/**
 * GST_PEERJS_ERROR:
 *
 * Error domain for PeerJS errors. The codes are #GstPeerJSError, one for
 * each error type the `peerjs` JavaScript client reports (`PeerError.type`).
 */
#define GST_PEERJS_ERROR (gst_peerjs_error_quark ())

/**
 * GstPeerJSError:
 * @GST_PEERJS_ERROR_PEER_UNAVAILABLE: `peer-unavailable`: the remote peer is
 *   not connected to the server (an EXPIRE arrived).
 * @GST_PEERJS_ERROR_UNAVAILABLE_ID: `unavailable-id`: the ID is taken.
 * @GST_PEERJS_ERROR_INVALID_ID: `invalid-id`: the ID breaks the PeerJS ID rule.
 * @GST_PEERJS_ERROR_INVALID_KEY: `invalid-key`: the server refused the key.
 * @GST_PEERJS_ERROR_NETWORK: `network`: the server cannot be reached, or the
 *   connection to it was lost.
 * @GST_PEERJS_ERROR_SERVER_ERROR: `server-error`: the server sent an ERROR, or
 *   an HTTP request to it failed.
 * @GST_PEERJS_ERROR_SOCKET_ERROR: `socket-error`: the signalling socket failed
 *   or a message could not be sent.
 * @GST_PEERJS_ERROR_SOCKET_CLOSED: `socket-closed`: the socket closed.
 * @GST_PEERJS_ERROR_DISCONNECTED: `disconnected`: not connected to the server.
 * @GST_PEERJS_ERROR_SSL_UNAVAILABLE: `ssl-unavailable`: TLS was required but
 *   could not be set up (e.g. an untrusted certificate).
 * @GST_PEERJS_ERROR_BROWSER_INCOMPATIBLE: `browser-incompatible`: a required
 *   WebRTC feature is missing.
 * @GST_PEERJS_ERROR_WEBRTC: `webrtc`: a WebRTC operation failed.
 *
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_ERROR_PEER_UNAVAILABLE,
  GST_PEERJS_ERROR_UNAVAILABLE_ID,
  GST_PEERJS_ERROR_INVALID_ID,
  GST_PEERJS_ERROR_INVALID_KEY,
  GST_PEERJS_ERROR_NETWORK,
  GST_PEERJS_ERROR_SERVER_ERROR,
  GST_PEERJS_ERROR_SOCKET_ERROR,
  GST_PEERJS_ERROR_SOCKET_CLOSED,
  GST_PEERJS_ERROR_DISCONNECTED,
  GST_PEERJS_ERROR_SSL_UNAVAILABLE,
  GST_PEERJS_ERROR_BROWSER_INCOMPATIBLE,
  GST_PEERJS_ERROR_WEBRTC,
} GstPeerJSError;

GST_PEERJS_API
GQuark gst_peerjs_error_quark (void);

GST_PEERJS_API
GType gst_peerjs_error_get_type (void);
#define GST_TYPE_PEERJS_ERROR (gst_peerjs_error_get_type ())

GST_PEERJS_API
const gchar * gst_peerjs_error_type_name (GstPeerJSError code);

GST_PEERJS_API
gboolean gst_peerjs_error_from_type_name (const gchar * name,
    GstPeerJSError * code);

G_END_DECLS

#endif /* __GST_PEERJS_ERROR_H__ */
