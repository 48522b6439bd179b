/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The claims of docs/security.md that are about our elements: media only
 * over DTLS-SRTP, with the certificate the signalling announced; an offer
 * without DTLS refused; wss:// certificates validated; the key and the
 * session token never logged, at any debug level. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "peerjsmember.h"
#include "reliability.h"
#include "tlsserver.h"
#include "upstreambugs.h"

#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>
#include <libsoup/soup.h>
#include <string.h>

#define KEY "k3y-S3CR3T-4711"

/* --- media only over DTLS-SRTP --------------------------------------- */

static void
collect_webrtcbins (GstBin * bin, GPtrArray * out)
{
  GstIterator *it = gst_bin_iterate_recurse (bin);
  GValue v = G_VALUE_INIT;

  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);
    GstElementFactory *f = gst_element_get_factory (e);

    if (f && g_strcmp0 (GST_OBJECT_NAME (f), "webrtcbin") == 0)
      g_ptr_array_add (out, gst_object_ref (e));
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
}

/* "sha-256 AB:CD:…" of a PEM certificate, as SDP's a=fingerprint writes it */
static gchar *
pem_fingerprint (const gchar * pem)
{
  GError *error = NULL;
  GTlsCertificate *cert = g_tls_certificate_new_from_pem (pem, -1, &error);
  GByteArray *der = NULL;
  GString *out;
  gchar *hex;

  fail_unless (cert != NULL, "%s", error ? error->message : "");
  g_object_get (cert, "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  out = g_string_new ("sha-256 ");
  for (guint i = 0; hex[i]; i += 2)
    g_string_append_printf (out, "%s%c%c", i ? ":" : "",
        g_ascii_toupper (hex[i]), g_ascii_toupper (hex[i + 1]));
  g_free (hex);
  g_byte_array_unref (der);
  g_object_unref (cert);
  return g_string_free (out, FALSE);
}

static const gchar *
fingerprint_of (const GstSDPMessage * sdp, const GstSDPMedia * media)
{
  const gchar *fp = gst_sdp_media_get_attribute_val (media, "fingerprint");

  return fp ? fp : gst_sdp_message_get_attribute_val (sdp, "fingerprint");
}

/* Every m-line is DTLS-SRTP (or DTLS-SCTP for data) with a fingerprint;
 * returns the number of media m-lines. */
static guint
check_description (GstWebRTCSessionDescription * desc, const gchar * what)
{
  guint media = 0;

  fail_unless (desc != NULL, "%s: no description", what);
  for (guint i = 0; i < gst_sdp_message_medias_len (desc->sdp); i++) {
    const GstSDPMedia *m = gst_sdp_message_get_media (desc->sdp, i);
    const gchar *proto = gst_sdp_media_get_proto (m);

    if (gst_sdp_media_get_port (m) == 0)
      continue;                 /* rejected m-line: carries nothing */
    if (g_strcmp0 (gst_sdp_media_get_media (m), "application") == 0) {
      fail_unless (g_str_has_prefix (proto, "UDP/DTLS/SCTP")
          || g_str_has_prefix (proto, "DTLS/SCTP"), "%s m=%u: %s", what, i,
          proto);
    } else {
      fail_unless_equals_string (proto, "UDP/TLS/RTP/SAVPF");
      media++;
    }
    fail_unless (fingerprint_of (desc->sdp, m) != NULL,
        "%s m=%u: no a=fingerprint", what, i);
  }
  return media;
}

GST_START_TEST (test_media_only_dtls_srtp)
{
  Member *a = member_new ("alice", "bob", NULL);
  Member *b = member_new ("bob", "alice", NULL);
  Member *both[] = { a, b };
  guint transports = 0;

  member_play (a);
  member_play (b);
  assert_flow (a, "bob", FALSE, FLOW_TIMEOUT_MS);
  assert_flow (b, "alice", FALSE, FLOW_TIMEOUT_MS);

  for (guint k = 0; k < 2; k++) {
    GPtrArray *bins = g_ptr_array_new_with_free_func (gst_object_unref);

    collect_webrtcbins (GST_BIN (both[k]->room), bins);
    fail_unless (bins->len >= 1, "%s has a webrtcbin", both[k]->id);
    for (guint i = 0; i < bins->len; i++) {
      GstElement *w = g_ptr_array_index (bins, i);
      GstWebRTCSessionDescription *local = NULL, *remote = NULL;
      GArray *transceivers = NULL;
      guint media;

      g_object_get (w, "current-local-description", &local,
          "current-remote-description", &remote, NULL);
      media = check_description (local, "local");
      media += check_description (remote, "remote");
      GST_INFO_OBJECT (w, "%u media m-lines checked", media);

      /* the DTLS handshake finished, with the certificate the remote's SDP
       * announced: SRTP keys come from it, nobody in the signalling path
       * can substitute theirs */
      g_signal_emit_by_name (w, "get-transceivers", &transceivers);
      for (guint t = 0; t < transceivers->len; t++) {
        GstWebRTCRTPTransceiver *tr =
            g_array_index (transceivers, GstWebRTCRTPTransceiver *, t);
        GstWebRTCRTPSender *sender = NULL;
        GstWebRTCDTLSTransport *dtls = NULL;
        GstWebRTCDTLSTransportState state;
        gchar *remote_pem = NULL, *fp;
        guint mline;
        const GstSDPMedia *m;

        g_object_get (tr, "sender", &sender, "mlineindex", &mline, NULL);
        g_object_get (sender, "transport", &dtls, NULL);
        fail_unless (dtls != NULL);
        g_object_get (dtls, "state", &state, "remote-certificate",
            &remote_pem, NULL);
        fail_unless_equals_int (state,
            GST_WEBRTC_DTLS_TRANSPORT_STATE_CONNECTED);
        fail_unless (remote_pem != NULL);
        fp = pem_fingerprint (remote_pem);
        m = gst_sdp_message_get_media (remote->sdp, mline);
        fail_unless (g_ascii_strcasecmp (fp, fingerprint_of (remote->sdp,
                    m)) == 0, "DTLS peer %s, SDP says %s", fp,
            fingerprint_of (remote->sdp, m));
        transports++;
        g_free (fp);
        g_free (remote_pem);
        gst_object_unref (dtls);
        gst_object_unref (sender);
      }
      g_array_unref (transceivers);
      gst_webrtc_session_description_free (local);
      gst_webrtc_session_description_free (remote);
    }
    g_ptr_array_unref (bins);
  }
  /* two rooms, each an audio and a video transceiver */
  fail_unless (transports >= 4, "%u transceivers checked", transports);

  member_free (a);
  member_free (b);
}

GST_END_TEST;

/* A member offering plain RTP (no DTLS: RTP/AVP, no fingerprint) is a
 * member all the same, so only the crypto check can stop it. */
static const gchar *plain_rtp_offer =
    "v=0\r\n"
    "o=- 1 1 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE video0\r\n"
    "m=video 9 RTP/AVP 96\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "a=mid:video0\r\n"
    "a=sendrecv\r\n"
    "a=rtcp-mux\r\n"
    "a=ice-ufrag:abcd\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n" "a=rtpmap:96 VP8/90000\r\n";

static gboolean
plain_offer_refused (gpointer data)
{
  Member *m = data;
  GstStructure *s = last_message (m, "peerjs-connection-state", "peer-id",
      "mallory");

  return s && g_strcmp0 (gst_structure_get_string (s, "state"), "failed") == 0;
}

static void
on_raw_open (GstPeerJSSession * s, const gchar * id, gpointer user_data)
{
  g_atomic_int_set ((gint *) user_data, 1);
}

static gboolean
is_set (gpointer data)
{
  return g_atomic_int_get ((gint *) data) != 0;
}

GST_START_TEST (test_offer_without_dtls_refused)
{
  Member *a = member_new ("alice", "mallory", "call-policy=answer-only");
  GstPeerJSSession *mallory = gst_peerjs_session_new (server_uri, NULL,
      "mallory");
  GstPeerJSMessage *offer;
  GstStructure *err;
  GError *error = NULL;
  gint opened = 0;

  member_play (a);
  g_signal_connect (mallory, "open", G_CALLBACK (on_raw_open), &opened);
  fail_unless (gst_peerjs_session_start (mallory, NULL));
  fail_unless (wait_until (is_set, &opened, 10000));
  offer = gst_peerjs_message_new_offer ("alice",
      GST_PEERJS_CONNECTION_MEDIA, "mc_plainrtp0001", plain_rtp_offer);
  fail_unless (gst_peerjs_session_send (mallory, offer, &error), "%s",
      error ? error->message : "");
  gst_peerjs_message_free (offer);

  fail_unless (wait_until (plain_offer_refused, a, 10000),
      "alice did not refuse the plain-RTP offer");
  err = last_message (a, "peerjs-connection-state", "peer-id", "mallory");
  GST_INFO ("refused: %" GST_PTR_FORMAT, err);
  /* webrtcbin: "No fingerprint lines in sdp for media 0" */
  fail_unless_equals_string (gst_structure_get_string (err, "reason"),
      "negotiation-failed");
  /* and nothing of it connected or got a pad */
  g_usleep (G_USEC_PER_SEC);
  fail_if (has_message (a, "peerjs-connection-state", "state", "connected"));
  fail_if (has_message (a, "peerjs-peer-joined", "peer-id", "mallory"));
  fail_unless_equals_int (count_of (a, "video_mallory"), 0);

  gst_peerjs_session_stop (mallory);
  gst_object_unref (mallory);
  member_free (a);
}

GST_END_TEST;

/* --- wss:// certificates ---------------------------------------------- */

typedef struct
{
  gboolean opened;
  gchar *error;
} WssResult;

/* a room against @uri; its first peerjs-open or ERROR within 10 s */
/* a room alone in a pipeline */
static GstElement *
room_pipeline (const gchar * uri, const gchar * peer_id, GstElement ** room)
{
  GstElement *pipeline = gst_pipeline_new (NULL);

  *room = gst_element_factory_make ("peerjsroom", "room");
  fail_unless (*room != NULL);
  g_object_set (*room, "server", uri, "peer-id", peer_id, NULL);
  gst_bin_add (GST_BIN (pipeline), *room);
  return pipeline;
}

static WssResult
wss_attempt (const gchar * uri, const gchar * ca_file)
{
  GstElement *room;
  GstElement *pipeline = room_pipeline (uri, "carol", &room);
  GstBus *bus = gst_element_get_bus (pipeline);
  WssResult r = { FALSE, NULL };
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_object_set (room, "tls-ca-file", ca_file, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (!r.opened && !r.error && g_get_monotonic_time () < end) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);

    if (!msg)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      GError *e = NULL;
      gchar *dbg = NULL;

      gst_message_parse_error (msg, &e, &dbg);
      r.error = g_strdup_printf ("%s (%s)", e->message, dbg ? dbg : "");
      g_error_free (e);
      g_free (dbg);
    } else if (gst_message_has_name (msg, "peerjs-open")) {
      r.opened = TRUE;
    }
    gst_message_unref (msg);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return r;
}

GST_START_TEST (test_wss_certificate_validated)
{
  GstPeerJSServer *tls = tls_server_new ();
  gchar *uri = g_strdup_printf ("wss://127.0.0.1:%u/",
      gst_peerjs_server_get_port (tls));
  WssResult r;

  /* the system's CAs do not know the test CA: a clear, fatal error */
  r = wss_attempt (uri, NULL);
  fail_if (r.opened);
  fail_unless (r.error != NULL, "no error for an unknown CA");
  fail_unless (strstr (r.error, "tls-ca-file") != NULL, "%s", r.error);
  GST_INFO ("unknown CA: %s", r.error);
  g_free (r.error);

  /* a CA file, but not the one that signed the certificate */
  r = wss_attempt (uri, TEST_FILES "/other-ca.pem");
  fail_if (r.opened);
  fail_unless (r.error != NULL);
  g_free (r.error);

  /* the right CA */
  r = wss_attempt (uri, TEST_FILES "/ca.pem");
  fail_unless (r.opened, "%s", r.error ? r.error : "no peerjs-open");
  g_free (r.error);

  gst_peerjs_server_stop (tls);
  gst_object_unref (tls);
  g_free (uri);
}

GST_END_TEST;

/* --- secrets never logged --------------------------------------------- */

static GMutex log_lock;
static GString *log_text;
static guint log_lines;

static void
capture_gst_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  const gchar *text = gst_debug_message_get (message);

  g_mutex_lock (&log_lock);
  g_string_append_printf (log_text, "%s %s:%d %s\n",
      gst_debug_category_get_name (category), function, line, text ? text : "");
  log_lines++;
  g_mutex_unlock (&log_lock);
}

static void
capture_glib_log (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
  g_mutex_lock (&log_lock);
  g_string_append_printf (log_text, "[%s] %s\n", domain ? domain : "", message);
  log_lines++;
  g_mutex_unlock (&log_lock);
}

static void
start_capture (void)
{
  log_text = g_string_new (NULL);
  log_lines = 0;
  gst_debug_set_active (TRUE);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (capture_gst_log, NULL, NULL);
  /* LOG everywhere would be millions of lines of RTP; our own code at
   * every level, everything else at DEBUG */
  gst_debug_set_default_threshold (GST_LEVEL_DEBUG);
  gst_debug_set_threshold_for_name ("peerjs*", GST_LEVEL_MEMDUMP);
  g_log_set_default_handler (capture_glib_log, NULL);
}

static gchar *
stop_capture (void)
{
  gst_debug_set_default_threshold (GST_LEVEL_NONE);
  gst_debug_remove_log_function (capture_gst_log);
  gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
  g_log_set_default_handler (g_log_default_handler, NULL);
  return g_string_free (log_text, FALSE);
}

/* A stand-in server that records what the session sends in its socket
 * URL (so the test knows the token), answers OPEN, and drops the first
 * socket so the session also reconnects with it. */
typedef struct
{
  GMutex lock;
  gchar *key, *token;
  guint sockets;
  GPtrArray *conns;
} Recorder;

static void
on_ws (SoupServer * s, SoupServerMessage * msg, const char *path,
    SoupWebsocketConnection * conn, gpointer user_data)
{
  Recorder *r = user_data;
  GHashTable *params = g_uri_parse_params (g_uri_get_query
      (soup_server_message_get_uri (msg)), -1, "&", G_URI_PARAMS_NONE, NULL);
  guint n;

  g_mutex_lock (&r->lock);
  if (params) {
    g_free (r->key);
    g_free (r->token);
    r->key = g_strdup (g_hash_table_lookup (params, "key"));
    r->token = g_strdup (g_hash_table_lookup (params, "token"));
    g_hash_table_unref (params);
  }
  n = ++r->sockets;
  g_ptr_array_add (r->conns, g_object_ref (conn));
  g_mutex_unlock (&r->lock);

  soup_websocket_connection_send_text (conn, "{\"type\":\"OPEN\"}");
  if (n == 1)
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
        NULL);
}

typedef struct
{
  Recorder *r;
  GstElement *room;
  guint opens;
} OpenCount;

static gboolean
second_socket_open (gpointer data)
{
  OpenCount *oc = data;
  guint n;

  g_mutex_lock (&oc->r->lock);
  n = oc->r->sockets;
  g_mutex_unlock (&oc->r->lock);
  return n >= 2;
}

static void
spin (GMainContext * ctx)
{
  if (!g_main_context_iteration (ctx, FALSE))
    g_usleep (10000);
}

static gboolean
grep_secret (const gchar * text, const gchar * secret, const gchar * what)
{
  const gchar *hit = strstr (text, secret);

  if (hit) {
    const gchar *start = hit, *end = hit;

    while (start > text && start[-1] != '\n')
      start--;
    while (*end && *end != '\n')
      end++;
    g_printerr ("the %s is in the log: %.*s\n", what, (int) (end - start),
        start);
  }
  return hit != NULL;
}

GST_START_TEST (test_secrets_not_logged)
{
  Recorder r = { 0, };
  SoupServer *ss = soup_server_new (NULL, NULL);
  GMainContext *ctx = g_main_context_new ();
  GError *error = NULL;
  GSList *uris;
  guint port;
  gchar *uri, *text, *token;
  GstElement *pipeline, *room;
  gint64 end;
  OpenCount oc;
  Member *a, *b;

  g_mutex_init (&r.lock);
  r.conns = g_ptr_array_new_with_free_func (g_object_unref);

  /* 1. the session's own socket: connect, reconnect with the token */
  g_main_context_push_thread_default (ctx);
  soup_server_add_websocket_handler (ss, "/peerjs", NULL, NULL, on_ws, &r,
      NULL);
  fail_unless (soup_server_listen_local (ss, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
          &error), "%s", error ? error->message : "");
  uris = soup_server_get_uris (ss);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  uri = g_strdup_printf ("ws://127.0.0.1:%u/", port);

  start_capture ();
  /* the key as an application sets it: GStreamer's own parser logs a
   * launch line, key and all, at DEBUG (docs/security.md) */
  pipeline = room_pipeline (uri, "dave", &room);
  g_object_set (room, "key", KEY, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  oc.r = &r;
  end = g_get_monotonic_time () + 15 * G_TIME_SPAN_SECOND;
  while (!second_socket_open (&oc) && g_get_monotonic_time () < end)
    spin (ctx);
  /* a moment more of the reconnected session's traffic and its logs */
  end = g_get_monotonic_time () + G_TIME_SPAN_SECOND;
  while (g_get_monotonic_time () < end)
    spin (ctx);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_main_context_pop_thread_default (ctx);

  g_mutex_lock (&r.lock);
  fail_unless (r.sockets >= 2, "the session reconnected (%u sockets)",
      r.sockets);
  fail_unless_equals_string (r.key, KEY);
  fail_unless (r.token != NULL && strlen (r.token) >= 8, "a token: %s",
      r.token);
  token = g_strdup (r.token);
  g_mutex_unlock (&r.lock);

  /* 2. a call between two rooms through the real (embedded) server, which
   * knows the key and both tokens, all logging too */
  a = member_new ("alice", "bob", NULL);
  b = member_new ("bob", "alice", NULL);
  g_object_set (a->room, "key", KEY, NULL);
  g_object_set (b->room, "key", KEY, NULL);
  member_play (a);
  member_play (b);
  assert_flow (a, "bob", FALSE, FLOW_TIMEOUT_MS);
  assert_flow (b, "alice", FALSE, FLOW_TIMEOUT_MS);
  member_free (a);
  member_free (b);

  text = stop_capture ();
  GST_INFO ("%u log lines, %" G_GSIZE_FORMAT " bytes", log_lines,
      strlen (text));
  fail_unless (log_lines > 1000, "the capture saw the logs (%u lines)",
      log_lines);
  fail_unless (strstr (text, "dave") != NULL, "the capture has the session");
  fail_if (grep_secret (text, KEY, "key"));
  fail_if (grep_secret (text, token, "token"));
  fail_unless (reliability_check ("security-secrets-logged",
          (strstr (text, KEY) != NULL) + (strstr (text, token) != NULL), ""));

  g_free (text);
  g_free (token);
  g_free (uri);
  g_ptr_array_unref (r.conns);
  g_free (r.key);
  g_free (r.token);
  g_mutex_clear (&r.lock);
  soup_server_disconnect (ss);
  g_object_unref (ss);
  g_main_context_unref (ctx);
}

GST_END_TEST;

static void
keyed_server_setup (void)
{
  GError *error = NULL;

  gst_peerjs_init ();
  filter_upstream_sctp_teardown_warning ();
  server = gst_peerjs_server_new ();
  g_object_set (server, "port", 0, "key", KEY, "expire-timeout", 1000, NULL);
  fail_unless (gst_peerjs_server_start (server, &error), "%s",
      error ? error->message : "");
  server_uri = g_strdup_printf ("ws://127.0.0.1:%u/",
      gst_peerjs_server_get_port (server));
}

static Suite *
peerjssecurity_suite (void)
{
  Suite *s = suite_create ("peerjssecurity");
  TCase *tc = tcase_create ("general");
  TCase *tc_secrets = tcase_create ("secrets");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_add_test (tc, test_media_only_dtls_srtp);
  tcase_add_test (tc, test_offer_without_dtls_refused);
  tcase_add_test (tc, test_wss_certificate_validated);

  suite_add_tcase (s, tc_secrets);
  tcase_add_checked_fixture (tc_secrets, keyed_server_setup, server_teardown);
  tcase_add_test (tc_secrets, test_secrets_not_logged);
  return s;
}

GST_CHECK_MAIN (peerjssecurity);
