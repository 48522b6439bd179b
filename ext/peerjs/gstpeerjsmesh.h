/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_MESH_H__
#define __GST_PEERJS_MESH_H__

#include <gst/gst.h>
#include <gst/peerjs/peerjs.h>
#include "gstpeerjsfanout.h"
#include "gstpeerjspolicy.h"
#include "gstpeerjsdatahub.h"

G_BEGIN_DECLS typedef struct
{
  GstElement *element;          /* posts the bus messages, holds the bin */
  GstPeerJSSession *session;
  GstPeerJSFanout *fanout;      /* nullable */
  gboolean send;
  gboolean receive;
  GstPeerJSCallPolicy policy;
  guint max_peers;              /* members in total, us included */
  guint latency_ms;
  guint timeout_ms;
  const gchar *stun_server;
  const gchar *const *turn_servers;
  const gchar *room_id;         /* nullable, a label */
  gboolean discover;            /* peers=*: every ID the server lists */
  gboolean open;                /* no peers: whoever calls is a member */
} GstPeerJSMeshConfig;

/*
 * GstPeerJSMesh: the remote members of one element and their connections:
 * whom to call, which calls to answer, retries, bus messages. Runs on the
 * session's thread. Signals:
 *
 *  "pad-added" (GstPad *pad, const gchar *peer_id, GstPeerJSTrackKind kind)
 *      a member's decoded track, for the element to ghost (any thread)
 *  "pad-removed" (GstPad *pad)
 */
#define GST_TYPE_PEERJS_MESH (gst_peerjs_mesh_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSMesh, gst_peerjs_mesh, GST, PEERJS_MESH,
    GstObject);

GstPeerJSMesh *gst_peerjs_mesh_new (const GstPeerJSMeshConfig * config);

/* The member list changed (any thread). */
void gst_peerjs_mesh_set_peers (GstPeerJSMesh * mesh,
    const gchar * const *peers);

/* Takes an ERROR message from inside one of the connections: that call
 * ends instead of the pipeline. TRUE if it was one. */
gboolean gst_peerjs_mesh_handle_error (GstPeerJSMesh * mesh, GstMessage * msg);

/* Whether @object is (inside) one of the connections' elements. */
gboolean gst_peerjs_mesh_owns (GstPeerJSMesh * mesh, GstObject * object);

/* The data connections (transfer full). */
GstPeerJSDataHub *gst_peerjs_mesh_get_data_hub (GstPeerJSMesh * mesh);

/* Sends a LEAVE to every member we have a call with, but for those that
 * another element on our shared session has a call with (any thread). */
void gst_peerjs_mesh_say_goodbye (GstPeerJSMesh * mesh);

/* Closes every connection and stops every timer (non-streaming thread,
 * not the session thread). The session may still run for another
 * element. */
void gst_peerjs_mesh_stop (GstPeerJSMesh * mesh);

/* Every member's current media connection (transfer full: a GPtrArray of
 * GstPeerJSConnection references; the member's ID is the connection's
 * remote ID). Empty once stopped. Any thread. */
GPtrArray *gst_peerjs_mesh_get_media_connections (GstPeerJSMesh * mesh);

G_END_DECLS
#endif /* __GST_PEERJS_MESH_H__ */
