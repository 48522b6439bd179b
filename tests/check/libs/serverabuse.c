/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* GstPeerJSServer under abuse (issue 6, item 6), against real libsoup 3
 * WebSocket clients in this process: an honest pair, alice and bob, keeps
 * registering and relaying OFFER/ANSWER/CANDIDATE while the server gets a
 * thousand sockets, malformed and giant frames and ID squatting. Each test
 * measures the honest clients' register and relay latencies, checks that
 * nothing of theirs is lost and that every abuse got its answer (an ERROR
 * frame or a close, and a log line), and checks the figures against
 * docs/reliability.md (rows server-abuse-*, server-limit-*). The server's
 * limits at scale are here too; libs/server has their exact behaviour at
 * tiny limits (test_handshake_concurrent_limit, test_queue_bound,
 * test_unregistered_socket_bound, test_oversize_frames).
 *
 * The RSS figures are the whole process's: the server and all the client
 * sockets. Every wait is bounded. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <sys/resource.h>

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>
#include <libsoup/soup.h>

#include "waitloop.h"

#include "../reliability.h"

/* bound for one honest operation, generous for a loaded machine */
#define WAIT_MS 15000
/* bound for a thousand connections to settle */
#define BULK_WAIT_MS 60000
#define N_ABUSERS 1000
/* for the max-unregistered-sockets test: 4 times its limit of 100 */
#define N_UNREGISTERED 400

#define OPEN_FRAME "{\"type\":\"OPEN\"}"
#define ERROR_PREFIX "{\"type\":\"ERROR\",\"payload\":{\"msg\":"
#define ID_TAKEN_FRAME "{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}"

static GMainContext *context;
static SoupSession *session;    /* the abusive clients' */
static SoupSession *honest_session;     /* alice's and bob's */
static GstPeerJSServer *server;
static guint port;
static GPtrArray *clients;

typedef struct
{
  SoupWebsocketConnection *conn;
  gboolean connecting;
  gboolean connect_failed;
  gboolean keep;                /* keep every frame (honest clients) */
  GQueue frames;
  gchar *first_frame;
  guint n_frames;
  guint n_errors;               /* frames starting with ERROR_PREFIX */
  gboolean closed;
  gushort close_code;
  gint64 started_us;
  gint64 first_frame_us;
  gchar *query;
} Client;

#define MAX_IN_FLIGHT 32
static GQueue waiting = G_QUEUE_INIT;   /* abusive clients not started */
static guint in_flight;
static GSource *pump_source;

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

/* ------------------------------------------------------------------ */
/* Server log lines                                                   */

static gint log_invalid;        /* "invalid frame from" */
static gint log_too_large;      /* "too large" */
static gint log_rejecting;      /* "rejecting connection" */
static gint log_socket_error;   /* "socket of …: <libsoup's error>" */
static gint log_unregistered;   /* "too many unregistered sockets" */
static gint log_idle;           /* "no request from" */

static void
count_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  const gchar *text;

  if (g_strcmp0 (gst_debug_category_get_name (category), "peerjsserver"))
    return;
  text = gst_debug_message_get (message);
  if (strstr (text, "invalid frame from"))
    g_atomic_int_inc (&log_invalid);
  else if (strstr (text, "too large"))
    g_atomic_int_inc (&log_too_large);
  else if (strstr (text, "rejecting connection"))
    g_atomic_int_inc (&log_rejecting);
  else if (g_str_has_prefix (text, "socket of "))
    g_atomic_int_inc (&log_socket_error);
  else if (strstr (text, "too many unregistered sockets"))
    g_atomic_int_inc (&log_unregistered);
  else if (strstr (text, "no request from"))
    g_atomic_int_inc (&log_idle);
}

/* ------------------------------------------------------------------ */
/* Server                                                             */

static void
start_server (const gchar * first_property, ...)
{
  GError *error = NULL;
  va_list args;

  server = gst_peerjs_server_new ();
  g_object_set (server, "port", 0, NULL);
  va_start (args, first_property);
  if (first_property)
    g_object_set_valist (G_OBJECT (server), first_property, args);
  va_end (args);
  fail_unless (gst_peerjs_server_start (server, &error), "start: %s",
      error ? error->message : "?");
  port = gst_peerjs_server_get_port (server);
  fail_unless (port > 0);
}

static guint
n_peers (void)
{
  gchar **peers = gst_peerjs_server_list_peers (server);
  guint n = g_strv_length (peers);

  g_strfreev (peers);
  return n;
}

/* Resident memory of this process (server and clients), in MB. */
static gdouble
rss_mb (void)
{
  gchar *status = NULL, *line;
  gdouble mb = 0;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      && (line = strstr (status, "VmRSS:")))
    mb = g_ascii_strtod (line + 6, NULL) / 1024.0;
  g_free (status);
  return mb;
}

/* ------------------------------------------------------------------ */
/* Clients                                                            */

static void
on_message (SoupWebsocketConnection * conn, gint type, GBytes * message,
    Client * c)
{
  gsize len;
  const gchar *data = g_bytes_get_data (message, &len);

  if (c->n_frames++ == 0) {
    c->first_frame = g_strndup (data, len);
    c->first_frame_us = g_get_monotonic_time ();
  }
  if (len >= strlen (ERROR_PREFIX) && !memcmp (data, ERROR_PREFIX,
          strlen (ERROR_PREFIX)))
    c->n_errors++;
  if (c->keep)
    g_queue_push_tail (&c->frames, g_strndup (data, len));
}

static void
on_closed (SoupWebsocketConnection * conn, Client * c)
{
  c->closed = TRUE;
  c->close_code = soup_websocket_connection_get_close_code (conn);
}

static void
on_connected (GObject * source, GAsyncResult * result, gpointer data)
{
  Client *c = data;
  GError *error = NULL;

  c->connecting = FALSE;
  if (!c->keep)
    in_flight--;
  c->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source),
      result, &error);
  if (!c->conn) {
    GST_INFO ("connect failed: %s", error->message);
    g_error_free (error);
    c->connect_failed = TRUE;
    c->closed = TRUE;
    return;
  }
  g_signal_connect (c->conn, "message", G_CALLBACK (on_message), c);
  g_signal_connect (c->conn, "closed", G_CALLBACK (on_closed), c);
  /* the server may have answered and closed before we got here */
  if (soup_websocket_connection_get_state (c->conn) ==
      SOUP_WEBSOCKET_STATE_CLOSED)
    on_closed (c->conn, c);
}

static void
client_connect (Client * c)
{
  gchar *uri = g_strdup_printf ("ws://127.0.0.1:%u/peerjs?%s", port,
      c->query);
  SoupMessage *msg = soup_message_new ("GET", uri);

  c->started_us = g_get_monotonic_time ();
  if (!c->keep)
    in_flight++;
  soup_session_websocket_connect_async (c->keep ? honest_session : session,
      msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, on_connected, c);
  g_object_unref (msg);
  g_free (uri);
}

/* Starts the abusive connections waiting, up to MAX_IN_FLIGHT handshakes
 * at a time: libsoup's client scans its whole queue for every message it
 * runs, and a thousand queued at once stall this thread for seconds,
 * honest clients included; the server sees a steady stream instead. */
static gboolean
pump (gpointer data)
{
  while (in_flight < MAX_IN_FLIGHT && !g_queue_is_empty (&waiting))
    client_connect (g_queue_pop_head (&waiting));
  return G_SOURCE_CONTINUE;
}

/* A WebSocket to the server with @query. Honest clients (@keep) connect
 * at once, with a session of their own, like another browser; the others
 * wait their turn (pump). */
static Client *
client_start (const gchar * query, gboolean keep)
{
  Client *c = g_new0 (Client, 1);

  c->keep = keep;
  c->connecting = TRUE;
  c->query = g_strdup (query);
  g_queue_init (&c->frames);
  g_ptr_array_add (clients, c);
  if (keep)
    client_connect (c);
  else
    g_queue_push_tail (&waiting, c);
  return c;
}

static Client *
client_start_as (const gchar * id, const gchar * token, gboolean keep)
{
  gchar *query = g_strdup_printf ("key=peerjs&id=%s&token=%s&version=1.5.5",
      id, token);
  Client *c = client_start (query, keep);

  g_free (query);
  return c;
}

static void
client_free (Client * c)
{
  if (c->conn) {
    if (soup_websocket_connection_get_state (c->conn) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (c->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
          NULL);
    g_signal_handlers_disconnect_by_data (c->conn, c);
    g_object_unref (c->conn);
  }
  g_queue_clear_full (&c->frames, g_free);
  g_free (c->first_frame);
  g_free (c->query);
  g_free (c);
}

static gboolean
has_frame (gconstpointer data)
{
  const Client *c = data;

  return c->frames.length > 0 || c->closed;
}

static gchar *
next_frame (Client * c)
{
  wait_for (has_frame, c, WAIT_MS);
  return g_queue_pop_head (&c->frames);
}

static void
expect_frame (Client * c, const gchar * expected)
{
  gchar *frame = next_frame (c);

  fail_unless (frame != NULL, "no frame, expected %s", expected);
  fail_unless_equals_string (frame, expected);
  g_free (frame);
}

static void
send_text (Client * c, const gchar * text)
{
  /* libsoup refuses (with a critical) to send on a socket that is closing:
   * the frame is then not sent, which the callers see as lost */
  if (c->conn && soup_websocket_connection_get_state (c->conn) ==
      SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (c->conn, text);
  else
    GST_WARNING ("socket not open, frame not sent: %.60s", text);
}

static gboolean
is_closed (gconstpointer data)
{
  return ((const Client *) data)->closed;
}

/* A bulk of clients: all answered (a frame or a close), or all open. */
typedef struct
{
  Client **c;
  guint n;
  guint frames_each;
} Bulk;

static gboolean
bulk_answered (gconstpointer data)
{
  const Bulk *b = data;
  guint i;

  for (i = 0; i < b->n; i++) {
    if (b->c[i]->connecting)
      return FALSE;
    if (b->c[i]->n_frames < b->frames_each && !b->c[i]->closed)
      return FALSE;
  }
  return TRUE;
}

static gboolean
bulk_closed (gconstpointer data)
{
  const Bulk *b = data;
  guint i;

  for (i = 0; i < b->n; i++) {
    if (b->c[i]->connecting || !b->c[i]->closed)
      return FALSE;
  }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The honest pair                                                    */

typedef struct
{
  Client *alice, *bob;
  guint rounds;
  guint lost;                   /* relayed messages that did not arrive */
  gdouble worst_register_ms;
  gdouble worst_relay_ms;
  gchar *alice_id;
} Honest;

static gboolean
frame_or_closed (gconstpointer data)
{
  const Client *c = data;

  return c->n_frames > 0 || c->closed;
}

/* Registers @id as a fresh client and measures connect → OPEN. */
static Client *
honest_register (Honest * h, const gchar * id)
{
  gchar *token = g_strconcat ("tok-", id, NULL);
  Client *c = client_start_as (id, token, TRUE);
  gdouble ms;

  g_free (token);
  fail_unless (wait_for (frame_or_closed, c, WAIT_MS),
      "%s got no answer to its registration in %u ms", id, WAIT_MS);
  expect_frame (c, OPEN_FRAME);
  ms = (c->first_frame_us - c->started_us) / 1000.0;
  h->worst_register_ms = MAX (h->worst_register_ms, ms);
  GST_INFO ("%s registered in %.1f ms", id, ms);
  return c;
}

/* Sends @frame from @from and checks that @to gets it with src stamped;
 * returns the time it took, or -1 when it did not arrive. */
static gdouble
relay_one (Honest * h, Client * from, Client * to, const gchar * type,
    const gchar * to_id, const gchar * payload)
{
  gint64 start = g_get_monotonic_time ();
  gchar *frame = g_strdup_printf ("{\"type\":\"%s\",\"dst\":\"%s\","
      "\"payload\":%s}", type, to_id, payload);
  gchar *got;
  gdouble ms;

  send_text (from, frame);
  got = next_frame (to);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  if (got == NULL || !strstr (got, type) || !strstr (got, "\"src\":")) {
    GST_WARNING ("%s for %s lost (got %s)", type, to_id, GST_STR_NULL (got));
    h->lost++;
    ms = -1;
  }
  g_free (got);
  g_free (frame);
  return ms;
}

/* One call's worth of signalling: OFFER alice → bob, ANSWER back, a
 * CANDIDATE each way; the slowest of the four counts. */
static void
honest_round (Honest * h)
{
  const gchar *cid = "mc_abuse";
  gchar *offer = g_strdup_printf ("{\"sdp\":{\"type\":\"offer\",\"sdp\":"
      "\"v=0\\r\\n\"},\"type\":\"media\",\"connectionId\":\"%s\"}", cid);
  gchar *answer = g_strdup_printf ("{\"sdp\":{\"type\":\"answer\",\"sdp\":"
      "\"v=0\\r\\n\"},\"type\":\"media\",\"connectionId\":\"%s\"}", cid);
  gchar *cand = g_strdup_printf ("{\"candidate\":{\"candidate\":\"candidate:1"
      " 1 udp 2122260223 127.0.0.1 4000 typ host\",\"sdpMid\":\"0\","
      "\"sdpMLineIndex\":0},\"type\":\"media\",\"connectionId\":\"%s\"}", cid);
  gdouble ms[4];
  guint i;

  ms[0] = relay_one (h, h->alice, h->bob, "OFFER", "bob", offer);
  ms[1] = relay_one (h, h->bob, h->alice, "ANSWER", h->alice_id, answer);
  ms[2] = relay_one (h, h->alice, h->bob, "CANDIDATE", "bob", cand);
  ms[3] = relay_one (h, h->bob, h->alice, "CANDIDATE", h->alice_id, cand);
  for (i = 0; i < 4; i++)
    h->worst_relay_ms = MAX (h->worst_relay_ms, ms[i]);
  h->rounds++;
  g_free (offer);
  g_free (answer);
  g_free (cand);
}

/* alice re-registers under a new ID (the old socket goes), then a round. */
static void
honest_reregister_and_round (Honest * h)
{
  Client *old = h->alice;

  g_free (h->alice_id);
  h->alice_id = g_strdup_printf ("alice-%u", h->rounds);
  h->alice = honest_register (h, h->alice_id);
  soup_websocket_connection_close (old->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
      NULL);
  honest_round (h);
}

static void
honest_start (Honest * h)
{
  memset (h, 0, sizeof (*h));
  h->alice_id = g_strdup ("alice");
  h->alice = honest_register (h, "alice");
  h->bob = honest_register (h, "bob");
  honest_round (h);
}

/* While @bulk settles, the honest pair keeps registering and relaying. */
static void
honest_during (Honest * h, Condition settled, gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + BULK_WAIT_MS * 1000;

  do {
    honest_reregister_and_round (h);
  } while (!settled (data) && g_get_monotonic_time () < deadline);
  fail_unless (wait_for (settled, data, BULK_WAIT_MS),
      "the abusive clients did not settle");
}

/* ------------------------------------------------------------------ */
/* Fixture                                                            */

static void
setup (void)
{
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  /* websocket connections leave the session's pool once upgraded; the
   * bounds here only limit handshakes in flight. No proxy resolver: a
   * thousand lookups queue in GLib's thread pool, and the honest clients'
   * behind them, which would measure the client, not the server. */
  session = soup_session_new_with_options ("max-conns", 4 * N_ABUSERS,
      "max-conns-per-host", 4 * N_ABUSERS, "timeout", 60,
      "proxy-resolver", NULL, NULL);
  honest_session = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_queue_init (&waiting);
  in_flight = 0;
  pump_source = g_timeout_source_new (2);
  g_source_set_callback (pump_source, pump, NULL, NULL);
  g_source_attach (pump_source, context);
  clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  g_atomic_int_set (&log_invalid, 0);
  g_atomic_int_set (&log_too_large, 0);
  g_atomic_int_set (&log_rejecting, 0);
  g_atomic_int_set (&log_socket_error, 0);
  g_atomic_int_set (&log_unregistered, 0);
  g_atomic_int_set (&log_idle, 0);
  gst_debug_set_active (TRUE);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (count_log, NULL, NULL);
  gst_debug_set_threshold_for_name ("peerjsserver", GST_LEVEL_DEBUG);
}

static void
teardown (void)
{
  /* close the clients first: while we block in stop() nobody would
   * answer the server's close frames */
  g_source_destroy (pump_source);
  g_clear_pointer (&pump_source, g_source_unref);
  g_queue_clear (&waiting);
  g_clear_pointer (&clients, g_ptr_array_unref);
  run_for (100);
  if (server) {
    gst_peerjs_server_stop (server);
    gst_clear_object (&server);
  }
  gst_debug_remove_log_function (count_log);
  g_clear_object (&session);
  g_clear_object (&honest_session);
  g_main_context_pop_thread_default (context);
  g_clear_pointer (&context, g_main_context_unref);
}

/* Checks the honest pair's figures: the worst register and relay
 * latencies and the messages lost. */
static void
honest_finish (Honest * h, const gchar * register_id, const gchar * relay_id,
    const gchar * lost_id)
{
  GST_INFO ("%u rounds, worst register %.1f ms, worst relay %.1f ms, "
      "%u lost", h->rounds, h->worst_register_ms, h->worst_relay_ms, h->lost);
  fail_unless (reliability_check (register_id, h->worst_register_ms, "ms"));
  fail_unless (reliability_check (relay_id, h->worst_relay_ms, "ms"));
  fail_unless (reliability_check (lost_id, h->lost, ""));
  g_free (h->alice_id);
}

/* ------------------------------------------------------------------ */
/* Plain sockets                                                      */

/* @n non-blocking TCP connections to the server, nothing sent. */
static GSocket **
raw_connect (guint n)
{
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr = g_inet_socket_address_new (loopback, port);
  GSocket **socks = g_new0 (GSocket *, n);
  guint i;

  for (i = 0; i < n; i++) {
    GError *error = NULL;

    socks[i] = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
        G_SOCKET_PROTOCOL_TCP, &error);
    fail_unless (socks[i] != NULL);
    g_socket_set_blocking (socks[i], FALSE);
    if (!g_socket_connect (socks[i], addr, NULL, &error)) {
      fail_unless (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING),
          "connect: %s", error->message);
      g_error_free (error);
    }
  }
  g_object_unref (addr);
  g_object_unref (loopback);
  return socks;
}

/* How many of @socks the server has not closed (no end of stream) by
 * @deadline (monotonic µs), or by now when that is later: every socket is
 * looked at at least once. Frees them. */
static guint
raw_still_open (GSocket ** socks, guint n, gint64 deadline)
{
  GPollFD *fds = g_new0 (GPollFD, n);
  gboolean *closed = g_new0 (gboolean, n);
  guint i, n_closed = 0;

  deadline = MAX (deadline, g_get_monotonic_time () + G_USEC_PER_SEC);
  while (n_closed < n && g_get_monotonic_time () < deadline) {
    for (i = 0; i < n; i++) {
      fds[i].fd = g_socket_get_fd (socks[i]);
      fds[i].events = closed[i] ? 0 : G_IO_IN;
      fds[i].revents = 0;
    }
    g_poll (fds, n, 100);
    for (i = 0; i < n; i++) {
      GError *error = NULL;
      gchar buf[256];
      gssize got;

      if (closed[i] || !(fds[i].revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)))
        continue;
      got = g_socket_receive (socks[i], buf, sizeof (buf), NULL, &error);
      if (got == 0 || (got < 0 && !g_error_matches (error, G_IO_ERROR,
                  G_IO_ERROR_WOULD_BLOCK))) {
        closed[i] = TRUE;
        n_closed++;
      }
      g_clear_error (&error);
    }
  }
  for (i = 0; i < n; i++)
    g_object_unref (socks[i]);
  g_free (socks);
  g_free (fds);
  g_free (closed);
  return n - n_closed;
}

/* ------------------------------------------------------------------ */
/* A thousand sockets                                                 */

/* 1000 connections refused (no credentials, a wrong key), then 1000
 * registered clients, then 1000 more that give up their ID with LEAVE and
 * keep their socket (unregistered): 2000 open sockets on the server.
 * Meanwhile 1000 plain TCP connections send nothing: the server closes
 * them after its 10 s request timeout (it kept them for good before). */
GST_START_TEST (test_thousand_sockets)
{
  Client *refused[N_ABUSERS], *registered[N_ABUSERS], *unregistered[N_ABUSERS];
  Bulk bulk;
  Honest h;
  gdouble rss_before, rss_after;
  guint i, unanswered = 0, idle_open;
  GSocket **idle;
  gint64 idle_since;

  start_server (NULL);
  honest_start (&h);
  rss_before = rss_mb ();
  idle = raw_connect (N_ABUSERS);
  idle_since = g_get_monotonic_time ();

  /* refused: ERROR, then the server closes */
  for (i = 0; i < N_ABUSERS; i++)
    refused[i] = client_start (i % 2 ? "id=x&token=y" :
        "key=wrong&id=x&token=y", FALSE);
  bulk = (Bulk) {
  refused, N_ABUSERS, 1};
  honest_during (&h, bulk_closed, &bulk);
  for (i = 0; i < N_ABUSERS; i++) {
    if (refused[i]->n_errors != 1)
      unanswered++;
  }
  fail_unless_equals_int (unanswered, 0);
  fail_unless (g_atomic_int_get (&log_rejecting) >= N_ABUSERS);

  /* registered, and they stay */
  for (i = 0; i < N_ABUSERS; i++) {
    gchar *id = g_strdup_printf ("reg-%u", i);

    registered[i] = client_start_as (id, "t", FALSE);
    g_free (id);
  }
  bulk = (Bulk) {
  registered, N_ABUSERS, 1};
  honest_during (&h, bulk_answered, &bulk);
  for (i = 0; i < N_ABUSERS; i++) {
    if (g_strcmp0 (registered[i]->first_frame, OPEN_FRAME) != 0
        || registered[i]->closed)
      unanswered++;
  }

  /* unregistered: LEAVE without dst keeps the socket open */
  for (i = 0; i < N_ABUSERS; i++) {
    gchar *id = g_strdup_printf ("unreg-%u", i);

    unregistered[i] = client_start_as (id, "t", FALSE);
    g_free (id);
  }
  bulk = (Bulk) {
  unregistered, N_ABUSERS, 1};
  honest_during (&h, bulk_answered, &bulk);
  for (i = 0; i < N_ABUSERS; i++) {
    if (g_strcmp0 (unregistered[i]->first_frame, OPEN_FRAME) != 0
        || unregistered[i]->closed)
      unanswered++;
    else
      send_text (unregistered[i], "{\"type\":\"LEAVE\"}");
  }
  for (i = 0; i < 5; i++)
    honest_reregister_and_round (&h);
  fail_unless_equals_int (n_peers (), N_ABUSERS + 2);

  rss_after = rss_mb ();
  /* all still open: the default max-unregistered-sockets is 1024 */
  for (i = 0; i < N_ABUSERS; i++) {
    if (registered[i]->closed || unregistered[i]->closed)
      unanswered++;
  }
  GST_INFO ("RSS %.1f MB -> %.1f MB", rss_before, rss_after);
  /* the idle ones: closed 10 s after they connected (plus slack for a
   * loaded machine) */
  idle_open =
      raw_still_open (idle, N_ABUSERS, idle_since + 25 * G_USEC_PER_SEC);
  GST_INFO ("%u idle connections still open after %.1f s", idle_open,
      (g_get_monotonic_time () - idle_since) / 1e6);
  fail_unless (reliability_check ("server-abuse-idle-open", idle_open, ""));
  fail_unless ((guint) g_atomic_int_get (&log_idle) >= N_ABUSERS - idle_open);
  fail_unless (reliability_check ("server-abuse-sockets-unanswered",
          unanswered, ""));
  fail_unless (reliability_check ("server-abuse-sockets-rss",
          rss_after - rss_before, "MB"));
  honest_finish (&h, "server-abuse-sockets-register-ms",
      "server-abuse-sockets-relay-ms", "server-abuse-sockets-honest-lost");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* A burst of connections                                             */

typedef struct
{
  GSocket *sock;
  gboolean sent;
  GString *got;
  gint64 done_us;
} Raw;

/* 1000 clients connect at the same moment, as every member of a big game
 * does after a server restart (or an attacker): plain sockets, the
 * WebSocket upgrade written by hand, no client library in the way. With
 * libsoup's listen backlog of 10 the kernel dropped handshakes and about
 * one in ten clients waited past 30 s (the server now listens with 511). */
GST_START_TEST (test_connection_burst)
{
  Raw raw[N_ABUSERS];
  GPollFD fds[N_ABUSERS];
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *addr;
  gint64 start, deadline, worst = 0;
  guint i, done = 0, unanswered = 0;

  start_server (NULL);
  addr = g_inet_socket_address_new (loopback, port);
  start = g_get_monotonic_time ();
  deadline = start + BULK_WAIT_MS * 1000;
  for (i = 0; i < N_ABUSERS; i++) {
    GError *error = NULL;

    raw[i].sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
        G_SOCKET_PROTOCOL_TCP, &error);
    fail_unless (raw[i].sock != NULL);
    g_socket_set_blocking (raw[i].sock, FALSE);
    if (!g_socket_connect (raw[i].sock, addr, NULL, &error)) {
      fail_unless (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING),
          "connect: %s", error->message);
      g_error_free (error);
    }
    raw[i].sent = FALSE;
    raw[i].got = g_string_new (NULL);
    raw[i].done_us = 0;
  }

  while (done < N_ABUSERS && g_get_monotonic_time () < deadline) {
    for (i = 0; i < N_ABUSERS; i++) {
      fds[i].fd = g_socket_get_fd (raw[i].sock);
      fds[i].events = raw[i].done_us ? 0 : raw[i].sent ? G_IO_IN : G_IO_OUT;
      fds[i].revents = 0;
    }
    g_poll (fds, N_ABUSERS, 100);
    for (i = 0; i < N_ABUSERS; i++) {
      GError *error = NULL;
      gchar buf[512];
      gssize n;

      if (!(fds[i].revents & (G_IO_IN | G_IO_OUT | G_IO_HUP | G_IO_ERR)))
        continue;
      if (!raw[i].sent) {
        gchar *req = g_strdup_printf ("GET /peerjs?key=peerjs&id=burst-%u&"
            "token=t HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: "
            "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            i);

        /* a request this small goes out in one piece */
        n = g_socket_send (raw[i].sock, req, strlen (req), NULL, NULL);
        raw[i].sent = n == (gssize) strlen (req);
        g_free (req);
        continue;
      }
      n = g_socket_receive (raw[i].sock, buf, sizeof (buf), NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
        g_clear_error (&error);
        continue;
      }
      g_clear_error (&error);
      if (n <= 0) {
        raw[i].done_us = -1;    /* closed or failed: unanswered */
        done++;
        continue;
      }
      g_string_append_len (raw[i].got, buf, n);
      if (strstr (raw[i].got->str, "OPEN")) {
        raw[i].done_us = g_get_monotonic_time ();
        worst = MAX (worst, raw[i].done_us - start);
        done++;
      }
    }
  }
  for (i = 0; i < N_ABUSERS; i++) {
    if (raw[i].done_us <= 0)
      unanswered++;
    g_object_unref (raw[i].sock);
    g_string_free (raw[i].got, TRUE);
  }
  g_object_unref (addr);
  g_object_unref (loopback);
  GST_INFO ("burst: %u of %u unanswered, the last OPEN after %.0f ms",
      unanswered, N_ABUSERS, worst / 1000.0);
  fail_unless (reliability_check ("server-abuse-burst-unanswered", unanswered,
          ""));
  fail_unless (reliability_check ("server-abuse-burst-ms", worst / 1000.0,
          "ms"));
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Malformed and giant frames                                         */

static const gchar *malformed[] = {
  "not json", "{\"type\":", "5", "[1]", "\"OFFER\"", "{}", "{\"type\":5}",
  "{\"type\":null}", "{\"type\":[\"OFFER\"]}", "{\"dst\":\"bob\"}",
  "{\"type\":\"OFFER\",\"dst\":{}}", "{\"type\":\"OFFER\",\"src\":7}",
  "{\"type\":\"OPEN\"} {\"type\":\"OPEN\"}", "{\"type\":'OFFER'}",
  "\xff\xfe\xfd",
};

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

typedef struct
{
  Client *c;
  guint n;
} Count;

static gboolean
has_n_frames (gconstpointer data)
{
  const Count *n = data;

  return n->c->n_frames >= n->n || n->c->closed;
}

/* mallory (registered) sends 1000 malformed frames (text and binary), 10
 * frames between max-message-size and four times it, then one of 10 MB. */
GST_START_TEST (test_malformed_and_giant_frames)
{
  Client *mallory;
  Honest h;
  Count count;
  gchar *large, *giant;
  guint i, sent = 0, n_malformed = G_N_ELEMENTS (malformed);
  gdouble rss_before;

  start_server (NULL);
  honest_start (&h);
  mallory = client_start_as ("mallory", "tm", FALSE);
  count = (Count) {
  mallory, 1};
  fail_unless (wait_for (has_n_frames, &count, WAIT_MS));
  fail_unless_equals_string (mallory->first_frame, OPEN_FRAME);
  rss_before = rss_mb ();

  for (i = 0; i < N_ABUSERS; i++) {
    const gchar *bad = malformed[i % n_malformed];

    if (i % 3 == 0)
      soup_websocket_connection_send_binary (mallory->conn, bad, strlen (bad));
    else if (g_utf8_validate (bad, -1, NULL))
      send_text (mallory, bad);
    else
      soup_websocket_connection_send_binary (mallory->conn, bad, strlen (bad));
    sent++;
    if (i % 100 == 0)
      honest_reregister_and_round (&h);
  }
  count.n = 1 + sent;
  honest_during (&h, has_n_frames, &count);
  GST_INFO ("malformed: %u sent, %u ERRORs back, %d log lines", sent,
      mallory->n_errors, g_atomic_int_get (&log_invalid));
  fail_unless (!mallory->closed, "the server closed mallory's socket");
  fail_unless (reliability_check ("server-abuse-malformed-unanswered",
          (gdouble) sent - mallory->n_errors, ""));
  fail_unless (reliability_check ("server-abuse-malformed-unlogged",
          (gdouble) sent - g_atomic_int_get (&log_invalid), ""));

  /* over max-message-size (64 KiB): "Message too large", socket kept */
  large = frame_of_size (100 * 1024);
  for (i = 0; i < 10; i++)
    send_text (mallory, large);
  g_free (large);
  count.n = 1 + sent + 10;
  honest_during (&h, has_n_frames, &count);
  fail_unless_equals_int (mallory->n_errors, sent + 10);
  fail_unless (g_atomic_int_get (&log_too_large) >= 10);
  fail_unless (!mallory->closed);

  /* 10 MB, beyond four times the limit: libsoup drops the connection
   * while reading it (no close frame: code 0 here) */
  giant = frame_of_size (10 * 1024 * 1024);
  send_text (mallory, giant);
  g_free (giant);
  honest_during (&h, is_closed, mallory);
  GST_INFO ("giant frame: closed with code %u", mallory->close_code);
  /* libsoup's reason, through the socket's "error" signal */
  fail_unless (g_atomic_int_get (&log_socket_error) >= 1);
  fail_unless (mallory->close_code == 0
      || mallory->close_code == SOUP_WEBSOCKET_CLOSE_TOO_BIG
      || mallory->close_code == SOUP_WEBSOCKET_CLOSE_ABNORMAL);
  for (i = 0; i < 3; i++)
    honest_reregister_and_round (&h);
  fail_unless (reliability_check ("server-abuse-frames-rss",
          rss_mb () - rss_before, "MB"));
  honest_finish (&h, "server-abuse-frames-register-ms",
      "server-abuse-frames-relay-ms", "server-abuse-frames-honest-lost");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* ID squatting                                                       */

/* While alice and bob relay, 500 sockets claim alice's and bob's IDs with
 * wrong tokens (ID-TAKEN, closed), and alice's messages claim to be from
 * someone else (the server stamps her own ID). */
GST_START_TEST (test_id_squatting)
{
  Client *squat[500];
  Bulk bulk;
  Honest h;
  guint i, accepted = 0;
  gchar *got;

  start_server (NULL);
  honest_start (&h);
  for (i = 0; i < G_N_ELEMENTS (squat); i++) {
    gchar *token = g_strdup_printf ("guess-%u", i);

    squat[i] = client_start_as (i % 2 ? "bob" : h.alice_id, token, FALSE);
    g_free (token);
  }
  bulk = (Bulk) {
  squat, G_N_ELEMENTS (squat), 1};
  /* alice keeps her ID during this: no re-registration */
  while (!bulk_closed (&bulk)) {
    honest_round (&h);
    if (h.rounds > 500)
      break;
  }
  fail_unless (wait_for (bulk_closed, &bulk, BULK_WAIT_MS));
  for (i = 0; i < G_N_ELEMENTS (squat); i++) {
    if (g_strcmp0 (squat[i]->first_frame, ID_TAKEN_FRAME) != 0)
      accepted++;
  }
  fail_unless ((guint) g_atomic_int_get (&log_rejecting) >=
      G_N_ELEMENTS (squat));

  /* a spoofed src is replaced by the sender's ID */
  send_text (h.alice, "{\"type\":\"CANDIDATE\",\"src\":\"bob\","
      "\"dst\":\"bob\",\"payload\":{}}");
  got = next_frame (h.bob);
  fail_unless (got != NULL);
  fail_unless (strstr (got, "\"src\":\"alice\"") != NULL, "%s", got);
  g_free (got);

  /* after alice leaves, her ID is free again: registering it is no squat */
  soup_websocket_connection_close (h.alice->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
      NULL);
  fail_unless (wait_for (is_closed, h.alice, WAIT_MS));
  h.alice = honest_register (&h, "alice");
  honest_round (&h);

  fail_unless (reliability_check ("server-abuse-squat-accepted", accepted, ""));
  honest_finish (&h, "server-abuse-squat-register-ms",
      "server-abuse-squat-relay-ms", "server-abuse-squat-honest-lost");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Limits at scale                                                    */

/* concurrent-limit 100: 150 try to register, 98 get in besides alice and
 * bob, 52 get "Server has reached its concurrent user limit" and are
 * closed; when 10 leave, 10 others get in. */
GST_START_TEST (test_limit_concurrent)
{
  Client *c[150], *late[10];
  Bulk bulk;
  Honest h;
  guint i, in = 0, refused = 0;

  start_server ("concurrent-limit", 100, NULL);
  honest_start (&h);
  for (i = 0; i < G_N_ELEMENTS (c); i++) {
    gchar *id = g_strdup_printf ("c-%u", i);

    c[i] = client_start_as (id, "t", FALSE);
    g_free (id);
    /* one at a time, so that which ones get in is the first 98 */
    fail_unless (wait_for (frame_or_closed, c[i], WAIT_MS));
  }
  for (i = 0; i < G_N_ELEMENTS (c); i++) {
    if (g_strcmp0 (c[i]->first_frame, OPEN_FRAME) == 0)
      in++;
    else if (g_strcmp0 (c[i]->first_frame, ERROR_PREFIX
            "\"Server has reached its concurrent user limit\"}}") == 0)
      refused++;
  }
  fail_unless_equals_int (in, 98);
  fail_unless_equals_int (refused, 52);
  fail_unless_equals_int (n_peers (), 100);
  for (i = 98; i < G_N_ELEMENTS (c); i++)
    fail_unless (wait_for (is_closed, c[i], WAIT_MS));

  /* the honest pair still relays; when 10 leave, 10 others get in */
  honest_round (&h);
  for (i = 0; i < 10; i++)
    soup_websocket_connection_close (c[i]->conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
        NULL);
  bulk = (Bulk) {
  c, 10, 1};
  fail_unless (wait_for (bulk_closed, &bulk, WAIT_MS));
  run_for (200);
  for (i = 0; i < 10; i++) {
    gchar *id = g_strdup_printf ("late-%u", i);

    late[i] = client_start_as (id, "t", FALSE);
    g_free (id);
  }
  bulk = (Bulk) {
  late, 10, 1};
  fail_unless (wait_for (bulk_answered, &bulk, WAIT_MS));
  for (i = 0; i < 10; i++)
    fail_unless_equals_string (late[i]->first_frame, OPEN_FRAME);
  fail_unless (reliability_check ("server-limit-concurrent-over",
          (gdouble) n_peers () - 100 + (in - 98), ""));
  honest_round (&h);
  fail_unless_equals_int (h.lost, 0);
}

GST_END_TEST;

/* max-unregistered-sockets 100: 400 clients register and LEAVE; the
 * server keeps the newest 100 sockets and closes the others (1008). */
GST_START_TEST (test_limit_unregistered)
{
  Client *c[N_UNREGISTERED];
  Bulk bulk;
  Honest h;
  guint i, open = 0, policy = 0;

  start_server ("max-unregistered-sockets", 100, NULL);
  honest_start (&h);
  for (i = 0; i < N_UNREGISTERED; i++) {
    gchar *id = g_strdup_printf ("u-%u", i);

    c[i] = client_start_as (id, "t", FALSE);
    g_free (id);
  }
  bulk = (Bulk) {
  c, N_UNREGISTERED, 1};
  honest_during (&h, bulk_answered, &bulk);
  for (i = 0; i < N_UNREGISTERED; i++) {
    fail_unless_equals_string (c[i]->first_frame, OPEN_FRAME);
    send_text (c[i], "{\"type\":\"LEAVE\"}");
  }
  /* 900 are closed by the server */
  for (i = 0; i < 50; i++) {
    guint closed = 0, j;

    honest_round (&h);
    for (j = 0; j < N_UNREGISTERED; j++)
      closed += c[j]->closed;
    if (closed >= N_UNREGISTERED - 100)
      break;
  }
  run_for (500);
  for (i = 0; i < N_UNREGISTERED; i++) {
    if (!c[i]->closed)
      open++;
    else if (c[i]->close_code == SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION)
      policy++;
  }
  GST_INFO ("%u open, %u closed with 1008", open, policy);
  fail_unless_equals_int (g_atomic_int_get (&log_unregistered), policy);
  fail_unless_equals_int (policy, N_UNREGISTERED - open);
  fail_unless (reliability_check ("server-limit-unregistered-open", open, ""));
  fail_unless_equals_int (n_peers (), 2);
  honest_round (&h);
  fail_unless_equals_int (h.lost, 0);
}

GST_END_TEST;

/* max-queue-length 256 (the default): 3000 OFFERs for an absent ID, the
 * ID registers and gets 256; concurrent-limit 100 bounds the number of
 * queues: OFFERs for 1000 absent IDs keep at most 100 queues. */
GST_START_TEST (test_limit_queue)
{
  Client *mallory, *ghost, *late;
  Count count;
  Honest h;
  gdouble rss_before;
  guint i;

  start_server ("concurrent-limit", 100, "expire-timeout", 60000, NULL);
  honest_start (&h);
  mallory = client_start_as ("mallory", "tm", FALSE);
  count = (Count) {
  mallory, 1};
  fail_unless (wait_for (has_n_frames, &count, WAIT_MS));
  rss_before = rss_mb ();

  for (i = 0; i < 3000; i++) {
    send_text (mallory, "{\"type\":\"OFFER\",\"dst\":\"ghost\",\"payload\":"
        "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"},\"type\":\"media\","
        "\"connectionId\":\"mc_q\"}}");
    if (i % 1000 == 0)
      honest_round (&h);
  }
  for (i = 0; i < 1000; i++) {
    gchar *frame = g_strdup_printf ("{\"type\":\"CANDIDATE\",\"dst\":"
        "\"absent-%u\",\"payload\":{}}", i);

    send_text (mallory, frame);
    g_free (frame);
  }
  honest_round (&h);
  run_for (500);

  ghost = client_start_as ("ghost", "tg", FALSE);
  count = (Count) {
  ghost, 1 + 256};
  fail_unless (wait_for (has_n_frames, &count, WAIT_MS));
  run_for (500);
  GST_INFO ("ghost got %u frames after its OPEN", ghost->n_frames - 1);
  fail_unless (reliability_check ("server-limit-queue-delivered",
          ghost->n_frames - 1, ""));
  fail_unless_equals_int (ghost->n_frames - 1, 256);

  /* the 1000 destinations: at most 100 queues, the others dropped; one
   * whose queue was dropped gets nothing */
  late = client_start_as ("absent-999", "t", FALSE);
  count = (Count) {
  late, 1};
  fail_unless (wait_for (has_n_frames, &count, WAIT_MS));
  run_for (300);
  fail_unless_equals_int (late->n_frames, 1);

  fail_unless (reliability_check ("server-limit-queue-rss",
          rss_mb () - rss_before, "MB"));
  honest_round (&h);
  fail_unless_equals_int (h.lost, 0);
}

GST_END_TEST;

/* Both ends of up to 3000 sockets live in this process: raise the soft
 * limit on file descriptors to the hard one (1024 is a common default). */
static void
raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit (RLIMIT_NOFILE, &rl);
  }
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 8 * N_ABUSERS)
    g_printerr ("serverabuse: only %lu file descriptors (ulimit -n), the "
        "tests need %u\n", (gulong) rl.rlim_cur, 8 * N_ABUSERS);
}

static Suite *
serverabuse_suite (void)
{
  Suite *s = suite_create ("peerjs-server-abuse");
  TCase *tc = tcase_create ("abuse");

  raise_fd_limit ();

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_thousand_sockets);
  tcase_add_test (tc, test_connection_burst);
  tcase_add_test (tc, test_malformed_and_giant_frames);
  tcase_add_test (tc, test_id_squatting);
  tcase_add_test (tc, test_limit_concurrent);
  tcase_add_test (tc, test_limit_unregistered);
  tcase_add_test (tc, test_limit_queue);
  return s;
}

GST_CHECK_MAIN (serverabuse);
