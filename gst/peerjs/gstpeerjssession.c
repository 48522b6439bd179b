/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstpeerjssession
 * @title: GstPeerJSSession
 * @short_description: one registration of a peer ID on a PeerJS server
 *
 * A #GstPeerJSSession is the WebSocket between one local peer ID and a
 * PeerJS server (`peer` 1.0.x, the PeerJS cloud or `gst-peerjs-server`),
 * built the way the `peerjs` 1.5.5 JavaScript client builds it: the same
 * URL, key, token and version, a heartbeat every 5 s, and `GET …/id` when
 * no ID is given.
 *
 * The session does its I/O on a thread of its own with its own
 * #GMainContext, so it works in applications that run no main loop. Its
 * signals are emitted from that thread.
 *
 * After the socket drops, the session reconnects with the same ID and
 * token with exponential backoff (the `peerjs` client's `reconnect()`,
 * done automatically). A reconnect that reaches a server which still
 * holds the old socket gets no `OPEN` frame (the server adopts the new
 * socket silently); the session then counts the socket being open, with
 * no refusal within a short grace time, as registered.
 *
 * ANSWER and CANDIDATE messages that no #GstPeerJSSession::message handler
 * takes are kept for #GstPeerJSSession:pending-timeout milliseconds, keyed
 * by sender and connection ID, and handed over by
 * gst_peerjs_session_claim_pending(): the server may relay a candidate
 * before its connection exists locally, as the JavaScript client's
 * "lost message" store knows.
 *
 * The token is the secret that keeps the ID ours on the server: it is
 * never logged, and the socket URL is logged with the token and the key
 * hidden.
 *
 * Since: 1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjssession.h"
#include "gstpeerjssession-private.h"
#include "gstpeerjserror.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define GST_CAT_DEFAULT peerjs_session_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

#define DEFAULT_HEARTBEAT_INTERVAL 5000
#define DEFAULT_PENDING_TIMEOUT 30000
#define DEFAULT_CONNECT_ATTEMPTS 6
#define DEFAULT_TLS_CA_FILE NULL

/* Backoff between attempts: 250 ms doubling up to 4 s, so a restarted
 * server sees us again within a few seconds. */
#define BACKOFF_BASE_MS 250
#define BACKOFF_MAX_MS 4000
/* How long a reconnecting socket may stay silent before we take it as a
 * same-token takeover (the server sends no OPEN then). */
#define TAKEOVER_GRACE_MS 1000
/* How long we wait for the first frame of a first registration. */
#define OPEN_TIMEOUT_MS 10000
#define PENDING_SWEEP_MS 1000
#define MAX_PENDING_PER_CONNECTION 256
#define MAX_PENDING_TOTAL 4096
#define MAX_OUTBOX 512

enum
{
  PROP_0,
  PROP_SERVER_URI,
  PROP_KEY,
  PROP_PEER_ID,
  PROP_TLS_CA_FILE,
  PROP_HEARTBEAT_INTERVAL,
  PROP_PENDING_TIMEOUT,
  PROP_CONNECT_ATTEMPTS,
  PROP_STATE,
};

enum
{
  SIGNAL_OPEN,
  SIGNAL_MESSAGE,
  SIGNAL_ERROR,
  LAST_SIGNAL
};

static guint session_signals[LAST_SIGNAL];

typedef struct
{
  GstPeerJSMessage *message;
  gint64 received;
} PendingMessage;

struct _GstPeerJSSession
{
  GstObject parent;

  /* set at construction or before start(), read-only afterwards */
  gchar *server_uri;
  gchar *key;
  gchar *requested_id;
  gchar *tls_ca_file;
  gchar *token;
  guint heartbeat_interval;
  guint pending_timeout;
  guint connect_attempts;

  /* GST_OBJECT_LOCK */
  GstPeerJSSessionState state;
  gchar *id;
  GHashTable *pending;          /* "src\nconnection-id" -> GQueue of PendingMessage */
  guint pending_count;
  guint pending_dropped;        /* since the last warning about it */
  gint64 drop_warned;           /* when that was */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;

  /* session thread only */
  gboolean secure;
  gchar *http_base;             /* http(s)://host:port/path/ */
  gchar *ws_base;               /* ws(s)://host:port/path/peerjs */
  SoupSession *soup;
  SoupWebsocketConnection *ws;
  gchar *ws_error;              /* why libsoup is closing ws, if it said */
  GCancellable *cancellable;
  GSource *heartbeat_source;
  GSource *retry_source;
  GSource *grace_source;
  GSource *sweep_source;
  guint attempt;
  gboolean registered_once;
  gboolean awaiting_first_frame;
  gboolean fatal;
  GQueue outbox;                /* gchar * frames waiting for an open socket */
};

#define gst_peerjs_session_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSSession, gst_peerjs_session, GST_TYPE_OBJECT);

GType
gst_peerjs_session_state_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_PEERJS_SESSION_STATE_CLOSED, "Closed", "closed"},
    {GST_PEERJS_SESSION_STATE_CONNECTING, "Connecting", "connecting"},
    {GST_PEERJS_SESSION_STATE_OPEN, "Open", "open"},
    {GST_PEERJS_SESSION_STATE_RECONNECTING, "Reconnecting", "reconnecting"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstPeerJSSessionState", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void session_connect (GstPeerJSSession * self);
static void session_socket_lost (GstPeerJSSession * self, GError * error);

static void
pending_message_free (PendingMessage * p)
{
  gst_peerjs_message_free (p->message);
  g_free (p);
}

static void
pending_queue_free (GQueue * q)
{
  g_queue_free_full (q, (GDestroyNotify) pending_message_free);
}

static gchar *
pending_key (const gchar * peer_id, const gchar * connection_id)
{
  return g_strconcat (peer_id, "\n", connection_id, NULL);
}

static void
destroy_source (GSource ** source)
{
  if (*source) {
    g_source_destroy (*source);
    g_source_unref (*source);
    *source = NULL;
  }
}

static GSource *
attach_timeout (GstPeerJSSession * self, guint ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
set_state (GstPeerJSSession * self, GstPeerJSSessionState state)
{
  gboolean changed;

  GST_OBJECT_LOCK (self);
  changed = self->state != state;
  self->state = state;
  GST_OBJECT_UNLOCK (self);

  if (changed) {
    GST_DEBUG_OBJECT (self, "state %d", state);
    g_object_notify (G_OBJECT (self), "state");
  }
}

static void
emit_error (GstPeerJSSession * self, GstPeerJSError code, gboolean fatal,
    const gchar * format, ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (GST_PEERJS_ERROR, code, format, args);
  va_end (args);

  if (fatal)
    GST_WARNING_OBJECT (self, "fatal %s error: %s",
        gst_peerjs_error_type_name (code), error->message);
  else
    GST_INFO_OBJECT (self, "%s error: %s", gst_peerjs_error_type_name (code),
        error->message);

  g_signal_emit (self, session_signals[SIGNAL_ERROR], 0, error, fatal);
  g_error_free (error);
}

/* Drops the socket and every timer tied to it. */
static void
close_socket (GstPeerJSSession * self)
{
  destroy_source (&self->heartbeat_source);
  destroy_source (&self->grace_source);

  if (self->ws) {
    g_signal_handlers_disconnect_by_data (self->ws, self);
    if (soup_websocket_connection_get_state (self->ws) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (self->ws, SOUP_WEBSOCKET_CLOSE_NORMAL,
          NULL);
    g_clear_object (&self->ws);
  }
  g_clear_pointer (&self->ws_error, g_free);
}

/* A fatal error ends the session: nothing is retried. */
static void
fail (GstPeerJSSession * self)
{
  self->fatal = TRUE;
  g_cancellable_cancel (self->cancellable);
  destroy_source (&self->retry_source);
  close_socket (self);
  set_state (self, GST_PEERJS_SESSION_STATE_CLOSED);
}

static void
send_frame (GstPeerJSSession * self, const gchar * frame)
{
  if (self->ws
      && soup_websocket_connection_get_state (self->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN && !self->awaiting_first_frame) {
    soup_websocket_connection_send_text (self->ws, frame);
    return;
  }

  /* Registration is being re-established: keep the frame for later (the
   * JS client drops it; a candidate lost in a blip costs a call). */
  if (self->outbox.length >= MAX_OUTBOX) {
    GST_WARNING_OBJECT (self, "outbox full, dropping the oldest frame");
    g_free (g_queue_pop_head (&self->outbox));
  }
  g_queue_push_tail (&self->outbox, g_strdup (frame));
}

static void
flush_outbox (GstPeerJSSession * self)
{
  gchar *frame;

  while ((frame = g_queue_pop_head (&self->outbox))) {
    soup_websocket_connection_send_text (self->ws, frame);
    g_free (frame);
  }
}

static gboolean
heartbeat_cb (gpointer user_data)
{
  GstPeerJSSession *self = user_data;

  if (self->ws && soup_websocket_connection_get_state (self->ws) ==
      SOUP_WEBSOCKET_STATE_OPEN) {
    GST_LOG_OBJECT (self, "heartbeat");
    soup_websocket_connection_send_text (self->ws, "{\"type\":\"HEARTBEAT\"}");
  }
  return G_SOURCE_CONTINUE;
}

static void
registered (GstPeerJSSession * self)
{
  gchar *id;

  destroy_source (&self->grace_source);
  self->awaiting_first_frame = FALSE;
  self->attempt = 0;
  self->registered_once = TRUE;
  flush_outbox (self);

  GST_OBJECT_LOCK (self);
  id = g_strdup (self->id);
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "registered as '%s'", id);
  set_state (self, GST_PEERJS_SESSION_STATE_OPEN);
  g_signal_emit (self, session_signals[SIGNAL_OPEN], 0, id);
  g_free (id);
}

/* Counts a message dropped by store_pending(); a flood of them (a hostile
 * server's CANDIDATEs for unknown connections) gets one warning a second,
 * not one a message. Called with the object lock held, releases it. */
static void
drop_pending (GstPeerJSSession * self, const GstPeerJSMessage * msg,
    const gchar * why)
{
  gint64 now = g_get_monotonic_time ();
  guint dropped = ++self->pending_dropped;

  if (now - self->drop_warned < G_USEC_PER_SEC) {
    GST_OBJECT_UNLOCK (self);
    GST_DEBUG_OBJECT (self, "dropping %s from '%s' for connection '%s'",
        msg->type_name, msg->src, msg->connection_id);
    return;
  }
  self->drop_warned = now;
  self->pending_dropped = 0;
  GST_OBJECT_UNLOCK (self);
  GST_WARNING_OBJECT (self, "too many unclaimed messages %s: dropped %u, "
      "the last a %s from '%s' for connection '%s'", why, dropped,
      msg->type_name, msg->src, msg->connection_id);
}

static void
store_pending (GstPeerJSSession * self, const GstPeerJSMessage * msg)
{
  PendingMessage *p;
  GQueue *q;
  gchar *key;

  GST_OBJECT_LOCK (self);
  if (self->pending_count >= MAX_PENDING_TOTAL) {
    drop_pending (self, msg, "in total");
    return;
  }

  key = pending_key (msg->src, msg->connection_id);
  q = g_hash_table_lookup (self->pending, key);
  if (!q) {
    q = g_queue_new ();
    g_hash_table_insert (self->pending, key, q);
    /* An ANSWER answers an OFFER we sent, and we make the connection
     * before sending it: no connection means a bogus or very late ANSWER
     * (a hostile server's, say). Said once per connection. */
    if (msg->type == GST_PEERJS_MESSAGE_ANSWER)
      GST_WARNING_OBJECT (self, "ANSWER for unknown connection '%s' from "
          "'%s': kept for %u ms, then dropped", msg->connection_id, msg->src,
          self->pending_timeout);
  } else {
    g_free (key);
  }

  if (q->length >= MAX_PENDING_PER_CONNECTION) {
    drop_pending (self, msg, "for one connection");
    return;
  }

  p = g_new0 (PendingMessage, 1);
  p->message = gst_peerjs_message_copy (msg);
  p->received = g_get_monotonic_time ();
  g_queue_push_tail (q, p);
  self->pending_count++;
  GST_OBJECT_UNLOCK (self);

  GST_DEBUG_OBJECT (self, "kept %s from '%s' for unknown connection '%s'",
      msg->type_name, msg->src, msg->connection_id);
}

static gboolean
sweep_pending_cb (gpointer user_data)
{
  GstPeerJSSession *self = user_data;
  gint64 limit = g_get_monotonic_time () -
      (gint64) self->pending_timeout * G_TIME_SPAN_MILLISECOND;
  GHashTableIter iter;
  gpointer value;

  GST_OBJECT_LOCK (self);
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    GQueue *q = value;
    PendingMessage *p;

    while ((p = g_queue_peek_head (q)) && p->received < limit) {
      GST_DEBUG_OBJECT (self, "dropping stale %s for connection '%s'",
          p->message->type_name, p->message->connection_id);
      pending_message_free (g_queue_pop_head (q));
      self->pending_count--;
    }
    if (g_queue_is_empty (q))
      g_hash_table_iter_remove (&iter);
  }
  GST_OBJECT_UNLOCK (self);

  return G_SOURCE_CONTINUE;
}

/* Maps the first frame of a registration that is not OPEN. */
static void
handle_refusal (GstPeerJSSession * self, const GstPeerJSMessage * msg)
{
  const gchar *text = msg->error_message ? msg->error_message : "";
  gchar *id;

  GST_OBJECT_LOCK (self);
  id = g_strdup (self->id);
  GST_OBJECT_UNLOCK (self);

  fail (self);

  switch (msg->type) {
    case GST_PEERJS_MESSAGE_ID_TAKEN:
      emit_error (self, GST_PEERJS_ERROR_UNAVAILABLE_ID, TRUE,
          "ID \"%s\" is taken", id);
      break;
    case GST_PEERJS_MESSAGE_INVALID_KEY:
      emit_error (self, GST_PEERJS_ERROR_INVALID_KEY, TRUE,
          "API KEY \"%s\" is invalid", self->key);
      break;
    default:
      /* `peer` says "Invalid key provided" in an ERROR frame. */
      if (g_str_equal (text, "Invalid key provided"))
        emit_error (self, GST_PEERJS_ERROR_INVALID_KEY, TRUE,
            "The server refused the key: %s", text);
      else
        emit_error (self, GST_PEERJS_ERROR_SERVER_ERROR, TRUE,
            "The server refused the registration: %s", text);
      break;
  }
  g_free (id);
}

static void
dispatch (GstPeerJSSession * self, const GstPeerJSMessage * msg)
{
  gboolean handled = FALSE;

  switch (msg->type) {
    case GST_PEERJS_MESSAGE_OPEN:
      if (self->awaiting_first_frame)
        registered (self);
      else
        GST_DEBUG_OBJECT (self, "ignoring OPEN while open");
      return;
    case GST_PEERJS_MESSAGE_ERROR:
    case GST_PEERJS_MESSAGE_ID_TAKEN:
    case GST_PEERJS_MESSAGE_INVALID_KEY:
      if (self->awaiting_first_frame) {
        handle_refusal (self, msg);
      } else if (msg->type == GST_PEERJS_MESSAGE_ERROR) {
        /* gst-peerjs-server answers a frame it could not read with an
         * ERROR and keeps the socket: report it, stay registered. */
        emit_error (self, GST_PEERJS_ERROR_SERVER_ERROR, FALSE,
            "Server error: %s", GST_STR_NULL (msg->error_message));
      } else {
        /* ID-TAKEN and INVALID-KEY answer a registration (and the server
         * closes the socket after them, so a real one comes again on the
         * reconnect, as a refusal). While registered it is a broken or
         * hostile server's: obeying would end the session for good with
         * an ERROR, so it is reported, not obeyed. */
        emit_error (self, GST_PEERJS_ERROR_SERVER_ERROR, FALSE,
            "Unexpected %s while registered: ignored", msg->type_name);
      }
      return;
    case GST_PEERJS_MESSAGE_HEARTBEAT:
      return;
    default:
      break;
  }

  /* Anything relayed proves the socket is registered (takeover case). */
  if (self->awaiting_first_frame && self->registered_once)
    registered (self);

  g_signal_emit (self, session_signals[SIGNAL_MESSAGE], 0, msg, &handled);

  if (!handled && msg->connection_id &&
      (msg->type == GST_PEERJS_MESSAGE_ANSWER ||
          msg->type == GST_PEERJS_MESSAGE_CANDIDATE))
    store_pending (self, msg);
}

static void
on_ws_message (SoupWebsocketConnection * ws, gint type, GBytes * bytes,
    gpointer user_data)
{
  GstPeerJSSession *self = user_data;
  GstPeerJSMessage *msg;
  GError *err = NULL;
  gsize len;
  const gchar *data = g_bytes_get_data (bytes, &len);

  msg = gst_peerjs_message_parse (data, len, GST_PEERJS_PARSE_FULL, 0, &err);
  if (!msg) {
    if (g_error_matches (err, GST_PEERJS_PROTOCOL_ERROR,
            GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE)) {
      /* not fatal (a newer server may say more), but not silent: peerjs
       * warns about an unrecognized message type too */
      GST_WARNING_OBJECT (self, "ignoring message: %s", err->message);
    } else {
      emit_error (self, GST_PEERJS_ERROR_SERVER_ERROR, FALSE,
          "Invalid message from the server: %s", err->message);
    }
    g_error_free (err);
    return;
  }

  GST_LOG_OBJECT (self, "received %s from '%s' (connection '%s')",
      msg->type_name, GST_STR_NULL (msg->src),
      GST_STR_NULL (msg->connection_id));
  dispatch (self, msg);
  gst_peerjs_message_free (msg);
}

/* For the fuzz target (gstpeerjssession-private.h): a session that was
 * never started has no socket, thread or timers. */
void
gst_peerjs_session_receive_detached (GstPeerJSSession * session,
    GBytes * frame, gboolean awaiting_first_frame, gboolean registered_once)
{
  g_return_if_fail (GST_IS_PEERJS_SESSION (session));
  g_return_if_fail (session->thread == NULL && session->ws == NULL);

  session->awaiting_first_frame = awaiting_first_frame;
  session->registered_once = registered_once;
  on_ws_message (NULL, SOUP_WEBSOCKET_DATA_TEXT, frame, session);
}

void
gst_peerjs_session_sweep_detached (GstPeerJSSession * session)
{
  g_return_if_fail (GST_IS_PEERJS_SESSION (session));
  g_return_if_fail (session->thread == NULL);

  sweep_pending_cb (session);
}

static void
on_ws_closed (SoupWebsocketConnection * ws, gpointer user_data)
{
  GstPeerJSSession *self = user_data;
  /* libsoup closing on its own (a frame over the max incoming payload
   * size, a protocol error) leaves code 0: say why */
  GError *error = g_error_new (GST_PEERJS_ERROR,
      GST_PEERJS_ERROR_SOCKET_CLOSED, "socket closed (code %u)%s%s",
      soup_websocket_connection_get_close_code (ws),
      self->ws_error ? ": " : "", self->ws_error ? self->ws_error : "");

  session_socket_lost (self, error);
  g_error_free (error);
}

static void
on_ws_error (SoupWebsocketConnection * ws, GError * error, gpointer user_data)
{
  GstPeerJSSession *self = user_data;

  /* e.g. a frame over the max incoming payload size: libsoup closes the
   * socket and "closed" reconnects; this says why, and so will the
   * error "closed" reports */
  GST_WARNING_OBJECT (self, "socket error: %s", error->message);
  g_free (self->ws_error);
  self->ws_error = g_strdup (error->message);
}

static gboolean
first_frame_timeout_cb (gpointer user_data)
{
  GstPeerJSSession *self = user_data;
  GError *error;

  g_source_unref (self->grace_source);
  self->grace_source = NULL;

  if (self->registered_once) {
    /* Same ID, same token, server still had our old socket: it adopted
     * this one without a word. */
    GST_INFO_OBJECT (self, "no OPEN after reconnecting: taken over the "
        "old registration");
    registered (self);
  } else {
    error = g_error_new (GST_PEERJS_ERROR, GST_PEERJS_ERROR_SERVER_ERROR,
        "the server did not answer the registration");
    session_socket_lost (self, error);
    g_error_free (error);
  }
  return G_SOURCE_REMOVE;
}

static void
ws_connected_cb (GObject * source, GAsyncResult * res, gpointer user_data)
{
  GstPeerJSSession *self = user_data;
  SoupWebsocketConnection *ws;
  GError *error = NULL;

  ws = soup_session_websocket_connect_finish (SOUP_SESSION (source), res,
      &error);
  if (!ws) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      session_socket_lost (self, error);
    g_error_free (error);
    gst_object_unref (self);
    return;
  }

  GST_DEBUG_OBJECT (self, "socket open");
  self->ws = ws;
  /* Keep libsoup from closing on its own 128 KiB rule before our parser
   * gets to say what was wrong. */
  soup_websocket_connection_set_max_incoming_payload_size (ws,
      4 * GST_PEERJS_MAX_MESSAGE_SIZE);
  soup_websocket_connection_set_keepalive_interval (ws, 0);
  g_signal_connect (ws, "message", G_CALLBACK (on_ws_message), self);
  g_signal_connect (ws, "closed", G_CALLBACK (on_ws_closed), self);
  g_signal_connect (ws, "error", G_CALLBACK (on_ws_error), self);

  self->awaiting_first_frame = TRUE;
  self->heartbeat_source = attach_timeout (self, self->heartbeat_interval,
      heartbeat_cb);
  self->grace_source = attach_timeout (self, self->registered_once ?
      TAKEOVER_GRACE_MS : OPEN_TIMEOUT_MS, first_frame_timeout_cb);

  gst_object_unref (self);
}

static void
open_socket (GstPeerJSSession * self)
{
  SoupMessage *msg;
  gchar *id, *eid, *ekey, *etoken, *url, *logged;

  GST_OBJECT_LOCK (self);
  id = g_strdup (self->id);
  GST_OBJECT_UNLOCK (self);

  eid = g_uri_escape_string (id, NULL, FALSE);
  ekey = g_uri_escape_string (self->key, NULL, FALSE);
  etoken = g_uri_escape_string (self->token, NULL, FALSE);
  url = g_strdup_printf ("%s?key=%s&id=%s&token=%s&version="
      GST_PEERJS_CLIENT_VERSION, self->ws_base, ekey, eid, etoken);

  /* the token keeps the ID ours, the key is the server's API key: both
   * stay out of the logs (docs/security.md) */
  logged = g_strdup_printf ("%s?key=<hidden>&id=%s&token=<hidden>&version="
      GST_PEERJS_CLIENT_VERSION, self->ws_base, eid);
  GST_INFO_OBJECT (self, "connecting to %s", logged);
  g_free (logged);

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (!msg) {
    fail (self);
    emit_error (self, GST_PEERJS_ERROR_SERVER_ERROR, TRUE,
        "Invalid server URI \"%s\"", self->server_uri);
  } else {
    soup_session_websocket_connect_async (self->soup, msg, NULL, NULL,
        G_PRIORITY_DEFAULT, self->cancellable, ws_connected_cb,
        gst_object_ref (self));
    g_object_unref (msg);
  }

  g_free (id);
  g_free (eid);
  g_free (ekey);
  g_free (etoken);
  g_free (url);
}

static void
id_received_cb (GObject * source, GAsyncResult * res, gpointer user_data)
{
  GstPeerJSSession *self = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION
      (source), res);
  GError *error = NULL;
  GBytes *body;
  gchar *id;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  if (!body) {
    if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      session_socket_lost (self, error);
    g_error_free (error);
    gst_object_unref (self);
    return;
  }

  if (soup_message_get_status (msg) != SOUP_STATUS_OK) {
    fail (self);
    emit_error (self, GST_PEERJS_ERROR_SERVER_ERROR, TRUE,
        "Could not get an ID from the server (HTTP %u)",
        soup_message_get_status (msg));
    goto done;
  }

  id = g_strstrip (g_strndup (g_bytes_get_data (body, NULL),
          MIN (g_bytes_get_size (body), GST_PEERJS_MAX_ID_LENGTH + 2)));
  if (!gst_peerjs_id_is_valid (id)) {
    fail (self);
    emit_error (self, GST_PEERJS_ERROR_SERVER_ERROR, TRUE,
        "The server assigned an invalid ID");
    g_free (id);
    goto done;
  }

  GST_INFO_OBJECT (self, "server assigned ID '%s'", id);
  GST_OBJECT_LOCK (self);
  g_free (self->id);
  self->id = id;
  GST_OBJECT_UNLOCK (self);
  g_object_notify (G_OBJECT (self), "peer-id");
  open_socket (self);

done:
  g_bytes_unref (body);
  gst_object_unref (self);
}

static void
request_id (GstPeerJSSession * self)
{
  SoupMessage *msg;
  gchar *ekey, *url;

  ekey = g_uri_escape_string (self->key, NULL, FALSE);
  url = g_strdup_printf ("%s%s/id?ts=%" G_GINT64_FORMAT "%u&version="
      GST_PEERJS_CLIENT_VERSION, self->http_base, ekey,
      g_get_real_time () / 1000, g_random_int ());
  GST_INFO_OBJECT (self, "asking the server for an ID");

  msg = soup_message_new (SOUP_METHOD_GET, url);
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT,
      self->cancellable, id_received_cb, gst_object_ref (self));
  g_object_unref (msg);
  g_free (ekey);
  g_free (url);
}

static void
session_connect (GstPeerJSSession * self)
{
  gboolean have_id;

  GST_OBJECT_LOCK (self);
  have_id = self->id != NULL;
  GST_OBJECT_UNLOCK (self);

  if (have_id)
    open_socket (self);
  else
    request_id (self);
}

static gboolean
retry_cb (gpointer user_data)
{
  GstPeerJSSession *self = user_data;

  g_source_unref (self->retry_source);
  self->retry_source = NULL;
  session_connect (self);
  return G_SOURCE_REMOVE;
}

static guint
backoff_ms (guint attempt)
{
  guint ms = BACKOFF_BASE_MS << MIN (attempt, 8);

  ms = MIN (ms, BACKOFF_MAX_MS);
  /* +-20 % so a room of clients does not hammer a restarted server in
   * lockstep */
  return ms * 4 / 5 + g_random_int_range (0, ms * 2 / 5 + 1);
}

static gboolean
is_tls_error (const GError * error)
{
  return error->domain == G_TLS_ERROR;
}

/* The socket (or an attempt to open it) is gone: retry or give up. */
static void
session_socket_lost (GstPeerJSSession * self, GError * error)
{
  guint delay;

  if (self->fatal)
    return;

  close_socket (self);
  self->awaiting_first_frame = FALSE;

  if (is_tls_error (error)) {
    fail (self);
    emit_error (self, GST_PEERJS_ERROR_SSL_UNAVAILABLE, TRUE,
        "TLS connection to %s failed: %s. If the server uses a self-signed "
        "certificate, set tls-ca-file to its CA", self->server_uri,
        error->message);
    return;
  }

  if (!self->registered_once && self->attempt + 1 >= self->connect_attempts) {
    fail (self);
    emit_error (self, GST_PEERJS_ERROR_NETWORK, TRUE,
        "Could not register on the PeerJS server %s after %u attempts: %s",
        self->server_uri, self->connect_attempts, error->message);
    return;
  }

  if (self->registered_once) {
    if (gst_peerjs_session_get_state (self) == GST_PEERJS_SESSION_STATE_OPEN)
      emit_error (self, GST_PEERJS_ERROR_NETWORK, FALSE,
          "Lost connection to server: %s", error->message);
    set_state (self, GST_PEERJS_SESSION_STATE_RECONNECTING);
  }

  delay = backoff_ms (self->attempt++);
  GST_INFO_OBJECT (self, "attempt %u failed (%s), retrying in %u ms",
      self->attempt, error->message, delay);
  destroy_source (&self->retry_source);
  self->retry_source = attach_timeout (self, delay, retry_cb);
}

static gboolean
parse_server_uri (GstPeerJSSession * self, GError ** error)
{
  GUri *uri;
  const gchar *scheme, *host, *path;
  gchar *norm_path;
  gint port;

  uri = g_uri_parse (self->server_uri, G_URI_FLAGS_NONE, error);
  if (!uri)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (!host || !*host || !(g_str_equal (scheme, "ws")
          || g_str_equal (scheme, "wss") || g_str_equal (scheme, "http")
          || g_str_equal (scheme, "https"))) {
    g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_SERVER_ERROR,
        "Server URI \"%s\" must be ws://, wss://, http:// or https:// "
        "with a host", self->server_uri);
    g_uri_unref (uri);
    return FALSE;
  }

  self->secure = g_str_equal (scheme, "wss") || g_str_equal (scheme, "https");
  port = g_uri_get_port (uri);
  if (port < 0)
    port = self->secure ? 443 : 80;

  /* peerjs normalises the path to start and end with a slash */
  path = g_uri_get_path (uri);
  norm_path = g_strdup_printf ("/%s%s", path[0] == '/' ? path + 1 : path,
      g_str_has_suffix (path, "/") || !*path
      || g_str_equal (path, "/") ? "" : "/");
  if (g_str_equal (norm_path, "//")) {
    g_free (norm_path);
    norm_path = g_strdup ("/");
  }

  g_free (self->http_base);
  g_free (self->ws_base);
  /* IPv6 literals need their brackets back */
  if (strchr (host, ':')) {
    self->http_base = g_strdup_printf ("%s://[%s]:%d%s",
        self->secure ? "https" : "http", host, port, norm_path);
    self->ws_base = g_strdup_printf ("%s://[%s]:%d%speerjs",
        self->secure ? "wss" : "ws", host, port, norm_path);
  } else {
    self->http_base = g_strdup_printf ("%s://%s:%d%s",
        self->secure ? "https" : "http", host, port, norm_path);
    self->ws_base = g_strdup_printf ("%s://%s:%d%speerjs",
        self->secure ? "wss" : "ws", host, port, norm_path);
  }
  g_free (norm_path);
  g_uri_unref (uri);
  return TRUE;
}

static gboolean
start_in_thread (gpointer user_data)
{
  GstPeerJSSession *self = user_data;

  set_state (self, GST_PEERJS_SESSION_STATE_CONNECTING);
  session_connect (self);
  return G_SOURCE_REMOVE;
}

static gpointer
session_thread (gpointer user_data)
{
  GstPeerJSSession *self = user_data;
  GMainContext *context;
  GMainLoop *loop;

  GST_OBJECT_LOCK (self);
  context = g_main_context_ref (self->context);
  loop = g_main_loop_ref (self->loop);
  GST_OBJECT_UNLOCK (self);

  g_main_context_push_thread_default (context);
  g_main_loop_run (loop);

  /* stopping: let the close frame go out before we drop the socket */
  close_socket (self);
  while (g_main_context_iteration (context, FALSE));
  g_main_context_pop_thread_default (context);

  g_main_loop_unref (loop);
  g_main_context_unref (context);
  return NULL;
}

static gboolean
setup_soup (GstPeerJSSession * self, GError ** error)
{
  self->soup = soup_session_new_with_options ("user-agent",
      "gst-peerjs/" VERSION, "timeout", 15, "idle-timeout", 30, NULL);

  if (self->tls_ca_file) {
    GTlsDatabase *db = g_tls_file_database_new (self->tls_ca_file, error);

    if (!db) {
      g_prefix_error (error, "Could not load tls-ca-file \"%s\": ",
          self->tls_ca_file);
      (*error)->domain = GST_PEERJS_ERROR;
      (*error)->code = GST_PEERJS_ERROR_SSL_UNAVAILABLE;
      g_clear_object (&self->soup);
      return FALSE;
    }
    soup_session_set_tls_database (self->soup, db);
    g_object_unref (db);
  }
  return TRUE;
}

/**
 * gst_peerjs_session_start:
 * @session: a #GstPeerJSSession
 * @error: return location for a #GError in the %GST_PEERJS_ERROR domain
 *
 * Starts registering on the server, on the session's own thread. The
 * outcome arrives as #GstPeerJSSession::open or a fatal
 * #GstPeerJSSession::error. Fails at once for an invalid ID, server URI
 * or CA file. Starting a started session does nothing.
 *
 * Returns: %TRUE if the session is started.
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_session_start (GstPeerJSSession * session, GError ** error)
{
  GstPeerJSSession *self = session;
  GSource *source;

  g_return_val_if_fail (GST_IS_PEERJS_SESSION (self), FALSE);

  GST_OBJECT_LOCK (self);
  if (self->thread) {
    GST_OBJECT_UNLOCK (self);
    return TRUE;
  }
  GST_OBJECT_UNLOCK (self);

  if (self->requested_id && *self->requested_id
      && !gst_peerjs_validate_id (self->requested_id, error))
    return FALSE;
  if (!self->key || !*self->key) {
    g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_INVALID_KEY,
        "The key must not be empty");
    return FALSE;
  }
  if (!parse_server_uri (self, error)) {
    if (error && *error && (*error)->domain != GST_PEERJS_ERROR) {
      (*error)->domain = GST_PEERJS_ERROR;
      (*error)->code = GST_PEERJS_ERROR_SERVER_ERROR;
    }
    return FALSE;
  }
  if (!setup_soup (self, error))
    return FALSE;

  self->fatal = FALSE;
  self->attempt = 0;
  self->registered_once = FALSE;
  self->awaiting_first_frame = FALSE;
  self->cancellable = g_cancellable_new ();

  GST_OBJECT_LOCK (self);
  g_free (self->id);
  self->id = self->requested_id && *self->requested_id ?
      g_strdup (self->requested_id) : NULL;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("peerjs-session", session_thread, self);
  GST_OBJECT_UNLOCK (self);

  self->sweep_source = attach_timeout (self, PENDING_SWEEP_MS,
      sweep_pending_cb);

  source = g_idle_source_new ();
  g_source_set_callback (source, start_in_thread, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
  return TRUE;
}

static gboolean
stop_in_thread (gpointer user_data)
{
  GstPeerJSSession *self = user_data;

  g_cancellable_cancel (self->cancellable);
  destroy_source (&self->retry_source);
  destroy_source (&self->sweep_source);
  close_socket (self);
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

/**
 * gst_peerjs_session_stop:
 * @session: a #GstPeerJSSession
 *
 * Closes the socket (the server unregisters the ID), stops retrying and
 * joins the session thread. Unclaimed messages are dropped. Must not be
 * called from the session's own signal handlers.
 *
 * Since: 1.0
 */
void
gst_peerjs_session_stop (GstPeerJSSession * session)
{
  GstPeerJSSession *self = session;
  GThread *thread;

  g_return_if_fail (GST_IS_PEERJS_SESSION (self));

  GST_OBJECT_LOCK (self);
  thread = self->thread;
  GST_OBJECT_UNLOCK (self);
  if (!thread)
    return;

  g_return_if_fail (thread != g_thread_self ());

  g_main_context_invoke (self->context, stop_in_thread, self);
  g_thread_join (thread);

  g_clear_object (&self->soup);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->outbox, g_free);

  GST_OBJECT_LOCK (self);
  self->thread = NULL;
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_hash_table_remove_all (self->pending);
  self->pending_count = 0;
  GST_OBJECT_UNLOCK (self);

  set_state (self, GST_PEERJS_SESSION_STATE_CLOSED);
}

static gboolean
send_in_thread (gpointer user_data)
{
  gpointer *args = user_data;
  GstPeerJSSession *self = args[0];
  gchar *frame = args[1];

  if (!self->fatal)
    send_frame (self, frame);
  return G_SOURCE_REMOVE;
}

static void
send_args_free (gpointer user_data)
{
  gpointer *args = user_data;

  gst_object_unref (args[0]);
  g_free (args[1]);
  g_free (args);
}

/**
 * gst_peerjs_session_send:
 * @session: a #GstPeerJSSession
 * @message: the message to send (`src` is left out: the server stamps it)
 * @error: return location for a #GError
 *
 * Queues @message for the server. Thread-safe. While the session is
 * reconnecting, messages are kept (up to a bound) and sent once the ID is
 * registered again.
 *
 * Returns: %TRUE if queued; %FALSE with %GST_PEERJS_ERROR_DISCONNECTED if
 * the session is not started or has failed.
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_session_send (GstPeerJSSession * session,
    const GstPeerJSMessage * message, GError ** error)
{
  GstPeerJSSession *self = session;
  GstPeerJSMessage *copy;
  GMainContext *context = NULL;
  gpointer *args;
  GSource *source;

  g_return_val_if_fail (GST_IS_PEERJS_SESSION (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  GST_OBJECT_LOCK (self);
  if (self->thread && self->state != GST_PEERJS_SESSION_STATE_CLOSED)
    context = g_main_context_ref (self->context);
  GST_OBJECT_UNLOCK (self);

  if (!context) {
    g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_DISCONNECTED,
        "Cannot send %s: not connected to the server",
        gst_peerjs_message_type_to_string (message->type));
    return FALSE;
  }

  /* the server stamps src itself; never send ours */
  copy = gst_peerjs_message_copy (message);
  g_clear_pointer (&copy->src, g_free);

  args = g_new (gpointer, 2);
  args[0] = gst_object_ref (self);
  args[1] = gst_peerjs_message_serialize (copy, NULL);
  gst_peerjs_message_free (copy);

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, send_in_thread, args, send_args_free);
  g_source_attach (source, context);
  g_source_unref (source);
  g_main_context_unref (context);
  return TRUE;
}

typedef struct
{
  GstPeerJSSession *session;
  GstPeerJSPeersCallback callback;
  gpointer user_data;
  GDestroyNotify notify;
} PeersRequest;

static void
peers_request_free (PeersRequest * r)
{
  if (r->notify)
    r->notify (r->user_data);
  gst_object_unref (r->session);
  g_free (r);
}

static gchar **
parse_peer_list (GBytes * body, GError ** error)
{
  JsonParser *parser = json_parser_new ();
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;
  gchar **result = NULL;
  guint i;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
          g_bytes_get_size (body), error))
    goto done;
  if (!JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser))) {
    g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_SERVER_ERROR,
        "the peer list is not a JSON array");
    goto done;
  }
  array = json_node_get_array (json_parser_get_root (parser));
  for (i = 0; i < json_array_get_length (array); i++) {
    JsonNode *n = json_array_get_element (array, i);

    /* the server lists whatever IDs registered; keep the valid ones */
    if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) ==
        G_TYPE_STRING && gst_peerjs_id_is_valid (json_node_get_string (n)))
      g_ptr_array_add (ids, g_strdup (json_node_get_string (n)));
  }
  g_ptr_array_add (ids, NULL);
  result = (gchar **) g_ptr_array_free (ids, FALSE);
  ids = NULL;

done:
  if (ids)
    g_ptr_array_unref (ids);
  g_object_unref (parser);
  return result;
}

static void
peers_received_cb (GObject * source, GAsyncResult * res, gpointer user_data)
{
  PeersRequest *r = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION
      (source), res);
  GError *error = NULL;
  gchar **peers = NULL;
  GBytes *body;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
  if (body && soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED)
    g_set_error (&error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_SERVER_ERROR,
        "The server does not list its peers: it needs discovery "
        "(--allow-discovery)");
  else if (body && soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_set_error (&error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_SERVER_ERROR,
        "Could not list the peers (HTTP %u)", soup_message_get_status (msg));
  else if (body)
    peers = parse_peer_list (body, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    r->callback (r->session, peers, error, r->user_data);
  g_strfreev (peers);
  g_clear_error (&error);
  if (body)
    g_bytes_unref (body);
  peers_request_free (r);
}

static gboolean
request_peers (gpointer user_data)
{
  PeersRequest *r = user_data;
  GstPeerJSSession *self = r->session;
  SoupMessage *msg;
  gchar *ekey, *url;

  ekey = g_uri_escape_string (self->key, NULL, FALSE);
  url = g_strdup_printf ("%s%s/peers?ts=%" G_GINT64_FORMAT "&version="
      GST_PEERJS_CLIENT_VERSION, self->http_base, ekey,
      g_get_real_time () / 1000);
  msg = soup_message_new (SOUP_METHOD_GET, url);
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT,
      self->cancellable, peers_received_cb, r);
  g_object_unref (msg);
  g_free (ekey);
  g_free (url);
  return G_SOURCE_REMOVE;
}

/**
 * gst_peerjs_session_list_peers:
 * @session: a started #GstPeerJSSession
 * @callback: called on the session thread with the IDs (valid ones only,
 *   in the server's order) or an error
 * @user_data: for @callback
 * @notify: (nullable): frees @user_data after the callback
 *
 * Asks the server which IDs are registered (`GET {path}{key}/peers`, which
 * needs the server's discovery option), as `peerjs`' listAllPeers() does.
 *
 * Returns: %FALSE if the session is not started (nothing is called).
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_session_list_peers (GstPeerJSSession * session,
    GstPeerJSPeersCallback callback, gpointer user_data, GDestroyNotify notify)
{
  PeersRequest *r;
  GMainContext *context = gst_peerjs_session_get_context (session);

  if (!context)
    return FALSE;
  r = g_new0 (PeersRequest, 1);
  r->session = gst_object_ref (session);
  r->callback = callback;
  r->user_data = user_data;
  r->notify = notify;
  g_main_context_invoke (context, request_peers, r);
  g_main_context_unref (context);
  return TRUE;
}

/**
 * gst_peerjs_session_claim_pending:
 * @session: a #GstPeerJSSession
 * @peer_id: the remote peer
 * @connection_id: the connection that now exists locally
 *
 * Takes the ANSWER and CANDIDATE messages that arrived for a connection
 * before anybody handled them. Call it right after creating the
 * connection. Thread-safe.
 *
 * Returns: (transfer full) (element-type GstPeerJSMessage): the messages in
 * arrival order; free with g_list_free_full() and
 * gst_peerjs_message_free().
 *
 * Since: 1.0
 */
GList *
gst_peerjs_session_claim_pending (GstPeerJSSession * session,
    const gchar * peer_id, const gchar * connection_id)
{
  GstPeerJSSession *self = session;
  GList *result = NULL;
  gchar *key;
  GQueue *q;

  g_return_val_if_fail (GST_IS_PEERJS_SESSION (self), NULL);
  g_return_val_if_fail (peer_id && connection_id, NULL);

  key = pending_key (peer_id, connection_id);
  GST_OBJECT_LOCK (self);
  q = g_hash_table_lookup (self->pending, key);
  if (q) {
    PendingMessage *p;

    while ((p = g_queue_pop_head (q))) {
      result = g_list_prepend (result, p->message);
      g_free (p);
      self->pending_count--;
    }
    g_hash_table_remove (self->pending, key);
  }
  GST_OBJECT_UNLOCK (self);
  g_free (key);

  return g_list_reverse (result);
}

/**
 * gst_peerjs_session_get_state:
 * @session: a #GstPeerJSSession
 *
 * Returns: the registration state. Thread-safe.
 *
 * Since: 1.0
 */
GstPeerJSSessionState
gst_peerjs_session_get_state (GstPeerJSSession * session)
{
  GstPeerJSSessionState state;

  g_return_val_if_fail (GST_IS_PEERJS_SESSION (session),
      GST_PEERJS_SESSION_STATE_CLOSED);

  GST_OBJECT_LOCK (session);
  state = session->state;
  GST_OBJECT_UNLOCK (session);
  return state;
}

/**
 * gst_peerjs_session_get_id:
 * @session: a #GstPeerJSSession
 *
 * Returns: (transfer full) (nullable): the local peer ID: the requested
 * one, or the one the server assigned; %NULL before the server assigned
 * one.
 *
 * Since: 1.0
 */
gchar *
gst_peerjs_session_get_id (GstPeerJSSession * session)
{
  gchar *id;

  g_return_val_if_fail (GST_IS_PEERJS_SESSION (session), NULL);

  GST_OBJECT_LOCK (session);
  id = g_strdup (session->id ? session->id : session->requested_id);
  GST_OBJECT_UNLOCK (session);
  return id;
}

/**
 * gst_peerjs_session_get_context:
 * @session: a #GstPeerJSSession
 *
 * The context the session's thread runs, for owners that want their own
 * timers on the same thread as the session's signals.
 *
 * Returns: (transfer full) (nullable): the context, or %NULL when the
 * session is not started.
 *
 * Since: 1.0
 */
GMainContext *
gst_peerjs_session_get_context (GstPeerJSSession * session)
{
  GMainContext *context = NULL;

  g_return_val_if_fail (GST_IS_PEERJS_SESSION (session), NULL);

  GST_OBJECT_LOCK (session);
  if (session->context)
    context = g_main_context_ref (session->context);
  GST_OBJECT_UNLOCK (session);
  return context;
}

/**
 * gst_peerjs_session_new:
 * @server_uri: the server, e.g. `ws://127.0.0.1:9000/` (host, port and path
 *   as a web app gives them to `new Peer()`); %NULL for the PeerJS cloud
 * @key: the API key; %NULL for `peerjs`
 * @peer_id: (nullable): the local ID; %NULL or empty to ask the server
 *
 * Returns: (transfer full): a new, not yet started session.
 *
 * Since: 1.0
 */
GstPeerJSSession *
gst_peerjs_session_new (const gchar * server_uri, const gchar * key,
    const gchar * peer_id)
{
  return g_object_new (GST_TYPE_PEERJS_SESSION,
      "server-uri", server_uri ? server_uri : GST_PEERJS_DEFAULT_SERVER,
      "key", key ? key : GST_PEERJS_DEFAULT_KEY, "peer-id", peer_id, NULL);
}

static void
gst_peerjs_session_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstPeerJSSession *self = GST_PEERJS_SESSION (object);

  switch (prop_id) {
    case PROP_SERVER_URI:
      g_free (self->server_uri);
      self->server_uri = g_value_dup_string (value);
      if (!self->server_uri)
        self->server_uri = g_strdup (GST_PEERJS_DEFAULT_SERVER);
      break;
    case PROP_KEY:
      g_free (self->key);
      self->key = g_value_dup_string (value);
      if (!self->key)
        self->key = g_strdup (GST_PEERJS_DEFAULT_KEY);
      break;
    case PROP_PEER_ID:
      g_free (self->requested_id);
      self->requested_id = g_value_dup_string (value);
      break;
    case PROP_TLS_CA_FILE:
      g_free (self->tls_ca_file);
      self->tls_ca_file = g_value_dup_string (value);
      break;
    case PROP_HEARTBEAT_INTERVAL:
      self->heartbeat_interval = g_value_get_uint (value);
      break;
    case PROP_PENDING_TIMEOUT:
      self->pending_timeout = g_value_get_uint (value);
      break;
    case PROP_CONNECT_ATTEMPTS:
      self->connect_attempts = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_peerjs_session_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstPeerJSSession *self = GST_PEERJS_SESSION (object);

  switch (prop_id) {
    case PROP_SERVER_URI:
      g_value_set_string (value, self->server_uri);
      break;
    case PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case PROP_PEER_ID:
      g_value_take_string (value, gst_peerjs_session_get_id (self));
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, self->tls_ca_file);
      break;
    case PROP_HEARTBEAT_INTERVAL:
      g_value_set_uint (value, self->heartbeat_interval);
      break;
    case PROP_PENDING_TIMEOUT:
      g_value_set_uint (value, self->pending_timeout);
      break;
    case PROP_CONNECT_ATTEMPTS:
      g_value_set_uint (value, self->connect_attempts);
      break;
    case PROP_STATE:
      g_value_set_enum (value, gst_peerjs_session_get_state (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_peerjs_session_dispose (GObject * object)
{
  gst_peerjs_session_stop (GST_PEERJS_SESSION (object));
  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_peerjs_session_finalize (GObject * object)
{
  GstPeerJSSession *self = GST_PEERJS_SESSION (object);

  g_free (self->server_uri);
  g_free (self->key);
  g_free (self->requested_id);
  g_free (self->tls_ca_file);
  /* the token is a secret: do not leave it in freed memory */
  memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->id);
  g_free (self->http_base);
  g_free (self->ws_base);
  g_free (self->ws_error);
  g_hash_table_unref (self->pending);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_session_init (GstPeerJSSession * self)
{
  self->heartbeat_interval = DEFAULT_HEARTBEAT_INTERVAL;
  self->pending_timeout = DEFAULT_PENDING_TIMEOUT;
  self->connect_attempts = DEFAULT_CONNECT_ATTEMPTS;
  self->token = gst_peerjs_random_token ();
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) pending_queue_free);
  g_queue_init (&self->outbox);
}

static void
gst_peerjs_session_class_init (GstPeerJSSessionClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT, "peerjssession", 0,
      "PeerJS signalling session");

  gobject_class->set_property = gst_peerjs_session_set_property;
  gobject_class->get_property = gst_peerjs_session_get_property;
  gobject_class->dispose = gst_peerjs_session_dispose;
  gobject_class->finalize = gst_peerjs_session_finalize;

  g_object_class_install_property (gobject_class, PROP_SERVER_URI,
      g_param_spec_string ("server-uri", "Server URI",
          "PeerJS server as ws[s]://host:port/path/",
          GST_PEERJS_DEFAULT_SERVER,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_KEY,
      g_param_spec_string ("key", "Key", "PeerJS API key",
          GST_PEERJS_DEFAULT_KEY,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PEER_ID,
      g_param_spec_string ("peer-id", "Peer ID",
          "Local peer ID (NULL or empty: the server assigns one; reading "
          "gives the assigned one)", NULL,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_TLS_CA_FILE,
      g_param_spec_string ("tls-ca-file", "TLS CA file",
          "PEM file of the CA(s) to trust for wss:// instead of the system "
          "ones (set before starting)", DEFAULT_TLS_CA_FILE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_HEARTBEAT_INTERVAL,
      g_param_spec_uint ("heartbeat-interval", "Heartbeat interval",
          "Milliseconds between HEARTBEAT messages (set before starting)",
          100, 60000, DEFAULT_HEARTBEAT_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PENDING_TIMEOUT,
      g_param_spec_uint ("pending-timeout", "Pending timeout",
          "Milliseconds an ANSWER or CANDIDATE for an unknown connection is "
          "kept for gst_peerjs_session_claim_pending()", 0, 600000,
          DEFAULT_PENDING_TIMEOUT, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_CONNECT_ATTEMPTS,
      g_param_spec_uint ("connect-attempts", "Connect attempts",
          "Attempts at the first registration before the server counts as "
          "unreachable (after a registration, reconnecting never gives up)",
          1, 1000, DEFAULT_CONNECT_ATTEMPTS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_STATE,
      g_param_spec_enum ("state", "State", "Registration state",
          GST_TYPE_PEERJS_SESSION_STATE, GST_PEERJS_SESSION_STATE_CLOSED,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstPeerJSSession::open:
   * @session: the session
   * @peer_id: the registered ID
   *
   * The ID is registered: after the first registration and after every
   * successful reconnect. Emitted from the session thread.
   */
  session_signals[SIGNAL_OPEN] = g_signal_new ("open",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstPeerJSSession::message:
   * @session: the session
   * @message: an OFFER, ANSWER, CANDIDATE, LEAVE or EXPIRE from a peer
   *
   * A message from a remote peer. Return %TRUE if you handled it; an
   * unhandled ANSWER or CANDIDATE is kept for
   * gst_peerjs_session_claim_pending(). Emitted from the session thread.
   *
   * Returns: %TRUE if handled
   */
  session_signals[SIGNAL_MESSAGE] = g_signal_new ("message",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
      g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1,
      GST_TYPE_PEERJS_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstPeerJSSession::error:
   * @session: the session
   * @error: a #GError in the %GST_PEERJS_ERROR domain
   * @fatal: %TRUE if the session gave up (it is closed now)
   *
   * Fatal: the ID is taken, the key refused, the server refused or could
   * not be reached after #GstPeerJSSession:connect-attempts, TLS failed.
   * Not fatal: the connection dropped (the session reconnects), a message
   * from the server could not be read. Emitted from the session thread.
   */
  session_signals[SIGNAL_ERROR] = g_signal_new ("error",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_BOOLEAN);

  gst_type_mark_as_plugin_api (GST_TYPE_PEERJS_SESSION_STATE, 0);
}
