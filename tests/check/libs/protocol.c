/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>

/* The fake SDP of the captures in peerjs-protocol.md 6.2-6.3, as it is on
 * the wire (JSON-escaped) and once parsed. */
#define SDP_JSON "v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n"
#define SDP_TEXT "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"

/* Frames exactly as the server relayed them (peerjs-protocol.md 6). */
static const gchar capture_offer_media[] =
    "{\"type\":\"OFFER\",\"src\":\"alice\",\"dst\":\"bob\",\"payload\":"
    "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"" SDP_JSON "\"},"
    "\"type\":\"media\",\"connectionId\":\"mc_abc123\","
    "\"metadata\":{\"who\":\"alice\"}}}";

static const gchar capture_candidate_media[] =
    "{\"type\":\"CANDIDATE\",\"src\":\"alice\",\"dst\":\"bob\",\"payload\":"
    "{\"candidate\":{\"candidate\":\"candidate:1 1 udp 2122260223 "
    "192.0.2.1 54321 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
    "\"usernameFragment\":\"abcd\"},\"type\":\"media\","
    "\"connectionId\":\"mc_abc123\"}}";

static const gchar capture_answer_media[] =
    "{\"type\":\"ANSWER\",\"src\":\"bob\",\"dst\":\"alice\",\"payload\":"
    "{\"sdp\":{\"type\":\"answer\",\"sdp\":\"" SDP_JSON "\"},"
    "\"type\":\"media\",\"connectionId\":\"mc_abc123\"}}";

static const gchar capture_offer_data[] =
    "{\"type\":\"OFFER\",\"src\":\"alice\",\"dst\":\"bob\",\"payload\":"
    "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"" SDP_JSON "\"},"
    "\"type\":\"data\",\"connectionId\":\"dc_xyz789\","
    "\"label\":\"dc_xyz789\",\"reliable\":false,\"serialization\":\"binary\"}}";

static const gchar capture_answer_data[] =
    "{\"type\":\"ANSWER\",\"src\":\"bob\",\"dst\":\"alice\",\"payload\":"
    "{\"sdp\":{\"type\":\"answer\",\"sdp\":\"" SDP_JSON "\"},"
    "\"type\":\"data\",\"connectionId\":\"dc_xyz789\"}}";

static const gchar capture_leave[] =
    "{\"type\":\"LEAVE\",\"src\":\"alice\",\"dst\":\"bob\"}";

static const gchar capture_expire[] =
    "{\"type\":\"EXPIRE\",\"src\":\"dave\",\"dst\":\"alice\"}";

/* Chromium 156 (6.8), relayed: note its sdp key order. */
static const gchar chromium_candidate[] =
    "{\"type\":\"CANDIDATE\",\"src\":\"alice\",\"dst\":\"bob\",\"payload\":"
    "{\"candidate\":{\"candidate\":\"candidate:448721621 1 udp 2122260223 "
    "127.0.0.1 34995 typ host generation 0 ufrag xZVE network-id 1 "
    "network-cost 50\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
    "\"usernameFragment\":\"xZVE\"},\"type\":\"media\","
    "\"connectionId\":\"mc_opnlqjng8p9\"}}";

static const gchar chromium_offer[] =
    "{\"type\":\"OFFER\",\"src\":\"alice\",\"dst\":\"bob\",\"payload\":"
    "{\"sdp\":{\"sdp\":\"" SDP_JSON "\",\"type\":\"offer\"},"
    "\"type\":\"media\",\"connectionId\":\"mc_opnlqjng8p9\","
    "\"metadata\":{\"m\":1}}}";

static GstPeerJSMessage *
parse_ok (const gchar * text, GstPeerJSParseFlags flags)
{
  GError *error = NULL;
  GstPeerJSMessage *msg;

  msg = gst_peerjs_message_parse (text, strlen (text), flags, 0, &error);
  if (error)
    fail ("parsing %s failed: %s", text, error->message);
  fail_unless (msg != NULL);

  return msg;
}

static GstPeerJSMessage *
parse_full (const gchar * text)
{
  return parse_ok (text, GST_PEERJS_PARSE_FULL);
}

/* Checks the code and that the message says @fragment. */
static void
check_parse_fails (const gchar * text, gsize length,
    GstPeerJSParseFlags flags, GstPeerJSProtocolError code,
    const gchar * fragment)
{
  GError *error = NULL;
  GstPeerJSMessage *msg;

  msg = gst_peerjs_message_parse (text, length, flags, 0, &error);
  if (msg)
    fail ("%s was accepted", text);
  fail_unless (error != NULL);
  if (!g_error_matches (error, GST_PEERJS_PROTOCOL_ERROR, code))
    fail ("%s: expected code %d, got %d (%s)", text, code, error->code,
        error->message);
  if (fragment && strstr (error->message, fragment) == NULL)
    fail ("%s: error \"%s\" does not say \"%s\"", text, error->message,
        fragment);
  g_error_free (error);
}

static void
check_full_fails (const gchar * text, GstPeerJSProtocolError code,
    const gchar * fragment)
{
  check_parse_fails (text, strlen (text), GST_PEERJS_PARSE_FULL, code,
      fragment);
}

static void
check_both_modes_fail (const gchar * text, GstPeerJSProtocolError code,
    const gchar * fragment)
{
  check_full_fails (text, code, fragment);
  check_parse_fails (text, strlen (text), GST_PEERJS_PARSE_ENVELOPE, code,
      fragment);
}

static void
check_serializes_to (const GstPeerJSMessage * msg, const gchar * expected)
{
  gsize length = 0;
  gchar *text = gst_peerjs_message_serialize (msg, &length);

  fail_unless (text != NULL);
  fail_unless_equals_string (text, expected);
  fail_unless_equals_uint64 (length, strlen (expected));
  g_free (text);
}

/* Serializes @msg once as relayed (raw payload) and once from its typed
 * fields; both must give @expected byte for byte. */
static void
check_both_serializations (GstPeerJSMessage * msg, const gchar * expected)
{
  check_serializes_to (msg, expected);
  g_clear_pointer (&msg->payload, json_node_unref);
  check_serializes_to (msg, expected);
}

static const gchar *
metadata_string (const GstPeerJSMessage * msg, const gchar * member)
{
  fail_unless (msg->metadata != NULL);
  fail_unless (JSON_NODE_HOLDS_OBJECT (msg->metadata));
  return json_object_get_string_member (json_node_get_object (msg->metadata),
      member);
}

GST_START_TEST (test_capture_offer_media)
{
  GstPeerJSMessage *msg = parse_full (capture_offer_media);

  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_OFFER);
  fail_unless_equals_string (msg->type_name, "OFFER");
  fail_unless_equals_string (msg->src, "alice");
  fail_unless_equals_string (msg->dst, "bob");
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_MEDIA);
  fail_unless_equals_string (msg->connection_id, "mc_abc123");
  fail_unless_equals_string (msg->sdp, SDP_TEXT);
  fail_unless_equals_string (metadata_string (msg, "who"), "alice");
  fail_unless (msg->label == NULL);
  fail_unless (msg->serialization == NULL);
  fail_unless (msg->reliable == FALSE);
  fail_unless (msg->candidate == NULL);
  fail_unless (msg->error_message == NULL);
  fail_unless_equals_int (msg->sdp_mline_index, -1);
  fail_unless (msg->payload != NULL && JSON_NODE_HOLDS_OBJECT (msg->payload));

  check_both_serializations (msg, capture_offer_media);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_capture_offer_data)
{
  GstPeerJSMessage *msg = parse_full (capture_offer_data);

  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_OFFER);
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_DATA);
  fail_unless_equals_string (msg->connection_id, "dc_xyz789");
  fail_unless_equals_string (msg->sdp, SDP_TEXT);
  fail_unless_equals_string (msg->label, "dc_xyz789");
  fail_unless (msg->reliable == FALSE);
  fail_unless_equals_string (msg->serialization, "binary");
  fail_unless (msg->metadata == NULL);

  check_both_serializations (msg, capture_offer_data);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_capture_answers)
{
  GstPeerJSMessage *msg = parse_full (capture_answer_media);

  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_ANSWER);
  fail_unless_equals_string (msg->src, "bob");
  fail_unless_equals_string (msg->dst, "alice");
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_MEDIA);
  fail_unless_equals_string (msg->connection_id, "mc_abc123");
  fail_unless_equals_string (msg->sdp, SDP_TEXT);
  check_both_serializations (msg, capture_answer_media);
  gst_peerjs_message_free (msg);

  msg = parse_full (capture_answer_data);
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_DATA);
  fail_unless_equals_string (msg->connection_id, "dc_xyz789");
  /* An ANSWER carries no data-offer extras, even for a data connection. */
  fail_unless (msg->serialization == NULL);
  check_both_serializations (msg, capture_answer_data);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_capture_candidate)
{
  GstPeerJSMessage *msg = parse_full (capture_candidate_media);

  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_CANDIDATE);
  fail_unless_equals_string (msg->src, "alice");
  fail_unless_equals_string (msg->connection_id, "mc_abc123");
  fail_unless_equals_string (msg->candidate,
      "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host");
  fail_unless_equals_string (msg->sdp_mid, "0");
  fail_unless_equals_int (msg->sdp_mline_index, 0);
  fail_unless_equals_string (msg->username_fragment, "abcd");

  check_both_serializations (msg, capture_candidate_media);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_capture_leave_expire)
{
  GstPeerJSMessage *msg = parse_full (capture_leave);

  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_LEAVE);
  fail_unless_equals_string (msg->src, "alice");
  fail_unless_equals_string (msg->dst, "bob");
  fail_unless (msg->payload == NULL);
  check_serializes_to (msg, capture_leave);
  gst_peerjs_message_free (msg);

  msg = parse_full (capture_expire);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_EXPIRE);
  fail_unless_equals_string (msg->src, "dave");
  fail_unless_equals_string (msg->dst, "alice");
  fail_unless (msg->payload == NULL);
  check_serializes_to (msg, capture_expire);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_capture_server_replies)
{
  static const struct
  {
    const gchar *frame;
    GstPeerJSMessageType type;
    const gchar *error_message;
  } replies[] = {
    {"{\"type\":\"OPEN\"}", GST_PEERJS_MESSAGE_OPEN, NULL},
    {"{\"type\":\"HEARTBEAT\"}", GST_PEERJS_MESSAGE_HEARTBEAT, NULL},
    {"{\"type\":\"ERROR\",\"payload\":{\"msg\":\"No id, token, or key "
          "supplied to websocket server\"}}", GST_PEERJS_MESSAGE_ERROR,
        "No id, token, or key supplied to websocket server"},
    {"{\"type\":\"ERROR\",\"payload\":{\"msg\":\"Invalid key provided\"}}",
        GST_PEERJS_MESSAGE_ERROR, "Invalid key provided"},
    {"{\"type\":\"ERROR\",\"payload\":{\"msg\":\"Server has reached its "
          "concurrent user limit\"}}", GST_PEERJS_MESSAGE_ERROR,
        "Server has reached its concurrent user limit"},
    {"{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}",
        GST_PEERJS_MESSAGE_ID_TAKEN, "ID is taken"},
    {"{\"type\":\"INVALID-KEY\",\"payload\":{\"msg\":\"bad\"}}",
        GST_PEERJS_MESSAGE_INVALID_KEY, "bad"},
    {"{\"type\":\"ERROR\"}", GST_PEERJS_MESSAGE_ERROR, NULL},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (replies); i++) {
    GstPeerJSMessage *msg = parse_full (replies[i].frame);

    fail_unless_equals_int (msg->type, replies[i].type);
    fail_unless (msg->src == NULL);
    fail_unless (msg->dst == NULL);
    if (replies[i].error_message) {
      fail_unless_equals_string (msg->error_message, replies[i].error_message);
    } else {
      fail_unless (msg->error_message == NULL);
    }
    check_both_serializations (msg, replies[i].frame);
    gst_peerjs_message_free (msg);
  }
}

GST_END_TEST;

GST_START_TEST (test_chromium_candidate)
{
  GstPeerJSMessage *msg = parse_full (chromium_candidate);

  fail_unless_equals_string (msg->candidate,
      "candidate:448721621 1 udp 2122260223 127.0.0.1 34995 typ host "
      "generation 0 ufrag xZVE network-id 1 network-cost 50");
  fail_unless_equals_string (msg->sdp_mid, "0");
  fail_unless_equals_int (msg->sdp_mline_index, 0);
  fail_unless_equals_string (msg->username_fragment, "xZVE");
  fail_unless_equals_string (msg->connection_id, "mc_opnlqjng8p9");
  /* Chromium's CANDIDATE key order is the one we write too. */
  check_both_serializations (msg, chromium_candidate);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_chromium_offer_key_order)
{
  GstPeerJSMessage *msg = parse_full (chromium_offer);
  gchar *typed;

  fail_unless_equals_string (msg->sdp, SDP_TEXT);
  fail_unless_equals_int (json_object_get_int_member (json_node_get_object
          (msg->metadata), "m"), 1);

  /* Relayed, the payload keeps Chromium's {"sdp","type"} order... */
  check_serializes_to (msg, chromium_offer);

  /* ...built from the fields it takes peerjs-over-node's order of 6.2. */
  g_clear_pointer (&msg->payload, json_node_unref);
  typed = gst_peerjs_message_serialize (msg, NULL);
  fail_unless (strstr (typed,
          "\"sdp\":{\"type\":\"offer\",\"sdp\":\"" SDP_JSON "\"}") != NULL);
  g_free (typed);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_build_offer_media)
{
  GstPeerJSMessage *msg, *back;
  JsonObject *meta;

  msg = gst_peerjs_message_new_offer ("bob", GST_PEERJS_CONNECTION_MEDIA,
      "mc_abc123", SDP_TEXT);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_OFFER);
  fail_unless_equals_string (msg->type_name, "OFFER");
  check_serializes_to (msg,
      "{\"type\":\"OFFER\",\"dst\":\"bob\",\"payload\":{\"sdp\":{\"type\":"
      "\"offer\",\"sdp\":\"" SDP_JSON "\"},\"type\":\"media\","
      "\"connectionId\":\"mc_abc123\"}}");

  meta = json_object_new ();
  json_object_set_string_member (meta, "who", "alice");
  msg->metadata = json_node_init_object (json_node_alloc (), meta);
  json_object_unref (meta);

  /* What the server would relay to bob: byte for byte the capture. */
  msg->src = g_strdup ("alice");
  check_serializes_to (msg, capture_offer_media);

  back = parse_full (capture_offer_media);
  fail_unless_equals_string (back->connection_id, msg->connection_id);
  fail_unless_equals_string (back->sdp, msg->sdp);
  fail_unless (json_node_equal (back->metadata, msg->metadata));
  gst_peerjs_message_free (back);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_build_offer_data)
{
  GstPeerJSMessage *msg, *back;
  gchar *text;

  msg = gst_peerjs_message_new_offer ("bob", GST_PEERJS_CONNECTION_DATA,
      "dc_xyz789", SDP_TEXT);
  /* No serialization set: written as the JS default, never left out. */
  check_serializes_to (msg,
      "{\"type\":\"OFFER\",\"dst\":\"bob\",\"payload\":{\"sdp\":{\"type\":"
      "\"offer\",\"sdp\":\"" SDP_JSON "\"},\"type\":\"data\","
      "\"connectionId\":\"dc_xyz789\",\"reliable\":false,"
      "\"serialization\":\"binary\"}}");

  msg->src = g_strdup ("alice");
  msg->label = g_strdup ("dc_xyz789");
  check_serializes_to (msg, capture_offer_data);

  /* The 3.7 shape: metadata, label, reliable, serialization in order. */
  g_free (msg->label);
  msg->label = g_strdup ("chat");
  msg->reliable = TRUE;
  msg->serialization = g_strdup ("json");
  msg->metadata = json_from_string ("{\"x\":1}", NULL);
  text = gst_peerjs_message_serialize (msg, NULL);
  fail_unless (g_str_has_suffix (text,
          "\"type\":\"data\",\"connectionId\":\"dc_xyz789\","
          "\"metadata\":{\"x\":1},\"label\":\"chat\",\"reliable\":true,"
          "\"serialization\":\"json\"}}"));

  back = parse_full (text);
  fail_unless_equals_string (back->label, "chat");
  fail_unless (back->reliable == TRUE);
  fail_unless_equals_string (back->serialization, "json");
  fail_unless (json_node_equal (back->metadata, msg->metadata));
  g_free (text);
  gst_peerjs_message_free (back);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_build_answer)
{
  GstPeerJSMessage *msg;

  msg = gst_peerjs_message_new_answer ("alice", GST_PEERJS_CONNECTION_MEDIA,
      "mc_abc123", SDP_TEXT);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_ANSWER);
  check_serializes_to (msg,
      "{\"type\":\"ANSWER\",\"dst\":\"alice\",\"payload\":{\"sdp\":{\"type\":"
      "\"answer\",\"sdp\":\"" SDP_JSON "\"},\"type\":\"media\","
      "\"connectionId\":\"mc_abc123\"}}");
  msg->src = g_strdup ("bob");
  check_serializes_to (msg, capture_answer_media);
  gst_peerjs_message_free (msg);

  /* payload.type is optional in an ANSWER: left out when unknown. */
  msg = gst_peerjs_message_new_answer ("alice", GST_PEERJS_CONNECTION_NONE,
      "mc_abc123", "v=0");
  check_serializes_to (msg,
      "{\"type\":\"ANSWER\",\"dst\":\"alice\",\"payload\":{\"sdp\":{\"type\":"
      "\"answer\",\"sdp\":\"v=0\"},\"connectionId\":\"mc_abc123\"}}");
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_build_candidate)
{
  GstPeerJSMessage *msg;

  msg = gst_peerjs_message_new_candidate ("bob", GST_PEERJS_CONNECTION_MEDIA,
      "mc_abc123", "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host",
      "0", 0);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_CANDIDATE);
  msg->username_fragment = g_strdup ("abcd");
  msg->src = g_strdup ("alice");
  check_serializes_to (msg, capture_candidate_media);
  gst_peerjs_message_free (msg);

  /* sdpMLineIndex -1 means unknown and is not written; no mid either. */
  msg = gst_peerjs_message_new_candidate ("bob", GST_PEERJS_CONNECTION_DATA,
      "dc_1", "candidate:2 1 udp 1 192.0.2.2 40000 typ host", "audio", -1);
  check_serializes_to (msg,
      "{\"type\":\"CANDIDATE\",\"dst\":\"bob\",\"payload\":{\"candidate\":"
      "{\"candidate\":\"candidate:2 1 udp 1 192.0.2.2 40000 typ host\","
      "\"sdpMid\":\"audio\"},\"type\":\"data\",\"connectionId\":\"dc_1\"}}");
  gst_peerjs_message_free (msg);

  msg = gst_peerjs_message_new_candidate (NULL, GST_PEERJS_CONNECTION_MEDIA,
      "mc_2", "candidate:3", NULL, 2);
  check_serializes_to (msg,
      "{\"type\":\"CANDIDATE\",\"payload\":{\"candidate\":{\"candidate\":"
      "\"candidate:3\",\"sdpMLineIndex\":2},\"type\":\"media\","
      "\"connectionId\":\"mc_2\"}}");
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_build_simple)
{
  static const struct
  {
    GstPeerJSMessageType type;
    const gchar *expected;
  } simple[] = {
    {GST_PEERJS_MESSAGE_HEARTBEAT, "{\"type\":\"HEARTBEAT\"}"},
    {GST_PEERJS_MESSAGE_OPEN, "{\"type\":\"OPEN\"}"},
    {GST_PEERJS_MESSAGE_LEAVE, "{\"type\":\"LEAVE\"}"},
    {GST_PEERJS_MESSAGE_EXPIRE, "{\"type\":\"EXPIRE\"}"},
    {GST_PEERJS_MESSAGE_ERROR, "{\"type\":\"ERROR\"}"},
    {GST_PEERJS_MESSAGE_ID_TAKEN, "{\"type\":\"ID-TAKEN\"}"},
    {GST_PEERJS_MESSAGE_INVALID_KEY, "{\"type\":\"INVALID-KEY\"}"},
  };
  GstPeerJSMessage *msg;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (simple); i++) {
    msg = gst_peerjs_message_new (simple[i].type);
    fail_unless_equals_int (msg->sdp_mline_index, -1);
    check_serializes_to (msg, simple[i].expected);
    gst_peerjs_message_free (msg);
  }

  msg = gst_peerjs_message_new (GST_PEERJS_MESSAGE_LEAVE);
  msg->dst = g_strdup ("bob");
  check_serializes_to (msg, "{\"type\":\"LEAVE\",\"dst\":\"bob\"}");
  gst_peerjs_message_free (msg);

  msg = gst_peerjs_message_new (GST_PEERJS_MESSAGE_ID_TAKEN);
  msg->error_message = g_strdup ("ID is taken");
  check_serializes_to (msg,
      "{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}");
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

/* Every type parsed in both modes and written back unchanged. */
GST_START_TEST (test_round_trip_all_types)
{
  const gchar *frames[] = {
    capture_offer_media, capture_offer_data, capture_answer_media,
    capture_answer_data, capture_candidate_media, capture_leave,
    capture_expire, chromium_candidate, chromium_offer,
    "{\"type\":\"OPEN\"}", "{\"type\":\"HEARTBEAT\"}",
    "{\"type\":\"ERROR\",\"payload\":{\"msg\":\"Invalid key provided\"}}",
    "{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":\"ID is taken\"}}",
    "{\"type\":\"INVALID-KEY\"}",
  };
  guint seen = 0;
  guint i, flags;

  for (i = 0; i < G_N_ELEMENTS (frames); i++) {
    for (flags = 0; flags <= GST_PEERJS_PARSE_ENVELOPE; flags++) {
      GstPeerJSMessage *msg = parse_ok (frames[i], flags);
      GstPeerJSMessage *copy = gst_peerjs_message_copy (msg);

      fail_if (msg->type == GST_PEERJS_MESSAGE_UNKNOWN);
      seen |= 1 << msg->type;
      gst_peerjs_message_free (msg);
      check_serializes_to (copy, frames[i]);
      gst_peerjs_message_free (copy);
    }
  }

  /* OPEN .. EXPIRE all covered. */
  fail_unless_equals_int (seen, ((1 << (GST_PEERJS_MESSAGE_EXPIRE + 1)) - 2));
}

GST_END_TEST;

GST_START_TEST (test_relay)
{
  GstPeerJSMessage *msg;

  /* peerjs-protocol.md 2.5: src is stamped, unknown keys dropped. */
  msg = parse_ok ("{\"type\":\"CANDIDATE\",\"src\":\"mallory\","
      "\"dst\":\"bob\",\"extra\":1,\"payload\":{\"connectionId\":"
      "\"dc_xyz789\"}}", GST_PEERJS_PARSE_ENVELOPE);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_CANDIDATE);
  fail_unless_equals_string (msg->connection_id, "dc_xyz789");
  fail_unless (msg->candidate == NULL);
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_NONE);
  g_free (msg->src);
  msg->src = g_strdup ("alice");
  check_serializes_to (msg, "{\"type\":\"CANDIDATE\",\"src\":\"alice\","
      "\"dst\":\"bob\",\"payload\":{\"connectionId\":\"dc_xyz789\"}}");
  gst_peerjs_message_free (msg);

  /* Any JSON payload is kept as is, and key order is preserved. */
  msg = parse_ok ("{\"payload\":[1,\"a\",null,{\"z\":1,\"a\":2}],"
      "\"dst\":\"bob\",\"type\":\"OFFER\"}", GST_PEERJS_PARSE_ENVELOPE);
  fail_unless (JSON_NODE_HOLDS_ARRAY (msg->payload));
  fail_unless (msg->connection_id == NULL);
  fail_unless (msg->sdp == NULL);
  check_serializes_to (msg, "{\"type\":\"OFFER\",\"dst\":\"bob\","
      "\"payload\":[1,\"a\",null,{\"z\":1,\"a\":2}]}");
  gst_peerjs_message_free (msg);

  /* An explicit null payload stays an explicit null. */
  msg = parse_ok ("{\"type\":\"LEAVE\",\"dst\":\"bob\",\"payload\":null}",
      GST_PEERJS_PARSE_ENVELOPE);
  fail_unless (msg->payload != NULL && JSON_NODE_HOLDS_NULL (msg->payload));
  check_serializes_to (msg,
      "{\"type\":\"LEAVE\",\"dst\":\"bob\",\"payload\":null}");
  gst_peerjs_message_free (msg);

  /* Non-ASCII text is passed through as UTF-8, like JSON.stringify. */
  msg = parse_ok ("{\"type\":\"OFFER\",\"dst\":\"bob\",\"payload\":"
      "{\"metadata\":{\"name\":\"J\xc3\xb6rg \xf0\x9f\x98\x80\"}}}",
      GST_PEERJS_PARSE_ENVELOPE);
  check_serializes_to (msg, "{\"type\":\"OFFER\",\"dst\":\"bob\",\"payload\":"
      "{\"metadata\":{\"name\":\"J\xc3\xb6rg \xf0\x9f\x98\x80\"}}}");
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_envelope_only)
{
  GstPeerJSMessage *msg;
  static const gchar bad_offer[] =
      "{\"type\":\"OFFER\",\"dst\":\"bob\",\"payload\":{\"sdp\":\"v=0\","
      "\"type\":\"media\",\"connectionId\":\"mc_1\"}}";

  /* A relay does not look into the payload... */
  msg = parse_ok (bad_offer, GST_PEERJS_PARSE_ENVELOPE);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_OFFER);
  fail_unless_equals_string (msg->connection_id, "mc_1");
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_NONE);
  fail_unless (msg->sdp == NULL);
  fail_unless (msg->src == NULL);
  check_serializes_to (msg, bad_offer);
  gst_peerjs_message_free (msg);

  /* ...a client does. */
  check_full_fails (bad_offer, GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "OFFER: src is missing");

  /* The envelope does not check the ID rule either. */
  msg = parse_ok ("{\"type\":\"LEAVE\",\"src\":\"weird$id!\"}",
      GST_PEERJS_PARSE_ENVELOPE);
  fail_unless_equals_string (msg->src, "weird$id!");
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_unknown_type)
{
  static const gchar foo[] =
      "{\"type\":\"FOO\",\"src\":\"x\",\"dst\":\"bob\",\"payload\":{\"a\":1}}";
  GstPeerJSMessage *msg, *copy;

  msg = parse_ok (foo, GST_PEERJS_PARSE_ENVELOPE);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_UNKNOWN);
  fail_unless_equals_string (msg->type_name, "FOO");
  fail_unless_equals_string (msg->dst, "bob");
  copy = gst_peerjs_message_copy (msg);
  gst_peerjs_message_free (msg);
  check_serializes_to (copy, foo);
  gst_peerjs_message_free (copy);

  check_full_fails (foo, GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE, "\"FOO\"");
  /* Names are exact: PeerJS types are upper case. */
  check_full_fails ("{\"type\":\"offer\"}",
      GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE, "offer");
  check_full_fails ("{\"type\":\"\"}",
      GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE, NULL);
  msg = parse_ok ("{\"type\":\"\"}", GST_PEERJS_PARSE_ENVELOPE);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_UNKNOWN);
  fail_unless_equals_string (msg->type_name, "");
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_malformed_frames)
{
  static const gchar truncated[] = "{\"type\":\"OFFER\",\"payload\":{";
  static const gchar bad_utf8[] = "{\"type\":\"OPEN\",\"x\":\"\xff\xfe\"}";
  static const gchar overlong[] = "{\"type\":\"OPEN\",\"x\":\"\xc0\xaf\"}";
  static const gchar nul_inside[] = "{\"type\":\"OPEN\"}\0{}";

  check_both_modes_fail ("5", GST_PEERJS_PROTOCOL_ERROR_NOT_OBJECT, "number");
  check_both_modes_fail ("[]", GST_PEERJS_PROTOCOL_ERROR_NOT_OBJECT, "array");
  check_both_modes_fail ("\"x\"", GST_PEERJS_PROTOCOL_ERROR_NOT_OBJECT,
      "string");
  check_both_modes_fail ("null", GST_PEERJS_PROTOCOL_ERROR_NOT_OBJECT, "null");
  check_both_modes_fail ("true", GST_PEERJS_PROTOCOL_ERROR_NOT_OBJECT,
      "boolean");

  check_both_modes_fail (bad_utf8, GST_PEERJS_PROTOCOL_ERROR_MALFORMED,
      "UTF-8");
  check_both_modes_fail (overlong, GST_PEERJS_PROTOCOL_ERROR_MALFORMED,
      "UTF-8");
  /* valid JSON text whose escape json-glib decodes to non-UTF-8 bytes
   * (found by the signalling fuzz target); in a key json-glib refuses it
   * itself */
  check_both_modes_fail ("{\"type\":\"LEAVE\",\"src\":\"\\ud800x\"}",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "surrogate");
  check_both_modes_fail ("{\"type\":\"OPEN\",\"\\udfff\":1}",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, NULL);
  check_parse_fails (nul_inside, sizeof (nul_inside) - 1,
      GST_PEERJS_PARSE_ENVELOPE, GST_PEERJS_PROTOCOL_ERROR_MALFORMED, NULL);
  check_both_modes_fail (truncated, GST_PEERJS_PROTOCOL_ERROR_MALFORMED,
      "not JSON");
  check_both_modes_fail ("{\"type\":\"OPEN\"",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, NULL);
  check_both_modes_fail ("{\"type\":\"OPEN\",}",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, NULL);
  check_both_modes_fail ("not json", GST_PEERJS_PROTOCOL_ERROR_MALFORMED, NULL);
  check_both_modes_fail ("   ", GST_PEERJS_PROTOCOL_ERROR_MALFORMED, NULL);
  /* Several values: json-glib 1.6 took the last and leaked the others
   * (found by the fuzz target of the server); JSON.parse refuses them. */
  check_both_modes_fail ("{\"type\":\"OPEN\"} {\"type\":\"OPEN\"}",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "one JSON value");
  check_both_modes_fail ("{}{\"type\":\"OPEN\"}",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "one JSON value");
  check_both_modes_fail ("1 1 1 {\"type\":\"OPEN\"}",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "one JSON value");
  check_both_modes_fail ("{\"type\":\"OPEN\"} /* c */",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "one JSON value");
  check_both_modes_fail ("{\"type\":'OPEN'}",
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "one JSON value");
  gst_peerjs_message_free (parse_ok (" \r\n{\"type\":\"OPEN\",\"x\":"
          "[\"} {\\\"\",-1.5e+3,true,null]}\t\n", GST_PEERJS_PARSE_FULL));
  check_parse_fails ("", 0, GST_PEERJS_PARSE_FULL,
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "empty");
  check_parse_fails (NULL, 0, GST_PEERJS_PARSE_ENVELOPE,
      GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "empty");

  /* The envelope itself. */
  check_both_modes_fail ("{}", GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "type is missing");
  check_both_modes_fail ("{\"src\":\"alice\"}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD, "type");
  check_both_modes_fail ("{\"type\":5}", GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "type must be a string");
  check_both_modes_fail ("{\"type\":null}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "type");
  check_both_modes_fail ("{\"type\":[\"OPEN\"]}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "type");
  check_both_modes_fail ("{\"type\":\"OPEN\",\"src\":5}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "OPEN: src must be a string");
  check_both_modes_fail ("{\"type\":\"OFFER\",\"dst\":{}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "OFFER: dst must be a string");
  check_both_modes_fail ("{\"type\":\"FOO\",\"dst\":null}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "dst");
}

GST_END_TEST;

GST_START_TEST (test_size_limit)
{
  gchar *big;
  GError *error = NULL;
  GstPeerJSMessage *msg;
  gsize limit = GST_PEERJS_MAX_MESSAGE_SIZE;
  static const gchar open_frame[] = "{\"type\":\"OPEN\"}";
  static const gchar head[] = "{\"type\":\"OPEN\",\"x\":\"";

  /* A well-formed frame of exactly the default limit, then one more byte:
   * {"type":"OPEN","x":"aaa..."} */
  big = g_malloc (limit + 2);
  memset (big, 'a', limit + 1);
  memcpy (big, head, strlen (head));
  memcpy (big + limit - 2, "\"}", 2);
  big[limit] = '\0';
  msg = gst_peerjs_message_parse (big, limit, GST_PEERJS_PARSE_FULL, 0, &error);
  g_assert_no_error (error);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_OPEN);
  gst_peerjs_message_free (msg);

  memcpy (big + limit - 2, "a\"}", 3);
  big[limit + 1] = '\0';
  check_parse_fails (big, limit + 1, GST_PEERJS_PARSE_ENVELOPE,
      GST_PEERJS_PROTOCOL_ERROR_TOO_LARGE, "65537 bytes");
  /* The size is checked first: garbage that is too big is TOO_LARGE. */
  big[0] = '\xff';
  check_parse_fails (big, limit + 1, GST_PEERJS_PARSE_FULL,
      GST_PEERJS_PROTOCOL_ERROR_TOO_LARGE, NULL);
  /* A caller's larger limit. */
  big[0] = '{';
  msg = gst_peerjs_message_parse (big, limit + 1, GST_PEERJS_PARSE_FULL,
      limit + 1, &error);
  g_assert_no_error (error);
  gst_peerjs_message_free (msg);
  g_free (big);

  /* A caller's smaller limit. */
  msg = gst_peerjs_message_parse (open_frame, strlen (open_frame),
      GST_PEERJS_PARSE_FULL, strlen (open_frame) - 1, &error);
  fail_unless (msg == NULL);
  fail_unless (g_error_matches (error, GST_PEERJS_PROTOCOL_ERROR,
          GST_PEERJS_PROTOCOL_ERROR_TOO_LARGE));
  g_clear_error (&error);

  /* -1: NUL-terminated. */
  msg = gst_peerjs_message_parse (open_frame, -1, GST_PEERJS_PARSE_FULL,
      strlen (open_frame), &error);
  g_assert_no_error (error);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_OPEN);
  gst_peerjs_message_free (msg);

  /* Only @length bytes are read. */
  msg = gst_peerjs_message_parse ("{\"type\":\"OPEN\"}garbage",
      strlen (open_frame), GST_PEERJS_PARSE_FULL, 0, &error);
  g_assert_no_error (error);
  fail_unless_equals_int (msg->type, GST_PEERJS_MESSAGE_OPEN);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

#define OFFER_HEAD "{\"type\":\"OFFER\",\"src\":\"alice\",\"payload\":"
#define GOOD_SDP "\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}"

GST_START_TEST (test_malformed_offer)
{
  gchar *long_id, *text;

  check_full_fails ("{\"type\":\"OFFER\",\"payload\":{" GOOD_SDP
      ",\"type\":\"media\",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD, "OFFER: src is missing");
  check_full_fails ("{\"type\":\"OFFER\",\"src\":\"-ab\",\"payload\":{"
      GOOD_SDP ",\"type\":\"media\",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_ID, "OFFER: src");
  check_full_fails ("{\"type\":\"OFFER\",\"src\":\"a..b\",\"payload\":{"
      GOOD_SDP ",\"type\":\"media\",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_ID, NULL);
  check_full_fails ("{\"type\":\"OFFER\",\"src\":\"alice\"}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD, "OFFER: payload is missing");
  check_full_fails (OFFER_HEAD "null}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "OFFER: payload must be an object");
  check_full_fails (OFFER_HEAD "\"x\"}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "payload must be an object");

  /* connectionId */
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\"}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "OFFER: payload.connectionId is missing");
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\","
      "\"connectionId\":5}}", GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "OFFER: payload.connectionId must be a string");
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\","
      "\"connectionId\":\"\"}}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_CONNECTION_ID,
      "OFFER: payload.connectionId");
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\","
      "\"connectionId\":\"mc 1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_CONNECTION_ID, NULL);
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\","
      "\"connectionId\":\"mc_1/../x\"}}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_CONNECTION_ID, NULL);
  long_id = g_strnfill (GST_PEERJS_MAX_CONNECTION_ID_LENGTH + 1, 'a');
  text = g_strdup_printf (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\","
      "\"connectionId\":\"%s\"}}", long_id);
  check_full_fails (text, GST_PEERJS_PROTOCOL_ERROR_INVALID_CONNECTION_ID,
      NULL);
  g_free (text);
  g_free (long_id);

  /* payload.type */
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "OFFER: payload.type is missing");
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"video\","
      "\"connectionId\":\"mc_1\"}}", GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "OFFER: payload.type must be \"media\" or \"data\"");
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":1,"
      "\"connectionId\":\"mc_1\"}}", GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "payload.type");

  /* sdp */
  check_full_fails (OFFER_HEAD "{\"type\":\"media\","
      "\"connectionId\":\"mc_1\"}}", GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "OFFER: payload.sdp is missing");
  check_full_fails (OFFER_HEAD "{\"sdp\":\"v=0\",\"type\":\"media\","
      "\"connectionId\":\"mc_1\"}}", GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "OFFER: payload.sdp must be an object");
  check_full_fails (OFFER_HEAD "{\"sdp\":{\"type\":\"answer\",\"sdp\":"
      "\"v=0\"},\"type\":\"media\",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "OFFER: payload.sdp.type must be \"offer\"");
  check_full_fails (OFFER_HEAD "{\"sdp\":{\"sdp\":\"v=0\"},\"type\":"
      "\"media\",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "OFFER: payload.sdp.type is missing");
  check_full_fails (OFFER_HEAD "{\"sdp\":{\"type\":\"offer\"},\"type\":"
      "\"media\",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "OFFER: payload.sdp.sdp is missing");
  check_full_fails (OFFER_HEAD "{\"sdp\":{\"type\":\"offer\",\"sdp\":[]},"
      "\"type\":\"media\",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "OFFER: payload.sdp.sdp must be a string");

  /* data extras */
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"data\","
      "\"connectionId\":\"dc_1\",\"reliable\":\"yes\"}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "OFFER: payload.reliable must be a boolean");
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"data\","
      "\"connectionId\":\"dc_1\",\"label\":5}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "payload.label");
  check_full_fails (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"data\","
      "\"connectionId\":\"dc_1\",\"serialization\":null}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "payload.serialization");
}

GST_END_TEST;

GST_START_TEST (test_offer_optional_fields)
{
  GstPeerJSMessage *msg;

  /* A data offer with nothing optional: serialization NULL means binary. */
  msg = parse_full (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"data\","
      "\"connectionId\":\"dc_1\"}}");
  fail_unless (msg->label == NULL);
  fail_unless (msg->serialization == NULL);
  fail_unless (msg->reliable == FALSE);
  fail_unless (msg->metadata == NULL);
  gst_peerjs_message_free (msg);

  /* Metadata may be any JSON value, and is kept. */
  msg = parse_full (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\","
      "\"connectionId\":\"mc_1\",\"metadata\":[1,{\"a\":null}]}}");
  fail_unless (JSON_NODE_HOLDS_ARRAY (msg->metadata));
  fail_unless_equals_int (json_array_get_length (json_node_get_array
          (msg->metadata)), 2);
  gst_peerjs_message_free (msg);

  msg = parse_full (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\","
      "\"connectionId\":\"mc_1\",\"metadata\":\"hi\"}}");
  fail_unless_equals_string (json_node_get_string (msg->metadata), "hi");
  gst_peerjs_message_free (msg);

  /* Media offers ignore data-only fields, whatever their type. */
  msg = parse_full (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"media\","
      "\"connectionId\":\"mc_1\",\"reliable\":\"x\",\"label\":1}}");
  fail_unless (msg->label == NULL);
  fail_unless (msg->reliable == FALSE);
  gst_peerjs_message_free (msg);

  /* Unknown payload members (1.4's "browser") are tolerated. */
  msg = parse_full (OFFER_HEAD "{" GOOD_SDP ",\"type\":\"data\","
      "\"connectionId\":\"dc_1.x-Y\",\"browser\":\"chrome\","
      "\"reliable\":true}}");
  fail_unless_equals_string (msg->connection_id, "dc_1.x-Y");
  fail_unless (msg->reliable == TRUE);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

#define ANSWER_HEAD "{\"type\":\"ANSWER\",\"src\":\"bob\",\"payload\":"

GST_START_TEST (test_malformed_answer)
{
  GstPeerJSMessage *msg;

  check_full_fails ("{\"type\":\"ANSWER\",\"src\":\"b.b\",\"payload\":{"
      "\"sdp\":{\"type\":\"answer\",\"sdp\":\"v=0\"},\"connectionId\":"
      "\"mc_1\"}}", GST_PEERJS_PROTOCOL_ERROR_INVALID_ID, "ANSWER: src");
  check_full_fails (ANSWER_HEAD "{\"sdp\":{\"type\":\"answer\",\"sdp\":"
      "\"v=0\"}}}", GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "ANSWER: payload.connectionId is missing");
  check_full_fails (ANSWER_HEAD "{\"sdp\":{\"type\":\"offer\",\"sdp\":"
      "\"v=0\"},\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "ANSWER: payload.sdp.type must be \"answer\"");
  check_full_fails (ANSWER_HEAD "{\"sdp\":\"v=0\",\"connectionId\":"
      "\"mc_1\"}}", GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "ANSWER: payload.sdp must be an object");
  check_full_fails (ANSWER_HEAD "{\"sdp\":{\"type\":\"answer\",\"sdp\":"
      "\"v=0\"},\"type\":\"audio\",\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "ANSWER: payload.type");
  check_full_fails (ANSWER_HEAD "{\"sdp\":{\"type\":\"answer\",\"sdp\":"
      "\"v=0\"},\"connectionId\":\"mc:1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_CONNECTION_ID, NULL);
  check_full_fails (ANSWER_HEAD "5}", GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "ANSWER: payload must be an object");
  check_full_fails ("{\"type\":\"ANSWER\",\"src\":\"bob\"}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD, "ANSWER: payload is missing");

  /* Without payload.type. */
  msg = parse_full (ANSWER_HEAD "{\"sdp\":{\"type\":\"answer\",\"sdp\":"
      "\"v=0\"},\"connectionId\":\"mc_1\"}}");
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_NONE);
  fail_unless_equals_string (msg->sdp, "v=0");
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

#define CAND_HEAD "{\"type\":\"CANDIDATE\",\"src\":\"alice\",\"payload\":" \
  "{\"type\":\"media\",\"connectionId\":\"mc_1\",\"candidate\":"

GST_START_TEST (test_malformed_candidate)
{
  check_full_fails ("{\"type\":\"CANDIDATE\",\"payload\":{\"connectionId\":"
      "\"mc_1\",\"candidate\":{\"candidate\":\"c\",\"sdpMid\":\"0\"}}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD, "CANDIDATE: src is missing");
  check_full_fails ("{\"type\":\"CANDIDATE\",\"src\":\"alice\",\"payload\":"
      "{\"candidate\":{\"candidate\":\"c\",\"sdpMid\":\"0\"}}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "CANDIDATE: payload.connectionId is missing");
  check_full_fails ("{\"type\":\"CANDIDATE\",\"src\":\"alice\",\"payload\":"
      "{\"connectionId\":\"mc_1\"}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "CANDIDATE: payload.candidate is missing");
  check_full_fails (CAND_HEAD "\"candidate:1 1 udp 1 1.2.3.4 5 typ host\"}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "CANDIDATE: payload.candidate must be an object");
  check_full_fails (CAND_HEAD "{\"sdpMid\":\"0\"}}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "CANDIDATE: payload.candidate.candidate is missing");
  check_full_fails (CAND_HEAD "{\"candidate\":null,\"sdpMid\":\"0\"}}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "payload.candidate.candidate must be a string");
  check_full_fails (CAND_HEAD "{\"candidate\":\"c\",\"sdpMLineIndex\":\"0\"}}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "CANDIDATE: payload.candidate.sdpMLineIndex must be an integer");
  check_full_fails (CAND_HEAD "{\"candidate\":\"c\",\"sdpMLineIndex\":0.5}}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "sdpMLineIndex");
  check_full_fails (CAND_HEAD "{\"candidate\":\"c\",\"sdpMLineIndex\":1024}}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "sdpMLineIndex must be from 0");
  check_full_fails (CAND_HEAD "{\"candidate\":\"c\",\"sdpMLineIndex\":-1}}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "sdpMLineIndex");
  check_full_fails (CAND_HEAD "{\"candidate\":\"c\",\"sdpMid\":0}}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "payload.candidate.sdpMid must be a string");
  check_full_fails (CAND_HEAD "{\"candidate\":\"c\"}}}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD, "sdpMLineIndex");
  check_full_fails (CAND_HEAD "{\"candidate\":\"c\",\"sdpMid\":null,"
      "\"sdpMLineIndex\":null}}}", GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
      "are both missing");
  check_full_fails (CAND_HEAD "{\"candidate\":\"c\",\"sdpMid\":\"0\","
      "\"usernameFragment\":7}}}", GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "payload.candidate.usernameFragment must be a string");
  check_full_fails ("{\"type\":\"CANDIDATE\",\"src\":\"alice\",\"payload\":"
      "{\"type\":\"medi\xd0\xb0\",\"connectionId\":\"mc_1\",\"candidate\":"
      "{\"candidate\":\"c\",\"sdpMid\":\"0\"}}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "CANDIDATE: payload.type");
}

GST_END_TEST;

GST_START_TEST (test_candidate_optional_fields)
{
  GstPeerJSMessage *msg;

  /* Only sdpMid, nulls for the rest (RTCIceCandidate.toJSON style). */
  msg = parse_full (CAND_HEAD "{\"candidate\":\"c\",\"sdpMid\":\"video\","
      "\"sdpMLineIndex\":null,\"usernameFragment\":null}}}");
  fail_unless_equals_string (msg->sdp_mid, "video");
  fail_unless_equals_int (msg->sdp_mline_index, -1);
  fail_unless (msg->username_fragment == NULL);
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_MEDIA);
  gst_peerjs_message_free (msg);

  /* Only sdpMLineIndex, at the top of its range. */
  msg = parse_full (CAND_HEAD "{\"candidate\":\"c\",\"sdpMid\":null,"
      "\"sdpMLineIndex\":1023}}}");
  fail_unless (msg->sdp_mid == NULL);
  fail_unless_equals_int (msg->sdp_mline_index, 1023);
  gst_peerjs_message_free (msg);

  /* payload.type is optional for CANDIDATE. */
  msg = parse_full ("{\"type\":\"CANDIDATE\",\"src\":\"a-b\",\"payload\":"
      "{\"connectionId\":\"mc_1\",\"candidate\":{\"candidate\":\"c\","
      "\"sdpMLineIndex\":3}}}");
  fail_unless_equals_int (msg->connection_type, GST_PEERJS_CONNECTION_NONE);
  fail_unless_equals_int (msg->sdp_mline_index, 3);
  g_clear_pointer (&msg->payload, json_node_unref);
  check_serializes_to (msg, "{\"type\":\"CANDIDATE\",\"src\":\"a-b\","
      "\"payload\":{\"candidate\":{\"candidate\":\"c\",\"sdpMLineIndex\":3},"
      "\"connectionId\":\"mc_1\"}}");
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_malformed_others)
{
  GstPeerJSMessage *msg;

  check_full_fails ("{\"type\":\"LEAVE\",\"dst\":\"bob\"}",
      GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD, "LEAVE: src is missing");
  check_full_fails ("{\"type\":\"LEAVE\",\"src\":\"a  b\"}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_ID, "LEAVE: src");
  check_full_fails ("{\"type\":\"EXPIRE\",\"src\":\"a.b\"}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_ID, "EXPIRE: src");
  check_full_fails ("{\"type\":\"EXPIRE\",\"src\":\"\"}",
      GST_PEERJS_PROTOCOL_ERROR_INVALID_ID, NULL);
  check_full_fails ("{\"type\":\"ERROR\",\"payload\":{\"msg\":5}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "ERROR: payload.msg must be a string");
  check_full_fails ("{\"type\":\"ID-TAKEN\",\"payload\":\"ID is taken\"}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
      "ID-TAKEN: payload must be an object");
  check_full_fails ("{\"type\":\"INVALID-KEY\",\"payload\":{\"msg\":[]}}",
      GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE, "INVALID-KEY: payload.msg");

  /* LEAVE and EXPIRE need no payload but keep one if sent. */
  msg = parse_full ("{\"type\":\"EXPIRE\",\"src\":\"dave\",\"payload\":5}");
  fail_unless_equals_int (json_node_get_int (msg->payload), 5);
  gst_peerjs_message_free (msg);

  /* OPEN and HEARTBEAT need nothing; src is only type-checked. */
  msg = parse_full ("{\"type\":\"OPEN\",\"src\":\"not valid!\"}");
  fail_unless_equals_string (msg->src, "not valid!");
  gst_peerjs_message_free (msg);

  /* An ERROR with a null payload is just an ERROR. */
  msg = parse_full ("{\"type\":\"ERROR\",\"payload\":null}");
  fail_unless (msg->error_message == NULL);
  gst_peerjs_message_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_unknown_type_name_is_truncated)
{
  GString *frame = g_string_new ("{\"type\":\"");
  GError *error = NULL;
  guint i;

  for (i = 0; i < 1000; i++)
    g_string_append (frame, "\xc3\xa4");
  g_string_append (frame, "\"}");

  fail_if (gst_peerjs_message_parse (frame->str, frame->len,
          GST_PEERJS_PARSE_FULL, 0, &error));
  fail_unless (g_error_matches (error, GST_PEERJS_PROTOCOL_ERROR,
          GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE));
  fail_unless (strlen (error->message) < 200);
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  g_error_free (error);
  g_string_free (frame, TRUE);
}

GST_END_TEST;

GST_START_TEST (test_copy)
{
  GstPeerJSMessage *msg = parse_full (capture_offer_data);
  GstPeerJSMessage *copy = g_boxed_copy (GST_TYPE_PEERJS_MESSAGE, msg);

  fail_unless (copy != msg);
  fail_unless (copy->connection_id != msg->connection_id);
  fail_unless_equals_string (copy->connection_id, "dc_xyz789");
  fail_unless (copy->sdp != msg->sdp);
  fail_unless_equals_string (copy->label, "dc_xyz789");
  fail_unless_equals_string (copy->serialization, "binary");
  fail_unless (json_node_equal (copy->payload, msg->payload));
  gst_peerjs_message_free (msg);

  g_clear_pointer (&copy->payload, json_node_unref);
  check_serializes_to (copy, capture_offer_data);
  g_boxed_free (GST_TYPE_PEERJS_MESSAGE, copy);

  /* Candidate fields too. */
  msg = parse_full (chromium_candidate);
  copy = gst_peerjs_message_copy (msg);
  gst_peerjs_message_free (msg);
  fail_unless_equals_string (copy->sdp_mid, "0");
  fail_unless_equals_string (copy->username_fragment, "xZVE");
  fail_unless_equals_int (copy->sdp_mline_index, 0);
  check_serializes_to (copy, chromium_candidate);
  gst_peerjs_message_free (copy);

  gst_peerjs_message_free (NULL);
  fail_unless_equals_string (g_type_name (GST_TYPE_PEERJS_MESSAGE),
      "GstPeerJSMessage");
  fail_unless (G_TYPE_IS_BOXED (GST_TYPE_PEERJS_MESSAGE));
}

GST_END_TEST;

GST_START_TEST (test_type_names)
{
  static const struct
  {
    GstPeerJSMessageType type;
    const gchar *name;
  } names[] = {
    {GST_PEERJS_MESSAGE_OPEN, "OPEN"},
    {GST_PEERJS_MESSAGE_ERROR, "ERROR"},
    {GST_PEERJS_MESSAGE_ID_TAKEN, "ID-TAKEN"},
    {GST_PEERJS_MESSAGE_INVALID_KEY, "INVALID-KEY"},
    {GST_PEERJS_MESSAGE_HEARTBEAT, "HEARTBEAT"},
    {GST_PEERJS_MESSAGE_OFFER, "OFFER"},
    {GST_PEERJS_MESSAGE_ANSWER, "ANSWER"},
    {GST_PEERJS_MESSAGE_CANDIDATE, "CANDIDATE"},
    {GST_PEERJS_MESSAGE_LEAVE, "LEAVE"},
    {GST_PEERJS_MESSAGE_EXPIRE, "EXPIRE"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    fail_unless_equals_string (gst_peerjs_message_type_to_string
        (names[i].type), names[i].name);
    fail_unless_equals_int (gst_peerjs_message_type_from_string
        (names[i].name), names[i].type);
  }

  fail_unless (gst_peerjs_message_type_to_string
      (GST_PEERJS_MESSAGE_UNKNOWN) == NULL);
  fail_unless (gst_peerjs_message_type_to_string (GST_PEERJS_MESSAGE_EXPIRE +
          1) == NULL);
  fail_unless_equals_int (gst_peerjs_message_type_from_string ("offer"),
      GST_PEERJS_MESSAGE_UNKNOWN);
  fail_unless_equals_int (gst_peerjs_message_type_from_string ("ID_TAKEN"),
      GST_PEERJS_MESSAGE_UNKNOWN);
  fail_unless_equals_int (gst_peerjs_message_type_from_string (""),
      GST_PEERJS_MESSAGE_UNKNOWN);
  fail_unless_equals_int (gst_peerjs_message_type_from_string (NULL),
      GST_PEERJS_MESSAGE_UNKNOWN);

  fail_unless_equals_string (gst_peerjs_connection_type_to_string
      (GST_PEERJS_CONNECTION_MEDIA), "media");
  fail_unless_equals_string (gst_peerjs_connection_type_to_string
      (GST_PEERJS_CONNECTION_DATA), "data");
  fail_unless (gst_peerjs_connection_type_to_string
      (GST_PEERJS_CONNECTION_NONE) == NULL);
}

GST_END_TEST;

GST_START_TEST (test_id_rule)
{
  const gchar *valid[] = {
    "abc", "a b", "a-b_c", "8b3d4100-2a48-4f2d-be03-03f62af31ac6", "A",
    "0", "Alice_2 the-3rd", "a_b-c d",
  };
  const gchar *invalid[] = {
    "", "-ab", "ab-", "a  b", "a.b", "\xc3\xa4", "_a", "a_", " a", "a ",
    "a__b", "a-_b", "a\tb", "a\nb", "a/b", "weird$id!", "a\xc3\xa4",
  };
  gchar *longest, *too_long;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    fail_unless (gst_peerjs_id_is_valid (valid[i]), "\"%s\" rejected",
        valid[i]);
  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    fail_if (gst_peerjs_id_is_valid (invalid[i]), "\"%s\" accepted",
        invalid[i]);
  fail_if (gst_peerjs_id_is_valid (NULL));

  longest = g_strnfill (GST_PEERJS_MAX_ID_LENGTH, 'a');
  too_long = g_strnfill (GST_PEERJS_MAX_ID_LENGTH + 1, 'a');
  fail_unless_equals_int (strlen (too_long), 257);
  fail_unless (gst_peerjs_id_is_valid (longest));
  fail_if (gst_peerjs_id_is_valid (too_long));
  /* The limit counts separators too. */
  longest[GST_PEERJS_MAX_ID_LENGTH / 2] = '-';
  fail_unless (gst_peerjs_id_is_valid (longest));
  g_free (longest);
  g_free (too_long);
}

GST_END_TEST;

GST_START_TEST (test_validate_id)
{
  GError *error = NULL;

  fail_unless (gst_peerjs_validate_id ("alice", &error));
  g_assert_no_error (error);
  fail_unless (gst_peerjs_validate_id ("a b", NULL));

  fail_if (gst_peerjs_validate_id ("bad id!", &error));
  fail_unless (g_error_matches (error, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_INVALID_ID));
  /* Worded like peerjs 1.5.5 (peerjs-protocol.md 3.5). */
  fail_unless_equals_string (error->message, "ID \"bad id!\" is invalid");
  g_clear_error (&error);

  fail_if (gst_peerjs_validate_id ("", &error));
  fail_unless_equals_string (error->message, "ID \"\" is invalid");
  g_clear_error (&error);

  fail_if (gst_peerjs_validate_id (NULL, &error));
  fail_unless (g_error_matches (error, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_INVALID_ID));
  g_clear_error (&error);

  /* Invalid UTF-8 does not end up in the message. */
  fail_if (gst_peerjs_validate_id ("a\xff", &error));
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  fail_if (gst_peerjs_validate_id ("a.b", NULL));
}

GST_END_TEST;

GST_START_TEST (test_connection_id_rule)
{
  const gchar *valid[] = {
    "mc_opnlqjng8p9", "dc_xyz789", "a", "A.b-C_d", "...", "-", "0",
  };
  const gchar *invalid[] = {
    "", "mc 1", "mc/1", "mc:1", "mc_\xc3\xa4", "a\"b", "a\\b", "a\nb",
  };
  gchar *longest, *too_long;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    fail_unless (gst_peerjs_connection_id_is_valid (valid[i]),
        "\"%s\" rejected", valid[i]);
  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    fail_if (gst_peerjs_connection_id_is_valid (invalid[i]),
        "\"%s\" accepted", invalid[i]);
  fail_if (gst_peerjs_connection_id_is_valid (NULL));

  longest = g_strnfill (GST_PEERJS_MAX_CONNECTION_ID_LENGTH, 'x');
  too_long = g_strnfill (GST_PEERJS_MAX_CONNECTION_ID_LENGTH + 1, 'x');
  fail_unless (gst_peerjs_connection_id_is_valid (longest));
  fail_if (gst_peerjs_connection_id_is_valid (too_long));
  g_free (longest);
  g_free (too_long);
}

GST_END_TEST;

static void
check_token_shape (const gchar * token)
{
  const gchar *p;

  fail_unless_equals_int (strlen (token), 16);
  for (p = token; *p; p++)
    fail_unless (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'z'),
        "bad character in %s", token);
}

GST_START_TEST (test_random_token)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  guint counts[36] = { 0 };
  guint i, j;

  for (i = 0; i < 2000; i++) {
    gchar *token = gst_peerjs_random_token ();

    check_token_shape (token);
    for (j = 0; j < 16; j++)
      counts[g_ascii_isdigit (token[j]) ? token[j] - '0' :
          token[j] - 'a' + 10]++;
    fail_unless (g_hash_table_add (seen, token), "duplicate token %s", token);
  }

  /* 32000 characters over 36 symbols: ~889 each. A broken mapping (a
   * symbol never or far too often drawn) shows up here. */
  for (j = 0; j < 36; j++)
    fail_unless (counts[j] > 600 && counts[j] < 1200,
        "symbol %u drawn %u times", j, counts[j]);

  g_hash_table_unref (seen);
}

GST_END_TEST;

GST_START_TEST (test_new_connection_id)
{
  gchar *media = gst_peerjs_new_connection_id (GST_PEERJS_CONNECTION_MEDIA);
  gchar *data = gst_peerjs_new_connection_id (GST_PEERJS_CONNECTION_DATA);
  gchar *media2 = gst_peerjs_new_connection_id (GST_PEERJS_CONNECTION_MEDIA);

  fail_unless (g_str_has_prefix (media, "mc_"));
  fail_unless (g_str_has_prefix (data, "dc_"));
  check_token_shape (media + 3);
  check_token_shape (data + 3);
  fail_unless (gst_peerjs_connection_id_is_valid (media));
  fail_unless (gst_peerjs_connection_id_is_valid (data));
  fail_if (g_str_equal (media, media2));

  g_free (media);
  g_free (media2);
  g_free (data);
}

GST_END_TEST;

static Suite *
protocol_suite (void)
{
  Suite *s = suite_create ("peerjsprotocol");
  TCase *captures = tcase_create ("captures");
  TCase *building = tcase_create ("building");
  TCase *validation = tcase_create ("validation");
  TCase *ids = tcase_create ("ids");

  suite_add_tcase (s, captures);
  tcase_add_test (captures, test_capture_offer_media);
  tcase_add_test (captures, test_capture_offer_data);
  tcase_add_test (captures, test_capture_answers);
  tcase_add_test (captures, test_capture_candidate);
  tcase_add_test (captures, test_capture_leave_expire);
  tcase_add_test (captures, test_capture_server_replies);
  tcase_add_test (captures, test_chromium_candidate);
  tcase_add_test (captures, test_chromium_offer_key_order);

  suite_add_tcase (s, building);
  tcase_add_test (building, test_build_offer_media);
  tcase_add_test (building, test_build_offer_data);
  tcase_add_test (building, test_build_answer);
  tcase_add_test (building, test_build_candidate);
  tcase_add_test (building, test_build_simple);
  tcase_add_test (building, test_round_trip_all_types);
  tcase_add_test (building, test_relay);
  tcase_add_test (building, test_copy);

  suite_add_tcase (s, validation);
  tcase_add_test (validation, test_envelope_only);
  tcase_add_test (validation, test_unknown_type);
  tcase_add_test (validation, test_malformed_frames);
  tcase_add_test (validation, test_size_limit);
  tcase_add_test (validation, test_malformed_offer);
  tcase_add_test (validation, test_offer_optional_fields);
  tcase_add_test (validation, test_malformed_answer);
  tcase_add_test (validation, test_malformed_candidate);
  tcase_add_test (validation, test_candidate_optional_fields);
  tcase_add_test (validation, test_malformed_others);
  tcase_add_test (validation, test_unknown_type_name_is_truncated);

  suite_add_tcase (s, ids);
  tcase_add_test (ids, test_type_names);
  tcase_add_test (ids, test_id_rule);
  tcase_add_test (ids, test_validate_id);
  tcase_add_test (ids, test_connection_id_rule);
  tcase_add_test (ids, test_random_token);
  tcase_add_test (ids, test_new_connection_id);

  return s;
}

GST_CHECK_MAIN (protocol);
