/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __PEERJS_TLSSERVER_H__
#define __PEERJS_TLSSERVER_H__

#include <gst/peerjs/peerjs.h>

/* A started GstPeerJSServer on 127.0.0.1 (any port) serving wss:// with
 * tests/files/server.pem, signed by tests/files/ca.pem (no system CA
 * knows it). */
GstPeerJSServer *tls_server_new (void);

#endif /* __PEERJS_TLSSERVER_H__ */
