/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_DATA_CHANNEL_H__
#define __GST_PEERJS_DATA_CHANNEL_H__

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>
#include <gst/peerjs/peerjs.h>

G_BEGIN_DECLS
/* What one reassembled or streamed value may hold at most (bytes). */
#define GST_PEERJS_DATA_MAX_VALUE_SIZE (16 * 1024 * 1024)
/* PeerJS' json connections refuse to send this much or more. */
#define GST_PEERJS_DATA_JSON_LIMIT 16300
/* webrtcbin 1.22 does not advertise a=max-message-size; larger SCTP
 * messages than this were lost (shared webrtcbin-interop notes). */
#define GST_PEERJS_DATA_CHANNEL_LIMIT 65536
/*
 * GstPeerJSDataChannel: the PeerJS side of one RTCDataChannel: values in
 * and out in the connection's serialization (BinaryPack with chunks, JSON,
 * raw, MsgPack stream), and the in-band close request. Signals, emitted
 * from webrtcbin's data channel thread:
 *
 *  "open" ()
 *  "value" (GVariant *value): a whole value arrived
 *  "close-requested" (const gchar *reason): "remote-close": the remote
 *      sent {"__peerData":{"type":"close"}}; "bad-data": the stream
 *      cannot go on
 *  "bad-data" (GError *error): a message was dropped (malformed,
 *      truncated, over a limit); the channel goes on unless the
 *      serialization cannot recover (MsgPack), which also requests close
 */
#define GST_TYPE_PEERJS_DATA_CHANNEL (gst_peerjs_data_channel_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSDataChannel, gst_peerjs_data_channel, GST,
    PEERJS_DATA_CHANNEL, GstObject);

/* Takes a reference to @channel and follows its messages at once. */
GstPeerJSDataChannel *gst_peerjs_data_channel_new (GstWebRTCDataChannel *
    channel, GstPeerJSSerialization serialization);

/* Encodes @value (any GVariant, see gst_peerjs_value_normalize()) and
 * sends it, chunked or split as the serialization wants. Any thread. */
gboolean gst_peerjs_data_channel_send (GstPeerJSDataChannel * self,
    GVariant * value, GError ** error);

gboolean gst_peerjs_data_channel_is_open (GstPeerJSDataChannel * self);
GstPeerJSSerialization
gst_peerjs_data_channel_get_serialization (GstPeerJSDataChannel * self);

/* Stops following the channel (before the connection closes it). */
void gst_peerjs_data_channel_detach (GstPeerJSDataChannel * self);

G_END_DECLS
#endif /* __GST_PEERJS_DATA_CHANNEL_H__ */
