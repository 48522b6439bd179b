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

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>

/* PeerError.type of peerjs 1.5.5 (peerjs-protocol.md 3.5). */
static const struct
{
  GstPeerJSError code;
  const gchar *name;
  const gchar *value_name;
} peerjs_errors[] = {
  {GST_PEERJS_ERROR_PEER_UNAVAILABLE, "peer-unavailable",
      "GST_PEERJS_ERROR_PEER_UNAVAILABLE"},
  {GST_PEERJS_ERROR_UNAVAILABLE_ID, "unavailable-id",
      "GST_PEERJS_ERROR_UNAVAILABLE_ID"},
  {GST_PEERJS_ERROR_INVALID_ID, "invalid-id", "GST_PEERJS_ERROR_INVALID_ID"},
  {GST_PEERJS_ERROR_INVALID_KEY, "invalid-key",
      "GST_PEERJS_ERROR_INVALID_KEY"},
  {GST_PEERJS_ERROR_NETWORK, "network", "GST_PEERJS_ERROR_NETWORK"},
  {GST_PEERJS_ERROR_SERVER_ERROR, "server-error",
      "GST_PEERJS_ERROR_SERVER_ERROR"},
  {GST_PEERJS_ERROR_SOCKET_ERROR, "socket-error",
      "GST_PEERJS_ERROR_SOCKET_ERROR"},
  {GST_PEERJS_ERROR_SOCKET_CLOSED, "socket-closed",
      "GST_PEERJS_ERROR_SOCKET_CLOSED"},
  {GST_PEERJS_ERROR_DISCONNECTED, "disconnected",
      "GST_PEERJS_ERROR_DISCONNECTED"},
  {GST_PEERJS_ERROR_SSL_UNAVAILABLE, "ssl-unavailable",
      "GST_PEERJS_ERROR_SSL_UNAVAILABLE"},
  {GST_PEERJS_ERROR_BROWSER_INCOMPATIBLE, "browser-incompatible",
      "GST_PEERJS_ERROR_BROWSER_INCOMPATIBLE"},
  {GST_PEERJS_ERROR_WEBRTC, "webrtc", "GST_PEERJS_ERROR_WEBRTC"},
};

GST_START_TEST (test_quark)
{
  GQuark quark = gst_peerjs_error_quark ();

  fail_unless (quark != 0);
  fail_unless_equals_int (quark, GST_PEERJS_ERROR);
  fail_unless_equals_string (g_quark_to_string (quark),
      "gst-peerjs-error-quark");
  /* Distinct from the protocol validation domain. */
  fail_if (quark == GST_PEERJS_PROTOCOL_ERROR);
}

GST_END_TEST;

GST_START_TEST (test_type_name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (peerjs_errors); i++)
    fail_unless_equals_string (gst_peerjs_error_type_name
        (peerjs_errors[i].code), peerjs_errors[i].name);

  fail_unless (gst_peerjs_error_type_name (GST_PEERJS_ERROR_WEBRTC + 1) ==
      NULL);
  fail_unless (gst_peerjs_error_type_name ((GstPeerJSError) - 1) == NULL);
  fail_unless (gst_peerjs_error_type_name ((GstPeerJSError) 1000) == NULL);
}

GST_END_TEST;

GST_START_TEST (test_from_type_name)
{
  const gchar *not_names[] = {
    "", "Network", "NETWORK", "webrtc ", " webrtc", "peer_unavailable",
    "negotiation-failed", "connection-closed", "GST_PEERJS_ERROR_NETWORK",
  };
  GstPeerJSError code;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (peerjs_errors); i++) {
    code = (GstPeerJSError) 4242;
    fail_unless (gst_peerjs_error_from_type_name (peerjs_errors[i].name,
            &code));
    fail_unless_equals_int (code, peerjs_errors[i].code);
    /* Both ways agree. */
    fail_unless_equals_string (gst_peerjs_error_type_name (code),
        peerjs_errors[i].name);
  }

  /* @code is optional. */
  fail_unless (gst_peerjs_error_from_type_name ("network", NULL));

  for (i = 0; i < G_N_ELEMENTS (not_names); i++) {
    code = (GstPeerJSError) 4242;
    fail_if (gst_peerjs_error_from_type_name (not_names[i], &code),
        "\"%s\" accepted", not_names[i]);
    fail_unless_equals_int (code, 4242);
  }
  fail_if (gst_peerjs_error_from_type_name (NULL, &code));
}

GST_END_TEST;

GST_START_TEST (test_enum_type)
{
  GType type = GST_TYPE_PEERJS_ERROR;
  GEnumClass *klass;
  guint i;

  fail_unless (G_TYPE_IS_ENUM (type));
  fail_unless_equals_string (g_type_name (type), "GstPeerJSError");
  fail_unless_equals_int (gst_peerjs_error_get_type (), type);

  klass = g_type_class_ref (type);
  fail_unless_equals_int (klass->n_values, G_N_ELEMENTS (peerjs_errors));

  for (i = 0; i < G_N_ELEMENTS (peerjs_errors); i++) {
    GEnumValue *by_value = g_enum_get_value (klass, peerjs_errors[i].code);
    GEnumValue *by_nick = g_enum_get_value_by_nick (klass,
        peerjs_errors[i].name);

    fail_unless (by_value != NULL);
    fail_unless_equals_string (by_value->value_nick, peerjs_errors[i].name);
    fail_unless_equals_string (by_value->value_name,
        peerjs_errors[i].value_name);
    fail_unless (by_nick == by_value);
    fail_unless (g_enum_get_value_by_name (klass,
            peerjs_errors[i].value_name) == by_value);
  }

  g_type_class_unref (klass);
}

GST_END_TEST;

GST_START_TEST (test_gerror)
{
  GError *error = NULL;

  g_set_error (&error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_UNAVAILABLE_ID,
      "ID \"%s\" is taken", "alice");
  fail_unless (g_error_matches (error, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_UNAVAILABLE_ID));
  fail_if (g_error_matches (error, GST_PEERJS_ERROR,
          GST_PEERJS_ERROR_INVALID_ID));
  fail_unless_equals_string (gst_peerjs_error_type_name (error->code),
      "unavailable-id");
  fail_unless_equals_string (error->message, "ID \"alice\" is taken");
  g_error_free (error);
}

GST_END_TEST;

static Suite *
error_suite (void)
{
  Suite *s = suite_create ("peerjserror");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_quark);
  tcase_add_test (tc, test_type_name);
  tcase_add_test (tc, test_from_type_name);
  tcase_add_test (tc, test_enum_type);
  tcase_add_test (tc, test_gerror);

  return s;
}

GST_CHECK_MAIN (error);
