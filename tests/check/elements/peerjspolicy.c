/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The room's rules: who calls, which call wins, the peers syntax, pad
 * names. */

#include <gst/check/gstcheck.h>
#include "../../../ext/peerjs/gstpeerjspolicy.h"

GST_START_TEST (test_who_calls)
{
  /* lower ID calls: exactly one side of each pair */
  fail_unless (gst_peerjs_policy_should_call
      (GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS, "alice", "bob"));
  fail_if (gst_peerjs_policy_should_call
      (GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS, "bob", "alice"));
  /* byte order, as a browser's `<` on ASCII IDs */
  fail_unless (gst_peerjs_policy_should_call
      (GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS, "Bob", "alice"));
  fail_unless (gst_peerjs_policy_should_call
      (GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS, "p1", "p2"));
  fail_unless (gst_peerjs_policy_should_call (GST_PEERJS_CALL_POLICY_CALL_ALL,
          "bob", "alice"));
  fail_if (gst_peerjs_policy_should_call (GST_PEERJS_CALL_POLICY_ANSWER_ONLY,
          "alice", "bob"));
}

GST_END_TEST;

GST_START_TEST (test_glare)
{
  /* both sides agree: the lower ID's call survives */
  fail_if (gst_peerjs_policy_prefer_incoming
      (GST_PEERJS_CALL_POLICY_CALL_ALL, "alice", "bob"));
  fail_unless (gst_peerjs_policy_prefer_incoming
      (GST_PEERJS_CALL_POLICY_CALL_ALL, "bob", "alice"));
}

GST_END_TEST;

GST_START_TEST (test_parse_peers)
{
  gchar **invalid = NULL;
  gboolean all = TRUE;
  gchar **peers;

  peers = gst_peerjs_policy_parse_peers (" carol, player one ,bob,,carol",
      &all, &invalid);
  fail_if (all);
  fail_unless_equals_int (g_strv_length (peers), 3);
  fail_unless_equals_string (peers[0], "bob");
  fail_unless_equals_string (peers[1], "carol");
  fail_unless_equals_string (peers[2], "player one");
  fail_unless_equals_int (g_strv_length (invalid), 0);
  g_strfreev (peers);
  g_strfreev (invalid);

  peers = gst_peerjs_policy_parse_peers ("ok,bad id!,-x,*", &all, &invalid);
  fail_unless (all);
  fail_unless_equals_int (g_strv_length (peers), 1);
  fail_unless_equals_int (g_strv_length (invalid), 2);
  fail_unless_equals_string (invalid[0], "bad id!");
  g_strfreev (peers);
  g_strfreev (invalid);

  peers = gst_peerjs_policy_parse_peers (NULL, &all, NULL);
  fail_unless_equals_int (g_strv_length (peers), 0);
  g_strfreev (peers);
}

GST_END_TEST;

GST_START_TEST (test_pad_names)
{
  gchar *name = gst_peerjs_policy_pad_name ("video", "player one");

  fail_unless_equals_string (name, "video_player_one");
  g_free (name);
  name = gst_peerjs_policy_pad_name ("audio", "a-b_c9");
  fail_unless_equals_string (name, "audio_a-b_c9");
  g_free (name);
}

GST_END_TEST;

static Suite *
peerjspolicy_suite (void)
{
  Suite *s = suite_create ("peerjspolicy");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_who_calls);
  tcase_add_test (tc, test_glare);
  tcase_add_test (tc, test_parse_peers);
  tcase_add_test (tc, test_pad_names);
  return s;
}

GST_CHECK_MAIN (peerjspolicy);
