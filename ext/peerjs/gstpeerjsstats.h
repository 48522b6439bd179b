/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_STATS_H__
#define __GST_PEERJS_STATS_H__

#include <gst/gst.h>
#include "gstpeerjsmesh.h"

G_BEGIN_DECLS
/*
 * GstPeerJSStats: every interval, asks each member's media call for
 * webrtcbin's statistics and reduces them to one figure set per member
 * (round-trip time, bitrates, loss, jitter), posted as a `peerjs-stats`
 * element message of the element. Signal:
 *
 *  "stats" (const gchar *peer_id, const GstStructure *figures): the same
 *      figures as the message, emitted right after it from a webrtcbin
 *      thread. Copy what you keep.
 */
#define GST_TYPE_PEERJS_STATS (gst_peerjs_stats_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSStats, gst_peerjs_stats, GST, PEERJS_STATS,
    GstObject);

/* @element posts the messages (not referenced: it owns us); the timer
 * runs on @context (the session's) every @interval_ms (> 0). */
GstPeerJSStats *gst_peerjs_stats_new (GstElement * element,
    GstPeerJSMesh * mesh, GMainContext * context, const gchar * room_id,
    guint interval_ms);

/* The last figures posted for @peer_id (transfer full), or NULL. Any
 * thread: for an overlay that draws at its own pace. */
GstStructure *gst_peerjs_stats_get_last (GstPeerJSStats * stats,
    const gchar * peer_id);

/* Stops the timer and waits for a message being posted; replies that
 * come later are dropped. Call before the mesh stops (non-streaming
 * thread). Idempotent; must be called before the last unref. */
void gst_peerjs_stats_stop (GstPeerJSStats * stats);

G_END_DECLS
#endif /* __GST_PEERJS_STATS_H__ */
