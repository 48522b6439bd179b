/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* `peerjs-stats`: webrtcbin's statistics reduced to one figure set per
 * member, posted every stats-interval; real calls on loopback through the
 * embedded server. */

#include "peerjsmember.h"
#include "gstpeerjsmesh.h"
#include "gstpeerjsstats.h"
#include <math.h>
#include <string.h>

/* the video bitrate the members send with, kbit/s */
#define VIDEO_KBPS 500

typedef struct
{
  Member *m;
  const gchar *peer;
} Want;

static gdouble
get_double (const GstStructure * s, const gchar * field)
{
  gdouble d = G_MAXDOUBLE;

  fail_unless (gst_structure_get_double (s, field, &d), "no double %s in %"
      GST_PTR_FORMAT, field, s);
  return d;
}

/* @m has a `peerjs-stats` about @peer with an RTT and media both ways */
static gboolean
has_full_stats (gpointer data)
{
  Want *w = data;
  GstStructure *s = last_message (w->m, "peerjs-stats", "peer-id", w->peer);
  gboolean ok;

  if (!s)
    return FALSE;
  ok = get_double (s, "rtt-ms") >= 0 && get_double (s, "bitrate-in-kbps") > 0
      && get_double (s, "bitrate-out-kbps") > 0;
  gst_structure_free (s);
  return ok;
}

static gboolean
both_have_full_stats (gpointer data)
{
  Want *w = data;

  return has_full_stats (&w[0]) && has_full_stats (&w[1]);
}

/* how many messages @name about @peer @m posted */
static guint
count_about (Member * m, const gchar * name, const gchar * peer)
{
  guint i, n = 0;

  g_mutex_lock (&m->lock);
  for (i = 0; i < m->messages->len; i++) {
    GstStructure *s = g_ptr_array_index (m->messages, i);

    n += gst_structure_has_name (s, name)
        && g_strcmp0 (gst_structure_get_string (s, "peer-id"), peer) == 0;
  }
  g_mutex_unlock (&m->lock);
  return n;
}

static guint
count_stats_about (Member * m, const gchar * peer)
{
  return count_about (m, "peerjs-stats", peer);
}

/* the connection ID of @m's connected media call with @peer */
static gchar *
call_id (Member * m, const gchar * peer)
{
  GstStructure *s = NULL;
  gchar *id = NULL;
  guint i;

  g_mutex_lock (&m->lock);
  for (i = m->messages->len; i > 0 && !s; i--) {
    GstStructure *c = g_ptr_array_index (m->messages, i - 1);

    if (gst_structure_has_name (c, "peerjs-connection-state")
        && !g_strcmp0 (gst_structure_get_string (c, "peer-id"), peer)
        && !g_strcmp0 (gst_structure_get_string (c, "state"), "connected"))
      s = c;
  }
  if (s)
    id = g_strdup (gst_structure_get_string (s, "connection-id"));
  g_mutex_unlock (&m->lock);
  return id;
}

static void
check_figures (Member * m, const gchar * peer, const gchar * room_id)
{
  GstStructure *s = last_message (m, "peerjs-stats", "peer-id", peer);
  gchar *conn = call_id (m, peer);
  gdouble rtt, in, out, fraction, jitter;
  gint64 lost = -1;
  guint64 received = 0;

  fail_unless (s != NULL);
  fail_unless (conn != NULL);
  GST_INFO ("%s about %s: %" GST_PTR_FORMAT, m->id, peer, s);

  fail_unless_equals_string (gst_structure_get_string (s, "connection-id"),
      conn);
  fail_unless (g_str_has_prefix (conn, "mc_"));
  fail_unless_equals_string (gst_structure_get_string (s, "room-id"), room_id);

  rtt = get_double (s, "rtt-ms");
  in = get_double (s, "bitrate-in-kbps");
  out = get_double (s, "bitrate-out-kbps");
  fraction = get_double (s, "fraction-lost");
  jitter = get_double (s, "jitter-ms");
  fail_unless (gst_structure_get_int64 (s, "packets-lost", &lost));
  fail_unless (gst_structure_get_uint64 (s, "packets-received", &received));

  /* loopback: well under a second, never negative once known */
  fail_unless (rtt >= 0 && rtt < 1000, "rtt %f", rtt);
  /* 500 kbit/s video + 32-64 kbit/s Opus (payload bytes, no headers):
   * more than nothing, less than 4x the target */
  fail_unless (out > 10 && out < 4 * VIDEO_KBPS, "out %f kbit/s", out);
  fail_unless (in > 10 && in < 4 * VIDEO_KBPS, "in %f kbit/s", in);
  /* the split: both kinds flow, and they make up the total */
  fail_unless (get_double (s, "video-bitrate-out-kbps") > 0);
  fail_unless (get_double (s, "audio-bitrate-out-kbps") > 0);
  fail_unless (get_double (s, "video-bitrate-in-kbps") > 0);
  fail_unless (get_double (s, "audio-bitrate-in-kbps") > 0);
  fail_unless (fabs (get_double (s, "video-bitrate-out-kbps") +
          get_double (s, "audio-bitrate-out-kbps") - out) < 0.01);
  fail_unless (fabs (get_double (s, "video-bitrate-in-kbps") +
          get_double (s, "audio-bitrate-in-kbps") - in) < 0.01);
  fail_unless (lost >= 0);
  fail_unless (received > 100, "%" G_GUINT64_FORMAT " packets", received);
  /* loopback loses next to nothing (a loaded machine may drop a few
   * datagrams) */
  fail_unless (fraction >= 0 && fraction <= 0.2, "fraction lost %f", fraction);
  fail_unless (jitter >= 0 && jitter < 1000, "jitter %f", jitter);

  gst_structure_free (s);
  g_free (conn);
}

GST_START_TEST (test_stats_messages)
{
  Member *m[2];
  Want want[2];
  guint before, after;
  GstStructure *initial;
  guint interval = 0;

  m[0] = member_new ("alice", "bob", "stats-interval=500 video-bitrate=500 "
      "room-id=table");
  m[1] = member_new ("bob", "alice", "stats-interval=500 video-bitrate=500 "
      "room-id=table");
  g_object_get (m[0]->room, "stats-interval", &interval, NULL);
  fail_unless_equals_int (interval, 500);
  want[0].m = m[0];
  want[0].peer = "bob";
  want[1].m = m[1];
  want[1].peer = "alice";
  member_play (m[0]);
  member_play (m[1]);

  if (!wait_until (both_have_full_stats, want, FLOW_TIMEOUT_MS)) {
    GstStructure *a = last_message (m[0], "peerjs-stats", "peer-id", "bob");
    GstStructure *b = last_message (m[1], "peerjs-stats", "peer-id", "alice");

    gchar *as = a ? gst_structure_to_string (a) : NULL;
    gchar *bs = b ? gst_structure_to_string (b) : NULL;

    fail ("no peerjs-stats with an RTT and media both ways: alice's last "
        "%s, bob's last %s", as, bs);
  }
  /* let the encoder settle at its target, then judge the last figures */
  g_usleep (3 * G_USEC_PER_SEC);
  check_figures (m[0], "bob", "table");
  check_figures (m[1], "alice", "table");

  /* the initial figures of a call: no deltas yet */
  initial = NULL;
  g_mutex_lock (&m[0]->lock);
  {
    guint i;

    for (i = 0; i < m[0]->messages->len && !initial; i++)
      if (gst_structure_has_name (g_ptr_array_index (m[0]->messages, i),
              "peerjs-stats"))
        initial = gst_structure_copy (g_ptr_array_index (m[0]->messages, i));
  }
  g_mutex_unlock (&m[0]->lock);
  fail_unless (initial != NULL);
  fail_unless_equals_float (get_double (initial, "bitrate-in-kbps"), 0.0);
  fail_unless_equals_float (get_double (initial, "bitrate-out-kbps"), 0.0);
  fail_unless_equals_float (get_double (initial, "fraction-lost"), -1.0);
  gst_structure_free (initial);

  /* every 500 ms: about 6 in 3 s (a loaded machine delays the timer) */
  before = count_stats_about (m[0], "bob");
  g_usleep (3 * G_USEC_PER_SEC);
  after = count_stats_about (m[0], "bob");
  GST_INFO ("%u peerjs-stats in 3 s", after - before);
  fail_unless (after - before >= 3 && after - before <= 8, "%u in 3 s",
      after - before);
  /* only about members: never about ourselves */
  fail_if (count_stats_about (m[0], "alice") > 0);

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

GST_START_TEST (test_stats_off)
{
  Member *m[2];
  Mesh mesh = { m, 2 };
  guint interval = 0;
  GstElement *fresh = gst_element_factory_make ("peerjsroom", NULL);

  /* on by default, once a second */
  g_object_get (fresh, "stats-interval", &interval, NULL);
  fail_unless_equals_int (interval, 1000);
  gst_object_unref (fresh);

  m[0] = member_new ("alice", "bob", "stats-interval=0");
  m[1] = member_new ("bob", "alice", "stats-interval=0");
  member_play (m[0]);
  member_play (m[1]);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS),
      "media does not flow both ways");
  /* longer than the default interval, and then some */
  g_usleep (2500 * 1000);
  fail_unless_equals_int (count_messages (m[0], "peerjs-stats"), 0);
  fail_unless_equals_int (count_messages (m[1], "peerjs-stats"), 0);

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

/* one round of test_stop_in_flight: bob's counts about alice before it */
typedef struct
{
  Member *alice, *bob;
  guint joined, left, stats;
} Round;

static void
round_start (Round * r, Member * alice, Member * bob)
{
  r->alice = alice;
  r->bob = bob;
  r->joined = count_about (bob, "peerjs-peer-joined", "alice");
  r->left = count_about (bob, "peerjs-peer-left", "alice");
  r->stats = count_stats_about (bob, "alice");
}

/* both posted stats about each other this round, and bob saw alice join */
static gboolean
round_in_call (gpointer data)
{
  Round *r = data;

  return count_stats_about (r->alice, "bob") >= 10
      && count_stats_about (r->bob, "alice") >= r->stats + 10
      && count_about (r->bob, "peerjs-peer-joined", "alice") > r->joined;
}

static gboolean
round_alice_left (gpointer data)
{
  Round *r = data;

  return count_about (r->bob, "peerjs-peer-left", "alice") > r->left;
}

/* Requests every 10 ms: stopping always finds one in flight. No critical
 * (G_DEBUG=fatal-criticals), no message after the element stopped, and
 * the member that stays goes on. */
GST_START_TEST (test_stop_in_flight)
{
  Member *m[2];
  Round r;
  guint round;

  m[1] = member_new ("bob", "alice", "stats-interval=10");
  member_play (m[1]);
  for (round = 0; round < 3; round++) {
    guint n;

    m[0] = member_new ("alice", "bob", "stats-interval=10");
    round_start (&r, m[0], m[1]);
    member_play (m[0]);
    fail_unless (wait_until (round_in_call, &r, FLOW_TIMEOUT_MS),
        "round %u: no stats", round);

    /* stopping alice while her requests are out */
    fail_unless (gst_element_set_state (m[0]->pipeline, GST_STATE_READY) ==
        GST_STATE_CHANGE_SUCCESS);
    n = count_messages (m[0], "peerjs-stats");
    g_usleep (300 * 1000);
    fail_unless_equals_int (count_messages (m[0], "peerjs-stats"), n);

    /* bob sees alice leave; his stats about her stop with the call */
    fail_unless (wait_until (round_alice_left, &r, FLOW_TIMEOUT_MS),
        "round %u: bob did not see alice leave", round);
    g_usleep (100 * 1000);
    n = count_stats_about (m[1], "alice");
    g_usleep (500 * 1000);
    fail_unless_equals_int (count_stats_about (m[1], "alice"), n);
    member_free (m[0]);
  }
  /* and bob stops while his requests are out */
  fail_unless (gst_element_set_state (m[1]->pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  member_free (m[1]);
}

GST_END_TEST;

/* what the stats object of test_stats_signal said */
typedef struct
{
  GMutex lock;
  guint signals;
  GstStructure *last_signal;    /* the figures of the last "stats" */
  GstStructure *last_message;   /* the last `peerjs-stats` on the bus */
  gboolean wrong_thread;
  GThread *test_thread;
} Seen;

static void
on_stats_signal (GstPeerJSStats * stats, const gchar * peer_id,
    const GstStructure * s, Seen * seen)
{
  g_mutex_lock (&seen->lock);
  seen->signals++;
  fail_unless_equals_string (peer_id, gst_structure_get_string (s, "peer-id"));
  if (seen->last_signal)
    gst_structure_free (seen->last_signal);
  seen->last_signal = gst_structure_copy (s);
  seen->wrong_thread |= g_thread_self () == seen->test_thread;
  g_mutex_unlock (&seen->lock);
}

static void
on_bus_message (GstBus * bus, GstMessage * msg, Seen * seen)
{
  const GstStructure *s = gst_message_get_structure (msg);

  if (!s || !gst_structure_has_name (s, "peerjs-stats"))
    return;
  g_mutex_lock (&seen->lock);
  if (seen->last_message)
    gst_structure_free (seen->last_message);
  seen->last_message = gst_structure_copy (s);
  g_mutex_unlock (&seen->lock);
}

static gboolean
seen_media (gpointer data)
{
  Seen *seen = data;
  gdouble in = 0;
  gboolean ok;

  g_mutex_lock (&seen->lock);
  ok = seen->signals >= 3 && seen->last_signal
      && gst_structure_get_double (seen->last_signal, "bitrate-in-kbps", &in)
      && in > 0;
  g_mutex_unlock (&seen->lock);
  return ok;
}

/* The engine alone: a receive-only mesh ("carol") called by a room; its
 * GstPeerJSStats emits "stats" with the figures it posts, keeps the last
 * ones per member, and is silent after stop(). */
GST_START_TEST (test_stats_signal)
{
  const gchar *peers[] = { "alice", NULL };
  GstPeerJSMeshConfig config = { 0, };
  GstElement *pipeline = gst_pipeline_new ("carol");
  GstPeerJSSession *session;
  GstPeerJSStats *stats;
  GstPeerJSMesh *mesh;
  GMainContext *context;
  GstStructure *last;
  GError *error = NULL;
  Seen seen = { 0, };
  Member *alice;
  GstBus *bus;
  gdouble out = -1;
  guint n;

  g_mutex_init (&seen.lock);
  seen.test_thread = g_thread_self ();
  bus = gst_element_get_bus (pipeline);
  gst_bus_enable_sync_message_emission (bus);
  g_signal_connect (bus, "sync-message::element",
      G_CALLBACK (on_bus_message), &seen);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);

  session = gst_peerjs_session_new (server_uri, NULL, "carol");
  fail_unless (gst_peerjs_session_start (session, &error), "%s",
      error ? error->message : "");
  config.element = pipeline;
  config.session = session;
  config.receive = TRUE;
  config.policy = GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS;
  config.max_peers = 4;
  config.latency_ms = 50;
  config.timeout_ms = 10000;
  config.room_id = "side";
  mesh = gst_peerjs_mesh_new (&config);
  gst_peerjs_mesh_set_peers (mesh, peers);
  context = gst_peerjs_session_get_context (session);
  stats = gst_peerjs_stats_new (pipeline, mesh, context, "side", 200);
  g_main_context_unref (context);
  g_signal_connect (stats, "stats", G_CALLBACK (on_stats_signal), &seen);

  /* alice's ID is lower: she calls carol */
  alice = member_new ("alice", "carol", "stats-interval=0");
  member_play (alice);
  fail_unless (wait_until (seen_media, &seen, FLOW_TIMEOUT_MS),
      "no \"stats\" with media from alice");

  last = gst_peerjs_stats_get_last (stats, "alice");
  fail_unless (last != NULL);
  fail_unless_equals_string (gst_structure_get_string (last, "peer-id"),
      "alice");
  fail_unless_equals_string (gst_structure_get_string (last, "room-id"),
      "side");
  /* carol only receives */
  fail_unless (gst_structure_get_double (last, "bitrate-out-kbps", &out));
  fail_unless_equals_float (out, 0.0);
  gst_structure_free (last);
  fail_unless (gst_peerjs_stats_get_last (stats, "nobody") == NULL);

  gst_peerjs_stats_stop (stats);
  g_mutex_lock (&seen.lock);
  n = seen.signals;
  /* the last signal is the last message, field for field */
  fail_unless (seen.last_message != NULL);
  fail_unless (gst_structure_is_equal (seen.last_signal, seen.last_message),
      "%" GST_PTR_FORMAT " vs %" GST_PTR_FORMAT, seen.last_signal,
      seen.last_message);
  fail_if (seen.wrong_thread);
  g_mutex_unlock (&seen.lock);
  g_usleep (600 * 1000);
  fail_unless_equals_int (seen.signals, n);
  fail_unless (gst_peerjs_stats_get_last (stats, "alice") == NULL);

  member_free (alice);
  gst_peerjs_mesh_say_goodbye (mesh);
  gst_peerjs_session_stop (session);
  gst_peerjs_mesh_stop (mesh);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (stats);
  gst_object_unref (mesh);
  gst_object_unref (session);
  gst_bus_disable_sync_message_emission (bus);
  g_signal_handlers_disconnect_by_data (bus, &seen);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  gst_structure_free (seen.last_signal);
  gst_structure_free (seen.last_message);
  g_mutex_clear (&seen.lock);
}

GST_END_TEST;

static Suite *
peerjsstats_suite (void)
{
  Suite *s = suite_create ("peerjsstats");
  TCase *tc = tcase_create ("stats");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_stats_messages);
  tcase_add_test (tc, test_stats_off);
  tcase_add_test (tc, test_stop_in_flight);
  tcase_add_test (tc, test_stats_signal);
  return s;
}

GST_CHECK_MAIN (peerjsstats);
