/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_VALUE_H__
#define __GST_PEERJS_VALUE_H__

#include <gst/peerjs/peerjs-prelude.h>

G_BEGIN_DECLS

/**
 * GST_PEERJS_VALUE_MAX_DEPTH:
 *
 * Deepest nesting of arrays and maps a data value may have, in every
 * serialization and in gst_peerjs_value_normalize(). A top-level array is
 * at depth 1. Deeper values fail with %GST_PEERJS_DATA_ERROR_TOO_BIG.
 *
 * Why 32: GLib reads serialized #GVariant data at most 128 containers deep
 * and silently replaces what lies deeper with `()`. A map of the model
 * costs 3 levels (`a{sv}`, its entry, the `v`), an array 2, so 42 nested
 * maps or 63 nested arrays would already lose their innermost value the
 * first time the value is serialized; 32 leaves room for an application to
 * wrap a value in a few containers of its own.
 *
 * Since: 1.0
 */
#define GST_PEERJS_VALUE_MAX_DEPTH 32

/**
 * GST_PEERJS_VALUE_MAX_ITEMS:
 *
 * Most values (scalars, strings, binaries, arrays and maps, keys included)
 * one decoded data value may hold. A #GVariant costs about 100 bytes per
 * element, so this bounds the memory a remote peer can make a decoder
 * allocate with a message of small items. More fail with
 * %GST_PEERJS_DATA_ERROR_TOO_BIG.
 *
 * Since: 1.0
 */
#define GST_PEERJS_VALUE_MAX_ITEMS (1 << 20)

/**
 * GST_PEERJS_DATA_ERROR:
 *
 * Error domain for data values that cannot be encoded, decoded or
 * reassembled. Codes are #GstPeerJSDataError.
 *
 * Since: 1.0
 */
#define GST_PEERJS_DATA_ERROR (gst_peerjs_data_error_quark ())

/**
 * GstPeerJSDataError:
 * @GST_PEERJS_DATA_ERROR_MALFORMED: bytes that are not a value of the
 *   serialization.
 * @GST_PEERJS_DATA_ERROR_TRUNCATED: the bytes end inside a value.
 * @GST_PEERJS_DATA_ERROR_TOO_BIG: over a size, count or depth limit.
 * @GST_PEERJS_DATA_ERROR_UNSUPPORTED: a value the serialization cannot
 *   carry (NaN or an infinity in BinaryPack, an extension type in MsgPack,
 *   ...), or an unknown serialization.
 * @GST_PEERJS_DATA_ERROR_CHUNKS: a BinaryPack chunk that does not fit its
 *   message (index or total mismatch, duplicate, timeout, too many messages
 *   in flight).
 *
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_DATA_ERROR_MALFORMED,
  GST_PEERJS_DATA_ERROR_TRUNCATED,
  GST_PEERJS_DATA_ERROR_TOO_BIG,
  GST_PEERJS_DATA_ERROR_UNSUPPORTED,
  GST_PEERJS_DATA_ERROR_CHUNKS,
} GstPeerJSDataError;

GST_PEERJS_API
GQuark gst_peerjs_data_error_quark (void);

GST_PEERJS_API
GType gst_peerjs_data_error_get_type (void);
#define GST_TYPE_PEERJS_DATA_ERROR (gst_peerjs_data_error_get_type ())

/**
 * GstPeerJSSerialization:
 * @GST_PEERJS_SERIALIZATION_BINARY: BinaryPack; the PeerJS names "binary",
 *   "binary-utf8" and "default" (sent as "binary")
 * @GST_PEERJS_SERIALIZATION_JSON: "json": JSON text as binary messages
 * @GST_PEERJS_SERIALIZATION_RAW: "raw": the messages as they are
 * @GST_PEERJS_SERIALIZATION_MSGPACK: "MsgPack": a MessagePack byte stream
 *
 * The `serialization` of a PeerJS data connection. The value nicks of the
 * enum type are the wire names.
 *
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_SERIALIZATION_BINARY,
  GST_PEERJS_SERIALIZATION_JSON,
  GST_PEERJS_SERIALIZATION_RAW,
  GST_PEERJS_SERIALIZATION_MSGPACK,
} GstPeerJSSerialization;

GST_PEERJS_API
GType gst_peerjs_serialization_get_type (void);
#define GST_TYPE_PEERJS_SERIALIZATION (gst_peerjs_serialization_get_type ())

GST_PEERJS_API
gboolean gst_peerjs_serialization_from_string (const gchar * name,
    GstPeerJSSerialization * ser);

GST_PEERJS_API
const gchar * gst_peerjs_serialization_to_string (GstPeerJSSerialization ser);

GST_PEERJS_API
gchar * gst_peerjs_value_to_json (GVariant * value);

GST_PEERJS_API
GVariant * gst_peerjs_value_from_json (const gchar * json, gssize length,
    GError ** error);

GST_PEERJS_API
GVariant * gst_peerjs_value_normalize (GVariant * value, GError ** error);

GST_PEERJS_API
gboolean gst_peerjs_value_is_binary (GVariant * value);

GST_PEERJS_API
gboolean gst_peerjs_value_is_close (GVariant * value);

GST_PEERJS_API
GVariant * gst_peerjs_value_new_close (void);

GST_PEERJS_API
GVariant * gst_peerjs_value_new_null (void);

GST_PEERJS_API
GVariant * gst_peerjs_value_new_number (gdouble number);

GST_PEERJS_API
GVariant * gst_peerjs_value_new_string_lenient (const gchar * data,
    gsize length);

GST_PEERJS_API
gchar * gst_peerjs_value_to_key (GVariant * value);

G_END_DECLS

#endif /* __GST_PEERJS_VALUE_H__ */
