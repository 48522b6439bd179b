/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstpeerjsmsgpack
 * @title: MsgPack
 * @short_description: the "MsgPack" serialization of PeerJS data
 *   connections: a MessagePack byte stream
 *
 * A PeerJS "MsgPack" connection (`peerjs` 1.5.5 with `@msgpack/msgpack`
 * 2.8) is one byte stream of concatenated MessagePack values, cut into
 * binary messages of at most %GST_PEERJS_MSGPACK_PIECE_SIZE bytes at
 * arbitrary points. gst_peerjs_msgpack_encode() and
 * gst_peerjs_msgpack_split() make the messages for a value;
 * a #GstPeerJSMsgPackReader takes the messages and gives back the values.
 *
 * The MessagePack itself is done by libmsgpack-c. The reader only frames
 * the stream first (where does the next value end, is it complete, how
 * deep and how large is it) so that libmsgpack-c is handed complete values
 * of bounded size, never a count it would allocate for blindly.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include <msgpack.h>

#include "gstpeerjsmsgpack.h"
#include "gstpeerjsvalue-private.h"

GST_DEBUG_CATEGORY_STATIC (peerjs_msgpack_debug);
#define GST_CAT_DEFAULT peerjs_msgpack_debug

/* MessagePack timestamp extension type */
#define TIMESTAMP_EXT_TYPE (-1)

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (peerjs_msgpack_debug, "peerjsmsgpack", 0,
        "PeerJS MsgPack serialization");
    g_once_init_leave (&done, 1);
  }
}

/* Encoder */

static gboolean
check_length (gsize length, GError ** error)
{
  if (length > G_MAXUINT32) {
    g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_TOO_BIG,
        "MsgPack: a length of %" G_GSIZE_FORMAT " does not fit 32 bits",
        length);
    return FALSE;
  }
  return TRUE;
}

/* Returns the packer's result: 0 on success. */
static gint
pack_str (msgpack_packer * pk, const gchar * str, gsize length)
{
  gint ret = msgpack_pack_str (pk, length);

  return ret ? ret : msgpack_pack_str_body (pk, str, length);
}

/* @value is in the model; its depth is bounded by the normalization. */
static gboolean
pack_value (msgpack_packer * pk, GVariant * value, GError ** error)
{
  const gchar *type = g_variant_get_type_string (value);
  gsize i, n;
  gint ret = 0;

  switch (type[0]) {
    case 'b':
      ret = g_variant_get_boolean (value) ? msgpack_pack_true (pk) :
          msgpack_pack_false (pk);
      break;
    case 'x':
      ret = msgpack_pack_int64 (pk, g_variant_get_int64 (value));
      break;
    case 't':
      ret = msgpack_pack_uint64 (pk, g_variant_get_uint64 (value));
      break;
    case 'd':
      ret = msgpack_pack_double (pk, g_variant_get_double (value));
      break;
    case 's':{
      const gchar *str = g_variant_get_string (value, &n);

      if (!check_length (n, error))
        return FALSE;
      ret = pack_str (pk, str, n);
      break;
    }
    case 'a':
      n = g_variant_n_children (value);
      if (!check_length (n, error))
        return FALSE;
      if (g_str_equal (type, "ay")) {
        const guint8 *bytes = g_variant_get_fixed_array (value, &n, 1);

        ret = msgpack_pack_bin (pk, n);
        if (ret == 0)
          ret = msgpack_pack_bin_body (pk, bytes, n);
      } else if (g_str_equal (type, "av")) {
        ret = msgpack_pack_array (pk, n);
        for (i = 0; ret == 0 && i < n; i++) {
          GVariant *child = g_variant_get_child_value (value, i);
          GVariant *inner = g_variant_get_variant (child);
          gboolean ok = pack_value (pk, inner, error);

          g_variant_unref (inner);
          g_variant_unref (child);
          if (!ok)
            return FALSE;
        }
      } else {
        ret = msgpack_pack_map (pk, n);
        for (i = 0; ret == 0 && i < n; i++) {
          const gchar *key;
          GVariant *inner;
          gboolean ok;

          g_variant_get_child (value, i, "{&sv}", &key, &inner);
          ret = pack_str (pk, key, strlen (key));
          ok = ret != 0 || pack_value (pk, inner, error);
          g_variant_unref (inner);
          if (!ok)
            return FALSE;
        }
      }
      break;
    default:                   /* null */
      ret = msgpack_pack_nil (pk);
      break;
  }

  if (ret != 0) {
    g_set_error_literal (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_TOO_BIG, "MsgPack: out of memory");
    return FALSE;
  }
  return TRUE;
}

/**
 * gst_peerjs_msgpack_encode:
 * @value: any #GVariant (see gst_peerjs_value_normalize()); a floating
 *   reference is consumed
 * @error: return location for a #GError, or %NULL
 *
 * Encodes @value as one MessagePack value, the way the `Encoder` of
 * `@msgpack/msgpack` 2.8 does with its default options: integers in their
 * smallest form (unsigned forms for positive ones), other numbers (NaN and
 * the infinities too) as float 64, strings as str, `ay` as bin, arrays and
 * maps (keys as str, in the variant's order), `null` as nil. (One
 * difference: an integral `d` beyond 2^53 is normalized to an integer and
 * encoded as one, where `@msgpack/msgpack` writes a float 64.)
 *
 * Returns: (transfer full) (nullable): the encoded bytes, or %NULL with
 *   %GST_PEERJS_DATA_ERROR_TOO_BIG (too deep, a length over 32 bits)
 *
 * Since: 1.0
 */
GBytes *
gst_peerjs_msgpack_encode (GVariant * value, GError ** error)
{
  msgpack_sbuffer sbuf;
  msgpack_packer pk;
  GVariant *norm;
  GBytes *bytes = NULL;

  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();
  norm = gst_peerjs_value_normalize (value, error);
  if (norm == NULL)
    return NULL;

  msgpack_sbuffer_init (&sbuf);
  msgpack_packer_init (&pk, &sbuf, msgpack_sbuffer_write);
  if (pack_value (&pk, norm, error))
    bytes = g_bytes_new (sbuf.data, sbuf.size);
  msgpack_sbuffer_destroy (&sbuf);
  g_variant_unref (norm);

  return bytes;
}

/**
 * gst_peerjs_msgpack_split:
 * @encoded: bytes of the MsgPack stream, e.g. from
 *   gst_peerjs_msgpack_encode()
 *
 * Cuts @encoded into the binary messages a PeerJS MsgPack connection
 * sends: pieces of %GST_PEERJS_MSGPACK_PIECE_SIZE bytes, the last one
 * shorter. The pieces share @encoded's memory.
 *
 * Returns: (transfer container) (element-type GBytes): the pieces, in
 *   order (none for empty @encoded)
 *
 * Since: 1.0
 */
GPtrArray *
gst_peerjs_msgpack_split (GBytes * encoded)
{
  GPtrArray *pieces;
  gsize size, offset;

  g_return_val_if_fail (encoded != NULL, NULL);

  size = g_bytes_get_size (encoded);
  pieces = g_ptr_array_new_full (size / GST_PEERJS_MSGPACK_PIECE_SIZE + 1,
      (GDestroyNotify) g_bytes_unref);
  for (offset = 0; offset < size; offset += GST_PEERJS_MSGPACK_PIECE_SIZE) {
    g_ptr_array_add (pieces, g_bytes_new_from_bytes (encoded, offset,
            MIN (size - offset, GST_PEERJS_MSGPACK_PIECE_SIZE)));
  }

  return pieces;
}

/* Reader */

typedef enum
{
  SCAN_INCOMPLETE,
  SCAN_COMPLETE,
  SCAN_ERROR,
} ScanResult;

struct _GstPeerJSMsgPackReader
{
  gsize max_buffered;
  GByteArray *buf;
  gsize start;                  /* where the next value starts in buf */

  /* Framing of the value at start, resumed where the bytes ran out. */
  gsize scan;                   /* bytes of it framed so far */
  guint depth;                  /* containers open at scan */
  guint64 left[GST_PEERJS_MSGPACK_MAX_DEPTH];   /* items each one lacks */
  guint items;
};

/**
 * gst_peerjs_msgpack_reader_new:
 * @max_buffered: most bytes one value may take, complete or not (0 for
 *   %GST_PEERJS_MSGPACK_DEFAULT_MAX_BUFFERED)
 *
 * A reader for the MsgPack stream of one connection.
 *
 * Returns: (transfer full): a new reader; free with
 *   gst_peerjs_msgpack_reader_free()
 *
 * Since: 1.0
 */
GstPeerJSMsgPackReader *
gst_peerjs_msgpack_reader_new (gsize max_buffered)
{
  GstPeerJSMsgPackReader *reader = g_new0 (GstPeerJSMsgPackReader, 1);

  ensure_debug_category ();
  reader->max_buffered = max_buffered ? max_buffered :
      GST_PEERJS_MSGPACK_DEFAULT_MAX_BUFFERED;
  reader->buf = g_byte_array_new ();

  return reader;
}

/**
 * gst_peerjs_msgpack_reader_free:
 * @reader: (transfer full) (nullable): a reader
 *
 * Frees @reader and the bytes it holds.
 *
 * Since: 1.0
 */
void
gst_peerjs_msgpack_reader_free (GstPeerJSMsgPackReader * reader)
{
  if (reader == NULL)
    return;

  g_byte_array_unref (reader->buf);
  g_free (reader);
}

static void
reset_scan (GstPeerJSMsgPackReader * reader)
{
  reader->scan = 0;
  reader->depth = 0;
  reader->items = 0;
}

/* Forgets every byte held: after an error the stream cannot be trusted. */
static void
reset (GstPeerJSMsgPackReader * reader)
{
  g_byte_array_set_size (reader->buf, 0);
  reader->start = 0;
  reset_scan (reader);
}

static void
compact (GstPeerJSMsgPackReader * reader)
{
  if (reader->start == 0)
    return;
  if (reader->start >= reader->buf->len) {
    g_byte_array_set_size (reader->buf, 0);
    reader->start = 0;
  } else if (reader->start >= reader->buf->len / 2) {
    g_byte_array_remove_range (reader->buf, 0, reader->start);
    reader->start = 0;
  }
}

/**
 * gst_peerjs_msgpack_reader_push:
 * @reader: a reader
 * @data: (array length=size): the next binary message of the connection
 * @size: its size
 *
 * Appends a message to the stream. Call gst_peerjs_msgpack_reader_pop()
 * until it returns %NULL after each push.
 *
 * Since: 1.0
 */
void
gst_peerjs_msgpack_reader_push (GstPeerJSMsgPackReader * reader,
    const guint8 * data, gsize size)
{
  g_return_if_fail (reader != NULL);
  g_return_if_fail (data != NULL || size == 0);

  compact (reader);
  g_byte_array_append (reader->buf, data, size);
}

/**
 * gst_peerjs_msgpack_reader_get_buffered:
 * @reader: a reader
 *
 * Returns: how many bytes @reader holds that are not part of a value
 *   returned yet
 *
 * Since: 1.0
 */
gsize
gst_peerjs_msgpack_reader_get_buffered (GstPeerJSMsgPackReader * reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->buf->len - reader->start;
}

static guint64
read_be (const guint8 * p, guint n_bytes)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < n_bytes; i++)
    v = (v << 8) | p[i];
  return v;
}

static ScanResult
scan_error (GError ** error, GstPeerJSDataError code, const gchar * what,
    gsize offset)
{
  g_set_error (error, GST_PEERJS_DATA_ERROR, code,
      "MsgPack: %s at byte %" G_GSIZE_FORMAT " of a value", what, offset);
  return SCAN_ERROR;
}

/* Frames the value at reader->start: finds where it ends without decoding
 * it, checking depth, item count and size on the way. Where the bytes run
 * out, the next call goes on from there. */
static ScanResult
scan_value (GstPeerJSMsgPackReader * reader, GError ** error)
{
  const guint8 *base = reader->buf->data + reader->start;
  gsize avail = reader->buf->len - reader->start;

  for (;;) {
    gsize pos = reader->scan;
    guint8 b;
    guint header = 1, length_bytes = 0;
    guint64 payload = 0, count = 0;
    gboolean container = FALSE, is_map = FALSE;

    if (pos >= avail)
      return SCAN_INCOMPLETE;
    b = base[pos];

    if (b <= 0x7f || b >= 0xe0) {
      /* fixint */
    } else if (b <= 0x8f) {
      container = is_map = TRUE;
      count = b & 0x0f;
    } else if (b <= 0x9f) {
      container = TRUE;
      count = b & 0x0f;
    } else if (b <= 0xbf) {
      payload = b & 0x1f;
    } else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break;
        case 0xc1:
          return scan_error (error, GST_PEERJS_DATA_ERROR_MALFORMED,
              "the unused code c1", pos);
        case 0xc4:             /* bin 8/16/32 */
        case 0xc5:
        case 0xc6:
          length_bytes = 1 << (b - 0xc4);
          header = 1 + length_bytes;
          break;
        case 0xc7:             /* ext 8/16/32: length, type */
        case 0xc8:
        case 0xc9:
          length_bytes = 1 << (b - 0xc7);
          header = 2 + length_bytes;
          break;
        case 0xca:
        case 0xce:
        case 0xd2:
          header = 5;
          break;
        case 0xcb:
        case 0xcf:
        case 0xd3:
          header = 9;
          break;
        case 0xcc:
        case 0xd0:
          header = 2;
          break;
        case 0xcd:
        case 0xd1:
          header = 3;
          break;
        case 0xd4:             /* fixext 1/2/4/8/16: type, data */
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
          header = 2 + (1 << (b - 0xd4));
          break;
        case 0xd9:             /* str 8/16/32 */
        case 0xda:
        case 0xdb:
          length_bytes = 1 << (b - 0xd9);
          header = 1 + length_bytes;
          break;
        case 0xdc:             /* array 16/32 */
        case 0xdd:
          container = TRUE;
          length_bytes = b == 0xdc ? 2 : 4;
          header = 1 + length_bytes;
          break;
        default:               /* 0xde, 0xdf: map 16/32 */
          container = is_map = TRUE;
          length_bytes = b == 0xde ? 2 : 4;
          header = 1 + length_bytes;
          break;
      }
    }

    if (avail - pos < header)
      return SCAN_INCOMPLETE;
    if (length_bytes > 0) {
      guint64 n = read_be (base + pos + 1, length_bytes);

      if (container)
        count = n;
      else
        payload = n;
    }

    if (container) {
      if (reader->depth >= GST_PEERJS_MSGPACK_MAX_DEPTH)
        return scan_error (error, GST_PEERJS_DATA_ERROR_TOO_BIG,
            "nested deeper than the depth limit", pos);
      if (count > GST_PEERJS_VALUE_MAX_ITEMS)
        return scan_error (error, GST_PEERJS_DATA_ERROR_TOO_BIG,
            "a count over the item limit", pos);
      if (is_map)
        count *= 2;
      reader->scan = pos + header;
    } else {
      if (pos + header + payload > reader->max_buffered)
        return scan_error (error, GST_PEERJS_DATA_ERROR_TOO_BIG,
            "a value over the size limit", pos);
      if (avail - pos - header < payload)
        return SCAN_INCOMPLETE;
      reader->scan = pos + header + payload;
    }

    if (++reader->items > GST_PEERJS_VALUE_MAX_ITEMS)
      return scan_error (error, GST_PEERJS_DATA_ERROR_TOO_BIG,
          "more values than the item limit", pos);

    if (container && count > 0) {
      reader->left[reader->depth++] = count;
      continue;
    }

    /* an item is complete: so are the containers it was the last of */
    while (reader->depth > 0 && --reader->left[reader->depth - 1] == 0)
      reader->depth--;
    if (reader->depth == 0)
      return SCAN_COMPLETE;
  }
}

static GVariant *object_to_value (const msgpack_object * o, GError ** error);

static GVariant *
map_to_value (const msgpack_object_map * map, GError ** error)
{
  GstPeerJSMapBuilder builder;
  guint32 i;

  gst_peerjs_map_builder_init (&builder);
  for (i = 0; i < map->size; i++) {
    const msgpack_object *k = &map->ptr[i].key;
    GVariant *key, *item;
    gchar *name;

    key = object_to_value (k, error);
    if (key == NULL) {
      gst_peerjs_map_builder_clear (&builder);
      return NULL;
    }
    name = gst_peerjs_value_to_key (key);
    g_variant_unref (key);

    item = object_to_value (&map->ptr[i].val, error);
    if (item == NULL) {
      g_free (name);
      gst_peerjs_map_builder_clear (&builder);
      return NULL;
    }
    gst_peerjs_map_builder_add (&builder, name, item);
  }
  return gst_peerjs_map_builder_end (&builder);
}

static GVariant *
ext_to_value (const msgpack_object * o, GError ** error)
{
  msgpack_timestamp ts;

  /* @msgpack/msgpack decodes the timestamp extension to a Date: here it
   * is its time value, milliseconds since the epoch */
  if (o->via.ext.type == TIMESTAMP_EXT_TYPE
      && msgpack_object_to_timestamp (o, &ts))
    return gst_peerjs_value_new_number ((gdouble) ts.tv_sec * 1000.0 +
        (gdouble) ts.tv_nsec / 1e6);

  g_set_error (error, GST_PEERJS_DATA_ERROR,
      GST_PEERJS_DATA_ERROR_UNSUPPORTED,
      "MsgPack: extension type %d (%u bytes) is not supported",
      o->via.ext.type, o->via.ext.size);
  return NULL;
}

static GVariant *
object_to_value (const msgpack_object * o, GError ** error)
{
  switch (o->type) {
    case MSGPACK_OBJECT_BOOLEAN:
      return g_variant_ref_sink (g_variant_new_boolean (o->via.boolean));
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
      if (o->via.u64 > G_MAXINT64)
        return g_variant_ref_sink (g_variant_new_uint64 (o->via.u64));
      return g_variant_ref_sink (g_variant_new_int64 ((gint64) o->via.u64));
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
      return g_variant_ref_sink (g_variant_new_int64 (o->via.i64));
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
      return gst_peerjs_value_new_number (o->via.f64);
    case MSGPACK_OBJECT_STR:
      return gst_peerjs_value_new_string_lenient (o->via.str.ptr,
          o->via.str.size);
    case MSGPACK_OBJECT_BIN:
      return g_variant_ref_sink (g_variant_new_fixed_array
          (G_VARIANT_TYPE_BYTE, o->via.bin.ptr, o->via.bin.size, 1));
    case MSGPACK_OBJECT_ARRAY:{
      GstPeerJSArrayBuilder builder;
      guint32 i;

      gst_peerjs_array_builder_init (&builder, o->via.array.size);
      for (i = 0; i < o->via.array.size; i++) {
        GVariant *item = object_to_value (&o->via.array.ptr[i], error);

        if (item == NULL) {
          gst_peerjs_array_builder_clear (&builder);
          return NULL;
        }
        gst_peerjs_array_builder_add (&builder, item);
      }
      return gst_peerjs_array_builder_end (&builder);
    }
    case MSGPACK_OBJECT_MAP:
      return map_to_value (&o->via.map, error);
    case MSGPACK_OBJECT_EXT:
      return ext_to_value (o, error);
    default:                   /* nil */
      return gst_peerjs_value_new_null ();
  }
}

/* Decodes the framed value of @length bytes at reader->start. */
static GVariant *
decode_framed (GstPeerJSMsgPackReader * reader, gsize length, GError ** error)
{
  msgpack_unpacked unpacked;
  msgpack_unpack_return ret;
  GVariant *value = NULL;
  size_t offset = 0;

  msgpack_unpacked_init (&unpacked);
  ret = msgpack_unpack_next (&unpacked,
      (const char *) reader->buf->data + reader->start, length, &offset);
  if (ret == MSGPACK_UNPACK_SUCCESS && offset == length) {
    value = object_to_value (&unpacked.data, error);
  } else {
    g_set_error (error, GST_PEERJS_DATA_ERROR,
        ret == MSGPACK_UNPACK_NOMEM_ERROR ? GST_PEERJS_DATA_ERROR_TOO_BIG :
        GST_PEERJS_DATA_ERROR_MALFORMED,
        "MsgPack: libmsgpack-c cannot read a value of %" G_GSIZE_FORMAT
        " bytes (%d)", length, (gint) ret);
  }
  msgpack_unpacked_destroy (&unpacked);

  return value;
}

/**
 * gst_peerjs_msgpack_reader_pop:
 * @reader: a reader
 * @error: return location for a #GError, or %NULL
 *
 * The next complete value of the stream, decoded by libmsgpack-c into the
 * value model: nil → `null`, integers → `x` (`t` above %G_MAXINT64),
 * floats → gst_peerjs_value_new_number(), str → `s` (made valid UTF-8),
 * bin → `ay`, arrays → `av`, maps → `a{sv}` (keys as JavaScript property
 * names), the timestamp extension (-1) → its milliseconds since the epoch.
 *
 * Errors: %GST_PEERJS_DATA_ERROR_UNSUPPORTED for any other extension type
 * (the JavaScript decoder knows only the timestamp); the value is skipped
 * and @reader stays usable. %GST_PEERJS_DATA_ERROR_MALFORMED (the unused
 * code c1) and %GST_PEERJS_DATA_ERROR_TOO_BIG (a value over
 * @max_buffered bytes, deeper than %GST_PEERJS_MSGPACK_MAX_DEPTH, or with
 * more than %GST_PEERJS_VALUE_MAX_ITEMS items): the stream cannot be
 * resynchronized, @reader drops every byte it holds, and the caller should
 * close the connection.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when no
 *   complete value is buffered yet or on error
 *
 * Since: 1.0
 */
GVariant *
gst_peerjs_msgpack_reader_pop (GstPeerJSMsgPackReader * reader, GError ** error)
{
  GError *decode_error = NULL;
  GVariant *value;
  gsize length;

  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (reader->start >= reader->buf->len)
    return NULL;

  switch (scan_value (reader, error)) {
    case SCAN_ERROR:
      GST_WARNING ("dropping %u bytes of a broken stream",
          reader->buf->len - (guint) reader->start);
      reset (reader);
      return NULL;
    case SCAN_INCOMPLETE:
      if (reader->buf->len - reader->start > reader->max_buffered) {
        g_set_error (error, GST_PEERJS_DATA_ERROR,
            GST_PEERJS_DATA_ERROR_TOO_BIG,
            "MsgPack: an incomplete value holds more than %" G_GSIZE_FORMAT
            " bytes", reader->max_buffered);
        reset (reader);
      }
      return NULL;
    case SCAN_COMPLETE:
      break;
  }

  length = reader->scan;
  value = decode_framed (reader, length, &decode_error);
  reader->start += length;
  reset_scan (reader);
  compact (reader);

  if (value == NULL) {
    if (decode_error->code != GST_PEERJS_DATA_ERROR_UNSUPPORTED)
      reset (reader);
    g_propagate_error (error, decode_error);
  }

  return value;
}
