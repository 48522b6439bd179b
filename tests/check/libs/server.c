/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* GstPeerJSServer against real libsoup 3 WebSocket and HTTP clients. The
 * expected frames are the ones captured from `peer@1.0.2`
 * (docs: peerjs-protocol.md, sections 2 and 6). Every wait is bounded. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>
#include <libsoup/soup.h>

#include "waitloop.h"

/* bound for what should happen at once */
#define WAIT_MS 3000
/* how long we watch for something that must not happen */
#define QUIET_MS 250

#define OPEN_FRAME "{\"type\":\"OPEN\"}"
#define ERROR_PREFIX "{\"type\":\"ERROR\",\"payload\":{\"msg\":"

/* A throwaway self-signed certificate for 127.0.0.1, for the TLS test. */
static const gchar test_cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBmjCCAUGgAwIBAgIUSpy5TGo9LN6lh/xlQLi85TNdmmIwCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNTIzNDcxMVoYDzIxMjYxMTAx\n"
    "MjM0NzExWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAASWpc5ClxctYJR86P0o3uF3InjrTIPc/dMEk3L81YAzpJdfEnnlmw/K\n"
    "uJ1ICKnzunZyKWXtpDHM2r99TU2NJaWQo28wbTAdBgNVHQ4EFgQUKDWXcPAgNfGG\n"
    "2MUcCAb+bWRslxAwHwYDVR0jBBgwFoAUKDWXcPAgNfGG2MUcCAb+bWRslxAwDwYD\n"
    "VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI\n"
    "zj0EAwIDRwAwRAIgLU2n0f3L0Riwa+9276cxcQVN5Weqvddv8CKkibByeRsCIEOJ\n"
    "vkFfrbCQp3wknT9Ugcg+FJ+Br3Lt3SZVV+DdnH0C\n"
    "-----END CERTIFICATE-----\n"
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+bAGhpKs71ZAyOcz\n"
    "wsy4FSYliOQmonNwNQer+JimSsihRANCAASWpc5ClxctYJR86P0o3uF3InjrTIPc\n"
    "/dMEk3L81YAzpJdfEnnlmw/KuJ1ICKnzunZyKWXtpDHM2r99TU2NJaWQ\n"
    "-----END PRIVATE KEY-----\n";

static GMainContext *context;
static SoupSession *session;
static GstPeerJSServer *server;
static guint port;
static gboolean use_tls;
static gchar *ws_path;          /* the server's {path}peerjs */
static gchar *ws_key;
static GList *clients;

/* server signals, recorded from the server thread as "+id" / "-id" */
static GMutex events_lock;
static GPtrArray *events;

typedef struct
{
  SoupWebsocketConnection *conn;
  GQueue frames;
  gboolean closed;
  gushort close_code;
} TestClient;

/* ------------------------------------------------------------------ */
/* Waiting                                                            */

static gboolean
wait_for (Condition cond, gconstpointer data, guint ms)
{
  return waitloop_wait_for (context, cond, data, ms);
}

static void
run_for (guint ms)
{
  waitloop_run_for (context, ms);
}

static gboolean
flag_is_set (gconstpointer data)
{
  return *(const gboolean *) data;
}

/* ------------------------------------------------------------------ */
/* Server                                                             */

static void
record_event (const gchar * prefix, const gchar * id)
{
  g_mutex_lock (&events_lock);
  g_ptr_array_add (events, g_strconcat (prefix, id, NULL));
  g_mutex_unlock (&events_lock);
}

static void
on_peer_connected (GstPeerJSServer * s, const gchar * id, gpointer data)
{
  record_event ("+", id);
}

static void
on_peer_disconnected (GstPeerJSServer * s, const gchar * id, gpointer data)
{
  record_event ("-", id);
}

static gchar *
events_joined (void)
{
  gchar *joined;

  g_mutex_lock (&events_lock);
  g_ptr_array_add (events, NULL);
  joined = g_strjoinv (" ", (gchar **) events->pdata);
  g_ptr_array_remove_index (events, events->len - 1);
  g_mutex_unlock (&events_lock);
  return joined;
}

/* Starts the server on a free port with the given properties. */
static void
start_server (const gchar * first_property, ...)
{
  GError *error = NULL;
  gchar *path;
  va_list args;

  server = gst_peerjs_server_new ();
  g_object_set (server, "port", 0, NULL);
  va_start (args, first_property);
  if (first_property)
    g_object_set_valist (G_OBJECT (server), first_property, args);
  va_end (args);
  g_signal_connect (server, "peer-connected", G_CALLBACK (on_peer_connected),
      NULL);
  g_signal_connect (server, "peer-disconnected",
      G_CALLBACK (on_peer_disconnected), NULL);

  fail_unless (gst_peerjs_server_start (server, &error), "start: %s",
      error ? error->message : "?");
  port = gst_peerjs_server_get_port (server);
  fail_unless (port > 0);

  g_free (ws_key);
  g_object_get (server, "path", &path, "key", &ws_key, NULL);
  g_free (ws_path);
  ws_path = g_strconcat (path, "peerjs", NULL);
  g_free (path);
}

static gboolean
peers_are (gconstpointer expected)
{
  gchar **peers = gst_peerjs_server_list_peers (server);
  gchar *joined = g_strjoinv (",", peers);
  gboolean same = g_str_equal (joined, expected);

  g_free (joined);
  g_strfreev (peers);
  return same;
}

/* The server notices a close a moment after the client made it. */
static void
assert_peers (const gchar * expected)
{
  gchar **peers;
  gchar *joined;

  if (wait_for (peers_are, expected, WAIT_MS))
    return;
  peers = gst_peerjs_server_list_peers (server);
  joined = g_strjoinv (",", peers);
  fail_unless_equals_string (joined, expected);
  g_free (joined);
  g_strfreev (peers);
}

/* ------------------------------------------------------------------ */
/* WebSocket clients                                                  */

static void
on_client_message (SoupWebsocketConnection * conn, gint type,
    GBytes * message, TestClient * c)
{
  gsize len;
  const gchar *data = g_bytes_get_data (message, &len);

  g_queue_push_tail (&c->frames, g_strndup (data, len));
}

static void
on_client_closed (SoupWebsocketConnection * conn, TestClient * c)
{
  c->closed = TRUE;
  c->close_code = soup_websocket_connection_get_close_code (conn);
}

typedef struct
{
  gboolean done;
  SoupWebsocketConnection *conn;
  GError *error;
} ConnectResult;

static void
on_connect_done (GObject * source, GAsyncResult * result, gpointer data)
{
  ConnectResult *r = data;

  r->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source),
      result, &r->error);
  r->done = TRUE;
}

static gboolean
accept_any_certificate (SoupMessage * msg, GTlsCertificate * cert,
    GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

static SoupMessage *
new_request (const gchar * method, const gchar * path)
{
  gchar *uri = g_strdup_printf ("%s://127.0.0.1:%u%s",
      use_tls ? "https" : "http", port, path);
  SoupMessage *msg = soup_message_new (method, uri);

  g_signal_connect (msg, "accept-certificate",
      G_CALLBACK (accept_any_certificate), NULL);
  g_free (uri);
  return msg;
}

/* Opens a WebSocket on @path; returns NULL (and the HTTP status) when the
 * server refuses the upgrade. */
static TestClient *
ws_open (const gchar * path, guint * status)
{
  SoupMessage *msg = new_request ("GET", path);
  ConnectResult r = { FALSE, NULL, NULL };
  TestClient *c;

  soup_session_websocket_connect_async (session, msg, NULL, NULL,
      G_PRIORITY_DEFAULT, NULL, on_connect_done, &r);
  fail_unless (wait_for (flag_is_set, &r.done, WAIT_MS), "connect timeout");
  if (status)
    *status = soup_message_get_status (msg);
  g_object_unref (msg);
  if (!r.conn) {
    g_clear_error (&r.error);
    return NULL;
  }

  c = g_new0 (TestClient, 1);
  c->conn = r.conn;
  g_queue_init (&c->frames);
  g_signal_connect (c->conn, "message", G_CALLBACK (on_client_message), c);
  g_signal_connect (c->conn, "closed", G_CALLBACK (on_client_closed), c);
  clients = g_list_prepend (clients, c);
  return c;
}

static TestClient *
ws_connect (const gchar * query)
{
  gchar *path = g_strconcat (ws_path, "?", query, NULL);
  TestClient *c = ws_open (path, NULL);

  fail_unless (c != NULL, "no WebSocket for %s", path);
  g_free (path);
  return c;
}

static TestClient *
ws_connect_as (const gchar * id, const gchar * token)
{
  gchar *query = g_strdup_printf ("key=%s&id=%s&token=%s&version=1.5.5",
      ws_key, id, token);
  TestClient *c = ws_connect (query);

  g_free (query);
  return c;
}

static gboolean
has_frame (gconstpointer c)
{
  return !g_queue_is_empty (&((TestClient *) c)->frames);
}

static gchar *
next_frame (TestClient * c)
{
  wait_for (has_frame, c, WAIT_MS);
  return g_queue_pop_head (&c->frames);
}

static void
expect_frame (TestClient * c, const gchar * expected)
{
  gchar *frame = next_frame (c);

  fail_unless (frame != NULL, "no frame, expected %s", expected);
  fail_unless_equals_string (frame, expected);
  g_free (frame);
}

static void
expect_nothing (TestClient * c, guint ms)
{
  gchar *frame;

  run_for (ms);
  frame = g_queue_pop_head (&c->frames);
  fail_unless (frame == NULL, "unexpected frame %s", frame);
}

static gboolean
is_closed (gconstpointer c)
{
  return ((TestClient *) c)->closed;
}

static void
expect_closed (TestClient * c, gushort code)
{
  fail_unless (wait_for (is_closed, c, WAIT_MS), "socket not closed");
  fail_unless_equals_int (c->close_code, code);
}

static void
expect_open_socket (TestClient * c)
{
  fail_unless_equals_int (soup_websocket_connection_get_state (c->conn),
      SOUP_WEBSOCKET_STATE_OPEN);
}

static void
send_frame (TestClient * c, const gchar * text)
{
  soup_websocket_connection_send_text (c->conn, text);
}

/* Registers @id (token "tok-@id") and checks the OPEN. */
static TestClient *
register_peer (const gchar * id)
{
  gchar *token = g_strconcat ("tok-", id, NULL);
  TestClient *c = ws_connect_as (id, token);

  expect_frame (c, OPEN_FRAME);
  g_free (token);
  return c;
}

static void
close_client (TestClient * c)
{
  if (soup_websocket_connection_get_state (c->conn) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
        NULL);
  wait_for (is_closed, c, WAIT_MS);
}

static void
free_client (TestClient * c)
{
  close_client (c);
  g_signal_handlers_disconnect_by_data (c->conn, c);
  g_object_unref (c->conn);
  g_queue_clear_full (&c->frames, g_free);
  g_free (c);
}

/* ------------------------------------------------------------------ */
/* HTTP                                                               */

typedef struct
{
  gboolean done;
  guint status;
  gchar *body;
  gchar *content_type;
  gchar *allow_origin;
} HttpReply;

static void
http_reply_free (HttpReply * reply)
{
  g_free (reply->body);
  g_free (reply->content_type);
  g_free (reply->allow_origin);
  g_free (reply);
}

static void
on_http_done (GObject * source, GAsyncResult * result, gpointer data)
{
  HttpReply *reply = data;
  GBytes *body = soup_session_send_and_read_finish (SOUP_SESSION (source),
      result, NULL);

  if (body) {
    reply->body = g_strndup (g_bytes_get_data (body, NULL),
        g_bytes_get_size (body));
    g_bytes_unref (body);
  }
  reply->done = TRUE;
}

static HttpReply *
http_request (const gchar * method, const gchar * path, const gchar * origin)
{
  SoupMessage *msg = new_request (method, path);
  SoupMessageHeaders *headers;
  HttpReply *reply = g_new0 (HttpReply, 1);

  if (origin)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Origin", origin);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL,
      on_http_done, reply);
  fail_unless (wait_for (flag_is_set, &reply->done, WAIT_MS), "HTTP timeout");

  headers = soup_message_get_response_headers (msg);
  reply->status = soup_message_get_status (msg);
  reply->content_type = g_strdup (soup_message_headers_get_one (headers,
          "Content-Type"));
  reply->allow_origin = g_strdup (soup_message_headers_get_one (headers,
          "Access-Control-Allow-Origin"));
  g_object_unref (msg);
  return reply;
}

static void
expect_http (const gchar * path, guint status, const gchar * content_type,
    const gchar * body)
{
  HttpReply *reply = http_request ("GET", path, NULL);

  fail_unless_equals_int (reply->status, status);
  if (content_type)
    fail_unless_equals_string (reply->content_type, content_type);
  if (body)
    fail_unless_equals_string (reply->body, body);
  http_reply_free (reply);
}

/* ------------------------------------------------------------------ */
/* Fixture                                                            */

static void
setup (void)
{
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  session = soup_session_new ();
  events = g_ptr_array_new_with_free_func (g_free);
  use_tls = FALSE;
}

static void
teardown (void)
{
  /* close the clients first: while we block in stop() nobody would
   * answer the server's close frames */
  g_list_free_full (clients, (GDestroyNotify) free_client);
  clients = NULL;
  if (server) {
    gst_peerjs_server_stop (server);
    gst_clear_object (&server);
  }
  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  g_clear_pointer (&context, g_main_context_unref);
  g_clear_pointer (&events, g_ptr_array_unref);
  g_clear_pointer (&ws_path, g_free);
  g_clear_pointer (&ws_key, g_free);
}

/* ------------------------------------------------------------------ */
/* HTTP API                                                           */

#define BANNER "{\"name\":\"PeerJS Server\",\"description\":\"A server " \
    "side element to broker connections between PeerJS clients.\"," \
    "\"website\":\"https://peerjs.com/\"}"
#define JSON_TYPE "application/json; charset=utf-8"
#define HTML_TYPE "text/html; charset=utf-8"

GST_START_TEST (test_http_banner)
{
  start_server ("path", "/myapp", NULL);

  expect_http ("/myapp", 200, JSON_TYPE, BANNER);
  expect_http ("/myapp/", 200, JSON_TYPE, BANNER);
  expect_http ("/", 404, HTML_TYPE, NULL);
  expect_http ("/other", 404, HTML_TYPE, NULL);
  /* the WebSocket path is no HTTP route */
  expect_http ("/myapp/peerjs", 404, HTML_TYPE, NULL);
  expect_http ("/myapp/k/unknown", 404, HTML_TYPE, NULL);
}

GST_END_TEST;

static gboolean
is_uuid_v4 (const gchar * s)
{
  return g_uuid_string_is_valid (s) && s[14] == '4' &&
      strchr ("89ab", s[19]) != NULL;
}

GST_START_TEST (test_http_id)
{
  HttpReply *a, *b;

  start_server ("path", "myapp", NULL);

  /* any key segment works, like `peer` */
  a = http_request ("GET", "/myapp/peerjs/id?ts=1&version=1.5.5", NULL);
  b = http_request ("GET", "/myapp/anything/id", NULL);
  fail_unless_equals_int (a->status, 200);
  fail_unless_equals_string (a->content_type, HTML_TYPE);
  fail_unless (is_uuid_v4 (a->body), "not a UUID v4: %s", a->body);
  fail_unless (is_uuid_v4 (b->body), "not a UUID v4: %s", b->body);
  fail_unless (strcmp (a->body, b->body) != 0);
  /* no Origin, no CORS header */
  fail_unless (a->allow_origin == NULL);
  http_reply_free (a);
  http_reply_free (b);
}

GST_END_TEST;

GST_START_TEST (test_http_cors)
{
  HttpReply *reply;

  start_server (NULL);

  reply = http_request ("GET", "/peerjs/id", "http://game.example:8080");
  fail_unless_equals_int (reply->status, 200);
  fail_unless_equals_string (reply->allow_origin, "http://game.example:8080");
  http_reply_free (reply);

  reply = http_request ("OPTIONS", "/peerjs/id", "http://game.example");
  fail_unless_equals_int (reply->status, 204);
  fail_unless_equals_string (reply->allow_origin, "http://game.example");
  http_reply_free (reply);
}

GST_END_TEST;

GST_START_TEST (test_http_peers)
{
  TestClient *bob;

  start_server ("allow-discovery", TRUE, NULL);
  expect_http ("/peerjs/peers", 200, JSON_TYPE, "[]");

  register_peer ("alice");
  bob = register_peer ("bob");
  register_peer ("carol");
  expect_http ("/peerjs/peers", 200, JSON_TYPE,
      "[\"alice\",\"bob\",\"carol\"]");
  /* any key segment */
  expect_http ("/x/peers", 200, JSON_TYPE, "[\"alice\",\"bob\",\"carol\"]");

  close_client (bob);
  assert_peers ("alice,carol");
  expect_http ("/peerjs/peers", 200, JSON_TYPE, "[\"alice\",\"carol\"]");
}

GST_END_TEST;

GST_START_TEST (test_http_peers_without_discovery)
{
  start_server (NULL);
  register_peer ("alice");

  expect_http ("/peerjs/peers", 401, "text/plain; charset=utf-8",
      "Unauthorized");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Handshake                                                          */

GST_START_TEST (test_ws_wrong_path)
{
  guint status = 0;

  start_server ("path", "/myapp", "key", "testkey", NULL);

  fail_unless (ws_open ("/peerjs?key=testkey&id=a&token=t", &status) == NULL);
  fail_unless_equals_int (status, 400);
  fail_unless (ws_open ("/myapp/peerjs/?key=testkey&id=a&token=t",
          &status) == NULL);
  fail_unless_equals_int (status, 400);
  fail_unless (ws_open ("/myapp//peerjs?key=testkey&id=a&token=t",
          &status) == NULL);
  fail_unless_equals_int (status, 400);

  fail_unless (ws_open ("/myapp/peerjs?key=testkey&id=a&token=t",
          &status) != NULL);
  fail_unless_equals_int (status, 101);
}

GST_END_TEST;

static void
expect_rejected (const gchar * query, const gchar * frame)
{
  TestClient *c = ws_connect (query);

  expect_frame (c, frame);
  /* a close without status code: the client sees 1005 */
  expect_closed (c, SOUP_WEBSOCKET_CLOSE_NO_STATUS);
  fail_unless (g_queue_is_empty (&c->frames));
}

#define NO_CREDENTIALS ERROR_PREFIX \
    "\"No id, token, or key supplied to websocket server\"}}"
#define INVALID_KEY ERROR_PREFIX "\"Invalid key provided\"}}"
#define ID_TAKEN "{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}"
#define LIMIT_REACHED ERROR_PREFIX \
    "\"Server has reached its concurrent user limit\"}}"

GST_START_TEST (test_handshake_missing_credentials)
{
  start_server (NULL);

  expect_rejected ("id=a&token=t", NO_CREDENTIALS);
  expect_rejected ("key=peerjs&token=t", NO_CREDENTIALS);
  expect_rejected ("key=peerjs&id=a", NO_CREDENTIALS);
  expect_rejected ("key=peerjs&id=&token=t", NO_CREDENTIALS);
  expect_rejected ("key=&id=a&token=t", NO_CREDENTIALS);
  /* checked before the key */
  expect_rejected ("key=wrong&id=a", NO_CREDENTIALS);
  assert_peers ("");
}

GST_END_TEST;

GST_START_TEST (test_handshake_invalid_key)
{
  TestClient *alice;

  start_server ("key", "testkey", NULL);

  expect_rejected ("key=wrong&id=a&token=t", INVALID_KEY);
  expect_rejected ("key=peerjs&id=a&token=t", INVALID_KEY);

  /* the key is checked before the ID */
  alice = ws_connect ("key=testkey&id=alice&token=t1");
  expect_frame (alice, OPEN_FRAME);
  expect_rejected ("key=wrong&id=alice&token=t2", INVALID_KEY);
  assert_peers ("alice");
}

GST_END_TEST;

GST_START_TEST (test_handshake_id_taken)
{
  TestClient *alice, *bob;

  start_server (NULL);
  alice = register_peer ("alice");
  bob = register_peer ("bob");

  expect_rejected ("key=peerjs&id=alice&token=WRONG", ID_TAKEN);

  /* the rightful owner is unaffected */
  send_frame (bob, "{\"type\":\"CANDIDATE\",\"dst\":\"alice\"}");
  expect_frame (alice, "{\"type\":\"CANDIDATE\",\"src\":\"bob\","
      "\"dst\":\"alice\"}");
  assert_peers ("alice,bob");
}

GST_END_TEST;

GST_START_TEST (test_handshake_concurrent_limit)
{
  TestClient *bob, *alice2, *carol;

  start_server ("concurrent-limit", 2, NULL);
  register_peer ("alice");
  bob = register_peer ("bob");

  expect_rejected ("key=peerjs&id=carol&token=t", LIMIT_REACHED);
  /* the ID checks come first */
  expect_rejected ("key=peerjs&id=alice&token=WRONG", ID_TAKEN);
  /* a takeover is no new registration */
  alice2 = ws_connect_as ("alice", "tok-alice");
  expect_nothing (alice2, QUIET_MS);
  expect_open_socket (alice2);
  assert_peers ("alice,bob");

  close_client (bob);
  assert_peers ("alice");
  carol = register_peer ("carol");
  expect_open_socket (carol);
  assert_peers ("alice,carol");
}

GST_END_TEST;

GST_START_TEST (test_handshake_query_decoding)
{
  TestClient *c;

  start_server (NULL);

  /* the server checks no ID characters, like `peer` */
  register_peer ("weird$id!");
  c = ws_connect ("key=peerjs&id=a%20b&token=t&version=1.5.5");
  expect_frame (c, OPEN_FRAME);
  assert_peers ("weird$id!,a b");
  /* UTF-8 escapes are decoded; bytes that are not UTF-8 become U+FFFD */
  c = ws_connect ("id=caf%C3%A9&key=peerjs&token=t");
  expect_frame (c, OPEN_FRAME);
  c = ws_connect ("key=peerjs&id=x%FF&token=t");
  expect_frame (c, OPEN_FRAME);
  assert_peers ("weird$id!,a b,caf\xc3\xa9,x\xef\xbf\xbd");

  /* `+` is a space too: same ID, same token, a takeover (no OPEN) */
  c = ws_connect ("key=peerjs&id=a+b&token=t");
  expect_nothing (c, QUIET_MS);
  expect_open_socket (c);
  assert_peers ("weird$id!,a b,caf\xc3\xa9,x\xef\xbf\xbd");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Relaying                                                           */

/* Section 6.2 and 6.3 of the protocol doc, byte for byte */
#define SDP_OFFER "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 " \
    "127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\"}"
#define SDP_ANSWER "{\"type\":\"answer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 " \
    "127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\"}"
#define MEDIA_OFFER_PAYLOAD "{\"sdp\":" SDP_OFFER ",\"type\":\"media\"," \
    "\"connectionId\":\"mc_abc123\",\"metadata\":{\"who\":\"alice\"}}"
#define MEDIA_ANSWER_PAYLOAD "{\"sdp\":" SDP_ANSWER ",\"type\":\"media\"," \
    "\"connectionId\":\"mc_abc123\"}"
#define CANDIDATE_PAYLOAD "{\"candidate\":{\"candidate\":\"candidate:1 1 " \
    "udp 2122260223 192.0.2.1 54321 typ host\",\"sdpMid\":\"0\"," \
    "\"sdpMLineIndex\":0,\"usernameFragment\":\"abcd\"},\"type\":\"media\"," \
    "\"connectionId\":\"mc_abc123\"}"
#define DATA_OFFER_PAYLOAD "{\"sdp\":" SDP_OFFER ",\"type\":\"data\"," \
    "\"connectionId\":\"dc_xyz789\",\"label\":\"dc_xyz789\"," \
    "\"reliable\":false,\"serialization\":\"binary\"}"

GST_START_TEST (test_relay_exact)
{
  TestClient *alice, *bob;

  start_server ("path", "/myapp", "key", "testkey", "expire-timeout", 2000,
      NULL);
  alice = register_peer ("alice");
  bob = register_peer ("bob");

  send_frame (alice, "{\"type\":\"OFFER\",\"payload\":" MEDIA_OFFER_PAYLOAD
      ",\"dst\":\"bob\"}");
  expect_frame (bob, "{\"type\":\"OFFER\",\"src\":\"alice\",\"dst\":\"bob\","
      "\"payload\":" MEDIA_OFFER_PAYLOAD "}");

  send_frame (alice, "{\"type\":\"CANDIDATE\",\"payload\":" CANDIDATE_PAYLOAD
      ",\"dst\":\"bob\"}");
  expect_frame (bob, "{\"type\":\"CANDIDATE\",\"src\":\"alice\","
      "\"dst\":\"bob\",\"payload\":" CANDIDATE_PAYLOAD "}");

  send_frame (bob, "{\"type\":\"ANSWER\",\"payload\":" MEDIA_ANSWER_PAYLOAD
      ",\"dst\":\"alice\"}");
  expect_frame (alice, "{\"type\":\"ANSWER\",\"src\":\"bob\","
      "\"dst\":\"alice\",\"payload\":" MEDIA_ANSWER_PAYLOAD "}");

  send_frame (alice, "{\"type\":\"OFFER\",\"payload\":" DATA_OFFER_PAYLOAD
      ",\"dst\":\"bob\"}");
  expect_frame (bob, "{\"type\":\"OFFER\",\"src\":\"alice\",\"dst\":\"bob\","
      "\"payload\":" DATA_OFFER_PAYLOAD "}");

  /* section 2.5: src is stamped, unknown top-level fields are dropped */
  send_frame (alice, "{\"type\":\"CANDIDATE\",\"src\":\"mallory\","
      "\"dst\":\"bob\",\"extra\":1,\"payload\":{\"connectionId\":"
      "\"dc_xyz789\"}}");
  expect_frame (bob, "{\"type\":\"CANDIDATE\",\"src\":\"alice\","
      "\"dst\":\"bob\",\"payload\":{\"connectionId\":\"dc_xyz789\"}}");

  /* the payload is any JSON value, passed through */
  send_frame (alice, "{\"type\":\"ANSWER\",\"dst\":\"bob\",\"payload\":"
      "[1,\"x\",null,true]}");
  expect_frame (bob, "{\"type\":\"ANSWER\",\"src\":\"alice\","
      "\"dst\":\"bob\",\"payload\":[1,\"x\",null,true]}");

  expect_nothing (alice, QUIET_MS);
  expect_nothing (bob, 0);
}

GST_END_TEST;

GST_START_TEST (test_relay_self_and_binary)
{
  TestClient *alice, *bob;
  const gchar *frame = "{\"type\":\"CANDIDATE\",\"dst\":\"bob\"}";

  start_server (NULL);
  alice = register_peer ("alice");
  bob = register_peer ("bob");

  send_frame (alice, "{\"type\":\"OFFER\",\"dst\":\"alice\",\"payload\":7}");
  expect_frame (alice, "{\"type\":\"OFFER\",\"src\":\"alice\","
      "\"dst\":\"alice\",\"payload\":7}");

  /* binary frames are read like text ones, as `peer` does */
  soup_websocket_connection_send_binary (alice->conn, frame, strlen (frame));
  expect_frame (bob, "{\"type\":\"CANDIDATE\",\"src\":\"alice\","
      "\"dst\":\"bob\"}");
  expect_nothing (alice, 0);
}

GST_END_TEST;

GST_START_TEST (test_ignored_messages)
{
  TestClient *alice, *bob;

  start_server (NULL);
  alice = register_peer ("alice");
  bob = register_peer ("bob");

  /* no reply to HEARTBEAT, and none to types the server does not relay */
  send_frame (alice, "{\"type\":\"HEARTBEAT\"}");
  send_frame (alice, "{\"type\":\"FOO\",\"dst\":\"bob\"}");
  send_frame (alice, "{\"type\":\"OPEN\",\"dst\":\"bob\"}");
  send_frame (alice, "{\"type\":\"ID-TAKEN\",\"dst\":\"bob\"}");
  /* relayed types without a destination go nowhere */
  send_frame (alice, "{\"type\":\"OFFER\",\"payload\":{}}");
  send_frame (alice, "{\"type\":\"CANDIDATE\",\"dst\":\"\"}");
  expect_nothing (alice, QUIET_MS);
  expect_nothing (bob, 0);

  send_frame (alice, "{\"type\":\"EXPIRE\",\"dst\":\"bob\"}");
  expect_frame (bob, "{\"type\":\"EXPIRE\",\"src\":\"alice\","
      "\"dst\":\"bob\"}");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Queue and EXPIRE                                                   */

GST_START_TEST (test_queue_delivered_after_open)
{
  TestClient *alice, *carol;

  start_server (NULL);
  alice = register_peer ("alice");

  send_frame (alice, "{\"type\":\"OFFER\",\"payload\":" DATA_OFFER_PAYLOAD
      ",\"dst\":\"carol\"}");
  send_frame (alice, "{\"type\":\"CANDIDATE\",\"payload\":" CANDIDATE_PAYLOAD
      ",\"dst\":\"carol\"}");
  run_for (100);

  carol = ws_connect_as ("carol", "tokC");
  expect_frame (carol, OPEN_FRAME);
  expect_frame (carol, "{\"type\":\"OFFER\",\"src\":\"alice\","
      "\"dst\":\"carol\",\"payload\":" DATA_OFFER_PAYLOAD "}");
  expect_frame (carol, "{\"type\":\"CANDIDATE\",\"src\":\"alice\","
      "\"dst\":\"carol\",\"payload\":" CANDIDATE_PAYLOAD "}");
  expect_nothing (carol, QUIET_MS);
  expect_nothing (alice, 0);
}

GST_END_TEST;

GST_START_TEST (test_queue_bound)
{
  TestClient *alice, *carol;
  gchar *frame;
  guint i;

  start_server ("max-queue-length", 3, NULL);
  alice = register_peer ("alice");

  for (i = 0; i < 5; i++) {
    frame = g_strdup_printf ("{\"type\":\"CANDIDATE\",\"dst\":\"carol\","
        "\"payload\":%u}", i);
    send_frame (alice, frame);
    g_free (frame);
  }
  run_for (100);

  carol = register_peer ("carol");
  for (i = 0; i < 3; i++) {
    frame = g_strdup_printf ("{\"type\":\"CANDIDATE\",\"src\":\"alice\","
        "\"dst\":\"carol\",\"payload\":%u}", i);
    expect_frame (carol, frame);
    g_free (frame);
  }
  expect_nothing (carol, QUIET_MS);
}

GST_END_TEST;

#define EXPIRE_FROM_DAVE(dst) \
    "{\"type\":\"EXPIRE\",\"src\":\"dave\",\"dst\":\"" dst "\"}"

GST_START_TEST (test_expire)
{
  TestClient *alice, *bob, *dave;
  gint64 start, elapsed_ms;

  start_server ("expire-timeout", 500, NULL);
  alice = register_peer ("alice");
  bob = register_peer ("bob");

  start = g_get_monotonic_time ();
  send_frame (alice, "{\"type\":\"OFFER\",\"dst\":\"dave\",\"payload\":1}");
  send_frame (alice, "{\"type\":\"CANDIDATE\",\"dst\":\"dave\"}");
  send_frame (bob, "{\"type\":\"CANDIDATE\",\"dst\":\"dave\"}");
  /* LEAVE and EXPIRE are never queued, so they cause no EXPIRE */
  send_frame (bob, "{\"type\":\"LEAVE\",\"dst\":\"erin\"}");
  send_frame (bob, "{\"type\":\"EXPIRE\",\"dst\":\"erin\"}");

  /* one EXPIRE per sender, 500 to 1500 ms after the first message */
  expect_frame (alice, EXPIRE_FROM_DAVE ("alice"));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  fail_unless (elapsed_ms >= 500, "EXPIRE after %" G_GINT64_FORMAT " ms",
      elapsed_ms);
  fail_unless (elapsed_ms <= 1500 + 400, "EXPIRE after %" G_GINT64_FORMAT
      " ms", elapsed_ms);
  expect_frame (bob, EXPIRE_FROM_DAVE ("bob"));
  expect_nothing (alice, 1100);
  expect_nothing (bob, 0);

  /* the queue is gone */
  dave = register_peer ("dave");
  expect_nothing (dave, QUIET_MS);
  register_peer ("erin");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Liveness                                                           */

GST_START_TEST (test_alive_timeout)
{
  TestClient *alice, *bob;
  gint64 start, elapsed_ms;
  guint relayed = 0;
  gchar *frame;

  start_server ("alive-timeout", 600, NULL);
  start = g_get_monotonic_time ();
  alice = register_peer ("alice");
  bob = register_peer ("bob");

  /* alice sends HEARTBEATs; bob only relays, which does not count */
  while (!bob->closed && g_get_monotonic_time () - start < 2000 * 1000) {
    send_frame (alice, "{\"type\":\"HEARTBEAT\"}");
    if (soup_websocket_connection_get_state (bob->conn) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      send_frame (bob, "{\"type\":\"CANDIDATE\",\"dst\":\"alice\"}");
    run_for (100);
  }
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  expect_closed (bob, SOUP_WEBSOCKET_CLOSE_NO_STATUS);
  fail_unless (elapsed_ms >= 600, "dropped after %" G_GINT64_FORMAT " ms",
      elapsed_ms);
  fail_unless (elapsed_ms <= 600 + 300 + 400, "dropped after %"
      G_GINT64_FORMAT " ms", elapsed_ms);
  assert_peers ("alice");

  while ((frame = g_queue_pop_head (&alice->frames))) {
    fail_unless_equals_string (frame, "{\"type\":\"CANDIDATE\","
        "\"src\":\"bob\",\"dst\":\"alice\"}");
    relayed++;
    g_free (frame);
  }
  fail_unless (relayed >= 3, "only %u relayed", relayed);

  /* without heartbeats alice goes too */
  expect_open_socket (alice);
  expect_closed (alice, SOUP_WEBSOCKET_CLOSE_NO_STATUS);
  assert_peers ("");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Takeover and LEAVE                                                 */

GST_START_TEST (test_takeover)
{
  TestClient *old, *new, *bob;
  gchar *log;

  start_server (NULL);
  old = register_peer ("alice");
  bob = register_peer ("bob");

  /* same ID, same token: accepted without any frame */
  new = ws_connect_as ("alice", "tok-alice");
  expect_nothing (new, QUIET_MS);
  expect_open_socket (new);
  expect_open_socket (old);

  /* traffic for alice goes to the new socket only */
  send_frame (bob, "{\"type\":\"OFFER\",\"dst\":\"alice\",\"payload\":1}");
  expect_frame (new, "{\"type\":\"OFFER\",\"src\":\"bob\",\"dst\":\"alice\","
      "\"payload\":1}");
  expect_nothing (old, QUIET_MS);

  /* the old socket still relays, as alice */
  send_frame (old, "{\"type\":\"ANSWER\",\"dst\":\"bob\",\"src\":\"x\"}");
  expect_frame (bob, "{\"type\":\"ANSWER\",\"src\":\"alice\","
      "\"dst\":\"bob\"}");

  /* closing it does not unregister alice */
  close_client (old);
  run_for (QUIET_MS);
  assert_peers ("alice,bob");
  send_frame (bob, "{\"type\":\"CANDIDATE\",\"dst\":\"alice\"}");
  expect_frame (new, "{\"type\":\"CANDIDATE\",\"src\":\"bob\","
      "\"dst\":\"alice\"}");

  close_client (new);
  assert_peers ("bob");

  log = events_joined ();
  fail_unless_equals_string (log, "+alice +bob +alice -alice");
  g_free (log);
}

GST_END_TEST;

GST_START_TEST (test_unregistered_socket_bound)
{
  TestClient *first, *second, *third;

  start_server ("max-unregistered-sockets", 1, NULL);
  first = register_peer ("alice");
  second = ws_connect_as ("alice", "tok-alice");
  expect_nothing (second, QUIET_MS);
  expect_open_socket (first);

  /* a second replaced socket is one too many: the oldest goes */
  third = ws_connect_as ("alice", "tok-alice");
  expect_closed (first, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  expect_open_socket (second);
  expect_open_socket (third);
  assert_peers ("alice");
}

GST_END_TEST;

GST_START_TEST (test_leave)
{
  TestClient *alice, *bob, *carol, *carol2;
  gchar *log;

  start_server (NULL);
  alice = register_peer ("alice");
  bob = register_peer ("bob");
  carol = register_peer ("carol");

  /* section 6.7: relayed without payload */
  send_frame (alice, "{\"type\":\"LEAVE\",\"dst\":\"bob\"}");
  expect_frame (bob, "{\"type\":\"LEAVE\",\"src\":\"alice\",\"dst\":\"bob\"}");

  /* without dst: carol is unregistered, her socket stays open */
  send_frame (carol, "{\"type\":\"LEAVE\"}");
  assert_peers ("alice,bob");
  expect_nothing (carol, QUIET_MS);
  expect_open_socket (carol);

  /* it still relays, as carol */
  send_frame (carol, "{\"type\":\"CANDIDATE\",\"dst\":\"bob\"}");
  expect_frame (bob, "{\"type\":\"CANDIDATE\",\"src\":\"carol\","
      "\"dst\":\"bob\"}");

  /* but receives nothing: messages for carol are queued again, and the
   * ID is free for any token */
  send_frame (alice, "{\"type\":\"OFFER\",\"dst\":\"carol\",\"payload\":2}");
  expect_nothing (carol, QUIET_MS);
  carol2 = ws_connect_as ("carol", "another-token");
  expect_frame (carol2, OPEN_FRAME);
  expect_frame (carol2, "{\"type\":\"OFFER\",\"src\":\"alice\","
      "\"dst\":\"carol\",\"payload\":2}");

  /* the old socket closing does not touch the new registration */
  close_client (carol);
  run_for (QUIET_MS);
  assert_peers ("alice,bob,carol");

  log = events_joined ();
  fail_unless_equals_string (log, "+alice +bob +carol -carol +carol");
  g_free (log);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Bad input                                                          */

static void
expect_invalid_message_error (TestClient * c)
{
  gchar *frame = next_frame (c);

  fail_unless (frame != NULL, "no ERROR");
  fail_unless (g_str_has_prefix (frame, ERROR_PREFIX "\"Invalid message: "),
      "unexpected %s", frame);
  fail_unless (g_str_has_suffix (frame, "\"}}"), "unexpected %s", frame);
  g_free (frame);
}

GST_START_TEST (test_malformed_frames)
{
  const gchar *bad[] = { "not json", "{\"type\":", "5", "[1]", "\"OFFER\"",
    "{}", "{\"type\":5}", "{\"dst\":\"bob\"}"
  };
  TestClient *alice, *bob;
  guint i;

  start_server (NULL);
  alice = register_peer ("alice");
  bob = register_peer ("bob");

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    send_frame (alice, bad[i]);
    expect_invalid_message_error (alice);
  }
  expect_nothing (bob, 0);

  /* the socket keeps working, unlike with `peer` */
  send_frame (alice, "{\"type\":\"CANDIDATE\",\"dst\":\"bob\"}");
  expect_frame (bob, "{\"type\":\"CANDIDATE\",\"src\":\"alice\","
      "\"dst\":\"bob\"}");
  expect_nothing (alice, 0);
}

GST_END_TEST;

static gchar *
frame_of_size (gsize size)
{
  const gchar *head = "{\"type\":\"CANDIDATE\",\"dst\":\"bob\",\"payload\":\"";
  gchar *frame = g_malloc (size + 1);
  gsize head_len = strlen (head);

  memcpy (frame, head, head_len);
  memset (frame + head_len, 'x', size - head_len - 2);
  memcpy (frame + size - 2, "\"}", 3);
  return frame;
}

GST_START_TEST (test_oversize_frames)
{
  TestClient *alice, *bob;
  gchar *frame, *relayed;

  start_server ("max-message-size", 1024, NULL);
  alice = register_peer ("alice");
  bob = register_peer ("bob");

  /* at the limit: relayed */
  frame = frame_of_size (1024);
  send_frame (alice, frame);
  relayed = next_frame (bob);
  fail_unless (relayed != NULL);
  fail_unless (g_str_has_prefix (relayed, "{\"type\":\"CANDIDATE\","
          "\"src\":\"alice\""));
  g_free (relayed);
  g_free (frame);

  /* above it: ERROR, dropped, socket still fine */
  frame = frame_of_size (1025);
  send_frame (alice, frame);
  expect_frame (alice, ERROR_PREFIX "\"Message too large\"}}");
  expect_nothing (bob, QUIET_MS);
  g_free (frame);
  send_frame (alice, "{\"type\":\"CANDIDATE\",\"dst\":\"bob\"}");
  expect_frame (bob, "{\"type\":\"CANDIDATE\",\"src\":\"alice\","
      "\"dst\":\"bob\"}");

  /* far above it libsoup drops the connection, without a close frame
   * (code 0 here, 1006 in a browser) */
  frame = frame_of_size (4 * 1024 + 1);
  send_frame (alice, frame);
  expect_closed (alice, 0);
  g_free (frame);
  assert_peers ("bob");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Lifecycle                                                          */

static gpointer
stop_thread (gpointer data)
{
  gst_peerjs_server_stop (server);
  *(gboolean *) data = TRUE;
  return NULL;
}

GST_START_TEST (test_stop_and_restart_same_port)
{
  TestClient *alice;
  gboolean stopped = FALSE;
  GThread *thread;
  GError *error = NULL;
  guint first_port;
  gchar *uri, *expected_uri, *log;

  start_server (NULL);
  first_port = port;
  alice = register_peer ("alice");
  uri = gst_peerjs_server_get_uri (server);
  expected_uri = g_strdup_printf ("ws://127.0.0.1:%u/", first_port);
  fail_unless_equals_string (uri, expected_uri);
  g_free (uri);

  /* stop from another thread so that this one can answer the close */
  thread = g_thread_new ("stop", stop_thread, &stopped);
  fail_unless (wait_for (flag_is_set, &stopped, WAIT_MS));
  g_thread_join (thread);
  expect_closed (alice, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  fail_unless_equals_int (gst_peerjs_server_get_port (server), 0);
  assert_peers ("");
  log = events_joined ();
  fail_unless_equals_string (log, "+alice -alice");
  g_free (log);

  /* stopping twice is harmless; then the same port again */
  gst_peerjs_server_stop (server);
  g_object_set (server, "port", first_port, NULL);
  fail_unless (gst_peerjs_server_start (server, &error), "restart: %s",
      error ? error->message : "?");
  fail_unless_equals_int (gst_peerjs_server_get_port (server), first_port);
  uri = gst_peerjs_server_get_uri (server);
  fail_unless_equals_string (uri, expected_uri);
  g_free (uri);
  g_free (expected_uri);

  alice = register_peer ("alice");
  assert_peers ("alice");
  expect_http ("/", 200, JSON_TYPE, BANNER);
}

GST_END_TEST;

GST_START_TEST (test_port_in_use)
{
  GstPeerJSServer *other = gst_peerjs_server_new ();
  GError *error = NULL;

  start_server (NULL);
  g_object_set (other, "port", port, NULL);
  fail_if (gst_peerjs_server_start (other, &error));
  fail_unless (g_error_matches (error, G_IO_ERROR,
          G_IO_ERROR_ADDRESS_IN_USE), "%s", error->message);
  fail_unless_equals_int (gst_peerjs_server_get_port (other), 0);
  g_error_free (error);
  gst_object_unref (other);

  /* the first one is unaffected */
  register_peer ("alice");
}

GST_END_TEST;

GST_START_TEST (test_properties)
{
  GstPeerJSServer *s = gst_peerjs_server_new ();
  gchar *host, *path, *key, *uri;
  guint port_value, alive, expire, limit, max_size, max_queue;
  gboolean discovery;
  gchar **peers;

  g_object_get (s, "host", &host, "port", &port_value, "path", &path,
      "key", &key, "allow-discovery", &discovery, "alive-timeout", &alive,
      "expire-timeout", &expire, "concurrent-limit", &limit,
      "max-message-size", &max_size, "max-queue-length", &max_queue, NULL);
  fail_unless_equals_string (host, "127.0.0.1");
  fail_unless_equals_int (port_value, 9000);
  fail_unless_equals_string (path, "/");
  fail_unless_equals_string (key, "peerjs");
  fail_if (discovery);
  fail_unless_equals_int (alive, 60000);
  fail_unless_equals_int (expire, 5000);
  fail_unless_equals_int (limit, 5000);
  fail_unless_equals_int (max_size, GST_PEERJS_MAX_MESSAGE_SIZE);
  fail_unless_equals_int (max_queue, 256);
  g_free (host);
  g_free (path);
  g_free (key);

  uri = gst_peerjs_server_get_uri (s);
  fail_unless_equals_string (uri, "ws://127.0.0.1:9000/");
  g_free (uri);
  peers = gst_peerjs_server_list_peers (s);
  fail_unless (peers != NULL && peers[0] == NULL);
  g_strfreev (peers);
  fail_unless_equals_int (gst_peerjs_server_get_port (s), 0);

  /* the path is normalised like the peerjs client does */
  g_object_set (s, "path", "myapp", NULL);
  g_object_get (s, "path", &path, NULL);
  fail_unless_equals_string (path, "/myapp/");
  g_free (path);
  g_object_set (s, "path", "/a/b", "host", "0.0.0.0", NULL);
  g_object_get (s, "path", &path, NULL);
  fail_unless_equals_string (path, "/a/b/");
  g_free (path);
  uri = gst_peerjs_server_get_uri (s);
  fail_unless_equals_string (uri, "ws://127.0.0.1:9000/a/b/");
  g_free (uri);
  g_object_set (s, "path", "", "host", "::1", NULL);
  g_object_get (s, "path", &path, NULL);
  fail_unless_equals_string (path, "/");
  g_free (path);
  uri = gst_peerjs_server_get_uri (s);
  fail_unless_equals_string (uri, "ws://[::1]:9000/");
  g_free (uri);

  gst_object_unref (s);
}

GST_END_TEST;

GST_START_TEST (test_tls)
{
  GTlsCertificate *cert;
  GError *error = NULL;
  gchar *uri;

  cert = g_tls_certificate_new_from_pem (test_cert_pem, -1, &error);
  fail_unless (cert != NULL, "%s", error ? error->message : "?");
  start_server ("tls-certificate", cert, NULL);
  g_object_unref (cert);
  use_tls = TRUE;

  uri = gst_peerjs_server_get_uri (server);
  fail_unless (g_str_has_prefix (uri, "wss://127.0.0.1:"), "%s", uri);
  g_free (uri);

  expect_http ("/", 200, JSON_TYPE, BANNER);
  register_peer ("alice");
  assert_peers ("alice");
}

GST_END_TEST;

static Suite *
server_suite (void)
{
  Suite *s = suite_create ("peerjsserver");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_http_banner);
  tcase_add_test (tc, test_http_id);
  tcase_add_test (tc, test_http_cors);
  tcase_add_test (tc, test_http_peers);
  tcase_add_test (tc, test_http_peers_without_discovery);
  tcase_add_test (tc, test_ws_wrong_path);
  tcase_add_test (tc, test_handshake_missing_credentials);
  tcase_add_test (tc, test_handshake_invalid_key);
  tcase_add_test (tc, test_handshake_id_taken);
  tcase_add_test (tc, test_handshake_concurrent_limit);
  tcase_add_test (tc, test_handshake_query_decoding);
  tcase_add_test (tc, test_relay_exact);
  tcase_add_test (tc, test_relay_self_and_binary);
  tcase_add_test (tc, test_ignored_messages);
  tcase_add_test (tc, test_queue_delivered_after_open);
  tcase_add_test (tc, test_queue_bound);
  tcase_add_test (tc, test_expire);
  tcase_add_test (tc, test_alive_timeout);
  tcase_add_test (tc, test_takeover);
  tcase_add_test (tc, test_unregistered_socket_bound);
  tcase_add_test (tc, test_leave);
  tcase_add_test (tc, test_malformed_frames);
  tcase_add_test (tc, test_oversize_frames);
  tcase_add_test (tc, test_stop_and_restart_same_port);
  tcase_add_test (tc, test_port_in_use);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_tls);
  return s;
}

GST_CHECK_MAIN (server);
