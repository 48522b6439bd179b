/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_SERVER_H__
#define __GST_PEERJS_SERVER_H__

#include <gst/peerjs/peerjs-prelude.h>

G_BEGIN_DECLS

#define GST_PEERJS_SERVER_DEFAULT_HOST "127.0.0.1"
#define GST_PEERJS_SERVER_DEFAULT_PORT 9000
#define GST_PEERJS_SERVER_DEFAULT_PATH "/"
#define GST_PEERJS_SERVER_DEFAULT_KEY "peerjs"
/* the `peer` CLI's defaults, in milliseconds */
#define GST_PEERJS_SERVER_DEFAULT_ALIVE_TIMEOUT 60000
#define GST_PEERJS_SERVER_DEFAULT_EXPIRE_TIMEOUT 5000
#define GST_PEERJS_SERVER_DEFAULT_CONCURRENT_LIMIT 5000
/* our own bounds, which `peer` lacks */
#define GST_PEERJS_SERVER_DEFAULT_MAX_QUEUE_LENGTH 256
#define GST_PEERJS_SERVER_DEFAULT_MAX_UNREGISTERED_SOCKETS 1024

#define GST_TYPE_PEERJS_SERVER (gst_peerjs_server_get_type ())
GST_PEERJS_API
G_DECLARE_FINAL_TYPE (GstPeerJSServer, gst_peerjs_server, GST, PEERJS_SERVER,
    GstObject);

GST_PEERJS_API
GstPeerJSServer * gst_peerjs_server_new (void);

GST_PEERJS_API
gboolean gst_peerjs_server_start (GstPeerJSServer * server, GError ** error);

GST_PEERJS_API
void gst_peerjs_server_stop (GstPeerJSServer * server);

GST_PEERJS_API
guint gst_peerjs_server_get_port (GstPeerJSServer * server);

GST_PEERJS_API
gchar * gst_peerjs_server_get_uri (GstPeerJSServer * server);

GST_PEERJS_API
gchar ** gst_peerjs_server_list_peers (GstPeerJSServer * server);

G_END_DECLS

#endif /* __GST_PEERJS_SERVER_H__ */
