/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_MSGPACK_H__
#define __GST_PEERJS_MSGPACK_H__

#include <gst/peerjs/peerjs-prelude.h>
#include <gst/peerjs/gstpeerjsvalue.h>

G_BEGIN_DECLS

/**
 * GST_PEERJS_MSGPACK_PIECE_SIZE:
 *
 * The largest binary message a PeerJS MsgPack connection sends: its byte
 * stream is cut into pieces of this size (`_CHUNK_SIZE` of `peerjs` 1.5.5).
 *
 * Since: 1.0
 */
#define GST_PEERJS_MSGPACK_PIECE_SIZE 32768

/**
 * GST_PEERJS_MSGPACK_MAX_DEPTH:
 *
 * Deepest nesting of arrays and maps the MsgPack reader accepts: the fixed
 * parse stack of libmsgpack-c (`MSGPACK_EMBED_STACK_SIZE`) holds 32
 * levels, which is also %GST_PEERJS_VALUE_MAX_DEPTH.
 *
 * Since: 1.0
 */
#define GST_PEERJS_MSGPACK_MAX_DEPTH 32

/**
 * GST_PEERJS_MSGPACK_DEFAULT_MAX_BUFFERED:
 *
 * A sensible @max_buffered for gst_peerjs_msgpack_reader_new(): 16 MiB.
 *
 * Since: 1.0
 */
#define GST_PEERJS_MSGPACK_DEFAULT_MAX_BUFFERED (16 * 1024 * 1024)

GST_PEERJS_API
GBytes * gst_peerjs_msgpack_encode (GVariant * value, GError ** error);

GST_PEERJS_API
GPtrArray * gst_peerjs_msgpack_split (GBytes * encoded);

/**
 * GstPeerJSMsgPackReader:
 *
 * Reads the values of the MsgPack byte stream of one connection from its
 * messages. Opaque; not thread-safe.
 *
 * Since: 1.0
 */
typedef struct _GstPeerJSMsgPackReader GstPeerJSMsgPackReader;

GST_PEERJS_API
GstPeerJSMsgPackReader * gst_peerjs_msgpack_reader_new (gsize max_buffered);

GST_PEERJS_API
void gst_peerjs_msgpack_reader_free (GstPeerJSMsgPackReader * reader);

GST_PEERJS_API
void gst_peerjs_msgpack_reader_push (GstPeerJSMsgPackReader * reader,
    const guint8 * data, gsize size);

GST_PEERJS_API
GVariant * gst_peerjs_msgpack_reader_pop (GstPeerJSMsgPackReader * reader,
    GError ** error);

GST_PEERJS_API
gsize gst_peerjs_msgpack_reader_get_buffered (GstPeerJSMsgPackReader * reader);

G_END_DECLS

#endif /* __GST_PEERJS_MSGPACK_H__ */
