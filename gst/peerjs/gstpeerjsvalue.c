/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstpeerjsvalue
 * @title: PeerJS data values
 * @short_description: the #GVariant model of the values a PeerJS data
 *   connection carries, and their JSON form
 *
 * A PeerJS data connection carries JavaScript values. Here they are
 * #GVariant values of a few types:
 *
 * | JavaScript | #GVariant |
 * |---|---|
 * | `null`, `undefined` | `mv` nothing: g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL) |
 * | boolean | `b` |
 * | integral number | `x`; `t` only above %G_MAXINT64 |
 * | other number (and NaN, ±Infinity) | `d` |
 * | string | `s` (always valid UTF-8) |
 * | ArrayBuffer, typed array | `ay` |
 * | array | `av` |
 * | object | `a{sv}` |
 *
 * Every decoder returns values of this model, and every encoder accepts
 * any #GVariant: gst_peerjs_value_normalize() maps basic types, tuples,
 * arrays, dictionaries, variants and maybes onto the model first.
 *
 * The functions that take a #GVariant to encode it consume a floating
 * reference, like the GLib functions that take one.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "gstpeerjsvalue.h"
#include "gstpeerjsvalue-private.h"

GST_DEBUG_CATEGORY_STATIC (peerjs_value_debug);
#define GST_CAT_DEFAULT peerjs_value_debug

/* 2^63 and 2^64 as doubles: the bounds of what fits x and t. */
#define TWO_POW_63 9223372036854775808.0
#define TWO_POW_64 18446744073709551616.0

/* Number.MAX_SAFE_INTEGER, 2^53 - 1 */
#define MAX_SAFE_INTEGER G_GINT64_CONSTANT (9007199254740991)

/* Up to this many map members a linear search finds duplicate keys. */
#define MAP_LINEAR_LOOKUP 8

static const GEnumValue data_error_values[] = {
  {GST_PEERJS_DATA_ERROR_MALFORMED, "GST_PEERJS_DATA_ERROR_MALFORMED",
      "malformed"},
  {GST_PEERJS_DATA_ERROR_TRUNCATED, "GST_PEERJS_DATA_ERROR_TRUNCATED",
      "truncated"},
  {GST_PEERJS_DATA_ERROR_TOO_BIG, "GST_PEERJS_DATA_ERROR_TOO_BIG", "too-big"},
  {GST_PEERJS_DATA_ERROR_UNSUPPORTED, "GST_PEERJS_DATA_ERROR_UNSUPPORTED",
      "unsupported"},
  {GST_PEERJS_DATA_ERROR_CHUNKS, "GST_PEERJS_DATA_ERROR_CHUNKS", "chunks"},
  {0, NULL, NULL}
};

/* Indexed by GstPeerJSSerialization; the nicks are the wire names. */
static const GEnumValue serialization_values[] = {
  {GST_PEERJS_SERIALIZATION_BINARY, "GST_PEERJS_SERIALIZATION_BINARY",
      "binary"},
  {GST_PEERJS_SERIALIZATION_JSON, "GST_PEERJS_SERIALIZATION_JSON", "json"},
  {GST_PEERJS_SERIALIZATION_RAW, "GST_PEERJS_SERIALIZATION_RAW", "raw"},
  {GST_PEERJS_SERIALIZATION_MSGPACK, "GST_PEERJS_SERIALIZATION_MSGPACK",
      "MsgPack"},
  {0, NULL, NULL}
};

#define N_SERIALIZATIONS (G_N_ELEMENTS (serialization_values) - 1)
G_STATIC_ASSERT (N_SERIALIZATIONS == GST_PEERJS_SERIALIZATION_MSGPACK + 1);

/* The library has no plugin_init, so the category is made on first use. */
static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (peerjs_value_debug, "peerjsvalue", 0,
        "PeerJS data values");
    g_once_init_leave (&done, 1);
  }
}

/**
 * gst_peerjs_data_error_quark:
 *
 * The quark of the %GST_PEERJS_DATA_ERROR domain.
 *
 * Returns: the error domain quark
 *
 * Since: 1.0
 */
GQuark
gst_peerjs_data_error_quark (void)
{
  return g_quark_from_static_string ("gst-peerjs-data-error-quark");
}

/**
 * gst_peerjs_data_error_get_type:
 *
 * The #GType of #GstPeerJSDataError.
 *
 * Returns: the enum type, registered as "GstPeerJSDataError"
 *
 * Since: 1.0
 */
GType
gst_peerjs_data_error_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstPeerJSDataError", data_error_values);

    g_once_init_leave (&type, t);
  }

  return (GType) type;
}

/**
 * gst_peerjs_serialization_get_type:
 *
 * The #GType of #GstPeerJSSerialization. Its value nicks are the wire names
 * ("binary", "json", "raw", "MsgPack").
 *
 * Returns: the enum type, registered as "GstPeerJSSerialization"
 *
 * Since: 1.0
 */
GType
gst_peerjs_serialization_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstPeerJSSerialization",
        serialization_values);

    g_once_init_leave (&type, t);
  }

  return (GType) type;
}

/**
 * gst_peerjs_serialization_from_string:
 * @name: (nullable): a `serialization` as a PeerJS client names it
 * @ser: (out) (optional): where to store the serialization
 *
 * Maps the names the `peerjs` 1.5.5 client accepts: "binary", "binary-utf8"
 * and "default" (and a missing name, %NULL) are BinaryPack; "json", "raw"
 * and "MsgPack" (also "msgpack") are the other three.
 *
 * Returns: %TRUE for a known name, %FALSE otherwise (then @ser is left
 *   untouched)
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_serialization_from_string (const gchar * name,
    GstPeerJSSerialization * ser)
{
  GstPeerJSSerialization found;

  if (name == NULL || g_str_equal (name, "binary")
      || g_str_equal (name, "binary-utf8") || g_str_equal (name, "default"))
    found = GST_PEERJS_SERIALIZATION_BINARY;
  else if (g_str_equal (name, "json"))
    found = GST_PEERJS_SERIALIZATION_JSON;
  else if (g_str_equal (name, "raw"))
    found = GST_PEERJS_SERIALIZATION_RAW;
  else if (g_str_equal (name, "MsgPack") || g_str_equal (name, "msgpack"))
    found = GST_PEERJS_SERIALIZATION_MSGPACK;
  else
    return FALSE;

  if (ser)
    *ser = found;
  return TRUE;
}

/**
 * gst_peerjs_serialization_to_string:
 * @ser: a #GstPeerJSSerialization
 *
 * The name to put in an OFFER's `serialization`.
 *
 * Returns: (nullable): "binary", "json", "raw" or "MsgPack", or %NULL if
 *   @ser is not a #GstPeerJSSerialization
 *
 * Since: 1.0
 */
const gchar *
gst_peerjs_serialization_to_string (GstPeerJSSerialization ser)
{
  if ((gint) ser < 0 || (guint) ser >= N_SERIALIZATIONS)
    return NULL;

  return serialization_values[ser].value_nick;
}

/**
 * gst_peerjs_value_new_null:
 *
 * The model's `null`: a `mv` holding nothing.
 *
 * Returns: (transfer full): a new value (not floating)
 *
 * Since: 1.0
 */
GVariant *
gst_peerjs_value_new_null (void)
{
  return g_variant_ref_sink (g_variant_new_maybe (G_VARIANT_TYPE_VARIANT,
          NULL));
}

/**
 * gst_peerjs_value_new_number:
 * @number: a JavaScript number
 *
 * The model's form of a number: an integral value that fits `x` is an `x`,
 * one above %G_MAXINT64 that fits `t` a `t` (-0 becomes 0), anything else
 * (fractions, NaN, infinities, integers beyond 64 bits) a `d`.
 *
 * Returns: (transfer full): a new value (not floating)
 *
 * Since: 1.0
 */
GVariant *
gst_peerjs_value_new_number (gdouble number)
{
  GVariant *v;

  if (isfinite (number) && floor (number) == number) {
    if (number >= -TWO_POW_63 && number < TWO_POW_63)
      v = g_variant_new_int64 ((gint64) number);
    else if (number >= 0 && number < TWO_POW_64)
      v = g_variant_new_uint64 ((guint64) number);
    else
      v = g_variant_new_double (number);
  } else {
    v = g_variant_new_double (number);
  }

  return g_variant_ref_sink (v);
}

/**
 * gst_peerjs_value_new_string_lenient:
 * @data: (array length=length): bytes that should be UTF-8
 * @length: the number of bytes
 *
 * A string value from untrusted bytes, never failing like the JavaScript
 * decoders: each invalid UTF-8 sequence becomes U+FFFD, and so does each
 * NUL character (a #GVariant string cannot hold one).
 *
 * Returns: (transfer full): a new `s` value (not floating)
 *
 * Since: 1.0
 */
GVariant *
gst_peerjs_value_new_string_lenient (const gchar * data, gsize length)
{
  gchar *text;

  if (length == 0)
    return g_variant_ref_sink (g_variant_new_string (""));

  /* g_utf8_validate_len() refuses NUL bytes, so those are replaced too */
  if (length <= G_MAXSSIZE && g_utf8_validate_len (data, length, NULL))
    text = g_strndup (data, length);
  else
    text = g_utf8_make_valid (data, (gssize) MIN (length, G_MAXSSIZE));

  return g_variant_ref_sink (g_variant_new_take_string (text));
}

/* ECMAScript Number::toString (radix 10): the shortest digits that read
 * back as @d, laid out the way JavaScript does. */
static gchar *
js_number_to_string (gdouble d)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  gchar fmt[8];
  gchar digits[20];
  gint precision, exponent, k, n;
  const gchar *e;
  gsize nd = 0, i;
  GString *out;

  if (isnan (d))
    return g_strdup ("NaN");
  if (isinf (d))
    return g_strdup (d > 0 ? "Infinity" : "-Infinity");
  if (d == 0)
    return g_strdup ("0");

  for (precision = 1; precision <= 17; precision++) {
    g_snprintf (fmt, sizeof (fmt), "%%.%de", precision - 1);
    g_ascii_formatd (buf, sizeof (buf), fmt, fabs (d));
    if (g_ascii_strtod (buf, NULL) == fabs (d))
      break;
  }

  /* buf is "D.DDDDe+XX" (or "De+XX") */
  e = strchr (buf, 'e');
  if (e == NULL)
    return g_strdup ("NaN");
  for (i = 0; buf + i < e && nd < sizeof (digits) - 1; i++) {
    if (g_ascii_isdigit (buf[i]))
      digits[nd++] = buf[i];
  }
  while (nd > 1 && digits[nd - 1] == '0')
    nd--;
  digits[nd] = '\0';
  exponent = atoi (e + 1);

  k = (gint) nd;
  n = exponent + 1;
  out = g_string_new (d < 0 ? "-" : "");
  if (k <= n && n <= 21) {
    g_string_append (out, digits);
    for (i = 0; i < (gsize) (n - k); i++)
      g_string_append_c (out, '0');
  } else if (0 < n && n <= 21) {
    g_string_append_len (out, digits, n);
    g_string_append_c (out, '.');
    g_string_append (out, digits + n);
  } else if (-6 < n && n <= 0) {
    g_string_append (out, "0.");
    for (i = 0; i < (gsize) - n; i++)
      g_string_append_c (out, '0');
    g_string_append (out, digits);
  } else {
    g_string_append_c (out, digits[0]);
    if (k > 1) {
      g_string_append_c (out, '.');
      g_string_append (out, digits + 1);
    }
    g_string_append_printf (out, "e%c%d", n - 1 < 0 ? '-' : '+', ABS (n - 1));
  }

  return g_string_free (out, FALSE);
}

static void
append_key_text (GString * out, GVariant * value, gboolean in_array)
{
  const gchar *type = g_variant_get_type_string (value);

  switch (type[0]) {
    case 'm':
      if (!in_array)
        g_string_append (out, "null");
      break;
    case 'b':
      g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
      break;
    case 'x':
      g_string_append_printf (out, "%" G_GINT64_FORMAT,
          g_variant_get_int64 (value));
      break;
    case 't':
      g_string_append_printf (out, "%" G_GUINT64_FORMAT,
          g_variant_get_uint64 (value));
      break;
    case 'd':{
      gchar *text = js_number_to_string (g_variant_get_double (value));

      g_string_append (out, text);
      g_free (text);
      break;
    }
    case 's':
      g_string_append (out, g_variant_get_string (value, NULL));
      break;
    case 'a':
      if (g_str_equal (type, "ay")) {
        g_string_append (out, "[object ArrayBuffer]");
      } else if (g_str_equal (type, "av")) {
        gsize i, n = g_variant_n_children (value);

        /* Array.prototype.join: null and undefined become "" */
        for (i = 0; i < n; i++) {
          GVariant *child = g_variant_get_child_value (value, i);
          GVariant *inner = g_variant_get_variant (child);

          if (i > 0)
            g_string_append_c (out, ',');
          append_key_text (out, inner, TRUE);
          g_variant_unref (inner);
          g_variant_unref (child);
        }
      } else {
        g_string_append (out, "[object Object]");
      }
      break;
    default:
      g_string_append (out, "[object Object]");
      break;
  }
}

/**
 * gst_peerjs_value_to_key:
 * @value: a value of the model (see gst_peerjs_value_normalize())
 *
 * The property name @value becomes when JavaScript uses it as an object
 * key, i.e. `String(value)`: strings as they are, numbers in JavaScript's
 * decimal form ("1", "1.5", "1e+21"), `null` → "null", booleans → "true"
 * or "false", arrays joined with commas, binaries "[object ArrayBuffer]",
 * maps "[object Object]".
 *
 * Returns: (transfer full): the key
 *
 * Since: 1.0
 */
gchar *
gst_peerjs_value_to_key (GVariant * value)
{
  GString *out;

  g_return_val_if_fail (value != NULL, NULL);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);

  out = g_string_new (NULL);
  append_key_text (out, value, FALSE);
  return g_string_free (out, FALSE);
}

/* The builders */

void
gst_peerjs_array_builder_init (GstPeerJSArrayBuilder * builder, guint reserve)
{
  builder->items = g_ptr_array_new_full (reserve,
      (GDestroyNotify) g_variant_unref);
}

void
gst_peerjs_array_builder_add (GstPeerJSArrayBuilder * builder, GVariant * item)
{
  /* takes the reference: a floating one becomes full, a full one stays */
  g_ptr_array_add (builder->items, g_variant_take_ref (item));
}

GVariant *
gst_peerjs_array_builder_end (GstPeerJSArrayBuilder * builder)
{
  GVariant **wrapped;
  GVariant *array;
  guint i, n = builder->items->len;

  wrapped = g_new (GVariant *, MAX (n, 1));
  for (i = 0; i < n; i++)
    wrapped[i] = g_variant_new_variant (g_ptr_array_index (builder->items, i));
  array = g_variant_new_array (G_VARIANT_TYPE_VARIANT, wrapped, n);
  g_free (wrapped);
  gst_peerjs_array_builder_clear (builder);

  return g_variant_ref_sink (array);
}

void
gst_peerjs_array_builder_clear (GstPeerJSArrayBuilder * builder)
{
  g_clear_pointer (&builder->items, g_ptr_array_unref);
}

void
gst_peerjs_map_builder_init (GstPeerJSMapBuilder * builder)
{
  builder->keys = g_ptr_array_new_with_free_func (g_free);
  builder->values = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_variant_unref);
  builder->index = NULL;
}

static gboolean
map_builder_find (GstPeerJSMapBuilder * builder, const gchar * key,
    guint * position)
{
  guint i;

  if (builder->index) {
    gpointer found;

    if (!g_hash_table_lookup_extended (builder->index, key, NULL, &found))
      return FALSE;
    *position = GPOINTER_TO_UINT (found);
    return TRUE;
  }

  for (i = 0; i < builder->keys->len; i++) {
    if (g_str_equal (g_ptr_array_index (builder->keys, i), key)) {
      *position = i;
      return TRUE;
    }
  }
  return FALSE;
}

void
gst_peerjs_map_builder_add (GstPeerJSMapBuilder * builder, gchar * key,
    GVariant * value)
{
  guint position, i;

  g_variant_take_ref (value);

  if (map_builder_find (builder, key, &position)) {
    /* like a JavaScript object: the first position, the last value */
    g_variant_unref (g_ptr_array_index (builder->values, position));
    g_ptr_array_index (builder->values, position) = value;
    g_free (key);
    return;
  }

  g_ptr_array_add (builder->keys, key);
  g_ptr_array_add (builder->values, value);

  if (builder->index) {
    g_hash_table_insert (builder->index, key,
        GUINT_TO_POINTER (builder->keys->len - 1));
  } else if (builder->keys->len > MAP_LINEAR_LOOKUP) {
    builder->index = g_hash_table_new (g_str_hash, g_str_equal);
    for (i = 0; i < builder->keys->len; i++)
      g_hash_table_insert (builder->index,
          g_ptr_array_index (builder->keys, i), GUINT_TO_POINTER (i));
  }
}

GVariant *
gst_peerjs_map_builder_end (GstPeerJSMapBuilder * builder)
{
  GVariant **entries;
  GVariant *map;
  guint i, n = builder->keys->len;

  entries = g_new (GVariant *, MAX (n, 1));
  for (i = 0; i < n; i++) {
    entries[i] = g_variant_new_dict_entry (g_variant_new_string
        (g_ptr_array_index (builder->keys, i)),
        g_variant_new_variant (g_ptr_array_index (builder->values, i)));
  }
  map = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), entries, n);
  g_free (entries);
  gst_peerjs_map_builder_clear (builder);

  return g_variant_ref_sink (map);
}

void
gst_peerjs_map_builder_clear (GstPeerJSMapBuilder * builder)
{
  g_clear_pointer (&builder->index, g_hash_table_unref);
  g_clear_pointer (&builder->keys, g_ptr_array_unref);
  g_clear_pointer (&builder->values, g_ptr_array_unref);
}

gboolean
gst_peerjs_value_is_truthy (GVariant * value)
{
  switch (g_variant_get_type_string (value)[0]) {
    case 'm':
      return FALSE;
    case 'b':
      return g_variant_get_boolean (value);
    case 'x':
      return g_variant_get_int64 (value) != 0;
    case 't':
      return g_variant_get_uint64 (value) != 0;
    case 'd':{
      gdouble d = g_variant_get_double (value);

      return d != 0 && !isnan (d);
    }
    case 's':
      return g_variant_get_string (value, NULL)[0] != '\0';
    default:
      return TRUE;
  }
}

/* Normalization */

/* Strips `v` layers and `m` layers holding a value, without recursion (a
 * chain of variants can be arbitrarily long). */
static GVariant *
unwrap (GVariant * value)
{
  GVariant *v = g_variant_ref (value);

  for (;;) {
    GVariant *inner;

    if (g_variant_is_of_type (v, G_VARIANT_TYPE_VARIANT)) {
      inner = g_variant_get_variant (v);
    } else if (g_variant_type_is_maybe (g_variant_get_type (v))) {
      if (g_variant_n_children (v) == 0)
        break;
      inner = g_variant_get_maybe (v);
    } else {
      break;
    }
    g_variant_unref (v);
    v = inner;
  }

  return v;
}

static GVariant *normalize (GVariant * value, guint depth, GError ** error);

/* Checks the children of an `av` or `a{sv}`; returns the value itself when
 * they are all normalized already, else a rebuilt one. */
static GVariant *
normalize_model_container (GVariant * v, gboolean is_map, guint depth,
    GError ** error)
{
  gsize i, n = g_variant_n_children (v);
  GPtrArray *values = g_ptr_array_new_full (n,
      (GDestroyNotify) g_variant_unref);
  gboolean changed = FALSE;
  GVariant *result;

  for (i = 0; i < n; i++) {
    GVariant *child = g_variant_get_child_value (v, i);
    GVariant *boxed = is_map ? g_variant_get_child_value (child, 1) :
        g_variant_ref (child);
    GVariant *inner = g_variant_get_variant (boxed);
    GVariant *norm = normalize (inner, depth, error);

    if (norm != inner)
      changed = TRUE;
    g_variant_unref (inner);
    g_variant_unref (boxed);
    g_variant_unref (child);
    if (norm == NULL) {
      g_ptr_array_unref (values);
      return NULL;
    }
    g_ptr_array_add (values, norm);
  }

  if (!changed) {
    result = g_variant_ref (v);
  } else if (is_map) {
    GVariant **entries = g_new (GVariant *, MAX (n, 1));

    for (i = 0; i < n; i++) {
      GVariant *entry = g_variant_get_child_value (v, i);
      GVariant *key = g_variant_get_child_value (entry, 0);

      entries[i] = g_variant_new_dict_entry (key,
          g_variant_new_variant (g_ptr_array_index (values, i)));
      g_variant_unref (key);
      g_variant_unref (entry);
    }
    result = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"),
            entries, n));
    g_free (entries);
  } else {
    GstPeerJSArrayBuilder builder;

    gst_peerjs_array_builder_init (&builder, n);
    for (i = 0; i < n; i++)
      gst_peerjs_array_builder_add (&builder,
          g_variant_ref (g_ptr_array_index (values, i)));
    result = gst_peerjs_array_builder_end (&builder);
  }

  g_ptr_array_unref (values);
  return result;
}

static GVariant *
normalize_dict (GVariant * v, guint depth, GError ** error)
{
  GstPeerJSMapBuilder builder;
  gsize i, n = g_variant_n_children (v);

  gst_peerjs_map_builder_init (&builder);
  for (i = 0; i < n; i++) {
    GVariant *entry = g_variant_get_child_value (v, i);
    GVariant *key = g_variant_get_child_value (entry, 0);
    GVariant *val = g_variant_get_child_value (entry, 1);
    GVariant *nkey = normalize (key, depth, error);
    GVariant *nval = nkey ? normalize (val, depth, error) : NULL;

    g_variant_unref (val);
    g_variant_unref (key);
    g_variant_unref (entry);
    if (nval == NULL) {
      g_clear_pointer (&nkey, g_variant_unref);
      gst_peerjs_map_builder_clear (&builder);
      return NULL;
    }
    gst_peerjs_map_builder_add (&builder, gst_peerjs_value_to_key (nkey), nval);
    g_variant_unref (nkey);
  }

  return gst_peerjs_map_builder_end (&builder);
}

static GVariant *
normalize_as_array (GVariant * v, guint depth, GError ** error)
{
  GstPeerJSArrayBuilder builder;
  gsize i, n = g_variant_n_children (v);

  gst_peerjs_array_builder_init (&builder, n);
  for (i = 0; i < n; i++) {
    GVariant *child = g_variant_get_child_value (v, i);
    GVariant *norm = normalize (child, depth, error);

    g_variant_unref (child);
    if (norm == NULL) {
      gst_peerjs_array_builder_clear (&builder);
      return NULL;
    }
    gst_peerjs_array_builder_add (&builder, norm);
  }

  return gst_peerjs_array_builder_end (&builder);
}

/* Returns a full reference; the value itself when it is in the model. */
static GVariant *
normalize (GVariant * value, guint depth, GError ** error)
{
  GVariant *v = unwrap (value);
  const gchar *type = g_variant_get_type_string (v);
  GVariant *result = NULL;

  switch (type[0]) {
    case 'm':                  /* only nothing is left after unwrap() */
      if (g_str_equal (type, "mv"))
        return v;
      result = gst_peerjs_value_new_null ();
      break;
    case 'b':
    case 'x':
    case 's':
      return v;
    case 'y':
      result = g_variant_new_int64 (g_variant_get_byte (v));
      break;
    case 'n':
      result = g_variant_new_int64 (g_variant_get_int16 (v));
      break;
    case 'q':
      result = g_variant_new_int64 (g_variant_get_uint16 (v));
      break;
    case 'i':
      result = g_variant_new_int64 (g_variant_get_int32 (v));
      break;
    case 'u':
      result = g_variant_new_int64 (g_variant_get_uint32 (v));
      break;
    case 'h':
      result = g_variant_new_int64 (g_variant_get_handle (v));
      break;
    case 't':
      if (g_variant_get_uint64 (v) <= G_MAXINT64)
        result = g_variant_new_int64 ((gint64) g_variant_get_uint64 (v));
      else
        return v;
      break;
    case 'd':{
      gdouble d = g_variant_get_double (v);

      if (!isfinite (d) || floor (d) != d)
        return v;
      result = gst_peerjs_value_new_number (d);
      if (g_variant_is_of_type (result, G_VARIANT_TYPE_DOUBLE)) {
        g_variant_unref (result);
        return v;
      }
      break;
    }
    case 'o':
    case 'g':
      result = g_variant_new_string (g_variant_get_string (v, NULL));
      break;
    case 'a':
    case '(':
    case '{':
      if (g_str_equal (type, "ay"))
        return v;
      if (depth >= GST_PEERJS_VALUE_MAX_DEPTH) {
        g_set_error (error, GST_PEERJS_DATA_ERROR,
            GST_PEERJS_DATA_ERROR_TOO_BIG,
            "value nested deeper than %d arrays and maps",
            GST_PEERJS_VALUE_MAX_DEPTH);
        break;
      }
      if (g_str_equal (type, "av"))
        result = normalize_model_container (v, FALSE, depth + 1, error);
      else if (g_str_equal (type, "a{sv}"))
        result = normalize_model_container (v, TRUE, depth + 1, error);
      else if (type[0] == 'a' && type[1] == '{')
        result = normalize_dict (v, depth + 1, error);
      else
        result = normalize_as_array (v, depth + 1, error);
      break;
    default:
      g_set_error (error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_UNSUPPORTED, "no data value of type '%s'",
          type);
      break;
  }

  g_variant_unref (v);
  /* the new_*() results are floating, the helpers' full references */
  return result ? g_variant_take_ref (result) : NULL;
}

/**
 * gst_peerjs_value_normalize:
 * @value: any #GVariant; a floating reference is consumed
 * @error: return location for a #GError, or %NULL
 *
 * Maps @value onto the value model, so an application can send "(si)",
 * "a{si}" or "as" values: `y n q i u h` and `t` up to %G_MAXINT64 become
 * `x`, integral `d` become `x` (or `t`), `o` and `g` become `s`, `ay` stays
 * binary, other arrays and tuples become `av`, dictionaries `a{?*}` become
 * `a{sv}` (keys as gst_peerjs_value_to_key() makes them; a repeated key
 * keeps its first position and its last value), `v` layers are removed,
 * maybe nothing becomes `null` and maybe just its value.
 *
 * Returns: (transfer full) (nullable): the normalized value (@value itself
 *   when it is in the model already), or %NULL with
 *   %GST_PEERJS_DATA_ERROR_TOO_BIG if it nests deeper than
 *   %GST_PEERJS_VALUE_MAX_DEPTH
 *
 * Since: 1.0
 */
GVariant *
gst_peerjs_value_normalize (GVariant * value, GError ** error)
{
  GVariant *result;

  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();
  g_variant_ref_sink (value);
  result = normalize (value, 0, error);
  g_variant_unref (value);

  return result;
}

/**
 * gst_peerjs_value_is_binary:
 * @value: a #GVariant
 *
 * Whether @value is a binary (`ay`), which the elements hand out as bytes
 * rather than as a value.
 *
 * Returns: %TRUE if @value is of type `ay`
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_value_is_binary (GVariant * value)
{
  g_return_val_if_fail (value != NULL, FALSE);

  return g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING);
}

static gboolean
lookup_member (GVariant * map, const gchar * key, GVariant ** member)
{
  GVariant *boxed;

  if (!g_variant_is_of_type (map, G_VARIANT_TYPE_VARDICT))
    return FALSE;
  boxed = g_variant_lookup_value (map, key, NULL);
  if (boxed == NULL)
    return FALSE;
  *member = unwrap (boxed);
  g_variant_unref (boxed);
  return TRUE;
}

/**
 * gst_peerjs_value_is_close:
 * @value: a #GVariant (not consumed, even when floating)
 *
 * Whether @value is the in-band control value
 * `{"__peerData":{"type":"close"}}` that a `peerjs` client sends on
 * `close({flush: true})`: the receiver is to close the connection.
 *
 * Returns: %TRUE if it is
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_value_is_close (GVariant * value)
{
  GVariant *map, *peer_data = NULL, *type = NULL;
  const GVariantType *vtype;
  gboolean is_close = FALSE;

  g_return_val_if_fail (value != NULL, FALSE);

  vtype = g_variant_get_type (value);
  if (g_variant_type_equal (vtype, G_VARIANT_TYPE_VARDICT))
    map = g_variant_ref (value);
  else if (g_variant_type_is_array (vtype) || g_variant_type_is_variant (vtype)
      || g_variant_type_is_maybe (vtype))
    map = normalize (value, 0, NULL);
  else
    return FALSE;

  if (map && lookup_member (map, "__peerData", &peer_data)) {
    if (g_variant_type_is_array (g_variant_get_type (peer_data))
        && !g_variant_is_of_type (peer_data, G_VARIANT_TYPE_VARDICT)) {
      GVariant *norm = normalize (peer_data, 0, NULL);

      g_variant_unref (peer_data);
      peer_data = norm;
    }
    if (peer_data && lookup_member (peer_data, "type", &type)) {
      is_close = g_variant_is_of_type (type, G_VARIANT_TYPE_STRING)
          && g_str_equal (g_variant_get_string (type, NULL), "close");
      g_variant_unref (type);
    }
    g_clear_pointer (&peer_data, g_variant_unref);
  }
  g_clear_pointer (&map, g_variant_unref);

  return is_close;
}

/**
 * gst_peerjs_value_new_close:
 *
 * The in-band control value `{"__peerData":{"type":"close"}}` (see
 * gst_peerjs_value_is_close()), to send before closing a connection whose
 * remote should close too.
 *
 * Returns: (transfer full): a new `a{sv}` value (not floating)
 *
 * Since: 1.0
 */
GVariant *
gst_peerjs_value_new_close (void)
{
  GVariantBuilder inner, outer;

  g_variant_builder_init (&inner, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&inner, "{sv}", "type", g_variant_new_string
      ("close"));
  g_variant_builder_init (&outer, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&outer, "{sv}", "__peerData",
      g_variant_builder_end (&inner));

  return g_variant_ref_sink (g_variant_builder_end (&outer));
}

/* JSON */

static gboolean
is_number_char (gchar c)
{
  return g_ascii_isdigit (c) || c == '+' || c == '-' || c == '.' || c == 'e'
      || c == 'E';
}

static JsonNode *
json_number_node (gdouble d)
{
  /* JSON.stringify writes null for NaN and the infinities */
  if (!isfinite (d))
    return json_node_init_null (json_node_alloc ());
  if (floor (d) == d && d >= -TWO_POW_63 && d < TWO_POW_63)
    return json_node_init_int (json_node_alloc (), (gint64) d);

  return json_node_init_double (json_node_alloc (), d);
}

/* json-glib 1.6 writes a double as "%.17g" and appends ".0" when that has
 * no '.', which turns "1e-10" into "1e-10.0", not JSON. This drops such a
 * ".0" after an exponent, outside strings, in place. */
static void
repair_json_numbers (gchar * json)
{
  gchar *r = json, *w = json;

  while (*r) {
    if (*r == '"') {
      *w++ = *r++;
      while (*r && *r != '"') {
        if (*r == '\\' && r[1])
          *w++ = *r++;
        *w++ = *r++;
      }
      if (*r)
        *w++ = *r++;
    } else if (*r == '-' || g_ascii_isdigit (*r)) {
      gchar *start = w;
      gchar *exponent = NULL;

      while (*r && is_number_char (*r)) {
        if ((*r == 'e' || *r == 'E') && exponent == NULL)
          exponent = w;
        *w++ = *r++;
      }
      if (exponent && w - start >= 2 && w[-2] == '.' && w[-1] == '0'
          && memchr (start, '.', exponent - start) == NULL)
        w -= 2;
    } else {
      *w++ = *r++;
    }
  }
  *w = '\0';
}

/* json_node_init_array() and _object() take a reference of their own */
static JsonNode *
take_array_node (JsonArray * array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

static JsonNode *
take_object_node (JsonObject * object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
value_to_json_node (GVariant * value)
{
  const gchar *type = g_variant_get_type_string (value);
  gsize i, n;

  switch (type[0]) {
    case 'b':
      return json_node_init_boolean (json_node_alloc (),
          g_variant_get_boolean (value));
    case 'x':
      return json_node_init_int (json_node_alloc (),
          g_variant_get_int64 (value));
    case 't':
      return json_number_node ((gdouble) g_variant_get_uint64 (value));
    case 'd':
      return json_number_node (g_variant_get_double (value));
    case 's':
      return json_node_init_string (json_node_alloc (),
          g_variant_get_string (value, NULL));
    case 'a':
      break;
    default:                   /* null */
      return json_node_init_null (json_node_alloc ());
  }

  n = g_variant_n_children (value);
  if (g_str_equal (type, "ay")) {
    const guint8 *bytes = g_variant_get_fixed_array (value, &n, 1);
    JsonArray *array = json_array_sized_new (n);

    for (i = 0; i < n; i++)
      json_array_add_int_element (array, bytes[i]);
    return take_array_node (array);
  } else if (g_str_equal (type, "av")) {
    JsonArray *array = json_array_sized_new (n);

    for (i = 0; i < n; i++) {
      GVariant *child = g_variant_get_child_value (value, i);
      GVariant *inner = g_variant_get_variant (child);

      json_array_add_element (array, value_to_json_node (inner));
      g_variant_unref (inner);
      g_variant_unref (child);
    }
    return take_array_node (array);
  } else {
    JsonObject *object = json_object_new ();

    for (i = 0; i < n; i++) {
      const gchar *key;
      GVariant *inner;

      g_variant_get_child (value, i, "{&sv}", &key, &inner);
      json_object_set_member (object, key, value_to_json_node (inner));
      g_variant_unref (inner);
    }
    return take_object_node (object);
  }
}

/**
 * gst_peerjs_value_to_json:
 * @value: any #GVariant (normalized first); a floating reference is consumed
 *
 * The compact JSON text of @value, written by json-glib, as the "json"
 * serialization sends it: binaries become arrays of numbers (what
 * `JSON.stringify` makes of a typed array is an object, of an ArrayBuffer
 * `{}`; an array keeps the bytes), NaN and the infinities become `null` like
 * `JSON.stringify` does, integral numbers have no fraction, and other
 * numbers have up to 17 significant digits (they read back exactly, though
 * not always in the shortest form JavaScript would write: 0.1 is
 * "0.10000000000000001").
 *
 * Returns: (transfer full) (nullable): the JSON text, or %NULL if @value
 *   nests deeper than %GST_PEERJS_VALUE_MAX_DEPTH
 *
 * Since: 1.0
 */
gchar *
gst_peerjs_value_to_json (GVariant * value)
{
  GError *error = NULL;
  GVariant *norm;
  JsonNode *root;
  gchar *text;

  g_return_val_if_fail (value != NULL, NULL);

  norm = gst_peerjs_value_normalize (value, &error);
  if (norm == NULL) {
    GST_WARNING ("cannot write JSON: %s", error->message);
    g_clear_error (&error);
    return NULL;
  }

  root = value_to_json_node (norm);
  text = json_to_string (root, FALSE);
  repair_json_numbers (text);
  json_node_unref (root);
  g_variant_unref (norm);

  return text;
}

static void
set_json_error (GError ** error, gint code, const gchar * what, gsize offset)
{
  g_set_error (error, GST_PEERJS_DATA_ERROR, code, "JSON: %s at byte %"
      G_GSIZE_FORMAT, what, offset);
}

/* Walks @json once before json-glib parses it, for what json-glib 1.6 gets
 * wrong: nesting has no limit there (its recursive parser overflows the
 * stack), an integer beyond 64 bits comes out as garbage (it gets ".0" so
 * that it parses as a double, like JSON.parse reads it), "\u0000" cuts a
 * string short (it becomes "\ufffd", as in the other decoders), and a NUL
 * byte ends the text early (refused). *fixed is set when the text had to
 * change. */
static gboolean
check_json_text (const gchar * json, gsize length, GString ** fixed,
    GError ** error)
{
  gsize i = 0, copied = 0;
  guint depth = 0;

  *fixed = NULL;

  while (i < length) {
    gchar c = json[i];

    if (c == '\0') {
      set_json_error (error, GST_PEERJS_DATA_ERROR_MALFORMED, "NUL byte", i);
      goto failed;
    } else if (c == '"') {
      for (i++; i < length && json[i] != '"'; i++) {
        if (json[i] == '\0') {
          set_json_error (error, GST_PEERJS_DATA_ERROR_MALFORMED, "NUL byte",
              i);
          goto failed;
        }
        if (json[i] != '\\')
          continue;
        if (length - i >= 6 && memcmp (json + i + 1, "u0000", 5) == 0) {
          if (*fixed == NULL)
            *fixed = g_string_sized_new (length + 8);
          g_string_append_len (*fixed, json + copied, i - copied);
          g_string_append (*fixed, "\\ufffd");
          copied = i + 6;
          i += 5;
        } else {
          i++;                  /* the escaped character */
        }
      }
      i++;
    } else if (c == '[' || c == '{') {
      if (++depth > GST_PEERJS_VALUE_MAX_DEPTH) {
        set_json_error (error, GST_PEERJS_DATA_ERROR_TOO_BIG,
            "nested too deep", i);
        goto failed;
      }
      i++;
    } else if (c == ']' || c == '}') {
      if (depth > 0)
        depth--;
      i++;
    } else if (c == '-' || g_ascii_isdigit (c)) {
      gsize start = i;
      gboolean integral = TRUE;

      for (i++; i < length && is_number_char (json[i]); i++) {
        if (json[i] == '.' || json[i] == 'e' || json[i] == 'E')
          integral = FALSE;
      }
      if (integral && i - start < 64) {
        gchar token[64];

        memcpy (token, json + start, i - start);
        token[i - start] = '\0';
        errno = 0;
        g_ascii_strtoll (token, NULL, 10);
        integral = errno != ERANGE;
      } else if (integral) {
        integral = FALSE;       /* 64 digits do not fit anyway */
      }
      if (!integral && memchr (json + start, '.', i - start) == NULL
          && memchr (json + start, 'e', i - start) == NULL
          && memchr (json + start, 'E', i - start) == NULL) {
        if (*fixed == NULL)
          *fixed = g_string_sized_new (length + 8);
        g_string_append_len (*fixed, json + copied, i - copied);
        g_string_append (*fixed, ".0");
        copied = i;
      }
    } else {
      i++;
    }
  }

  if (*fixed)
    g_string_append_len (*fixed, json + copied, length - copied);
  return TRUE;

failed:
  if (*fixed)
    g_string_free (*fixed, TRUE);
  *fixed = NULL;
  return FALSE;
}

static GVariant *
json_node_to_value (JsonNode * node)
{
  switch (JSON_NODE_TYPE (node)) {
    case JSON_NODE_VALUE:{
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_BOOLEAN)
        return g_variant_ref_sink (g_variant_new_boolean
            (json_node_get_boolean (node)));
      if (type == G_TYPE_INT64) {
        gint64 n = json_node_get_int (node);

        /* beyond 2^53 a JSON integer means the nearest double, as for
         * JSON.parse: "4611686018427388000" is 2^62 */
        if (n > MAX_SAFE_INTEGER || n < -MAX_SAFE_INTEGER)
          return gst_peerjs_value_new_number ((gdouble) n);
        return g_variant_ref_sink (g_variant_new_int64 (n));
      }
      if (type == G_TYPE_DOUBLE)
        return gst_peerjs_value_new_number (json_node_get_double (node));
      if (type == G_TYPE_STRING) {
        const gchar *s = json_node_get_string (node);

        return gst_peerjs_value_new_string_lenient (s, strlen (s));
      }
      return gst_peerjs_value_new_null ();
    }
    case JSON_NODE_ARRAY:{
      JsonArray *array = json_node_get_array (node);
      guint i, n = json_array_get_length (array);
      GstPeerJSArrayBuilder builder;

      gst_peerjs_array_builder_init (&builder, n);
      for (i = 0; i < n; i++)
        gst_peerjs_array_builder_add (&builder,
            json_node_to_value (json_array_get_element (array, i)));
      return gst_peerjs_array_builder_end (&builder);
    }
    case JSON_NODE_OBJECT:{
      JsonObject *object = json_node_get_object (node);
      GList *members = json_object_get_members (object), *l;
      GstPeerJSMapBuilder builder;

      gst_peerjs_map_builder_init (&builder);
      for (l = members; l; l = l->next) {
        const gchar *key = l->data;
        GVariant *k = gst_peerjs_value_new_string_lenient (key, strlen (key));

        gst_peerjs_map_builder_add (&builder, g_variant_dup_string (k, NULL),
            json_node_to_value (json_object_get_member (object, key)));
        g_variant_unref (k);
      }
      g_list_free (members);
      return gst_peerjs_map_builder_end (&builder);
    }
    default:
      return gst_peerjs_value_new_null ();
  }
}

/**
 * gst_peerjs_value_from_json:
 * @json: (array length=length): JSON text
 * @length: its length in bytes, or -1 if @json is NUL-terminated
 * @error: return location for a #GError, or %NULL
 *
 * Parses JSON text, as a "json" connection receives it, into the value
 * model: `null` → `mv` nothing, numbers with an integral value → `x` (or
 * `t`), others → `d`, arrays → `av`, objects → `a{sv}`. Numbers mean what
 * they mean to JSON.parse: a double, so an integer beyond 2^53 is rounded to
 * the nearest one. Nesting is bounded by %GST_PEERJS_VALUE_MAX_DEPTH.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL with
 *   %GST_PEERJS_DATA_ERROR_MALFORMED (not JSON) or
 *   %GST_PEERJS_DATA_ERROR_TOO_BIG
 *
 * Since: 1.0
 */
GVariant *
gst_peerjs_value_from_json (const gchar * json, gssize length, GError ** error)
{
  JsonParser *parser;
  GString *fixed = NULL;
  GError *parse_error = NULL;
  GVariant *value = NULL;
  gsize len;

  g_return_val_if_fail (json != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();
  len = length < 0 ? strlen (json) : (gsize) length;
  if (!check_json_text (json, len, &fixed, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, fixed ? fixed->str : json,
          fixed ? (gssize) fixed->len : (gssize) len, &parse_error)) {
    g_set_error (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_MALFORMED, "JSON: %s", parse_error->message);
    g_clear_error (&parse_error);
  } else if (json_parser_get_root (parser) == NULL) {
    g_set_error_literal (error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_MALFORMED, "JSON: no value");
  } else {
    value = json_node_to_value (json_parser_get_root (parser));
  }

  g_object_unref (parser);
  if (fixed)
    g_string_free (fixed, TRUE);
  return value;
}
