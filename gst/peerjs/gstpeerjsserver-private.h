/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* A GstPeerJSServer without a listening socket or thread, for the fuzz
 * target of the server's frame handler (tests/fuzz/fuzz-server.c). The
 * caller brings the WebSocket connections (e.g. over memory streams) and
 * drives everything from one thread, whose thread-default main context the
 * connections use; nothing runs by itself (no timers). Not installed. */

#ifndef __GST_PEERJS_SERVER_PRIVATE_H__
#define __GST_PEERJS_SERVER_PRIVATE_H__

#include <libsoup/soup.h>

#include "gstpeerjsserver.h"

G_BEGIN_DECLS

typedef struct _PeerSocket GstPeerJSServerSocket;

/* Takes the properties as start() does and sets up the registry, without
 * listening. Undone by gst_peerjs_server_close_detached(). */
GST_PEERJS_API
void gst_peerjs_server_open_detached (GstPeerJSServer * server);

/* @conn was accepted with the query string @query (`key=…&id=…&token=…`,
 * undecoded): the handshake runs, as on_websocket() does. Returns the
 * socket, which stays valid until gst_peerjs_server_close_detached() or
 * gst_peerjs_server_socket_closed_detached(). */
GST_PEERJS_API
GstPeerJSServerSocket * gst_peerjs_server_accept_detached
    (GstPeerJSServer * server, SoupWebsocketConnection * conn,
    const gchar * query);

/* @sock received a frame (text or binary): what its "message" signal
 * does. */
GST_PEERJS_API
void gst_peerjs_server_receive_detached (GstPeerJSServer * server,
    GstPeerJSServerSocket * sock, SoupWebsocketDataType type,
    GBytes * frame);

/* @sock closed: what its "closed" signal does; @sock is freed. */
GST_PEERJS_API
void gst_peerjs_server_socket_closed_detached (GstPeerJSServer * server,
    GstPeerJSServerSocket * sock);

/* Runs the liveness check and the expire sweep once, now. */
GST_PEERJS_API
void gst_peerjs_server_tick_detached (GstPeerJSServer * server);

/* Frees every socket, queue and registration. */
GST_PEERJS_API
void gst_peerjs_server_close_detached (GstPeerJSServer * server);

G_END_DECLS

#endif /* __GST_PEERJS_SERVER_PRIVATE_H__ */
