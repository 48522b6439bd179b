/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_TRACK_WATCH_H__
#define __GST_PEERJS_TRACK_WATCH_H__

#include <gst/gst.h>
#include "gstpeerjsfanout.h"

G_BEGIN_DECLS
/*
 * GstPeerJSTrackWatch: infers a member's track state from its decoded
 * media for members that announce nothing: video that turns black or
 * stops, audio that stays silent or stops. Posts `peerjs-track-state`
 * with source "media" on every change.
 */
#define GST_TYPE_PEERJS_TRACK_WATCH (gst_peerjs_track_watch_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSTrackWatch, gst_peerjs_track_watch, GST,
    PEERJS_TRACK_WATCH, GstObject);

/* @element posts the messages; the checks run on @context. */
GstPeerJSTrackWatch *gst_peerjs_track_watch_new (GstElement * element,
    GMainContext * context, const gchar * room_id);

/* Follow a member's decoded pad (any thread). */
void gst_peerjs_track_watch_add_pad (GstPeerJSTrackWatch * watch,
    GstPad * pad, const gchar * peer_id, GstPeerJSTrackKind kind);
void gst_peerjs_track_watch_remove_pad (GstPeerJSTrackWatch * watch,
    GstPad * pad);

/* The member announces its state: stop guessing it. */
void gst_peerjs_track_watch_set_announced (GstPeerJSTrackWatch * watch,
    const gchar * peer_id);

void gst_peerjs_track_watch_stop (GstPeerJSTrackWatch * watch);

G_END_DECLS
#endif /* __GST_PEERJS_TRACK_WATCH_H__ */
