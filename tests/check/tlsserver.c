/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#include "tlsserver.h"

#include <gst/check/gstcheck.h>

GstPeerJSServer *
tls_server_new (void)
{
  GstPeerJSServer *tls = gst_peerjs_server_new ();
  GTlsCertificate *cert;
  GError *error = NULL;

  cert = g_tls_certificate_new_from_files (TEST_FILES "/server.pem",
      TEST_FILES "/server.key", &error);
  fail_unless (cert != NULL, "%s", error ? error->message : "");
  g_object_set (tls, "port", 0, "tls-certificate", cert, NULL);
  g_object_unref (cert);
  fail_unless (gst_peerjs_server_start (tls, &error), "%s",
      error ? error->message : "");
  return tls;
}
