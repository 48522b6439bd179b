/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* peerjsroom meshes on loopback through the embedded server: real
 * webrtcbin connections, real encoders and decoders; decoded buffers are
 * counted on every member's pads. */

#include "peerjsmember.h"
#include <string.h>

GST_START_TEST (test_two_members)
{
  Member *m[2];
  Mesh mesh = { m, 2 };
  gint64 start = g_get_monotonic_time ();

  m[0] = member_new ("alice", "bob", NULL);
  m[1] = member_new ("bob", "alice", NULL);
  member_play (m[0]);
  member_play (m[1]);

  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS),
      "media does not flow both ways");
  GST_INFO ("1:1 flowing both ways after %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);
  dump_counts (&mesh);

  /* alice's ID is lower: she called, bob answered; both say so */
  fail_unless (has_message (m[0], "peerjs-peer-joined", "peer-id", "bob"));
  fail_unless (has_message (m[1], "peerjs-peer-joined", "peer-id", "alice"));
  fail_unless (has_message (m[0], "peerjs-connection-state", "state",
          "connected"));
  fail_unless (has_message (m[1], "peerjs-connection-state", "state",
          "connected"));

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

GST_START_TEST (test_four_member_mesh)
{
  const gchar *ids[] = { "p1", "p2", "p3", "p4" };
  Member *m[4];
  Mesh mesh = { m, 4 };
  gint64 start = g_get_monotonic_time ();
  guint i, j;

  for (i = 0; i < 4; i++) {
    GString *peers = g_string_new (NULL);

    for (j = 0; j < 4; j++)
      if (j != i)
        g_string_append_printf (peers, "%s%s", peers->len ? "," : "", ids[j]);
    m[i] = member_new (ids[i], peers->str, NULL);
    g_string_free (peers, TRUE);
  }
  for (i = 0; i < 4; i++)
    member_play (m[i]);

  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS * 2),
      "not every pair of the 4-member mesh flows both ways");
  GST_INFO ("4-member mesh flowing after %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);
  dump_counts (&mesh);

  for (i = 0; i < 4; i++)
    member_free (m[i]);
}

GST_END_TEST;

static gboolean
alice_lost_bob (gpointer data)
{
  Member *alice = data;
  GstPad *pad = gst_element_get_static_pad (alice->room, "video_bob");

  if (pad)
    gst_object_unref (pad);
  return !pad && has_message (alice, "peerjs-peer-left", "peer-id", "bob");
}

/* bob leaves (his pipeline stops) and comes back: alice reports it, her
 * pads for bob go away and come back, media flows again */
GST_START_TEST (test_leave_and_rejoin)
{
  Member *m[2];
  Mesh mesh = { m, 2 };

  m[0] = member_new ("alice", "bob", "connection-timeout=3000");
  m[1] = member_new ("bob", "alice", NULL);
  member_play (m[0]);
  member_play (m[1]);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS));

  gst_element_set_state (m[1]->pipeline, GST_STATE_NULL);
  fail_unless (wait_until (alice_lost_bob, m[0], 10000),
      "alice did not notice bob leaving");

  reset_counts (m[0]);
  reset_counts (m[1]);
  member_play (m[1]);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS),
      "bob's return does not flow");

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

static gboolean
stranger_rejected (gpointer data)
{
  return has_message (data, "peerjs-error", "type", "rejected-call");
}

/* mallory is not in alice's peers: her call is rejected and alice sends
 * her nothing */
GST_START_TEST (test_stranger_rejected)
{
  Member *alice = member_new ("alice", "bob", NULL);
  Member *mallory = member_new ("mallory", "alice",
      "call-policy=call-all connection-timeout=3000");
  GstPad *pad;

  member_play (alice);
  member_play (mallory);
  fail_unless (wait_until (stranger_rejected, alice, 10000));
  g_usleep (3 * G_USEC_PER_SEC);
  fail_unless_equals_int (count_of (mallory, "video_alice"), 0);
  fail_unless_equals_int (count_of (mallory, "audio_alice"), 0);
  pad = gst_element_get_static_pad (alice->room, "video_mallory");
  fail_unless (pad == NULL);
  fail_if (has_message (mallory, "peerjs-connection-state", "state",
          "connected"));

  member_free (mallory);
  member_free (alice);
}

GST_END_TEST;

typedef struct
{
  Member *m;
  const gchar *pad;
  gint width;
} WidthCheck;

static gboolean
width_is (gpointer data)
{
  WidthCheck *w = data;
  gint width;

  g_mutex_lock (&w->m->lock);
  width = GPOINTER_TO_INT (g_hash_table_lookup (w->m->widths, w->pad));
  g_mutex_unlock (&w->m->lock);
  return width == w->width && count_of (w->m, w->pad) >= ENOUGH;
}

/* the local camera changes resolution mid-call: the call stays up and the
 * remote decodes the new size */
GST_START_TEST (test_camera_switch)
{
  Member *m[2];
  Mesh mesh = { m, 2 };
  WidthCheck check;
  GstCaps *caps;

  m[0] = member_new ("alice", "bob", NULL);
  m[1] = member_new ("bob", "alice", NULL);
  member_play (m[0]);
  member_play (m[1]);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS));

  check.m = m[1];
  check.pad = "video_alice";
  check.width = 320;
  fail_unless (wait_until (width_is, &check, 5000));

  caps = gst_caps_from_string ("video/x-raw,width=640,height=360,"
      "framerate=30/1");
  g_object_set (m[0]->video_caps, "caps", caps, NULL);
  gst_caps_unref (caps);
  reset_counts (m[1]);
  check.width = 640;
  fail_unless (wait_until (width_is, &check, 20000),
      "bob does not see alice's new resolution");
  fail_if (has_message (m[1], "peerjs-peer-left", NULL, NULL));

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

static gboolean
pad_exists (Member * m, const gchar * name)
{
  GstPad *pad = gst_element_get_static_pad (m->room, name);

  if (pad)
    gst_object_unref (pad);
  return pad != NULL;
}

static gboolean
alice_has_no_bob_pads (gpointer data)
{
  return !pad_exists (data, "video_bob") && !pad_exists (data, "audio_bob");
}

/* the member list changes while PLAYING: remove-peer hangs up, add-peer
 * (and the peers property) call again */
GST_START_TEST (test_membership_changes)
{
  Member *m[2];
  Mesh mesh = { m, 2 };
  gchar *peers;

  m[0] = member_new ("alice", "", NULL);
  m[1] = member_new ("bob", "alice", NULL);
  member_play (m[0]);
  member_play (m[1]);

  /* bob is not a member for alice yet, and alice (the lower ID) is the
   * one to call: nothing flows */
  g_usleep (G_USEC_PER_SEC);
  fail_unless_equals_int (count_of (m[1], "video_alice"), 0);

  g_signal_emit_by_name (m[0]->room, "add-peer", "bob");
  g_object_get (m[0]->room, "peers", &peers, NULL);
  fail_unless_equals_string (peers, "bob");
  g_free (peers);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS));

  g_signal_emit_by_name (m[0]->room, "remove-peer", "bob");
  /* pads gone and peer-left posted (right after the pads go) */
  fail_unless (wait_until (alice_lost_bob, m[0], 10000));
  fail_unless (alice_has_no_bob_pads (m[0]));

  reset_counts (m[0]);
  reset_counts (m[1]);
  g_object_set (m[0]->room, "peers", " bob ", NULL);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS));

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

static gboolean
room_full (gpointer data)
{
  return has_message (data, "peerjs-error", "type", "rejected-call");
}

/* max-peers=2 (alice and one other): the second caller is turned away */
GST_START_TEST (test_max_peers)
{
  Member *alice = member_new ("alice", "bob,carol",
      "max-peers=2 call-policy=answer-only");
  Member *bob = member_new ("bob", "alice", "call-policy=call-all");
  Member *carol = member_new ("carol", "alice", "call-policy=call-all "
      "connection-timeout=3000");
  Member *pair[2] = { alice, bob };
  Mesh mesh = { pair, 2 };

  member_play (alice);
  member_play (bob);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS));
  member_play (carol);
  fail_unless (wait_until (room_full, alice, 10000));
  fail_if (pad_exists (alice, "video_carol"));
  /* bob keeps flowing */
  reset_counts (alice);
  fail_unless (wait_until (all_pairs_flow, &mesh, 5000));

  member_free (carol);
  member_free (bob);
  member_free (alice);
}

GST_END_TEST;

/* the recipe in docs/recipes.md: two cameras behind an input-selector,
 * switched mid-call from 320x240 to 640x360 */
GST_START_TEST (test_input_selector_switch)
{
  Member *m[2];
  Mesh mesh = { m, 2 };
  WidthCheck check = { NULL, "video_alice", 320 };
  GstElement *selector;
  GstPad *second;

  m[0] = member_new_with_video ("alice", "bob", NULL,
      "input-selector name=cams ! room.video_sink "
      "videotestsrc is-live=true ! video/x-raw,width=320,height=240,"
      "framerate=30/1 ! cams.sink_0 "
      "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,"
      "height=360,framerate=15/1 ! cams.sink_1");
  m[1] = member_new ("bob", "alice", NULL);
  member_play (m[0]);
  member_play (m[1]);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS));
  check.m = m[1];
  fail_unless (wait_until (width_is, &check, 5000));

  selector = gst_bin_get_by_name (GST_BIN (m[0]->pipeline), "cams");
  second = gst_element_get_static_pad (selector, "sink_1");
  g_object_set (selector, "active-pad", second, NULL);
  gst_object_unref (second);
  gst_object_unref (selector);

  reset_counts (m[1]);
  check.width = 640;
  fail_unless (wait_until (width_is, &check, 20000),
      "bob does not see alice's second camera");
  fail_if (has_message (m[1], "peerjs-peer-left", NULL, NULL));

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

/* peers=*: every ID the server lists is a member */
GST_START_TEST (test_discovery)
{
  Member *m[3];
  Mesh mesh = { m, 3 };
  gchar *peers;

  m[0] = member_new ("d1", "*", NULL);
  m[1] = member_new ("d2", "*", NULL);
  m[2] = member_new ("d3", "*", NULL);
  g_object_get (m[0]->room, "peers", &peers, NULL);
  fail_unless_equals_string (peers, "*");
  g_free (peers);
  member_play (m[0]);
  member_play (m[1]);
  member_play (m[2]);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS));

  member_free (m[0]);
  member_free (m[1]);
  member_free (m[2]);
}

GST_END_TEST;

static Suite *
peerjsroom_suite (void)
{
  Suite *s = suite_create ("peerjsroom");
  TCase *tc = tcase_create ("mesh");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_two_members);
  tcase_add_test (tc, test_four_member_mesh);
  tcase_add_test (tc, test_leave_and_rejoin);
  tcase_add_test (tc, test_stranger_rejected);
  tcase_add_test (tc, test_camera_switch);
  tcase_add_test (tc, test_membership_changes);
  tcase_add_test (tc, test_max_peers);
  tcase_add_test (tc, test_input_selector_switch);
  tcase_add_test (tc, test_discovery);
  return s;
}

GST_CHECK_MAIN (peerjsroom);
