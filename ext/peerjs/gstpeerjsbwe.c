/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* A send-side bandwidth estimate per connection, so that a link slower
 * than video-bitrate degrades the picture instead of breaking it.
 *
 * webrtcbin 1.22 has no congestion control (no GCC, no REMB handling):
 * the encoder sends video-bitrate whatever the path carries. Through a
 * 1 Mbit/s link, 2 Mbit/s of VP8 lost half its packets in the queue and
 * the receiver decoded nothing at all (tests/reliability/slow-netem.sh).
 *
 * What we have: the NACKs of the video we send (what share of the packets
 * sent since the last poll the receiver asked for again: it asks as soon
 * as it misses one), the receiver reports about what we send
 * (gstpeerjsreports.c: the fraction lost in the report's interval and the
 * round-trip time, every second or so), and, when the remote does
 * transport-wide congestion control feedback (browsers and our own
 * elements do), rtpsession's TWCC window: the bitrate that left, the
 * bitrate that arrived, the share lost. The loss is the larger of the
 * receiver report's and TWCC's, or without TWCC of the report's and the
 * NACKs' (NACKs also ask for packets that were only late).
 * The rule is the loss-based half of Google Congestion Control (RFC draft
 * draft-ietf-rmcat-gcc-02, 6), with TWCC's delivered share as a floor on
 * the step, plus a queueing-delay brake:
 *
 *   loss > 10 %                        rate *= min (1 - loss / 2,
 *                                                   0.85 * arrived / left)
 *   RTT > the lowest seen + 100 ms     rate *= 0.85 (a queue is filling)
 *   loss < 5 %                         rate *= 1.08, up to max-bitrate
 *   otherwise                          rate stays
 *
 * (GCC increases below 2 %; NACKs also ask for packets that were only
 * late, and on a busy machine that alone came to 1-5 %: at 2 % the rate
 * never came back up after the link did.)
 *
 * between min-bitrate and max-bitrate (gst_peerjs_fanout_get_bitrate_bounds:
 * by default 150 kbit/s and video-bitrate). One encoder serves
 * every connection (gstpeerjsfanout.c), so it runs at the lowest estimate
 * of them all. A receiver report counts once. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsbwe.h"

#include <gst/webrtc/webrtc.h>

#define GST_CAT_DEFAULT peerjs_bwe_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

#define LOSS_HIGH 0.10
#define LOSS_LOW 0.05
#define QUEUE_DELAY_S 0.100
#define INCREASE 1.08
#define DELAY_DECREASE 0.85
#define DELIVERED_MARGIN 0.85

typedef struct
{
  GMutex lock;
  GstPeerJSFanout *fanout;
  gboolean in_flight;
  gdouble kbps;                 /* 0: not started */
  gdouble min_rtt;              /* s, < 0: none yet */
  guint64 last_reports;         /* receiver reports taken */
  guint64 last_twcc;            /* TWCC windows seen */
  gboolean have_counts;
  guint64 last_sent, last_requests;     /* video packets, NACKed packets */
  guint64 polled_requests;      /* NACKed packets when the stats were asked */
} Bwe;

static GQuark
bwe_quark (void)
{
  static gsize q = 0;

  if (g_once_init_enter (&q)) {
    GST_DEBUG_CATEGORY_INIT (peerjs_bwe_debug, "peerjsbwe", 0,
        "PeerJS send-side bandwidth estimate");
    g_once_init_leave (&q, g_quark_from_static_string ("gst-peerjs-bwe"));
  }
  return (GQuark) q;
}

static void
bwe_free (Bwe * bwe)
{
  gst_clear_object (&bwe->fanout);
  g_mutex_clear (&bwe->lock);
  g_free (bwe);
}

/* The video packets we sent, and the latest receiver report: the fraction
 * of packets lost in its interval and the round-trip time (s, 0: none). */
typedef struct
{
  gdouble loss;
  gdouble rtt;
  guint64 sent;                 /* video packets we sent */
} Report;

static const GstStructure *
stats_entry (const GValue * v, GstWebRTCStatsType * type)
{
  const GstStructure *s;

  if (!G_VALUE_HOLDS (v, GST_TYPE_STRUCTURE))
    return NULL;
  s = gst_value_get_structure (v);
  if (!gst_structure_get_enum (s, "type", GST_TYPE_WEBRTC_STATS_TYPE,
          (gint *) type))
    return NULL;
  return s;
}

/* With max-bundle webrtcbin 1.22 lists each SSRC under every transceiver
 * with that transceiver's "kind": the clock rate of our source tells
 * (video: 90 kHz). */
static gboolean
is_video_source (const GstStructure * s)
{
  const GValue *v = gst_structure_get_value (s, "gst-rtpsource-stats");
  gint rate = 0;

  return v && G_VALUE_HOLDS (v, GST_TYPE_STRUCTURE)
      && gst_structure_get_int (gst_value_get_structure (v), "clock-rate",
      &rate) && rate == 90000;
}

static void
collect (const GstStructure * all, Report * r)
{
  guint i, n = gst_structure_n_fields (all);
  GHashTable *video = g_hash_table_new (NULL, NULL);
  GstWebRTCStatsType type;
  const GstStructure *s;
  guint ssrc;

  /* our video SSRCs */
  for (i = 0; i < n; i++) {
    s = stats_entry (gst_structure_get_value (all,
            gst_structure_nth_field_name (all, i)), &type);
    if (s && type == GST_WEBRTC_STATS_OUTBOUND_RTP && is_video_source (s)
        && gst_structure_get_uint (s, "ssrc", &ssrc)
        && !g_hash_table_contains (video, GUINT_TO_POINTER (ssrc))) {
      guint64 sent = 0;

      g_hash_table_add (video, GUINT_TO_POINTER (ssrc));
      gst_structure_get_uint64 (s, "packets-sent", &sent);
      r->sent += sent;
    }
  }
  g_hash_table_unref (video);
}

static void
on_stats (GstPeerJSConnection * conn, const GstStructure * stats,
    gpointer user_data)
{
  Bwe *bwe = g_object_get_qdata (G_OBJECT (conn), bwe_quark ());
  Report r = { 0, };
  GstPeerJSReportsSnapshot reports;
  gboolean new_report, have_nack = FALSE, have_twcc;
  gdouble before, min_rtt, nack_loss = 0, delivered = 1;
  guint64 requests;
  guint min_kbps, max_kbps, kbps;
  const gchar *why;
  GstPeerJSFanout *fanout;

  if (!bwe)
    return;
  if (stats)
    collect (stats, &r);
  gst_peerjs_connection_get_reports (conn, &reports);

  g_mutex_lock (&bwe->lock);
  bwe->in_flight = FALSE;
  requests = bwe->polled_requests;
  if (!bwe->fanout || r.sent == 0) {
    g_mutex_unlock (&bwe->lock);
    GST_LOG_OBJECT (conn, "no video sent yet");
    return;
  }
  /* the NACKed share of what we sent since the last poll */
  if (bwe->have_counts && r.sent > bwe->last_sent
      && requests >= bwe->last_requests) {
    nack_loss = CLAMP ((gdouble) (requests - bwe->last_requests) /
        (gdouble) (r.sent - bwe->last_sent), 0.0, 1.0);
    have_nack = TRUE;
  }
  bwe->have_counts = TRUE;
  bwe->last_sent = r.sent;
  bwe->last_requests = requests;
  new_report = reports.count != bwe->last_reports && reports.loss >= 0;
  bwe->last_reports = reports.count;
  if (new_report) {
    r.loss = reports.loss;
    r.rtt = MAX (reports.rtt, 0.0);
  }
  /* the transport-wide feedback: what share of what left arrived */
  have_twcc = reports.twcc_count != bwe->last_twcc
      && reports.twcc_sent_kbps > 0;
  bwe->last_twcc = reports.twcc_count;
  if (have_twcc)
    delivered = CLAMP (reports.twcc_recv_kbps / reports.twcc_sent_kbps,
        0.0, 1.0);
  if (!new_report && !have_nack && !have_twcc) {
    g_mutex_unlock (&bwe->lock);
    GST_LOG_OBJECT (conn, "nothing new");
    return;
  }
  /* TWCC tells what did not arrive; NACKs also ask for what was only
   * late, and on a busy receiver that alone took the rate to its minimum
   * (elements/peerjsobs under load): with TWCC, NACKs do not count */
  if (have_twcc)
    r.loss = new_report ? MAX (r.loss, reports.twcc_loss) : reports.twcc_loss;
  else
    r.loss = new_report ? MAX (r.loss, nack_loss) : nack_loss;
  if (!new_report)
    r.rtt = 0;

  gst_peerjs_fanout_get_bitrate_bounds (bwe->fanout, &min_kbps, &max_kbps);
  /* a call starts from video-bitrate */
  if (bwe->kbps <= 0)
    bwe->kbps = gst_peerjs_fanout_get_video_bitrate (bwe->fanout);
  before = bwe->kbps;
  if (r.rtt > 0 && (bwe->min_rtt < 0 || r.rtt < bwe->min_rtt))
    bwe->min_rtt = r.rtt;

  if (r.loss > LOSS_HIGH) {
    /* through a narrow link what arrives is what it carries: go under
     * that at once rather than halving the loss step by step */
    bwe->kbps *= MIN (1.0 - r.loss / 2.0, have_twcc && delivered < 0.95 ?
        DELIVERED_MARGIN * delivered : 1.0);
    why = "loss";
  } else if (r.rtt > 0 && r.rtt > bwe->min_rtt + QUEUE_DELAY_S) {
    bwe->kbps *= DELAY_DECREASE;
    why = "queueing delay";
  } else if (r.loss < LOSS_LOW) {
    bwe->kbps *= INCREASE;
    why = "no loss";
  } else {
    why = "some loss";
  }
  bwe->kbps = CLAMP (bwe->kbps, (gdouble) min_kbps, (gdouble) max_kbps);
  kbps = (guint) bwe->kbps;
  min_rtt = bwe->min_rtt;
  fanout = gst_object_ref (bwe->fanout);
  g_mutex_unlock (&bwe->lock);

  GST_DEBUG_OBJECT (conn, "report: loss %.3f, rtt %.0f ms (lowest %.0f), "
      "delivered %.2f: %s, %.0f -> %u kbit/s", r.loss, r.rtt * 1000.0,
      min_rtt * 1000.0, delivered, why, before, kbps);
  gst_peerjs_fanout_set_path_bitrate (fanout, conn, kbps);
  gst_object_unref (fanout);
}

void
gst_peerjs_bwe_poll (GstPeerJSConnection * conn, GstPeerJSFanout * fanout)
{
  GQuark q = bwe_quark ();
  guint64 requests;
  Bwe *bwe;

  g_return_if_fail (GST_IS_PEERJS_CONNECTION (conn));
  g_return_if_fail (GST_IS_PEERJS_FANOUT (fanout));

  bwe = g_object_get_qdata (G_OBJECT (conn), q);
  if (!bwe) {
    bwe = g_new0 (Bwe, 1);
    g_mutex_init (&bwe->lock);
    bwe->fanout = gst_object_ref (fanout);
    bwe->min_rtt = -1;
    /* the connection's thread is the only one that polls: no race */
    g_object_set_qdata_full (G_OBJECT (conn), q, bwe,
        (GDestroyNotify) bwe_free);
  }
  g_mutex_lock (&bwe->lock);
  if (bwe->in_flight || !bwe->fanout) {
    g_mutex_unlock (&bwe->lock);
    GST_LOG_OBJECT (conn, "not polling: %s", bwe->fanout ? "a request is "
        "pending" : "forgotten");
    return;
  }
  g_mutex_unlock (&bwe->lock);

  /* read here, on the connection's timer, and never in the stats reply:
   * that runs on webrtcbin's thread, and walking webrtcbin's elements from
   * there deadlocked against a connection being closed */
  requests = gst_peerjs_connection_get_rtx_requests (conn);
  g_mutex_lock (&bwe->lock);
  bwe->in_flight = TRUE;
  bwe->polled_requests = requests;
  g_mutex_unlock (&bwe->lock);

  if (!gst_peerjs_connection_request_stats (conn, on_stats, NULL, NULL)) {
    g_mutex_lock (&bwe->lock);
    bwe->in_flight = FALSE;
    g_mutex_unlock (&bwe->lock);
  }
}

void
gst_peerjs_bwe_forget (GstPeerJSConnection * conn, GstPeerJSFanout * fanout)
{
  Bwe *bwe;

  g_return_if_fail (GST_IS_PEERJS_CONNECTION (conn));

  bwe = g_object_get_qdata (G_OBJECT (conn), bwe_quark ());
  if (bwe) {
    g_mutex_lock (&bwe->lock);
    gst_clear_object (&bwe->fanout);
    g_mutex_unlock (&bwe->lock);
  }
  if (fanout)
    gst_peerjs_fanout_set_path_bitrate (fanout, conn, 0);
}
