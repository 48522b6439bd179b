/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __UPSTREAM_BUGS_H__
#define __UPSTREAM_BUGS_H__

#include <gst/check/gstcheck.h>

/* GStreamer 1.22.0's sctp plugin (Debian 12): when a webrtcbin with a data
 * channel is torn down, usrsctp can still call back with the address of
 * the association just freed, and GObject warns "invalid uninstantiatable
 * type '(null)' in cast to 'GstSctpAssociation'" (seen in about one run in
 * five of the data tests, under load). It is inside the plugin, after our
 * connection is gone; docs/testing.md. Only that warning is let through:
 * every other warning and critical still fails the test. */
static inline void
filter_upstream_sctp_teardown_warning (void)
{
  gst_check_add_log_filter ("GLib-GObject", G_LOG_LEVEL_WARNING,
      g_regex_new ("in cast to 'GstSctpAssociation'", 0, 0, NULL), NULL,
      NULL, NULL);
}

#endif /* __UPSTREAM_BUGS_H__ */
