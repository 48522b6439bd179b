/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The receiver reports about the media we send, taken as they arrive.
 *
 * webrtcbin 1.22's remote-inbound-rtp statistics cannot be trusted for
 * them: rtpsession 1.22 keeps only the last report block a remote SSRC
 * sent (about any of our SSRCs: a GStreamer receiver puts blocks about
 * our audio, video and retransmission SSRCs in one packet), and webrtcbin
 * picks, for each of ours, some remote SSRC whose last block was about
 * it. On a loaded machine the pick was a block about our retransmission
 * SSRC, which had never sent a sender report (LSR 0): the round-trip time
 * stayed unknown for the whole call and the rate control went blind.
 * (GStreamer 1.25 keeps the blocks on our own sources.)
 *
 * So every block is read here, from the RTCP packets themselves
 * (rtpsession's on-receiving-rtcp), and the round trip is measured
 * against our own clock: on-sending-rtcp tells when each of our sender
 * reports left (by its NTP timestamp's middle 32 bits, which a block
 * quotes as LSR), so RTT = arrival - departure - DLSR (RFC 3550 6.4.1)
 * without depending on how rtpsession maps NTP time. The loss of any of
 * our streams stands for the path's: they share one bundled transport.
 *
 * rtpsession's regular RTCP comes every 5 s at the least (RFC 3550's
 * minimum; blocks ride only in regular packets, not in the early ones that
 * carry NACKs and TWCC feedback): with a second (what libwebrtc uses for
 * video) the rate control hears of a queue in time. The transport-wide
 * feedback (twcc-stats) comes every 100 ms, so the sender sees what
 * arrived of what it sent within a few hundred ms.
 *
 * That feedback starved the regular packets, though. rtpsession's forward
 * reconsideration (is_rtcp_time, 1.22 to 1.27) counts the interval from
 * the last packet of any kind, early ones included, and under AVPF that
 * interval is the bandwidth-based one alone: 5 % of the measured RTP rate,
 * a quarter of it for senders. At 500 kbit/s with three sending SSRCs it
 * is longer than the 100 ms between feedback packets, so the regular
 * report was put off again and again: one in 7-11 s, none at all on one
 * side of a test call for 20 s (measured with GST_DEBUG=peerjsreports:6).
 * An RTCP bandwidth given in bits per second makes that interval a few ms;
 * the pace of regular reports is then RFC 4585's T_rr (rtcp-min-interval,
 * randomised 0.5-1.5x), which the bandwidth does not touch. Early packets
 * are paced by their own causes (TWCC interval, NACK, PLI) either way.
 *
 * It is given only once the first regular report has left: with it from
 * the start, both ends sent their first report the moment media began,
 * each while learning the other's SSRCs from its report, and 1.22.0's
 * rtpsession, which drops its lock inside the loop over its sources to
 * look up a clock rate (fixed in 1.22.3), failed a hash table assertion
 * (once in three test calls). */

/* RTCP interval and TWCC feedback interval, ns */
#define RTCP_MIN_INTERVAL (1 * GST_SECOND)
#define TWCC_FEEDBACK_INTERVAL (100 * GST_MSECOND)
/* rtcp-fraction above 1 is bits per second: 1 Mbit/s makes the
 * bandwidth-based interval ~10-30 ms for our packet sizes */
#define RTCP_BANDWIDTH 1000000.0

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsreports.h"

#include <gst/rtp/gstrtcpbuffer.h>
#include <string.h>

#define GST_CAT_DEFAULT peerjs_reports_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* the sender reports of ours a block may quote: RTCP goes out every
 * second or few, blocks quote the latest */
#define SENT_RING 32

typedef struct
{
  guint32 lsr;                  /* middle 32 bits of the NTP timestamp */
  gint64 when;                  /* monotonic, us */
} SentReport;

struct _GstPeerJSReports
{
  gint refcount;
  GstElement *rtpbin;
  gulong handler;

  GMutex lock;
  GPtrArray *internal;          /* RTPSession, for disconnecting */
  GPtrArray *elements;          /* their rtpsession elements, likewise */
  SentReport sent[SENT_RING];
  guint sent_next;
  GstPeerJSReportsSnapshot now;
};

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (peerjs_reports_debug, "peerjsreports", 0,
        "PeerJS receiver reports");
    g_once_init_leave (&done, 1);
  }
}

static GstPeerJSReports *
reports_ref (GstPeerJSReports * r)
{
  g_atomic_int_inc (&r->refcount);
  return r;
}

static void
reports_unref (gpointer data, GClosure * closure)
{
  GstPeerJSReports *r = data;

  if (!g_atomic_int_dec_and_test (&r->refcount))
    return;
  g_ptr_array_unref (r->internal);
  g_ptr_array_unref (r->elements);
  g_mutex_clear (&r->lock);
  gst_clear_object (&r->rtpbin);
  g_free (r);
}

/* rtpsession's RTCP thread: when each of our sender reports leaves */
static gboolean
on_sending_rtcp (GObject * session, GstBuffer * buffer, gboolean early,
    GstPeerJSReports * r)
{
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  GstRTCPPacket packet;
  gint64 now = g_get_monotonic_time ();
  gboolean more;

  if (!gst_rtcp_buffer_map (buffer, GST_MAP_READ, &rtcp))
    return FALSE;
  g_mutex_lock (&r->lock);
  for (more = gst_rtcp_buffer_get_first_packet (&rtcp, &packet); more;
      more = gst_rtcp_packet_move_to_next (&packet)) {
    guint64 ntptime = 0;

    if (gst_rtcp_packet_get_type (&packet) != GST_RTCP_TYPE_SR)
      continue;
    gst_rtcp_packet_sr_get_sender_info (&packet, NULL, &ntptime, NULL, NULL,
        NULL);
    r->sent[r->sent_next].lsr = (guint32) (ntptime >> 16);
    r->sent[r->sent_next].when = now;
    GST_LOG_OBJECT (r->rtpbin, "sender report %08x left%s",
        r->sent[r->sent_next].lsr, early ? " (early)" : "");
    r->sent_next = (r->sent_next + 1) % SENT_RING;
  }
  g_mutex_unlock (&r->lock);
  gst_rtcp_buffer_unmap (&rtcp);
  /* rtpsession emits this without its lock held */
  if (!early) {
    gdouble bandwidth = 0;

    g_object_get (session, "rtcp-fraction", &bandwidth, NULL);
    if (bandwidth != RTCP_BANDWIDTH)
      g_object_set (session, "rtcp-fraction", RTCP_BANDWIDTH, NULL);
  }
  /* nothing to add: suppressing the packet stays rtpsession's call */
  return FALSE;
}

/* When the sender report a block quotes left; 0: not one we know. Lock
 * held. */
static gint64
sent_at (GstPeerJSReports * r, guint32 lsr)
{
  guint i;

  for (i = 0; lsr && i < SENT_RING; i++)
    if (r->sent[i].when && r->sent[i].lsr == lsr)
      return r->sent[i].when;
  return 0;
}

/* rtpsession's receiving thread, before it handles the packet */
static void
on_receiving_rtcp (GObject * session, GstBuffer * buffer, GstPeerJSReports * r)
{
  GstRTCPBuffer rtcp = GST_RTCP_BUFFER_INIT;
  GstRTCPPacket packet;
  gint64 now = g_get_monotonic_time ();
  gboolean more;

  if (!gst_rtcp_buffer_map (buffer, GST_MAP_READ, &rtcp))
    return;
  g_mutex_lock (&r->lock);
  for (more = gst_rtcp_buffer_get_first_packet (&rtcp, &packet); more;
      more = gst_rtcp_packet_move_to_next (&packet)) {
    GstRTCPType type = gst_rtcp_packet_get_type (&packet);
    guint i, n;
    gdouble loss = -1;

    if (type != GST_RTCP_TYPE_SR && type != GST_RTCP_TYPE_RR)
      continue;
    n = gst_rtcp_packet_get_rb_count (&packet);
    for (i = 0; i < n; i++) {
      guint32 ssrc, exthighestseq, jitter, lsr, dlsr;
      guint8 fraction;
      gint32 lost;
      gint64 sent;

      gst_rtcp_packet_get_rb (&packet, i, &ssrc, &fraction, &lost,
          &exthighestseq, &jitter, &lsr, &dlsr);
      /* only blocks about what we sent: we know the report they quote */
      sent = sent_at (r, lsr);
      if (!sent) {
        GST_LOG_OBJECT (r->rtpbin, "block about %08x quotes %08x: not a "
            "sender report of ours", ssrc, lsr);
        continue;
      }
      loss = MAX (loss, fraction / 256.0);
      /* DLSR is in 1/65536 s */
      r->now.rtt = MAX (0.0, (now - sent) / 1e6 - dlsr / 65536.0);
      GST_LOG_OBJECT (r->rtpbin, "block about %08x: loss %u/256, round "
          "trip %.1f ms", ssrc, fraction, r->now.rtt * 1000.0);
    }
    if (loss >= 0) {
      r->now.loss = loss;
      r->now.count++;
    }
  }
  g_mutex_unlock (&r->lock);
  gst_rtcp_buffer_unmap (&rtcp);
}

/* rtpsession's thread that handled the feedback */
static void
on_twcc_stats (GstElement * element, GParamSpec * pspec, GstPeerJSReports * r)
{
  GstStructure *s = NULL;
  guint sent = 0, recv = 0;
  gdouble loss_pct = 0;

  g_object_get (element, "twcc-stats", &s, NULL);
  if (!s)
    return;
  gst_structure_get (s, "bitrate-sent", G_TYPE_UINT, &sent,
      "bitrate-recv", G_TYPE_UINT, &recv,
      "packet-loss-pct", G_TYPE_DOUBLE, &loss_pct, NULL);
  gst_structure_free (s);
  /* 0: the window is not full yet */
  if (!sent)
    return;
  g_mutex_lock (&r->lock);
  r->now.twcc_count++;
  r->now.twcc_sent_kbps = sent / 1000.0;
  r->now.twcc_recv_kbps = recv / 1000.0;
  r->now.twcc_loss = CLAMP (loss_pct / 100.0, 0.0, 1.0);
  g_mutex_unlock (&r->lock);
}

/* rtpbin makes a session (an rtpsession element) before any RTP or RTCP
 * goes through it */
static void
on_element_added (GstBin * rtpbin, GstElement * element, GstPeerJSReports * r)
{
  GstElementFactory *f = gst_element_get_factory (element);
  GObject *session = NULL;

  if (!f || !g_str_equal (GST_OBJECT_NAME (f), "rtpsession"))
    return;
  g_object_get (element, "internal-session", &session, NULL);
  if (!session)
    return;
  g_signal_connect_data (session, "on-sending-rtcp",
      G_CALLBACK (on_sending_rtcp), reports_ref (r), reports_unref, 0);
  g_signal_connect_data (session, "on-receiving-rtcp",
      G_CALLBACK (on_receiving_rtcp), reports_ref (r), reports_unref, 0);
  g_object_set (session, "rtcp-min-interval", (guint64) RTCP_MIN_INTERVAL,
      "twcc-feedback-interval", (guint64) TWCC_FEEDBACK_INTERVAL, NULL);
  g_signal_connect_data (element, "notify::twcc-stats",
      G_CALLBACK (on_twcc_stats), reports_ref (r), reports_unref, 0);
  g_mutex_lock (&r->lock);
  g_ptr_array_add (r->internal, session);
  g_ptr_array_add (r->elements, gst_object_ref (element));
  g_mutex_unlock (&r->lock);
  GST_DEBUG_OBJECT (rtpbin, "taking the reports of %" GST_PTR_FORMAT, element);
}

/**
 * gst_peerjs_reports_new:
 * @webrtcbin: a webrtcbin
 *
 * Starts taking the receiver reports @webrtcbin gets. NULL when it has no
 * rtpbin (a webrtcbin that is not 1.22's).
 */
GstPeerJSReports *
gst_peerjs_reports_new (GstElement * webrtcbin)
{
  GstPeerJSReports *r;
  GstElement *rtpbin;

  g_return_val_if_fail (GST_IS_BIN (webrtcbin), NULL);

  init_debug ();

  rtpbin = gst_bin_get_by_name (GST_BIN (webrtcbin), "rtpbin");
  if (!rtpbin) {
    GST_WARNING_OBJECT (webrtcbin, "no rtpbin: no receiver reports");
    return NULL;
  }
  r = g_new0 (GstPeerJSReports, 1);
  r->refcount = 2;              /* ours and the handler's */
  r->rtpbin = rtpbin;
  g_mutex_init (&r->lock);
  r->internal = g_ptr_array_new_with_free_func (g_object_unref);
  r->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  r->now.rtt = -1;
  r->now.loss = -1;
  r->handler = g_signal_connect_data (rtpbin, "element-added",
      G_CALLBACK (on_element_added), r, reports_unref, 0);
  return r;
}

/**
 * gst_peerjs_reports_get:
 *
 * What the reports said so far. Any thread.
 */
void
gst_peerjs_reports_get (GstPeerJSReports * r,
    GstPeerJSReportsSnapshot * snapshot)
{
  g_return_if_fail (snapshot != NULL);

  if (!r) {
    memset (snapshot, 0, sizeof (*snapshot));
    snapshot->rtt = snapshot->loss = -1;
    return;
  }
  g_mutex_lock (&r->lock);
  *snapshot = r->now;
  g_mutex_unlock (&r->lock);
}

/**
 * gst_peerjs_reports_free:
 *
 * Stops taking reports; a handler running on the streaming thread keeps
 * its reference until it returns.
 */
void
gst_peerjs_reports_free (GstPeerJSReports * r)
{
  GPtrArray *internal, *elements;
  guint i;

  if (!r)
    return;
  g_signal_handler_disconnect (r->rtpbin, r->handler);
  g_mutex_lock (&r->lock);
  internal = g_ptr_array_ref (r->internal);
  elements = g_ptr_array_ref (r->elements);
  g_mutex_unlock (&r->lock);
  for (i = 0; i < elements->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (elements, i),
        on_twcc_stats, r);
  g_ptr_array_unref (elements);
  for (i = 0; i < internal->len; i++) {
    GObject *session = g_ptr_array_index (internal, i);

    g_signal_handlers_disconnect_by_func (session, on_sending_rtcp, r);
    g_signal_handlers_disconnect_by_func (session, on_receiving_rtcp, r);
  }
  g_ptr_array_unref (internal);
  reports_unref (r, NULL);
}
