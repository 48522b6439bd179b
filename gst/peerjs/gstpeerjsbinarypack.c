/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstpeerjsbinarypack
 * @title: BinaryPack
 * @short_description: the "binary" serialization of PeerJS data
 *   connections: BinaryPack values, chunking and reassembly
 *
 * BinaryPack is the MessagePack-like format of `peerjs-js-binarypack`
 * 2.1.0, the default serialization of `peerjs` 1.5.5 data connections.
 * gst_peerjs_binarypack_encode() writes the bytes its `pack()` writes
 * (except where `pack()` is wrong: non-integral doubles are exact IEEE-754
 * here, and 2^63 and 2^64 are not mangled), and
 * gst_peerjs_binarypack_decode() reads what `unpack()` reads, with
 * IEEE-754 decoded correctly and strict, bounded handling of bytes that end
 * early.
 *
 * A #GstPeerJSBinaryPackSender and a #GstPeerJSBinaryPackReceiver add the
 * connection layer: packed values above %GST_PEERJS_BINARYPACK_CHUNK_SIZE
 * bytes travel as chunk maps `{"__peerData": id, "n": i, "data": slice,
 * "total": count}` that the receiver puts back together, in any order.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "gstpeerjsbinarypack.h"
#include "gstpeerjsvalue-private.h"

GST_DEBUG_CATEGORY_STATIC (peerjs_binarypack_debug);
#define GST_CAT_DEFAULT peerjs_binarypack_debug

/* Reserve no more than this for an array's elements before they arrive. */
#define MAX_RESERVE 1024
/* How many ids of dropped chunked messages the receiver remembers, to drop
 * their late chunks quietly. */
#define DROPPED_IDS 32

static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (peerjs_binarypack_debug, "peerjsbinarypack", 0,
        "PeerJS BinaryPack serialization");
    g_once_init_leave (&done, 1);
  }
}

/* Encoder */

static void
put_u8 (GByteArray * out, guint8 byte)
{
  g_byte_array_append (out, &byte, 1);
}

static void
put_be (GByteArray * out, guint64 value, guint n_bytes)
{
  guint8 buf[8];
  guint i;

  for (i = 0; i < n_bytes; i++)
    buf[i] = (guint8) (value >> (8 * (n_bytes - 1 - i)));
  g_byte_array_append (out, buf, n_bytes);
}

/* The smallest form, tested in the order of pack_integer() in
 * binarypack.ts: a value in two ranges takes the first. */
static void
pack_int (GByteArray * out, gint64 n)
{
  if (n >= -0x20 && n <= 0x7f) {
    put_u8 (out, (guint8) (n & 0xff));
  } else if (n >= 0 && n <= 0xff) {
    put_u8 (out, 0xcc);
    put_be (out, (guint64) n, 1);
  } else if (n >= -0x80 && n <= 0x7f) {
    put_u8 (out, 0xd0);
    put_be (out, (guint64) n, 1);
  } else if (n >= 0 && n <= 0xffff) {
    put_u8 (out, 0xcd);
    put_be (out, (guint64) n, 2);
  } else if (n >= -0x8000 && n <= 0x7fff) {
    put_u8 (out, 0xd1);
    put_be (out, (guint64) n, 2);
  } else if (n >= 0 && n <= G_GINT64_CONSTANT (0xffffffff)) {
    put_u8 (out, 0xce);
    put_be (out, (guint64) n, 4);
  } else if (n >= G_MININT32 && n <= G_MAXINT32) {
    put_u8 (out, 0xd2);
    put_be (out, (guint64) n, 4);
  } else {
    put_u8 (out, 0xd3);
    put_be (out, (guint64) n, 8);
  }
}

static void
pack_uint64 (GByteArray * out, guint64 n)
{
  if (n <= G_MAXINT64) {
    pack_int (out, (gint64) n);
  } else {
    put_u8 (out, 0xcf);
    put_be (out, n, 8);
  }
}

/* A length or count: in the code's low nibble up to 15, else 16 or 32
 * bits after @code16 / @code16 + 1. */
static gboolean
pack_length (GByteArray * out, guint8 fix_base, guint8 code16, guint64 length,
    GError ** error)
{
  if (length <= 0x0f) {
    put_u8 (out, fix_base + (guint8) length);
  } else if (length <= 0xffff) {
    put_u8 (out, code16);
    put_be (out, length, 2);
  } else if (length <= G_MAXUINT32) {
    put_u8 (out, code16 + 1);
    put_be (out, length, 4);
  } else {
    g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_TOO_BIG,
        "BinaryPack: a length of %" G_GUINT64_FORMAT " does not fit 32 bits",
        length);
    return FALSE;
  }
  return TRUE;
}

static gboolean
pack_string (GByteArray * out, const gchar * str, gsize length, GError ** error)
{
  if (!pack_length (out, 0xb0, 0xd8, length, error))
    return FALSE;
  g_byte_array_append (out, (const guint8 *) str, length);
  return TRUE;
}

static gboolean
pack_raw (GByteArray * out, const guint8 * bytes, gsize length, GError ** error)
{
  if (!pack_length (out, 0xa0, 0xda, length, error))
    return FALSE;
  g_byte_array_append (out, bytes, length);
  return TRUE;
}

static gboolean
pack_double (GByteArray * out, gdouble d, GError ** error)
{
  guint64 bits;

  if (!isfinite (d)) {
    g_set_error (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_UNSUPPORTED,
        "BinaryPack cannot carry %s (the JavaScript decoder reads it wrong)",
        isnan (d) ? "NaN" : "an infinity");
    return FALSE;
  }
  if (floor (d) == d) {
    /* normalization made integral values within 64 bits integers */
    g_set_error (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_UNSUPPORTED,
        "BinaryPack cannot carry the integer %g: beyond 64 bits", d);
    return FALSE;
  }

  memcpy (&bits, &d, sizeof (bits));
  put_u8 (out, 0xcb);
  put_be (out, bits, 8);
  return TRUE;
}

/* @value is in the model; its depth is bounded by the normalization. */
static gboolean
pack_value (GByteArray * out, GVariant * value, GError ** error)
{
  const gchar *type = g_variant_get_type_string (value);
  gsize i, n;

  switch (type[0]) {
    case 'b':
      put_u8 (out, g_variant_get_boolean (value) ? 0xc3 : 0xc2);
      return TRUE;
    case 'x':
      pack_int (out, g_variant_get_int64 (value));
      return TRUE;
    case 't':
      pack_uint64 (out, g_variant_get_uint64 (value));
      return TRUE;
    case 'd':
      return pack_double (out, g_variant_get_double (value), error);
    case 's':{
      const gchar *str = g_variant_get_string (value, &n);

      return pack_string (out, str, n, error);
    }
    case 'a':
      break;
    default:                   /* null */
      put_u8 (out, 0xc0);
      return TRUE;
  }

  n = g_variant_n_children (value);
  if (g_str_equal (type, "ay")) {
    const guint8 *bytes = g_variant_get_fixed_array (value, &n, 1);

    return pack_raw (out, bytes, n, error);
  }

  if (g_str_equal (type, "av")) {
    if (!pack_length (out, 0x90, 0xdc, n, error))
      return FALSE;
    for (i = 0; i < n; i++) {
      GVariant *child = g_variant_get_child_value (value, i);
      GVariant *inner = g_variant_get_variant (child);
      gboolean ok = pack_value (out, inner, error);

      g_variant_unref (inner);
      g_variant_unref (child);
      if (!ok)
        return FALSE;
    }
    return TRUE;
  }

  /* a{sv}: keys in the variant's order, like Object.keys() */
  if (!pack_length (out, 0x80, 0xde, n, error))
    return FALSE;
  for (i = 0; i < n; i++) {
    const gchar *key;
    GVariant *inner;
    gboolean ok;

    g_variant_get_child (value, i, "{&sv}", &key, &inner);
    ok = pack_string (out, key, strlen (key), error)
        && pack_value (out, inner, error);
    g_variant_unref (inner);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

/**
 * gst_peerjs_binarypack_encode:
 * @value: any #GVariant (see gst_peerjs_value_normalize()); a floating
 *   reference is consumed
 * @error: return location for a #GError, or %NULL
 *
 * Packs @value like `pack()` of `peerjs-js-binarypack` 2.1.0: integral
 * numbers (doubles too, -0.0 and 0.0 included) in the smallest integer form
 * in the JavaScript test order (fixint, `cc`, `d0`, `cd`, `d1`, `ce`, `d2`,
 * `d3`; `cf` above %G_MAXINT64), other numbers as `cb` with their exact
 * IEEE-754 bits, strings by UTF-8 byte length (`b0`+n, `d8`, `d9`), `ay` as
 * raw (`a0`+n, `da`, `db`), arrays (`90`+n, `dc`, `dd`) and maps (`80`+n,
 * `de`, `df`) with their keys as strings in the variant's order, `null` as
 * `c0`.
 *
 * Returns: (transfer full) (nullable): the packed bytes, or %NULL with
 *   %GST_PEERJS_DATA_ERROR_UNSUPPORTED for NaN, an infinity or an integer
 *   beyond 64 bits (which the JavaScript side cannot read back), or
 *   %GST_PEERJS_DATA_ERROR_TOO_BIG (too deep, or a length over 32 bits)
 *
 * Since: 1.0
 */
GBytes *
gst_peerjs_binarypack_encode (GVariant * value, GError ** error)
{
  GVariant *norm;
  GByteArray *out;
  gboolean ok;

  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();
  norm = gst_peerjs_value_normalize (value, error);
  if (norm == NULL)
    return NULL;

  out = g_byte_array_new ();
  ok = pack_value (out, norm, error);
  g_variant_unref (norm);
  if (!ok) {
    g_byte_array_unref (out);
    return NULL;
  }

  return g_byte_array_free_to_bytes (out);
}

/* Decoder */

typedef struct
{
  const guint8 *data;
  gsize size;
  gsize pos;
  guint items;
} Reader;

static gboolean
read_be (Reader * r, guint n_bytes, guint64 * value, GError ** error)
{
  guint i;

  if (r->size - r->pos < n_bytes) {
    g_set_error (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_TRUNCATED,
        "BinaryPack: the bytes end inside a value (%u bytes needed at byte %"
        G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " left)", n_bytes, r->pos,
        r->size - r->pos);
    return FALSE;
  }

  *value = 0;
  for (i = 0; i < n_bytes; i++)
    *value = (*value << 8) | r->data[r->pos + i];
  r->pos += n_bytes;
  return TRUE;
}

/* Refuses a count that cannot fit the rest of the bytes (each element
 * takes at least @min_size bytes), before anything is allocated for it. */
static gboolean
check_count (Reader * r, guint64 count, guint min_size, const gchar * what,
    GError ** error)
{
  if (count > (r->size - r->pos) / min_size) {
    g_set_error (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_TRUNCATED,
        "BinaryPack: %s of %" G_GUINT64_FORMAT " at byte %" G_GSIZE_FORMAT
        " does not fit the %" G_GSIZE_FORMAT " bytes left", what, count,
        r->pos, r->size - r->pos);
    return FALSE;
  }
  return TRUE;
}

static GVariant *unpack (Reader * r, guint depth, gboolean * undefined,
    GError ** error);

static GVariant *
unpack_raw (Reader * r, guint64 length, GError ** error)
{
  GVariant *v;

  if (!check_count (r, length, 1, "a raw", error))
    return NULL;
  v = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, r->data + r->pos,
      length, 1);
  r->pos += length;
  return g_variant_ref_sink (v);
}

static GVariant *
unpack_string (Reader * r, guint64 length, GError ** error)
{
  GVariant *v;

  if (!check_count (r, length, 1, "a string", error))
    return NULL;
  v = gst_peerjs_value_new_string_lenient ((const gchar *) r->data + r->pos,
      length);
  r->pos += length;
  return v;
}

/* Refuses a container whose elements would exceed the item limit, before
 * decoding any of them. */
static gboolean
check_items (Reader * r, guint64 count, GError ** error)
{
  if (count > GST_PEERJS_VALUE_MAX_ITEMS - MIN (r->items,
          GST_PEERJS_VALUE_MAX_ITEMS)) {
    g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_TOO_BIG,
        "BinaryPack: more than %d values", GST_PEERJS_VALUE_MAX_ITEMS);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_depth (Reader * r, guint depth, GError ** error)
{
  if (depth >= GST_PEERJS_VALUE_MAX_DEPTH) {
    g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_TOO_BIG,
        "BinaryPack: nested deeper than %d arrays and maps at byte %"
        G_GSIZE_FORMAT, GST_PEERJS_VALUE_MAX_DEPTH, r->pos);
    return FALSE;
  }
  return TRUE;
}

static GVariant *
unpack_array (Reader * r, guint64 count, guint depth, GError ** error)
{
  GstPeerJSArrayBuilder builder;
  guint64 i;

  if (!check_depth (r, depth, error)
      || !check_count (r, count, 1, "an array", error)
      || !check_items (r, count, error))
    return NULL;

  gst_peerjs_array_builder_init (&builder, (guint) MIN (count, MAX_RESERVE));
  for (i = 0; i < count; i++) {
    GVariant *item = unpack (r, depth + 1, NULL, error);

    if (item == NULL) {
      gst_peerjs_array_builder_clear (&builder);
      return NULL;
    }
    gst_peerjs_array_builder_add (&builder, item);
  }
  return gst_peerjs_array_builder_end (&builder);
}

/* Keys become property names: String(key), and "undefined" for the codes
 * that decode to undefined. */
static GVariant *
unpack_map (Reader * r, guint64 count, guint depth, GError ** error)
{
  GstPeerJSMapBuilder builder;
  guint64 i;

  if (!check_depth (r, depth, error)
      || !check_count (r, count, 2, "a map", error)
      || !check_items (r, 2 * count, error))
    return NULL;

  gst_peerjs_map_builder_init (&builder);
  for (i = 0; i < count; i++) {
    gboolean undefined = FALSE;
    GVariant *key, *item;
    gchar *name;

    key = unpack (r, depth + 1, &undefined, error);
    if (key == NULL) {
      gst_peerjs_map_builder_clear (&builder);
      return NULL;
    }
    name = undefined ? g_strdup ("undefined") : gst_peerjs_value_to_key (key);
    g_variant_unref (key);

    item = unpack (r, depth + 1, NULL, error);
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
new_int64 (gint64 n)
{
  return g_variant_ref_sink (g_variant_new_int64 (n));
}

/* Sign-extends the low @n_bytes bytes of @bits. */
static gint64
sign_extend (guint64 bits, guint n_bytes)
{
  guint shift = 64 - 8 * n_bytes;

  return (gint64) (bits << shift) >> shift;
}

static GVariant *
unpack (Reader * r, guint depth, gboolean * undefined, GError ** error)
{
  guint8 type;
  guint64 n;

  if (r->pos >= r->size) {
    g_set_error (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_TRUNCATED,
        "BinaryPack: the bytes end where a value should start (byte %"
        G_GSIZE_FORMAT ")", r->pos);
    return NULL;
  }
  if (++r->items > GST_PEERJS_VALUE_MAX_ITEMS) {
    g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_TOO_BIG,
        "BinaryPack: more than %d values", GST_PEERJS_VALUE_MAX_ITEMS);
    return NULL;
  }

  type = r->data[r->pos++];
  if (type < 0x80)
    return new_int64 (type);
  if (type >= 0xe0)
    return new_int64 ((gint64) type - 0x100);
  if (type < 0x90)
    return unpack_map (r, type & 0x0f, depth, error);
  if (type < 0xa0)
    return unpack_array (r, type & 0x0f, depth, error);
  if (type < 0xb0)
    return unpack_raw (r, type & 0x0f, error);
  if (type < 0xc0)
    return unpack_string (r, type & 0x0f, error);

  switch (type) {
    case 0xc0:
      return gst_peerjs_value_new_null ();
    case 0xc2:
    case 0xc3:
      return g_variant_ref_sink (g_variant_new_boolean (type == 0xc3));
    case 0xca:{
      guint32 bits32;
      gfloat f;

      if (!read_be (r, 4, &n, error))
        return NULL;
      bits32 = (guint32) n;
      memcpy (&f, &bits32, sizeof (f));
      return gst_peerjs_value_new_number (f);
    }
    case 0xcb:{
      gdouble d;

      if (!read_be (r, 8, &n, error))
        return NULL;
      memcpy (&d, &n, sizeof (d));
      return gst_peerjs_value_new_number (d);
    }
    case 0xcc:
    case 0xcd:
    case 0xce:
      if (!read_be (r, 1 << (type - 0xcc), &n, error))
        return NULL;
      return new_int64 ((gint64) n);
    case 0xcf:
      if (!read_be (r, 8, &n, error))
        return NULL;
      if (n > G_MAXINT64)
        return g_variant_ref_sink (g_variant_new_uint64 (n));
      return new_int64 ((gint64) n);
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3:
      if (!read_be (r, 1 << (type - 0xd0), &n, error))
        return NULL;
      return new_int64 (sign_extend (n, 1 << (type - 0xd0)));
    case 0xd8:
    case 0xd9:
      if (!read_be (r, type == 0xd8 ? 2 : 4, &n, error))
        return NULL;
      return unpack_string (r, n, error);
    case 0xda:
    case 0xdb:
      if (!read_be (r, type == 0xda ? 2 : 4, &n, error))
        return NULL;
      return unpack_raw (r, n, error);
    case 0xdc:
    case 0xdd:
      if (!read_be (r, type == 0xdc ? 2 : 4, &n, error))
        return NULL;
      return unpack_array (r, n, depth, error);
    case 0xde:
    case 0xdf:
      if (!read_be (r, type == 0xde ? 2 : 4, &n, error))
        return NULL;
      return unpack_map (r, n, depth, error);
    default:
      /* c1 (undefined) and the unassigned c4-c9, d4-d7: undefined, and
       * nothing after the code is consumed */
      if (undefined)
        *undefined = TRUE;
      return gst_peerjs_value_new_null ();
  }
}

/**
 * gst_peerjs_binarypack_decode:
 * @data: (array length=size): the bytes
 * @size: how many
 * @consumed: (out) (optional): where to store how many bytes the value took
 * @error: return location for a #GError, or %NULL
 *
 * Unpacks the one value at the start of @data, like `unpack()` of
 * `peerjs-js-binarypack` 2.1.0: trailing bytes are ignored; `c1` and the
 * unassigned codes `c4`–`c9`, `d4`–`d7` are `null` and consume nothing
 * after themselves; map keys become strings as JavaScript property names
 * do; strings are made valid UTF-8. Unlike `unpack()`, `ca` and `cb` are
 * read as exact IEEE-754 (zero, subnormals, infinities and NaN included),
 * and 64-bit integers exactly. Numbers follow gst_peerjs_value_new_number().
 *
 * Where `unpack()` would read past the end (it reads zeros for single
 * bytes), this fails with %GST_PEERJS_DATA_ERROR_TRUNCATED, also as soon
 * as a length or count cannot fit the bytes left, before anything is
 * allocated for it. Nesting deeper than %GST_PEERJS_VALUE_MAX_DEPTH or
 * more than %GST_PEERJS_VALUE_MAX_ITEMS values fail with
 * %GST_PEERJS_DATA_ERROR_TOO_BIG.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL with an error
 *
 * Since: 1.0
 */
GVariant *
gst_peerjs_binarypack_decode (const guint8 * data, gsize size,
    gsize * consumed, GError ** error)
{
  Reader r = { data, size, 0, 0 };
  GVariant *value;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();
  value = unpack (&r, 0, NULL, error);
  if (value && consumed)
    *consumed = r.pos;

  return value;
}

/* Sender */

struct _GstPeerJSBinaryPackSender
{
  gint64 next_id;
};

/**
 * gst_peerjs_binarypack_sender_new:
 *
 * A sender for one connection. Its chunk ids start at 1, like those of a
 * `peerjs` connection.
 *
 * Returns: (transfer full): a new sender; free with
 *   gst_peerjs_binarypack_sender_free()
 *
 * Since: 1.0
 */
GstPeerJSBinaryPackSender *
gst_peerjs_binarypack_sender_new (void)
{
  GstPeerJSBinaryPackSender *sender = g_new0 (GstPeerJSBinaryPackSender, 1);

  ensure_debug_category ();
  sender->next_id = 1;
  return sender;
}

/**
 * gst_peerjs_binarypack_sender_free:
 * @sender: (transfer full) (nullable): a sender
 *
 * Frees @sender.
 *
 * Since: 1.0
 */
void
gst_peerjs_binarypack_sender_free (GstPeerJSBinaryPackSender * sender)
{
  g_free (sender);
}

static gboolean
pack_key (GByteArray * out, const gchar * key)
{
  return pack_string (out, key, strlen (key), NULL);
}

/**
 * gst_peerjs_binarypack_sender_pack:
 * @sender: a sender
 * @value: any #GVariant; a floating reference is consumed
 * @error: return location for a #GError, or %NULL
 *
 * Packs @value (see gst_peerjs_binarypack_encode()) into the binary
 * messages to send for it: one message when it packs to at most
 * %GST_PEERJS_BINARYPACK_CHUNK_SIZE bytes, else one chunk map
 * `{"__peerData": id, "n": i, "data": slice, "total": count}` (keys in this
 * order, as `peerjs` sends them) per slice of that size, all with the next
 * chunk id of @sender.
 *
 * Returns: (transfer container) (element-type GBytes) (nullable): the
 *   messages, in order, or %NULL with the error of
 *   gst_peerjs_binarypack_encode()
 *
 * Since: 1.0
 */
GPtrArray *
gst_peerjs_binarypack_sender_pack (GstPeerJSBinaryPackSender * sender,
    GVariant * value, GError ** error)
{
  GBytes *packed;
  GPtrArray *messages;
  const guint8 *bytes;
  gsize size, offset;
  gint64 id, total, n;

  g_return_val_if_fail (sender != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  packed = gst_peerjs_binarypack_encode (value, error);
  if (packed == NULL)
    return NULL;

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  bytes = g_bytes_get_data (packed, &size);
  if (size <= GST_PEERJS_BINARYPACK_CHUNK_SIZE) {
    g_ptr_array_add (messages, packed);
    return messages;
  }

  id = sender->next_id++;
  total = (size + GST_PEERJS_BINARYPACK_CHUNK_SIZE - 1) /
      GST_PEERJS_BINARYPACK_CHUNK_SIZE;
  GST_DEBUG ("%" G_GSIZE_FORMAT " bytes go as %" G_GINT64_FORMAT
      " chunks of message %" G_GINT64_FORMAT, size, total, id);

  for (n = 0, offset = 0; n < total; n++) {
    gsize len = MIN (size - offset, GST_PEERJS_BINARYPACK_CHUNK_SIZE);
    GByteArray *out = g_byte_array_sized_new (len + 48);

    put_u8 (out, 0x84);
    pack_key (out, "__peerData");
    pack_int (out, id);
    pack_key (out, "n");
    pack_int (out, n);
    pack_key (out, "data");
    pack_raw (out, bytes + offset, len, NULL);
    pack_key (out, "total");
    pack_int (out, total);
    g_ptr_array_add (messages, g_byte_array_free_to_bytes (out));
    offset += len;
  }

  g_bytes_unref (packed);
  return messages;
}

/* Receiver */

typedef struct
{
  gint64 id;
  guint total;
  guint count;
  GBytes **parts;
  gsize bytes;
  gint64 last_us;
} Pending;

struct _GstPeerJSBinaryPackReceiver
{
  gsize max_message_size;
  guint max_in_flight;
  gint64 timeout_us;

  GPtrArray *pending;           /* of Pending */
  gsize pending_bytes;
  guint unreported_timeouts;

  gint64 dropped[DROPPED_IDS];
  guint n_dropped;
  guint dropped_next;
};

static void
pending_free (Pending * p)
{
  guint i;

  for (i = 0; i < p->total; i++)
    g_clear_pointer (&p->parts[i], g_bytes_unref);
  g_free (p->parts);
  g_free (p);
}

/**
 * gst_peerjs_binarypack_receiver_new:
 * @max_message_size: most bytes a reassembled message may have, and most
 *   bytes all incomplete messages may hold together (also the largest
 *   message accepted); 0 for
 *   %GST_PEERJS_BINARYPACK_DEFAULT_MAX_MESSAGE_SIZE
 * @max_in_flight: most chunked messages being reassembled at once; 0 for
 *   %GST_PEERJS_BINARYPACK_DEFAULT_MAX_IN_FLIGHT
 * @timeout_ms: an incomplete message that gets no chunk for this long is
 *   dropped; 0 for never
 *
 * A receiver for one connection.
 *
 * Returns: (transfer full): a new receiver; free with
 *   gst_peerjs_binarypack_receiver_free()
 *
 * Since: 1.0
 */
GstPeerJSBinaryPackReceiver *
gst_peerjs_binarypack_receiver_new (gsize max_message_size,
    guint max_in_flight, guint timeout_ms)
{
  GstPeerJSBinaryPackReceiver *recv = g_new0 (GstPeerJSBinaryPackReceiver, 1);

  ensure_debug_category ();
  recv->max_message_size = max_message_size ? max_message_size :
      GST_PEERJS_BINARYPACK_DEFAULT_MAX_MESSAGE_SIZE;
  recv->max_in_flight = max_in_flight ? max_in_flight :
      GST_PEERJS_BINARYPACK_DEFAULT_MAX_IN_FLIGHT;
  recv->timeout_us = 1000 * (gint64) timeout_ms;
  recv->pending = g_ptr_array_new_with_free_func ((GDestroyNotify)
      pending_free);

  return recv;
}

/**
 * gst_peerjs_binarypack_receiver_free:
 * @recv: (transfer full) (nullable): a receiver
 *
 * Frees @recv and the chunks it holds.
 *
 * Since: 1.0
 */
void
gst_peerjs_binarypack_receiver_free (GstPeerJSBinaryPackReceiver * recv)
{
  if (recv == NULL)
    return;

  g_ptr_array_unref (recv->pending);
  g_free (recv);
}

/**
 * gst_peerjs_binarypack_receiver_get_in_flight:
 * @recv: a receiver
 *
 * Returns: how many chunked messages are incomplete
 *
 * Since: 1.0
 */
guint
gst_peerjs_binarypack_receiver_get_in_flight (GstPeerJSBinaryPackReceiver *
    recv)
{
  g_return_val_if_fail (recv != NULL, 0);

  return recv->pending->len;
}

static Pending *
find_pending (GstPeerJSBinaryPackReceiver * recv, gint64 id)
{
  guint i;

  for (i = 0; i < recv->pending->len; i++) {
    Pending *p = g_ptr_array_index (recv->pending, i);

    if (p->id == id)
      return p;
  }
  return NULL;
}

static gboolean
was_dropped (GstPeerJSBinaryPackReceiver * recv, gint64 id)
{
  guint i;

  for (i = 0; i < recv->n_dropped; i++) {
    if (recv->dropped[i] == id)
      return TRUE;
  }
  return FALSE;
}

/* Forgets the chunks of message @id, and drops its later chunks quietly. */
static void
drop_message (GstPeerJSBinaryPackReceiver * recv, gint64 id)
{
  Pending *p = find_pending (recv, id);

  if (p) {
    recv->pending_bytes -= p->bytes;
    g_ptr_array_remove (recv->pending, p);
  }

  if (!was_dropped (recv, id)) {
    recv->dropped[recv->dropped_next] = id;
    recv->dropped_next = (recv->dropped_next + 1) % DROPPED_IDS;
    recv->n_dropped = MIN (recv->n_dropped + 1, DROPPED_IDS);
  }
}

/* Drops message @id with an error saying @text (taken). */
static void
fail_message (GstPeerJSBinaryPackReceiver * recv, gint64 id, GError ** error,
    GstPeerJSDataError code, gchar * text)
{
  GST_WARNING ("dropping chunked message %" G_GINT64_FORMAT ": %s", id, text);
  g_set_error (error, GST_PEERJS_DATA_ERROR, code,
      "BinaryPack chunked message %" G_GINT64_FORMAT " dropped: %s", id, text);
  g_free (text);
  drop_message (recv, id);
}

static void
expire_stale (GstPeerJSBinaryPackReceiver * recv, gint64 now_us)
{
  guint i = 0;

  if (recv->timeout_us <= 0)
    return;

  while (i < recv->pending->len) {
    Pending *p = g_ptr_array_index (recv->pending, i);

    if (now_us - p->last_us > recv->timeout_us) {
      GST_WARNING ("chunked message %" G_GINT64_FORMAT " timed out with %u of"
          " %u chunks", p->id, p->count, p->total);
      recv->unreported_timeouts++;
      drop_message (recv, p->id);
    } else {
      i++;
    }
  }
}

static gboolean
get_integer_member (GVariant * map, const gchar * key, gint64 * n)
{
  GVariant *v = g_variant_lookup_value (map, key, G_VARIANT_TYPE_INT64);

  if (v == NULL)
    return FALSE;
  *n = g_variant_get_int64 (v);
  g_variant_unref (v);
  return TRUE;
}

/* Stores one chunk; returns the whole message once its last chunk is in. */
static GBytes *
store_chunk (GstPeerJSBinaryPackReceiver * recv, GVariant * chunk,
    gint64 now_us, GError ** error)
{
  gint64 id, n, total;
  GVariant *data;
  GBytes *part;
  Pending *p;
  gsize len, max_total;

  if (!get_integer_member (chunk, "__peerData", &id)) {
    g_set_error_literal (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_CHUNKS,
        "BinaryPack: a chunk whose __peerData is not an integer id");
    return NULL;
  }
  if (was_dropped (recv, id)) {
    GST_DEBUG ("late chunk of dropped message %" G_GINT64_FORMAT, id);
    return NULL;
  }

  data = g_variant_lookup_value (chunk, "data", G_VARIANT_TYPE_BYTESTRING);
  if (!get_integer_member (chunk, "n", &n)
      || !get_integer_member (chunk, "total", &total) || data == NULL) {
    g_clear_pointer (&data, g_variant_unref);
    fail_message (recv, id, error, GST_PEERJS_DATA_ERROR_CHUNKS,
        g_strdup ("a chunk without integer n and total and binary data"));
    return NULL;
  }
  part = g_variant_get_data_as_bytes (data);
  len = g_variant_get_size (data);
  g_variant_unref (data);

  max_total = recv->max_message_size / GST_PEERJS_BINARYPACK_CHUNK_SIZE + 1;
  p = find_pending (recv, id);
  if (total < 1) {
    fail_message (recv, id, error, GST_PEERJS_DATA_ERROR_CHUNKS,
        g_strdup_printf ("total %" G_GINT64_FORMAT, total));
  } else if ((guint64) total > max_total) {
    fail_message (recv, id, error, GST_PEERJS_DATA_ERROR_TOO_BIG,
        g_strdup_printf ("%" G_GINT64_FORMAT
            " chunks of %d bytes exceed the limit of %" G_GSIZE_FORMAT " bytes",
            total, GST_PEERJS_BINARYPACK_CHUNK_SIZE, recv->max_message_size));
  } else if (p && p->total != (guint) total) {
    fail_message (recv, id, error, GST_PEERJS_DATA_ERROR_CHUNKS,
        g_strdup_printf ("chunk %" G_GINT64_FORMAT " says total %"
            G_GINT64_FORMAT ", an earlier one %u", n, total, p->total));
  } else if (n < 0 || n >= total) {
    fail_message (recv, id, error, GST_PEERJS_DATA_ERROR_CHUNKS,
        g_strdup_printf ("chunk index %" G_GINT64_FORMAT " of %"
            G_GINT64_FORMAT, n, total));
  } else if (p && p->parts[n] != NULL) {
    fail_message (recv, id, error, GST_PEERJS_DATA_ERROR_CHUNKS,
        g_strdup_printf ("chunk %" G_GINT64_FORMAT " arrived twice", n));
  } else if ((p ? p->bytes : 0) + len > recv->max_message_size
      || recv->pending_bytes + len > recv->max_message_size) {
    fail_message (recv, id, error, GST_PEERJS_DATA_ERROR_TOO_BIG,
        g_strdup_printf ("over the limit of %" G_GSIZE_FORMAT
            " bytes in chunks", recv->max_message_size));
  } else if (p == NULL && recv->pending->len >= recv->max_in_flight) {
    fail_message (recv, id, error, GST_PEERJS_DATA_ERROR_CHUNKS,
        g_strdup_printf ("%u chunked messages are incomplete already",
            recv->pending->len));
  } else {
    if (p == NULL) {
      p = g_new0 (Pending, 1);
      p->id = id;
      p->total = (guint) total;
      p->parts = g_new0 (GBytes *, p->total);
      g_ptr_array_add (recv->pending, p);
    }
    p->parts[n] = g_steal_pointer (&part);
    p->count++;
    p->bytes += len;
    p->last_us = now_us;
    recv->pending_bytes += len;

    if (p->count == p->total) {
      GByteArray *whole = g_byte_array_sized_new (p->bytes);
      guint i;

      for (i = 0; i < p->total; i++) {
        gsize part_size;
        const guint8 *part_data = g_bytes_get_data (p->parts[i], &part_size);

        g_byte_array_append (whole, part_data, part_size);
      }
      GST_DEBUG ("message %" G_GINT64_FORMAT " complete: %" G_GSIZE_FORMAT
          " bytes in %u chunks", id, p->bytes, p->total);
      recv->pending_bytes -= p->bytes;
      g_ptr_array_remove (recv->pending, p);
      return g_byte_array_free_to_bytes (whole);
    }
  }

  g_clear_pointer (&part, g_bytes_unref);
  return NULL;
}

/* What a decoded message is: a chunk, the close control value or a value
 * (like BinaryPack.ts: a truthy __peerData marks a control message). */
static GstPeerJSReceiveResult
handle_message (GstPeerJSBinaryPackReceiver * recv, GVariant * message,
    gint64 now_us, gboolean reassembled, GVariant ** value, GError ** error)
{
  GVariant *peer_data = NULL;
  GBytes *whole;
  GVariant *inner;
  gboolean control = FALSE;

  if (g_variant_is_of_type (message, G_VARIANT_TYPE_VARDICT)) {
    peer_data = g_variant_lookup_value (message, "__peerData", NULL);
    control = peer_data && gst_peerjs_value_is_truthy (peer_data);
    g_clear_pointer (&peer_data, g_variant_unref);
  }

  if (!control) {
    *value = message;
    return GST_PEERJS_RECEIVE_VALUE;
  }

  if (gst_peerjs_value_is_close (message)) {
    g_variant_unref (message);
    return GST_PEERJS_RECEIVE_CLOSE;
  }

  if (reassembled) {
    g_set_error_literal (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_CHUNKS,
        "BinaryPack: a reassembled message is a chunk itself");
    g_variant_unref (message);
    return GST_PEERJS_RECEIVE_NONE;
  }

  whole = store_chunk (recv, message, now_us, error);
  g_variant_unref (message);
  if (whole == NULL)
    return GST_PEERJS_RECEIVE_NONE;

  inner = gst_peerjs_binarypack_decode (g_bytes_get_data (whole, NULL),
      g_bytes_get_size (whole), NULL, error);
  g_bytes_unref (whole);
  if (inner == NULL)
    return GST_PEERJS_RECEIVE_NONE;

  return handle_message (recv, inner, now_us, TRUE, value, error);
}

static void
report_timeouts (GstPeerJSBinaryPackReceiver * recv, GError ** error)
{
  g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_CHUNKS,
      "BinaryPack: %u incomplete chunked message%s timed out and %s dropped",
      recv->unreported_timeouts, recv->unreported_timeouts == 1 ? "" : "s",
      recv->unreported_timeouts == 1 ? "was" : "were");
  recv->unreported_timeouts = 0;
}

/**
 * gst_peerjs_binarypack_receiver_push:
 * @recv: a receiver
 * @data: (array length=size): one binary message of the connection
 * @size: its size
 * @now_us: the current time of a monotonic clock, in microseconds (e.g.
 *   g_get_monotonic_time())
 * @value: (out) (transfer full) (optional): where to store the value
 * @error: return location for a #GError, or %NULL
 *
 * Takes the next message of the connection. A message is a value, the
 * close control value, or a chunk of a larger message; chunks are stored
 * by id until all `total` of them are in (in any order; `total` is taken
 * from the first chunk seen), then the message is decoded as if it had
 * arrived whole.
 *
 * A message that breaks the rules is dropped with an error and @recv stays
 * usable: %GST_PEERJS_DATA_ERROR_CHUNKS for a duplicate index, an index
 * not below `total`, a `total` that differs from the first chunk's, or
 * more than @max_in_flight incomplete messages;
 * %GST_PEERJS_DATA_ERROR_TOO_BIG for a message over @max_message_size
 * (`total` × 16300 far over it is refused at once) or chunks over it
 * altogether; the errors of gst_peerjs_binarypack_decode(). Later chunks
 * of a dropped message are dropped quietly.
 *
 * Incomplete messages that got no chunk for @timeout_ms are dropped first.
 * That is reported with a %GST_PEERJS_DATA_ERROR_CHUNKS error by this push
 * if it returns %GST_PEERJS_RECEIVE_NONE, else by the next one that does
 * (or by gst_peerjs_binarypack_receiver_expire()).
 *
 * Returns: %GST_PEERJS_RECEIVE_VALUE with *@value set,
 *   %GST_PEERJS_RECEIVE_CLOSE, or %GST_PEERJS_RECEIVE_NONE (then @error
 *   is set if something was dropped)
 *
 * Since: 1.0
 */
GstPeerJSReceiveResult
gst_peerjs_binarypack_receiver_push (GstPeerJSBinaryPackReceiver * recv,
    const guint8 * data, gsize size, gint64 now_us, GVariant ** value,
    GError ** error)
{
  GstPeerJSReceiveResult result = GST_PEERJS_RECEIVE_NONE;
  GError *msg_error = NULL;
  GVariant *message, *out = NULL;

  g_return_val_if_fail (recv != NULL, GST_PEERJS_RECEIVE_NONE);
  g_return_val_if_fail (data != NULL || size == 0, GST_PEERJS_RECEIVE_NONE);
  g_return_val_if_fail (error == NULL || *error == NULL,
      GST_PEERJS_RECEIVE_NONE);

  if (value)
    *value = NULL;

  expire_stale (recv, now_us);

  if (size > recv->max_message_size) {
    g_set_error (&msg_error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_TOO_BIG,
        "BinaryPack: a message of %" G_GSIZE_FORMAT " bytes is over the limit"
        " of %" G_GSIZE_FORMAT, size, recv->max_message_size);
  } else {
    message = gst_peerjs_binarypack_decode (data, size, NULL, &msg_error);
    if (message)
      result = handle_message (recv, message, now_us, FALSE, &out, &msg_error);
  }

  if (result == GST_PEERJS_RECEIVE_VALUE) {
    if (value)
      *value = out;
    else
      g_variant_unref (out);
  } else if (result == GST_PEERJS_RECEIVE_NONE) {
    if (msg_error) {
      if (recv->unreported_timeouts > 0) {
        g_prefix_error (&msg_error, "%u timed out message%s dropped; ",
            recv->unreported_timeouts,
            recv->unreported_timeouts == 1 ? "" : "s");
        recv->unreported_timeouts = 0;
      }
      g_propagate_error (error, msg_error);
      msg_error = NULL;
    } else if (recv->unreported_timeouts > 0) {
      report_timeouts (recv, error);
    }
  }
  g_clear_error (&msg_error);

  return result;
}

/**
 * gst_peerjs_binarypack_receiver_expire:
 * @recv: a receiver
 * @now_us: the current time of the clock given to
 *   gst_peerjs_binarypack_receiver_push()
 * @error: return location for a #GError, or %NULL
 *
 * Drops the incomplete messages that got no chunk for the timeout, for a
 * caller that wants them gone without waiting for the next message.
 *
 * Returns: %FALSE with a %GST_PEERJS_DATA_ERROR_CHUNKS error if messages
 *   were dropped (now or by an earlier push, unreported), %TRUE otherwise
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_binarypack_receiver_expire (GstPeerJSBinaryPackReceiver * recv,
    gint64 now_us, GError ** error)
{
  g_return_val_if_fail (recv != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  expire_stale (recv, now_us);
  if (recv->unreported_timeouts == 0)
    return TRUE;

  report_timeouts (recv, error);
  return FALSE;
}
