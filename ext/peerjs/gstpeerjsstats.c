/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* webrtcbin's statistics, one figure set per member and interval.
 *
 * A timer on the session context lists the members' media calls and asks
 * each connected one for "get-stats" (gst_peerjs_connection_request_stats:
 * asynchronous, counted, so closing a call waits for the reply). At most
 * one request per call is out at a time. The reply arrives on webrtcbin's
 * thread, where it is reduced (webrtcbin 1.22's stats objects, by "type"):
 *
 *   inbound-rtp          bytes-received, packets-received, packets-lost,
 *                        jitter (s): what the member sends us, per SSRC
 *   outbound-rtp         bytes-sent: what we send the member, per SSRC
 *   remote-inbound-rtp   round-trip-time (s): from the member's receiver
 *                        reports about our streams (not when the report
 *                        has no LSR: then webrtcbin says 0)
 *
 * Audio or video: the clock rate of the stream's gst-rtpsource-stats
 * (see kind_of()). Each SSRC is one field, so a bundled stream listed
 * under several transceivers counts once.
 *
 * Bitrates and the fraction lost are deltas between two replies for the
 * same connection over the time between them; the first reply of a call
 * gives 0 (bitrates) and -1 (fraction lost). The figures are posted as
 * `peerjs-stats` and emitted as "stats" from that thread. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsstats.h"
#include "gstpeerjsconnection.h"
#include "gstpeerjsshared.h"

#include <gst/webrtc/webrtc.h>
#include <string.h>

#define GST_CAT_DEFAULT peerjs_stats_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* how long stop() waits for a message being posted */
#define STOP_WAIT_MS 2000

enum
{
  SIGNAL_STATS,
  LAST_SIGNAL
};

static guint stats_signals[LAST_SIGNAL];

enum
{
  KIND_AUDIO,
  KIND_VIDEO,
  N_KINDS
};

/* cumulative counters of one reply */
typedef struct
{
  guint64 bytes_in, bytes_out;
  guint64 kind_bytes_in[N_KINDS], kind_bytes_out[N_KINDS];
  guint64 packets_in;
  gint64 packets_lost;
  gdouble rtt;                  /* s, < 0: not known */
  gdouble jitter;               /* s, the largest; < 0: none */
} Totals;

/* one media call */
typedef struct
{
  gchar *connection_id;
  gchar *peer_id;
  gboolean in_flight;           /* a request is out */
  gboolean listed;              /* in the last tick's list */
  gboolean have_sample;
  gint64 sample_time;           /* monotonic us of @sample */
  Totals sample;
} Call;

struct _GstPeerJSStats
{
  GstObject parent;

  /* immutable after construction */
  GstElement *element;
  GstPeerJSMesh *mesh;
  GMainContext *context;
  gchar *room_id;
  guint interval_ms;

  GMutex lock;
  GCond cond;
  gboolean stopped;
  guint busy;                   /* replies being reduced and posted */
  GSource *timer;
  GHashTable *calls;            /* connection ID -> Call */
  GHashTable *last;             /* peer ID -> GstStructure */
};

/* what a request carries to its reply */
typedef struct
{
  GstPeerJSStats *stats;
  gchar *connection_id;
  gint64 requested;             /* monotonic us */
} Request;

#define gst_peerjs_stats_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSStats, gst_peerjs_stats, GST_TYPE_OBJECT);

static void
call_free (Call * c)
{
  g_free (c->connection_id);
  g_free (c->peer_id);
  g_free (c);
}

/* ---- reducing webrtcbin's structure ---- */

/* Any numeric field as a double (webrtcbin mixes int, uint, int64, uint64
 * and double across versions). */
static gboolean
get_number (const GstStructure * s, const gchar * field, gdouble * out)
{
  const GValue *v = gst_structure_get_value (s, field);
  GValue d = G_VALUE_INIT;
  gboolean ok;

  if (!v || !g_value_type_transformable (G_VALUE_TYPE (v), G_TYPE_DOUBLE))
    return FALSE;
  g_value_init (&d, G_TYPE_DOUBLE);
  ok = g_value_transform (v, &d);
  if (ok)
    *out = g_value_get_double (&d);
  g_value_unset (&d);
  return ok;
}

static guint64
get_count (const GstStructure * s, const gchar * field)
{
  gdouble d = 0;

  return get_number (s, field, &d) && d > 0 ? (guint64) d : 0;
}

/* KIND_AUDIO, KIND_VIDEO, or -1. With max-bundle, webrtcbin 1.22 lists
 * every SSRC under each transceiver with that transceiver's "kind" and
 * "codec-id" (the video stream comes out as "audio"): the RTP clock rate
 * of the source is what tells (video is always 90 kHz). */
static gint
kind_of (const GstStructure * s)
{
  const GValue *v = gst_structure_get_value (s, "gst-rtpsource-stats");
  const gchar *kind;
  gint rate = 0;

  if (v && G_VALUE_HOLDS (v, GST_TYPE_STRUCTURE)
      && gst_structure_get_int (gst_value_get_structure (v), "clock-rate",
          &rate) && rate > 0)
    return rate == 90000 ? KIND_VIDEO : KIND_AUDIO;
  kind = gst_structure_get_string (s, "kind");
  if (!kind)
    return -1;
  if (g_str_has_prefix (kind, "video"))
    return KIND_VIDEO;
  if (g_str_has_prefix (kind, "audio"))
    return KIND_AUDIO;
  return -1;
}

static void
reduce (const GstStructure * all, Totals * t)
{
  guint i, n = gst_structure_n_fields (all);

  memset (t, 0, sizeof (*t));
  t->jitter = -1;
  for (i = 0; i < n; i++) {
    const GValue *v = gst_structure_get_value (all,
        gst_structure_nth_field_name (all, i));
    const GstStructure *s;
    GstWebRTCStatsType type;
    gdouble d;
    gint kind;

    if (!G_VALUE_HOLDS (v, GST_TYPE_STRUCTURE))
      continue;
    s = gst_value_get_structure (v);
    if (!gst_structure_get_enum (s, "type", GST_TYPE_WEBRTC_STATS_TYPE,
            (gint *) & type))
      continue;
    switch (type) {
      case GST_WEBRTC_STATS_INBOUND_RTP:{
        guint64 bytes = get_count (s, "bytes-received");

        t->bytes_in += bytes;
        if ((kind = kind_of (s)) >= 0)
          t->kind_bytes_in[kind] += bytes;
        t->packets_in += get_count (s, "packets-received");
        /* cumulative loss is negative after duplicates (RFC 3550) */
        if (get_number (s, "packets-lost", &d) && d > 0)
          t->packets_lost += (gint64) d;
        if (get_number (s, "jitter", &d) && d >= 0)
          t->jitter = MAX (t->jitter, d);
        break;
      }
      case GST_WEBRTC_STATS_OUTBOUND_RTP:{
        guint64 bytes = get_count (s, "bytes-sent");

        t->bytes_out += bytes;
        if ((kind = kind_of (s)) >= 0)
          t->kind_bytes_out[kind] += bytes;
        break;
      }
      default:
        break;
    }
  }
}

/* kbit/s from a byte count growing by @delta over @us */
static gdouble
kbps (guint64 now, guint64 before, gint64 us)
{
  if (us <= 0 || now < before)
    return 0;
  /* bytes * 8 / (us / 1000) = bits per ms = kbit/s */
  return (gdouble) (now - before) * 8.0 * 1000.0 / (gdouble) us;
}

/* The figures of @t against @c's previous sample (NULL: the first). */
static GstStructure *
figures (const Call * c, const Totals * t, const Totals * prev, gint64 us)
{
  gdouble fraction = -1;
  GstStructure *s;

  if (prev) {
    gint64 lost = t->packets_lost - prev->packets_lost;
    gint64 received = (gint64) t->packets_in - (gint64) prev->packets_in;

    lost = MAX (lost, 0);
    received = MAX (received, 0);
    if (lost + received > 0)
      fraction = (gdouble) lost / (gdouble) (lost + received);
  }

  s = gst_structure_new ("peerjs-stats",
      "peer-id", G_TYPE_STRING, c->peer_id,
      "connection-id", G_TYPE_STRING, c->connection_id,
      "rtt-ms", G_TYPE_DOUBLE,
      t->rtt >= 0 ? t->rtt * 1000.0 : -1.0,
      "bitrate-in-kbps", G_TYPE_DOUBLE,
      prev ? kbps (t->bytes_in, prev->bytes_in, us) : 0.0,
      "bitrate-out-kbps", G_TYPE_DOUBLE,
      prev ? kbps (t->bytes_out, prev->bytes_out, us) : 0.0,
      "packets-lost", G_TYPE_INT64, t->packets_lost,
      "packets-received", G_TYPE_UINT64, t->packets_in,
      "fraction-lost", G_TYPE_DOUBLE, fraction,
      "jitter-ms", G_TYPE_DOUBLE, t->jitter >= 0 ? t->jitter * 1000.0 : -1.0,
      "video-bitrate-in-kbps", G_TYPE_DOUBLE,
      prev ? kbps (t->kind_bytes_in[KIND_VIDEO],
          prev->kind_bytes_in[KIND_VIDEO], us) : 0.0,
      "audio-bitrate-in-kbps", G_TYPE_DOUBLE,
      prev ? kbps (t->kind_bytes_in[KIND_AUDIO],
          prev->kind_bytes_in[KIND_AUDIO], us) : 0.0,
      "video-bitrate-out-kbps", G_TYPE_DOUBLE,
      prev ? kbps (t->kind_bytes_out[KIND_VIDEO],
          prev->kind_bytes_out[KIND_VIDEO], us) : 0.0,
      "audio-bitrate-out-kbps", G_TYPE_DOUBLE,
      prev ? kbps (t->kind_bytes_out[KIND_AUDIO],
          prev->kind_bytes_out[KIND_AUDIO], us) : 0.0, NULL);
  return s;
}

/* ---- replies (webrtcbin's thread) ---- */

static void
request_free (Request * r)
{
  Call *c;

  g_mutex_lock (&r->stats->lock);
  c = g_hash_table_lookup (r->stats->calls, r->connection_id);
  if (c)
    c->in_flight = FALSE;
  g_mutex_unlock (&r->stats->lock);
  gst_object_unref (r->stats);
  g_free (r->connection_id);
  g_free (r);
}

static void
on_stats (GstPeerJSConnection * conn, const GstStructure * all,
    gpointer user_data)
{
  Request *r = user_data;
  GstPeerJSStats *self = r->stats;
  gint64 now = g_get_monotonic_time ();
  GstStructure *s = NULL, *copy;
  gchar *peer_id = NULL;
  GstPeerJSReportsSnapshot reports;
  Totals t;
  Call *c;

  GST_LOG_OBJECT (self, "get-stats for %s took %" G_GINT64_FORMAT " us",
      r->connection_id, now - r->requested);
  if (!all) {
    GST_DEBUG_OBJECT (self, "no stats for %s", r->connection_id);
    return;
  }
  if (gst_debug_category_get_threshold (GST_CAT_DEFAULT) >= GST_LEVEL_TRACE) {
    gchar *text = gst_structure_to_string (all);

    GST_TRACE_OBJECT (self, "%s", text);
    g_free (text);
  }

  reduce (all, &t);
  /* not webrtcbin's remote-inbound-rtp: gstpeerjsreports.c says why */
  gst_peerjs_connection_get_reports (conn, &reports);
  t.rtt = reports.rtt;

  g_mutex_lock (&self->lock);
  c = self->stopped ? NULL : g_hash_table_lookup (self->calls,
      r->connection_id);
  if (c) {
    s = figures (c, &t, c->have_sample ? &c->sample : NULL,
        now - c->sample_time);
    c->sample = t;
    c->sample_time = now;
    c->have_sample = TRUE;
    peer_id = g_strdup (c->peer_id);
    self->busy++;
  }
  g_mutex_unlock (&self->lock);
  if (!s)
    return;

  /* the signal's figures are the message's, room-id included */
  if (self->room_id)
    gst_structure_set (s, "room-id", G_TYPE_STRING, self->room_id, NULL);
  GST_LOG_OBJECT (self, "%" GST_PTR_FORMAT, s);
  copy = gst_structure_copy (s);
  gst_peerjs_post (self->element, self->room_id, s);
  g_signal_emit (self, stats_signals[SIGNAL_STATS], 0, peer_id, copy);

  g_mutex_lock (&self->lock);
  if (!self->stopped)
    g_hash_table_insert (self->last, peer_id, copy);
  else {
    g_free (peer_id);
    gst_structure_free (copy);
  }
  self->busy--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* ---- the timer (session context) ---- */

static gboolean
tick (gpointer user_data)
{
  GstPeerJSStats *self = user_data;
  GPtrArray *conns = gst_peerjs_mesh_get_media_connections (self->mesh);
  GPtrArray *due = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_mutex_lock (&self->lock);
  if (self->stopped) {
    g_mutex_unlock (&self->lock);
    g_ptr_array_unref (due);
    g_ptr_array_unref (conns);
    return G_SOURCE_REMOVE;
  }
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((Call *) value)->listed = FALSE;
  for (i = 0; i < conns->len; i++) {
    GstPeerJSConnection *conn = g_ptr_array_index (conns, i);
    const gchar *id = gst_peerjs_connection_get_id (conn);
    Call *c;

    if (gst_peerjs_connection_get_state (conn) !=
        GST_PEERJS_CONNECTION_STATE_CONNECTED)
      continue;
    c = g_hash_table_lookup (self->calls, id);
    if (!c) {
      c = g_new0 (Call, 1);
      c->connection_id = g_strdup (id);
      c->peer_id = g_strdup (gst_peerjs_connection_get_remote_id (conn));
      g_hash_table_insert (self->calls, c->connection_id, c);
    }
    c->listed = TRUE;
    if (!c->in_flight) {
      c->in_flight = TRUE;
      g_ptr_array_add (due, conn);
    }
  }
  /* calls that ended: forget them, and their member's figures unless the
   * member has another call */
  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    Call *c = value;
    GHashTableIter other;
    gpointer o;
    gboolean more = FALSE;

    if (c->listed)
      continue;
    g_hash_table_iter_init (&other, self->calls);
    while (g_hash_table_iter_next (&other, NULL, &o))
      more |= ((Call *) o)->listed
          && g_strcmp0 (((Call *) o)->peer_id, c->peer_id) == 0;
    if (!more)
      g_hash_table_remove (self->last, c->peer_id);
    /* a request still out finds no call and posts nothing */
    g_hash_table_iter_remove (&iter);
  }
  g_mutex_unlock (&self->lock);

  for (i = 0; i < due->len; i++) {
    GstPeerJSConnection *conn = g_ptr_array_index (due, i);
    Request *r = g_new0 (Request, 1);

    r->stats = gst_object_ref (self);
    r->connection_id = g_strdup (gst_peerjs_connection_get_id (conn));
    r->requested = g_get_monotonic_time ();
    /* refused (closing): request_free clears in_flight */
    gst_peerjs_connection_request_stats (conn, on_stats, r,
        (GDestroyNotify) request_free);
  }
  g_ptr_array_unref (due);
  g_ptr_array_unref (conns);
  return G_SOURCE_CONTINUE;
}

/* ---- API ---- */

GstPeerJSStats *
gst_peerjs_stats_new (GstElement * element, GstPeerJSMesh * mesh,
    GMainContext * context, const gchar * room_id, guint interval_ms)
{
  GstPeerJSStats *self;

  g_return_val_if_fail (GST_IS_ELEMENT (element), NULL);
  g_return_val_if_fail (GST_IS_PEERJS_MESH (mesh), NULL);
  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (interval_ms > 0, NULL);

  self = g_object_new (GST_TYPE_PEERJS_STATS, NULL);
  gst_object_ref_sink (self);
  self->element = element;
  self->mesh = gst_object_ref (mesh);
  self->context = g_main_context_ref (context);
  self->room_id = g_strdup (room_id);
  self->interval_ms = interval_ms;
  /* the source keeps us alive while it dispatches; stop() destroys it */
  self->timer = g_timeout_source_new (interval_ms);
  g_source_set_callback (self->timer, tick, gst_object_ref (self),
      gst_object_unref);
  g_source_attach (self->timer, context);
  GST_DEBUG_OBJECT (self, "every %u ms", interval_ms);
  return self;
}

GstStructure *
gst_peerjs_stats_get_last (GstPeerJSStats * self, const gchar * peer_id)
{
  GstStructure *s;

  g_return_val_if_fail (GST_IS_PEERJS_STATS (self), NULL);

  g_mutex_lock (&self->lock);
  s = peer_id ? g_hash_table_lookup (self->last, peer_id) : NULL;
  s = s ? gst_structure_copy (s) : NULL;
  g_mutex_unlock (&self->lock);
  return s;
}

void
gst_peerjs_stats_stop (GstPeerJSStats * self)
{
  gint64 end = g_get_monotonic_time () + STOP_WAIT_MS * 1000;
  GSource *timer;

  g_return_if_fail (GST_IS_PEERJS_STATS (self));

  g_mutex_lock (&self->lock);
  self->stopped = TRUE;
  timer = self->timer;
  self->timer = NULL;
  g_mutex_unlock (&self->lock);
  /* outside the lock: destroying drops the source's reference to us */
  gst_peerjs_clear_source (&timer);

  g_mutex_lock (&self->lock);
  while (self->busy > 0)
    if (!g_cond_wait_until (&self->cond, &self->lock, end))
      break;
  if (self->busy > 0)
    GST_WARNING_OBJECT (self, "a stats message is still being posted");
  g_hash_table_remove_all (self->calls);
  g_hash_table_remove_all (self->last);
  g_mutex_unlock (&self->lock);
}

static void
gst_peerjs_stats_finalize (GObject * object)
{
  GstPeerJSStats *self = GST_PEERJS_STATS (object);

  g_hash_table_unref (self->calls);
  g_hash_table_unref (self->last);
  gst_object_unref (self->mesh);
  g_main_context_unref (self->context);
  g_free (self->room_id);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_stats_init (GstPeerJSStats * self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) call_free);
  self->last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) gst_structure_free);
}

static void
gst_peerjs_stats_class_init (GstPeerJSStatsClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT, "peerjsstats", 0,
      "PeerJS call statistics");
  gobject_class->finalize = gst_peerjs_stats_finalize;

  /**
   * GstPeerJSStats::stats:
   * @peer_id: the member
   * @figures: the `peerjs-stats` structure just posted
   *
   * Emitted from a webrtcbin thread, after the message.
   */
  stats_signals[SIGNAL_STATS] = g_signal_new ("stats",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 2, G_TYPE_STRING,
      GST_TYPE_STRUCTURE | G_SIGNAL_TYPE_STATIC_SCOPE);
}
