/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* GstPeerJSSession against a real server: the embedded GstPeerJSServer by
 * default, or an external one (the real `peer`, started by
 * tests/interop/lib/run-with-server.mjs) when PEERJS_SERVER_URI is set.
 * With an external server, the tests that need to configure or proxy the
 * server are not part of the suite (see session_suite()). */

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>
#include <libsoup/soup.h>
#include <string.h>

#include "tlsserver.h"

#define WAIT_MS 10000

static GstPeerJSServer *server;
static gchar *server_uri;
static guint server_port;
static const gchar *control_uri;

/* ---- recording what a session says, from its own thread ---- */

typedef struct
{
  GMutex lock;
  GCond cond;
  guint opens;
  gchar *open_id;
  GError *fatal;
  guint non_fatal;
  GList *messages;              /* GstPeerJSMessage, newest first */
  gboolean handle_messages;
} Recorder;

static void
on_open (GstPeerJSSession * s, const gchar * id, Recorder * r)
{
  g_mutex_lock (&r->lock);
  r->opens++;
  g_free (r->open_id);
  r->open_id = g_strdup (id);
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

static void
on_error (GstPeerJSSession * s, const GError * error, gboolean fatal,
    Recorder * r)
{
  g_mutex_lock (&r->lock);
  if (fatal) {
    g_clear_error (&r->fatal);
    r->fatal = g_error_copy (error);
  } else {
    r->non_fatal++;
  }
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

static gboolean
on_message (GstPeerJSSession * s, const GstPeerJSMessage * msg, Recorder * r)
{
  gboolean handled;

  g_mutex_lock (&r->lock);
  r->messages = g_list_prepend (r->messages, gst_peerjs_message_copy (msg));
  handled = r->handle_messages;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
  return handled;
}

static Recorder *
recorder_new (void)
{
  Recorder *r = g_new0 (Recorder, 1);

  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  r->handle_messages = TRUE;
  return r;
}

static void
recorder_free (Recorder * r)
{
  g_free (r->open_id);
  g_clear_error (&r->fatal);
  g_list_free_full (r->messages, (GDestroyNotify) gst_peerjs_message_free);
  g_mutex_clear (&r->lock);
  g_cond_clear (&r->cond);
  g_free (r);
}

typedef gboolean (*RecorderCheck) (Recorder * r, gconstpointer data);

static gboolean
recorder_wait (Recorder * r, RecorderCheck check, gconstpointer data,
    guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean ok;

  g_mutex_lock (&r->lock);
  while (!(ok = check (r, data)))
    if (!g_cond_wait_until (&r->cond, &r->lock, end))
      break;
  if (!ok)
    ok = check (r, data);
  g_mutex_unlock (&r->lock);
  return ok;
}

static gboolean
opens_at_least (Recorder * r, gconstpointer data)
{
  return r->opens >= GPOINTER_TO_UINT (data);
}

static gboolean
has_fatal (Recorder * r, gconstpointer data)
{
  return r->fatal != NULL;
}

static gboolean
messages_at_least (Recorder * r, gconstpointer data)
{
  return g_list_length (r->messages) >= GPOINTER_TO_UINT (data);
}

static GstPeerJSSession *
session_new (const gchar * id, Recorder * r)
{
  GstPeerJSSession *s = gst_peerjs_session_new (server_uri, "peerjs", id);

  g_signal_connect (s, "open", G_CALLBACK (on_open), r);
  g_signal_connect (s, "error", G_CALLBACK (on_error), r);
  g_signal_connect (s, "message", G_CALLBACK (on_message), r);
  return s;
}

static void
session_free (GstPeerJSSession * s)
{
  gst_peerjs_session_stop (s);
  gst_object_unref (s);
}

/* ---- the server: embedded or external ---- */

static gchar *
http_request (const gchar * method, const gchar * uri, guint * status)
{
  SoupSession *soup = soup_session_new ();
  SoupMessage *msg = soup_message_new (method, uri);
  GBytes *body;
  gchar *text = NULL;

  fail_unless (msg != NULL, "bad URI %s", uri);
  body = soup_session_send_and_read (soup, msg, NULL, NULL);
  if (status)
    *status = soup_message_get_status (msg);
  if (body) {
    text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    g_bytes_unref (body);
  }
  g_object_unref (msg);
  g_object_unref (soup);
  return text;
}

/* Whether @id is registered, asked the way a web app asks: GET /peers. */
static gboolean
server_lists (const gchar * id)
{
  gchar *uri = g_strdup_printf ("http://127.0.0.1:%u/peerjs/peers",
      server_port);
  guint status = 0;
  gchar *body = http_request ("GET", uri, &status);
  gchar *quoted = g_strdup_printf ("\"%s\"", id);
  gboolean found;

  fail_unless_equals_int (status, 200);
  found = body && strstr (body, quoted) != NULL;
  g_free (uri);
  g_free (body);
  g_free (quoted);
  return found;
}

/* The server notices a closed socket a moment after the client closed it. */
static gboolean
server_lists_within (const gchar * id, gboolean expected, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (server_lists (id) != expected) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_usleep (50 * 1000);
  }
  return TRUE;
}

static void
server_control (const gchar * action)
{
  gchar *uri = g_strdup_printf ("%s/%s", control_uri, action);
  guint status = 0;
  gchar *body = http_request ("POST", uri, &status);

  fail_unless_equals_int (status, 200);
  g_free (body);
  g_free (uri);
}

static void
server_kill (void)
{
  if (control_uri)
    server_control ("kill");
  else
    gst_peerjs_server_stop (server);
}

static void
server_restart (void)
{
  GError *error = NULL;

  if (control_uri) {
    server_control ("start");
    return;
  }
  g_object_set (server, "port", server_port, NULL);
  fail_unless (gst_peerjs_server_start (server, &error), "restart: %s",
      error ? error->message : "");
}

static void
server_setup (void)
{
  const gchar *external = g_getenv ("PEERJS_SERVER_URI");
  GError *error = NULL;

  control_uri = g_getenv ("PEERJS_SERVER_CONTROL");
  if (external) {
    server_uri = g_strdup (external);
    server_port = atoi (g_getenv ("PEERJS_SERVER_PORT"));
    return;
  }

  server = gst_peerjs_server_new ();
  g_object_set (server, "port", 0, "allow-discovery", TRUE,
      "expire-timeout", 1000, NULL);
  fail_unless (gst_peerjs_server_start (server, &error), "server: %s",
      error ? error->message : "");
  server_port = gst_peerjs_server_get_port (server);
  server_uri = g_strdup_printf ("ws://127.0.0.1:%u/", server_port);
}

static void
server_teardown (void)
{
  gchar *uri, *body = NULL;
  gint64 end = g_get_monotonic_time () + 3 * G_TIME_SPAN_SECOND;

  /* an external server outlives the test: let it forget our IDs first */
  if (!server && server_uri) {
    uri = g_strdup_printf ("http://127.0.0.1:%u/peerjs/peers", server_port);
    do {
      g_free (body);
      body = http_request ("GET", uri, NULL);
      if (body && g_str_equal (body, "[]"))
        break;
      g_usleep (50 * 1000);
    } while (g_get_monotonic_time () < end);
    g_free (body);
    g_free (uri);
  }
  if (server) {
    gst_peerjs_server_stop (server);
    gst_clear_object (&server);
  }
  g_clear_pointer (&server_uri, g_free);
}

/* ---- tests ---- */

GST_START_TEST (test_register)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = session_new ("alice", r);
  GError *error = NULL;

  fail_unless_equals_int (gst_peerjs_session_get_state (s),
      GST_PEERJS_SESSION_STATE_CLOSED);
  fail_unless (gst_peerjs_session_start (s, &error));
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  fail_unless_equals_string (r->open_id, "alice");
  fail_unless_equals_int (gst_peerjs_session_get_state (s),
      GST_PEERJS_SESSION_STATE_OPEN);
  fail_unless (server_lists ("alice"));
  fail_unless (r->fatal == NULL);

  session_free (s);
  /* closing the socket unregisters the ID */
  fail_unless (server_lists_within ("alice", FALSE, 3000));
  recorder_free (r);
}

GST_END_TEST;

GST_START_TEST (test_id_with_space)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = session_new ("player one", r);

  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  fail_unless_equals_string (r->open_id, "player one");
  fail_unless (server_lists ("player one"));
  session_free (s);
  recorder_free (r);
}

GST_END_TEST;

GST_START_TEST (test_server_assigned_id)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = session_new (NULL, r);
  gchar *id;

  fail_unless (gst_peerjs_session_get_id (s) == NULL);
  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  id = gst_peerjs_session_get_id (s);
  fail_unless_equals_string (id, r->open_id);
  /* a UUID, as both servers make them */
  fail_unless_equals_int (strlen (id), 36);
  fail_unless (gst_peerjs_id_is_valid (id));
  fail_unless (server_lists (id));
  g_free (id);
  session_free (s);
  recorder_free (r);
}

GST_END_TEST;

GST_START_TEST (test_id_taken)
{
  Recorder *r1 = recorder_new (), *r2 = recorder_new ();
  GstPeerJSSession *s1 = session_new ("alice", r1);
  GstPeerJSSession *s2 = session_new ("alice", r2);
  Recorder *rb = recorder_new ();
  GstPeerJSSession *bob = session_new ("bob", rb);
  GstPeerJSMessage *offer;

  fail_unless (gst_peerjs_session_start (s1, NULL));
  fail_unless (recorder_wait (r1, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  fail_unless (gst_peerjs_session_start (s2, NULL));
  fail_unless (recorder_wait (r2, has_fatal, NULL, WAIT_MS));
  fail_unless (g_error_matches (r2->fatal, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_UNAVAILABLE_ID), "got %s", r2->fatal->message);
  fail_unless (strstr (r2->fatal->message, "alice") != NULL);
  fail_unless_equals_int (r2->opens, 0);
  fail_unless_equals_int (gst_peerjs_session_get_state (s2),
      GST_PEERJS_SESSION_STATE_CLOSED);

  /* the first one keeps its registration and still gets messages */
  fail_unless (server_lists ("alice"));
  fail_unless_equals_int (gst_peerjs_session_get_state (s1),
      GST_PEERJS_SESSION_STATE_OPEN);
  fail_unless (gst_peerjs_session_start (bob, NULL));
  fail_unless (recorder_wait (rb, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  offer = gst_peerjs_message_new_offer ("alice", GST_PEERJS_CONNECTION_DATA,
      "dc_taken1", "v=0\r\n");
  fail_unless (gst_peerjs_session_send (bob, offer, NULL));
  fail_unless (recorder_wait (r1, messages_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  fail_unless_equals_string (((GstPeerJSMessage *) r1->messages->data)->src,
      "bob");

  gst_peerjs_message_free (offer);
  session_free (bob);
  session_free (s2);
  session_free (s1);
  recorder_free (rb);
  recorder_free (r2);
  recorder_free (r1);
}

GST_END_TEST;

GST_START_TEST (test_invalid_key)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = gst_peerjs_session_new (server_uri, "wrongkey",
      "alice");

  g_signal_connect (s, "error", G_CALLBACK (on_error), r);
  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (recorder_wait (r, has_fatal, NULL, WAIT_MS));
  fail_unless (g_error_matches (r->fatal, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_INVALID_KEY), "got %s", r->fatal->message);
  fail_if (server_lists ("alice"));
  session_free (s);
  recorder_free (r);
}

GST_END_TEST;

GST_START_TEST (test_invalid_id)
{
  const gchar *bad[] = { "-ab", "a  b", "a.b", "bad id!" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstPeerJSSession *s = gst_peerjs_session_new (server_uri, NULL, bad[i]);
    GError *error = NULL;

    fail_if (gst_peerjs_session_start (s, &error));
    fail_unless (g_error_matches (error, GST_PEERJS_ERROR,
            GST_PEERJS_ERROR_INVALID_ID), "%s", bad[i]);
    fail_unless_equals_int (gst_peerjs_session_get_state (s),
        GST_PEERJS_SESSION_STATE_CLOSED);
    g_error_free (error);
    gst_object_unref (s);
  }
}

GST_END_TEST;

GST_START_TEST (test_bad_uri)
{
  const gchar *bad[] = { "ftp://127.0.0.1/", "not a uri", "ws:///nohost" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstPeerJSSession *s = gst_peerjs_session_new (bad[i], NULL, "alice");
    GError *error = NULL;

    fail_if (gst_peerjs_session_start (s, &error), "%s", bad[i]);
    fail_unless (error != NULL && error->domain == GST_PEERJS_ERROR);
    g_error_free (error);
    gst_object_unref (s);
  }
}

GST_END_TEST;

/* Nothing listens on the port: the session gives up after its attempts
 * with a `network` error, in bounded time. */
GST_START_TEST (test_unreachable)
{
  GSocketListener *l = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (l, NULL, NULL);
  Recorder *r = recorder_new ();
  GstPeerJSSession *s;
  gchar *uri;
  gint64 start;

  /* a port that was free a moment ago and is closed now */
  g_socket_listener_close (l);
  g_object_unref (l);
  uri = g_strdup_printf ("ws://127.0.0.1:%u/", port);
  s = gst_peerjs_session_new (uri, NULL, "alice");
  g_object_set (s, "connect-attempts", 3, NULL);
  g_signal_connect (s, "error", G_CALLBACK (on_error), r);

  start = g_get_monotonic_time ();
  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (recorder_wait (r, has_fatal, NULL, WAIT_MS));
  fail_unless (g_error_matches (r->fatal, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_NETWORK), "got %s", r->fatal->message);
  /* 3 attempts: two backoffs of at most 0.3 s and 0.6 s */
  fail_unless (g_get_monotonic_time () - start < 3 * G_TIME_SPAN_SECOND);
  fail_unless_equals_int (gst_peerjs_session_get_state (s),
      GST_PEERJS_SESSION_STATE_CLOSED);

  session_free (s);
  recorder_free (r);
  g_free (uri);
}

GST_END_TEST;

static const GstPeerJSMessage *
find_message (Recorder * r, GstPeerJSMessageType type)
{
  GList *l;

  for (l = r->messages; l; l = l->next)
    if (((GstPeerJSMessage *) l->data)->type == type)
      return l->data;
  return NULL;
}

/* An OFFER, its ANSWER and CANDIDATEs travel between two sessions; what no
 * handler takes is kept for claim_pending(). */
GST_START_TEST (test_relay_and_pending)
{
  Recorder *ra = recorder_new (), *rb = recorder_new ();
  GstPeerJSSession *a = session_new ("alice", ra);
  GstPeerJSSession *b = session_new ("bob", rb);
  GstPeerJSMessage *m;
  const GstPeerJSMessage *got;
  GList *pending;

  fail_unless (gst_peerjs_session_start (a, NULL));
  fail_unless (gst_peerjs_session_start (b, NULL));
  fail_unless (recorder_wait (ra, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  fail_unless (recorder_wait (rb, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));

  m = gst_peerjs_message_new_offer ("bob", GST_PEERJS_CONNECTION_MEDIA,
      "mc_relay1", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");
  fail_unless (gst_peerjs_session_send (a, m, NULL));
  gst_peerjs_message_free (m);
  fail_unless (recorder_wait (rb, messages_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  got = find_message (rb, GST_PEERJS_MESSAGE_OFFER);
  fail_unless (got != NULL);
  fail_unless_equals_string (got->src, "alice");
  fail_unless_equals_string (got->connection_id, "mc_relay1");
  fail_unless_equals_int (got->connection_type, GST_PEERJS_CONNECTION_MEDIA);
  fail_unless_equals_string (got->sdp, "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");

  /* bob does not know mc_relay2 yet: alice's candidates wait for him */
  g_mutex_lock (&rb->lock);
  rb->handle_messages = FALSE;
  g_mutex_unlock (&rb->lock);
  m = gst_peerjs_message_new_candidate ("bob", GST_PEERJS_CONNECTION_MEDIA,
      "mc_relay2", "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host",
      "0", 0);
  fail_unless (gst_peerjs_session_send (a, m, NULL));
  g_free (m->candidate);
  m->candidate =
      g_strdup ("candidate:2 1 udp 2122260222 127.0.0.1 5001 typ host");
  fail_unless (gst_peerjs_session_send (a, m, NULL));
  /* a last one for another connection: when its handler runs, the session
   * thread has stored the two before it */
  g_free (m->connection_id);
  m->connection_id = g_strdup ("mc_relay3");
  fail_unless (gst_peerjs_session_send (a, m, NULL));
  gst_peerjs_message_free (m);
  fail_unless (recorder_wait (rb, messages_at_least, GUINT_TO_POINTER (4),
          WAIT_MS));

  fail_unless (gst_peerjs_session_claim_pending (b, "mallory",
          "mc_relay2") == NULL);
  pending = gst_peerjs_session_claim_pending (b, "alice", "mc_relay2");
  fail_unless_equals_int (g_list_length (pending), 2);
  fail_unless (g_str_has_prefix (((GstPeerJSMessage *) pending->data)->
          candidate, "candidate:1 "));
  fail_unless (g_str_has_prefix (((GstPeerJSMessage *) pending->next->data)->
          candidate, "candidate:2 "));
  fail_unless_equals_string (((GstPeerJSMessage *) pending->data)->sdp_mid,
      "0");
  g_list_free_full (pending, (GDestroyNotify) gst_peerjs_message_free);
  /* claimed once, gone */
  fail_unless (gst_peerjs_session_claim_pending (b, "alice",
          "mc_relay2") == NULL);

  session_free (a);
  session_free (b);
  recorder_free (ra);
  recorder_free (rb);
}

GST_END_TEST;

/* A message to an absent peer comes back as EXPIRE. */
GST_START_TEST (test_expire)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = session_new ("alice", r);
  GstPeerJSMessage *m;
  const GstPeerJSMessage *got;

  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  m = gst_peerjs_message_new_offer ("nobody", GST_PEERJS_CONNECTION_MEDIA,
      "mc_exp1", "v=0\r\n");
  fail_unless (gst_peerjs_session_send (s, m, NULL));
  gst_peerjs_message_free (m);
  /* expire-timeout 1000 here, 5000 for `peer` by default: 5-6 s */
  fail_unless (recorder_wait (r, messages_at_least, GUINT_TO_POINTER (1),
          8000));
  got = find_message (r, GST_PEERJS_MESSAGE_EXPIRE);
  fail_unless (got != NULL);
  fail_unless_equals_string (got->src, "nobody");
  session_free (s);
  recorder_free (r);
}

GST_END_TEST;

/* The server goes away and comes back on the same port: the session
 * registers again by itself, with the same ID, within its backoff. */
GST_START_TEST (test_reconnect_after_restart)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = session_new ("alice", r);
  gint64 restarted;

  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));

  server_kill ();
  /* reconnect attempts fail meanwhile; the session keeps trying */
  g_usleep (1500 * 1000);
  fail_unless (gst_peerjs_session_get_state (s) ==
      GST_PEERJS_SESSION_STATE_RECONNECTING);
  fail_unless (r->non_fatal >= 1);
  fail_unless (r->fatal == NULL);

  server_restart ();
  restarted = g_get_monotonic_time ();
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (2), 10000));
  GST_INFO ("re-registered %" G_GINT64_FORMAT " ms after the restart",
      (g_get_monotonic_time () - restarted) / 1000);
  fail_unless (g_get_monotonic_time () - restarted < 6 * G_TIME_SPAN_SECOND);
  fail_unless_equals_string (r->open_id, "alice");
  fail_unless (server_lists ("alice"));
  fail_unless (r->fatal == NULL);

  session_free (s);
  recorder_free (r);
}

GST_END_TEST;

/* Heartbeats keep the registration: with an alive-timeout shorter than
 * the default interval the server drops us, with a short interval not. */
GST_START_TEST (test_heartbeat)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = session_new ("alice", r);
  Recorder *r2 = recorder_new ();
  GstPeerJSSession *s2 = session_new ("bob", r2);

  gst_peerjs_server_stop (server);
  g_object_set (server, "port", server_port, "alive-timeout", 1500, NULL);
  fail_unless (gst_peerjs_server_start (server, NULL));

  g_object_set (s, "heartbeat-interval", 400, NULL);
  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (gst_peerjs_session_start (s2, NULL));
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  fail_unless (recorder_wait (r2, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));

  /* bob (5 s heartbeat) is dropped and comes back; alice never drops */
  fail_unless (recorder_wait (r2, opens_at_least, GUINT_TO_POINTER (2), 6000));
  fail_unless (r2->non_fatal >= 1);
  fail_unless_equals_int (r->opens, 1);
  fail_unless_equals_int (r->non_fatal, 0);

  session_free (s);
  session_free (s2);
  recorder_free (r);
  recorder_free (r2);
}

GST_END_TEST;

/* ---- a TCP relay that can drop the client side only ----
 *
 * The server keeps its socket when the client's network drops without a
 * FIN reaching it. Reconnecting with the same token then gets no OPEN:
 * the session has to treat the silent socket as registered. */

typedef struct
{
  GSocketService *service;
  gint port;
  guint16 target;
  GMutex lock;
  GPtrArray *clients;           /* GIOStream of the client side */
  GPtrArray *upstreams;         /* kept alive on purpose */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
} Relay;

typedef struct
{
  GInputStream *in;
  GOutputStream *out;
  guint8 buf[4096];
} Pipe;

static void pipe_read (Pipe * p);

static void
pipe_read_done (GObject * src, GAsyncResult * res, gpointer data)
{
  Pipe *p = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, NULL);

  if (n <= 0 || !g_output_stream_write_all (p->out, p->buf, n, NULL, NULL,
          NULL)) {
    g_object_unref (p->in);
    g_object_unref (p->out);
    g_free (p);
    return;
  }
  pipe_read (p);
}

static void
pipe_read (Pipe * p)
{
  g_input_stream_read_async (p->in, p->buf, sizeof (p->buf),
      G_PRIORITY_DEFAULT, NULL, pipe_read_done, p);
}

static void
pipe_start (GIOStream * from, GIOStream * to)
{
  Pipe *p = g_new0 (Pipe, 1);

  p->in = g_object_ref (g_io_stream_get_input_stream (from));
  p->out = g_object_ref (g_io_stream_get_output_stream (to));
  pipe_read (p);
}

static gboolean
relay_incoming (GSocketService * service, GSocketConnection * conn,
    GObject * source, Relay * relay)
{
  GSocketClient *client = g_socket_client_new ();
  GSocketConnection *up = g_socket_client_connect_to_host (client,
      "127.0.0.1", relay->target, NULL, NULL);

  g_object_unref (client);
  if (!up)
    return FALSE;
  g_mutex_lock (&relay->lock);
  g_ptr_array_add (relay->clients, g_object_ref (conn));
  g_ptr_array_add (relay->upstreams, up);
  g_mutex_unlock (&relay->lock);
  pipe_start (G_IO_STREAM (conn), G_IO_STREAM (up));
  pipe_start (G_IO_STREAM (up), G_IO_STREAM (conn));
  return TRUE;
}

static gpointer
relay_thread (gpointer data)
{
  Relay *relay = data;

  g_main_context_push_thread_default (relay->context);
  relay->service = g_socket_service_new ();
  relay->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER
      (relay->service), NULL, NULL);
  g_signal_connect (relay->service, "incoming", G_CALLBACK (relay_incoming),
      relay);
  g_socket_service_start (relay->service);
  g_main_loop_run (relay->loop);
  g_socket_service_stop (relay->service);
  g_socket_listener_close (G_SOCKET_LISTENER (relay->service));
  g_object_unref (relay->service);
  while (g_main_context_iteration (relay->context, FALSE));
  g_main_context_pop_thread_default (relay->context);
  return NULL;
}

static Relay *
relay_new (guint16 target)
{
  Relay *relay = g_new0 (Relay, 1);

  relay->target = target;
  g_mutex_init (&relay->lock);
  relay->clients = g_ptr_array_new_with_free_func (g_object_unref);
  relay->upstreams = g_ptr_array_new_with_free_func (g_object_unref);
  relay->context = g_main_context_new ();
  relay->loop = g_main_loop_new (relay->context, FALSE);
  relay->thread = g_thread_new ("relay", relay_thread, relay);
  while (!g_atomic_int_get (&relay->port))
    g_usleep (1000);
  return relay;
}

static gboolean
relay_drop_clients_cb (gpointer data)
{
  Relay *relay = data;
  guint i;

  g_mutex_lock (&relay->lock);
  for (i = 0; i < relay->clients->len; i++)
    g_io_stream_close (g_ptr_array_index (relay->clients, i), NULL, NULL);
  g_ptr_array_set_size (relay->clients, 0);
  g_mutex_unlock (&relay->lock);
  return G_SOURCE_REMOVE;
}

static void
relay_free (Relay * relay)
{
  g_main_context_invoke (relay->context, relay_drop_clients_cb, relay);
  g_main_loop_quit (relay->loop);
  g_thread_join (relay->thread);
  g_ptr_array_unref (relay->clients);
  g_ptr_array_unref (relay->upstreams);
  g_main_loop_unref (relay->loop);
  g_main_context_unref (relay->context);
  g_mutex_clear (&relay->lock);
  g_free (relay);
}

GST_START_TEST (test_reconnect_takeover)
{
  Relay *relay = relay_new (server_port);
  Recorder *r = recorder_new (), *rb = recorder_new ();
  GstPeerJSSession *s, *bob;
  GstPeerJSMessage *m;
  gchar *uri = g_strdup_printf ("ws://127.0.0.1:%u/", relay->port);

  s = gst_peerjs_session_new (uri, NULL, "alice");
  g_signal_connect (s, "open", G_CALLBACK (on_open), r);
  g_signal_connect (s, "error", G_CALLBACK (on_error), r);
  g_signal_connect (s, "message", G_CALLBACK (on_message), r);
  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));

  /* the client side drops, the server keeps the old socket */
  g_main_context_invoke (relay->context, relay_drop_clients_cb, relay);
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (2),
          WAIT_MS));
  fail_unless (r->fatal == NULL, "%s", r->fatal ? r->fatal->message : "");
  fail_unless (server_lists ("alice"));

  /* and it really is registered: messages reach it on the new socket */
  bob = session_new ("bob", rb);
  fail_unless (gst_peerjs_session_start (bob, NULL));
  fail_unless (recorder_wait (rb, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  m = gst_peerjs_message_new_offer ("alice", GST_PEERJS_CONNECTION_DATA,
      "dc_takeover", "v=0\r\n");
  fail_unless (gst_peerjs_session_send (bob, m, NULL));
  gst_peerjs_message_free (m);
  fail_unless (recorder_wait (r, messages_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  fail_unless (find_message (r, GST_PEERJS_MESSAGE_OFFER) != NULL);

  session_free (bob);
  session_free (s);
  relay_free (relay);
  recorder_free (rb);
  recorder_free (r);
  g_free (uri);
}

GST_END_TEST;

GST_START_TEST (test_send_when_stopped)
{
  GstPeerJSSession *s = gst_peerjs_session_new (server_uri, NULL, "alice");
  GstPeerJSMessage *m = gst_peerjs_message_new (GST_PEERJS_MESSAGE_LEAVE);
  GError *error = NULL;

  fail_if (gst_peerjs_session_send (s, m, &error));
  fail_unless (g_error_matches (error, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_DISCONNECTED));
  g_error_free (error);
  gst_peerjs_message_free (m);
  gst_object_unref (s);
}

GST_END_TEST;

/* wss:// is validated: a certificate from a CA nobody configured fails
 * with ssl-unavailable, at once and for good; with tls-ca-file naming the
 * CA that signed it, the same server works. */
static GError *
tls_attempt (const gchar * uri, const gchar * ca_file, gboolean * opened)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = gst_peerjs_session_new (uri, NULL, "alice");
  GError *result = NULL;

  g_object_set (s, "tls-ca-file", ca_file, NULL);
  g_signal_connect (s, "open", G_CALLBACK (on_open), r);
  g_signal_connect (s, "error", G_CALLBACK (on_error), r);
  fail_unless (gst_peerjs_session_start (s, NULL));
  *opened = FALSE;
  if (recorder_wait (r, has_fatal, NULL, 5000))
    result = g_error_copy (r->fatal);
  else
    *opened = r->opens == 1;
  session_free (s);
  recorder_free (r);
  return result;
}

GST_START_TEST (test_tls)
{
  GstPeerJSServer *tls = tls_server_new ();
  gchar *uri = g_strdup_printf ("wss://127.0.0.1:%u/",
      gst_peerjs_server_get_port (tls));
  gboolean opened;
  GError *error;
  gint64 start = g_get_monotonic_time ();

  /* the system's CAs do not know our test CA */
  error = tls_attempt (uri, NULL, &opened);
  fail_unless (g_error_matches (error, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_SSL_UNAVAILABLE));
  fail_unless (strstr (error->message, "tls-ca-file") != NULL, "%s",
      error->message);
  /* fatal at once: retrying (6 attempts) would take 8 s or more */
  fail_unless (g_get_monotonic_time () - start < 5 * G_TIME_SPAN_SECOND);
  g_error_free (error);

  error = tls_attempt (uri, TEST_FILES "/other-ca.pem", &opened);
  fail_unless (g_error_matches (error, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_SSL_UNAVAILABLE));
  g_error_free (error);

  error = tls_attempt (uri, TEST_FILES "/ca.pem", &opened);
  fail_unless (error == NULL, "%s", error ? error->message : "");
  fail_unless (opened);

  gst_peerjs_server_stop (tls);
  gst_object_unref (tls);
  g_free (uri);
}

GST_END_TEST;

GST_START_TEST (test_tls_missing_ca_file)
{
  GstPeerJSSession *s = gst_peerjs_session_new ("wss://127.0.0.1:1/", NULL,
      "alice");
  GError *error = NULL;

  g_object_set (s, "tls-ca-file", "/nonexistent/ca.pem", NULL);
  fail_if (gst_peerjs_session_start (s, &error));
  fail_unless (g_error_matches (error, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_SSL_UNAVAILABLE));
  fail_unless (strstr (error->message, "/nonexistent/ca.pem") != NULL);
  g_error_free (error);
  gst_object_unref (s);
}

GST_END_TEST;

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean done;
  gchar **peers;
  GError *error;
} PeersResult;

static void
on_peers (GstPeerJSSession * s, gchar ** peers, const GError * error,
    gpointer user_data)
{
  PeersResult *r = user_data;

  g_mutex_lock (&r->lock);
  r->peers = g_strdupv (peers);
  r->error = error ? g_error_copy (error) : NULL;
  r->done = TRUE;
  g_cond_signal (&r->cond);
  g_mutex_unlock (&r->lock);
}

static void
list_peers (GstPeerJSSession * s, PeersResult * r)
{
  gint64 end = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  memset (r, 0, sizeof (*r));
  fail_unless (gst_peerjs_session_list_peers (s, on_peers, r, NULL));
  g_mutex_lock (&r->lock);
  while (!r->done && g_cond_wait_until (&r->cond, &r->lock, end));
  g_mutex_unlock (&r->lock);
  fail_unless (r->done);
}

/* GET /peers as listAllPeers() does; refused without discovery */
GST_START_TEST (test_list_peers)
{
  Recorder *r = recorder_new ();
  GstPeerJSSession *s = session_new ("alice", r);
  GstPeerJSServer *closed;
  PeersResult res;
  gchar *uri;

  fail_if (gst_peerjs_session_list_peers (s, on_peers, &res, NULL));
  fail_unless (gst_peerjs_session_start (s, NULL));
  fail_unless (recorder_wait (r, opens_at_least, GUINT_TO_POINTER (1),
          WAIT_MS));
  list_peers (s, &res);
  fail_unless (res.error == NULL);
  fail_unless (g_strv_contains ((const gchar * const *) res.peers, "alice"));
  g_strfreev (res.peers);
  session_free (s);

  if (server) {
    closed = gst_peerjs_server_new ();
    g_object_set (closed, "port", 0, NULL);
    fail_unless (gst_peerjs_server_start (closed, NULL));
    uri = g_strdup_printf ("ws://127.0.0.1:%u/",
        gst_peerjs_server_get_port (closed));
    s = gst_peerjs_session_new (uri, NULL, "bob");
    fail_unless (gst_peerjs_session_start (s, NULL));
    list_peers (s, &res);
    fail_unless (res.peers == NULL);
    fail_unless (g_error_matches (res.error, GST_PEERJS_ERROR,
            GST_PEERJS_ERROR_SERVER_ERROR));
    fail_unless (strstr (res.error->message, "discovery") != NULL);
    g_error_free (res.error);
    gst_peerjs_session_stop (s);
    gst_object_unref (s);
    gst_peerjs_server_stop (closed);
    gst_object_unref (closed);
    g_free (uri);
  }
  recorder_free (r);
}

GST_END_TEST;

static Suite *
session_suite (void)
{
  Suite *s = suite_create ("peerjssession");
  TCase *tc = tcase_create ("general");
  gboolean external = g_getenv ("PEERJS_SERVER_URI") != NULL;

  suite_add_tcase (s, tc);
  tcase_add_unchecked_fixture (tc, NULL, NULL);
  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_set_timeout (tc, 60);

  tcase_add_test (tc, test_register);
  tcase_add_test (tc, test_id_with_space);
  tcase_add_test (tc, test_server_assigned_id);
  tcase_add_test (tc, test_id_taken);
  tcase_add_test (tc, test_invalid_key);
  tcase_add_test (tc, test_invalid_id);
  tcase_add_test (tc, test_bad_uri);
  tcase_add_test (tc, test_unreachable);
  tcase_add_test (tc, test_relay_and_pending);
  tcase_add_test (tc, test_expire);
  tcase_add_test (tc, test_reconnect_takeover);
  tcase_add_test (tc, test_send_when_stopped);
  tcase_add_test (tc, test_list_peers);
  tcase_add_test (tc, test_tls_missing_ca_file);
  /* needs a TLS server of our own */
  if (!external)
    tcase_add_test (tc, test_tls);
  if (!external || g_getenv ("PEERJS_SERVER_CONTROL"))
    tcase_add_test (tc, test_reconnect_after_restart);
  /* reconfigures the embedded server */
  if (!external)
    tcase_add_test (tc, test_heartbeat);

  return s;
}

GST_CHECK_MAIN (session);
