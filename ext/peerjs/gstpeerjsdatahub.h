/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_DATA_HUB_H__
#define __GST_PEERJS_DATA_HUB_H__

#include <gst/gst.h>
#include <gst/peerjs/peerjs.h>
#include "gstpeerjsconnection.h"

G_BEGIN_DECLS
/* The label of the data connection each pair of members keeps for the
 * room's own messages (the track state). Any label is accepted. */
#define GST_PEERJS_CONTROL_LABEL "peerjs-room"
/* Data connections one member may have open with us at once. */
#define GST_PEERJS_MAX_DATA_CONNECTIONS_PER_PEER 8
/*
 * GstPeerJSDataHub: an element's PeerJS data connections, by member: the
 * ones members open to us, the ones the application opens, and one
 * control connection per member that carries the track state. Posts the
 * element messages `peerjs-data`, `peerjs-data-connection`,
 * `peerjs-track-state` (source "announcement") and `peerjs-error`.
 * Signals (from webrtcbin's data channel threads):
 *
 *  "value" (const gchar *peer_id, const gchar *connection_id,
 *      const gchar *label, const gchar *serialization, GVariant *value)
 *      an application value arrived
 *  "track-state" (const gchar *peer_id, gboolean video, gboolean audio)
 *      a member announced its track state
 */
#define GST_TYPE_PEERJS_DATA_HUB (gst_peerjs_data_hub_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSDataHub, gst_peerjs_data_hub, GST,
    PEERJS_DATA_HUB, GstObject);

/* @config: as for the media calls (bin, context, ICE servers, timeout);
 * @post: the element that posts the messages; @room_id nullable. */
GstPeerJSDataHub *gst_peerjs_data_hub_new (const GstPeerJSConnectionConfig
    * config, GstElement * post, GstPeerJSSession * session,
    const gchar * room_id);

/* A data OFFER from a member (the caller checked membership). Posts a
 * peerjs-error and answers nothing when it cannot be taken. */
void gst_peerjs_data_hub_answer (GstPeerJSDataHub * hub,
    const GstPeerJSMessage * offer);

/* An ANSWER or CANDIDATE: TRUE if it was for one of ours. */
gboolean gst_peerjs_data_hub_route (GstPeerJSDataHub * hub,
    const GstPeerJSMessage * msg);

/* Opens a data connection to @peer_id. Returns the connection ID. */
gchar *gst_peerjs_data_hub_open (GstPeerJSDataHub * hub,
    const gchar * peer_id, const gchar * label,
    GstPeerJSSerialization serialization, gboolean reliable, GError ** error);

/* Closes one data connection by ID. FALSE: no such connection. */
gboolean gst_peerjs_data_hub_close (GstPeerJSDataHub * hub,
    const gchar * connection_id);

/* The member's call is up: make sure a control connection exists. We open
 * it at once when @we_called, else after a grace period in which the
 * member may open one (a member that speaks the format does). */
void gst_peerjs_data_hub_ensure_control (GstPeerJSDataHub * hub,
    const gchar * peer_id, gboolean we_called);

/* The member left: close every data connection with it. */
void gst_peerjs_data_hub_drop_peer (GstPeerJSDataHub * hub,
    const gchar * peer_id);

/* Sends @value to @target: a member's ID (its control connection), a data
 * connection ID, or NULL / "" / "*" for every member. Returns how many
 * connections took it; 0 with @error set when none did. */
guint gst_peerjs_data_hub_send (GstPeerJSDataHub * hub, const gchar * target,
    GVariant * value, GError ** error);

/* Our track state: announced now and to every control connection that
 * opens later. */
void gst_peerjs_data_hub_set_track_state (GstPeerJSDataHub * hub,
    gboolean video_enabled, gboolean audio_enabled);

gboolean gst_peerjs_data_hub_owns (GstPeerJSDataHub * hub, GstObject * object);
/* An ERROR from inside one of the data connections: it ends. */
gboolean gst_peerjs_data_hub_handle_error (GstPeerJSDataHub * hub,
    GstMessage * msg);

/* Closes everything (non-streaming thread, not the session thread). */
void gst_peerjs_data_hub_stop (GstPeerJSDataHub * hub);

G_END_DECLS
#endif /* __GST_PEERJS_DATA_HUB_H__ */
