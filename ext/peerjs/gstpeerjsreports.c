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
 * sent (about any of our SSRCs), and webrtcbin picks, for each of ours,
 * some remote SSRC whose last block was about it. On a loaded machine the
 * pick was the remote's retransmission SSRC, which had sent one sender
 * report, early, before it had any of ours (LSR 0): the round-trip time
 * stayed unknown for the whole call and the rate control went blind.
 * (GStreamer 1.25 keeps the blocks on our own sources.)
 *
 * So: rtpbin's on-ssrc-active fires after each RTCP packet from a remote
 * SSRC; its source's statistics then hold the block just processed. A
 * block counts when it differs from that SSRC's previous one (an SR
 * without blocks leaves the old one in place). The loss of any of our
 * streams stands for the path's: they share one bundled transport. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsreports.h"

#include <string.h>

#define GST_CAT_DEFAULT peerjs_reports_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* remote SSRCs remembered for freshness: a call has a handful */
#define MAX_SENDERS 64

typedef struct
{
  guint32 about, exthighestseq, lsr, dlsr;
} Block;

struct _GstPeerJSReports
{
  gint refcount;
  GstElement *rtpbin;
  gulong handler;

  GMutex lock;
  GHashTable *last;             /* remote SSRC -> Block */
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

static void
reports_unref (gpointer data, GClosure * closure)
{
  GstPeerJSReports *r = data;

  if (!g_atomic_int_dec_and_test (&r->refcount))
    return;
  g_hash_table_unref (r->last);
  g_mutex_clear (&r->lock);
  gst_clear_object (&r->rtpbin);
  g_free (r);
}

static GstStructure *
source_stats (GObject * session, guint ssrc)
{
  GObject *source = NULL;
  GstStructure *s = NULL;

  g_signal_emit_by_name (session, "get-source-by-ssrc", ssrc, &source);
  if (!source)
    return NULL;
  g_object_get (source, "stats", &s, NULL);
  g_object_unref (source);
  return s;
}

/* rtpbin's streaming thread, with no rtpsession lock held */
static void
on_ssrc_active (GstElement * rtpbin, guint session_id, guint ssrc,
    GstPeerJSReports * r)
{
  GObject *session = NULL;
  GstStructure *s;
  gboolean internal = TRUE, have_rb = FALSE;
  guint fraction = 0, round_trip = 0;
  Block b = { 0, };
  Block *prev;

  g_signal_emit_by_name (rtpbin, "get-internal-session", session_id, &session);
  if (!session)
    return;
  s = source_stats (session, ssrc);
  g_object_unref (session);
  if (!s)
    return;
  gst_structure_get (s, "internal", G_TYPE_BOOLEAN, &internal,
      "have-rb", G_TYPE_BOOLEAN, &have_rb, NULL);
  if (internal || !have_rb || !gst_structure_get (s,
          "rb-ssrc", G_TYPE_UINT, &b.about,
          "rb-exthighestseq", G_TYPE_UINT, &b.exthighestseq,
          "rb-lsr", G_TYPE_UINT, &b.lsr, "rb-dlsr", G_TYPE_UINT, &b.dlsr,
          "rb-fractionlost", G_TYPE_UINT, &fraction,
          "rb-round-trip", G_TYPE_UINT, &round_trip, NULL)) {
    gst_structure_free (s);
    return;
  }
  gst_structure_free (s);

  g_mutex_lock (&r->lock);
  prev = g_hash_table_lookup (r->last, GUINT_TO_POINTER (ssrc));
  if (prev && !memcmp (prev, &b, sizeof (b))) {
    g_mutex_unlock (&r->lock);
    return;
  }
  if (!prev && g_hash_table_size (r->last) < MAX_SENDERS) {
    prev = g_new (Block, 1);
    g_hash_table_insert (r->last, GUINT_TO_POINTER (ssrc), prev);
  }
  if (prev)
    *prev = b;
  r->now.count++;
  r->now.loss = fraction / 256.0;
  /* LSR 0: the remote had no sender report of ours yet (RFC 3550 6.4.1) */
  if (b.lsr != 0)
    r->now.rtt = round_trip / 65536.0;
  g_mutex_unlock (&r->lock);
  GST_LOG_OBJECT (rtpbin, "report from %08x about %08x: loss %u/256, "
      "round trip %.1f ms", ssrc, b.about, fraction,
      b.lsr ? round_trip * 1000.0 / 65536.0 : -1.0);
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
  r->last = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  r->now.rtt = -1;
  r->now.loss = -1;
  r->handler = g_signal_connect_data (rtpbin, "on-ssrc-active",
      G_CALLBACK (on_ssrc_active), r, reports_unref, 0);
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
    snapshot->count = 0;
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
  if (!r)
    return;
  g_signal_handler_disconnect (r->rtpbin, r->handler);
  reports_unref (r, NULL);
}
