/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The shared base of peerjsroom, peerjssink and peerjssrc: properties,
 * registration on the embedded server, fatal errors on the bus. */

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>
#include <libsoup/soup.h>
#include <string.h>

static const gchar *elements[] = { "peerjsroom", "peerjssink", "peerjssrc" };

static GstPeerJSServer *server;
static gchar *server_uri;
static guint server_port;

static void
server_setup (void)
{
  GError *error = NULL;

  gst_peerjs_init ();
  server = gst_peerjs_server_new ();
  g_object_set (server, "port", 0, "allow-discovery", TRUE, NULL);
  fail_unless (gst_peerjs_server_start (server, &error), "%s",
      error ? error->message : "");
  server_port = gst_peerjs_server_get_port (server);
  server_uri = g_strdup_printf ("ws://127.0.0.1:%u/", server_port);
}

static void
server_teardown (void)
{
  gst_peerjs_server_stop (server);
  gst_clear_object (&server);
  g_clear_pointer (&server_uri, g_free);
}

static gboolean
server_lists (const gchar * id)
{
  gchar **peers = gst_peerjs_server_list_peers (server);
  gboolean found = peers && g_strv_contains ((const gchar * const *) peers,
      id);

  g_strfreev (peers);
  return found;
}

/* The server sees a socket close a moment after the client closed it. */
static gboolean
unlisted_within (const gchar * id, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (server_lists (id)) {
    if (g_get_monotonic_time () > end)
      return FALSE;
    g_usleep (20 * 1000);
  }
  return TRUE;
}

static GstElement *
pipeline_new (const gchar * factory, const gchar * id)
{
  gchar *desc = g_strdup_printf ("%s name=peer server=%s%s%s", factory,
      server_uri, id ? " peer-id=" : "", id ? id : "");
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *element = gst_parse_launch (desc, NULL);

  fail_unless (element != NULL, "could not build %s", desc);
  gst_bin_add (GST_BIN (pipeline), element);
  g_free (desc);
  return pipeline;
}

/* Waits for the next element message called @name, or an error. */
static GstMessage *
wait_for (GstElement * pipeline, const gchar * name, guint timeout_ms)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 end = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  GstMessage *msg = NULL;

  while (g_get_monotonic_time () < end) {
    msg = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    if (!msg)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      break;
    if (gst_message_has_name (msg, name))
      break;
    gst_message_unref (msg);
    msg = NULL;
  }
  gst_object_unref (bus);
  return msg;
}

static void
expect_open (GstElement * pipeline, const gchar * id, gboolean reconnect,
    guint timeout_ms)
{
  GstMessage *msg = wait_for (pipeline, "peerjs-open", timeout_ms);
  const GstStructure *s;
  gboolean got_reconnect = !reconnect;

  fail_unless (msg != NULL, "no peerjs-open within %u ms", timeout_ms);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    fail ("error instead of peerjs-open: %s", err->message);
  }
  s = gst_message_get_structure (msg);
  if (id)
    fail_unless_equals_string (gst_structure_get_string (s, "peer-id"), id);
  fail_unless (gst_structure_get_boolean (s, "reconnect", &got_reconnect));
  fail_unless_equals_int (got_reconnect, reconnect);
  gst_message_unref (msg);
}

static GError *
expect_error (GstElement * pipeline, guint timeout_ms)
{
  GstMessage *msg = wait_for (pipeline, "-none-", timeout_ms);
  GError *err = NULL;

  fail_unless (msg != NULL, "no error within %u ms", timeout_ms);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, NULL);
  gst_message_unref (msg);
  return err;
}

GST_START_TEST (test_properties)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (elements); i++) {
    GstElement *e = gst_element_factory_make (elements[i], NULL);
    gchar *server_str, *key, *id, *stun, *ca;
    GValue turn = G_VALUE_INIT;
    GValue v = G_VALUE_INIT;

    fail_unless (e != NULL, "%s missing", elements[i]);
    fail_unless (g_type_is_a (G_OBJECT_TYPE (e), GST_TYPE_BIN));
    g_object_get (e, "server", &server_str, "key", &key, "peer-id", &id,
        "stun-server", &stun, "tls-ca-file", &ca, NULL);
    /* the same defaults as `new Peer()` */
    fail_unless_equals_string (server_str, "wss://0.peerjs.com:443/");
    fail_unless_equals_string (key, "peerjs");
    fail_unless (id == NULL);
    fail_unless (stun == NULL);
    fail_unless (ca == NULL);
    g_free (server_str);
    g_free (key);

    g_object_set (e, "server", "ws://127.0.0.1:9000/myapp", "key", "k1",
        "peer-id", "player one", "stun-server", "stun://127.0.0.1:3478", NULL);
    g_object_get (e, "server", &server_str, "key", &key, "peer-id", &id,
        "stun-server", &stun, NULL);
    fail_unless_equals_string (server_str, "ws://127.0.0.1:9000/myapp");
    fail_unless_equals_string (key, "k1");
    fail_unless_equals_string (id, "player one");
    fail_unless_equals_string (stun, "stun://127.0.0.1:3478");
    g_free (server_str);
    g_free (key);
    g_free (id);
    g_free (stun);

    /* the gst-launch syntax of an array */
    g_value_init (&v, GST_TYPE_ARRAY);
    fail_unless (gst_value_deserialize (&v,
            "<\"turn://u:p@127.0.0.1:3478\", \"turns://a:b@h:5349\">"));
    g_object_set_property (G_OBJECT (e), "turn-servers", &v);
    g_value_init (&turn, GST_TYPE_ARRAY);
    g_object_get_property (G_OBJECT (e), "turn-servers", &turn);
    fail_unless_equals_int (gst_value_array_get_size (&turn), 2);
    fail_unless_equals_string (g_value_get_string (gst_value_array_get_value
            (&turn, 1)), "turns://a:b@h:5349");
    g_value_unset (&v);
    g_value_unset (&turn);
    gst_object_unref (e);
  }
}

GST_END_TEST;

GST_START_TEST (test_register_each_element)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (elements); i++) {
    GstElement *pipeline = pipeline_new (elements[i], "alice");

    fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    expect_open (pipeline, "alice", FALSE, 5000);
    fail_unless (server_lists ("alice"));

    /* going down unregisters */
    gst_element_set_state (pipeline, GST_STATE_NULL);
    gst_object_unref (pipeline);
    fail_unless (unlisted_within ("alice", 3000));
  }
}

GST_END_TEST;

GST_START_TEST (test_server_assigned_id)
{
  GstElement *pipeline = pipeline_new ("peerjsroom", NULL);
  GstElement *room = gst_bin_get_by_name (GST_BIN (pipeline), "peer");
  GstMessage *msg;
  const gchar *assigned;
  gchar *id;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = wait_for (pipeline, "peerjs-open", 5000);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT);
  assigned = gst_structure_get_string (gst_message_get_structure (msg),
      "peer-id");
  fail_unless (gst_peerjs_id_is_valid (assigned));
  g_object_get (room, "peer-id", &id, NULL);
  fail_unless_equals_string (id, assigned);
  fail_unless (server_lists (assigned));

  g_free (id);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (room);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Another client holds the ID. Not another element: the elements of one
 * process share the session of an ID (elements/peerjsshare). */
GST_START_TEST (test_id_taken)
{
  GstPeerJSSession *first = gst_peerjs_session_new (server_uri, NULL,
      "alice");
  GstElement *second = pipeline_new ("peerjsroom", "alice");
  GError *err = NULL;
  gint64 end = g_get_monotonic_time () + 5 * G_TIME_SPAN_SECOND;

  gst_object_ref_sink (first);
  fail_unless (gst_peerjs_session_start (first, &err));
  while (gst_peerjs_session_get_state (first) != GST_PEERJS_SESSION_STATE_OPEN
      && g_get_monotonic_time () < end)
    g_usleep (20 * 1000);
  fail_unless (server_lists ("alice"));

  gst_element_set_state (second, GST_STATE_PLAYING);
  err = expect_error (second, 5000);
  fail_unless (g_error_matches (err, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_UNAVAILABLE_ID), "%s", err->message);
  /* the text tells the user what to do */
  fail_unless (strstr (err->message, "\"alice\" is taken") != NULL, "%s",
      err->message);
  fail_unless (strstr (err->message, "peer-id") != NULL);
  g_error_free (err);

  gst_element_set_state (second, GST_STATE_NULL);
  /* the first keeps its registration */
  fail_unless (server_lists ("alice"));

  gst_peerjs_session_stop (first);
  gst_object_unref (first);
  gst_object_unref (second);
}

GST_END_TEST;

GST_START_TEST (test_invalid_id)
{
  GstElement *room = gst_element_factory_make ("peerjsroom", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (room, bus);
  g_object_set (room, "server", server_uri, "peer-id", "bad id!", NULL);
  fail_unless_equals_int (gst_element_set_state (room, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (g_error_matches (err, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_INVALID_ID));
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (room, GST_STATE_NULL);
  gst_element_set_bus (room, NULL);
  gst_object_unref (bus);
  gst_object_unref (room);
}

GST_END_TEST;

GST_START_TEST (test_invalid_key)
{
  GstElement *pipeline = pipeline_new ("peerjssrc", "bob");
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "peer");
  GError *err;

  g_object_set (src, "key", "nope", NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  err = expect_error (pipeline, 5000);
  fail_unless (g_error_matches (err, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_INVALID_KEY), "%s", err->message);
  g_error_free (err);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_unreachable)
{
  GstElement *pipeline;
  GError *err;
  guint port = server_port;

  /* nobody listens there any more */
  gst_peerjs_server_stop (server);
  pipeline = pipeline_new ("peerjssink", "alice");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  err = expect_error (pipeline, 20000);
  fail_unless (g_error_matches (err, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_NETWORK), "%s", err->message);
  fail_unless (strstr (err->message, "Could not reach") != NULL);
  g_error_free (err);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  g_object_set (server, "port", port, NULL);
  fail_unless (gst_peerjs_server_start (server, NULL));
}

GST_END_TEST;

GST_START_TEST (test_reregister_after_restart)
{
  GstElement *pipeline = pipeline_new ("peerjsroom", "alice");
  GstMessage *msg;
  gint64 restarted;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  expect_open (pipeline, "alice", FALSE, 5000);

  gst_peerjs_server_stop (server);
  msg = wait_for (pipeline, "peerjs-error", 5000);
  fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT);
  fail_unless_equals_string (gst_structure_get_string
      (gst_message_get_structure (msg), "type"), "network");
  gst_message_unref (msg);

  g_usleep (G_USEC_PER_SEC);
  g_object_set (server, "port", server_port, NULL);
  fail_unless (gst_peerjs_server_start (server, NULL));
  restarted = g_get_monotonic_time ();
  expect_open (pipeline, "alice", TRUE, 10000);
  fail_unless (g_get_monotonic_time () - restarted < 10 * G_TIME_SPAN_SECOND);
  fail_unless (server_lists ("alice"));

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_state_cycles)
{
  GstElement *pipeline = pipeline_new ("peerjsroom", "alice");
  guint i;

  for (i = 0; i < 5; i++) {
    fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    expect_open (pipeline, "alice", FALSE, 5000);
    fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless (unlisted_within ("alice", 3000));
  }
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
peerjsbin_suite (void)
{
  Suite *s = suite_create ("peerjsbin");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_register_each_element);
  tcase_add_test (tc, test_server_assigned_id);
  tcase_add_test (tc, test_id_taken);
  tcase_add_test (tc, test_invalid_id);
  tcase_add_test (tc, test_invalid_key);
  tcase_add_test (tc, test_unreachable);
  tcase_add_test (tc, test_reregister_after_restart);
  tcase_add_test (tc, test_state_cycles);
  return s;
}

GST_CHECK_MAIN (peerjsbin);
