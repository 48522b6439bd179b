/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The remote members of one element, and their media connections.
 *
 * Everything that decides (whom to call, which offer to answer, when to
 * retry) runs on the session's thread: the session's signals arrive there,
 * the retry timers live on its context, and the connections' state changes
 * (emitted from webrtcbin's threads) are handed over to it. The lock only
 * guards the member table against the application thread changing
 * `peers`; no connection is called with it held. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsmesh.h"
#include "gstpeerjsconnection.h"
#include "gstpeerjsdatahub.h"
#include "gstpeerjsshared.h"
#include "gstpeerjssessionshare.h"

#include <string.h>

#define GST_CAT_DEFAULT peerjs_mesh_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* the seed's numbers: 3 attempts at 0, 2 and 4 s, then a slow poll so a
 * member that comes back is found again */
static const guint retry_delays_ms[] = { 0, 2000, 4000 };

#define SLOW_RETRY_MS 10000

/* peers=*: how often we ask the server who is there */
#define DISCOVERY_INTERVAL_MS 3000

enum
{
  SIGNAL_PAD_ADDED,
  SIGNAL_PAD_REMOVED,
  LAST_SIGNAL
};

static guint mesh_signals[LAST_SIGNAL];

typedef struct
{
  gchar *id;
  GstPeerJSConnection *media;
  guint attempts;
  GSource *retry;
  /* the newest OFFER of this member not answered yet, and the source that
   * answers it once the session thread is idle (answer_offer) */
  GstPeerJSMessage *offer;
  GSource *answer;
  gboolean joined;
  gboolean watcher;             /* its call sends us nothing: no seat */
} Member;

struct _GstPeerJSMesh
{
  GstObject parent;

  /* immutable after construction */
  GstElement *element;
  GstPeerJSSession *session;
  GstPeerJSFanout *fanout;
  GstPeerJSConnectionConfig conn_config;
  GstPeerJSDataHub *data;       /* the data connections */
  gchar *stun_server;
  gchar **turn_servers;
  gchar *room_id;
  GstPeerJSCallPolicy policy;
  guint max_peers;
  GMainContext *context;
  gulong open_id;
  gulong message_id;

  /* session thread only */
  gchar **explicit_peers;       /* the `peers` property */
  gchar **discovered;           /* peers=*: what the server lists */
  gboolean discover;
  gboolean open;                /* with no explicit peers, callers are in */
  gchar **admitted;             /* open: the callers, until they leave */
  gboolean discovery_failed;
  GSource *discovery;

  GMutex lock;
  GHashTable *members;          /* id -> Member */
  gchar *local_id;
  gboolean stopped;
};

#define gst_peerjs_mesh_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSMesh, gst_peerjs_mesh, GST_TYPE_OBJECT);

static void call_member (GstPeerJSMesh * self, const gchar * id);
static void update_members (GstPeerJSMesh * self);
static gboolean is_admitted (GstPeerJSMesh * self, const gchar * id);
static void forget_admitted (GstPeerJSMesh * self, const gchar * peer_id);
static gboolean discover_cb (gpointer user_data);

static void
member_free (Member * m)
{
  gst_peerjs_clear_source (&m->retry);
  gst_peerjs_clear_source (&m->answer);
  g_clear_pointer (&m->offer, gst_peerjs_message_free);
  g_clear_object (&m->media);
  g_free (m->id);
  g_free (m);
}

static void
post (GstPeerJSMesh * self, GstStructure * s)
{
  gst_peerjs_post (self->element, self->room_id, s);
}

static void
post_peer (GstPeerJSMesh * self, const gchar * name, const gchar * peer_id)
{
  post (self, gst_structure_new (name, "peer-id", G_TYPE_STRING, peer_id,
          NULL));
}

static void
post_error (GstPeerJSMesh * self, const gchar * type, const gchar * peer_id,
    const gchar * message)
{
  gst_peerjs_post_error (self->element, self->room_id, type, peer_id, NULL,
      message);
}

/* ---- connection signals, handed over to the session thread ---- */

typedef struct
{
  GstPeerJSMesh *mesh;
  GstPeerJSConnection *conn;
  GstPeerJSConnectionState state;
  gchar *reason;
} StateChange;

static void
state_change_free (StateChange * sc)
{
  gst_object_unref (sc->mesh);
  gst_object_unref (sc->conn);
  g_free (sc->reason);
  g_free (sc);
}

static Member *
lookup_member (GstPeerJSMesh * self, const gchar * id)
{
  return id ? g_hash_table_lookup (self->members, id) : NULL;
}

/* Takes @m's media connection away under the lock; the caller closes it. */
static GstPeerJSConnection *
take_media (GstPeerJSMesh * self, Member * m)
{
  GstPeerJSConnection *conn;

  g_mutex_lock (&self->lock);
  conn = m->media;
  m->media = NULL;
  g_mutex_unlock (&self->lock);
  return conn;
}

static void
close_connection (GstPeerJSMesh * self, GstPeerJSConnection * conn)
{
  if (!conn)
    return;
  /* close first: it emits "pad-removed" for the element to drop its pads;
   * a late "state-changed" is ignored (the member no longer has it) */
  gst_peerjs_connection_close (conn);
  g_signal_handlers_disconnect_by_data (conn, self);
  gst_object_unref (conn);
}

static void
retry_cb (GstObject * owner, const gchar * peer_id, GSource * source)
{
  GstPeerJSMesh *self = GST_PEERJS_MESH (owner);
  Member *m;

  g_mutex_lock (&self->lock);
  m = lookup_member (self, peer_id);
  if (m && m->retry == source) {
    g_source_unref (m->retry);
    m->retry = NULL;
  }
  g_mutex_unlock (&self->lock);

  call_member (self, peer_id);
}

/* Called with the lock held. */
static void
schedule_retry (GstPeerJSMesh * self, Member * m)
{
  guint delay;

  if (self->stopped || !self->local_id || is_admitted (self, m->id)
      || !gst_peerjs_policy_should_call (self->policy, self->local_id, m->id))
    return;

  delay = m->attempts < G_N_ELEMENTS (retry_delays_ms) ?
      retry_delays_ms[m->attempts] : SLOW_RETRY_MS;
  GST_DEBUG_OBJECT (self, "calling '%s' again in %u ms (attempt %u)", m->id,
      delay, m->attempts + 1);

  gst_peerjs_clear_source (&m->retry);
  m->retry = gst_peerjs_peer_timeout_add (self->context, delay,
      GST_OBJECT (self), m->id, retry_cb);
}

static void
post_connection_state (GstPeerJSMesh * self, GstPeerJSConnection * conn,
    GstPeerJSConnectionState state, const gchar * reason)
{
  post (self, gst_structure_new ("peerjs-connection-state",
          "peer-id", G_TYPE_STRING, gst_peerjs_connection_get_remote_id (conn),
          "connection-id", G_TYPE_STRING, gst_peerjs_connection_get_id (conn),
          "kind", G_TYPE_STRING, "media",
          "state", G_TYPE_STRING, gst_peerjs_connection_state_name (state),
          "reason", G_TYPE_STRING, reason ? reason : "", NULL));
}

static gboolean
apply_state_change (gpointer user_data)
{
  StateChange *sc = user_data;
  GstPeerJSMesh *self = sc->mesh;
  const gchar *peer_id = gst_peerjs_connection_get_remote_id (sc->conn);
  GstPeerJSConnection *gone = NULL;
  gboolean joined = FALSE, left = FALSE;
  Member *m;

  g_mutex_lock (&self->lock);
  if (self->stopped) {
    g_mutex_unlock (&self->lock);
    return G_SOURCE_REMOVE;
  }
  m = lookup_member (self, peer_id);
  if (!m || m->media != sc->conn) {
    /* an old connection, replaced or removed meanwhile */
    g_mutex_unlock (&self->lock);
    return G_SOURCE_REMOVE;
  }

  switch (sc->state) {
    case GST_PEERJS_CONNECTION_STATE_CONNECTED:
      m->attempts = 0;
      joined = !m->joined;
      m->joined = TRUE;
      break;
    case GST_PEERJS_CONNECTION_STATE_FAILED:
    case GST_PEERJS_CONNECTION_STATE_DISCONNECTED:
      gone = m->media;
      m->media = NULL;
      left = m->joined;
      m->joined = FALSE;
      break;
    default:
      break;
  }
  g_mutex_unlock (&self->lock);

  post_connection_state (self, sc->conn, sc->state, sc->reason);
  if (joined)
    post_peer (self, "peerjs-peer-joined", peer_id);
  if (sc->state == GST_PEERJS_CONNECTION_STATE_CONNECTED)
    gst_peerjs_data_hub_ensure_control (self->data, peer_id,
        gst_peerjs_connection_is_outgoing (sc->conn));

  if (gone) {
    close_connection (self, gone);
    gst_peerjs_data_hub_drop_peer (self->data, peer_id);
    if (left)
      post_peer (self, "peerjs-peer-left", peer_id);
    g_mutex_lock (&self->lock);
    m = lookup_member (self, peer_id);
    if (m) {
      m->attempts++;
      schedule_retry (self, m);
    }
    g_mutex_unlock (&self->lock);
    forget_admitted (self, peer_id);
  }
  return G_SOURCE_REMOVE;
}

static void
on_state_changed (GstPeerJSConnection * conn, GstPeerJSConnectionState state,
    const gchar * reason, GstPeerJSMesh * self)
{
  StateChange *sc = g_new0 (StateChange, 1);

  sc->mesh = gst_object_ref (self);
  sc->conn = gst_object_ref (conn);
  sc->state = state;
  sc->reason = g_strdup (reason);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
      apply_state_change, sc, (GDestroyNotify) state_change_free);
}

static void
on_pad_added (GstPeerJSConnection * conn, GstPad * pad,
    GstPeerJSTrackKind kind, GstPeerJSMesh * self)
{
  g_signal_emit (self, mesh_signals[SIGNAL_PAD_ADDED], 0, pad,
      gst_peerjs_connection_get_remote_id (conn), kind);
}

static void
on_pad_removed (GstPeerJSConnection * conn, GstPad * pad, GstPeerJSMesh * self)
{
  g_signal_emit (self, mesh_signals[SIGNAL_PAD_REMOVED], 0, pad);
}

/* Wires a new connection and starts it; FALSE if it could not start. */
static gboolean
start_connection (GstPeerJSMesh * self, GstPeerJSConnection * conn)
{
  GError *error = NULL;

  /* a member that vanished (killed, network gone) is reported within the
   * connection timeout, as a call that never connects is */
  g_object_set (conn, "liveness-timeout", self->conn_config.timeout_ms, NULL);
  gst_peerjs_forward_signalling (G_OBJECT (conn), self->session);
  g_signal_connect (conn, "state-changed", G_CALLBACK (on_state_changed), self);
  g_signal_connect (conn, "pad-added", G_CALLBACK (on_pad_added), self);
  g_signal_connect (conn, "pad-removed", G_CALLBACK (on_pad_removed), self);

  if (!gst_peerjs_connection_start (conn, &error)) {
    post_error (self, "webrtc", gst_peerjs_connection_get_remote_id (conn),
        error->message);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

/* The members with a call that are players (@watchers FALSE) or only
 * watch (TRUE: a peerjssrc, OBS). Lock held. */
static guint
count_calls (GstPeerJSMesh * self, gboolean watchers)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Member *m = value;

    n += m->media != NULL && m->watcher == watchers;
  }
  return n;
}

/* Whether one more member would be too many: max-peers counts the members
 * that send, so a receive-only element (a spectator, OBS) takes no seat.
 * Lock held. */
static gboolean
is_full (GstPeerJSMesh * self)
{
  guint seats =
      count_calls (self, FALSE) + 1 + (self->conn_config.send ? 1 : 0);

  return seats > self->max_peers;
}

static void
call_member (GstPeerJSMesh * self, const gchar * id)
{
  GstPeerJSConnection *conn;
  Member *m;

  g_mutex_lock (&self->lock);
  m = lookup_member (self, id);
  if (!m || m->media || self->stopped) {
    g_mutex_unlock (&self->lock);
    return;
  }
  if (is_full (self)) {
    g_mutex_unlock (&self->lock);
    GST_WARNING_OBJECT (self, "not calling '%s': max-peers (%u) reached", id,
        self->max_peers);
    return;
  }
  conn = gst_peerjs_connection_new_call (&self->conn_config, id, NULL);
  m->media = gst_object_ref (conn);
  g_mutex_unlock (&self->lock);

  GST_INFO_OBJECT (self, "calling '%s' (%s)", id,
      gst_peerjs_connection_get_id (conn));
  if (!start_connection (self, conn)) {
    g_mutex_lock (&self->lock);
    m = lookup_member (self, id);
    if (m && m->media == conn) {
      gst_object_unref (m->media);
      m->media = NULL;
      m->attempts++;
      schedule_retry (self, m);
    }
    g_mutex_unlock (&self->lock);
    close_connection (self, conn);
    return;
  }
  gst_object_unref (conn);
}


/* Whether an offer from @m is to be answered; closes our own call to it
 * when theirs wins. */
static gboolean
accept_offer (GstPeerJSMesh * self, Member * m, const GstPeerJSMessage * msg)
{
  GstPeerJSConnection *ours = NULL;
  gboolean remote_sends, remote_only_receives;

  /* a spectator (its offer sends nothing) takes no seat: a full room of
   * players still lets OBS watch; spectators have their own max-peers */
  gst_peerjs_session_share_offer_direction (msg->sdp, &remote_sends,
      &remote_only_receives);
  g_mutex_lock (&self->lock);
  if (!m->media) {
    if (remote_sends ? is_full (self) :
        count_calls (self, TRUE) + 1 > self->max_peers) {
      g_mutex_unlock (&self->lock);
      post_error (self, "rejected-call", msg->src, remote_sends ?
          "the room is full (max-peers)" : "too many spectators (max-peers)");
      return FALSE;
    }
    m->watcher = !remote_sends;
    g_mutex_unlock (&self->lock);
    return TRUE;
  }

  if (gst_peerjs_connection_is_outgoing (m->media)
      && !gst_peerjs_policy_prefer_incoming (self->policy, self->local_id,
          m->id)) {
    g_mutex_unlock (&self->lock);
    GST_INFO_OBJECT (self, "both called: keeping our call to '%s', "
        "ignoring theirs (%s)", m->id, msg->connection_id);
    return FALSE;
  }

  /* their call wins, or they called again (a new offer replaces the
   * connection, as in peerjs) */
  ours = m->media;
  m->media = NULL;
  m->watcher = !remote_sends;
  g_mutex_unlock (&self->lock);
  close_connection (self, ours);
  return TRUE;
}

/* The member an OFFER comes from, or NULL (a stranger: rejected). With
 * peers=*, whoever is on the server is a member, even before our next
 * look at the list; with open membership (peerjssink, peerjssrc) and no
 * `peers`, whoever calls. */
/* @v (taken) with @id added */
static gchar **
strv_with (gchar ** v, const gchar * id)
{
  GStrvBuilder *b = g_strv_builder_new ();
  gchar **out;

  if (v)
    g_strv_builder_addv (b, (const gchar **) v);
  g_strv_builder_add (b, id);
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  g_strfreev (v);
  return out;
}

/* A caller that came in through open membership left: it is no longer a
 * member (we do not call it back). Session thread. */
static void
forget_admitted (GstPeerJSMesh * self, const gchar * peer_id)
{
  GStrvBuilder *b;
  guint i;

  if (!self->admitted
      || !g_strv_contains ((const gchar * const *) self->admitted, peer_id))
    return;
  b = g_strv_builder_new ();
  for (i = 0; self->admitted[i]; i++)
    if (g_strcmp0 (self->admitted[i], peer_id) != 0)
      g_strv_builder_add (b, self->admitted[i]);
  g_strfreev (self->admitted);
  self->admitted = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  update_members (self);
}

/* A member because it called us (open membership): we never call it. */
static gboolean
is_admitted (GstPeerJSMesh * self, const gchar * id)
{
  return self->admitted
      && g_strv_contains ((const gchar * const *) self->admitted, id);
}

static gboolean
is_open (GstPeerJSMesh * self)
{
  return self->open && (!self->explicit_peers || !self->explicit_peers[0]);
}

static Member *
admit_member (GstPeerJSMesh * self, const GstPeerJSMessage * msg)
{
  Member *m;

  g_mutex_lock (&self->lock);
  m = lookup_member (self, msg->src);
  g_mutex_unlock (&self->lock);

  if (!m && (self->discover || is_open (self))) {
    if (self->discover)
      self->discovered = strv_with (self->discovered, msg->src);
    else
      self->admitted = strv_with (self->admitted, msg->src);
    update_members (self);
    g_mutex_lock (&self->lock);
    m = lookup_member (self, msg->src);
    g_mutex_unlock (&self->lock);
  }

  if (!m)
    post_error (self, msg->connection_type == GST_PEERJS_CONNECTION_DATA ?
        "rejected-connection" : "rejected-call", msg->src,
        "not a member of the room (see the peers property)");
  return m;
}

/* Answers @msg, the newest OFFER of its member. Session thread. */
static void
answer_now (GstPeerJSMesh * self, const GstPeerJSMessage * msg)
{
  GstPeerJSConnection *conn;
  GList *pending, *l;
  Member *m;

  g_mutex_lock (&self->lock);
  m = lookup_member (self, msg->src);
  g_mutex_unlock (&self->lock);
  if (!m || !accept_offer (self, m, msg))
    return;

  conn = gst_peerjs_connection_new_answer (&self->conn_config, msg);
  g_mutex_lock (&self->lock);
  m = lookup_member (self, msg->src);
  if (!m || m->media || self->stopped) {
    g_mutex_unlock (&self->lock);
    gst_object_unref (conn);
    return;
  }
  gst_peerjs_clear_source (&m->retry);
  m->media = gst_object_ref (conn);
  g_mutex_unlock (&self->lock);

  GST_INFO_OBJECT (self, "answering '%s' (%s)", msg->src, msg->connection_id);
  if (start_connection (self, conn)) {
    /* candidates the server relayed before we knew the connection */
    pending = gst_peerjs_session_claim_pending (self->session, msg->src,
        msg->connection_id);
    for (l = pending; l; l = l->next)
      gst_peerjs_connection_handle_message (conn, l->data);
    g_list_free_full (pending, (GDestroyNotify) gst_peerjs_message_free);
  } else {
    g_mutex_lock (&self->lock);
    if (m->media == conn)
      g_clear_object (&m->media);
    g_mutex_unlock (&self->lock);
    /* close_connection () takes our reference: unreffing it again freed
     * the connection under its queued state emission (a crash on any
     * OFFER whose SDP webrtcbin refused) */
    close_connection (self, conn);
    return;
  }
  gst_object_unref (conn);
}

static void
queued_offer_cb (GstObject * owner, const gchar * peer_id, GSource * source)
{
  GstPeerJSMesh *self = GST_PEERJS_MESH (owner);
  GstPeerJSMessage *offer = NULL;
  Member *m;

  g_mutex_lock (&self->lock);
  m = lookup_member (self, peer_id);
  if (m && m->answer == source) {
    g_source_unref (m->answer);
    m->answer = NULL;
    offer = g_steal_pointer (&m->offer);
  }
  g_mutex_unlock (&self->lock);
  if (offer) {
    answer_now (self, offer);
    gst_peerjs_message_free (offer);
  }
}

/* A member's OFFER. Each answer builds a webrtcbin and tears down the call
 * it replaces, which takes longer than a member calling again and again
 * takes to send the next OFFER (a flapping client, or a hostile one with a
 * member's ID: 100 OFFERs a second in elements/peerjsstrangers). Answered
 * at once, the OFFERs queued up in the socket, and as the closed
 * connections are only freed once this thread gets to their queued
 * notifications, about 1000 webrtcbins (1000 threads, 350 MB) were alive
 * at once and the room took 46 s to catch up. So an OFFER is only noted
 * here and answered by an idle-priority source, when the session thread has
 * read everything there is: of the OFFERs a member sent meanwhile only the
 * newest is answered (as peerjs keeps a caller's newest call), the others
 * get a peerjs-error. Session thread. */
static void
answer_offer (GstPeerJSMesh * self, const GstPeerJSMessage * msg)
{
  GstPeerJSMessage *superseded = NULL;
  gboolean duplicate;
  Member *m;

  if (!(m = admit_member (self, msg)))
    return;
  g_mutex_lock (&self->lock);
  duplicate = (m->media && g_strcmp0 (gst_peerjs_connection_get_id
          (m->media), msg->connection_id) == 0) || (m->offer
      && g_strcmp0 (m->offer->connection_id, msg->connection_id) == 0);
  g_mutex_unlock (&self->lock);

  if (duplicate) {
    /* the OFFER of the call we have, again (replayed or relayed twice):
     * answering it would tear the working call down; peerjs ignores it
     * too */
    GST_WARNING_OBJECT (self, "duplicate OFFER from '%s' for connection "
        "'%s': ignored", msg->src, msg->connection_id);
    return;
  }
  /* before accept_offer () closes the call this one replaces: an offer we
   * cannot answer must not cost the call that works */
  if (!gst_peerjs_connection_offer_is_usable (msg->sdp)) {
    gst_peerjs_post_error (self->element, self->room_id, "webrtc", msg->src,
        msg->connection_id, "unreadable SDP in the OFFER");
    return;
  }

  g_mutex_lock (&self->lock);
  m = lookup_member (self, msg->src);
  if (!m || self->stopped) {
    g_mutex_unlock (&self->lock);
    return;
  }
  superseded = m->offer;
  m->offer = gst_peerjs_message_copy (msg);
  if (!m->answer) {
    m->answer = gst_peerjs_peer_timeout_add (self->context, 0,
        GST_OBJECT (self), m->id, queued_offer_cb);
    g_source_set_priority (m->answer, G_PRIORITY_DEFAULT_IDLE);
  }
  g_mutex_unlock (&self->lock);

  if (superseded) {
    gst_peerjs_post_error (self->element, self->room_id, "rejected-call",
        superseded->src, superseded->connection_id, "a newer OFFER from the "
        "same peer came before this one was answered");
    gst_peerjs_message_free (superseded);
  }
}

/* An ANSWER or CANDIDATE for one of our connections. */
static gboolean
route_to_connection (GstPeerJSMesh * self, const GstPeerJSMessage * msg)
{
  GstPeerJSConnection *conn = NULL;
  Member *m;

  g_mutex_lock (&self->lock);
  m = lookup_member (self, msg->src);
  if (m && m->media && g_strcmp0 (gst_peerjs_connection_get_id (m->media),
          msg->connection_id) == 0)
    conn = gst_object_ref (m->media);
  g_mutex_unlock (&self->lock);

  if (!conn)
    return FALSE;
  gst_peerjs_connection_handle_message (conn, msg);
  gst_object_unref (conn);
  return TRUE;
}

/* The member is gone (LEAVE) or unreachable (EXPIRE): drop its call. */
static void
drop_member_call (GstPeerJSMesh * self, const gchar * peer_id,
    GstPeerJSConnectionState state, const gchar * why, gboolean only_unanswered)
{
  GstPeerJSConnection *conn;
  Member *m;

  g_mutex_lock (&self->lock);
  m = lookup_member (self, peer_id);
  if (!m || !m->media || (only_unanswered
          && gst_peerjs_connection_get_state (m->media) ==
          GST_PEERJS_CONNECTION_STATE_CONNECTED)) {
    g_mutex_unlock (&self->lock);
    return;
  }
  g_mutex_unlock (&self->lock);

  conn = take_media (self, m);
  if (!conn)
    return;
  post_connection_state (self, conn, state, why);
  close_connection (self, conn);

  g_mutex_lock (&self->lock);
  m = lookup_member (self, peer_id);
  if (m) {
    gboolean left = m->joined;

    m->joined = FALSE;
    m->attempts++;
    schedule_retry (self, m);
    g_mutex_unlock (&self->lock);
    if (left)
      post_peer (self, "peerjs-peer-left", peer_id);
    forget_admitted (self, peer_id);
    return;
  }
  g_mutex_unlock (&self->lock);
}

/* ---- meshes sharing one session (a peerjssink and a peerjssrc with one
 * ID): every mesh gets every message, in the order they connected, and the
 * first that returns TRUE ends the emission. So that exactly one of them
 * takes an OFFER, each computes the same winner over the session's list
 * (gstpeerjssessionshare.c), on the session thread where the list and the
 * memberships do not change meanwhile. ---- */

static gboolean
has_media_with (GstPeerJSMesh * self, const gchar * peer_id)
{
  Member *m;
  gboolean has;

  g_mutex_lock (&self->lock);
  m = lookup_member (self, peer_id);
  has = m && m->media;
  g_mutex_unlock (&self->lock);
  return has;
}

/* How much @self wants @msg's caller: 2 listed in `peers`, 1 let in by
 * open membership or discovery, 0 a stranger (rejected). Session
 * thread. */
static guint
membership_score (GstPeerJSMesh * self, const GstPeerJSMessage * msg)
{
  Member *m;

  if (self->explicit_peers && g_strv_contains ((const gchar * const *)
          self->explicit_peers, msg->src))
    return 2;
  g_mutex_lock (&self->lock);
  m = lookup_member (self, msg->src);
  g_mutex_unlock (&self->lock);
  return m || self->discover || is_open (self) ? 1 : 0;
}

/* Higher takes @msg. A media OFFER: membership first, then whether our
 * direction fits the offer's (we receive what the caller sends, or we
 * send to a caller that only receives). A data OFFER or an EXPIRE: the
 * mesh with a call with that peer first, then membership. */
static guint
offer_score (GstPeerJSMesh * self, const GstPeerJSMessage * msg,
    gboolean remote_sends, gboolean remote_only_receives)
{
  guint score = membership_score (self, msg);

  if (msg->type == GST_PEERJS_MESSAGE_OFFER
      && msg->connection_type == GST_PEERJS_CONNECTION_MEDIA)
    return score * 2 + ((remote_sends && self->conn_config.receive)
        || (remote_only_receives && self->conn_config.send));
  return score + (has_media_with (self, msg->src) ? 3 : 0);
}

/* Whether @self is the one mesh on its session to handle @msg. Session
 * thread. */
static gboolean
is_chosen (GstPeerJSMesh * self, const GstPeerJSMessage * msg)
{
  GPtrArray *meshes = gst_peerjs_session_share_list (self->session);
  gboolean remote_sends = FALSE, remote_only_receives = FALSE;
  GstPeerJSMesh *best = NULL;
  guint i, best_score = 0;

  if (!meshes || meshes->len == 0) {
    /* alone (no list), or nobody joined yet */
    if (meshes)
      g_ptr_array_unref (meshes);
    return TRUE;
  }
  if (meshes->len > 1 && msg->type == GST_PEERJS_MESSAGE_OFFER
      && msg->connection_type == GST_PEERJS_CONNECTION_MEDIA)
    gst_peerjs_session_share_offer_direction (msg->sdp, &remote_sends,
        &remote_only_receives);
  for (i = 0; i < meshes->len; i++) {
    GstPeerJSMesh *m = g_ptr_array_index (meshes, i);
    guint score = meshes->len > 1 ? offer_score (m, msg, remote_sends,
        remote_only_receives) : 0;

    /* the first of the best: list order breaks ties; a stranger to all
     * is rejected by the first, once */
    if (!best || score > best_score) {
      best = m;
      best_score = score;
    }
  }
  g_ptr_array_unref (meshes);
  if (best != self)
    GST_DEBUG_OBJECT (self, "%s from '%s' (%s) is for %" GST_PTR_FORMAT,
        msg->type_name, msg->src, GST_STR_NULL (msg->connection_id), best);
  return best == self;
}

static gboolean
on_session_message (GstPeerJSSession * session, const GstPeerJSMessage * msg,
    GstPeerJSMesh * self)
{
  switch (msg->type) {
    case GST_PEERJS_MESSAGE_OFFER:
      if (!is_chosen (self, msg))
        return FALSE;
      if (msg->connection_type == GST_PEERJS_CONNECTION_MEDIA)
        answer_offer (self, msg);
      else if (admit_member (self, msg))
        gst_peerjs_data_hub_answer (self->data, msg);
      return TRUE;
    case GST_PEERJS_MESSAGE_ANSWER:
    case GST_PEERJS_MESSAGE_CANDIDATE:
      /* FALSE: another mesh on the session may own it, or the session
       * keeps it for a connection about to exist */
      return route_to_connection (self, msg)
          || gst_peerjs_data_hub_route (self->data, msg);
    case GST_PEERJS_MESSAGE_LEAVE:
      drop_member_call (self, msg->src,
          GST_PEERJS_CONNECTION_STATE_DISCONNECTED, "remote-leave", FALSE);
      gst_peerjs_data_hub_drop_peer (self->data, msg->src);
      /* the peer closed every connection with our ID, whichever mesh on
       * the session has them: every mesh must see it (the session drops
       * an unhandled LEAVE) */
      return FALSE;
    case GST_PEERJS_MESSAGE_EXPIRE:
      /* one error for the message that could not be delivered */
      if (is_chosen (self, msg))
        post_error (self, "peer-unavailable", msg->src,
            "the peer is not connected to the server");
      drop_member_call (self, msg->src, GST_PEERJS_CONNECTION_STATE_FAILED,
          "peer-unavailable", TRUE);
      return FALSE;
    default:
      return FALSE;
  }
}

static void
call_all_due (GstPeerJSMesh * self)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Member *m = value;

    if (self->local_id && !m->media && !m->retry && !is_admitted (self, m->id)
        && gst_peerjs_policy_should_call (self->policy, self->local_id, m->id))
      g_ptr_array_add (ids, g_strdup (m->id));
  }
  g_mutex_unlock (&self->lock);

  for (i = 0; i < ids->len; i++)
    call_member (self, g_ptr_array_index (ids, i));
  g_ptr_array_unref (ids);
}

static void
on_session_open (GstPeerJSSession * session, const gchar * peer_id,
    GstPeerJSMesh * self)
{
  g_mutex_lock (&self->lock);
  g_free (self->local_id);
  self->local_id = g_strdup (peer_id);
  /* a member with our own ID would be a self-call */
  g_hash_table_remove (self->members, peer_id);
  g_mutex_unlock (&self->lock);

  if (self->discover)
    discover_cb (self);
  call_all_due (self);
}

static gboolean
catch_up_open (gpointer user_data)
{
  GstPeerJSMesh *self = user_data;
  gchar *id;

  /* on the session thread, so that the meshes of a shared session see
   * their list change only between two messages */
  if (!self->stopped)
    gst_peerjs_session_share_join (self->session, GST_OBJECT (self));
  if (gst_peerjs_session_get_state (self->session) !=
      GST_PEERJS_SESSION_STATE_OPEN || self->stopped)
    return G_SOURCE_REMOVE;
  id = gst_peerjs_session_get_id (self->session);
  on_session_open (self->session, id, self);
  g_free (id);
  return G_SOURCE_REMOVE;
}

/* ---- membership ---- */

typedef struct
{
  GstPeerJSMesh *mesh;
  gchar **peers;
} PeersUpdate;

static void
peers_update_free (PeersUpdate * u)
{
  gst_object_unref (u->mesh);
  g_strfreev (u->peers);
  g_free (u);
}

/* Makes @peers the members: new ones are added (and called if it is our
 * turn), gone ones hung up. Session thread. */
static void
set_members (GstPeerJSMesh * self, const gchar * const *peers)
{
  GPtrArray *removed = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;
  guint i;

  g_mutex_lock (&self->lock);
  if (self->stopped) {
    g_mutex_unlock (&self->lock);
    g_ptr_array_unref (removed);
    return;
  }
  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    if (!g_strv_contains (peers, key)) {
      g_ptr_array_add (removed, value);
      g_hash_table_iter_steal (&iter);
    }
  }
  for (i = 0; peers[i]; i++) {
    Member *m;

    if (g_hash_table_contains (self->members, peers[i])
        || g_strcmp0 (peers[i], self->local_id) == 0)
      continue;
    m = g_new0 (Member, 1);
    m->id = g_strdup (peers[i]);
    g_hash_table_insert (self->members, m->id, m);
  }
  g_mutex_unlock (&self->lock);

  for (i = 0; i < removed->len; i++) {
    Member *m = g_ptr_array_index (removed, i);
    GstPeerJSConnection *conn = m->media;

    GST_INFO_OBJECT (self, "'%s' is no longer a member", m->id);
    m->media = NULL;
    gst_peerjs_clear_source (&m->retry);
    if (conn) {
      post_connection_state (self, conn,
          GST_PEERJS_CONNECTION_STATE_DISCONNECTED, "removed");
      close_connection (self, conn);
    }
    gst_peerjs_data_hub_drop_peer (self->data, m->id);
    if (m->joined)
      post_peer (self, "peerjs-peer-left", m->id);
    member_free (m);
  }
  g_ptr_array_unref (removed);

  call_all_due (self);
}

static void
update_members (GstPeerJSMesh * self)
{
  GPtrArray *all = g_ptr_array_new ();
  guint i;

  for (i = 0; self->explicit_peers && self->explicit_peers[i]; i++)
    g_ptr_array_add (all, self->explicit_peers[i]);
  for (i = 0; self->discovered && self->discovered[i]; i++)
    if (!g_strv_contains ((const gchar * const *) self->explicit_peers,
            self->discovered[i]))
      g_ptr_array_add (all, self->discovered[i]);
  for (i = 0; is_open (self) && self->admitted && self->admitted[i]; i++)
    g_ptr_array_add (all, self->admitted[i]);
  g_ptr_array_add (all, NULL);
  set_members (self, (const gchar * const *) all->pdata);
  g_ptr_array_unref (all);
}

static gboolean
apply_peers (gpointer user_data)
{
  PeersUpdate *u = user_data;

  g_strfreev (u->mesh->explicit_peers);
  u->mesh->explicit_peers = g_strdupv (u->peers);
  update_members (u->mesh);
  return G_SOURCE_REMOVE;
}

/* ---- peers=*: every ID the server lists ---- */

static void
on_peers_listed (GstPeerJSSession * session, gchar ** peers,
    const GError * error, gpointer user_data)
{
  GstPeerJSMesh *self = user_data;

  if (self->stopped)
    return;
  if (error) {
    if (!self->discovery_failed)
      post_error (self, "server-error", "", error->message);
    self->discovery_failed = TRUE;
    return;
  }
  self->discovery_failed = FALSE;
  g_strfreev (self->discovered);
  self->discovered = g_strdupv (peers);
  update_members (self);
}

static gboolean
discover_cb (gpointer user_data)
{
  GstPeerJSMesh *self = user_data;

  if (gst_peerjs_session_get_state (self->session) ==
      GST_PEERJS_SESSION_STATE_OPEN)
    gst_peerjs_session_list_peers (self->session, on_peers_listed,
        gst_object_ref (self), gst_object_unref);
  return G_SOURCE_CONTINUE;
}

void
gst_peerjs_mesh_set_peers (GstPeerJSMesh * mesh, const gchar * const *peers)
{
  PeersUpdate *u = g_new0 (PeersUpdate, 1);

  u->mesh = gst_object_ref (mesh);
  u->peers = g_strdupv ((gchar **) peers);
  g_main_context_invoke_full (mesh->context, G_PRIORITY_DEFAULT, apply_peers,
      u, (GDestroyNotify) peers_update_free);
}

/* An error from inside one of our connections (webrtcbin's SCTP elements
 * fail when the remote's association goes away, e.g. a browser's
 * call.close()): that connection ends, the pipeline goes on. Returns
 * whether @msg was such an error. Any thread. */
/* The connection whose elements @object is (inside) of, or NULL. */
static GstPeerJSConnection *
find_owner (GstPeerJSMesh * self, GstObject * object)
{
  GstPeerJSConnection *owner = NULL;
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->members);
  while (!owner && g_hash_table_iter_next (&iter, NULL, &value)) {
    Member *m = value;

    if (m->media && gst_peerjs_connection_owns (m->media, object))
      owner = gst_object_ref (m->media);
  }
  g_mutex_unlock (&self->lock);
  return owner;
}

gboolean
gst_peerjs_mesh_owns (GstPeerJSMesh * mesh, GstObject * object)
{
  GstPeerJSConnection *owner = find_owner (mesh, object);

  if (owner)
    gst_object_unref (owner);
  return owner != NULL || gst_peerjs_data_hub_owns (mesh->data, object);
}

gboolean
gst_peerjs_mesh_handle_error (GstPeerJSMesh * mesh, GstMessage * msg)
{
  GstPeerJSMesh *self = mesh;
  GstPeerJSConnection *owner = find_owner (self, GST_MESSAGE_SRC (msg));
  GError *error = NULL;
  gchar *debug = NULL;
  gboolean sctp;

  if (!owner)
    return gst_peerjs_data_hub_handle_error (self->data, msg);

  gst_message_parse_error (msg, &error, &debug);
  sctp = g_str_has_prefix (G_OBJECT_TYPE_NAME (GST_MESSAGE_SRC (msg)),
      "GstSctp");
  GST_INFO_OBJECT (self, "error in the call with '%s' (%s): %s",
      gst_peerjs_connection_get_remote_id (owner),
      GST_MESSAGE_SRC_NAME (msg), debug ? debug : error->message);
  if (!sctp)
    post_error (self, "webrtc", gst_peerjs_connection_get_remote_id (owner),
        error->message);
  /* the data channel association dies when the remote closes its peer
   * connection: that is how a hang-up looks from here */
  on_state_changed (owner, sctp ? GST_PEERJS_CONNECTION_STATE_DISCONNECTED :
      GST_PEERJS_CONNECTION_STATE_FAILED,
      sctp ? "remote-hangup" : "webrtc-error", self);
  g_clear_error (&error);
  g_free (debug);
  gst_object_unref (owner);
  return TRUE;
}

/* Tells every member we are connected to that we leave, through the
 * server: a webrtcbin closing its data channel is not always seen by the
 * other side, a LEAVE always is (peerjs 1.5.5 closes its calls with us on
 * it, and so do we). */
/* Whether another mesh on our session has a call with @peer_id. */
static gboolean
served_by_another (GstPeerJSMesh * self, const gchar * peer_id)
{
  GPtrArray *meshes = gst_peerjs_session_share_list (self->session);
  gboolean served = FALSE;
  guint i;

  for (i = 0; meshes && i < meshes->len && !served; i++) {
    GstPeerJSMesh *other = g_ptr_array_index (meshes, i);

    served = other != self && has_media_with (other, peer_id);
  }
  if (meshes)
    g_ptr_array_unref (meshes);
  return served;
}

void
gst_peerjs_mesh_say_goodbye (GstPeerJSMesh * mesh)
{
  GstPeerJSMesh *self = mesh;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Member *) value)->media)
      g_ptr_array_add (ids, g_strdup (((Member *) value)->id));
  g_mutex_unlock (&self->lock);

  for (i = 0; i < ids->len; i++) {
    GstPeerJSMessage *leave;

    /* a LEAVE closes every connection the peer has with our ID, also
     * another element's on a shared session: that one's call just ends
     * when ours does */
    if (served_by_another (self, g_ptr_array_index (ids, i))) {
      GST_INFO_OBJECT (self, "no LEAVE to '%s': another element on our "
          "session has a call with it", (gchar *) g_ptr_array_index (ids, i));
      continue;
    }
    leave = gst_peerjs_message_new (GST_PEERJS_MESSAGE_LEAVE);
    leave->dst = g_strdup (g_ptr_array_index (ids, i));
    gst_peerjs_session_send (self->session, leave, NULL);
    gst_peerjs_message_free (leave);
  }
  g_ptr_array_unref (ids);
}

static gboolean
detach_from_session (gpointer user_data)
{
  GstPeerJSMesh *self = user_data;

  g_signal_handler_disconnect (self->session, self->open_id);
  g_signal_handler_disconnect (self->session, self->message_id);
  gst_peerjs_session_share_leave (self->session, GST_OBJECT (self));
  g_mutex_lock (&self->lock);
  self->stopped = TRUE;
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

void
gst_peerjs_mesh_stop (GstPeerJSMesh * mesh)
{
  GstPeerJSMesh *self = mesh;
  GPtrArray *conns = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint i;

  /* the session may go on for another element: on its thread, so that
   * no handler of ours is running afterwards and whatever runs there
   * later sees `stopped` */
  gst_peerjs_session_share_run_sync (self->session, detach_from_session, self);

  g_mutex_lock (&self->lock);
  gst_peerjs_clear_source (&self->discovery);
  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Member *m = value;

    gst_peerjs_clear_source (&m->retry);
    if (m->media)
      g_ptr_array_add (conns, m->media);
    m->media = NULL;
  }
  g_mutex_unlock (&self->lock);

  for (i = 0; i < conns->len; i++)
    close_connection (self, g_ptr_array_index (conns, i));
  g_ptr_array_unref (conns);
  gst_peerjs_data_hub_stop (self->data);

  /* the session thread is gone: run what was handed to it (each sees
   * `stopped`), so nothing keeps a reference to us. While it runs for
   * another element, this does nothing: the thread runs them. */
  while (g_main_context_iteration (self->context, FALSE));
}

GstPeerJSDataHub *
gst_peerjs_mesh_get_data_hub (GstPeerJSMesh * mesh)
{
  return gst_object_ref (mesh->data);
}

GstPeerJSMesh *
gst_peerjs_mesh_new (const GstPeerJSMeshConfig * config)
{
  GstPeerJSMesh *self = g_object_new (GST_TYPE_PEERJS_MESH, NULL);

  gst_object_ref_sink (self);
  self->element = config->element;
  self->session = gst_object_ref (config->session);
  self->fanout = config->fanout ? gst_object_ref (config->fanout) : NULL;
  self->policy = config->policy;
  self->max_peers = config->max_peers;
  self->stun_server = g_strdup (config->stun_server);
  self->turn_servers = g_strdupv ((gchar **) config->turn_servers);
  self->room_id = g_strdup (config->room_id);
  self->context = gst_peerjs_session_get_context (config->session);

  self->conn_config.bin = GST_BIN (config->element);
  self->conn_config.fanout = self->fanout;
  self->conn_config.send = config->send;
  self->conn_config.receive = config->receive;
  self->conn_config.context = self->context;
  self->conn_config.stun_server = self->stun_server;
  self->conn_config.turn_servers = (const gchar * const *) self->turn_servers;
  self->conn_config.latency_ms = config->latency_ms;
  self->conn_config.timeout_ms = config->timeout_ms;
  self->data = gst_peerjs_data_hub_new (&self->conn_config, config->element,
      config->session, config->room_id);

  self->open_id = g_signal_connect (self->session, "open",
      G_CALLBACK (on_session_open), self);
  self->message_id = g_signal_connect (self->session, "message",
      G_CALLBACK (on_session_message), self);
  self->discover = config->discover;
  self->open = config->open;
  if (self->discover) {
    self->discovery = g_timeout_source_new (DISCOVERY_INTERVAL_MS);
    g_source_set_callback (self->discovery, discover_cb, self, NULL);
    g_source_attach (self->discovery, self->context);
  }
  /* the session may have opened before we listened */
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
      catch_up_open, gst_object_ref (self), gst_object_unref);
  return self;
}

static void
gst_peerjs_mesh_finalize (GObject * object)
{
  GstPeerJSMesh *self = GST_PEERJS_MESH (object);

  g_hash_table_unref (self->members);
  gst_object_unref (self->data);
  gst_object_unref (self->session);
  g_clear_object (&self->fanout);
  g_free (self->stun_server);
  g_strfreev (self->turn_servers);
  g_free (self->room_id);
  g_free (self->local_id);
  g_strfreev (self->explicit_peers);
  g_strfreev (self->discovered);
  g_strfreev (self->admitted);
  if (self->context)
    g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_mesh_init (GstPeerJSMesh * self)
{
  g_mutex_init (&self->lock);
  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) member_free);
}

static void
gst_peerjs_mesh_class_init (GstPeerJSMeshClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT, "peerjsmesh", 0,
      "PeerJS room members and their calls");

  gobject_class->finalize = gst_peerjs_mesh_finalize;

  mesh_signals[SIGNAL_PAD_ADDED] = g_signal_new ("pad-added",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, GST_TYPE_PAD, G_TYPE_STRING, G_TYPE_INT);
  mesh_signals[SIGNAL_PAD_REMOVED] = g_signal_new ("pad-removed",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, GST_TYPE_PAD);
}

/* For the stats: every member's current media connection (transfer
 * full: an array of connection references, whose remote ID is the
 * member's ID). Empty once stopped. Any thread. */
GPtrArray *
gst_peerjs_mesh_get_media_connections (GstPeerJSMesh * mesh)
{
  GPtrArray *conns = g_ptr_array_new_with_free_func (gst_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (GST_IS_PEERJS_MESH (mesh), conns);

  g_mutex_lock (&mesh->lock);
  if (!mesh->stopped) {
    g_hash_table_iter_init (&iter, mesh->members);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      if (((Member *) value)->media)
        g_ptr_array_add (conns, gst_object_ref (((Member *) value)->media));
  }
  g_mutex_unlock (&mesh->lock);
  return conns;
}
