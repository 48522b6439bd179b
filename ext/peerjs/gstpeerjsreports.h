/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_REPORTS_H__
#define __GST_PEERJS_REPORTS_H__

#include <gst/gst.h>

G_BEGIN_DECLS typedef struct _GstPeerJSReports GstPeerJSReports;

/* What the remote's receiver reports said about the media we send. */
typedef struct
{
  guint64 count;                /* fresh report blocks about us so far */
  gdouble rtt;                  /* s, of the latest that tells one; < 0: none */
  gdouble loss;                 /* 0..1, of the latest; < 0: none */
} GstPeerJSReportsSnapshot;

GstPeerJSReports *gst_peerjs_reports_new (GstElement * webrtcbin);

void gst_peerjs_reports_get (GstPeerJSReports * reports,
    GstPeerJSReportsSnapshot * snapshot);

void gst_peerjs_reports_free (GstPeerJSReports * reports);

G_END_DECLS
#endif /* __GST_PEERJS_REPORTS_H__ */
