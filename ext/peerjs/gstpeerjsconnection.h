/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_CONNECTION_H__
#define __GST_PEERJS_CONNECTION_H__

#include <gst/gst.h>
#include <gst/peerjs/peerjs.h>
#include "gstpeerjsfanout.h"
#include "gstpeerjsdatachannel.h"
#include "gstpeerjsreports.h"

G_BEGIN_DECLS
/**
 * GstPeerJSConnectionState:
 *
 * Since: 1.0
 */
    typedef enum
{
  GST_PEERJS_CONNECTION_STATE_NEW,
  GST_PEERJS_CONNECTION_STATE_CONNECTING,
  GST_PEERJS_CONNECTION_STATE_CONNECTED,
  GST_PEERJS_CONNECTION_STATE_DISCONNECTED,
  GST_PEERJS_CONNECTION_STATE_FAILED,
} GstPeerJSConnectionState;

GType gst_peerjs_connection_state_get_type (void);
#define GST_TYPE_PEERJS_CONNECTION_STATE (gst_peerjs_connection_state_get_type ())
const gchar *gst_peerjs_connection_state_name (GstPeerJSConnectionState s);

/* What a connection needs from its owner. Copied by the constructors. */
typedef struct
{
  GstBin *bin;                  /* where webrtcbin and the branches live */
  GstPeerJSFanout *fanout;      /* local media to send, or NULL */
  gboolean send;                /* send what the fanout has */
  gboolean receive;             /* decode and expose remote media */
  GMainContext *context;        /* for timers: the session's context */
  const gchar *stun_server;     /* nullable */
  const gchar *const *turn_servers;     /* nullable, NULL-terminated */
  guint latency_ms;             /* jitterbuffer latency */
  guint timeout_ms;             /* connecting -> failed after this */
} GstPeerJSConnectionConfig;

/*
 * GstPeerJSConnection: one PeerJS connection (a media call `mc_…` or a
 * data connection `dc_…`) and so one webrtcbin. Signals (emitted from arbitrary threads, never with an
 * internal lock held):
 *
 *  "send-message" (GstPeerJSMessage *msg): hand msg (OFFER, ANSWER,
 *      CANDIDATE to the remote) to the session. Candidates are never
 *      emitted before the OFFER/ANSWER.
 *  "state-changed" (GstPeerJSConnectionState state, const gchar *reason)
 *  "pad-added" (GstPad *pad, GstPeerJSTrackKind kind): a decoded raw
 *      audio/video src pad of the remote's media, inside the bin, for the
 *      owner to ghost. Never stalls the pipeline when left unlinked.
 *  "pad-removed" (GstPad *pad): that pad goes away (close()).
 *  "data-channel" (GstPeerJSDataChannel *channel): data connections: the
 *      channel, before it opens.
 */
#define GST_TYPE_PEERJS_CONNECTION (gst_peerjs_connection_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSConnection, gst_peerjs_connection, GST,
    PEERJS_CONNECTION, GstObject);

/* We call @remote_id: a new connection ID, our offer. */
GstPeerJSConnection *gst_peerjs_connection_new_call (const
    GstPeerJSConnectionConfig * config, const gchar * remote_id,
    JsonNode * metadata);

/* We open a data connection to @remote_id: a new connection ID, our
 * offer. @label NULL: the connection ID. MsgPack is always reliable. */
GstPeerJSConnection *gst_peerjs_connection_new_data (const
    GstPeerJSConnectionConfig * config, const gchar * remote_id,
    const gchar * label, GstPeerJSSerialization serialization,
    gboolean reliable, JsonNode * metadata);

/* @offer (a media or data OFFER, src = the caller) called us. NULL for an
 * unknown serialization. */
GstPeerJSConnection *gst_peerjs_connection_new_answer (const
    GstPeerJSConnectionConfig * config, const GstPeerJSMessage * offer);

/* Whether the SDP of an OFFER is one a connection could answer (parsed,
 * WebRTC-shaped m-lines); the mesh checks before it replaces a call. */
gboolean gst_peerjs_connection_offer_is_usable (const gchar * sdp);

/* Builds the webrtcbin and its branches in the bin and starts the
 * negotiation: the OFFER (call) or the ANSWER (answer) follows through
 * "send-message". Call from a non-streaming thread. */
gboolean gst_peerjs_connection_start (GstPeerJSConnection * conn,
    GError ** error);

/* An ANSWER or CANDIDATE from the remote for this connection. Candidates
 * that arrive before the remote description is set are kept and applied
 * after it. Any thread. */
void gst_peerjs_connection_handle_message (GstPeerJSConnection * conn,
    const GstPeerJSMessage * msg);

/* Hangs up (closes the aux data channel and the webrtcbin), removes its
 * elements from the bin, emits "pad-removed" for its pads. Idempotent.
 * Call from a non-streaming thread. */
void gst_peerjs_connection_close (GstPeerJSConnection * conn);

const gchar *gst_peerjs_connection_get_id (GstPeerJSConnection * conn);
const gchar *gst_peerjs_connection_get_remote_id (GstPeerJSConnection * conn);
gboolean gst_peerjs_connection_is_outgoing (GstPeerJSConnection * conn);
GstPeerJSConnectionType
gst_peerjs_connection_get_connection_type (GstPeerJSConnection * conn);
/* data connections: */
const gchar *gst_peerjs_connection_get_label (GstPeerJSConnection * conn);
gboolean gst_peerjs_connection_is_reliable (GstPeerJSConnection * conn);
GstPeerJSSerialization
gst_peerjs_connection_get_serialization (GstPeerJSConnection * conn);
GstPeerJSDataChannel *gst_peerjs_connection_get_data_channel
    (GstPeerJSConnection * conn);
/* Whether @object is (inside) one of this connection's elements. */
gboolean gst_peerjs_connection_owns (GstPeerJSConnection * conn,
    GstObject * object);
GstPeerJSConnectionState gst_peerjs_connection_get_state (GstPeerJSConnection
    * conn);

/* webrtcbin's "get-stats" result, for the stats messages (later). */
GstStructure *gst_peerjs_connection_get_stats (GstPeerJSConnection * conn);

/* What gst_peerjs_connection_request_stats() calls, from webrtcbin's
 * thread: @stats is webrtcbin's "get-stats" reply (one field per stats
 * object), NULL when webrtcbin failed. Call no webrtcbin action from it. */
typedef void (*GstPeerJSStatsFunc) (GstPeerJSConnection * conn,
    const GstStructure * stats, gpointer user_data);

/* Asks webrtcbin for its statistics without blocking; the request is
 * counted so close() waits for it. FALSE (and @notify called at once)
 * when the connection is not started or is closing. Any thread. */
gboolean gst_peerjs_connection_request_stats (GstPeerJSConnection * conn,
    GstPeerJSStatsFunc func, gpointer user_data, GDestroyNotify notify);

/* Retransmissions the remote asked for, in total (its NACKs of the packets
 * we send). Any thread. */
void gst_peerjs_connection_warm_up (void);

void gst_peerjs_connection_warm_up_join (void);

void gst_peerjs_connection_get_reports (GstPeerJSConnection * self,
    GstPeerJSReportsSnapshot * snapshot);

guint64 gst_peerjs_connection_get_rtx_requests (GstPeerJSConnection * conn);

G_END_DECLS
#endif /* __GST_PEERJS_CONNECTION_H__ */
