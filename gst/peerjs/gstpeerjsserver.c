/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstpeerjsserver
 * @title: GstPeerJSServer
 * @short_description: an embeddable PeerJS signalling server
 *
 * #GstPeerJSServer speaks the protocol of the `peer` signalling server
 * (version 1.0.2) so that browsers running the `peerjs` JavaScript library,
 * and #GstPeerJSSession, can use it instead of `peer`:
 *
 * * `GET {path}` answers the server banner, `GET {path}{key}/id` a fresh
 *   peer ID and `GET {path}{key}/peers` the registered IDs (only with
 *   #GstPeerJSServer:allow-discovery).
 * * The WebSocket endpoint `{path}peerjs?key=…&id=…&token=…` registers a
 *   peer ID and relays `OFFER`, `ANSWER`, `CANDIDATE`, `LEAVE` and `EXPIRE`
 *   messages between peers, with `src` stamped by the server.
 * * Messages for a peer that is not connected are queued and delivered when
 *   it connects; after #GstPeerJSServer:expire-timeout the senders get an
 *   `EXPIRE` instead.
 * * A peer that sends no `HEARTBEAT` for #GstPeerJSServer:alive-timeout is
 *   disconnected.
 *
 * Where `peer` misbehaves the server does better: a malformed or oversized
 * frame is answered with an `ERROR` message and the socket keeps working,
 * queues and idle sockets are bounded, and a connection that sends no
 * request headers within 10 s is closed.
 *
 * The server runs in a thread of its own with its own #GMainContext:
 * gst_peerjs_server_start() returns once it listens,
 * gst_peerjs_server_stop() closes every socket and joins the thread. The
 * #GstPeerJSServer::peer-connected and #GstPeerJSServer::peer-disconnected
 * signals are emitted from that thread. Properties are read when the server
 * starts; changing them while it runs takes effect at the next start.
 *
 * |[<!-- language="C" -->
 * GstPeerJSServer *server = gst_peerjs_server_new ();
 * GError *error = NULL;
 * gchar *uri;
 *
 * g_object_set (server, "port", 0, "allow-discovery", TRUE, NULL);
 * if (!gst_peerjs_server_start (server, &error))
 *   g_printerr ("%s\n", error->message);
 * uri = gst_peerjs_server_get_uri (server);   // e.g. "ws://127.0.0.1:41234/"
 * ...
 * gst_peerjs_server_stop (server);
 * gst_object_unref (server);
 * ]|
 *
 * Since: 1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <libsoup/soup.h>

#include "gstpeerjsserver.h"
#include "gstpeerjsserver-private.h"
#include "gstpeerjsprotocol.h"

GST_DEBUG_CATEGORY_STATIC (peerjs_server_debug);
#define GST_CAT_DEFAULT peerjs_server_debug

#define DEFAULT_HOST GST_PEERJS_SERVER_DEFAULT_HOST
#define DEFAULT_PORT GST_PEERJS_SERVER_DEFAULT_PORT
#define DEFAULT_PATH GST_PEERJS_SERVER_DEFAULT_PATH
#define DEFAULT_KEY GST_PEERJS_SERVER_DEFAULT_KEY
#define DEFAULT_ALLOW_DISCOVERY FALSE
#define DEFAULT_ALIVE_TIMEOUT GST_PEERJS_SERVER_DEFAULT_ALIVE_TIMEOUT
#define DEFAULT_EXPIRE_TIMEOUT GST_PEERJS_SERVER_DEFAULT_EXPIRE_TIMEOUT
#define DEFAULT_CONCURRENT_LIMIT GST_PEERJS_SERVER_DEFAULT_CONCURRENT_LIMIT
#define DEFAULT_MAX_MESSAGE_SIZE GST_PEERJS_MAX_MESSAGE_SIZE
#define DEFAULT_MAX_QUEUE_LENGTH GST_PEERJS_SERVER_DEFAULT_MAX_QUEUE_LENGTH
#define DEFAULT_MAX_UNREGISTERED_SOCKETS \
    GST_PEERJS_SERVER_DEFAULT_MAX_UNREGISTERED_SOCKETS

/* `peer`'s fixed periods (checkBrokenConnections, cleanup_out_msgs) */
#define LIVENESS_CHECK_PERIOD_MS 300
#define EXPIRE_SWEEP_PERIOD_MS 1000
/* how long stop() waits for clients to answer our close frames */
#define STOP_DRAIN_TIMEOUT_MS 1000
/* libsoup drops a connection whose frame exceeds this many times
 * max-message-size; below it we can still answer "Message too large" */
#define FRAME_LIMIT_FACTOR 4
/* listen(2) backlog, `peer`'s (node's default). soup_server_listen() keeps
 * GLib's default of 10: a burst of connections (every client of a game
 * reconnecting after a restart, or an attacker opening a thousand) overflows
 * it, the kernel drops the handshakes and honest clients waited up to a
 * minute to register, or timed out (libs/serverabuse). */
#define LISTEN_BACKLOG 511
/* How long a connection may take to send its request headers. libsoup has
 * no such timeout: a client that connected and sent nothing (or a header a
 * byte at a time) kept its socket for good, and enough of them take every
 * file descriptor (libs/serverabuse test_idle_connections). node's HTTP
 * server under `peer` allows 60 s; a PeerJS client sends its upgrade at
 * once. */
#define REQUEST_HEADERS_TIMEOUT_MS 10000

#define BANNER_JSON "{\"name\":\"PeerJS Server\",\"description\":" \
    "\"A server side element to broker connections between PeerJS " \
    "clients.\",\"website\":\"https://peerjs.com/\"}"

#define MSG_NO_CREDENTIALS "No id, token, or key supplied to websocket server"
#define MSG_INVALID_KEY "Invalid key provided"
#define MSG_ID_TAKEN "ID is taken"
#define MSG_CONCURRENT_LIMIT "Server has reached its concurrent user limit"
#define MSG_TOO_LARGE "Message too large"

enum
{
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_PATH,
  PROP_KEY,
  PROP_ALLOW_DISCOVERY,
  PROP_ALIVE_TIMEOUT,
  PROP_EXPIRE_TIMEOUT,
  PROP_CONCURRENT_LIMIT,
  PROP_MAX_MESSAGE_SIZE,
  PROP_MAX_QUEUE_LENGTH,
  PROP_MAX_UNREGISTERED_SOCKETS,
  PROP_TLS_CERTIFICATE,
};

enum
{
  SIGNAL_PEER_CONNECTED,
  SIGNAL_PEER_DISCONNECTED,
  LAST_SIGNAL
};

static guint signals[LAST_SIGNAL];

/* Everything the server thread needs from the properties, copied when it
 * starts so that it never has to take the object lock. */
typedef struct
{
  gchar *host;
  guint port;
  gchar *path;                  /* normalised: starts and ends with '/' */
  gchar *key;
  gboolean allow_discovery;
  guint alive_timeout;          /* ms */
  guint expire_timeout;         /* ms */
  guint concurrent_limit;
  guint max_message_size;       /* bytes */
  guint max_queue_length;
  guint max_unregistered_sockets;
  GTlsCertificate *tls_certificate;
} ServerConfig;

typedef struct _PeerSocket PeerSocket;

/* One registration: a peer ID with its token. Shared (refcounted) between
 * the registry and every socket that was ever accepted for it, because a
 * socket keeps relaying under its ID after the ID is unregistered. */
typedef struct
{
  gchar *id;
  gchar *token;
  PeerSocket *socket;           /* the current socket; not a reference */
  gint64 last_ping;             /* monotonic µs */
  gboolean registered;
  GList *order_link;            /* in GstPeerJSServer.order */
} Client;

/* One accepted WebSocket. */
struct _PeerSocket
{
  GstPeerJSServer *server;
  SoupWebsocketConnection *conn;
  Client *client;               /* reference; NULL for a rejected socket */
  GList *unregistered_link;     /* in GstPeerJSServer.unregistered */
};

/* Messages waiting for a destination that is not connected. */
typedef struct
{
  gint64 last_read;             /* monotonic µs */
  GQueue messages;              /* of QueuedMessage */
} MessageQueue;

typedef struct
{
  gchar *src;
  gchar *frame;
} QueuedMessage;

typedef enum
{
  START_PENDING,
  START_DONE,
  START_FAILED,
} StartState;

struct _GstPeerJSServer
{
  GstObject parent;

  /* properties, under the object lock */
  ServerConfig props;

  /* serialises start() and stop() */
  GMutex lifecycle_lock;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;

  /* shared with other threads, under lock. The registry is only changed
   * by the server thread, which therefore reads it without the lock. */
  GMutex lock;
  GCond cond;
  StartState start_state;
  GError *start_error;
  guint bound_port;
  GHashTable *clients;          /* id -> Client (reference) */
  GQueue order;                 /* of Client, in registration order */

  /* server thread only */
  ServerConfig config;
  gchar *ws_path;
  SoupServer *soup;
  GHashTable *sockets;          /* set of PeerSocket, owned */
  GQueue unregistered;          /* of PeerSocket, oldest first */
  GHashTable *queues;           /* destination id -> MessageQueue */
  GSource *liveness_source;
  GSource *expire_source;
  GSource *drain_source;
  gboolean stopping;
};

#define gst_peerjs_server_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstPeerJSServer, gst_peerjs_server, GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (peerjs_server_debug, "peerjsserver", 0,
        "PeerJS signalling server"));

static void socket_detach (GstPeerJSServer * self, PeerSocket * sock);

/* ------------------------------------------------------------------ */
/* Configuration                                                      */

static gchar *
normalise_path (const gchar * path)
{
  const gchar *start = path ? path : "";
  gboolean lead = start[0] == '/';
  gboolean trail = start[0] != '\0' && g_str_has_suffix (start, "/");

  if (start[0] == '\0' || g_str_equal (start, "/"))
    return g_strdup ("/");

  return g_strconcat (lead ? "" : "/", start, trail ? "" : "/", NULL);
}

static void
server_config_copy (ServerConfig * dest, const ServerConfig * src)
{
  *dest = *src;
  dest->host = g_strdup (src->host);
  dest->path = g_strdup (src->path);
  dest->key = g_strdup (src->key);
  if (src->tls_certificate)
    g_object_ref (src->tls_certificate);
}

static void
server_config_clear (ServerConfig * config)
{
  g_clear_pointer (&config->host, g_free);
  g_clear_pointer (&config->path, g_free);
  g_clear_pointer (&config->key, g_free);
  g_clear_object (&config->tls_certificate);
}

/* ------------------------------------------------------------------ */
/* Registry                                                           */

static void
client_clear (Client * client)
{
  g_free (client->id);
  g_free (client->token);
}

static Client *
client_new (const gchar * id, const gchar * token)
{
  Client *client = g_rc_box_new0 (Client);

  client->id = g_strdup (id);
  client->token = g_strdup (token);
  client->last_ping = g_get_monotonic_time ();
  return client;
}

static void
client_unref (Client * client)
{
  g_rc_box_release_full (client, (GDestroyNotify) client_clear);
}

static Client *
registry_lookup (GstPeerJSServer * self, const gchar * id)
{
  return g_hash_table_lookup (self->clients, id);
}

static void
registry_add (GstPeerJSServer * self, Client * client)
{
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->clients, client->id, g_rc_box_acquire (client));
  g_queue_push_tail (&self->order, client);
  client->order_link = self->order.tail;
  client->registered = TRUE;
  g_mutex_unlock (&self->lock);

  GST_INFO_OBJECT (self, "registered %s", client->id);
}

/* Unregisters @client if it still holds its ID; the signal is emitted
 * outside the lock, while the registry's reference keeps it alive. */
static void
registry_remove (GstPeerJSServer * self, Client * client)
{
  g_mutex_lock (&self->lock);
  if (!client->registered) {
    g_mutex_unlock (&self->lock);
    return;
  }
  client->registered = FALSE;
  g_queue_delete_link (&self->order, client->order_link);
  client->order_link = NULL;
  g_hash_table_steal (self->clients, client->id);
  g_mutex_unlock (&self->lock);

  GST_INFO_OBJECT (self, "unregistered %s", client->id);
  g_signal_emit (self, signals[SIGNAL_PEER_DISCONNECTED], 0, client->id);
  client_unref (client);
}

static gchar *
registry_new_id (GstPeerJSServer * self)
{
  gchar *id = g_uuid_string_random ();

  /* a clash is astronomically unlikely, but cheap to rule out */
  while (registry_lookup (self, id)) {
    g_free (id);
    id = g_uuid_string_random ();
  }
  return id;
}

/* ------------------------------------------------------------------ */
/* Frames                                                             */

static gchar *
message_serialize (const GstPeerJSMessage * msg)
{
  return gst_peerjs_message_serialize (msg, NULL);
}

/* The relayed form of @msg: exactly `type`, `src`, `dst` and `payload`, the
 * payload as received and absent if it was. Typed as UNKNOWN, the
 * serializer writes the envelope only and never builds a payload of its
 * own from the (empty) typed fields. */
static gchar *
relay_frame_new (const GstPeerJSMessage * msg)
{
  GstPeerJSMessage envelope = { 0, };

  envelope.type = GST_PEERJS_MESSAGE_UNKNOWN;
  envelope.type_name = msg->type_name;
  envelope.src = msg->src;
  envelope.dst = msg->dst;
  envelope.payload = msg->payload;
  return message_serialize (&envelope);
}

/* `{"type":<type>,"payload":{"msg":<text>}}`, the shape of every error
 * `peer` sends. */
static gchar *
error_frame_new (GstPeerJSMessageType type, const gchar * text)
{
  GstPeerJSMessage *msg = gst_peerjs_message_new (type);
  JsonBuilder *builder = json_builder_new ();
  gchar *frame;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "msg");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  msg->payload = json_builder_get_root (builder);
  frame = message_serialize (msg);

  g_object_unref (builder);
  gst_peerjs_message_free (msg);
  return frame;
}

/* ------------------------------------------------------------------ */
/* Sockets                                                            */

static gboolean
socket_is_open (PeerSocket * sock)
{
  return soup_websocket_connection_get_state (sock->conn) ==
      SOUP_WEBSOCKET_STATE_OPEN;
}

static void
socket_send_frame (PeerSocket * sock, const gchar * frame)
{
  if (!socket_is_open (sock)) {
    GST_DEBUG_OBJECT (sock->server, "socket not open, frame dropped");
    return;
  }
  /* libsoup refuses text frames that are not UTF-8 with a critical;
   * query_get() makes IDs valid UTF-8, so this is only a safety net */
  if (!g_utf8_validate (frame, -1, NULL)) {
    GST_WARNING_OBJECT (sock->server, "frame is not UTF-8, dropped");
    return;
  }
  soup_websocket_connection_send_text (sock->conn, frame);
}

static void
socket_send_open (PeerSocket * sock)
{
  GstPeerJSMessage *open = gst_peerjs_message_new (GST_PEERJS_MESSAGE_OPEN);
  gchar *frame = message_serialize (open);

  socket_send_frame (sock, frame);
  g_free (frame);
  gst_peerjs_message_free (open);
}

static void
socket_send_error (PeerSocket * sock, GstPeerJSMessageType type,
    const gchar * text)
{
  gchar *frame = error_frame_new (type, text);

  socket_send_frame (sock, frame);
  g_free (frame);
}

/* SOUP_WEBSOCKET_CLOSE_NO_STATUS sends a close frame without a status
 * code, which is what `peer` does (the client sees 1005). */
static void
socket_close (PeerSocket * sock, gushort code, const gchar * reason)
{
  if (socket_is_open (sock))
    soup_websocket_connection_close (sock->conn, code, reason);
}

/* Sockets that hold no registration (left with LEAVE, or replaced by a
 * takeover) cost resources but are not counted by concurrent-limit, so
 * they get their own bound: past it the oldest is closed. */
static void
socket_mark_unregistered (GstPeerJSServer * self, PeerSocket * sock)
{
  if (sock->unregistered_link)
    return;

  g_queue_push_tail (&self->unregistered, sock);
  sock->unregistered_link = self->unregistered.tail;

  while (self->unregistered.length > self->config.max_unregistered_sockets) {
    PeerSocket *oldest = g_queue_pop_head (&self->unregistered);

    oldest->unregistered_link = NULL;
    GST_DEBUG_OBJECT (self, "too many unregistered sockets, closing the "
        "oldest (%s)", oldest->client->id);
    socket_close (oldest, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
        "Too many unregistered connections");
  }
}

static void
socket_reject (PeerSocket * sock, GstPeerJSMessageType type, const gchar * text)
{
  GST_INFO_OBJECT (sock->server, "rejecting connection: %s", text);
  socket_send_error (sock, type, text);
  socket_close (sock, SOUP_WEBSOCKET_CLOSE_NO_STATUS, NULL);
}

static void
socket_free (PeerSocket * sock)
{
  g_signal_handlers_disconnect_by_data (sock->conn, sock);
  g_object_unref (sock->conn);
  if (sock->client)
    client_unref (sock->client);
  g_free (sock);
}

/* ------------------------------------------------------------------ */
/* Queues                                                             */

static void
queued_message_free (QueuedMessage * queued)
{
  g_free (queued->src);
  g_free (queued->frame);
  g_free (queued);
}

static void
message_queue_free (MessageQueue * mq)
{
  g_queue_clear_full (&mq->messages, (GDestroyNotify) queued_message_free);
  g_free (mq);
}

static void
queue_message (GstPeerJSServer * self, const GstPeerJSMessage * msg)
{
  MessageQueue *mq = g_hash_table_lookup (self->queues, msg->dst);
  QueuedMessage *queued;

  if (!mq) {
    /* a queue stands for a peer about to register, so there can be no
     * more of them than registrations */
    if (g_hash_table_size (self->queues) >= self->config.concurrent_limit) {
      GST_DEBUG_OBJECT (self, "too many queues, %s for %s dropped",
          msg->type_name, msg->dst);
      return;
    }
    mq = g_new0 (MessageQueue, 1);
    mq->last_read = g_get_monotonic_time ();
    g_queue_init (&mq->messages);
    g_hash_table_insert (self->queues, g_strdup (msg->dst), mq);
  }

  if (mq->messages.length >= self->config.max_queue_length) {
    GST_DEBUG_OBJECT (self, "queue for %s full, %s from %s dropped",
        msg->dst, msg->type_name, msg->src);
    return;
  }

  queued = g_new0 (QueuedMessage, 1);
  queued->src = g_strdup (msg->src);
  queued->frame = relay_frame_new (msg);
  g_queue_push_tail (&mq->messages, queued);
  GST_LOG_OBJECT (self, "queued %s from %s for %s (%u waiting)",
      msg->type_name, msg->src, msg->dst, mq->messages.length);
}

static void
discard_queue (GstPeerJSServer * self, const gchar * id)
{
  g_hash_table_remove (self->queues, id);
}

static void
deliver_queue (GstPeerJSServer * self, Client * client)
{
  MessageQueue *mq = g_hash_table_lookup (self->queues, client->id);
  GList *l;

  if (!mq)
    return;

  GST_DEBUG_OBJECT (self, "delivering %u queued messages to %s",
      mq->messages.length, client->id);
  for (l = mq->messages.head; l; l = l->next)
    socket_send_frame (client->socket, ((QueuedMessage *) l->data)->frame);
  discard_queue (self, client->id);
}

/* ------------------------------------------------------------------ */
/* Relaying                                                           */

/* Sends @msg to its destination if that is connected. */
static gboolean
relay_to_destination (GstPeerJSServer * self, const GstPeerJSMessage * msg)
{
  Client *target = registry_lookup (self, msg->dst);
  gchar *frame;

  if (!target || !target->socket)
    return FALSE;

  GST_LOG_OBJECT (self, "relaying %s from %s to %s", msg->type_name,
      msg->src, msg->dst);
  frame = relay_frame_new (msg);
  socket_send_frame (target->socket, frame);
  g_free (frame);
  return TRUE;
}

/* LEAVE without a destination: the sender gives up its ID but keeps its
 * socket, which still relays under that ID. */
static void
leave (GstPeerJSServer * self, Client * client)
{
  PeerSocket *current = client->socket;

  if (!client->registered)
    return;

  registry_remove (self, client);
  if (current)
    socket_mark_unregistered (self, current);
}

static void
transmit (GstPeerJSServer * self, Client * sender, GstPeerJSMessage * msg)
{
  gboolean to_nobody = msg->dst == NULL || msg->dst[0] == '\0';
  gboolean never_queued = msg->type == GST_PEERJS_MESSAGE_LEAVE ||
      msg->type == GST_PEERJS_MESSAGE_EXPIRE;

  if (to_nobody && msg->type == GST_PEERJS_MESSAGE_LEAVE) {
    leave (self, sender);
  } else if (to_nobody) {
    GST_DEBUG_OBJECT (self, "%s from %s without dst dropped",
        msg->type_name, msg->src);
  } else if (relay_to_destination (self, msg)) {
    /* delivered */
  } else if (never_queued) {
    GST_DEBUG_OBJECT (self, "%s from %s for absent %s dropped",
        msg->type_name, msg->src, msg->dst);
  } else {
    queue_message (self, msg);
  }
}

static void
dispatch (GstPeerJSServer * self, Client * sender, GstPeerJSMessage * msg)
{
  switch (msg->type) {
    case GST_PEERJS_MESSAGE_HEARTBEAT:
      sender->last_ping = g_get_monotonic_time ();
      break;
    case GST_PEERJS_MESSAGE_OFFER:
    case GST_PEERJS_MESSAGE_ANSWER:
    case GST_PEERJS_MESSAGE_CANDIDATE:
    case GST_PEERJS_MESSAGE_LEAVE:
    case GST_PEERJS_MESSAGE_EXPIRE:
      transmit (self, sender, msg);
      break;
    default:
      GST_DEBUG_OBJECT (self, "ignoring %s from %s", msg->type_name,
          sender->id);
      break;
  }
}

/* Parses one frame; a frame we cannot use is answered with an ERROR and
 * skipped, where `peer` would stop reading the socket for good. */
static GstPeerJSMessage *
parse_frame (GstPeerJSServer * self, PeerSocket * sock, const gchar * data,
    gsize len)
{
  GstPeerJSMessage *msg;
  GError *err = NULL;
  gchar *text;

  if (len > self->config.max_message_size) {
    GST_DEBUG_OBJECT (self, "%" G_GSIZE_FORMAT "-byte frame from %s too "
        "large", len, sock->client->id);
    socket_send_error (sock, GST_PEERJS_MESSAGE_ERROR, MSG_TOO_LARGE);
    return NULL;
  }

  msg = gst_peerjs_message_parse (data, len, GST_PEERJS_PARSE_ENVELOPE,
      self->config.max_message_size, &err);
  if (msg)
    return msg;

  GST_DEBUG_OBJECT (self, "invalid frame from %s: %s", sock->client->id,
      err->message);
  if (g_error_matches (err, GST_PEERJS_PROTOCOL_ERROR,
          GST_PEERJS_PROTOCOL_ERROR_TOO_LARGE))
    text = g_strdup (MSG_TOO_LARGE);
  else
    text = g_strdup_printf ("Invalid message: %s", err->message);
  socket_send_error (sock, GST_PEERJS_MESSAGE_ERROR, text);
  g_free (text);
  g_error_free (err);
  return NULL;
}

static void
on_socket_message (SoupWebsocketConnection * conn, gint data_type,
    GBytes * message, PeerSocket * sock)
{
  GstPeerJSServer *self = sock->server;
  GstPeerJSMessage *msg;
  gconstpointer data;
  gsize len;

  /* like `peer`, never read a rejected socket */
  if (!sock->client)
    return;

  /* binary frames are accepted too, like `peer` does */
  data = g_bytes_get_data (message, &len);
  msg = parse_frame (self, sock, data, len);
  if (!msg)
    return;

  /* src is whoever the socket registered as: spoofing is impossible */
  g_free (msg->src);
  msg->src = g_strdup (sock->client->id);
  dispatch (self, sock->client, msg);
  gst_peerjs_message_free (msg);
}

static void
on_socket_error (SoupWebsocketConnection * conn, GError * error,
    PeerSocket * sock)
{
  GST_DEBUG_OBJECT (sock->server, "socket of %s: %s",
      sock->client ? sock->client->id : "rejected peer", error->message);
}

static void
on_socket_closed (SoupWebsocketConnection * conn, PeerSocket * sock)
{
  socket_detach (sock->server, sock);
}

static PeerSocket *
socket_new (GstPeerJSServer * self, SoupWebsocketConnection * conn)
{
  PeerSocket *sock = g_new0 (PeerSocket, 1);

  sock->server = self;
  sock->conn = g_object_ref (conn);
  soup_websocket_connection_set_max_incoming_payload_size (conn,
      (guint64) self->config.max_message_size * FRAME_LIMIT_FACTOR);
  g_signal_connect (conn, "message", G_CALLBACK (on_socket_message), sock);
  g_signal_connect (conn, "error", G_CALLBACK (on_socket_error), sock);
  g_signal_connect (conn, "closed", G_CALLBACK (on_socket_closed), sock);
  g_hash_table_add (self->sockets, sock);
  return sock;
}

/* A socket is gone: if it was its ID's current socket the ID is free
 * again (an older socket replaced by a takeover frees nothing). */
static void
socket_detach (GstPeerJSServer * self, PeerSocket * sock)
{
  Client *client = sock->client;

  if (sock->unregistered_link) {
    g_queue_delete_link (&self->unregistered, sock->unregistered_link);
    sock->unregistered_link = NULL;
  }
  if (client && client->socket == sock) {
    client->socket = NULL;
    registry_remove (self, client);
  }
  g_hash_table_remove (self->sockets, sock);

  if (self->stopping && g_hash_table_size (self->sockets) == 0)
    g_main_loop_quit (self->loop);
}

/* ------------------------------------------------------------------ */
/* Handshake                                                          */

static void
register_socket (GstPeerJSServer * self, PeerSocket * sock,
    const gchar * id, const gchar * token)
{
  Client *client = client_new (id, token);

  client->socket = sock;
  sock->client = client;
  registry_add (self, client);
  socket_send_open (sock);
  deliver_queue (self, client);
  g_signal_emit (self, signals[SIGNAL_PEER_CONNECTED], 0, client->id);
}

/* Same ID, same token while the ID is registered: the new socket replaces
 * the old one without an OPEN; the old one stays open and keeps relaying
 * but receives nothing more. */
static void
take_over (GstPeerJSServer * self, PeerSocket * sock, Client * client)
{
  PeerSocket *old = client->socket;

  GST_INFO_OBJECT (self, "new socket for %s (takeover)", client->id);
  sock->client = g_rc_box_acquire (client);
  client->socket = sock;
  if (old)
    socket_mark_unregistered (self, old);
  deliver_queue (self, client);
  g_signal_emit (self, signals[SIGNAL_PEER_CONNECTED], 0, client->id);
}

static gboolean
is_empty (const gchar * s)
{
  return s == NULL || s[0] == '\0';
}

/* The decision order of `peer`'s WebSocket server. */
static void
handshake (GstPeerJSServer * self, PeerSocket * sock, const gchar * key,
    const gchar * id, const gchar * token)
{
  gboolean full = g_hash_table_size (self->clients) >=
      self->config.concurrent_limit;
  Client *client;

  if (is_empty (id) || is_empty (token) || is_empty (key)) {
    socket_reject (sock, GST_PEERJS_MESSAGE_ERROR, MSG_NO_CREDENTIALS);
    return;
  }
  if (!g_str_equal (key, self->config.key)) {
    socket_reject (sock, GST_PEERJS_MESSAGE_ERROR, MSG_INVALID_KEY);
    return;
  }

  client = registry_lookup (self, id);
  if (client && !g_str_equal (token, client->token)) {
    socket_reject (sock, GST_PEERJS_MESSAGE_ID_TAKEN, MSG_ID_TAKEN);
  } else if (client) {
    take_over (self, sock, client);
  } else if (full) {
    socket_reject (sock, GST_PEERJS_MESSAGE_ERROR, MSG_CONCURRENT_LIMIT);
  } else {
    register_socket (self, sock, id, token);
  }
}

/* The first value of @name in a query string, decoded the way WHATWG
 * URLSearchParams does: `+` is a space, broken escapes stay as they are
 * and bytes that are not UTF-8 become U+FFFD. %NULL when absent. */
static gchar *
query_get (const gchar * query, const gchar * name)
{
  gchar **pairs;
  gchar *value = NULL;
  guint i;

  if (!query)
    return NULL;

  pairs = g_strsplit (query, "&", -1);
  for (i = 0; pairs[i] && !value; i++) {
    gchar *eq = strchr (pairs[i], '=');
    gchar *pair_name, *raw_value;

    g_strdelimit (pairs[i], "+", ' ');
    raw_value = eq ? eq + 1 : pairs[i] + strlen (pairs[i]);
    if (eq)
      *eq = '\0';
    pair_name = g_uri_unescape_string (pairs[i], NULL);
    if (pair_name && g_str_equal (pair_name, name)) {
      gchar *decoded = g_uri_unescape_string (raw_value, NULL);

      value = g_utf8_make_valid (decoded ? decoded : raw_value, -1);
      g_free (decoded);
    }
    g_free (pair_name);
  }
  g_strfreev (pairs);
  return value;
}

static void
on_websocket (SoupServer * soup, SoupServerMessage * msg, const char *path,
    SoupWebsocketConnection * conn, gpointer user_data)
{
  GstPeerJSServer *self = user_data;
  const gchar *query = g_uri_get_query (soup_server_message_get_uri (msg));
  gchar *key = query_get (query, "key");
  gchar *id = query_get (query, "id");
  gchar *token = query_get (query, "token");
  PeerSocket *sock = socket_new (self, conn);

  /* never log the key or the token */
  GST_DEBUG_OBJECT (self, "WebSocket from %s, id=%s key=<hidden> "
      "token=<hidden>", soup_server_message_get_remote_host (msg),
      GST_STR_NULL (id));
  handshake (self, sock, key, id, token);

  g_free (key);
  g_free (id);
  g_free (token);
}

/* ------------------------------------------------------------------ */
/* HTTP API                                                           */

static void
respond (SoupServerMessage * msg, guint status, const gchar * content_type,
    const gchar * body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
        body, strlen (body));
}

/* express' "Cannot GET /x" page, so clients see what `peer` would send */
static void
respond_not_found (SoupServerMessage * msg, const gchar * path)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gchar *escaped = g_markup_escape_text (path, -1);
  gchar *body = g_strdup_printf ("<!DOCTYPE html>\n<html lang=\"en\">\n"
      "<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n"
      "<body>\n<pre>Cannot %s %s</pre>\n</body>\n</html>\n",
      soup_server_message_get_method (msg), escaped);

  soup_message_headers_replace (headers, "Content-Security-Policy",
      "default-src 'none'");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  respond (msg, SOUP_STATUS_NOT_FOUND, "text/html; charset=utf-8", body);
  g_free (body);
  g_free (escaped);
}

/* CORS like `peer` (`cors({origin: true})`): any origin is allowed, by
 * reflecting it, so that browser pages elsewhere can fetch /id. */
static void
add_cors_headers (SoupServerMessage * msg)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  const gchar *origin = soup_message_headers_get_one (req, "Origin");

  if (origin)
    soup_message_headers_replace (resp, "Access-Control-Allow-Origin", origin);
  soup_message_headers_append (resp, "Vary", "Origin");
}

static void
respond_preflight (SoupServerMessage * msg)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  const gchar *wanted = soup_message_headers_get_one (req,
      "Access-Control-Request-Headers");

  add_cors_headers (msg);
  soup_message_headers_replace (resp, "Access-Control-Allow-Methods",
      "GET,HEAD,PUT,PATCH,POST,DELETE");
  if (wanted) {
    soup_message_headers_replace (resp, "Access-Control-Allow-Headers", wanted);
    soup_message_headers_append (resp, "Vary",
        "Access-Control-Request-Headers");
  }
  respond (msg, SOUP_STATUS_NO_CONTENT, NULL, NULL);
}

static gchar *
peers_json (GstPeerJSServer * self)
{
  JsonBuilder *builder = json_builder_new ();
  JsonGenerator *generator = json_generator_new ();
  JsonNode *root;
  gchar *json;
  GList *l;

  json_builder_begin_array (builder);
  for (l = self->order.head; l; l = l->next)
    json_builder_add_string_value (builder, ((Client *) l->data)->id);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);

  json_node_unref (root);
  g_object_unref (generator);
  g_object_unref (builder);
  return json;
}

static void
respond_peers (GstPeerJSServer * self, SoupServerMessage * msg)
{
  gchar *json;

  if (!self->config.allow_discovery) {
    respond (msg, SOUP_STATUS_UNAUTHORIZED, "text/plain; charset=utf-8",
        "Unauthorized");
    return;
  }
  json = peers_json (self);
  respond (msg, SOUP_STATUS_OK, "application/json; charset=utf-8", json);
  g_free (json);
}

static void
respond_id (GstPeerJSServer * self, SoupServerMessage * msg)
{
  gchar *id = registry_new_id (self);

  respond (msg, SOUP_STATUS_OK, "text/html; charset=utf-8", id);
  g_free (id);
}

/* The part of @path below the mount path ("" for the mount path itself,
 * with or without its trailing slash), or %NULL outside of it. */
static const gchar *
path_below_mount (GstPeerJSServer * self, const gchar * path)
{
  const gchar *mount = self->config.path;
  gsize len = strlen (mount);

  if (strncmp (path, mount, len) == 0)
    return path + len;
  if (strlen (path) == len - 1 && strncmp (path, mount, len - 1) == 0)
    return path + len - 1;
  return NULL;
}

/* `{key}/id` or `{key}/peers`, with an optional trailing slash like
 * express; the key is not checked, as in `peer`. */
static gboolean
route_matches (const gchar * rel, const gchar * route)
{
  gchar **segments = g_strsplit (rel, "/", -1);
  guint n = g_strv_length (segments);
  gboolean match;

  match = (n == 2 || (n == 3 && segments[2][0] == '\0')) &&
      segments[0][0] != '\0' && g_ascii_strcasecmp (segments[1], route) == 0;
  g_strfreev (segments);
  return match;
}

static void
route_api (GstPeerJSServer * self, SoupServerMessage * msg,
    const gchar * path, const gchar * rel)
{
  const gchar *method = soup_server_message_get_method (msg);
  gboolean get = method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD;

  if (method == SOUP_METHOD_OPTIONS) {
    respond_preflight (msg);
    return;
  }

  add_cors_headers (msg);
  if (get && rel[0] == '\0')
    respond (msg, SOUP_STATUS_OK, "application/json; charset=utf-8",
        BANNER_JSON);
  else if (get && route_matches (rel, "id"))
    respond_id (self, msg);
  else if (get && route_matches (rel, "peers"))
    respond_peers (self, msg);
  else
    respond_not_found (msg, path);
}

static gboolean
is_websocket_upgrade (SoupServerMessage * msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  return soup_message_headers_header_contains (headers, "Upgrade", "websocket");
}

static void
on_http_request (SoupServer * soup, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  GstPeerJSServer *self = user_data;
  const gchar *rel;

  GST_LOG_OBJECT (self, "%s %s from %s", soup_server_message_get_method (msg),
      path, soup_server_message_get_remote_host (msg));

  if (is_websocket_upgrade (msg)) {
    /* leaving the status unset lets libsoup complete the handshake and
     * call on_websocket(); like `ws`, any other path is refused */
    if (!g_str_equal (path, self->ws_path))
      respond (msg, SOUP_STATUS_BAD_REQUEST, NULL, NULL);
    return;
  }

  rel = path_below_mount (self, path);
  if (rel)
    route_api (self, msg, path, rel);
  else
    respond_not_found (msg, path);
}

/* ------------------------------------------------------------------ */
/* Timers                                                             */

/* Drops queues nobody collected in time and tells each sender once, with
 * an EXPIRE that appears to come from the absent peer. */
static void
expire_queue (GstPeerJSServer * self, const gchar * dst, MessageQueue * mq)
{
  GHashTable *told = g_hash_table_new (g_str_hash, g_str_equal);
  GList *l;

  GST_DEBUG_OBJECT (self, "queue for %s expired (%u messages)", dst,
      mq->messages.length);
  for (l = mq->messages.head; l; l = l->next) {
    QueuedMessage *queued = l->data;
    GstPeerJSMessage *expire;

    if (!g_hash_table_add (told, queued->src))
      continue;
    expire = gst_peerjs_message_new (GST_PEERJS_MESSAGE_EXPIRE);
    expire->src = g_strdup (dst);
    expire->dst = g_strdup (queued->src);
    relay_to_destination (self, expire);
    gst_peerjs_message_free (expire);
  }
  g_hash_table_unref (told);
}

static gboolean
on_expire_sweep (gpointer user_data)
{
  GstPeerJSServer *self = user_data;
  gint64 limit = (gint64) self->config.expire_timeout * G_TIME_SPAN_MILLISECOND;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer dst, mq;

  g_hash_table_iter_init (&iter, self->queues);
  while (g_hash_table_iter_next (&iter, &dst, &mq)) {
    if (now - ((MessageQueue *) mq)->last_read < limit)
      continue;
    /* EXPIRE is never queued, so notifying leaves the table alone */
    expire_queue (self, dst, mq);
    g_hash_table_iter_remove (&iter);
  }
  return G_SOURCE_CONTINUE;
}

static void
disconnect_silent_client (GstPeerJSServer * self, Client * client)
{
  GST_INFO_OBJECT (self, "no HEARTBEAT from %s for %u ms, disconnecting",
      client->id, self->config.alive_timeout);
  if (client->socket)
    socket_close (client->socket, SOUP_WEBSOCKET_CLOSE_NO_STATUS, NULL);
  discard_queue (self, client->id);
  registry_remove (self, client);
}

static gboolean
on_liveness_check (gpointer user_data)
{
  GstPeerJSServer *self = user_data;
  gint64 limit = (gint64) self->config.alive_timeout * G_TIME_SPAN_MILLISECOND;
  gint64 now = g_get_monotonic_time ();
  GList *silent = NULL, *l;

  for (l = self->order.head; l; l = l->next) {
    Client *client = l->data;

    if (now - client->last_ping >= limit)
      silent = g_list_prepend (silent, g_rc_box_acquire (client));
  }
  for (l = silent; l; l = l->next)
    disconnect_silent_client (self, l->data);
  g_list_free_full (silent, (GDestroyNotify) client_unref);
  return G_SOURCE_CONTINUE;
}

static GSource *
add_timer (GstPeerJSServer * self, guint period_ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (period_ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
remove_timer (GSource ** source)
{
  if (*source) {
    g_source_destroy (*source);
    g_source_unref (*source);
    *source = NULL;
  }
}

/* ------------------------------------------------------------------ */
/* Server thread                                                      */

static GList *
resolve_host (const gchar * host, GError ** error)
{
  GInetAddress *addr = g_inet_address_new_from_string (host);
  GResolver *resolver;
  GList *addrs;

  if (addr)
    return g_list_prepend (NULL, addr);

  resolver = g_resolver_get_default ();
  addrs = g_resolver_lookup_by_name (resolver, host, NULL, error);
  g_object_unref (resolver);
  return addrs;
}

static guint
listener_port (SoupServer * soup)
{
  GSList *listeners = soup_server_get_listeners (soup);
  GSocketAddress *local;
  guint port = 0;

  if (listeners) {
    local = g_socket_get_local_address (listeners->data, NULL);
    if (local) {
      port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
      g_object_unref (local);
    }
  }
  g_slist_free (listeners);
  return port;
}

/* Listens on @address with LISTEN_BACKLOG: what soup_server_listen()
 * does (SO_REUSEADDR, like libsoup), with a larger backlog. */
static gboolean
listen_address (GstPeerJSServer * self, GSocketAddress * address,
    SoupServerListenOptions options, GError ** error)
{
  GSocket *sock = g_socket_new (g_socket_address_get_family (address),
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
  gboolean ok;

  if (!sock)
    return FALSE;
  g_socket_set_listen_backlog (sock, LISTEN_BACKLOG);
  ok = g_socket_bind (sock, address, TRUE, error)
      && g_socket_listen (sock, error)
      && soup_server_listen_socket (self->soup, sock, options, error);
  g_object_unref (sock);
  return ok;
}

/* Listens on every address @host stands for; with port 0 the first
 * listener picks the port and the others share it. */
static gboolean
server_listen (GstPeerJSServer * self, GError ** error)
{
  SoupServerListenOptions options = self->config.tls_certificate ?
      SOUP_SERVER_LISTEN_HTTPS : 0;
  guint port = self->config.port;
  GList *addrs, *l;
  gboolean ok = TRUE;

  addrs = resolve_host (self->config.host, error);
  if (!addrs)
    return FALSE;

  for (l = addrs; l && ok; l = l->next) {
    GSocketAddress *address = g_inet_socket_address_new (l->data, port);

    ok = listen_address (self, address, options, error);
    g_object_unref (address);
    if (ok && port == 0)
      port = listener_port (self->soup);
  }
  g_list_free_full (addrs, g_object_unref);

  if (ok) {
    g_mutex_lock (&self->lock);
    self->bound_port = port;
    g_mutex_unlock (&self->lock);
  }
  return ok;
}

/* The server thread's state, without the listening socket. */
static void
server_init_state (GstPeerJSServer * self)
{
  self->ws_path = g_strconcat (self->config.path, "peerjs", NULL);
  self->sockets = g_hash_table_new_full (NULL, NULL,
      (GDestroyNotify) socket_free, NULL);
  self->queues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) message_queue_free);
  g_queue_init (&self->unregistered);
}

#define REQUEST_TIMER_KEY "gst-peerjs-request-timer"

static gboolean
on_request_timeout (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  GSocket *sock = soup_server_message_get_socket (msg);

  GST_INFO ("no request from %s in %u ms, closing the connection",
      GST_STR_NULL (soup_server_message_get_remote_host (msg)),
      REQUEST_HEADERS_TIMEOUT_MS);
  /* libsoup then sees the connection end and cleans up after it */
  if (sock)
    g_socket_shutdown (sock, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

static void
destroy_request_timer (gpointer source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
on_request_got_headers (SoupServerMessage * msg, gpointer user_data)
{
  g_object_set_data (G_OBJECT (msg), REQUEST_TIMER_KEY, NULL);
}

/* A connection is waiting for a request (new, or kept alive): it has
 * REQUEST_HEADERS_TIMEOUT_MS to send the headers. The timer lives as long
 * as the message, which it does not keep alive. */
static void
on_request_started (SoupServer * soup, SoupServerMessage * msg,
    gpointer user_data)
{
  GstPeerJSServer *self = user_data;
  GSource *timer = g_timeout_source_new (REQUEST_HEADERS_TIMEOUT_MS);

  g_source_set_callback (timer, on_request_timeout, msg, NULL);
  g_source_attach (timer, self->context);
  g_object_set_data_full (G_OBJECT (msg), REQUEST_TIMER_KEY, timer,
      destroy_request_timer);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_request_got_headers),
      NULL);
}

static gboolean
server_open (GstPeerJSServer * self, GError ** error)
{
  server_init_state (self);

  self->soup = g_object_new (SOUP_TYPE_SERVER, "tls-certificate",
      self->config.tls_certificate, NULL);
  /* `peer` (ws) negotiates no compression */
  soup_server_remove_websocket_extension (self->soup,
      SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE);
  soup_server_add_handler (self->soup, NULL, on_http_request, self, NULL);
  g_signal_connect (self->soup, "request-started",
      G_CALLBACK (on_request_started), self);
  soup_server_add_websocket_handler (self->soup, NULL, NULL, NULL,
      on_websocket, self, NULL);

  if (!server_listen (self, error))
    return FALSE;

  self->liveness_source = add_timer (self, LIVENESS_CHECK_PERIOD_MS,
      on_liveness_check);
  self->expire_source = add_timer (self, EXPIRE_SWEEP_PERIOD_MS,
      on_expire_sweep);
  GST_INFO_OBJECT (self, "listening on %s port %u, path %s",
      self->config.host, self->bound_port, self->config.path);
  return TRUE;
}

static gboolean
on_drain_timeout (gpointer user_data)
{
  GstPeerJSServer *self = user_data;

  GST_DEBUG_OBJECT (self, "%u sockets did not close in time",
      g_hash_table_size (self->sockets));
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

/* First half of stop(), in the server thread: no new connections, a close
 * frame to every client, then wait (boundedly) for them to close. */
static gboolean
begin_shutdown (gpointer user_data)
{
  GstPeerJSServer *self = user_data;
  GHashTableIter iter;
  gpointer sock;

  self->stopping = TRUE;
  remove_timer (&self->liveness_source);
  remove_timer (&self->expire_source);
  soup_server_disconnect (self->soup);

  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, &sock, NULL))
    socket_close (sock, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);

  if (g_hash_table_size (self->sockets) == 0)
    g_main_loop_quit (self->loop);
  else
    self->drain_source = add_timer (self, STOP_DRAIN_TIMEOUT_MS,
        on_drain_timeout);
  return G_SOURCE_REMOVE;
}

/* Lets the pending I/O callbacks (socket closes) run before the context
 * goes away; bounded in case something keeps rescheduling itself. */
static void
flush_context (GMainContext * context)
{
  guint i;

  for (i = 0; i < 100 && g_main_context_pending (context); i++)
    g_main_context_iteration (context, FALSE);
}

/* Frees every socket, queue and registration. */
static void
server_clear_state (GstPeerJSServer * self)
{
  GHashTableIter iter;
  gpointer sock;

  /* sockets that did not finish closing in time */
  g_hash_table_iter_init (&iter, self->sockets);
  while (g_hash_table_iter_next (&iter, &sock, NULL)) {
    PeerSocket *s = sock;

    if (s->client && s->client->socket == s) {
      s->client->socket = NULL;
      registry_remove (self, s->client);
    }
  }
  g_queue_clear (&self->unregistered);
  g_clear_pointer (&self->sockets, g_hash_table_unref);
  g_clear_pointer (&self->queues, g_hash_table_unref);

  /* registrations whose socket already closed, e.g. after a LEAVE */
  while (self->order.head)
    registry_remove (self, self->order.head->data);
}

static void
server_close (GstPeerJSServer * self)
{
  remove_timer (&self->liveness_source);
  remove_timer (&self->expire_source);
  remove_timer (&self->drain_source);
  server_clear_state (self);

  if (self->soup)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  flush_context (self->context);

  g_clear_pointer (&self->ws_path, g_free);
  g_mutex_lock (&self->lock);
  self->bound_port = 0;
  g_mutex_unlock (&self->lock);
  self->stopping = FALSE;
}

static void
report_start (GstPeerJSServer * self, gboolean ok, GError * error)
{
  g_mutex_lock (&self->lock);
  self->start_state = ok ? START_DONE : START_FAILED;
  self->start_error = error;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gpointer
server_thread (gpointer user_data)
{
  GstPeerJSServer *self = user_data;
  GError *error = NULL;
  gboolean ok;

  /* libsoup attaches its sources to the thread-default context */
  g_main_context_push_thread_default (self->context);
  ok = server_open (self, &error);
  report_start (self, ok, error);
  if (ok)
    g_main_loop_run (self->loop);
  server_close (self);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Detached: no listener, no thread (gstpeerjsserver-private.h)       */

void
gst_peerjs_server_open_detached (GstPeerJSServer * server)
{
  g_return_if_fail (GST_IS_PEERJS_SERVER (server));
  g_return_if_fail (server->thread == NULL && server->sockets == NULL);

  GST_OBJECT_LOCK (server);
  server_config_clear (&server->config);
  server_config_copy (&server->config, &server->props);
  GST_OBJECT_UNLOCK (server);
  server_init_state (server);
}

GstPeerJSServerSocket *
gst_peerjs_server_accept_detached (GstPeerJSServer * server,
    SoupWebsocketConnection * conn, const gchar * query)
{
  PeerSocket *sock;
  gchar *key, *id, *token;

  g_return_val_if_fail (server->sockets != NULL, NULL);

  key = query_get (query, "key");
  id = query_get (query, "id");
  token = query_get (query, "token");
  sock = socket_new (server, conn);
  handshake (server, sock, key, id, token);
  g_free (key);
  g_free (id);
  g_free (token);
  return sock;
}

void
gst_peerjs_server_receive_detached (GstPeerJSServer * server,
    GstPeerJSServerSocket * sock, SoupWebsocketDataType type, GBytes * frame)
{
  g_return_if_fail (server->sockets != NULL && sock->server == server);

  on_socket_message (sock->conn, type, frame, sock);
}

void
gst_peerjs_server_socket_closed_detached (GstPeerJSServer * server,
    GstPeerJSServerSocket * sock)
{
  g_return_if_fail (server->sockets != NULL && sock->server == server);

  socket_detach (server, sock);
}

void
gst_peerjs_server_tick_detached (GstPeerJSServer * server)
{
  g_return_if_fail (server->sockets != NULL);

  on_liveness_check (server);
  on_expire_sweep (server);
}

void
gst_peerjs_server_close_detached (GstPeerJSServer * server)
{
  g_return_if_fail (server->sockets != NULL);

  server_clear_state (server);
  g_clear_pointer (&server->ws_path, g_free);
}

/* ------------------------------------------------------------------ */
/* Public API                                                         */

/**
 * gst_peerjs_server_new:
 *
 * Creates a server with the default settings (the `peer` CLI's, on
 * 127.0.0.1 port 9000). Set its properties, then call
 * gst_peerjs_server_start().
 *
 * Returns: (transfer full): a new #GstPeerJSServer
 *
 * Since: 1.0
 */
GstPeerJSServer *
gst_peerjs_server_new (void)
{
  return g_object_new (GST_TYPE_PEERJS_SERVER, NULL);
}

static void
release_thread (GstPeerJSServer * self)
{
  g_thread_join (self->thread);
  self->thread = NULL;
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
}

/**
 * gst_peerjs_server_start:
 * @server: a #GstPeerJSServer
 * @error: (optional): return location for a #GError
 *
 * Starts the server thread and listens on #GstPeerJSServer:host and
 * #GstPeerJSServer:port. Returns once the server listens, or failed to;
 * a port in use gives %G_IO_ERROR_ADDRESS_IN_USE. Starting a running
 * server does nothing. A stopped server can be started again.
 *
 * Returns: %TRUE if the server is listening
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_server_start (GstPeerJSServer * server, GError ** error)
{
  gboolean ok;

  g_return_val_if_fail (GST_IS_PEERJS_SERVER (server), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&server->lifecycle_lock);
  if (server->thread) {
    g_mutex_unlock (&server->lifecycle_lock);
    return TRUE;
  }

  GST_OBJECT_LOCK (server);
  server_config_clear (&server->config);
  server_config_copy (&server->config, &server->props);
  GST_OBJECT_UNLOCK (server);

  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->start_state = START_PENDING;
  server->thread = g_thread_new ("peerjs-server", server_thread, server);

  g_mutex_lock (&server->lock);
  while (server->start_state == START_PENDING)
    g_cond_wait (&server->cond, &server->lock);
  ok = server->start_state == START_DONE;
  g_mutex_unlock (&server->lock);

  if (!ok) {
    GST_WARNING_OBJECT (server, "cannot start: %s",
        server->start_error->message);
    g_propagate_error (error, server->start_error);
    server->start_error = NULL;
    release_thread (server);
  }
  g_mutex_unlock (&server->lifecycle_lock);
  return ok;
}

/**
 * gst_peerjs_server_stop:
 * @server: a #GstPeerJSServer
 *
 * Stops listening, closes every WebSocket (waiting up to a second for the
 * clients to answer the close), unregisters every peer and joins the server
 * thread. Does nothing if the server is not running. Must not be called
 * from the server's own signal handlers.
 *
 * Since: 1.0
 */
void
gst_peerjs_server_stop (GstPeerJSServer * server)
{
  g_return_if_fail (GST_IS_PEERJS_SERVER (server));

  g_mutex_lock (&server->lifecycle_lock);
  if (server->thread == g_thread_self ()) {
    g_critical ("gst_peerjs_server_stop() called from the server thread");
  } else if (server->thread) {
    GST_DEBUG_OBJECT (server, "stopping");
    g_main_context_invoke (server->context, begin_shutdown, server);
    release_thread (server);
    GST_INFO_OBJECT (server, "stopped");
  }
  g_mutex_unlock (&server->lifecycle_lock);
}

/**
 * gst_peerjs_server_get_port:
 * @server: a #GstPeerJSServer
 *
 * The port the server listens on: with #GstPeerJSServer:port 0, the one
 * the system picked. Thread-safe.
 *
 * Returns: the bound port, or 0 when the server is not running
 *
 * Since: 1.0
 */
guint
gst_peerjs_server_get_port (GstPeerJSServer * server)
{
  guint port;

  g_return_val_if_fail (GST_IS_PEERJS_SERVER (server), 0);

  g_mutex_lock (&server->lock);
  port = server->bound_port;
  g_mutex_unlock (&server->lock);
  return port;
}

/* A wildcard listen address is not one a client can connect to. */
static gchar *
connectable_host (const gchar * host)
{
  GInetAddress *addr = g_inet_address_new_from_string (host);
  gchar *result;

  if (!addr)
    return g_strdup (host);

  if (g_inet_address_get_is_any (addr))
    result = g_strdup (g_inet_address_get_family (addr) ==
        G_SOCKET_FAMILY_IPV6 ? "[::1]" : "127.0.0.1");
  else if (g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV6)
    result = g_strdup_printf ("[%s]", host);
  else
    result = g_strdup (host);
  g_object_unref (addr);
  return result;
}

/**
 * gst_peerjs_server_get_uri:
 * @server: a #GstPeerJSServer
 *
 * The server's address in the form #GstPeerJSSession takes, e.g.
 * `ws://127.0.0.1:9000/` or `wss://example.org:9000/myapp/`, with the
 * bound port while the server runs. A wildcard host (`0.0.0.0`, `::`)
 * is given as the loopback address. Thread-safe.
 *
 * Returns: (transfer full): the URI, free with g_free()
 *
 * Since: 1.0
 */
gchar *
gst_peerjs_server_get_uri (GstPeerJSServer * server)
{
  guint port;
  gchar *host, *uri;

  g_return_val_if_fail (GST_IS_PEERJS_SERVER (server), NULL);

  port = gst_peerjs_server_get_port (server);
  GST_OBJECT_LOCK (server);
  host = connectable_host (server->props.host);
  uri = g_strdup_printf ("%s://%s:%u%s",
      server->props.tls_certificate ? "wss" : "ws", host,
      port ? port : server->props.port, server->props.path);
  GST_OBJECT_UNLOCK (server);

  g_free (host);
  return uri;
}

/**
 * gst_peerjs_server_list_peers:
 * @server: a #GstPeerJSServer
 *
 * The registered peer IDs, in registration order (what
 * `GET {path}{key}/peers` answers with discovery enabled). Thread-safe.
 *
 * Returns: (transfer full) (array zero-terminated=1): the IDs, free with
 *   g_strfreev(); empty when the server is not running
 *
 * Since: 1.0
 */
gchar **
gst_peerjs_server_list_peers (GstPeerJSServer * server)
{
  GPtrArray *ids;
  GList *l;

  g_return_val_if_fail (GST_IS_PEERJS_SERVER (server), NULL);

  ids = g_ptr_array_new ();
  g_mutex_lock (&server->lock);
  for (l = server->order.head; l; l = l->next)
    g_ptr_array_add (ids, g_strdup (((Client *) l->data)->id));
  g_mutex_unlock (&server->lock);
  g_ptr_array_add (ids, NULL);
  return (gchar **) g_ptr_array_free (ids, FALSE);
}

/* ------------------------------------------------------------------ */
/* GObject                                                            */

static void
gst_peerjs_server_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstPeerJSServer *self = GST_PEERJS_SERVER (object);
  ServerConfig *props = &self->props;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_HOST:
      g_free (props->host);
      props->host = g_value_dup_string (value);
      if (!props->host)
        props->host = g_strdup (DEFAULT_HOST);
      break;
    case PROP_PORT:
      props->port = g_value_get_uint (value);
      break;
    case PROP_PATH:
      g_free (props->path);
      props->path = normalise_path (g_value_get_string (value));
      break;
    case PROP_KEY:
      g_free (props->key);
      props->key = g_value_dup_string (value);
      if (!props->key)
        props->key = g_strdup (DEFAULT_KEY);
      break;
    case PROP_ALLOW_DISCOVERY:
      props->allow_discovery = g_value_get_boolean (value);
      break;
    case PROP_ALIVE_TIMEOUT:
      props->alive_timeout = g_value_get_uint (value);
      break;
    case PROP_EXPIRE_TIMEOUT:
      props->expire_timeout = g_value_get_uint (value);
      break;
    case PROP_CONCURRENT_LIMIT:
      props->concurrent_limit = g_value_get_uint (value);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      props->max_message_size = g_value_get_uint (value);
      break;
    case PROP_MAX_QUEUE_LENGTH:
      props->max_queue_length = g_value_get_uint (value);
      break;
    case PROP_MAX_UNREGISTERED_SOCKETS:
      props->max_unregistered_sockets = g_value_get_uint (value);
      break;
    case PROP_TLS_CERTIFICATE:
      g_clear_object (&props->tls_certificate);
      props->tls_certificate = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_peerjs_server_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstPeerJSServer *self = GST_PEERJS_SERVER (object);
  ServerConfig *props = &self->props;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_HOST:
      g_value_set_string (value, props->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, props->port);
      break;
    case PROP_PATH:
      g_value_set_string (value, props->path);
      break;
    case PROP_KEY:
      g_value_set_string (value, props->key);
      break;
    case PROP_ALLOW_DISCOVERY:
      g_value_set_boolean (value, props->allow_discovery);
      break;
    case PROP_ALIVE_TIMEOUT:
      g_value_set_uint (value, props->alive_timeout);
      break;
    case PROP_EXPIRE_TIMEOUT:
      g_value_set_uint (value, props->expire_timeout);
      break;
    case PROP_CONCURRENT_LIMIT:
      g_value_set_uint (value, props->concurrent_limit);
      break;
    case PROP_MAX_MESSAGE_SIZE:
      g_value_set_uint (value, props->max_message_size);
      break;
    case PROP_MAX_QUEUE_LENGTH:
      g_value_set_uint (value, props->max_queue_length);
      break;
    case PROP_MAX_UNREGISTERED_SOCKETS:
      g_value_set_uint (value, props->max_unregistered_sockets);
      break;
    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, props->tls_certificate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_peerjs_server_dispose (GObject * object)
{
  gst_peerjs_server_stop (GST_PEERJS_SERVER (object));

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_peerjs_server_finalize (GObject * object)
{
  GstPeerJSServer *self = GST_PEERJS_SERVER (object);

  server_config_clear (&self->props);
  server_config_clear (&self->config);
  g_hash_table_unref (self->clients);
  g_mutex_clear (&self->lifecycle_lock);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_server_init (GstPeerJSServer * self)
{
  ServerConfig *props = &self->props;

  props->host = g_strdup (DEFAULT_HOST);
  props->port = DEFAULT_PORT;
  props->path = g_strdup (DEFAULT_PATH);
  props->key = g_strdup (DEFAULT_KEY);
  props->allow_discovery = DEFAULT_ALLOW_DISCOVERY;
  props->alive_timeout = DEFAULT_ALIVE_TIMEOUT;
  props->expire_timeout = DEFAULT_EXPIRE_TIMEOUT;
  props->concurrent_limit = DEFAULT_CONCURRENT_LIMIT;
  props->max_message_size = DEFAULT_MAX_MESSAGE_SIZE;
  props->max_queue_length = DEFAULT_MAX_QUEUE_LENGTH;
  props->max_unregistered_sockets = DEFAULT_MAX_UNREGISTERED_SOCKETS;

  g_mutex_init (&self->lifecycle_lock);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  /* keys are the clients' own id strings */
  self->clients = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->order);
}

static void
gst_peerjs_server_class_init (GstPeerJSServerClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  gobject_class->set_property = gst_peerjs_server_set_property;
  gobject_class->get_property = gst_peerjs_server_get_property;
  gobject_class->dispose = gst_peerjs_server_dispose;
  gobject_class->finalize = gst_peerjs_server_finalize;

  /**
   * GstPeerJSServer:host:
   *
   * Address to listen on: an IP address (`0.0.0.0` or `::` for all
   * interfaces) or a host name, which is resolved when the server starts
   * and listened on at every address it has.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_HOST,
      g_param_spec_string ("host", "Host", "Address to listen on",
          DEFAULT_HOST, flags));

  /**
   * GstPeerJSServer:port:
   *
   * TCP port to listen on; 0 lets the system pick a free one, which
   * gst_peerjs_server_get_port() then returns.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_PORT,
      g_param_spec_uint ("port", "Port", "TCP port to listen on (0 = any)",
          0, G_MAXUINT16, DEFAULT_PORT, flags));

  /**
   * GstPeerJSServer:path:
   *
   * Mount path of the HTTP API and the WebSocket endpoint
   * (`{path}peerjs`). Normalised to start and end with `/`, as the
   * `peerjs` client does: `myapp` becomes `/myapp/`.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_PATH,
      g_param_spec_string ("path", "Path", "Mount path of the server",
          DEFAULT_PATH, flags));

  /**
   * GstPeerJSServer:key:
   *
   * The one API key WebSocket clients must present. The HTTP API does not
   * check it, like `peer`.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_KEY,
      g_param_spec_string ("key", "Key", "API key clients must present",
          DEFAULT_KEY, flags));

  /**
   * GstPeerJSServer:allow-discovery:
   *
   * Whether `GET {path}{key}/peers` lists the registered IDs; otherwise it
   * answers 401.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_ALLOW_DISCOVERY,
      g_param_spec_boolean ("allow-discovery", "Allow discovery",
          "Whether GET {path}{key}/peers lists the registered IDs",
          DEFAULT_ALLOW_DISCOVERY, flags));

  /**
   * GstPeerJSServer:alive-timeout:
   *
   * Milliseconds without a `HEARTBEAT` after which a peer is disconnected
   * and unregistered (checked every 300 ms). Other messages do not count.
   * The default is the `peer` CLI's.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_ALIVE_TIMEOUT,
      g_param_spec_uint ("alive-timeout", "Alive timeout",
          "Milliseconds without HEARTBEAT before a peer is dropped",
          1, G_MAXINT, DEFAULT_ALIVE_TIMEOUT, flags));

  /**
   * GstPeerJSServer:expire-timeout:
   *
   * Milliseconds a queue of messages for an absent peer is kept. Queues
   * are swept every second, so the senders get their `EXPIRE` between
   * this and this plus 1000 ms after the first queued message.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_EXPIRE_TIMEOUT,
      g_param_spec_uint ("expire-timeout", "Expire timeout",
          "Milliseconds messages for an absent peer are kept",
          0, G_MAXINT, DEFAULT_EXPIRE_TIMEOUT, flags));

  /**
   * GstPeerJSServer:concurrent-limit:
   *
   * Largest number of registered peer IDs; a further registration gets
   * `Server has reached its concurrent user limit`. Also bounds the
   * number of destinations with queued messages.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_CONCURRENT_LIMIT,
      g_param_spec_uint ("concurrent-limit", "Concurrent limit",
          "Largest number of registered peer IDs", 0, G_MAXUINT,
          DEFAULT_CONCURRENT_LIMIT, flags));

  /**
   * GstPeerJSServer:max-message-size:
   *
   * Largest frame, in bytes, the server relays. A larger one is answered
   * with an `ERROR` (`Message too large`) and dropped; libsoup drops the
   * connection of a client that sends a frame over four times this size.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_MAX_MESSAGE_SIZE,
      g_param_spec_uint ("max-message-size", "Max message size",
          "Largest frame relayed, in bytes", 64, G_MAXINT / FRAME_LIMIT_FACTOR,
          DEFAULT_MAX_MESSAGE_SIZE, flags));

  /**
   * GstPeerJSServer:max-queue-length:
   *
   * Largest number of messages queued for one absent destination; further
   * ones are dropped. `peer` has no such limit.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUE_LENGTH,
      g_param_spec_uint ("max-queue-length", "Max queue length",
          "Largest number of messages queued per absent destination",
          0, G_MAXUINT, DEFAULT_MAX_QUEUE_LENGTH, flags));

  /**
   * GstPeerJSServer:max-unregistered-sockets:
   *
   * Largest number of open WebSockets that hold no registration: those
   * that sent a `LEAVE` without destination, and those replaced by a
   * same-token takeover. When there are more the oldest is closed
   * (code 1008). `peer` has no such limit.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class,
      PROP_MAX_UNREGISTERED_SOCKETS,
      g_param_spec_uint ("max-unregistered-sockets",
          "Max unregistered sockets",
          "Largest number of open WebSockets without a registration",
          0, G_MAXUINT, DEFAULT_MAX_UNREGISTERED_SOCKETS, flags));

  /**
   * GstPeerJSServer:tls-certificate:
   *
   * Certificate (with its private key) to serve HTTPS and WSS with, or
   * %NULL for plain HTTP and WS. See g_tls_certificate_new_from_files().
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_TLS_CERTIFICATE,
      g_param_spec_object ("tls-certificate", "TLS certificate",
          "Certificate and key for HTTPS/WSS, or NULL",
          G_TYPE_TLS_CERTIFICATE, flags));

  /**
   * GstPeerJSServer::peer-connected:
   * @server: the #GstPeerJSServer
   * @id: the peer ID
   *
   * A WebSocket was accepted for @id: a new registration (after its
   * `OPEN`), or a same-token takeover. Emitted from the server thread.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PEER_CONNECTED] = g_signal_new ("peer-connected",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstPeerJSServer::peer-disconnected:
   * @server: the #GstPeerJSServer
   * @id: the peer ID
   *
   * @id is no longer registered: its socket closed, it sent no
   * `HEARTBEAT` for #GstPeerJSServer:alive-timeout, it sent a `LEAVE`
   * without destination, or the server stopped. Emitted from the server
   * thread.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PEER_DISCONNECTED] = g_signal_new ("peer-disconnected",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);
}
