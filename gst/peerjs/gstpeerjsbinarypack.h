/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_BINARYPACK_H__
#define __GST_PEERJS_BINARYPACK_H__

#include <gst/peerjs/peerjs-prelude.h>
#include <gst/peerjs/gstpeerjsvalue.h>

G_BEGIN_DECLS

/**
 * GST_PEERJS_BINARYPACK_CHUNK_SIZE:
 *
 * `chunkedMTU` of `peerjs` 1.5.5: a packed value longer than this many
 * bytes is sent as chunk maps, each carrying a slice of at most this size.
 *
 * Since: 1.0
 */
#define GST_PEERJS_BINARYPACK_CHUNK_SIZE 16300

/**
 * GST_PEERJS_BINARYPACK_DEFAULT_MAX_MESSAGE_SIZE:
 *
 * A sensible @max_message_size for gst_peerjs_binarypack_receiver_new():
 * 16 MiB.
 *
 * Since: 1.0
 */
#define GST_PEERJS_BINARYPACK_DEFAULT_MAX_MESSAGE_SIZE (16 * 1024 * 1024)

/**
 * GST_PEERJS_BINARYPACK_DEFAULT_MAX_IN_FLIGHT:
 *
 * A sensible @max_in_flight for gst_peerjs_binarypack_receiver_new().
 *
 * Since: 1.0
 */
#define GST_PEERJS_BINARYPACK_DEFAULT_MAX_IN_FLIGHT 16

/**
 * GST_PEERJS_BINARYPACK_DEFAULT_TIMEOUT_MS:
 *
 * A sensible @timeout_ms for gst_peerjs_binarypack_receiver_new(): 30 s.
 *
 * Since: 1.0
 */
#define GST_PEERJS_BINARYPACK_DEFAULT_TIMEOUT_MS 30000

GST_PEERJS_API
GBytes * gst_peerjs_binarypack_encode (GVariant * value, GError ** error);

GST_PEERJS_API
GVariant * gst_peerjs_binarypack_decode (const guint8 * data, gsize size,
    gsize * consumed, GError ** error);

/**
 * GstPeerJSBinaryPackSender:
 *
 * The sending side of one BinaryPack connection: packs values and cuts
 * large ones into chunk messages. Opaque; not thread-safe.
 *
 * Since: 1.0
 */
typedef struct _GstPeerJSBinaryPackSender GstPeerJSBinaryPackSender;

GST_PEERJS_API
GstPeerJSBinaryPackSender * gst_peerjs_binarypack_sender_new (void);

GST_PEERJS_API
void gst_peerjs_binarypack_sender_free (GstPeerJSBinaryPackSender * sender);

GST_PEERJS_API
GPtrArray * gst_peerjs_binarypack_sender_pack (
    GstPeerJSBinaryPackSender * sender, GVariant * value, GError ** error);

/**
 * GstPeerJSReceiveResult:
 * @GST_PEERJS_RECEIVE_NONE: nothing to deliver: a chunk was stored, or the
 *   message was dropped (then the error is set)
 * @GST_PEERJS_RECEIVE_VALUE: a value arrived
 * @GST_PEERJS_RECEIVE_CLOSE: the remote asked to close the connection
 *   (the `{"__peerData":{"type":"close"}}` control value)
 *
 * What one incoming message amounted to.
 *
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_RECEIVE_NONE,
  GST_PEERJS_RECEIVE_VALUE,
  GST_PEERJS_RECEIVE_CLOSE,
} GstPeerJSReceiveResult;

/**
 * GstPeerJSBinaryPackReceiver:
 *
 * The receiving side of one BinaryPack connection: decodes each message
 * and reassembles chunked ones, within bounds. Opaque; not thread-safe.
 *
 * Since: 1.0
 */
typedef struct _GstPeerJSBinaryPackReceiver GstPeerJSBinaryPackReceiver;

GST_PEERJS_API
GstPeerJSBinaryPackReceiver * gst_peerjs_binarypack_receiver_new (
    gsize max_message_size, guint max_in_flight, guint timeout_ms);

GST_PEERJS_API
void gst_peerjs_binarypack_receiver_free (
    GstPeerJSBinaryPackReceiver * recv);

GST_PEERJS_API
GstPeerJSReceiveResult gst_peerjs_binarypack_receiver_push (
    GstPeerJSBinaryPackReceiver * recv, const guint8 * data, gsize size,
    gint64 now_us, GVariant ** value, GError ** error);

GST_PEERJS_API
gboolean gst_peerjs_binarypack_receiver_expire (
    GstPeerJSBinaryPackReceiver * recv, gint64 now_us, GError ** error);

GST_PEERJS_API
guint gst_peerjs_binarypack_receiver_get_in_flight (
    GstPeerJSBinaryPackReceiver * recv);

G_END_DECLS

#endif /* __GST_PEERJS_BINARYPACK_H__ */
