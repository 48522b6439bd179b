/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* peerjssink and peerjssrc: who calls, who is let in, and that media flows
 * one way (loopback, the embedded server). */

#include "peerjsmember.h"
#include "gstpeerjspolicy.h"

static Member *
sink_new (const gchar * id, const gchar * peers, const gchar * extra)
{
  gchar *desc = g_strdup_printf ("peerjssink name=room server=%s "
      "peer-id=\"%s\" peers=\"%s\" %s "
      "videotestsrc is-live=true ! video/x-raw,width=320,height=240,"
      "framerate=30/1 ! room.video_sink "
      "audiotestsrc is-live=true ! room.audio_sink",
      server_uri, id, peers, extra ? extra : "");
  Member *m = member_new_from_description (id, desc);

  g_free (desc);
  return m;
}

static Member *
src_new (const gchar * id, const gchar * peers, const gchar * extra)
{
  gchar *desc = g_strdup_printf ("peerjssrc name=room server=%s "
      "peer-id=\"%s\" peers=\"%s\" %s", server_uri, id, peers,
      extra ? extra : "");
  Member *m = member_new_from_description (id, desc);

  g_free (desc);
  return m;
}

static void
assert_receives (Member * m, const gchar * from)
{
  assert_flow (m, from, FALSE, FLOW_TIMEOUT_MS);
}

/* a spectator calls a feed that lists nobody: the feed lets it in */
GST_START_TEST (test_src_calls_open_sink)
{
  Member *sink = sink_new ("feed", "", NULL);
  Member *src = src_new ("watcher", "feed", NULL);
  gint call_policy = -1;

  g_object_get (src->room, "call-policy", &call_policy, NULL);
  fail_unless_equals_int (call_policy, GST_PEERJS_CALL_POLICY_CALL_ALL);
  member_play (sink);
  member_play (src);
  assert_receives (src, "feed");
  fail_unless (has_message (sink, "peerjs-peer-joined", "peer-id", "watcher"));
  /* the feed receives nothing and has no member pads */
  fail_unless_equals_int (count_of (sink, "video_watcher"), 0);

  member_free (src);
  member_free (sink);
}

GST_END_TEST;

/* a feed calls a spectator that lists nobody */
GST_START_TEST (test_sink_calls_open_src)
{
  Member *src = src_new ("spectator", "", NULL);
  Member *sink = sink_new ("camera", "spectator", NULL);

  member_play (src);
  member_play (sink);
  assert_receives (src, "camera");

  member_free (sink);
  member_free (src);
}

GST_END_TEST;

static gboolean
has_message_rejected (gpointer data)
{
  return has_message (data, "peerjs-error", "type", "rejected-call");
}

static gboolean
has_failed_call (gpointer data)
{
  return has_message (data, "peerjs-connection-state", "state", "failed");
}

/* a room calls a feed with a sendrecv offer: the feed answers send-only,
 * so the room must not send (webrtcbin 1.22 would, and the feed's
 * webrtcbin errors out on RTP it has no pad for) */
GST_START_TEST (test_room_calls_open_sink)
{
  Member *sink = sink_new ("feed", "", NULL);
  Member *room = member_new ("viewer", "feed", "call-policy=call-all");

  member_play (sink);
  member_play (room);
  assert_receives (room, "feed");
  /* a few seconds more: the call holds */
  reset_counts (room);
  assert_receives (room, "feed");
  fail_if (has_failed_call (sink), "the feed's call failed");
  fail_if (has_failed_call (room), "the room's call failed");
  fail_unless (has_message (sink, "peerjs-peer-joined", "peer-id", "viewer"));

  member_free (room);
  member_free (sink);
}

GST_END_TEST;

/* a feed calls a room: the room answers recvonly for what it would send */
GST_START_TEST (test_sink_calls_room)
{
  Member *room = member_new ("host", "camera", "call-policy=answer-only");
  Member *sink = sink_new ("camera", "host", NULL);

  member_play (room);
  member_play (sink);
  assert_receives (room, "camera");
  reset_counts (room);
  assert_receives (room, "camera");
  fail_if (has_failed_call (sink), "the camera's call failed");
  fail_if (has_failed_call (room), "the room's call failed");

  member_free (sink);
  member_free (room);
}

GST_END_TEST;

/* a spectator takes no seat: a room full of players still lets a
 * peerjssrc watch, and a player more is still turned away */
GST_START_TEST (test_full_room_lets_spectator_in)
{
  Member *host = member_new ("host", "guest,late,obs",
      "max-peers=2 call-policy=answer-only");
  Member *guest = member_new ("guest", "host", NULL);
  Member *obs = src_new ("obs", "host", NULL);
  Member *late = member_new ("late", "host", "call-policy=call-all");

  member_play (host);
  member_play (guest);
  assert_receives (host, "guest");
  member_play (obs);
  assert_receives (obs, "host");
  member_play (late);
  fail_unless (wait_until (has_message_rejected, host, FLOW_TIMEOUT_MS),
      "the third player was not rejected");
  fail_unless_equals_int (count_of (host, "video_late"), 0);
  /* the player and the spectator still get the host's media */
  reset_counts (guest);
  reset_counts (obs);
  assert_receives (guest, "host");
  assert_receives (obs, "host");

  member_free (late);
  member_free (obs);
  member_free (guest);
  member_free (host);
}

GST_END_TEST;

/* open membership stops at max-peers; a receive-only src takes no seat
 * itself (max-peers=2: two senders) */
GST_START_TEST (test_open_membership_bounded)
{
  Member *src = src_new ("hall", "", "max-peers=2");
  Member *a = sink_new ("cam1", "hall", NULL);
  Member *b = sink_new ("cam2", "hall", NULL);
  Member *c = sink_new ("cam3", "hall", NULL);

  member_play (src);
  member_play (a);
  assert_receives (src, "cam1");
  member_play (b);
  assert_receives (src, "cam2");
  member_play (c);
  fail_unless (wait_until (has_message_rejected, src,
          FLOW_TIMEOUT_MS), "cam3 was not rejected");
  fail_unless_equals_int (count_of (src, "video_cam3"), 0);

  member_free (a);
  member_free (b);
  member_free (c);
  member_free (src);
}

GST_END_TEST;

static Suite *
peerjsfaces_suite (void)
{
  Suite *s = suite_create ("peerjsfaces");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_set_timeout (tc, 90);
  tcase_add_test (tc, test_src_calls_open_sink);
  tcase_add_test (tc, test_sink_calls_open_src);
  tcase_add_test (tc, test_open_membership_bounded);
  tcase_add_test (tc, test_room_calls_open_sink);
  tcase_add_test (tc, test_sink_calls_room);
  tcase_add_test (tc, test_full_room_lets_spectator_in);
  return s;
}

GST_CHECK_MAIN (peerjsfaces);
