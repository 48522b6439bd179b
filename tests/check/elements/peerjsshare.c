/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Elements of one process with the same peer ID share one signalling
 * session (the server keeps one socket per ID): both register, each OFFER
 * reaches the element it is meant for, and stopping one leaves the other's
 * calls alone (loopback, the embedded server).
 *
 * A peerjsroom keeps one call per member, so a room cannot hold both a
 * call with a peerjssink "obs" and one with a peerjssrc "obs": the tests
 * pair each "obs" element with its own remote, or with a remote that
 * shares its ID the same way. */

#include "peerjsmember.h"

#define STEADY_MS 3000

static gchar *
sink_desc (const gchar * name, const gchar * id, const gchar * peers,
    const gchar * extra)
{
  return g_strdup_printf ("peerjssink name=%s server=%s peer-id=\"%s\" "
      "peers=\"%s\" %s videotestsrc is-live=true ! video/x-raw,width=320,"
      "height=240,framerate=30/1 ! %s.video_sink "
      "audiotestsrc is-live=true ! %s.audio_sink", name, server_uri, id,
      peers, extra ? extra : "", name, name);
}

static gchar *
src_desc (const gchar * name, const gchar * id, const gchar * peers,
    const gchar * extra)
{
  return g_strdup_printf ("peerjssrc name=%s server=%s peer-id=\"%s\" "
      "peers=\"%s\" %s", name, server_uri, id, peers, extra ? extra : "");
}

/* @desc (taken): a pipeline whose counted element is named "room" */
static Member *
member_from (const gchar * id, gchar * desc)
{
  Member *m = member_new_from_description (id, desc);

  g_free (desc);
  return m;
}

/* ---- element messages by element: two elements share a bus ---- */

static GMutex record_lock;
static GPtrArray *records;      /* GstStructure with "element" added */

/* @label names the pipeline's element "room"; another element of the
 * pipeline goes by its own name */
static void
record_message (GstBus * bus, GstMessage * msg, const gchar * label)
{
  GstStructure *s = gst_structure_copy (gst_message_get_structure (msg));
  const gchar *name = GST_MESSAGE_SRC_NAME (msg);

  gst_structure_set (s, "element", G_TYPE_STRING,
      g_strcmp0 (name, "room") == 0 ? label : name, NULL);
  g_mutex_lock (&record_lock);
  g_ptr_array_add (records, s);
  g_mutex_unlock (&record_lock);
}

static void
record (Member * m, const gchar * label)
{
  GstBus *bus = gst_element_get_bus (m->pipeline);

  g_signal_connect (bus, "sync-message::element", G_CALLBACK (record_message),
      (gpointer) label);
  gst_object_unref (bus);
}

static void
unrecord (Member * m)
{
  GstBus *bus = gst_element_get_bus (m->pipeline);

  g_signal_handlers_disconnect_matched (bus, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
      record_message, NULL);
  gst_object_unref (bus);
}

/* How many messages @name of @element have @field = @value (and, when
 * set, @field2 = @value2). */
static guint
recorded (const gchar * element, const gchar * name, const gchar * field,
    const gchar * value, const gchar * field2, const gchar * value2)
{
  guint i, n = 0;

  g_mutex_lock (&record_lock);
  for (i = 0; i < records->len; i++) {
    GstStructure *s = g_ptr_array_index (records, i);

    n += gst_structure_has_name (s, name)
        && g_strcmp0 (gst_structure_get_string (s, "element"), element) == 0
        && (!field || g_strcmp0 (gst_structure_get_string (s, field),
            value) == 0)
        && (!field2 || g_strcmp0 (gst_structure_get_string (s, field2),
            value2) == 0);
  }
  g_mutex_unlock (&record_lock);
  return n;
}

static void
records_setup (void)
{
  server_setup ();
  records = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
}

static void
records_teardown (void)
{
  g_ptr_array_unref (records);
  records = NULL;
  server_teardown ();
}

/* ---- checks ---- */

static void
assert_receives (Member * m, const gchar * from)
{
  assert_flow (m, from, FALSE, FLOW_TIMEOUT_MS);
}

/* @m's media from @from keeps coming: many more frames in STEADY_MS */
static void
assert_keeps_receiving (Member * m, const gchar * from)
{
  assert_flow (m, from, TRUE, STEADY_MS * 3);
}

static void
assert_no_error (Member * m)
{
  GstBus *bus = gst_element_get_bus (m->pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  if (msg) {
    GError *err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    fail ("%s: %s", m->id, err->message);
  }
  gst_object_unref (bus);
}

typedef struct
{
  const gchar *element;
  const gchar *name;
  const gchar *field, *value, *field2, *value2;
} Expect;

static gboolean
is_recorded (gpointer data)
{
  Expect *e = data;

  return recorded (e->element, e->name, e->field, e->value, e->field2,
      e->value2) > 0;
}

static void
assert_opens (const gchar * element, const gchar * id)
{
  Expect e = { element, "peerjs-open", "peer-id", id, NULL, NULL };

  fail_unless (wait_until (is_recorded, &e, 10000), "%s: no peerjs-open",
      element);
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

static gboolean
server_unlists (gpointer id)
{
  return !server_lists (id);
}

/* (a), (b): a peerjssink and a peerjssrc "obs" in two pipelines. A room
 * p1 calls "obs" with a sendrecv offer: the src takes it (it receives what
 * p1 sends). A peerjssrc v1 calls "obs" with a recvonly offer: the sink
 * takes it. Stopping the src keeps the sink's call; p1, whose only call
 * with "obs" was the src's, gets a LEAVE. Stopping the sink unregisters
 * "obs". */
GST_START_TEST (test_sink_and_src_share)
{
  Member *sink = member_from ("obs", sink_desc ("room", "obs", "", NULL));
  Member *src = member_from ("obs", src_desc ("room", "obs", "", NULL));
  Member *p1, *v1, *again;

  record (sink, "obs_sink");
  record (src, "obs_src");
  member_play (sink);
  member_play (src);
  assert_opens ("obs_sink", "obs");
  assert_opens ("obs_src", "obs");
  fail_unless (server_lists ("obs"));

  p1 = member_new ("p1", "obs", "call-policy=call-all");
  v1 = member_from ("v1", src_desc ("room", "v1", "obs", NULL));
  record (p1, "p1");
  record (v1, "v1");
  member_play (p1);
  member_play (v1);

  assert_receives (src, "p1");
  assert_receives (v1, "obs");
  /* each call went to the element it was meant for, once */
  fail_unless (recorded ("obs_src", "peerjs-peer-joined", "peer-id", "p1",
          NULL, NULL) == 1);
  fail_unless (recorded ("obs_sink", "peerjs-peer-joined", "peer-id", "v1",
          NULL, NULL) == 1);
  fail_unless (recorded ("obs_src", "peerjs-peer-joined", "peer-id", "v1",
          NULL, NULL) == 0);
  fail_unless (recorded ("obs_sink", "peerjs-peer-joined", "peer-id", "p1",
          NULL, NULL) == 0);
  fail_unless (recorded ("obs_sink", "peerjs-error", NULL, NULL, NULL,
          NULL) == 0);
  fail_unless (recorded ("obs_src", "peerjs-error", NULL, NULL, NULL,
          NULL) == 0);
  assert_no_error (sink);
  assert_no_error (src);

  /* (b) the src stops; the session goes on for the sink */
  gst_element_set_state (src->pipeline, GST_STATE_NULL);
  fail_unless (server_lists ("obs"));
  {
    Expect left = { "p1", "peerjs-connection-state", "peer-id", "obs",
      "reason", "remote-leave"
    };

    /* p1's call was the src's alone: it got a LEAVE */
    fail_unless (wait_until (is_recorded, &left, 5000),
        "p1: no LEAVE from obs");
  }
  /* p1 would call again, and the sink would take the call: a peerjssink
   * answering a room's sendrecv offer is not supported yet */
  g_object_set (p1->room, "peers", "", NULL);
  assert_keeps_receiving (v1, "obs");
  fail_unless (recorded ("v1", "peerjs-peer-left", "peer-id", "obs", NULL,
          NULL) == 0);
  fail_unless (recorded ("v1", "peerjs-connection-state", "reason",
          "remote-leave", NULL, NULL) == 0);
  assert_no_error (sink);

  /* the last user stops: the ID is free again */
  gst_element_set_state (sink->pipeline, GST_STATE_NULL);
  fail_unless (wait_until (server_unlists, (gpointer) "obs", 5000));
  again = member_from ("obs", src_desc ("room", "obs", "", NULL));
  record (again, "obs_again");
  member_play (again);
  assert_opens ("obs_again", "obs");
  assert_no_error (again);

  unrecord (again);
  unrecord (v1);
  unrecord (p1);
  unrecord (src);
  unrecord (sink);
  member_free (again);
  member_free (v1);
  member_free (p1);
  member_free (src);
  member_free (sink);
}

GST_END_TEST;

/* Both "obs" elements in one pipeline, and the remote "p1" a sink and a
 * src sharing their ID the same way; each sink calls the other side, whose
 * src takes the call (both list the other, so the direction decides).
 * Stopping the obs src must not send a LEAVE: p1 would close every
 * connection with "obs", the obs sink's call too. */
GST_START_TEST (test_shared_on_both_sides)
{
  gchar *obs_sink = sink_desc ("obs_sink", "obs", "p1", NULL);
  gchar *obs_src = src_desc ("room", "obs", "p1",
      "call-policy=answer-only");
  gchar *p1_sink = sink_desc ("p1_sink", "p1", "obs", NULL);
  gchar *p1_src = src_desc ("room", "p1", "obs", "call-policy=answer-only");
  Member *obs = member_from ("obs", g_strconcat (obs_src, " ", obs_sink,
          NULL));
  Member *p1 = member_from ("p1", g_strconcat (p1_src, " ", p1_sink, NULL));
  GstElement *src;

  g_free (obs_sink);
  g_free (obs_src);
  g_free (p1_sink);
  g_free (p1_src);
  record (obs, "obs_src");
  record (p1, "p1_src");
  member_play (obs);
  member_play (p1);
  assert_opens ("obs_src", "obs");
  assert_opens ("obs_sink", "obs");
  assert_opens ("p1_src", "p1");
  assert_opens ("p1_sink", "p1");

  assert_receives (obs, "p1");
  assert_receives (p1, "obs");
  fail_unless (recorded ("obs_src", "peerjs-error", NULL, NULL, NULL,
          NULL) == 0);
  fail_unless (recorded ("p1_src", "peerjs-error", NULL, NULL, NULL,
          NULL) == 0);
  assert_no_error (obs);
  assert_no_error (p1);

  /* the obs src alone stops */
  src = gst_object_ref (obs->room);
  gst_element_set_locked_state (src, TRUE);
  gst_element_set_state (src, GST_STATE_NULL);
  gst_object_unref (src);

  assert_keeps_receiving (p1, "obs");
  g_usleep (STEADY_MS * 1000);
  assert_keeps_receiving (p1, "obs");
  fail_unless (recorded ("p1_src", "peerjs-peer-left", "peer-id", "obs",
          NULL, NULL) == 0);
  fail_unless (recorded ("p1_src", "peerjs-connection-state", "reason",
          "remote-leave", NULL, NULL) == 0);
  fail_unless (recorded ("p1_sink", "peerjs-connection-state", "reason",
          "remote-leave", NULL, NULL) == 0);
  fail_unless (server_lists ("obs"));
  assert_no_error (obs);

  unrecord (p1);
  unrecord (obs);
  member_free (p1);
  member_free (obs);
}

GST_END_TEST;

/* (c) Two rooms "hub" in one process share too: each takes the calls of
 * the IDs in its own `peers`. Stopping one leaves the other's calls. */
GST_START_TEST (test_rooms_share)
{
  Member *hub_a = member_new ("hub", "a", NULL);
  Member *hub_b = member_new ("hub", "b", NULL);
  Member *a, *b;

  record (hub_a, "hub_a");
  record (hub_b, "hub_b");
  member_play (hub_a);
  member_play (hub_b);
  assert_opens ("hub_a", "hub");
  assert_opens ("hub_b", "hub");

  /* the lower ID calls: a and b call "hub" */
  a = member_new ("a", "hub", NULL);
  b = member_new ("b", "hub", NULL);
  record (a, "a");
  record (b, "b");
  member_play (a);
  member_play (b);

  assert_receives (hub_a, "a");
  assert_receives (hub_b, "b");
  assert_receives (a, "hub");
  assert_receives (b, "hub");
  fail_unless_equals_int (count_of (hub_a, "video_b"), 0);
  fail_unless_equals_int (count_of (hub_b, "video_a"), 0);
  fail_unless (recorded ("hub_a", "peerjs-error", NULL, NULL, NULL, NULL) == 0);
  fail_unless (recorded ("hub_b", "peerjs-error", NULL, NULL, NULL, NULL) == 0);
  assert_no_error (hub_a);
  assert_no_error (hub_b);

  gst_element_set_state (hub_a->pipeline, GST_STATE_NULL);
  {
    Expect left = { "a", "peerjs-connection-state", "peer-id", "hub",
      "reason", "remote-leave"
    };

    fail_unless (wait_until (is_recorded, &left, 5000), "a: no LEAVE from hub");
  }
  assert_keeps_receiving (b, "hub");
  fail_unless (recorded ("b", "peerjs-peer-left", "peer-id", "hub", NULL,
          NULL) == 0);
  fail_unless (server_lists ("hub"));

  unrecord (b);
  unrecord (a);
  unrecord (hub_b);
  unrecord (hub_a);
  member_free (b);
  member_free (a);
  member_free (hub_b);
  member_free (hub_a);
}

GST_END_TEST;

static Suite *
peerjsshare_suite (void)
{
  Suite *s = suite_create ("peerjsshare");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, records_setup, records_teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_sink_and_src_share);
  tcase_add_test (tc, test_shared_on_both_sides);
  tcase_add_test (tc, test_rooms_share);
  return s;
}

GST_CHECK_MAIN (peerjsshare);
