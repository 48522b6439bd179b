/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Data connections and track state between two peerjsrooms on loopback
 * (the browser side is tests/interop/room-data.test.mjs). */

#include "peerjsmember.h"
#include <string.h>

#define DATA_TIMEOUT_MS 15000

typedef struct
{
  Member *m;
  const gchar *name;
  const gchar *field;
  const gchar *value;
} Wanted;

static gboolean
message_arrived (gpointer data)
{
  Wanted *w = data;

  return has_message (w->m, w->name, w->field, w->value);
}

static GstStructure *
wait_message (Member * m, const gchar * name, const gchar * field,
    const gchar * value)
{
  Wanted w = { m, name, field, value };

  fail_unless (wait_until (message_arrived, &w, DATA_TIMEOUT_MS),
      "%s: no %s with %s=%s", m->id, name, GST_STR_NULL (field),
      GST_STR_NULL (value));
  return last_message (m, name, field, value);
}

typedef struct
{
  Member *m;
  const gchar *peer;
  gboolean video, audio;
} WantedState;

static gboolean
track_state_arrived (gpointer data)
{
  WantedState *w = data;
  GstStructure *s = last_message (w->m, "peerjs-track-state", "peer-id",
      w->peer);
  gboolean video = !w->video, audio = !w->audio;

  if (!s)
    return FALSE;
  gst_structure_get (s, "video-enabled", G_TYPE_BOOLEAN, &video,
      "audio-enabled", G_TYPE_BOOLEAN, &audio, NULL);
  gst_structure_free (s);
  return video == w->video && audio == w->audio;
}

static void
wait_track_state (Member * m, const gchar * peer, gboolean video,
    gboolean audio)
{
  WantedState w = { m, peer, video, audio };

  fail_unless (wait_until (track_state_arrived, &w, DATA_TIMEOUT_MS),
      "%s: no track state video=%d audio=%d from %s", m->id, video, audio,
      peer);
}

/* alice (lower ID) calls bob and opens the control connection. @video:
 * alice's video description, NULL for the test default. */
static void
start_pair (Member * m[2], const gchar * video)
{
  GstStructure *s;

  m[0] = member_new_with_video ("alice", "bob", NULL, video);
  m[1] = member_new ("bob", "alice", NULL);
  member_play (m[0]);
  member_play (m[1]);

  s = wait_message (m[0], "peerjs-data-connection", "reason", "control");
  fail_unless_equals_string (gst_structure_get_string (s, "peer-id"), "bob");
  fail_unless_equals_string (gst_structure_get_string (s, "label"),
      "peerjs-room");
  fail_unless_equals_string (gst_structure_get_string (s, "serialization"),
      "binary");
  gst_structure_free (s);
  gst_structure_free (wait_message (m[1], "peerjs-data-connection", "reason",
          "control"));
}

/* The peerjs-data @m received last from @connection_id (any if NULL). */
static GstStructure *
wait_data (Member * m, guint already)
{
  gint64 end = g_get_monotonic_time () + DATA_TIMEOUT_MS * 1000;

  while (count_messages (m, "peerjs-data") <= already) {
    fail_if (g_get_monotonic_time () > end, "%s: no peerjs-data", m->id);
    g_usleep (20 * 1000);
  }
  return last_message (m, "peerjs-data", NULL, NULL);
}

static gboolean
send_json (Member * m, const gchar * target, const gchar * json)
{
  gboolean ok = FALSE;

  g_signal_emit_by_name (m->room, "send-json", target, json, &ok);
  return ok;
}

GST_START_TEST (test_track_state_announced_on_connect)
{
  Member *m[2];
  GstStructure *s;

  start_pair (m, NULL);
  /* each announces its (default) state as the control connection opens */
  wait_track_state (m[0], "bob", TRUE, TRUE);
  wait_track_state (m[1], "alice", TRUE, TRUE);
  s = last_message (m[1], "peerjs-track-state", "peer-id", "alice");
  fail_unless_equals_string (gst_structure_get_string (s, "source"),
      "announcement");
  gst_structure_free (s);
  /* announcements are not application data */
  fail_unless_equals_int (count_messages (m[0], "peerjs-data"), 0);
  fail_unless_equals_int (count_messages (m[1], "peerjs-data"), 0);

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

GST_START_TEST (test_send_values)
{
  static const gchar *values[] = {
    "\"héllo 😀\"", "42", "-129", "1.5", "true", "null",
    "{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":-0.25}}",
  };
  Member *m[2];
  GstStructure *s;
  GVariant *bytes;
  GstBuffer *buf = NULL;
  guint8 *big;
  gboolean ok = FALSE;
  guint i, n;

  start_pair (m, NULL);
  for (i = 0; i < G_N_ELEMENTS (values); i++) {
    n = count_messages (m[1], "peerjs-data");
    fail_unless (send_json (m[0], "bob", values[i]));
    s = wait_data (m[1], n);
    fail_unless_equals_string (gst_structure_get_string (s, "json"), values[i]);
    fail_unless_equals_string (gst_structure_get_string (s, "peer-id"),
        "alice");
    fail_unless_equals_string (gst_structure_get_string (s, "serialization"),
        "binary");
    gst_structure_free (s);
  }

  /* 40000 bytes: BinaryPack chunks of 16300, reassembled by bob */
  big = g_malloc (40000);
  for (i = 0; i < 40000; i++)
    big[i] = (guint8) (i * 7);
  bytes = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, big, 40000, 1);
  n = count_messages (m[1], "peerjs-data");
  g_signal_emit_by_name (m[0]->room, "send-data", "*", bytes, &ok);
  fail_unless (ok);
  s = wait_data (m[1], n);
  fail_unless (gst_structure_get (s, "data", GST_TYPE_BUFFER, &buf, NULL));
  fail_unless_equals_int (gst_buffer_get_size (buf), 40000);
  fail_unless (gst_buffer_memcmp (buf, 0, big, 40000) == 0);
  gst_buffer_unref (buf);
  gst_structure_free (s);
  g_free (big);

  /* and back, to the connection by its ID */
  s = last_message (m[1], "peerjs-data-connection", "reason", "control");
  n = count_messages (m[0], "peerjs-data");
  fail_unless (send_json (m[1], gst_structure_get_string (s,
              "connection-id"), "[1,\"two\",3.5]"));
  gst_structure_free (s);
  s = wait_data (m[0], n);
  fail_unless_equals_string (gst_structure_get_string (s, "json"),
      "[1,\"two\",3.5]");
  gst_structure_free (s);

  /* nobody to send to, and invalid JSON: FALSE and a peerjs-error */
  fail_if (send_json (m[0], "nobody", "1"));
  fail_if (send_json (m[0], "bob", "{not json"));
  fail_unless (has_message (m[0], "peerjs-error", "type", "send-failed"));

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

/* connect-data in each serialization: the value arrives on bob's side on
 * that connection, in that serialization */
GST_START_TEST (test_serializations)
{
  static const gchar *sers[] = { "binary", "json", "raw", "MsgPack" };
  Member *m[2];
  guint i;

  start_pair (m, NULL);
  for (i = 0; i < G_N_ELEMENTS (sers); i++) {
    const gchar *value = g_str_equal (sers[i], "raw") ? "\"plain text\"" :
        "{\"hello\":\"world\",\"n\":[1,2.5,true,null]}";
    gchar *label = g_strdup_printf ("chat-%s", sers[i]);
    gboolean closed = FALSE;
    gchar *id = NULL;
    GstStructure *s;
    guint n;

    g_signal_emit_by_name (m[0]->room, "connect-data", "bob", label, sers[i],
        TRUE, &id);
    fail_unless (id != NULL && g_str_has_prefix (id, "dc_"));
    s = wait_message (m[1], "peerjs-data-connection", "connection-id", id);
    fail_unless_equals_string (gst_structure_get_string (s, "state"), "open");
    fail_unless_equals_string (gst_structure_get_string (s, "label"), label);
    fail_unless_equals_string (gst_structure_get_string (s, "serialization"),
        sers[i]);
    gst_structure_free (s);
    s = wait_message (m[0], "peerjs-data-connection", "connection-id", id);
    fail_unless_equals_string (gst_structure_get_string (s, "state"), "open");
    gst_structure_free (s);

    n = count_messages (m[1], "peerjs-data");
    fail_unless (send_json (m[0], id, value));
    s = wait_data (m[1], n);
    fail_unless_equals_string (gst_structure_get_string (s, "connection-id"),
        id);
    fail_unless_equals_string (gst_structure_get_string (s, "json"), value);
    gst_structure_free (s);

    g_signal_emit_by_name (m[0]->room, "close-data", id, &closed);
    fail_unless (closed);
    gst_structure_free (wait_message (m[1], "peerjs-data-connection",
            "state", "closed"));
    g_free (id);
    g_free (label);
  }

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

typedef struct
{
  Member *m;
  const gchar *pad;
  gint above, below;            /* wanted: above < level < below */
} WantedLevel;

static gboolean
level_arrived (gpointer data)
{
  WantedLevel *w = data;
  gint level = level_of_pad (w->m, w->pad);

  return level > w->above && level < w->below;
}

/* video: mean luma 0..255; audio: peak in 1/1000 of full scale */
static void
wait_level (Member * m, const gchar * pad, gint above, gint below)
{
  WantedLevel w = { m, pad, above, below };

  fail_unless (wait_until (level_arrived, &w, DATA_TIMEOUT_MS),
      "%s: %s level %d, wanted between %d and %d", m->id, pad,
      level_of_pad (m, pad), above, below);
}

GST_START_TEST (test_toggle_camera_and_mic)
{
  Member *m[2];

  /* the ball pattern is mostly black already: bars are bright */
  start_pair (m, "videotestsrc is-live=true pattern=smpte ! "
      "video/x-raw,width=320,height=240,framerate=30/1 ! room.video_sink");
  wait_level (m[1], "video_alice", 60, 256);
  wait_level (m[1], "audio_alice", 100, 2000);

  g_object_set (m[0]->room, "video-enabled", FALSE, "audio-enabled", FALSE,
      NULL);
  wait_track_state (m[1], "alice", FALSE, FALSE);
  wait_level (m[1], "video_alice", -1, 24);
  wait_level (m[1], "audio_alice", -1, 2);

  g_object_set (m[0]->room, "video-enabled", TRUE, "audio-enabled", TRUE, NULL);
  wait_track_state (m[1], "alice", TRUE, TRUE);
  wait_level (m[1], "video_alice", 60, 256);
  wait_level (m[1], "audio_alice", 100, 2000);

  member_free (m[0]);
  member_free (m[1]);
}

GST_END_TEST;

/* a member that leaves takes its data connections along */
GST_START_TEST (test_leave_closes_data)
{
  Member *m[2];

  start_pair (m, NULL);
  member_free (m[1]);
  gst_structure_free (wait_message (m[0], "peerjs-data-connection", "state",
          "closed"));
  member_free (m[0]);
}

GST_END_TEST;

static Suite *
peerjsdata_suite (void)
{
  Suite *s = suite_create ("peerjsdata");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_set_timeout (tc, 90);
  tcase_add_test (tc, test_track_state_announced_on_connect);
  tcase_add_test (tc, test_send_values);
  tcase_add_test (tc, test_serializations);
  tcase_add_test (tc, test_toggle_camera_and_mic);
  tcase_add_test (tc, test_leave_closes_data);
  return s;
}

GST_CHECK_MAIN (peerjsdata);
