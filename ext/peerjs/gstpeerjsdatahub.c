/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The data connections of one element, by member.
 *
 * Each data connection is its own webrtcbin (as in peerjs: one
 * RTCPeerConnection per DataConnection). Values arrive on webrtcbin's data
 * channel threads and are posted from there; everything that closes a
 * connection runs on the session's context, because closing waits for
 * webrtcbin's threads.
 *
 * The control connection of a member is the first data connection with it
 * that opens, whoever opened it: our track state goes there; the member's
 * track state is taken from any of its connections (docs/track-state.md).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsdatahub.h"
#include "gstpeerjstrackstate.h"
#include "gstpeerjsshared.h"

#define GST_CAT_DEFAULT peerjs_data_hub_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* how long a member that was called by the other side has to open the
 * control connection before we do */
#define CONTROL_GRACE_MS 3000
/* how often a control connection we opened that failed (never connected
 * within the connection timeout, or ICE failed) is opened again while the
 * member stays: track state must not stay deaf for the rest of a game */
#define CONTROL_RETRIES 3

enum
{
  SIGNAL_VALUE,
  SIGNAL_TRACK_STATE,
  LAST_SIGNAL
};

static guint hub_signals[LAST_SIGNAL];

typedef struct
{
  gchar *id;
  GPtrArray *conns;             /* GstPeerJSConnection */
  GstPeerJSConnection *control; /* one of conns, or NULL */
  GSource *grace;
  guint control_retries;        /* failed control connections reopened */
} Peer;

struct _GstPeerJSDataHub
{
  GstObject parent;

  /* immutable after construction */
  GstElement *element;
  GstPeerJSSession *session;
  GstPeerJSConnectionConfig conn_config;
  gchar *stun_server;
  gchar **turn_servers;
  gchar *room_id;
  GMainContext *context;

  GMutex lock;
  GHashTable *peers;            /* id -> Peer */
  /* connections being shut: their elements may still post errors, which
   * are theirs (find_owner) */
  GPtrArray *closing;
  gboolean video_enabled, audio_enabled;
  gboolean stopped;
};

#define gst_peerjs_data_hub_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSDataHub, gst_peerjs_data_hub, GST_TYPE_OBJECT);

static GQuark hub_quark;

static void
peer_free (Peer * p)
{
  gst_peerjs_clear_source (&p->grace);
  g_ptr_array_unref (p->conns);
  g_free (p->id);
  g_free (p);
}

/* Called with the lock held. */
static Peer *
get_peer (GstPeerJSDataHub * self, const gchar * id)
{
  Peer *p = g_hash_table_lookup (self->peers, id);

  if (!p) {
    p = g_new0 (Peer, 1);
    p->id = g_strdup (id);
    p->conns = g_ptr_array_new_with_free_func (gst_object_unref);
    g_hash_table_insert (self->peers, p->id, p);
  }
  return p;
}

/* Called with the lock held; returns a new ref. */
static GstPeerJSConnection *
find_connection (GstPeerJSDataHub * self, const gchar * peer_id,
    const gchar * connection_id)
{
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Peer *p = value;

    if (peer_id && g_strcmp0 (p->id, peer_id) != 0)
      continue;
    for (i = 0; i < p->conns->len; i++) {
      GstPeerJSConnection *c = g_ptr_array_index (p->conns, i);

      if (g_strcmp0 (gst_peerjs_connection_get_id (c), connection_id) == 0)
        return gst_object_ref (c);
    }
  }
  return NULL;
}

/* ---- messages ---- */

static void
post (GstPeerJSDataHub * self, GstStructure * s)
{
  gst_peerjs_post (self->element, self->room_id, s);
}

static void
post_error (GstPeerJSDataHub * self, const gchar * type,
    const gchar * peer_id, const gchar * connection_id, const gchar * message)
{
  gst_peerjs_post_error (self->element, self->room_id, type, peer_id,
      connection_id, message);
}

static void
post_connection (GstPeerJSDataHub * self, GstPeerJSConnection * conn,
    const gchar * state, const gchar * reason)
{
  post (self, gst_structure_new ("peerjs-data-connection",
          "peer-id", G_TYPE_STRING, gst_peerjs_connection_get_remote_id (conn),
          "connection-id", G_TYPE_STRING, gst_peerjs_connection_get_id (conn),
          "label", G_TYPE_STRING, gst_peerjs_connection_get_label (conn),
          "serialization", G_TYPE_STRING,
          gst_peerjs_serialization_to_string
          (gst_peerjs_connection_get_serialization (conn)),
          "reliable", G_TYPE_BOOLEAN, gst_peerjs_connection_is_reliable (conn),
          "outgoing", G_TYPE_BOOLEAN, gst_peerjs_connection_is_outgoing (conn),
          "state", G_TYPE_STRING, state,
          "reason", G_TYPE_STRING, reason ? reason : "", NULL));
}

static void
post_data (GstPeerJSDataHub * self, GstPeerJSConnection * conn,
    GVariant * value)
{
  GstStructure *s = gst_structure_new ("peerjs-data",
      "peer-id", G_TYPE_STRING, gst_peerjs_connection_get_remote_id (conn),
      "connection-id", G_TYPE_STRING, gst_peerjs_connection_get_id (conn),
      "label", G_TYPE_STRING, gst_peerjs_connection_get_label (conn),
      "serialization", G_TYPE_STRING,
      gst_peerjs_serialization_to_string
      (gst_peerjs_connection_get_serialization (conn)), NULL);

  if (gst_peerjs_value_is_binary (value)) {
    GBytes *bytes = g_variant_get_data_as_bytes (value);
    GstBuffer *buf = gst_buffer_new_wrapped_bytes (bytes);

    gst_structure_set (s, "data", GST_TYPE_BUFFER, buf, NULL);
    gst_buffer_unref (buf);
    g_bytes_unref (bytes);
  } else {
    gchar *json = gst_peerjs_value_to_json (value);

    gst_structure_set (s, "json", G_TYPE_STRING, json, NULL);
    g_free (json);
  }
  post (self, s);
}

/* ---- closing, on the session's context ---- */

typedef struct
{
  GstPeerJSDataHub *hub;
  GstPeerJSConnection *conn;
  gchar *reason;
  gboolean failed;
} Closing;

static void
closing_free (Closing * c)
{
  gst_object_unref (c->hub);
  gst_object_unref (c->conn);
  g_free (c->reason);
  g_free (c);
}

static void
shut (GstPeerJSDataHub * self, GstPeerJSConnection * conn)
{
  GstPeerJSDataChannel *channel = gst_peerjs_connection_get_data_channel (conn);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->closing, gst_object_ref (conn));
  g_mutex_unlock (&self->lock);

  if (channel) {
    g_signal_handlers_disconnect_by_data (channel, conn);
    gst_object_unref (channel);
  }
  g_signal_handlers_disconnect_by_data (conn, self);
  gst_peerjs_connection_close (conn);

  g_mutex_lock (&self->lock);
  g_ptr_array_remove (self->closing, conn);
  g_mutex_unlock (&self->lock);
}

/* Takes @conn out of its member's list; TRUE if it was there. Picks
 * another open connection as the control one if it was that. */
static gboolean
forget (GstPeerJSDataHub * self, GstPeerJSConnection * conn)
{
  Peer *p;
  gboolean found = FALSE;
  guint i;

  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->peers,
      gst_peerjs_connection_get_remote_id (conn));
  if (p) {
    gst_object_ref (conn);
    found = g_ptr_array_remove (p->conns, conn);
    if (p->control == conn) {
      p->control = NULL;
      for (i = 0; i < p->conns->len; i++) {
        GstPeerJSConnection *c = g_ptr_array_index (p->conns, i);
        GstPeerJSDataChannel *ch = gst_peerjs_connection_get_data_channel (c);

        if (ch && gst_peerjs_data_channel_is_open (ch))
          p->control = c;
        if (ch)
          gst_object_unref (ch);
        if (p->control)
          break;
      }
    }
    gst_object_unref (conn);
  }
  g_mutex_unlock (&self->lock);
  return found;
}

static void open_control (GstPeerJSDataHub * self, const gchar * peer_id);

/* TRUE if @conn, a control connection we opened that failed, is to be
 * opened again: its member is still here and has no other connection. */
static gboolean
reopen_control (GstPeerJSDataHub * self, GstPeerJSConnection * conn)
{
  gboolean reopen = FALSE;
  Peer *p;

  if (!gst_peerjs_connection_is_outgoing (conn)
      || g_strcmp0 (gst_peerjs_connection_get_label (conn),
          GST_PEERJS_CONTROL_LABEL) != 0)
    return FALSE;
  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->peers,
      gst_peerjs_connection_get_remote_id (conn));
  if (p && !self->stopped && p->conns->len == 0
      && p->control_retries < CONTROL_RETRIES) {
    p->control_retries++;
    reopen = TRUE;
  }
  g_mutex_unlock (&self->lock);
  return reopen;
}

static gboolean
close_cb (gpointer user_data)
{
  Closing *c = user_data;
  const gchar *peer_id = gst_peerjs_connection_get_remote_id (c->conn);

  if (forget (c->hub, c->conn)) {
    shut (c->hub, c->conn);
    post_connection (c->hub, c->conn, "closed", c->reason);
    if (c->failed && reopen_control (c->hub, c->conn)) {
      GST_WARNING_OBJECT (c->hub, "the control connection to '%s' failed "
          "(%s): opening another", peer_id, c->reason);
      open_control (c->hub, peer_id);
    }
  }
  return G_SOURCE_REMOVE;
}

static void
close_later (GstPeerJSDataHub * self, GstPeerJSConnection * conn,
    const gchar * reason, gboolean failed)
{
  Closing *c = g_new0 (Closing, 1);

  c->hub = gst_object_ref (self);
  c->conn = gst_object_ref (conn);
  c->reason = g_strdup (reason);
  c->failed = failed;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, close_cb, c,
      (GDestroyNotify) closing_free);
}

/* ---- the channel's signals (webrtcbin's thread); user data: the
 * connection, whose hub is in its qdata ---- */

static GstPeerJSDataHub *
hub_of (GstPeerJSConnection * conn)
{
  return g_object_get_qdata (G_OBJECT (conn), hub_quark);
}

static void
announce (GstPeerJSDataHub * self, GstPeerJSConnection * conn)
{
  GstPeerJSDataChannel *channel = gst_peerjs_connection_get_data_channel (conn);
  GVariant *state;
  GError *error = NULL;

  if (!channel)
    return;
  g_mutex_lock (&self->lock);
  state = gst_peerjs_track_state_to_value (self->video_enabled,
      self->audio_enabled);
  g_mutex_unlock (&self->lock);
  if (!gst_peerjs_data_channel_send (channel, state, &error)) {
    GST_WARNING_OBJECT (self, "could not announce our track state to '%s': "
        "%s", gst_peerjs_connection_get_remote_id (conn), error->message);
    g_error_free (error);
  }
  g_variant_unref (state);
  gst_object_unref (channel);
}

static void
on_channel_open (GstPeerJSDataChannel * channel, GstPeerJSConnection * conn)
{
  GstPeerJSDataHub *self = hub_of (conn);
  gboolean control = FALSE;
  Peer *p;

  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->peers,
      gst_peerjs_connection_get_remote_id (conn));
  if (p && !p->control && g_ptr_array_find (p->conns, conn, NULL)) {
    p->control = conn;
    control = TRUE;
    gst_peerjs_clear_source (&p->grace);
  }
  g_mutex_unlock (&self->lock);

  GST_INFO_OBJECT (self, "data connection %s with '%s' open%s",
      gst_peerjs_connection_get_id (conn),
      gst_peerjs_connection_get_remote_id (conn), control ? " (control)" : "");
  post_connection (self, conn, "open", control ? "control" : "");
  if (control)
    announce (self, conn);
}

static void
on_channel_value (GstPeerJSDataChannel * channel, GVariant * value,
    GstPeerJSConnection * conn)
{
  GstPeerJSDataHub *self = hub_of (conn);
  const gchar *peer_id = gst_peerjs_connection_get_remote_id (conn);
  gboolean video, audio;

  if (gst_peerjs_track_state_from_value (value, &video, &audio)) {
    GST_DEBUG_OBJECT (self, "'%s' announces video %s, audio %s", peer_id,
        video ? "on" : "off", audio ? "on" : "off");
    post (self, gst_structure_new ("peerjs-track-state",
            "peer-id", G_TYPE_STRING, peer_id,
            "video-enabled", G_TYPE_BOOLEAN, video,
            "audio-enabled", G_TYPE_BOOLEAN, audio,
            "source", G_TYPE_STRING, "announcement", NULL));
    g_signal_emit (self, hub_signals[SIGNAL_TRACK_STATE], 0, peer_id, video,
        audio);
    return;
  }
  post_data (self, conn, value);
  g_signal_emit (self, hub_signals[SIGNAL_VALUE], 0, peer_id,
      gst_peerjs_connection_get_id (conn),
      gst_peerjs_connection_get_label (conn),
      gst_peerjs_serialization_to_string
      (gst_peerjs_connection_get_serialization (conn)), value);
}

static void
on_channel_close_requested (GstPeerJSDataChannel * channel,
    const gchar * reason, GstPeerJSConnection * conn)
{
  close_later (hub_of (conn), conn, reason, FALSE);
}

static void
on_channel_bad_data (GstPeerJSDataChannel * channel, const GError * error,
    GstPeerJSConnection * conn)
{
  post_error (hub_of (conn), "bad-data",
      gst_peerjs_connection_get_remote_id (conn),
      gst_peerjs_connection_get_id (conn), error->message);
}

static void
on_data_channel (GstPeerJSConnection * conn, GstPeerJSDataChannel * channel,
    GstPeerJSDataHub * self)
{
  g_signal_connect (channel, "open", G_CALLBACK (on_channel_open), conn);
  g_signal_connect (channel, "value", G_CALLBACK (on_channel_value), conn);
  g_signal_connect (channel, "close-requested",
      G_CALLBACK (on_channel_close_requested), conn);
  g_signal_connect (channel, "bad-data", G_CALLBACK (on_channel_bad_data),
      conn);
}

/* ---- the connections' signals ---- */

static void
on_state_changed (GstPeerJSConnection * conn, GstPeerJSConnectionState state,
    const gchar * reason, GstPeerJSDataHub * self)
{
  if (state == GST_PEERJS_CONNECTION_STATE_FAILED
      || state == GST_PEERJS_CONNECTION_STATE_DISCONNECTED)
    close_later (self, conn, reason,
        state == GST_PEERJS_CONNECTION_STATE_FAILED);
}

/* Adds @conn to its member and starts it; FALSE (and a peerjs-error) if
 * the member has too many or it could not start. */
static gboolean
add_and_start (GstPeerJSDataHub * self, GstPeerJSConnection * conn)
{
  const gchar *peer_id = gst_peerjs_connection_get_remote_id (conn);
  GError *error = NULL;
  Peer *p;

  g_mutex_lock (&self->lock);
  if (self->stopped) {
    g_mutex_unlock (&self->lock);
    return FALSE;
  }
  p = get_peer (self, peer_id);
  if (p->conns->len >= GST_PEERJS_MAX_DATA_CONNECTIONS_PER_PEER) {
    g_mutex_unlock (&self->lock);
    post_error (self, "rejected-connection", peer_id,
        gst_peerjs_connection_get_id (conn),
        "too many data connections with this peer");
    return FALSE;
  }
  g_ptr_array_add (p->conns, gst_object_ref (conn));
  g_mutex_unlock (&self->lock);

  g_object_set_qdata (G_OBJECT (conn), hub_quark, self);
  /* idle data channels carry no packets: liveness is the member's call's */
  g_object_set (conn, "liveness-timeout", 0, NULL);
  gst_peerjs_forward_signalling (G_OBJECT (conn), self->session);
  g_signal_connect (conn, "state-changed", G_CALLBACK (on_state_changed), self);
  g_signal_connect (conn, "data-channel", G_CALLBACK (on_data_channel), self);

  if (!gst_peerjs_connection_start (conn, &error)) {
    post_error (self, "webrtc", peer_id, gst_peerjs_connection_get_id (conn),
        error->message);
    g_error_free (error);
    if (forget (self, conn))
      shut (self, conn);
    return FALSE;
  }
  return TRUE;
}

void
gst_peerjs_data_hub_answer (GstPeerJSDataHub * self,
    const GstPeerJSMessage * offer)
{
  GstPeerJSConnection *conn, *existing;
  GList *pending, *l;

  g_mutex_lock (&self->lock);
  existing = find_connection (self, NULL, offer->connection_id);
  g_mutex_unlock (&self->lock);
  if (existing) {
    gst_object_unref (existing);
    post_error (self, "rejected-connection", offer->src, offer->connection_id,
        "an OFFER for a data connection that already exists");
    return;
  }

  conn = gst_peerjs_connection_new_answer (&self->conn_config, offer);
  if (!conn) {
    gchar *msg = g_strdup_printf ("a data connection in the unknown "
        "serialization '%s' (binary, json, raw and MsgPack are known)",
        GST_STR_NULL (offer->serialization));

    post_error (self, "rejected-connection", offer->src,
        offer->connection_id, msg);
    g_free (msg);
    return;
  }

  GST_INFO_OBJECT (self, "answering a %s data connection from '%s' (%s, "
      "label '%s')", gst_peerjs_serialization_to_string
      (gst_peerjs_connection_get_serialization (conn)), offer->src,
      offer->connection_id, gst_peerjs_connection_get_label (conn));
  if (add_and_start (self, conn)) {
    pending = gst_peerjs_session_claim_pending (self->session, offer->src,
        offer->connection_id);
    for (l = pending; l; l = l->next)
      gst_peerjs_connection_handle_message (conn, l->data);
    g_list_free_full (pending, (GDestroyNotify) gst_peerjs_message_free);
  }
  gst_object_unref (conn);
}

gboolean
gst_peerjs_data_hub_route (GstPeerJSDataHub * self,
    const GstPeerJSMessage * msg)
{
  GstPeerJSConnection *conn;

  if (msg->connection_type != GST_PEERJS_CONNECTION_DATA || !msg->src)
    return FALSE;
  g_mutex_lock (&self->lock);
  conn = find_connection (self, msg->src, msg->connection_id);
  g_mutex_unlock (&self->lock);
  if (!conn)
    return FALSE;
  gst_peerjs_connection_handle_message (conn, msg);
  gst_object_unref (conn);
  return TRUE;
}

gchar *
gst_peerjs_data_hub_open (GstPeerJSDataHub * self, const gchar * peer_id,
    const gchar * label, GstPeerJSSerialization serialization,
    gboolean reliable, GError ** error)
{
  GstPeerJSConnection *conn;
  gchar *id = NULL;

  if (!gst_peerjs_validate_id (peer_id, error))
    return NULL;
  conn = gst_peerjs_connection_new_data (&self->conn_config, peer_id, label,
      serialization, reliable, NULL);
  GST_INFO_OBJECT (self, "opening a %s data connection to '%s' (%s)",
      gst_peerjs_serialization_to_string (serialization), peer_id,
      gst_peerjs_connection_get_id (conn));
  if (add_and_start (self, conn))
    id = g_strdup (gst_peerjs_connection_get_id (conn));
  else
    g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_WEBRTC,
        "could not open a data connection to '%s' (see the peerjs-error "
        "message)", peer_id);
  gst_object_unref (conn);
  return id;
}

gboolean
gst_peerjs_data_hub_close (GstPeerJSDataHub * self, const gchar * connection_id)
{
  GstPeerJSConnection *conn;

  g_mutex_lock (&self->lock);
  conn = find_connection (self, NULL, connection_id);
  g_mutex_unlock (&self->lock);
  if (!conn)
    return FALSE;
  close_later (self, conn, "closed", FALSE);
  gst_object_unref (conn);
  return TRUE;
}

static void
open_control (GstPeerJSDataHub * self, const gchar * peer_id)
{
  GError *error = NULL;
  gchar *id = gst_peerjs_data_hub_open (self, peer_id,
      GST_PEERJS_CONTROL_LABEL, GST_PEERJS_SERIALIZATION_BINARY, TRUE,
      &error);

  if (!id) {
    GST_WARNING_OBJECT (self, "no control connection to '%s': %s", peer_id,
        error->message);
    g_error_free (error);
  }
  g_free (id);
}

static void
grace_cb (GstObject * owner, const gchar * peer_id, GSource * source)
{
  GstPeerJSDataHub *self = GST_PEERJS_DATA_HUB (owner);
  gboolean open = FALSE;
  Peer *p;

  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->peers, peer_id);
  if (p && p->grace == source) {
    g_source_unref (p->grace);
    p->grace = NULL;
    open = p->conns->len == 0;
  }
  g_mutex_unlock (&self->lock);

  if (open) {
    GST_INFO_OBJECT (self, "'%s' opened no data connection: opening the "
        "control connection ourselves", peer_id);
    open_control (self, peer_id);
  }
}

void
gst_peerjs_data_hub_ensure_control (GstPeerJSDataHub * self,
    const gchar * peer_id, gboolean we_called)
{
  gboolean have;
  Peer *p;

  g_mutex_lock (&self->lock);
  p = get_peer (self, peer_id);
  have = p->conns->len > 0 || self->stopped;
  if (!have && !we_called && !p->grace)
    p->grace = gst_peerjs_peer_timeout_add (self->context, CONTROL_GRACE_MS,
        GST_OBJECT (self), peer_id, grace_cb);
  g_mutex_unlock (&self->lock);

  if (!have && we_called)
    open_control (self, peer_id);
}

void
gst_peerjs_data_hub_drop_peer (GstPeerJSDataHub * self, const gchar * peer_id)
{
  GPtrArray *conns = NULL;
  Peer *p;
  guint i;

  g_mutex_lock (&self->lock);
  p = g_hash_table_lookup (self->peers, peer_id);
  if (p) {
    g_hash_table_steal (self->peers, peer_id);
    conns = g_steal_pointer (&p->conns);
    p->conns = g_ptr_array_new ();
    peer_free (p);
  }
  g_mutex_unlock (&self->lock);
  if (!conns)
    return;

  for (i = 0; i < conns->len; i++) {
    GstPeerJSConnection *conn = g_ptr_array_index (conns, i);

    shut (self, conn);
    post_connection (self, conn, "closed", "peer-left");
  }
  g_ptr_array_unref (conns);
}

static gboolean
send_on (GstPeerJSConnection * conn, GVariant * value, GError ** error)
{
  GstPeerJSDataChannel *channel = gst_peerjs_connection_get_data_channel (conn);
  gboolean ok;

  if (!channel) {
    g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_WEBRTC,
        "not-open-yet: the data connection is not open");
    return FALSE;
  }
  ok = gst_peerjs_data_channel_send (channel, value, error);
  gst_object_unref (channel);
  return ok;
}

guint
gst_peerjs_data_hub_send (GstPeerJSDataHub * self, const gchar * target,
    GVariant * value, GError ** error)
{
  GPtrArray *conns = g_ptr_array_new_with_free_func (gst_object_unref);
  gboolean all = !target || !*target || g_strcmp0 (target, "*") == 0;
  GError *last = NULL;
  GHashTableIter iter;
  gpointer v;
  guint i, sent = 0;

  g_mutex_lock (&self->lock);
  if (!all && g_str_has_prefix (target, "dc_")) {
    GstPeerJSConnection *c = find_connection (self, NULL, target);

    if (c)
      g_ptr_array_add (conns, c);
  } else {
    g_hash_table_iter_init (&iter, self->peers);
    while (g_hash_table_iter_next (&iter, NULL, &v)) {
      Peer *p = v;

      if (p->control && (all || g_strcmp0 (p->id, target) == 0))
        g_ptr_array_add (conns, gst_object_ref (p->control));
    }
  }
  g_mutex_unlock (&self->lock);

  for (i = 0; i < conns->len; i++) {
    g_clear_error (&last);
    if (send_on (g_ptr_array_index (conns, i), value, &last))
      sent++;
    else
      GST_WARNING_OBJECT (self, "not sent to '%s': %s",
          gst_peerjs_connection_get_remote_id (g_ptr_array_index (conns, i)),
          last->message);
  }
  if (sent == 0) {
    if (last)
      g_propagate_error (error, g_steal_pointer (&last));
    else
      g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_PEER_UNAVAILABLE,
          "no open data connection %s '%s'", all ? "with any member" :
          "with", all ? "*" : target);
  }
  g_clear_error (&last);
  g_ptr_array_unref (conns);
  return sent;
}

void
gst_peerjs_data_hub_set_track_state (GstPeerJSDataHub * self,
    gboolean video_enabled, gboolean audio_enabled)
{
  GPtrArray *controls = g_ptr_array_new_with_free_func (gst_object_unref);
  GHashTableIter iter;
  gpointer v;
  guint i;

  g_mutex_lock (&self->lock);
  self->video_enabled = video_enabled;
  self->audio_enabled = audio_enabled;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &v))
    if (((Peer *) v)->control)
      g_ptr_array_add (controls, gst_object_ref (((Peer *) v)->control));
  g_mutex_unlock (&self->lock);

  for (i = 0; i < controls->len; i++)
    announce (self, g_ptr_array_index (controls, i));
  g_ptr_array_unref (controls);
}

/* The connection whose elements @object is (inside) of, or NULL. */
static GstPeerJSConnection *
find_owner (GstPeerJSDataHub * self, GstObject * object)
{
  GstPeerJSConnection *owner = NULL;
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->peers);
  while (!owner && g_hash_table_iter_next (&iter, NULL, &value)) {
    Peer *p = value;

    for (i = 0; !owner && i < p->conns->len; i++)
      if (gst_peerjs_connection_owns (g_ptr_array_index (p->conns, i), object))
        owner = gst_object_ref (g_ptr_array_index (p->conns, i));
  }
  for (i = 0; !owner && i < self->closing->len; i++)
    if (gst_peerjs_connection_owns (g_ptr_array_index (self->closing, i),
            object))
      owner = gst_object_ref (g_ptr_array_index (self->closing, i));
  g_mutex_unlock (&self->lock);
  return owner;
}

gboolean
gst_peerjs_data_hub_owns (GstPeerJSDataHub * self, GstObject * object)
{
  GstPeerJSConnection *owner = find_owner (self, object);

  if (owner)
    gst_object_unref (owner);
  return owner != NULL;
}

/* webrtcbin's SCTP elements fail when the remote's association goes away
 * (the remote closed its connection): that data connection has ended. */
gboolean
gst_peerjs_data_hub_handle_error (GstPeerJSDataHub * self, GstMessage * msg)
{
  GstPeerJSConnection *owner = find_owner (self, GST_MESSAGE_SRC (msg));
  GError *error = NULL;

  if (!owner)
    return FALSE;
  gst_message_parse_error (msg, &error, NULL);
  GST_INFO_OBJECT (self, "error in data connection %s: %s",
      gst_peerjs_connection_get_id (owner), error->message);
  close_later (self, owner, g_str_has_prefix (G_OBJECT_TYPE_NAME
          (GST_MESSAGE_SRC (msg)), "GstSctp") ? "remote-hangup" :
      "webrtc-error", FALSE);
  g_error_free (error);
  gst_object_unref (owner);
  return TRUE;
}

void
gst_peerjs_data_hub_stop (GstPeerJSDataHub * self)
{
  GPtrArray *conns = g_ptr_array_new_with_free_func (gst_object_unref);
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_mutex_lock (&self->lock);
  self->stopped = TRUE;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Peer *p = value;

    gst_peerjs_clear_source (&p->grace);
    for (i = 0; i < p->conns->len; i++)
      g_ptr_array_add (conns, gst_object_ref (g_ptr_array_index (p->conns, i)));
  }
  g_hash_table_remove_all (self->peers);
  g_mutex_unlock (&self->lock);

  for (i = 0; i < conns->len; i++)
    shut (self, g_ptr_array_index (conns, i));
  g_ptr_array_unref (conns);
}

GstPeerJSDataHub *
gst_peerjs_data_hub_new (const GstPeerJSConnectionConfig * config,
    GstElement * element, GstPeerJSSession * session, const gchar * room_id)
{
  GstPeerJSDataHub *self = g_object_new (GST_TYPE_PEERJS_DATA_HUB, NULL);

  gst_object_ref_sink (self);
  self->element = element;
  self->session = gst_object_ref (session);
  self->room_id = g_strdup (room_id);
  self->stun_server = g_strdup (config->stun_server);
  self->turn_servers = g_strdupv ((gchar **) config->turn_servers);
  self->context = g_main_context_ref (config->context);
  self->conn_config = *config;
  self->conn_config.fanout = NULL;
  self->conn_config.send = self->conn_config.receive = FALSE;
  self->conn_config.stun_server = self->stun_server;
  self->conn_config.turn_servers = (const gchar * const *) self->turn_servers;
  return self;
}

static void
gst_peerjs_data_hub_finalize (GObject * object)
{
  GstPeerJSDataHub *self = GST_PEERJS_DATA_HUB (object);

  g_hash_table_unref (self->peers);
  g_ptr_array_unref (self->closing);
  gst_object_unref (self->session);
  g_free (self->room_id);
  g_free (self->stun_server);
  g_strfreev (self->turn_servers);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_data_hub_init (GstPeerJSDataHub * self)
{
  g_mutex_init (&self->lock);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) peer_free);
  self->closing = g_ptr_array_new_with_free_func (gst_object_unref);
  self->video_enabled = self->audio_enabled = TRUE;
}

static void
gst_peerjs_data_hub_class_init (GstPeerJSDataHubClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT, "peerjsdatahub", 0,
      "PeerJS data connections");
  hub_quark = g_quark_from_static_string ("gst-peerjs-data-hub");

  gobject_class->finalize = gst_peerjs_data_hub_finalize;

  hub_signals[SIGNAL_VALUE] = g_signal_new ("value",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
      G_TYPE_STRING, G_TYPE_VARIANT);
  hub_signals[SIGNAL_TRACK_STATE] = g_signal_new ("track-state",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);
}
