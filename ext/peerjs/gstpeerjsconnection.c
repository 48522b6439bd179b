/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* One PeerJS media connection: one webrtcbin, negotiated the way the
 * `peerjs` 1.5.5 client negotiates (see docs/architecture.md and the
 * shared webrtcbin-interop notes for the measured facts behind the
 * choices here).
 *
 *   fanout tee ! queue (leaky) ! rtp*pay pt=N ! capsfilter ! webrtcbin
 *   webrtcbin ! decodebin ! convert ! tee (allow-not-linked) -> "pad-added"
 *
 * Calling: send branches (audio first, as Chromium orders its m-lines),
 * recvonly transceivers for what we receive but do not send, the
 * auxiliary data channel PeerJS callers create (label "undefined",
 * unordered), then the OFFER and the candidates after it.
 *
 * Answering: the send branches take the payload types the browser offered,
 * in the offer's m-line order, before the offer is applied: otherwise
 * webrtcbin silently answers recvonly. Candidates that arrive before the
 * offer is applied wait for it.
 *
 * Hang-up: PeerJS has no hang-up message. Closing the aux channel (and the
 * webrtcbin) tells the remote; the remote closing it, or ICE failing,
 * tells us.
 *
 * Threads: webrtcbin calls us from its own thread (promises, candidates,
 * states, data channel) and from streaming threads (pads). We never call a
 * webrtcbin action with our lock held, and "state-changed" is emitted from
 * the configured GMainContext, so its handler may call
 * gst_peerjs_connection_close(). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsconnection.h"
#include "gstpeerjsbwe.h"
#include "gstpeerjsreports.h"
#include "gstpeerjspacing.h"

#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <nice/interfaces.h>
#include <stdlib.h>
#include <string.h>

#define GST_CAT_DEFAULT peerjs_connection_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* peerjs' MediaConnection creates its data channel with label `undefined`,
 * which the browser turns into this string */
#define AUX_CHANNEL_LABEL "undefined"

/* How long close() waits for the aux channel's closing to go out (the
 * remote answers a stream reset within a round trip). */
#define AUX_CLOSE_TIMEOUT_MS 1000

/* After our side of the channel closed: the remote resets its stream too,
 * and our SCTP stack's answer to that must still get out before the
 * elements go, or the remote's channel hangs in "closing" (peerjs then
 * never sees the close). One round trip on a LAN; measured: a few ms. */
#define AUX_CLOSE_LINGER_MS 100

/* How long close() waits for webrtcbin to finish an operation under way
 * (creating or applying a description: milliseconds). */
#define PROMISE_WAIT_MS 1000

/* A remote that sends nothing at all (no RTP, no RTCP, no DTLS/SCTP) for
 * this long is gone: ICE here (libnice without consent freshness) would
 * never say so. Both webrtcbin and browsers send RTCP every few seconds
 * even when they only receive. */
#define DEFAULT_LIVENESS_TIMEOUT 15000
#define LIVENESS_CHECK_MS 1000

/* A send branch holds at most this much while webrtcbin is not yet sending
 * (its pad blocks until negotiated); older data is dropped. */
#define SEND_QUEUE_TIME (300 * GST_MSECOND)

/* Remote candidates taken per connection. A browser sends a few per
 * network interface and m-line; a flood (a hostile server relays 10000)
 * would otherwise be held without bound before the remote description and
 * fed to libnice after it. */
#define MAX_REMOTE_CANDIDATES 256

/* Payload types when we offer; answers take the offer's. */
#define OFFER_PT_OPUS 111
#define OFFER_PT_VIDEO 96
#define OFFER_PT_VIDEO_ALT 102

/* What we declare for H.264: constrained baseline, level 3.1, and the
 * level may differ per direction (what Chromium offers itself). */
#define H264_PROFILE_LEVEL_ID "42e01f"

/* Transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-
 * extensions-01): with the header extension in the send caps rtpsession
 * numbers every packet, the receiver's rtpsession (or browser) answers
 * with feedback, and ours turns that into twcc-stats (gstpeerjsbwe.c). Our
 * offers use this ID; answers take the offer's. */
#define TWCC_URI "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
#define TWCC_EXT_ID 3

/* decodebin's GstAutoplugSelectResult (not in a public header) */
#define AUTOPLUG_SELECT_TRY 0
#define AUTOPLUG_SELECT_SKIP 2

enum
{
  PROP_0,
  PROP_LIVENESS_TIMEOUT,
};

enum
{
  SIGNAL_SEND_MESSAGE,
  SIGNAL_STATE_CHANGED,
  SIGNAL_PAD_ADDED,
  SIGNAL_PAD_REMOVED,
  SIGNAL_DATA_CHANNEL,
  LAST_SIGNAL
};

static guint connection_signals[LAST_SIGNAL];

typedef struct
{
  GstPeerJSTrackKind kind;
  guint pt;
  guint32 ssrc;
  gchar *profile_level_id;      /* H.264 only */
  GstPad *tee_pad;              /* the fanout branch */
  GstElement *queue, *payloader, *capsfilter;
  GstPad *webrtc_pad;
} SendBranch;

typedef struct
{
  GstPad *pad;                  /* what "pad-added" gave out */
  GstElement *tee;
} ExposedPad;

typedef struct
{
  gint mline;
  gchar *mid;
  gchar *candidate;
} RemoteCandidate;

typedef struct
{
  GstPad *pad;
  gulong id;
} Probe;

struct _GstPeerJSConnection
{
  GstObject parent;

  /* set at construction, read-only afterwards */
  GstBin *bin;
  GstPeerJSFanout *fanout;
  gboolean send, receive;
  GMainContext *context;
  gchar *stun_server;
  gchar **turn_servers;
  guint latency_ms, timeout_ms;
  gchar *connection_id;
  gchar *remote_id;
  gboolean outgoing;
  GstPeerJSConnectionType type;
  gchar *label;                 /* data: the channel's label */
  GstPeerJSSerialization serialization; /* data */
  gboolean reliable;            /* data: an ordered channel */
  JsonNode *metadata;           /* our OFFER's */
  gchar *offer_sdp;             /* the remote OFFER (answering) */
  guint serial;                 /* names the elements */
  guint twcc_ext_id;            /* 0: the remote does not do TWCC */
  guint liveness_timeout;       /* ms; set before start() */

  /* set by start(), read-only afterwards; freed at finalize */
  GstElement *webrtc;
  GstPeerJSReports *reports;    /* about what we send */
  gint64 start_time;            /* monotonic, us */

  GMutex lock;
  GCond cond;
  /* serializes exposing a decoded pad (list + pad-added) with taking the
   * pads down (remove_elements: list + pad-removed); taken before lock */
  GMutex expose_lock;
  GstPeerJSConnectionState state;
  gboolean started, closing;
  GPtrArray *send_branches;     /* SendBranch, written by start() */
  GPtrArray *recv_elements;     /* GstElement, what webrtcbin's pads feed */
  GPtrArray *exposed;           /* ExposedPad */
  GSource *timer;               /* connecting: timeout; connected: liveness */
  GPtrArray *rx_probes;         /* Probe, on webrtcbin's nicesrc */
  gint last_rx;                 /* atomic: clock_ms () of the remote's last */

  gboolean description_sent;    /* our OFFER/ANSWER went out */
  GPtrArray *local_mids;        /* of our description, by m-line */
  GPtrArray *pending_local;     /* CANDIDATE messages waiting for it */

  gboolean answered;            /* the remote ANSWER came (calling) */
  gboolean remote_set;
  GstSDPMessage *remote_sdp;    /* written before remote_set, then fixed */
  GPtrArray *pending_remote;    /* RemoteCandidate waiting for it */
  guint remote_candidates;      /* taken so far, up to MAX_REMOTE_CANDIDATES */

  /* media: PeerJS' aux channel; data: the connection's channel */
  GstWebRTCDataChannel *aux;
  gboolean aux_closed;
  guint pending_ops;            /* webrtcbin promises not replied yet */
  GstPeerJSDataChannel *data;   /* data: the PeerJS side of aux */
};

#define gst_peerjs_connection_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstPeerJSConnection, gst_peerjs_connection,
    GST_TYPE_OBJECT, GST_DEBUG_CATEGORY_INIT (peerjs_connection_debug,
        "peerjsconnection", 0, "PeerJS media connection"));

GType
gst_peerjs_connection_state_get_type (void)
{
  static const GEnumValue values[] = {
    {GST_PEERJS_CONNECTION_STATE_NEW, "New", "new"},
    {GST_PEERJS_CONNECTION_STATE_CONNECTING, "Connecting", "connecting"},
    {GST_PEERJS_CONNECTION_STATE_CONNECTED, "Connected", "connected"},
    {GST_PEERJS_CONNECTION_STATE_DISCONNECTED, "Disconnected",
        "disconnected"},
    {GST_PEERJS_CONNECTION_STATE_FAILED, "Failed", "failed"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id))
    g_once_init_leave (&id,
        g_enum_register_static ("GstPeerJSConnectionState", values));
  return id;
}

const gchar *
gst_peerjs_connection_state_name (GstPeerJSConnectionState s)
{
  switch (s) {
    case GST_PEERJS_CONNECTION_STATE_NEW:
      return "new";
    case GST_PEERJS_CONNECTION_STATE_CONNECTING:
      return "connecting";
    case GST_PEERJS_CONNECTION_STATE_CONNECTED:
      return "connected";
    case GST_PEERJS_CONNECTION_STATE_DISCONNECTED:
      return "disconnected";
    case GST_PEERJS_CONNECTION_STATE_FAILED:
      return "failed";
  }
  return "unknown";
}

static const gchar *
kind_name (GstPeerJSTrackKind kind)
{
  return kind == GST_PEERJS_TRACK_VIDEO ? "video" : "audio";
}

static gint
ms_since_start (GstPeerJSConnection * self)
{
  return (gint) ((g_get_monotonic_time () - self->start_time) / 1000);
}

static void
send_branch_free (SendBranch * b)
{
  g_free (b->profile_level_id);
  gst_clear_object (&b->tee_pad);
  gst_clear_object (&b->queue);
  gst_clear_object (&b->payloader);
  gst_clear_object (&b->capsfilter);
  gst_clear_object (&b->webrtc_pad);
  g_free (b);
}

static void
exposed_pad_free (ExposedPad * e)
{
  gst_object_unref (e->pad);
  gst_object_unref (e->tee);
  g_free (e);
}

static void
remote_candidate_free (RemoteCandidate * c)
{
  g_free (c->mid);
  g_free (c->candidate);
  g_free (c);
}

/* ---- state ---- */

typedef struct
{
  GstPeerJSConnection *conn;
  GstPeerJSConnectionState state;
  gchar *reason;
} StateEmission;

static void
state_emission_free (StateEmission * e)
{
  gst_object_unref (e->conn);
  g_free (e->reason);
  g_free (e);
}

static gboolean
emit_state_cb (gpointer user_data)
{
  StateEmission *e = user_data;

  g_signal_emit (e->conn, connection_signals[SIGNAL_STATE_CHANGED], 0,
      e->state, e->reason);
  return G_SOURCE_REMOVE;
}

/* Queued on the context, never run in place: the handlers see the states in
 * the order they happened, on a thread where they may close us. */
static void
schedule_state_emission (GstPeerJSConnection * self,
    GstPeerJSConnectionState state, const gchar * reason)
{
  StateEmission *e = g_new0 (StateEmission, 1);
  GSource *source = g_idle_source_new ();

  e->conn = gst_object_ref (self);
  e->state = state;
  e->reason = g_strdup (reason);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_state_cb, e,
      (GDestroyNotify) state_emission_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static gboolean
state_is_final (GstPeerJSConnectionState s)
{
  return s == GST_PEERJS_CONNECTION_STATE_DISCONNECTED
      || s == GST_PEERJS_CONNECTION_STATE_FAILED;
}

static void
destroy_source (GSource * source)
{
  if (source) {
    g_source_destroy (source);
    g_source_unref (source);
  }
}

/* Moves to @state if that is a step forward; TRUE if it did. */
static gboolean
set_state (GstPeerJSConnection * self, GstPeerJSConnectionState state,
    const gchar * reason)
{
  GstPeerJSConnectionState old;
  GSource *timer = NULL;

  g_mutex_lock (&self->lock);
  old = self->state;
  if (old == state || state_is_final (old)
      || (state == GST_PEERJS_CONNECTION_STATE_CONNECTED
          && old != GST_PEERJS_CONNECTION_STATE_CONNECTING)) {
    g_mutex_unlock (&self->lock);
    return FALSE;
  }
  self->state = state;
  /* each state has its own timer, if any */
  timer = self->timer;
  self->timer = NULL;
  g_mutex_unlock (&self->lock);

  destroy_source (timer);
  GST_INFO_OBJECT (self, "%s -> %s (%s) after %d ms",
      gst_peerjs_connection_state_name (old),
      gst_peerjs_connection_state_name (state), reason, ms_since_start (self));
  schedule_state_emission (self, state, reason);
  return TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  GstPeerJSConnection *self = user_data;
  gboolean connecting;

  g_mutex_lock (&self->lock);
  connecting = self->state == GST_PEERJS_CONNECTION_STATE_CONNECTING;
  g_mutex_unlock (&self->lock);

  if (connecting) {
    GST_WARNING_OBJECT (self, "not connected after %u ms", self->timeout_ms);
    set_state (self, GST_PEERJS_CONNECTION_STATE_FAILED, "timeout");
  }
  return G_SOURCE_REMOVE;
}

/* Runs @func on the context every @interval_ms while the connection stays
 * in @state. */
static void
arm_timer (GstPeerJSConnection * self, GstPeerJSConnectionState state,
    guint interval_ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (interval_ms);
  gboolean armed = FALSE;

  g_source_set_callback (source, func, gst_object_ref (self), gst_object_unref);
  g_mutex_lock (&self->lock);
  if (self->state == state && !self->closing && !self->timer) {
    self->timer = g_source_ref (source);
    g_source_attach (source, self->context);
    armed = TRUE;
  }
  g_mutex_unlock (&self->lock);
  if (!armed)
    g_source_destroy (source);
  g_source_unref (source);
}

/* Milliseconds, wrapping every 49 days: differences stay right. */
static guint32
clock_ms (void)
{
  return (guint32) (g_get_monotonic_time () / 1000);
}

static gboolean sends (GstPeerJSConnection * self, GstPeerJSTrackKind kind);

static gboolean
on_liveness_check (gpointer user_data)
{
  GstPeerJSConnection *self = user_data;
  guint32 silent = clock_ms () - (guint32) g_atomic_int_get (&self->last_rx);

  /* the same once-a-second tick paces the video we send to what the path
   * carries (gstpeerjsbwe.c): a room's calls always watch liveness */
  if (sends (self, GST_PEERJS_TRACK_VIDEO))
    gst_peerjs_bwe_poll (self, self->fanout);
  if (silent < self->liveness_timeout)
    return G_SOURCE_CONTINUE;
  GST_WARNING_OBJECT (self, "nothing from the remote for %u ms", silent);
  set_state (self, GST_PEERJS_CONNECTION_STATE_FAILED, "remote-lost");
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
rx_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstPeerJSConnection *self = user_data;

  g_atomic_int_set (&self->last_rx, (gint) clock_ms ());
  return GST_PAD_PROBE_OK;
}

static void
watch_nicesrc (const GValue * value, gpointer user_data)
{
  GstPeerJSConnection *self = user_data;
  GstElement *element = g_value_get_object (value);
  GstElementFactory *factory = gst_element_get_factory (element);
  Probe *probe;

  if (!factory || g_strcmp0 (GST_OBJECT_NAME (factory), "nicesrc") != 0)
    return;
  probe = g_new0 (Probe, 1);
  probe->pad = gst_element_get_static_pad (element, "src");
  if (!probe->pad) {
    g_free (probe);
    return;
  }
  probe->id = gst_pad_add_probe (probe->pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, rx_probe, self, NULL);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->rx_probes, probe);
  g_mutex_unlock (&self->lock);
}

/* What arrives from the remote passes webrtcbin's nicesrc (STUN stays
 * inside libnice): its time tells whether the remote is still there. */
static void
watch_liveness (GstPeerJSConnection * self)
{
  GstIterator *it;

  if (!self->liveness_timeout)
    return;
  g_atomic_int_set (&self->last_rx, (gint) clock_ms ());
  it = gst_bin_iterate_recurse (GST_BIN (self->webrtc));
  while (gst_iterator_foreach (it, watch_nicesrc, self) == GST_ITERATOR_RESYNC)
    gst_iterator_resync (it);
  gst_iterator_free (it);
  arm_timer (self, GST_PEERJS_CONNECTION_STATE_CONNECTED, LIVENESS_CHECK_MS,
      on_liveness_check);
}

static void
remove_rx_probes (GstPeerJSConnection * self)
{
  GPtrArray *probes;
  guint i;

  g_mutex_lock (&self->lock);
  probes = self->rx_probes;
  self->rx_probes = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);

  for (i = 0; i < probes->len; i++) {
    Probe *probe = g_ptr_array_index (probes, i);

    gst_pad_remove_probe (probe->pad, probe->id);
    gst_object_unref (probe->pad);
    g_free (probe);
  }
  g_ptr_array_unref (probes);
}

static void
fail (GstPeerJSConnection * self, const gchar * reason, const gchar * what)
{
  GST_WARNING_OBJECT (self, "%s: %s", reason, what);
  set_state (self, GST_PEERJS_CONNECTION_STATE_FAILED, reason);
}

/* ---- signalling out ---- */

static void
emit_message (GstPeerJSConnection * self, GstPeerJSMessage * msg)
{
  GST_DEBUG_OBJECT (self, "sending %s to '%s'", msg->type_name, msg->dst);
  g_signal_emit (self, connection_signals[SIGNAL_SEND_MESSAGE], 0, msg);
  gst_peerjs_message_free (msg);
}

static GPtrArray *
mids_of (const GstSDPMessage * sdp)
{
  GPtrArray *mids = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    g_ptr_array_add (mids, g_strdup (gst_sdp_media_get_attribute_val
            (gst_sdp_message_get_media (sdp, i), "mid")));
  return mids;
}

/* The OFFER/ANSWER went out: the candidates held back may follow. */
static void
description_sent (GstPeerJSConnection * self)
{
  GPtrArray *held;
  guint i;

  g_mutex_lock (&self->lock);
  self->description_sent = TRUE;
  held = self->pending_local;
  self->pending_local = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_peerjs_message_free);
  g_mutex_unlock (&self->lock);

  /* emit_message() frees them */
  g_ptr_array_set_free_func (held, NULL);
  for (i = 0; i < held->len; i++)
    emit_message (self, g_ptr_array_index (held, i));
  g_ptr_array_unref (held);
}

static void
on_ice_candidate (GstElement * webrtc, guint mline, const gchar * candidate,
    GstPeerJSConnection * self)
{
  GstPeerJSMessage *msg;
  const gchar *mid = NULL;

  /* PeerJS never sends end-of-candidates */
  if (!candidate || !*candidate)
    return;

  g_mutex_lock (&self->lock);
  if (self->local_mids && mline < self->local_mids->len)
    mid = g_ptr_array_index (self->local_mids, mline);
  msg = gst_peerjs_message_new_candidate (self->remote_id,
      self->type, self->connection_id, candidate, mid, (gint) mline);
  if (!self->description_sent) {
    /* a candidate before its OFFER is lost at the browser */
    g_ptr_array_add (self->pending_local, msg);
    msg = NULL;
  }
  g_mutex_unlock (&self->lock);

  if (msg)
    emit_message (self, msg);
}

/* Every promise we give webrtcbin is counted until it is replied: closing
 * waits for them, because webrtcbin 1.22 frees an operation still queued
 * when it stops without replying to its promise (a critical warning). */
typedef struct
{
  GstPeerJSConnection *conn;
  GstPromiseChangeFunc func;
  gboolean done;
} PromiseOp;

/* One counted operation is over (replied, or dropped): close() may stop
 * waiting for it. Once per operation, whatever calls it first. */
static void
count_op_done (GstPeerJSConnection * conn, gboolean * done)
{
  if (*done)
    return;
  *done = TRUE;
  g_mutex_lock (&conn->lock);
  conn->pending_ops--;
  g_cond_broadcast (&conn->cond);
  g_mutex_unlock (&conn->lock);
}

static void
promise_op_finish (PromiseOp * op)
{
  count_op_done (op->conn, &op->done);
}

static void
promise_op_free (PromiseOp * op)
{
  promise_op_finish (op);
  gst_object_unref (op->conn);
  g_free (op);
}

static void
promise_replied (GstPromise * promise, gpointer user_data)
{
  PromiseOp *op = user_data;

  op->func (promise, op->conn);
  promise_op_finish (op);
}

static GstPromise *
new_promise (GstPeerJSConnection * self, GstPromiseChangeFunc func)
{
  PromiseOp *op = g_new0 (PromiseOp, 1);

  op->conn = gst_object_ref (self);
  op->func = func;
  g_mutex_lock (&self->lock);
  self->pending_ops++;
  g_mutex_unlock (&self->lock);
  return gst_promise_new_with_change_func (promise_replied, op,
      (GDestroyNotify) promise_op_free);
}

/* Waits (bounded) until webrtcbin has replied to every promise. */
static void
wait_for_promises (GstPeerJSConnection * self)
{
  gint64 end = g_get_monotonic_time () + PROMISE_WAIT_MS * 1000;

  g_mutex_lock (&self->lock);
  while (self->pending_ops > 0)
    if (!g_cond_wait_until (&self->cond, &self->lock, end))
      break;
  if (self->pending_ops > 0)
    GST_WARNING_OBJECT (self, "%u webrtcbin operations still pending",
        self->pending_ops);
  g_mutex_unlock (&self->lock);
}

/* The OFFER or ANSWER webrtcbin created: apply it, send it. */
static GstPadProbeReturn
drop_media (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  return GST_PAD_PROBE_DROP;
}

/* The direction an m-line states (sendrecv when it states none). */
static const gchar *
media_direction (const GstSDPMedia * media)
{
  static const gchar *directions[] = { "sendonly", "recvonly", "inactive" };
  guint i, d;

  for (i = 0; i < gst_sdp_media_attributes_len (media); i++) {
    const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);

    for (d = 0; d < G_N_ELEMENTS (directions); d++)
      if (g_strcmp0 (a->key, directions[d]) == 0)
        return directions[d];
  }
  return "sendrecv";
}

/* webrtcbin 1.22 sends on every transceiver whatever was negotiated; a
 * remote that does not receive (a peerjssink answering our sendrecv
 * offer, a sink's sendonly offer we answer) must get nothing: its
 * webrtcbin has no pad for that RTP and errors out ("not-linked" from its
 * nicesrc), and it is wasted bandwidth. Called with the answer, before any
 * media flows; @ours: the answer is ours. */
static void
stop_unwanted_branches (GstPeerJSConnection * self, const GstSDPMessage * sdp,
    gboolean ours)
{
  guint i, m;

  /* a PeerJS call has at most one audio and one video m-line: the kind
   * finds it (webrtcbin only numbers the transceivers later) */
  for (i = 0; i < self->send_branches->len; i++) {
    SendBranch *b = g_ptr_array_index (self->send_branches, i);

    for (m = 0; b->webrtc_pad && m < gst_sdp_message_medias_len (sdp); m++) {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, m);
      const gchar *dir;

      if (g_strcmp0 (gst_sdp_media_get_media (media), kind_name (b->kind)))
        continue;
      dir = media_direction (media);
      if (g_str_equal (dir, "inactive")
          || g_str_equal (dir, ours ? "recvonly" : "sendonly")) {
        GST_INFO_OBJECT (self, "the remote does not receive our %s (%s): "
            "not sending it", kind_name (b->kind), dir);
        gst_pad_add_probe (b->webrtc_pad, GST_PAD_PROBE_TYPE_BUFFER |
            GST_PAD_PROBE_TYPE_BUFFER_LIST, drop_media, NULL, NULL);
      }
      break;
    }
  }
}

static void
send_description (GstPeerJSConnection * self, GstPromise * promise,
    const gchar * field)
{
  GstWebRTCSessionDescription *desc = NULL;
  const GstStructure *reply;
  GstPeerJSMessage *msg;
  GError *error = NULL;
  gboolean closing;
  gchar *text;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    return;
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL)) {
    fail (self, "negotiation-failed", error->message);
    g_error_free (error);
    return;
  }
  if (!reply || !gst_structure_get (reply, field,
          GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, NULL) || !desc) {
    fail (self, "negotiation-failed", "webrtcbin gave no description");
    return;
  }

  g_mutex_lock (&self->lock);
  closing = self->closing;
  if (!closing) {
    g_clear_pointer (&self->local_mids, g_ptr_array_unref);
    self->local_mids = mids_of (desc->sdp);
  }
  g_mutex_unlock (&self->lock);
  if (closing) {
    gst_webrtc_session_description_free (desc);
    return;
  }

  if (!self->outgoing && self->type == GST_PEERJS_CONNECTION_MEDIA)
    stop_unwanted_branches (self, desc->sdp, TRUE);
  text = gst_sdp_message_as_text (desc->sdp);
  GST_LOG_OBJECT (self, "our %s:\n%s", field, text);
  g_signal_emit_by_name (self->webrtc, "set-local-description", desc, NULL);
  gst_webrtc_session_description_free (desc);

  if (self->outgoing) {
    msg = gst_peerjs_message_new_offer (self->remote_id, self->type,
        self->connection_id, text);
    if (self->metadata)
      msg->metadata = json_node_copy (self->metadata);
    if (self->type == GST_PEERJS_CONNECTION_DATA) {
      msg->label = g_strdup (self->label);
      msg->reliable = self->reliable;
      msg->serialization =
          g_strdup (gst_peerjs_serialization_to_string (self->serialization));
    }
  } else {
    msg = gst_peerjs_message_new_answer (self->remote_id, self->type,
        self->connection_id, text);
  }
  g_free (text);
  GST_INFO_OBJECT (self, "%s ready after %d ms", field, ms_since_start (self));
  emit_message (self, msg);
  description_sent (self);
}

static void
on_offer_created (GstPromise * promise, gpointer user_data)
{
  send_description (user_data, promise, "offer");
}

static void
on_answer_created (GstPromise * promise, gpointer user_data)
{
  send_description (user_data, promise, "answer");
}

/* ---- signalling in ---- */

static gint
mline_of_mid (const GstSDPMessage * sdp, const gchar * mid)
{
  guint i;

  for (i = 0; sdp && mid && i < gst_sdp_message_medias_len (sdp); i++) {
    if (g_strcmp0 (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media
                (sdp, i), "mid"), mid) == 0)
      return i;
  }
  return -1;
}

static void
add_remote_candidate (GstPeerJSConnection * self, RemoteCandidate * c)
{
  gint mline = c->mline;

  if (mline < 0)
    mline = mline_of_mid (self->remote_sdp, c->mid);
  if (mline < 0) {
    GST_WARNING_OBJECT (self, "dropping a candidate for unknown mid '%s'",
        GST_STR_NULL (c->mid));
    return;
  }
  GST_LOG_OBJECT (self, "remote candidate %d: %s", mline, c->candidate);
  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", (guint) mline,
      c->candidate);
}

/* The remote description is in place: the candidates held back may go. */
static void
remote_description_set (GstPeerJSConnection * self)
{
  GPtrArray *held;
  guint i;

  g_mutex_lock (&self->lock);
  self->remote_set = TRUE;
  held = self->pending_remote;
  self->pending_remote =
      g_ptr_array_new_with_free_func ((GDestroyNotify) remote_candidate_free);
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "remote description set, %u candidates held",
      held->len);
  for (i = 0; i < held->len; i++)
    add_remote_candidate (self, g_ptr_array_index (held, i));
  g_ptr_array_unref (held);
}

static gboolean
promise_failed (GstPeerJSConnection * self, GstPromise * promise)
{
  const GstStructure *reply;
  GError *error = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    return TRUE;
  reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_get (reply, "error", G_TYPE_ERROR, &error, NULL)) {
    fail (self, "negotiation-failed", error->message);
    g_error_free (error);
    return TRUE;
  }
  return FALSE;
}

static gboolean
is_closing (GstPeerJSConnection * self)
{
  gboolean closing;

  g_mutex_lock (&self->lock);
  closing = self->closing;
  g_mutex_unlock (&self->lock);
  return closing;
}

static void
on_remote_offer_set (GstPromise * promise, gpointer user_data)
{
  GstPeerJSConnection *self = user_data;
  GstPromise *next;

  if (promise_failed (self, promise) || is_closing (self))
    return;
  remote_description_set (self);

  next = new_promise (self, on_answer_created);
  g_signal_emit_by_name (self->webrtc, "create-answer", NULL, next);
  gst_promise_unref (next);
}

static void
on_remote_answer_set (GstPromise * promise, gpointer user_data)
{
  GstPeerJSConnection *self = user_data;

  if (promise_failed (self, promise) || is_closing (self))
    return;
  remote_description_set (self);
}

/* Whether @sdp looks like WebRTC: GstSDP's parser takes any text, so
 * garbage would only fail later, inside webrtcbin. Each m-line is audio,
 * video or application with a protocol and a format, and has ICE
 * credentials (its own or the session's). */
static gboolean
sdp_is_usable (const GstSDPMessage * sdp)
{
  gboolean session_ice = gst_sdp_message_get_attribute_val (sdp,
      "ice-ufrag") != NULL;
  guint i, n = gst_sdp_message_medias_len (sdp);

  for (i = 0; i < n; i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);
    const gchar *kind = gst_sdp_media_get_media (media);

    if (g_strcmp0 (kind, "audio") != 0 && g_strcmp0 (kind, "video") != 0
        && g_strcmp0 (kind, "application") != 0)
      return FALSE;
    if (!gst_sdp_media_get_proto (media)
        || gst_sdp_media_formats_len (media) == 0)
      return FALSE;
    if (!session_ice && !gst_sdp_media_get_attribute_val (media, "ice-ufrag"))
      return FALSE;
  }
  return n > 0;
}

static GstWebRTCSessionDescription *
parse_description (GstWebRTCSDPType type, const gchar * text)
{
  GstSDPMessage *sdp;

  if (gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    return NULL;
  if (!sdp_is_usable (sdp)) {
    gst_sdp_message_free (sdp);
    return NULL;
  }
  return gst_webrtc_session_description_new (type, sdp);
}

gboolean
gst_peerjs_connection_offer_is_usable (const gchar * sdp)
{
  GstWebRTCSessionDescription *desc;

  if (!sdp || !(desc = parse_description (GST_WEBRTC_SDP_TYPE_OFFER, sdp)))
    return FALSE;
  gst_webrtc_session_description_free (desc);
  return TRUE;
}

/* Hands @desc to webrtcbin; @done runs when it is applied. */
static void
apply_remote_description (GstPeerJSConnection * self,
    GstWebRTCSessionDescription * desc, GstPromiseChangeFunc done)
{
  GstPromise *promise = new_promise (self, done);
  GstSDPMessage *copy;

  gst_sdp_message_copy (desc->sdp, &copy);
  g_mutex_lock (&self->lock);
  if (self->remote_sdp)
    gst_sdp_message_free (self->remote_sdp);
  self->remote_sdp = copy;
  g_mutex_unlock (&self->lock);

  g_signal_emit_by_name (self->webrtc, "set-remote-description", desc, promise);
  gst_promise_unref (promise);
}

static void
handle_answer (GstPeerJSConnection * self, const GstPeerJSMessage * msg)
{
  GstWebRTCSessionDescription *desc;
  gboolean ignore;

  g_mutex_lock (&self->lock);
  ignore = !self->outgoing || !self->started || self->answered || self->closing;
  self->answered = TRUE;
  g_mutex_unlock (&self->lock);

  if (ignore) {
    GST_WARNING_OBJECT (self, "ignoring an unexpected ANSWER");
    return;
  }
  GST_INFO_OBJECT (self, "ANSWER after %d ms", ms_since_start (self));
  GST_LOG_OBJECT (self, "their answer:\n%s", msg->sdp);

  if (!msg->sdp || !(desc = parse_description (GST_WEBRTC_SDP_TYPE_ANSWER,
              msg->sdp))) {
    fail (self, "negotiation-failed", "unreadable SDP in the ANSWER");
    return;
  }
  if (self->type == GST_PEERJS_CONNECTION_MEDIA)
    stop_unwanted_branches (self, desc->sdp, FALSE);
  apply_remote_description (self, desc, on_remote_answer_set);
  gst_webrtc_session_description_free (desc);
}

static void
handle_candidate (GstPeerJSConnection * self, const GstPeerJSMessage * msg)
{
  RemoteCandidate *c;
  gboolean apply = FALSE, connected;
  guint taken;

  if (!msg->candidate || !*msg->candidate)
    return;

  g_mutex_lock (&self->lock);
  taken = self->remote_candidates;
  if (taken <= MAX_REMOTE_CANDIDATES)
    self->remote_candidates++;
  connected = self->state == GST_PEERJS_CONNECTION_STATE_CONNECTED;
  g_mutex_unlock (&self->lock);
  if (taken >= MAX_REMOTE_CANDIDATES) {
    /* said once, the rest of the flood is dropped quietly */
    if (taken == MAX_REMOTE_CANDIDATES)
      GST_WARNING_OBJECT (self, "too many remote candidates (more than %u), "
          "dropping the rest", MAX_REMOTE_CANDIDATES);
    return;
  }
  /* Connected: a pair works, and with no ICE restart a new candidate
   * cannot help. Bogus ones (a hostile server relays a flood for a live
   * call) would only give libnice pairs to check and keep: uncapped, all
   * 20000 of elements/peerjshostile's flood reached it. */
  if (connected) {
    GST_DEBUG_OBJECT (self, "connected: ignoring a late remote candidate");
    return;
  }

  c = g_new0 (RemoteCandidate, 1);
  c->mline = msg->sdp_mline_index;
  c->mid = g_strdup (msg->sdp_mid);
  c->candidate = g_strdup (msg->candidate);

  g_mutex_lock (&self->lock);
  if (self->closing) {
    remote_candidate_free (c);
    c = NULL;
  } else if (!self->remote_set) {
    g_ptr_array_add (self->pending_remote, c);
    c = NULL;
  } else {
    apply = TRUE;
  }
  g_mutex_unlock (&self->lock);

  if (apply) {
    add_remote_candidate (self, c);
    remote_candidate_free (c);
  }
}

void
gst_peerjs_connection_handle_message (GstPeerJSConnection * self,
    const GstPeerJSMessage * msg)
{
  g_return_if_fail (GST_IS_PEERJS_CONNECTION (self));
  g_return_if_fail (msg != NULL);

  switch (msg->type) {
    case GST_PEERJS_MESSAGE_ANSWER:
      handle_answer (self, msg);
      break;
    case GST_PEERJS_MESSAGE_CANDIDATE:
      handle_candidate (self, msg);
      break;
    default:
      GST_INFO_OBJECT (self, "ignoring %s", msg->type_name);
      break;
  }
}

/* ---- ICE and DTLS state, the aux channel ---- */

static void
on_connected (GstPeerJSConnection * self)
{
  if (!set_state (self, GST_PEERJS_CONNECTION_STATE_CONNECTED, "connected"))
    return;
  watch_liveness (self);
  /* the remote decodes nothing before a keyframe; the last one may be
   * seconds old */
  if (self->fanout && self->send && self->type == GST_PEERJS_CONNECTION_MEDIA)
    gst_peerjs_fanout_request_keyframe (self->fanout);
}

static void
on_connection_state (GstElement * webrtc, GParamSpec * pspec,
    GstPeerJSConnection * self)
{
  GstWebRTCPeerConnectionState state;

  g_object_get (webrtc, "connection-state", &state, NULL);
  GST_DEBUG_OBJECT (self, "peer connection state %d", state);
  /* connected = ICE connected and DTLS up */
  if (state == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED)
    on_connected (self);
  else if (state == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED)
    set_state (self, GST_PEERJS_CONNECTION_STATE_FAILED, "ice-failed");
}

static void
on_ice_connection_state (GstElement * webrtc, GParamSpec * pspec,
    GstPeerJSConnection * self)
{
  GstWebRTCICEConnectionState state;

  g_object_get (webrtc, "ice-connection-state", &state, NULL);
  GST_DEBUG_OBJECT (self, "ICE connection state %d", state);
  /* "disconnected" may come back, and browsers ignore it too */
  if (state == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    set_state (self, GST_PEERJS_CONNECTION_STATE_FAILED, "ice-failed");
  else if (state == GST_WEBRTC_ICE_CONNECTION_STATE_CLOSED
      && !is_closing (self))
    set_state (self, GST_PEERJS_CONNECTION_STATE_DISCONNECTED, "remote-hangup");
}

static void
on_aux_close (GstWebRTCDataChannel * channel, GstPeerJSConnection * self)
{
  gboolean closing;

  g_mutex_lock (&self->lock);
  self->aux_closed = TRUE;
  closing = self->closing;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  /* PeerJS' hang-up: the remote closed the channel (or its connection) */
  if (!closing)
    set_state (self, GST_PEERJS_CONNECTION_STATE_DISCONNECTED, "remote-hangup");
}

static void
on_aux_open (GstWebRTCDataChannel * channel, GstPeerJSConnection * self)
{
  GST_DEBUG_OBJECT (self, "aux channel open after %d ms",
      ms_since_start (self));
}

static void
keep_aux_channel (GstPeerJSConnection * self, GstWebRTCDataChannel * channel)
{
  g_signal_connect (channel, "on-close", G_CALLBACK (on_aux_close), self);
  g_signal_connect (channel, "on-open", G_CALLBACK (on_aux_open), self);
  g_mutex_lock (&self->lock);
  self->aux = channel;
  g_mutex_unlock (&self->lock);

  /* before the channel can open, so that the owner sees every message */
  if (self->type == GST_PEERJS_CONNECTION_DATA) {
    GstPeerJSDataChannel *data = gst_peerjs_data_channel_new (channel,
        self->serialization);

    g_mutex_lock (&self->lock);
    self->data = gst_object_ref (data);
    g_mutex_unlock (&self->lock);
    g_signal_emit (self, connection_signals[SIGNAL_DATA_CHANNEL], 0, data);
    gst_object_unref (data);
  }
}

/* The caller's aux channel (answering). Any label will do, as in peerjs. */
static void
on_data_channel (GstElement * webrtc, GstWebRTCDataChannel * channel,
    GstPeerJSConnection * self)
{
  gboolean have;
  gchar *label = NULL;

  g_object_get (channel, "label", &label, NULL);
  g_mutex_lock (&self->lock);
  have = self->aux != NULL;
  g_mutex_unlock (&self->lock);

  GST_DEBUG_OBJECT (self, "data channel '%s'%s", GST_STR_NULL (label),
      have ? " (not the first, ignored)" : "");
  g_free (label);
  if (!have)
    keep_aux_channel (self, g_object_ref (channel));
}

/* Media calls: the aux channel; data connections: the channel itself,
 * never negotiated, always reliable, ordered only when asked (as peerjs
 * creates it). */
static gboolean
create_aux_channel (GstPeerJSConnection * self, GError ** error)
{
  gboolean data = self->type == GST_PEERJS_CONNECTION_DATA;
  GstStructure *options = gst_structure_new ("application/data-channel",
      "ordered", G_TYPE_BOOLEAN, data && self->reliable, NULL);
  GstWebRTCDataChannel *channel = NULL;

  g_signal_emit_by_name (self->webrtc, "create-data-channel",
      data ? self->label : AUX_CHANNEL_LABEL, options, &channel);
  gst_structure_free (options);
  if (!channel) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "webrtcbin could not create the data channel");
    return FALSE;
  }
  keep_aux_channel (self, channel);
  return TRUE;
}

/* ---- receiving ---- */

static gchar *
element_name (GstPeerJSConnection * self, const gchar * what)
{
  return g_strdup_printf ("pjc%u-%s", self->serial, what);
}

static GstElement *
make_element (GstPeerJSConnection * self, const gchar * factory,
    const gchar * what)
{
  gchar *name = what ? element_name (self, what) : NULL;
  GstElement *e = gst_element_factory_make (factory, name);

  g_free (name);
  if (!e)
    GST_ERROR_OBJECT (self, "GStreamer element '%s' is missing", factory);
  return e;
}

/* Drops an element that never made it into the bin. */
static void
discard (GstElement * element)
{
  if (element)
    gst_object_unref (gst_object_ref_sink (element));
}

/* Adds @element to the bin and to the receive side; FALSE when closing,
 * then the element goes again. */
static gboolean
add_recv_element (GstPeerJSConnection * self, GstElement * element)
{
  gboolean closing;

  g_mutex_lock (&self->lock);
  closing = self->closing;
  if (!closing)
    g_ptr_array_add (self->recv_elements, gst_object_ref (element));
  g_mutex_unlock (&self->lock);

  if (closing) {
    discard (element);
    return FALSE;
  }
  gst_bin_add (self->bin, element);
  return TRUE;
}

static GstPadProbeReturn
first_frame_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstPeerJSConnection *self = user_data;

  GST_INFO_OBJECT (self, "first decoded frame after %d ms",
      ms_since_start (self));
  return GST_PAD_PROBE_REMOVE;
}

/* webrtcbin decides nothing about what the remote sends us: a depayloader
 * that asks for a keyframe after a loss, and waits for it, spares the user
 * seconds of smeared picture. */
static void
on_decoder_element (GstBin * decodebin, GstBin * sub_bin, GstElement * element,
    GstPeerJSConnection * self)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (element);

  GstElementFactory *f = gst_element_get_factory (element);

  if (g_object_class_find_property (klass, "request-keyframe")
      && g_object_class_find_property (klass, "wait-for-keyframe"))
    g_object_set (element, "request-keyframe", TRUE, "wait-for-keyframe",
        TRUE, NULL);
  /* libvpx's decoding threads wait for each other spinning (0 here means
   * one per core): a mesh decodes a stream per member in parallel
   * anyway, and on two cores the spinning starved everything else
   * (gstpeerjsfanout.c, encoder_threads) */
  if (f && g_str_equal (GST_OBJECT_NAME (f), "vp8dec"))
    g_object_set (element, "threads", 1, NULL);
}

/* Software decoders only: a hardware decoder's output (VAMemory…) is not
 * what a plain convert takes, and its availability varies per machine. */
static gint
on_autoplug_select (GstElement * decodebin, GstPad * pad, GstCaps * caps,
    GstElementFactory * factory, GstPeerJSConnection * self)
{
  const gchar *klass = gst_element_factory_get_metadata (factory,
      GST_ELEMENT_METADATA_KLASS);

  if (klass && strstr (klass, "Hardware"))
    return AUTOPLUG_SELECT_SKIP;
  return AUTOPLUG_SELECT_TRY;
}

static gboolean
kind_of_caps (GstCaps * caps, GstPeerJSTrackKind * kind)
{
  const gchar *name;

  if (!caps || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return FALSE;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (g_str_has_prefix (name, "video/"))
    *kind = GST_PEERJS_TRACK_VIDEO;
  else if (g_str_has_prefix (name, "audio/"))
    *kind = GST_PEERJS_TRACK_AUDIO;
  else
    return FALSE;
  return TRUE;
}

/* convert ! tee, in the bin and running; returns the first element. */
static GstElement *
build_output_chain (GstPeerJSConnection * self, GstPeerJSTrackKind kind,
    GstElement ** tee_out)
{
  GstElement *convert, *resample = NULL, *tee;

  if (kind == GST_PEERJS_TRACK_VIDEO) {
    convert = make_element (self, "videoconvert", NULL);
  } else {
    convert = make_element (self, "audioconvert", NULL);
    resample = make_element (self, "audioresample", NULL);
  }
  tee = make_element (self, "tee", NULL);
  if (!convert || !tee || (kind == GST_PEERJS_TRACK_AUDIO && !resample)) {
    discard (convert);
    discard (resample);
    discard (tee);
    return NULL;
  }
  /* the owner may leave the pad unlinked: never an error */
  g_object_set (tee, "allow-not-linked", TRUE, NULL);

  if (!add_recv_element (self, tee)) {
    discard (convert);
    discard (resample);
    return NULL;
  }
  if (!add_recv_element (self, convert)) {
    discard (resample);
    return NULL;
  }
  if (resample && !add_recv_element (self, resample))
    return NULL;

  if (resample)
    gst_element_link_many (convert, resample, tee, NULL);
  else
    gst_element_link (convert, tee);
  gst_element_sync_state_with_parent (tee);
  if (resample)
    gst_element_sync_state_with_parent (resample);
  gst_element_sync_state_with_parent (convert);
  *tee_out = tee;
  return convert;
}

/* A decoded stream: give it out through a tee. Streaming thread. */
static void
on_decoded_pad (GstElement * decodebin, GstPad * pad,
    GstPeerJSConnection * self)
{
  GstElement *first, *tee = NULL;
  GstPeerJSTrackKind kind;
  GstPad *sinkpad, *out;
  ExposedPad *exposed;
  GstCaps *caps;
  gboolean known, closing;

  caps = gst_pad_get_current_caps (pad);
  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  known = kind_of_caps (caps, &kind);
  GST_DEBUG_OBJECT (self, "decoded %" GST_PTR_FORMAT, caps);
  gst_clear_caps (&caps);
  if (!known || !(first = build_output_chain (self, kind, &tee)))
    return;

  sinkpad = gst_element_get_static_pad (first, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    GST_WARNING_OBJECT (self, "could not link the decoded %s",
        kind_name (kind));
  gst_object_unref (sinkpad);

  if (kind == GST_PEERJS_TRACK_VIDEO) {
    GstPad *tee_sink = gst_element_get_static_pad (tee, "sink");

    gst_pad_add_probe (tee_sink, GST_PAD_PROBE_TYPE_BUFFER,
        first_frame_probe, gst_object_ref (self), gst_object_unref);
    gst_object_unref (tee_sink);
  }

  out = gst_element_request_pad_simple (tee, "src_%u");
  exposed = g_new0 (ExposedPad, 1);
  exposed->pad = gst_object_ref (out);
  exposed->tee = gst_object_ref (tee);
  /* This runs on a decodebin streaming thread, and the connection may be
   * closing on another one meanwhile: without the expose lock, close
   * could emit pad-removed for this pad before (or while) pad-added is
   * emitted, and the application links a sink to a pad that is already
   * gone (elements/peerjschurn found such orphaned sinks). Once closing,
   * nothing more is exposed (the tee allows not-linked). */
  g_mutex_lock (&self->expose_lock);
  g_mutex_lock (&self->lock);
  closing = self->closing;
  if (!closing)
    g_ptr_array_add (self->exposed, exposed);
  g_mutex_unlock (&self->lock);
  if (closing) {
    g_mutex_unlock (&self->expose_lock);
    GST_DEBUG_OBJECT (self, "closing: %s not exposed", kind_name (kind));
    gst_element_release_request_pad (tee, out);
    exposed_pad_free (exposed);
    gst_object_unref (out);
    return;
  }

  GST_INFO_OBJECT (self, "remote %s after %d ms: %" GST_PTR_FORMAT,
      kind_name (kind), ms_since_start (self), out);
  g_signal_emit (self, connection_signals[SIGNAL_PAD_ADDED], 0, out, kind);
  g_mutex_unlock (&self->expose_lock);
  gst_object_unref (out);
}

static GstElement *
make_decoder (GstPeerJSConnection * self)
{
  GstElement *decodebin = make_element (self, "decodebin", NULL);

  if (!decodebin)
    return NULL;
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_decoded_pad), self);
  g_signal_connect (decodebin, "autoplug-select",
      G_CALLBACK (on_autoplug_select), self);
  g_signal_connect (decodebin, "deep-element-added",
      G_CALLBACK (on_decoder_element), self);
  return decodebin;
}

static GstElement *
make_discarder (GstPeerJSConnection * self)
{
  GstElement *sink = make_element (self, "fakesink", NULL);

  if (sink)
    g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
  return sink;
}

/* A remote stream: its first RTP packet arrived. Streaming thread. */
static void
on_webrtc_pad_added (GstElement * webrtc, GstPad * pad,
    GstPeerJSConnection * self)
{
  GstElement *next;
  GstPad *sinkpad;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  GST_DEBUG_OBJECT (self, "remote stream %" GST_PTR_FORMAT " after %d ms",
      pad, ms_since_start (self));
  /* not receiving (the remote sends anyway): drop it */
  next = self->receive ? make_decoder (self) : make_discarder (self);
  if (!next || !add_recv_element (self, next))
    return;

  gst_element_sync_state_with_parent (next);
  sinkpad = gst_element_get_static_pad (next, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    GST_WARNING_OBJECT (self, "could not link %" GST_PTR_FORMAT, pad);
  gst_object_unref (sinkpad);
}

/* ---- sending ---- */

/* The transceiver sits on the pad once it is requested. */
static void
setup_transceiver (GstPeerJSConnection * self, SendBranch * b)
{
  GstWebRTCRTPTransceiver *trans = NULL;
  GstWebRTCRTPTransceiverDirection dir = self->receive ?
      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV :
      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY;

  g_object_get (b->webrtc_pad, "transceiver", &trans, NULL);
  if (!trans)
    return;
  g_object_set (trans, "direction", dir, NULL);
  /* without it nothing is retransmitted */
  if (b->kind == GST_PEERJS_TRACK_VIDEO)
    g_object_set (trans, "do-nack", TRUE, NULL);
  gst_object_unref (trans);
}

/* With the SSRC fixed here the payloader takes it, and webrtcbin can write
 * the a=ssrc (msid) lines even when it makes the offer before the first
 * buffer: without them a browser puts the track in a stream of its own. */
static GstCaps *
send_caps (GstPeerJSConnection * self, SendBranch * b)
{
  GstCaps *caps = gst_peerjs_fanout_get_rtp_caps (self->fanout, b->kind);

  gst_caps_set_simple (caps, "payload", G_TYPE_INT, b->pt, "ssrc",
      G_TYPE_UINT, b->ssrc, NULL);
  if (self->twcc_ext_id) {
    gchar *field = g_strdup_printf ("extmap-%u", self->twcc_ext_id);

    gst_caps_set_simple (caps, field, G_TYPE_STRING, TWCC_URI, NULL);
    g_free (field);
  }
  return caps;
}

/* The payloader derives H.264's profile-level-id from the SPS; in the
 * SDP it must be the one negotiated (the offer's when answering, else
 * webrtcbin answers recvonly, or ours when calling), and it must not
 * change with the picture size. So the caps webrtcbin sees say what the
 * SDP says; the stream itself is constrained baseline either way. */
static GstPadProbeReturn
h264_caps_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  SendBranch *b = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;
  GstStructure *s;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;

  gst_event_parse_caps (event, &caps);
  caps = gst_caps_copy (caps);
  s = gst_caps_get_structure (caps, 0);
  gst_structure_remove_field (s, "sprop-parameter-sets");
  gst_structure_set (s, "profile-level-id", G_TYPE_STRING,
      b->profile_level_id, "level-asymmetry-allowed", G_TYPE_STRING, "1", NULL);
  GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_caps (caps);
  gst_caps_unref (caps);
  gst_event_unref (event);
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_payloader (GstPeerJSConnection * self, SendBranch * b)
{
  const gchar *name = gst_peerjs_fanout_get_encoding_name (self->fanout,
      b->kind);
  gchar *what = g_strdup_printf ("%s-pay", kind_name (b->kind));
  GstElement *pay;

  if (g_str_equal (name, "VP8")) {
    pay = make_element (self, "rtpvp8pay", what);
    /* what browsers send; a 7-bit id wraps within seconds */
    if (pay)
      gst_util_set_object_arg (G_OBJECT (pay), "picture-id-mode", "15-bit");
  } else if (g_str_equal (name, "H264")) {
    pay = make_element (self, "rtph264pay", what);
    /* SPS/PPS before every keyframe; no waiting to aggregate */
    if (pay) {
      g_object_set (pay, "config-interval", -1, NULL);
      gst_util_set_object_arg (G_OBJECT (pay), "aggregate-mode",
          "zero-latency");
    }
  } else {
    pay = make_element (self, "rtpopuspay", what);
  }
  g_free (what);
  if (pay)
    g_object_set (pay, "pt", b->pt, NULL);
  return pay;
}

static GstElement *
keep (GstElement * element)
{
  return element ? gst_object_ref_sink (element) : NULL;
}

/* The branch keeps a reference to its elements, the bin another. */
/* The branch queue dropped encoded frames: the remote cannot decode what
 * follows (the RTP sequence has no gap to tell it) until a keyframe. */
static void
on_send_queue_overrun (GstElement * queue, GstPeerJSConnection * self)
{
  if (gst_peerjs_connection_get_state (self) !=
      GST_PEERJS_CONNECTION_STATE_CONNECTED)
    return;
  GST_DEBUG_OBJECT (self, "%s dropped frames, asking for a keyframe",
      GST_ELEMENT_NAME (queue));
  gst_peerjs_fanout_request_keyframe (self->fanout);
}

static gboolean
build_send_elements (GstPeerJSConnection * self, SendBranch * b,
    GError ** error)
{
  GstCaps *caps;

  b->queue = keep (make_element (self, "queue", NULL));
  b->payloader = keep (make_payloader (self, b));
  b->capsfilter = keep (make_element (self, "capsfilter", NULL));
  if (!b->queue || !b->payloader || !b->capsfilter) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "an RTP payloader for %s is missing",
        gst_peerjs_fanout_get_encoding_name (self->fanout, b->kind));
    return FALSE;
  }

  /* a branch that cannot send yet must not hold up the shared tee */
  g_object_set (b->queue, "leaky", 2, "max-size-buffers", 0,
      "max-size-bytes", 0, "max-size-time", (guint64) SEND_QUEUE_TIME, NULL);
  if (b->kind == GST_PEERJS_TRACK_VIDEO)
    g_signal_connect (b->queue, "overrun", G_CALLBACK (on_send_queue_overrun),
        self);
  caps = send_caps (self, b);
  g_object_set (b->capsfilter, "caps", caps, NULL);
  gst_caps_unref (caps);
  return TRUE;
}

/* The transceiver offers exactly this (H.264: with the profile, which the
 * caps query alone would not give before the first SPS). */
static void
set_codec_preferences (GstPeerJSConnection * self, SendBranch * b)
{
  GstWebRTCRTPTransceiver *trans = NULL;
  GstCaps *caps = send_caps (self, b);

  gst_caps_set_simple (caps, "profile-level-id", G_TYPE_STRING,
      b->profile_level_id, "level-asymmetry-allowed", G_TYPE_STRING, "1", NULL);
  g_object_get (b->webrtc_pad, "transceiver", &trans, NULL);
  if (trans) {
    g_object_set (trans, "codec-preferences", caps, NULL);
    gst_object_unref (trans);
  }
  gst_caps_unref (caps);
}

/* queue ! payloader ! capsfilter ! webrtcbin, then the tee branch last, so
 * that nothing flows into an element that is not running yet. */
static gboolean
add_send_branch (GstPeerJSConnection * self, GstPeerJSTrackKind kind,
    guint pt, const gchar * profile_level_id, GError ** error)
{
  SendBranch *b = g_new0 (SendBranch, 1);
  GstPadTemplate *templ;
  GstPad *sinkpad;
  GstCaps *caps;

  b->kind = kind;
  b->pt = pt;
  b->ssrc = g_random_int ();
  b->profile_level_id = g_strdup (profile_level_id ? profile_level_id :
      H264_PROFILE_LEVEL_ID);
  if (!build_send_elements (self, b, error)) {
    send_branch_free (b);
    return FALSE;
  }
  gst_bin_add_many (self->bin, b->queue, b->payloader, b->capsfilter, NULL);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->send_branches, b);
  g_mutex_unlock (&self->lock);

  templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS
      (self->webrtc), "sink_%u");
  caps = send_caps (self, b);
  b->webrtc_pad = gst_element_request_pad (self->webrtc, templ, NULL, caps);
  gst_caps_unref (caps);
  if (!b->webrtc_pad || !gst_element_link_many (b->queue, b->payloader,
          b->capsfilter, NULL)
      || !gst_element_link_pads (b->capsfilter, "src", self->webrtc,
          GST_PAD_NAME (b->webrtc_pad))) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "could not link the %s branch to webrtcbin", kind_name (kind));
    return FALSE;
  }
  setup_transceiver (self, b);
  /* one MediaStream for our tracks, as a browser's getUserMedia gives */
  g_object_set (b->webrtc_pad, "msid", self->connection_id, NULL);

  if (g_str_equal (gst_peerjs_fanout_get_encoding_name (self->fanout, kind),
          "H264")) {
    GstPad *src = gst_element_get_static_pad (b->capsfilter, "src");

    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        h264_caps_probe, b, NULL);
    gst_object_unref (src);
    set_codec_preferences (self, b);
  }

  gst_element_sync_state_with_parent (b->capsfilter);
  gst_element_sync_state_with_parent (b->payloader);
  gst_element_sync_state_with_parent (b->queue);

  b->tee_pad = gst_peerjs_fanout_request_branch (self->fanout, kind);
  sinkpad = gst_element_get_static_pad (b->queue, "sink");
  if (!b->tee_pad || gst_pad_link (b->tee_pad, sinkpad) != GST_PAD_LINK_OK) {
    gst_object_unref (sinkpad);
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "could not branch off the local %s", kind_name (kind));
    return FALSE;
  }
  gst_object_unref (sinkpad);
  GST_DEBUG_OBJECT (self, "sending %s with pt %u", kind_name (kind), pt);
  return TRUE;
}

/* What we can decode of @kind, for a transceiver that only receives. */
static GstCaps *
recv_caps (GstPeerJSConnection * self, GstPeerJSTrackKind kind)
{
  GstCaps *vp8, *h264;
  gboolean h264_first;

  if (kind == GST_PEERJS_TRACK_AUDIO)
    return gst_caps_new_simple ("application/x-rtp",
        "media", G_TYPE_STRING, "audio", "encoding-name", G_TYPE_STRING,
        "OPUS", "clock-rate", G_TYPE_INT, 48000, "encoding-params",
        G_TYPE_STRING, "2", "payload", G_TYPE_INT, OFFER_PT_OPUS, NULL);

  vp8 = gst_caps_new_simple ("application/x-rtp",
      "media", G_TYPE_STRING, "video", "encoding-name", G_TYPE_STRING, "VP8",
      "clock-rate", G_TYPE_INT, 90000, NULL);
  h264 = gst_caps_new_simple ("application/x-rtp",
      "media", G_TYPE_STRING, "video", "encoding-name", G_TYPE_STRING, "H264",
      "clock-rate", G_TYPE_INT, 90000, "packetization-mode", G_TYPE_STRING,
      "1", "profile-level-id", G_TYPE_STRING, H264_PROFILE_LEVEL_ID,
      "level-asymmetry-allowed", G_TYPE_STRING, "1", NULL);
  /* the codec we send is the one we would rather get */
  h264_first = self->fanout && g_str_equal
      (gst_peerjs_fanout_get_encoding_name (self->fanout,
          GST_PEERJS_TRACK_VIDEO), "H264");
  gst_caps_set_simple (h264_first ? h264 : vp8, "payload", G_TYPE_INT,
      OFFER_PT_VIDEO, NULL);
  gst_caps_set_simple (h264_first ? vp8 : h264, "payload", G_TYPE_INT,
      OFFER_PT_VIDEO_ALT, NULL);
  return h264_first ? gst_caps_merge (h264, vp8) : gst_caps_merge (vp8, h264);
}

static void
add_recv_transceiver (GstPeerJSConnection * self, GstPeerJSTrackKind kind)
{
  GstWebRTCRTPTransceiver *trans = NULL;
  GstCaps *caps = recv_caps (self, kind);

  g_signal_emit_by_name (self->webrtc, "add-transceiver",
      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &trans);
  gst_caps_unref (caps);
  if (!trans)
    return;
  if (kind == GST_PEERJS_TRACK_VIDEO)
    g_object_set (trans, "do-nack", TRUE, NULL);
  gst_object_unref (trans);
  GST_DEBUG_OBJECT (self, "receiving %s only", kind_name (kind));
}

static gboolean
sends (GstPeerJSConnection * self, GstPeerJSTrackKind kind)
{
  return self->send && self->fanout
      && gst_peerjs_fanout_has_input (self->fanout, kind);
}

/* Calling: audio first, then video (Chromium's order). */
static gboolean
prepare_call (GstPeerJSConnection * self, GError ** error)
{
  static const GstPeerJSTrackKind kinds[] = {
    GST_PEERJS_TRACK_AUDIO, GST_PEERJS_TRACK_VIDEO
  };
  guint i;

  if (self->type == GST_PEERJS_CONNECTION_DATA)
    return create_aux_channel (self, error);

  for (i = 0; i < G_N_ELEMENTS (kinds); i++) {
    if (sends (self, kinds[i])) {
      if (!add_send_branch (self, kinds[i], kinds[i] == GST_PEERJS_TRACK_AUDIO
              ? OFFER_PT_OPUS : OFFER_PT_VIDEO, NULL, error))
        return FALSE;
    } else if (self->receive) {
      add_recv_transceiver (self, kinds[i]);
    }
  }
  if (!self->receive && self->send_branches->len == 0) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "nothing to send and not receiving: no call to make");
    return FALSE;
  }
  return create_aux_channel (self, error);
}

static gint
h264_score (const GstStructure * s)
{
  const gchar *mode = gst_structure_get_string (s, "packetization-mode");
  const gchar *profile = gst_structure_get_string (s, "profile-level-id");

  /* rtph264pay sends FU-A, mode 1 only */
  if (g_strcmp0 (mode, "1") != 0)
    return -1;
  if (!profile)
    return 1;
  if (g_ascii_strncasecmp (profile, "42e0", 4) == 0)
    return 4;
  if (g_ascii_strncasecmp (profile, "4200", 4) == 0
      || g_ascii_strncasecmp (profile, "42c0", 4) == 0)
    return 3;
  return 2;
}

/* The payload type @media offers for @encoding_name, or -1. H.264: the
 * packetization-mode=1 one closest to constrained baseline; its
 * profile-level-id goes to @profile. */
static gint
find_offered_pt (const GstSDPMedia * media, const gchar * encoding_name,
    gchar ** profile)
{
  gint best_pt = -1, best_score = -1;
  guint i;

  for (i = 0; i < gst_sdp_media_formats_len (media); i++) {
    gint pt = atoi (gst_sdp_media_get_format (media, i));
    GstCaps *caps = gst_sdp_media_get_caps_from_media (media, pt);
    const GstStructure *s;
    const gchar *name;
    gint score = 0;

    if (!caps)
      continue;
    s = gst_caps_get_structure (caps, 0);
    name = gst_structure_get_string (s, "encoding-name");
    if (name && g_ascii_strcasecmp (name, encoding_name) == 0) {
      if (g_str_equal (encoding_name, "H264"))
        score = h264_score (s);
      if (score > best_score) {
        best_pt = pt;
        best_score = score;
        g_free (*profile);
        *profile = g_strdup (gst_structure_get_string (s, "profile-level-id"));
      }
    }
    gst_caps_unref (caps);
  }
  return best_pt;
}

static gboolean
has_attribute (const GstSDPMedia * media, const gchar * key)
{
  guint i;

  for (i = 0; i < gst_sdp_media_attributes_len (media); i++)
    if (g_strcmp0 (gst_sdp_media_get_attribute (media, i)->key, key) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
kind_of_media (const GstSDPMedia * media, GstPeerJSTrackKind * kind)
{
  const gchar *m = gst_sdp_media_get_media (media);

  if (g_strcmp0 (m, "audio") == 0)
    *kind = GST_PEERJS_TRACK_AUDIO;
  else if (g_strcmp0 (m, "video") == 0)
    *kind = GST_PEERJS_TRACK_VIDEO;
  else
    return FALSE;
  /* port 0 is a rejected m-line, unless bundle-only (max-bundle offers) */
  return gst_sdp_media_get_port (media) != 0
      || has_attribute (media, "bundle-only");
}

/* Answering: one send branch per offered m-line we have media for, with
 * the offered payload type, in the offer's order. */
static gboolean
offer_has_video (const GstSDPMessage * sdp)
{
  guint i;

  for (i = 0; i < gst_sdp_message_medias_len (sdp); i++) {
    GstPeerJSTrackKind kind;

    if (kind_of_media (gst_sdp_message_get_media (sdp, i), &kind)
        && kind == GST_PEERJS_TRACK_VIDEO)
      return TRUE;
  }
  return FALSE;
}

/* Answering an offer whose video we receive but do not send: left alone,
 * webrtcbin answers with a transceiver of its own, without do-nack, so the
 * answer has no NACK feedback and no RTX and a lost video packet is never
 * sent again (at 5 % loss the picture froze for seconds at a time:
 * tests/reliability/slow-netem.sh). A receive-only transceiver with
 * do-nack takes the m-line instead; its caps have no payload type, so
 * they match the offer's whatever its numbers. */
static void
add_answer_recv_transceiver (GstPeerJSConnection * self)
{
  GstWebRTCRTPTransceiver *trans = NULL;
  GstCaps *caps = recv_caps (self, GST_PEERJS_TRACK_VIDEO);
  guint i;

  for (i = 0; i < gst_caps_get_size (caps); i++)
    gst_structure_remove_field (gst_caps_get_structure (caps, i), "payload");
  g_signal_emit_by_name (self->webrtc, "add-transceiver",
      GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &trans);
  gst_caps_unref (caps);
  if (!trans)
    return;
  g_object_set (trans, "do-nack", TRUE, NULL);
  gst_object_unref (trans);
}

/* The ID the offer gives the TWCC header extension (RFC 8285
 * "a=extmap:<id>[/<direction>] <uri>"); 0 if it has none. */
static guint
offer_twcc_id (const GstSDPMessage * sdp)
{
  guint i, j;

  for (i = 0; i < gst_sdp_message_medias_len (sdp); i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);

    for (j = 0; j < gst_sdp_media_attributes_len (media); j++) {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, j);
      gchar *end = NULL;
      guint64 id;

      if (g_strcmp0 (a->key, "extmap") || !a->value)
        continue;
      id = g_ascii_strtoull (a->value, &end, 10);
      if (end == a->value || id < 1 || id > 14)
        continue;
      end += strcspn (end, " ");
      while (*end == ' ')
        end++;
      if (g_str_has_prefix (end, TWCC_URI)
          && (end[strlen (TWCC_URI)] == '\0' || end[strlen (TWCC_URI)] == ' '))
        return (guint) id;
    }
  }
  return 0;
}

static gboolean
prepare_answer (GstPeerJSConnection * self,
    const GstWebRTCSessionDescription * offer, GError ** error)
{
  gboolean done[2] = { FALSE, FALSE };
  guint i;

  self->twcc_ext_id = offer_twcc_id (offer->sdp);

  for (i = 0; self->type == GST_PEERJS_CONNECTION_MEDIA
      && i < gst_sdp_message_medias_len (offer->sdp); i++) {
    const GstSDPMedia *media = gst_sdp_message_get_media (offer->sdp, i);
    GstPeerJSTrackKind kind;
    gchar *profile = NULL;
    const gchar *codec;
    gint pt;

    if (!kind_of_media (media, &kind) || done[kind] || !sends (self, kind))
      continue;
    done[kind] = TRUE;
    codec = gst_peerjs_fanout_get_encoding_name (self->fanout, kind);
    pt = find_offered_pt (media, codec, &profile);
    if (pt < 0) {
      GST_WARNING_OBJECT (self, "the offer has no %s for our %s: not "
          "sending it", codec, kind_name (kind));
      continue;
    }
    if (!add_send_branch (self, kind, pt, profile, error)) {
      g_free (profile);
      return FALSE;
    }
    g_free (profile);
  }
  if (self->type == GST_PEERJS_CONNECTION_MEDIA && self->receive
      && !done[GST_PEERJS_TRACK_VIDEO] && offer_has_video (offer->sdp))
    add_answer_recv_transceiver (self);
  return TRUE;
}

/* ---- webrtcbin ---- */

/* libnice asks the LAN's router for a UPnP port mapping for every
 * connection by default: one SSDP socket and a gupnp thread per call,
 * which on a LAN or loopback only add startup time, warnings when the
 * SSDP port is taken, and libgupnp's leaks. Members reach each other
 * directly or through STUN/TURN. */
static void
disable_upnp (GObject * ice)
{
  GObject *agent = NULL;

  if (!g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    return;
  g_object_get (ice, "agent", &agent, NULL);
  if (agent) {
    g_object_set (agent, "upnp", FALSE, NULL);
    g_object_unref (agent);
  }
}

/* libnice never gathers on loopback unless told, and once told about one
 * address it uses only the ones it was told about: so all of them. A
 * machine (or network namespace) with only `lo` then still connects, and
 * so do two members on one machine. */
static void
add_local_addresses (GstPeerJSConnection * self)
{
  GObject *ice = NULL;
  GList *ips, *l;

  g_object_get (self->webrtc, "ice-agent", &ice, NULL);
  if (!ice)
    return;
  disable_upnp (ice);
  ips = nice_interfaces_get_local_ips (TRUE);
  for (l = ips; l; l = l->next) {
    gboolean ok = FALSE;

    g_signal_emit_by_name (ice, "add-local-ip-address", l->data, &ok);
    GST_LOG_OBJECT (self, "local address %s%s", (gchar *) l->data,
        ok ? "" : " refused");
  }
  g_list_free_full (ips, g_free);
  gst_object_unref (ice);
}

/* webrtcbin takes stun://host:port; browsers' iceServers say stun:host. */
static gchar *
stun_uri (const gchar * server)
{
  if (g_str_has_prefix (server, "stun:") && !g_str_has_prefix (server,
          "stun://"))
    return g_strconcat ("stun://", server + 5, NULL);
  return g_strdup (server);
}

static void
configure_webrtcbin (GstPeerJSConnection * self)
{
  guint i;

  /* Chromium fails against the default policy, both ways */
  gst_util_set_object_arg (G_OBJECT (self->webrtc), "bundle-policy",
      "max-bundle");
  /* 0: webrtcbin's default */
  if (self->latency_ms)
    g_object_set (self->webrtc, "latency", self->latency_ms, NULL);
  if (self->stun_server && *self->stun_server) {
    gchar *uri = stun_uri (self->stun_server);

    g_object_set (self->webrtc, "stun-server", uri, NULL);
    g_free (uri);
  }
  for (i = 0; self->turn_servers && self->turn_servers[i]; i++) {
    gboolean ok = FALSE;

    g_signal_emit_by_name (self->webrtc, "add-turn-server",
        self->turn_servers[i], &ok);
    if (!ok)
      GST_WARNING_OBJECT (self, "webrtcbin refused a TURN server");
  }
  add_local_addresses (self);
}

static gboolean
build_webrtcbin (GstPeerJSConnection * self, GError ** error)
{
  GstElement *webrtc = make_element (self, "webrtcbin", "webrtc");

  if (!webrtc) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "GStreamer element 'webrtcbin' is missing");
    return FALSE;
  }
  self->webrtc = gst_object_ref_sink (webrtc);
  self->reports = gst_peerjs_reports_new (webrtc);
  gst_peerjs_pacing_attach (webrtc);
  configure_webrtcbin (self);

  g_signal_connect (webrtc, "on-ice-candidate",
      G_CALLBACK (on_ice_candidate), self);
  g_signal_connect (webrtc, "pad-added", G_CALLBACK (on_webrtc_pad_added),
      self);
  g_signal_connect (webrtc, "on-data-channel", G_CALLBACK (on_data_channel),
      self);
  g_signal_connect (webrtc, "notify::connection-state",
      G_CALLBACK (on_connection_state), self);
  g_signal_connect (webrtc, "notify::ice-connection-state",
      G_CALLBACK (on_ice_connection_state), self);

  gst_bin_add (self->bin, webrtc);
  /* running before the branches link to it: a branch that pushed into a
   * stopped webrtcbin would stop for good */
  if (!gst_element_sync_state_with_parent (webrtc)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "webrtcbin could not start");
    return FALSE;
  }
  return TRUE;
}

gboolean
gst_peerjs_connection_start (GstPeerJSConnection * self, GError ** error)
{
  GstWebRTCSessionDescription *offer = NULL;
  GstPromise *promise;
  gboolean started;

  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), FALSE);

  g_mutex_lock (&self->lock);
  started = self->started || self->closing;
  self->started = TRUE;
  g_mutex_unlock (&self->lock);
  if (started) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "connection already started");
    return FALSE;
  }

  self->start_time = g_get_monotonic_time ();
  if (!self->outgoing && !(offer = parse_description
          (GST_WEBRTC_SDP_TYPE_OFFER, self->offer_sdp))) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "unreadable SDP in the OFFER");
    goto failed;
  }
  if (!build_webrtcbin (self, error))
    goto failed;
  if (self->outgoing ? !prepare_call (self, error) :
      !prepare_answer (self, offer, error))
    goto failed;

  set_state (self, GST_PEERJS_CONNECTION_STATE_CONNECTING,
      self->outgoing ? "calling" : "answering");
  if (self->timeout_ms)
    arm_timer (self, GST_PEERJS_CONNECTION_STATE_CONNECTING, self->timeout_ms,
        on_timeout);

  GST_INFO_OBJECT (self, "%s '%s' (%s)", self->outgoing ? "calling" :
      "answering", self->remote_id, self->connection_id);
  if (self->outgoing) {
    promise = new_promise (self, on_offer_created);
    g_signal_emit_by_name (self->webrtc, "create-offer", NULL, promise);
    gst_promise_unref (promise);
  } else {
    apply_remote_description (self, offer, on_remote_offer_set);
    gst_webrtc_session_description_free (offer);
  }
  return TRUE;

failed:
  if (offer)
    gst_webrtc_session_description_free (offer);
  set_state (self, GST_PEERJS_CONNECTION_STATE_FAILED, "negotiation-failed");
  return FALSE;
}

/* ---- closing ---- */

/* Closes the aux channel and waits a little for the close to reach the
 * remote: it is PeerJS' only hang-up signal. */
static void
close_aux_channel (GstPeerJSConnection * self)
{
  GstWebRTCDataChannel *aux = NULL;
  GstWebRTCDataChannelState ready = GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED;
  gint64 end;

  g_mutex_lock (&self->lock);
  if (self->aux && !self->aux_closed)
    aux = g_object_ref (self->aux);
  g_mutex_unlock (&self->lock);
  if (!aux)
    return;

  g_object_get (aux, "ready-state", &ready, NULL);
  if (ready == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN) {
    gst_webrtc_data_channel_close (aux);
    end = g_get_monotonic_time () + AUX_CLOSE_TIMEOUT_MS * 1000;
    g_mutex_lock (&self->lock);
    while (!self->aux_closed)
      if (!g_cond_wait_until (&self->cond, &self->lock, end))
        break;
    g_mutex_unlock (&self->lock);
    GST_DEBUG_OBJECT (self, "aux channel %s", self->aux_closed ? "closed" :
        "did not close in time");
    if (self->aux_closed)
      g_usleep (AUX_CLOSE_LINGER_MS * 1000);
  }
  g_object_unref (aux);
}

static void
remove_element (GstPeerJSConnection * self, GstElement * element)
{
  gst_element_set_locked_state (element, TRUE);
  gst_element_set_state (element, GST_STATE_NULL);
  if (GST_OBJECT_PARENT (element) == GST_OBJECT (self->bin))
    gst_bin_remove (self->bin, element);
}

static void
remove_send_branch (GstPeerJSConnection * self, SendBranch * b)
{
  if (b->queue)
    remove_element (self, b->queue);
  if (b->payloader)
    remove_element (self, b->payloader);
  if (b->capsfilter)
    remove_element (self, b->capsfilter);
}

/* Takes everything out of the bin. The order matters while the pipeline
 * plays: no new data into the branches first (the tee lets go of a pad
 * while streaming), then webrtcbin stops, which ends its streaming threads
 * (and so every pad-added), then the pads go. */
static void
remove_elements (GstPeerJSConnection * self)
{
  GPtrArray *exposed, *recv;
  guint i;

  for (i = 0; i < self->send_branches->len; i++) {
    SendBranch *b = g_ptr_array_index (self->send_branches, i);

    if (b->tee_pad)
      gst_peerjs_fanout_release_branch (self->fanout, g_steal_pointer
          (&b->tee_pad));
  }
  if (self->fanout)
    gst_peerjs_bwe_forget (self, self->fanout);

  remove_element (self, self->webrtc);

  /* after a pad-added in progress (see on_decoded_pad) */
  g_mutex_lock (&self->expose_lock);
  g_mutex_lock (&self->lock);
  exposed = self->exposed;
  self->exposed = g_ptr_array_new ();
  recv = self->recv_elements;
  self->recv_elements = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);

  for (i = 0; i < exposed->len; i++) {
    ExposedPad *e = g_ptr_array_index (exposed, i);

    g_signal_emit (self, connection_signals[SIGNAL_PAD_REMOVED], 0, e->pad);
    gst_element_release_request_pad (e->tee, e->pad);
  }
  g_mutex_unlock (&self->expose_lock);
  g_ptr_array_set_free_func (exposed, (GDestroyNotify) exposed_pad_free);
  g_ptr_array_unref (exposed);

  for (i = 0; i < recv->len; i++)
    remove_element (self, g_ptr_array_index (recv, i));
  g_ptr_array_set_free_func (recv, gst_object_unref);
  g_ptr_array_unref (recv);

  for (i = 0; i < self->send_branches->len; i++)
    remove_send_branch (self, g_ptr_array_index (self->send_branches, i));
}

static void
disconnect_signals (GstPeerJSConnection * self)
{
  guint i;

  remove_rx_probes (self);
  if (self->webrtc)
    g_signal_handlers_disconnect_by_data (self->webrtc, self);
  if (self->aux)
    g_signal_handlers_disconnect_by_data (self->aux, self);
  for (i = 0; i < self->send_branches->len; i++) {
    SendBranch *b = g_ptr_array_index (self->send_branches, i);

    if (b->queue)
      g_signal_handlers_disconnect_by_data (b->queue, self);
  }
  /* the decodebins (only left when finalized without close()) */
  g_mutex_lock (&self->lock);
  for (i = 0; i < self->recv_elements->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index
        (self->recv_elements, i), self);
  g_mutex_unlock (&self->lock);
}

void
gst_peerjs_connection_close (GstPeerJSConnection * self)
{
  GSource *timer;
  gboolean closing;

  g_return_if_fail (GST_IS_PEERJS_CONNECTION (self));

  g_mutex_lock (&self->lock);
  closing = self->closing;
  self->closing = TRUE;
  timer = self->timer;
  self->timer = NULL;
  g_mutex_unlock (&self->lock);
  if (closing)
    return;

  destroy_source (timer);
  GST_INFO_OBJECT (self, "closing");
  wait_for_promises (self);
  close_aux_channel (self);
  set_state (self, GST_PEERJS_CONNECTION_STATE_DISCONNECTED, "closed");
  if (self->webrtc)
    remove_elements (self);
  disconnect_signals (self);
  GST_DEBUG_OBJECT (self, "closed");
}

/* ---- construction, accessors ---- */

static GstPeerJSConnection *
connection_new (const GstPeerJSConnectionConfig * config)
{
  static gint serial = 0;
  GstPeerJSConnection *self;

  self = g_object_new (GST_TYPE_PEERJS_CONNECTION, NULL);
  gst_object_ref_sink (self);
  self->bin = gst_object_ref (config->bin);
  self->fanout = config->fanout ? gst_object_ref (config->fanout) : NULL;
  self->send = config->send;
  self->receive = config->receive;
  self->context = config->context ? g_main_context_ref (config->context) :
      g_main_context_ref (g_main_context_default ());
  self->stun_server = g_strdup (config->stun_server);
  self->turn_servers = g_strdupv ((gchar **) config->turn_servers);
  self->latency_ms = config->latency_ms;
  self->timeout_ms = config->timeout_ms;
  self->serial = (guint) g_atomic_int_add (&serial, 1);
  self->type = GST_PEERJS_CONNECTION_MEDIA;
  return self;
}

/**
 * gst_peerjs_connection_new_call:
 * @metadata: (nullable): the OFFER's `metadata`, copied
 *
 * Returns: (transfer full): a new outgoing connection, not started.
 */
GstPeerJSConnection *
gst_peerjs_connection_new_call (const GstPeerJSConnectionConfig * config,
    const gchar * remote_id, JsonNode * metadata)
{
  GstPeerJSConnection *self;

  g_return_val_if_fail (config != NULL && GST_IS_BIN (config->bin), NULL);
  g_return_val_if_fail (remote_id != NULL, NULL);

  self = connection_new (config);
  self->outgoing = TRUE;
  self->remote_id = g_strdup (remote_id);
  self->connection_id =
      gst_peerjs_new_connection_id (GST_PEERJS_CONNECTION_MEDIA);
  self->metadata = metadata ? json_node_copy (metadata) : NULL;
  return self;
}

/**
 * gst_peerjs_connection_new_data:
 * @label: (nullable): the channel's label (default: the connection ID)
 * @metadata: (nullable): the OFFER's `metadata`, copied
 *
 * Returns: (transfer full): a new outgoing data connection, not started.
 */
GstPeerJSConnection *
gst_peerjs_connection_new_data (const GstPeerJSConnectionConfig * config,
    const gchar * remote_id, const gchar * label,
    GstPeerJSSerialization serialization, gboolean reliable,
    JsonNode * metadata)
{
  GstPeerJSConnection *self;

  g_return_val_if_fail (config != NULL && GST_IS_BIN (config->bin), NULL);
  g_return_val_if_fail (remote_id != NULL, NULL);

  self = connection_new (config);
  self->type = GST_PEERJS_CONNECTION_DATA;
  self->send = self->receive = FALSE;
  self->outgoing = TRUE;
  self->remote_id = g_strdup (remote_id);
  self->connection_id =
      gst_peerjs_new_connection_id (GST_PEERJS_CONNECTION_DATA);
  self->label = g_strdup (label ? label : self->connection_id);
  self->serialization = serialization;
  /* a byte stream needs its pieces in order: peerjs forces it too */
  self->reliable = reliable
      || serialization == GST_PEERJS_SERIALIZATION_MSGPACK;
  self->metadata = metadata ? json_node_copy (metadata) : NULL;
  return self;
}

/**
 * gst_peerjs_connection_new_answer:
 *
 * Returns: (transfer full) (nullable): a new incoming connection, not
 *   started; %NULL if @offer is not an OFFER we can answer (no sender,
 *   no SDP, an unknown serialization).
 */
GstPeerJSConnection *
gst_peerjs_connection_new_answer (const GstPeerJSConnectionConfig * config,
    const GstPeerJSMessage * offer)
{
  GstPeerJSSerialization ser = GST_PEERJS_SERIALIZATION_BINARY;
  GstPeerJSConnection *self;

  g_return_val_if_fail (config != NULL && GST_IS_BIN (config->bin), NULL);
  g_return_val_if_fail (offer != NULL, NULL);

  if (offer->type != GST_PEERJS_MESSAGE_OFFER
      || offer->connection_type == GST_PEERJS_CONNECTION_NONE
      || !offer->sdp || !offer->src || !offer->connection_id) {
    GST_WARNING ("not an OFFER with a sender");
    return NULL;
  }
  if (offer->connection_type == GST_PEERJS_CONNECTION_DATA
      && !gst_peerjs_serialization_from_string (offer->serialization, &ser)) {
    GST_WARNING ("a data OFFER with the unknown serialization '%s'",
        offer->serialization);
    return NULL;
  }

  self = connection_new (config);
  self->type = offer->connection_type;
  if (self->type == GST_PEERJS_CONNECTION_DATA) {
    self->send = self->receive = FALSE;
    self->serialization = ser;
    self->reliable = offer->reliable;
    self->label = g_strdup (offer->label ? offer->label : offer->connection_id);
  }
  self->remote_id = g_strdup (offer->src);
  self->connection_id = g_strdup (offer->connection_id);
  self->offer_sdp = g_strdup (offer->sdp);
  return self;
}

const gchar *
gst_peerjs_connection_get_id (GstPeerJSConnection * self)
{
  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), NULL);
  return self->connection_id;
}

const gchar *
gst_peerjs_connection_get_remote_id (GstPeerJSConnection * self)
{
  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), NULL);
  return self->remote_id;
}

GstPeerJSConnectionType
gst_peerjs_connection_get_connection_type (GstPeerJSConnection * self)
{
  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self),
      GST_PEERJS_CONNECTION_NONE);
  return self->type;
}

const gchar *
gst_peerjs_connection_get_label (GstPeerJSConnection * self)
{
  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), NULL);
  return self->label;
}

GstPeerJSSerialization
gst_peerjs_connection_get_serialization (GstPeerJSConnection * self)
{
  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self),
      GST_PEERJS_SERIALIZATION_BINARY);
  return self->serialization;
}

gboolean
gst_peerjs_connection_is_reliable (GstPeerJSConnection * self)
{
  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), FALSE);
  return self->reliable;
}

/* Returns: (transfer full) (nullable): the data channel, once there */
GstPeerJSDataChannel *
gst_peerjs_connection_get_data_channel (GstPeerJSConnection * self)
{
  GstPeerJSDataChannel *data;

  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), NULL);
  g_mutex_lock (&self->lock);
  data = self->data ? gst_object_ref (self->data) : NULL;
  g_mutex_unlock (&self->lock);
  return data;
}

gboolean
gst_peerjs_connection_is_outgoing (GstPeerJSConnection * self)
{
  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), FALSE);
  return self->outgoing;
}

/* Whether @object is one of this connection's elements or inside one
 * (webrtcbin's own children): its elements' names carry our serial. */
gboolean
gst_peerjs_connection_owns (GstPeerJSConnection * self, GstObject * object)
{
  gchar *prefix = element_name (self, "");
  gboolean owns = FALSE;
  GstObject *o;

  for (o = object ? gst_object_ref (object) : NULL; o && !owns;) {
    GstObject *parent = gst_object_get_parent (o);

    owns = GST_IS_ELEMENT (o) && g_str_has_prefix (GST_OBJECT_NAME (o), prefix);
    gst_object_unref (o);
    o = parent;
  }
  if (o)
    gst_object_unref (o);
  g_free (prefix);
  return owns;
}

GstPeerJSConnectionState
gst_peerjs_connection_get_state (GstPeerJSConnection * self)
{
  GstPeerJSConnectionState state;

  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self),
      GST_PEERJS_CONNECTION_STATE_NEW);

  g_mutex_lock (&self->lock);
  state = self->state;
  g_mutex_unlock (&self->lock);
  return state;
}

/**
 * gst_peerjs_connection_get_stats:
 *
 * Blocks until webrtcbin answers. Not from a streaming thread.
 *
 * Returns: (transfer full) (nullable): webrtcbin's statistics.
 */
GstStructure *
gst_peerjs_connection_get_stats (GstPeerJSConnection * self)
{
  GstStructure *stats = NULL;
  GstElement *webrtc = NULL;
  GstPromise *promise;

  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->started && !self->closing && self->webrtc)
    webrtc = gst_object_ref (self->webrtc);
  g_mutex_unlock (&self->lock);
  if (!webrtc)
    return NULL;

  promise = gst_promise_new ();
  g_signal_emit_by_name (webrtc, "get-stats", NULL, promise);
  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED
      && gst_promise_get_reply (promise))
    stats = gst_structure_copy (gst_promise_get_reply (promise));
  gst_promise_unref (promise);
  gst_object_unref (webrtc);
  return stats;
}

/* A "get-stats" promise, counted like new_promise()'s (close() waits for
 * it), with the caller's function and data instead of a connection
 * callback. */
typedef struct
{
  GstPeerJSConnection *conn;
  GstPeerJSStatsFunc func;
  gpointer user_data;
  GDestroyNotify notify;
  gboolean done;
} StatsOp;

static void
stats_op_finish (StatsOp * op)
{
  count_op_done (op->conn, &op->done);
}

static void
stats_op_free (StatsOp * op)
{
  stats_op_finish (op);
  if (op->notify)
    op->notify (op->user_data);
  gst_object_unref (op->conn);
  g_free (op);
}

static void
stats_replied (GstPromise * promise, gpointer user_data)
{
  StatsOp *op = user_data;
  const GstStructure *reply = NULL;

  if (gst_promise_wait (promise) == GST_PROMISE_RESULT_REPLIED)
    reply = gst_promise_get_reply (promise);
  if (reply && gst_structure_has_field (reply, "error"))
    reply = NULL;
  op->func (op->conn, reply, op->user_data);
  stats_op_finish (op);
}

/* A webrtcbin that is not PLAYING (its bin was stopped: the machine
 * "vanished") never answers "get-stats": close() would wait for that
 * answer for ever. */
static gboolean
webrtc_is_playing (GstElement * webrtc)
{
  gboolean playing;

  GST_OBJECT_LOCK (webrtc);
  playing = GST_STATE (webrtc) == GST_STATE_PLAYING
      && GST_STATE_PENDING (webrtc) == GST_STATE_VOID_PENDING;
  GST_OBJECT_UNLOCK (webrtc);
  return playing;
}

/**
 * gst_peerjs_connection_request_stats:
 * @func: called once with webrtcbin's statistics (NULL when webrtcbin
 *   failed), from webrtcbin's thread
 * @notify: (nullable): frees @user_data; always called once, also when
 *   this returns %FALSE
 *
 * Asks webrtcbin for its statistics without blocking. The request counts
 * as a pending operation: close() waits for its reply. Never touches a
 * connection that is not started or already closing.
 *
 * Returns: whether the request went out (@func will be called, unless
 *   webrtcbin drops it when closing takes too long).
 */
gboolean
gst_peerjs_connection_request_stats (GstPeerJSConnection * self,
    GstPeerJSStatsFunc func, gpointer user_data, GDestroyNotify notify)
{
  GstElement *webrtc = NULL;
  GstPromise *promise;
  StatsOp *op;

  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  /* checked and counted in one go: close() either sees this request or
   * it is refused */
  g_mutex_lock (&self->lock);
  if (self->started && !self->closing && self->webrtc
      && webrtc_is_playing (self->webrtc)) {
    webrtc = gst_object_ref (self->webrtc);
    self->pending_ops++;
  }
  g_mutex_unlock (&self->lock);
  if (!webrtc) {
    if (notify)
      notify (user_data);
    return FALSE;
  }

  op = g_new0 (StatsOp, 1);
  op->conn = gst_object_ref (self);
  op->func = func;
  op->user_data = user_data;
  op->notify = notify;
  promise = gst_promise_new_with_change_func (stats_replied, op,
      (GDestroyNotify) stats_op_free);
  g_signal_emit_by_name (webrtc, "get-stats", NULL, promise);
  gst_promise_unref (promise);
  gst_object_unref (webrtc);
  return TRUE;
}

/**
 * gst_peerjs_connection_get_rtx_requests:
 *
 * The retransmissions the remote asked for (NACKed packets of what we
 * send: rtprtxsend's num-rtx-requests, summed). NACKs come as soon as the
 * remote misses a packet, receiver reports only every few seconds (and
 * rarer still on a congested link): gstpeerjsbwe.c reads the loss from
 * these. 0 before the call is set up. Any thread.
 */
guint64
gst_peerjs_connection_get_rtx_requests (GstPeerJSConnection * self)
{
  GstElement *webrtc = NULL;
  GValue item = G_VALUE_INIT;
  GstIterator *it;
  guint64 total = 0;
  gboolean done = FALSE;

  g_return_val_if_fail (GST_IS_PEERJS_CONNECTION (self), 0);

  g_mutex_lock (&self->lock);
  if (self->webrtc && !self->closing)
    webrtc = gst_object_ref (self->webrtc);
  g_mutex_unlock (&self->lock);
  if (!webrtc)
    return 0;

  it = gst_bin_iterate_recurse (GST_BIN (webrtc));
  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstElement *e = g_value_get_object (&item);
        GstElementFactory *f = gst_element_get_factory (e);
        guint n = 0;

        if (f && g_str_equal (GST_OBJECT_NAME (f), "rtprtxsend")) {
          g_object_get (e, "num-rtx-requests", &n, NULL);
          total += n;
        }
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        total = 0;
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  gst_object_unref (webrtc);
  return total;
}

static GMutex warm_up_lock;
static GThread *warm_up_thread; /* until joined */
static gboolean warm_up_started;

static gpointer
warm_up_dtls (gpointer data)
{
  GstElement *dec = gst_element_factory_make ("dtlsdec", NULL);

  /* no logging: our debug category may not exist yet */
  if (dec)
    gst_object_unref (dec);
  return NULL;
}

/**
 * gst_peerjs_connection_warm_up:
 *
 * GStreamer 1.22's DTLS elements make one RSA-2048 certificate per process,
 * when the first of them is created: inside the first call's create-offer
 * or set-remote-description, on the way of both the OFFER and the ANSWER.
 * That took 75-170 ms of CPU, 1.3-4.3 s on a loaded machine, sometimes past
 * the connection timeout (tests/bench/mesh-setup.mjs). Made here, in a
 * thread of its own, when an element starts, the first calls find it
 * ready. Once per process; gst_peerjs_connection_warm_up_join() when an
 * element stops. Any thread.
 */
void
gst_peerjs_connection_warm_up (void)
{
  g_mutex_lock (&warm_up_lock);
  if (!warm_up_started) {
    warm_up_started = TRUE;
    warm_up_thread = g_thread_new ("peerjs-dtls", warm_up_dtls, NULL);
  }
  g_mutex_unlock (&warm_up_lock);
}

/**
 * gst_peerjs_connection_warm_up_join:
 *
 * Waits for the warm-up thread if it still runs: a process that exits
 * while it is inside OpenSSL's key generation crashes in OpenSSL's exit
 * handlers (seen in tests that stop at once).
 */
void
gst_peerjs_connection_warm_up_join (void)
{
  GThread *thread;

  g_mutex_lock (&warm_up_lock);
  thread = warm_up_thread;
  warm_up_thread = NULL;
  g_mutex_unlock (&warm_up_lock);
  if (thread)
    g_thread_join (thread);
}

/**
 * gst_peerjs_connection_get_reports:
 *
 * What the remote's receiver reports said about what we send (see
 * gstpeerjsreports.c for why not webrtcbin's statistics). Any thread.
 */
void
gst_peerjs_connection_get_reports (GstPeerJSConnection * self,
    GstPeerJSReportsSnapshot * snapshot)
{
  g_return_if_fail (GST_IS_PEERJS_CONNECTION (self));

  /* written once by start(), before any stats are asked for */
  gst_peerjs_reports_get (self->reports, snapshot);
}

static void
gst_peerjs_connection_finalize (GObject * object)
{
  GstPeerJSConnection *self = GST_PEERJS_CONNECTION (object);

  if (self->started && !self->closing)
    GST_WARNING_OBJECT (self, "finalized without close()");
  disconnect_signals (self);
  destroy_source (self->timer);
  g_ptr_array_unref (self->rx_probes);
  gst_peerjs_reports_free (self->reports);
  gst_clear_object (&self->webrtc);
  g_clear_object (&self->aux);
  gst_clear_object (&self->data);
  g_free (self->label);
  g_ptr_array_unref (self->send_branches);
  g_ptr_array_unref (self->recv_elements);
  g_ptr_array_set_free_func (self->exposed, (GDestroyNotify) exposed_pad_free);
  g_ptr_array_unref (self->exposed);
  g_clear_pointer (&self->local_mids, g_ptr_array_unref);
  g_ptr_array_unref (self->pending_local);
  g_ptr_array_unref (self->pending_remote);
  if (self->remote_sdp)
    gst_sdp_message_free (self->remote_sdp);
  gst_clear_object (&self->fanout);
  gst_object_unref (self->bin);
  g_main_context_unref (self->context);
  g_free (self->stun_server);
  g_strfreev (self->turn_servers);
  g_free (self->connection_id);
  g_free (self->remote_id);
  g_clear_pointer (&self->metadata, json_node_unref);
  g_free (self->offer_sdp);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->expose_lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_connection_init (GstPeerJSConnection * self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->expose_lock);
  g_cond_init (&self->cond);
  self->state = GST_PEERJS_CONNECTION_STATE_NEW;
  self->send_branches =
      g_ptr_array_new_with_free_func ((GDestroyNotify) send_branch_free);
  self->recv_elements = g_ptr_array_new_with_free_func (gst_object_unref);
  self->exposed = g_ptr_array_new ();
  self->pending_local = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_peerjs_message_free);
  self->pending_remote =
      g_ptr_array_new_with_free_func ((GDestroyNotify) remote_candidate_free);
  self->rx_probes = g_ptr_array_new ();
  self->liveness_timeout = DEFAULT_LIVENESS_TIMEOUT;
  self->twcc_ext_id = TWCC_EXT_ID;
}

static void
gst_peerjs_connection_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstPeerJSConnection *self = GST_PEERJS_CONNECTION (object);

  switch (prop_id) {
    case PROP_LIVENESS_TIMEOUT:
      self->liveness_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_peerjs_connection_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstPeerJSConnection *self = GST_PEERJS_CONNECTION (object);

  switch (prop_id) {
    case PROP_LIVENESS_TIMEOUT:
      g_value_set_uint (value, self->liveness_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_peerjs_connection_class_init (GstPeerJSConnectionClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = gst_peerjs_connection_finalize;
  gobject_class->set_property = gst_peerjs_connection_set_property;
  gobject_class->get_property = gst_peerjs_connection_get_property;

  /**
   * GstPeerJSConnection:liveness-timeout:
   *
   * Milliseconds without any packet from the remote after which a
   * connected connection fails with reason "remote-lost" (a remote that
   * vanished without hanging up: ICE here does not notice). 0: never.
   * Set before gst_peerjs_connection_start().
   */
  g_object_class_install_property (gobject_class, PROP_LIVENESS_TIMEOUT,
      g_param_spec_uint ("liveness-timeout", "Liveness timeout",
          "Milliseconds of silence from the remote after which the "
          "connection fails (0 = never)", 0, G_MAXUINT,
          DEFAULT_LIVENESS_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  /**
   * GstPeerJSConnection::send-message:
   * @msg: an OFFER, ANSWER or CANDIDATE for the remote; the handler
   *   copies what it keeps
   *
   * Emitted from webrtcbin's thread. Never a CANDIDATE before the
   * OFFER/ANSWER.
   */
  connection_signals[SIGNAL_SEND_MESSAGE] =
      g_signal_new ("send-message", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
      GST_TYPE_PEERJS_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstPeerJSConnection::state-changed:
   * @state: the new state
   * @reason: why: "calling", "answering", "connected", "timeout",
   *   "ice-failed", "negotiation-failed", "remote-hangup", "remote-lost",
   *   "closed"
   *
   * Emitted from the configured GMainContext, in order.
   */
  connection_signals[SIGNAL_STATE_CHANGED] =
      g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
      GST_TYPE_PEERJS_CONNECTION_STATE, G_TYPE_STRING);

  /**
   * GstPeerJSConnection::pad-added:
   * @pad: a decoded raw src pad (a tee's) in the bin
   * @kind: audio or video
   *
   * Emitted from a streaming thread.
   */
  connection_signals[SIGNAL_PAD_ADDED] =
      g_signal_new ("pad-added", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2, GST_TYPE_PAD,
      GST_TYPE_PEERJS_TRACK_KIND);

  /**
   * GstPeerJSConnection::pad-removed:
   * @pad: a pad of "pad-added", about to go
   *
   * Emitted from close().
   */
  connection_signals[SIGNAL_PAD_REMOVED] =
      g_signal_new ("pad-removed", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, GST_TYPE_PAD);

  /**
   * GstPeerJSConnection::data-channel:
   * @channel: the PeerJS side of the connection's data channel
   *
   * Data connections only: emitted once, before the channel opens (from
   * start() when calling, from webrtcbin's thread when answering).
   */
  connection_signals[SIGNAL_DATA_CHANNEL] =
      g_signal_new ("data-channel", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
      GST_TYPE_PEERJS_DATA_CHANNEL);
}
