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
  /* RTCP receiver reports (every second or so) */
  guint64 count;                /* receiver reports about us so far */
  gdouble rtt;                  /* s, of the latest; < 0: none yet */
  gdouble loss;                 /* 0..1, the largest of the latest report's
                                 * blocks; < 0: none yet */
  /* transport-wide congestion control feedback (several a second), over
   * rtpsession's last 300 ms window: what left and what arrived */
  guint64 twcc_count;           /* windows so far */
  gdouble twcc_sent_kbps, twcc_recv_kbps;
  gdouble twcc_loss;            /* 0..1 */
} GstPeerJSReportsSnapshot;

GstPeerJSReports *gst_peerjs_reports_new (GstElement * webrtcbin);

void gst_peerjs_reports_get (GstPeerJSReports * reports,
    GstPeerJSReportsSnapshot * snapshot);

void gst_peerjs_reports_free (GstPeerJSReports * reports);

G_END_DECLS
#endif /* __GST_PEERJS_REPORTS_H__ */
