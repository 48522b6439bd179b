/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstpeerjserror
 * @title: GstPeerJSError
 * @short_description: PeerJS error types as a GError domain
 *
 * Every error the library reports is a #GError in the %GST_PEERJS_ERROR
 * domain. The codes map one to one onto the `type` strings of the
 * JavaScript client's `PeerError` (`peer-unavailable`, `unavailable-id`,
 * ...), so an application can tell its users the same thing a browser app
 * would. The #GstPeerJSError enum type carries those strings as value nicks.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjserror.h"

/* Indexed by GstPeerJSError; the nicks are the PeerJS wire names. */
static const GEnumValue error_values[] = {
  {GST_PEERJS_ERROR_PEER_UNAVAILABLE, "GST_PEERJS_ERROR_PEER_UNAVAILABLE",
      "peer-unavailable"},
  {GST_PEERJS_ERROR_UNAVAILABLE_ID, "GST_PEERJS_ERROR_UNAVAILABLE_ID",
      "unavailable-id"},
  {GST_PEERJS_ERROR_INVALID_ID, "GST_PEERJS_ERROR_INVALID_ID", "invalid-id"},
  {GST_PEERJS_ERROR_INVALID_KEY, "GST_PEERJS_ERROR_INVALID_KEY",
      "invalid-key"},
  {GST_PEERJS_ERROR_NETWORK, "GST_PEERJS_ERROR_NETWORK", "network"},
  {GST_PEERJS_ERROR_SERVER_ERROR, "GST_PEERJS_ERROR_SERVER_ERROR",
      "server-error"},
  {GST_PEERJS_ERROR_SOCKET_ERROR, "GST_PEERJS_ERROR_SOCKET_ERROR",
      "socket-error"},
  {GST_PEERJS_ERROR_SOCKET_CLOSED, "GST_PEERJS_ERROR_SOCKET_CLOSED",
      "socket-closed"},
  {GST_PEERJS_ERROR_DISCONNECTED, "GST_PEERJS_ERROR_DISCONNECTED",
      "disconnected"},
  {GST_PEERJS_ERROR_SSL_UNAVAILABLE, "GST_PEERJS_ERROR_SSL_UNAVAILABLE",
      "ssl-unavailable"},
  {GST_PEERJS_ERROR_BROWSER_INCOMPATIBLE,
      "GST_PEERJS_ERROR_BROWSER_INCOMPATIBLE", "browser-incompatible"},
  {GST_PEERJS_ERROR_WEBRTC, "GST_PEERJS_ERROR_WEBRTC", "webrtc"},
  {0, NULL, NULL}
};

#define N_ERROR_CODES (G_N_ELEMENTS (error_values) - 1)
G_STATIC_ASSERT (N_ERROR_CODES == GST_PEERJS_ERROR_WEBRTC + 1);

/**
 * gst_peerjs_error_quark:
 *
 * The quark of the %GST_PEERJS_ERROR domain.
 *
 * Returns: the error domain quark
 *
 * Since: 1.0
 */
GQuark
gst_peerjs_error_quark (void)
{
  return g_quark_from_static_string ("gst-peerjs-error-quark");
}

/**
 * gst_peerjs_error_get_type:
 *
 * The #GType of #GstPeerJSError. Its value nicks are the PeerJS error type
 * names.
 *
 * Returns: the enum type, registered as "GstPeerJSError"
 *
 * Since: 1.0
 */
GType
gst_peerjs_error_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstPeerJSError", error_values);

    g_once_init_leave (&type, t);
  }

  return (GType) type;
}

/**
 * gst_peerjs_error_type_name:
 * @code: a #GstPeerJSError
 *
 * The PeerJS name of an error code, as the JavaScript client puts it in
 * `PeerError.type`.
 *
 * Returns: (nullable): the name, e.g. "peer-unavailable", or %NULL if
 *   @code is not a #GstPeerJSError
 *
 * Since: 1.0
 */
const gchar *
gst_peerjs_error_type_name (GstPeerJSError code)
{
  /* An enum may be unsigned or signed depending on the compiler. */
  if ((gint) code < 0 || (guint) code >= N_ERROR_CODES)
    return NULL;

  return error_values[code].value_nick;
}

/**
 * gst_peerjs_error_from_type_name:
 * @name: a PeerJS error type name, e.g. "unavailable-id"
 * @code: (out) (optional): where to store the code
 *
 * The inverse of gst_peerjs_error_type_name(). The match is exact (the
 * PeerJS names are lower case).
 *
 * Returns: %TRUE if @name is a PeerJS error type, %FALSE otherwise (then
 *   @code is left untouched)
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_error_from_type_name (const gchar * name, GstPeerJSError * code)
{
  guint i;

  if (name == NULL)
    return FALSE;

  for (i = 0; i < N_ERROR_CODES; i++) {
    if (g_str_equal (name, error_values[i].value_nick)) {
      if (code)
        *code = (GstPeerJSError) error_values[i].value;
      return TRUE;
    }
  }

  return FALSE;
}
