/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "codectest.h"

#define assert_encodes(value, hex) \
  assert_encodes_with (gst_peerjs_msgpack_encode, value, hex)

/* Reads one value from a fresh reader fed @hex in one piece; nothing may
 * be left over. */
static GVariant *
read_one (const gchar * hex, GError ** error)
{
  GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (0);
  GBytes *bytes = hex_to_bytes (hex);
  GVariant *v;

  gst_peerjs_msgpack_reader_push (reader, g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes));
  v = gst_peerjs_msgpack_reader_pop (reader, error);
  if (v)
    fail_unless_equals_uint64 (gst_peerjs_msgpack_reader_get_buffered
        (reader), 0);
  gst_peerjs_msgpack_reader_free (reader);
  g_bytes_unref (bytes);
  return v;
}

static void
assert_decodes (const gchar * hex, const gchar * expected_text)
{
  GError *error = NULL;
  GVariant *v = read_one (hex, &error);

  fail_unless (v != NULL, "decode of %s failed: %s", hex,
      error ? error->message : "(incomplete)");
  assert_value (v, expected_text);
  g_variant_unref (v);
}

/* Every value of @values (model GVariant text), encoded and concatenated. */
static GBytes *
encode_stream (const gchar ** values, guint n)
{
  GByteArray *stream = g_byte_array_new ();
  guint i;

  for (i = 0; i < n; i++) {
    GBytes *b = gst_peerjs_msgpack_encode (value_of (values[i]), NULL);

    fail_unless (b != NULL);
    g_byte_array_append (stream, g_bytes_get_data (b, NULL),
        g_bytes_get_size (b));
    g_bytes_unref (b);
  }
  return g_byte_array_free_to_bytes (stream);
}

/* Reads @stream pushed in pieces cut at @cuts (ascending offsets). */
static void
assert_stream (GBytes * stream, const gsize * cuts, guint n_cuts,
    const gchar ** values, guint n_values)
{
  GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (0);
  gsize size, offset = 0;
  const guint8 *data = g_bytes_get_data (stream, &size);
  guint got = 0, c;

  for (c = 0; c <= n_cuts; c++) {
    gsize end = c < n_cuts ? cuts[c] : size;
    GError *error = NULL;
    GVariant *v;

    gst_peerjs_msgpack_reader_push (reader, data + offset, end - offset);
    offset = end;
    while ((v = gst_peerjs_msgpack_reader_pop (reader, &error))) {
      fail_unless (got < n_values);
      assert_value (v, values[got++]);
      g_variant_unref (v);
    }
    fail_unless (error == NULL, "%s", error ? error->message : "");
  }
  fail_unless_equals_int (got, n_values);
  fail_unless_equals_uint64 (gst_peerjs_msgpack_reader_get_buffered (reader),
      0);
  gst_peerjs_msgpack_reader_free (reader);
}

static void
assert_reader_error (GstPeerJSMsgPackReader * reader, const gchar * hex,
    gint code)
{
  GBytes *bytes = hex_to_bytes (hex);
  GError *error = NULL;
  GVariant *v;

  gst_peerjs_msgpack_reader_push (reader, g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes));
  v = gst_peerjs_msgpack_reader_pop (reader, &error);
  fail_unless (v == NULL);
  fail_unless (error != NULL, "no error for %s", hex);
  fail_unless (error->domain == GST_PEERJS_DATA_ERROR);
  fail_unless_equals_int (error->code, code);
  GST_INFO ("expected error: %s", error->message);
  g_error_free (error);
  g_bytes_unref (bytes);
}

/* peerjs-protocol.md 4.5 */
GST_START_TEST (test_example)
{
  const gchar *hex = "82 a5 68656c6c6f a7 6d73677061636b a1 6e "
      "cb 3ff8000000000000";
  GBytes *bytes;

  assert_encodes (value_of ("{'hello': <'msgpack'>, 'n': <1.5>}"), hex);
  bytes = gst_peerjs_msgpack_encode (value_of ("{'hello': <'msgpack'>, "
          "'n': <1.5>}"), NULL);
  fail_unless_equals_uint64 (g_bytes_get_size (bytes), 26);
  g_bytes_unref (bytes);
  assert_decodes (hex, "{'hello': <'msgpack'>, 'n': <1.5>}");
}

GST_END_TEST;

typedef struct
{
  const gchar *value;
  const gchar *hex;
} Example;

/* Every form, as @msgpack/msgpack 2.8 writes it */
static const Example forms[] = {
  {"@mv nothing", "c0"},
  {"true", "c3"},
  {"false", "c2"},
  {"int64 0", "00"},
  {"int64 127", "7f"},
  {"int64 128", "cc 80"},
  {"int64 255", "cc ff"},
  {"int64 256", "cd 0100"},
  {"int64 65535", "cd ffff"},
  {"int64 65536", "ce 00010000"},
  {"int64 4294967295", "ce ffffffff"},
  {"int64 4294967296", "cf 0000000100000000"},
  {"int64 9223372036854775807", "cf 7fffffffffffffff"},
  {"uint64 18446744073709551615", "cf ffffffffffffffff"},
  {"int64 -1", "ff"},
  {"int64 -32", "e0"},
  {"int64 -33", "d0 df"},
  {"int64 -128", "d0 80"},
  {"int64 -129", "d1 ff7f"},
  {"int64 -32768", "d1 8000"},
  {"int64 -32769", "d2 ffff7fff"},
  {"int64 -2147483648", "d2 80000000"},
  {"int64 -2147483649", "d3 ffffffff7fffffff"},
  {"int64 -9223372036854775808", "d3 8000000000000000"},
  {"1.5", "cb 3ff8000000000000"},
  {"-0.1", "cb bfb999999999999a"},
  {"inf", "cb 7ff0000000000000"},
  {"-inf", "cb fff0000000000000"},
  {"''", "a0"},
  {"'hi'", "a2 6869"},
  {"'héllo'", "a6 68c3a96c6c6f"},
  {"'😀'", "a4 f09f9880"},
  {"@ay []", "c4 00"},
  {"@ay [1, 2, 3]", "c4 03 010203"},
  {"@av []", "90"},
  {"[<int64 1>, <'a'>]", "92 01 a161"},
  {"@a{sv} {}", "80"},
  {"{'a': <int64 1>, 'b': <[<true>, <@mv nothing>]>}",
      "82 a161 01 a162 92 c3 c0"},
  {"{'__peerData': <{'type': <'close'>}>}",
      "81 aa 5f5f7065657244617461 81 a4 74797065 a5 636c6f7365"},
};

GST_START_TEST (test_forms)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (forms); i++) {
    GST_INFO ("%s <-> %s", forms[i].value, forms[i].hex);
    assert_encodes (value_of (forms[i].value), forms[i].hex);
    assert_decodes (forms[i].hex, forms[i].value);
  }

  /* integral doubles are integers; NaN is a float 64 */
  assert_encodes (g_variant_new_double (-0.0), "00");
  assert_encodes (g_variant_new_double (300.0), "cd 012c");
  assert_encodes (g_variant_new_double (1e20), "cb 4415af1d78b58c40");
  assert_encodes (g_variant_new_double (NAN), "cb 7ff8000000000000");
  /* any GVariant */
  assert_encodes (value_of ("(byte 1, int16 -2, {1: objectpath '/'})"),
      "93 01 fe 81 a131 a12f");
}

GST_END_TEST;

/* The lengths where the forms change */
GST_START_TEST (test_length_forms)
{
  const struct
  {
    gsize n;
    const gchar *str, *bin, *arr, *map;
  } cases[] = {
    {15, "af", "c40f", "9f", "8f"},
    {16, "b0", "c410", "dc0010", "de0010"},
    {31, "bf", "c41f", "dc001f", "de001f"},
    {32, "d920", "c420", "dc0020", "de0020"},
    {255, "d9ff", "c4ff", "dc00ff", "de00ff"},
    {256, "da0100", "c50100", "dc0100", "de0100"},
    {65535, "daffff", "c5ffff", "dcffff", "deffff"},
    {65536, "db00010000", "c600010000", "dd00010000", "df00010000"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gsize n = cases[i].n, k;
    gchar *text = g_strnfill (n, 'x');
    guint8 *bin = g_malloc0 (n);
    GVariantBuilder arr, map;
    GVariant *values[4];
    const gchar *prefixes[4] = { cases[i].str, cases[i].bin, cases[i].arr,
      cases[i].map
    };
    guint j;

    g_variant_builder_init (&arr, G_VARIANT_TYPE ("av"));
    g_variant_builder_init (&map, G_VARIANT_TYPE_VARDICT);
    for (k = 0; k < n; k++) {
      gchar key[16];

      g_snprintf (key, sizeof (key), "%" G_GSIZE_FORMAT, k + 100000);
      g_variant_builder_add (&arr, "v", g_variant_new_int64 (1));
      g_variant_builder_add (&map, "{sv}", key, g_variant_new_int64 (1));
    }
    values[0] = g_variant_ref_sink (g_variant_new_string (text));
    values[1] = g_variant_ref_sink (g_variant_new_fixed_array
        (G_VARIANT_TYPE_BYTE, bin, n, 1));
    values[2] = g_variant_ref_sink (g_variant_builder_end (&arr));
    values[3] = g_variant_ref_sink (g_variant_builder_end (&map));

    for (j = 0; j < 4; j++) {
      GBytes *bytes = gst_peerjs_msgpack_encode (values[j], NULL);
      gchar *hex = bytes_to_hex (bytes);
      GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (0);
      GVariant *back;

      fail_unless (g_str_has_prefix (hex, prefixes[j]), "%u/%u: %.20s", i, j,
          hex);
      gst_peerjs_msgpack_reader_push (reader, g_bytes_get_data (bytes, NULL),
          g_bytes_get_size (bytes));
      back = gst_peerjs_msgpack_reader_pop (reader, NULL);
      fail_unless (back != NULL);
      fail_unless (g_variant_equal (back, values[j]));
      g_variant_unref (back);
      gst_peerjs_msgpack_reader_free (reader);
      g_free (hex);
      g_bytes_unref (bytes);
      g_variant_unref (values[j]);
    }
    g_free (text);
    g_free (bin);
  }
}

GST_END_TEST;

/* 4.5: a 70000-byte Uint8Array is c6 00011170 ... in 32768 + 32768 + 4469 */
GST_START_TEST (test_split)
{
  guint8 *data = g_malloc (70000);
  GVariant *value;
  GBytes *encoded;
  GPtrArray *pieces;
  gchar *hex;
  guint i;

  for (i = 0; i < 70000; i++)
    data[i] = (guint8) (i * 13);
  value = g_variant_ref_sink (g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
          data, 70000, 1));
  encoded = gst_peerjs_msgpack_encode (value, NULL);
  fail_unless_equals_uint64 (g_bytes_get_size (encoded), 70005);
  hex = bytes_to_hex (encoded);
  fail_unless (g_str_has_prefix (hex, "c600011170000d1a27"), "%.20s", hex);
  g_free (hex);

  pieces = gst_peerjs_msgpack_split (encoded);
  fail_unless_equals_int (pieces->len, 3);
  fail_unless_equals_uint64 (g_bytes_get_size (pieces->pdata[0]), 32768);
  fail_unless_equals_uint64 (g_bytes_get_size (pieces->pdata[1]), 32768);
  fail_unless_equals_uint64 (g_bytes_get_size (pieces->pdata[2]), 4469);

  /* the reader puts them back together */
  {
    GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (0);
    GVariant *back = NULL;

    for (i = 0; i < pieces->len; i++) {
      GBytes *piece = pieces->pdata[i];

      gst_peerjs_msgpack_reader_push (reader, g_bytes_get_data (piece, NULL),
          g_bytes_get_size (piece));
      back = gst_peerjs_msgpack_reader_pop (reader, NULL);
      if (i < pieces->len - 1)
        fail_unless (back == NULL);
    }
    fail_unless (back != NULL);
    fail_unless (g_variant_equal (back, value));
    g_variant_unref (back);
    gst_peerjs_msgpack_reader_free (reader);
  }
  g_ptr_array_unref (pieces);

  /* exact multiples, small and empty input */
  {
    guint8 buf[65536] = { 0 };
    GBytes *b = g_bytes_new_static (buf, sizeof (buf));

    pieces = gst_peerjs_msgpack_split (b);
    fail_unless_equals_int (pieces->len, 2);
    g_ptr_array_unref (pieces);
    g_bytes_unref (b);
    b = g_bytes_new_static (buf, 1);
    pieces = gst_peerjs_msgpack_split (b);
    fail_unless_equals_int (pieces->len, 1);
    g_ptr_array_unref (pieces);
    g_bytes_unref (b);
    b = g_bytes_new_static (buf, 0);
    pieces = gst_peerjs_msgpack_split (b);
    fail_unless_equals_int (pieces->len, 0);
    g_ptr_array_unref (pieces);
    g_bytes_unref (b);
  }

  g_bytes_unref (encoded);
  g_variant_unref (value);
  g_free (data);
}

GST_END_TEST;

static const gchar *stream_values[] = {
  "{'hello': <'msgpack'>, 'n': <1.5>}",
  "int64 1",
  "[<int64 -70000>, <'x'>, <@ay [1, 2, 3]>, <{'deep': <[<@mv nothing>]>}>]",
  "'héllo 😀'",
  "uint64 18446744073709551615",
  "@a{sv} {}",
  "false",
  "int64 -9223372036854775808",
  "{'__peerData': <{'type': <'close'>}>}",
};

/* The stream cut at every single point, and into random pieces */
GST_START_TEST (test_stream_cut_anywhere)
{
  GBytes *stream = encode_stream (stream_values,
      G_N_ELEMENTS (stream_values));
  gsize size = g_bytes_get_size (stream), cut, i;
  gsize *cuts = g_new (gsize, size);
  GRand *rand = g_rand_new_with_seed (11);
  guint round;

  for (cut = 0; cut <= size; cut++)
    assert_stream (stream, &cut, 1, stream_values,
        G_N_ELEMENTS (stream_values));

  /* one byte at a time */
  for (i = 0; i < size; i++)
    cuts[i] = i;
  assert_stream (stream, cuts, size, stream_values,
      G_N_ELEMENTS (stream_values));

  for (round = 0; round < 200; round++) {
    guint n = 0;
    gsize at = 0;

    while (TRUE) {
      at += g_rand_int_range (rand, 0, 12);
      if (at >= size)
        break;
      cuts[n++] = at;
    }
    assert_stream (stream, cuts, n, stream_values,
        G_N_ELEMENTS (stream_values));
  }

  g_rand_free (rand);
  g_free (cuts);
  g_bytes_unref (stream);
}

GST_END_TEST;

/* Every prefix of a value is incomplete, not an error */
GST_START_TEST (test_prefixes_wait)
{
  GBytes *stream = encode_stream (stream_values, 3);
  gsize size, cut;
  const guint8 *data = g_bytes_get_data (stream, &size);
  gsize first_end;

  {
    GBytes *first =
        gst_peerjs_msgpack_encode (value_of (stream_values[0]), NULL);

    first_end = g_bytes_get_size (first);
    g_bytes_unref (first);
  }

  for (cut = 0; cut < first_end; cut++) {
    GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (0);
    GError *error = NULL;
    GVariant *v;

    gst_peerjs_msgpack_reader_push (reader, data, cut);
    v = gst_peerjs_msgpack_reader_pop (reader, &error);
    fail_unless (v == NULL && error == NULL);
    /* asking again changes nothing */
    v = gst_peerjs_msgpack_reader_pop (reader, &error);
    fail_unless (v == NULL && error == NULL);
    fail_unless_equals_uint64 (gst_peerjs_msgpack_reader_get_buffered
        (reader), cut);
    gst_peerjs_msgpack_reader_push (reader, data + cut, size - cut);
    v = gst_peerjs_msgpack_reader_pop (reader, &error);
    assert_value (v, stream_values[0]);
    g_variant_unref (v);
    gst_peerjs_msgpack_reader_free (reader);
  }
  g_bytes_unref (stream);
}

GST_END_TEST;

GST_START_TEST (test_decode_more)
{
  GError *error = NULL;
  GVariant *v;

  /* forms @msgpack/msgpack does not write but reads */
  assert_decodes ("ca 3fa00000", "1.25");
  assert_decodes ("ca 40400000", "int64 3");
  assert_decodes ("cb 0000000000000000", "int64 0");
  assert_decodes ("cb 3ff0000000000000", "int64 1");
  assert_decodes ("cb 43e0000000000000", "uint64 9223372036854775808");
  assert_decodes ("d9 02 6869", "'hi'");
  assert_decodes ("da 0002 6869", "'hi'");
  assert_decodes ("db 00000002 6869", "'hi'");
  assert_decodes ("c5 0001 07", "@ay [7]");
  assert_decodes ("c6 00000001 07", "@ay [7]");
  assert_decodes ("dc 0001 01", "[<int64 1>]");
  assert_decodes ("dd 00000001 01", "[<int64 1>]");
  assert_decodes ("de 0001 a161 01", "{'a': <int64 1>}");
  assert_decodes ("df 00000001 a161 01", "{'a': <int64 1>}");
  assert_decodes ("cc 05", "int64 5");
  assert_decodes ("d0 05", "int64 5");
  assert_decodes ("cf 8000000000000000", "uint64 9223372036854775808");
  v = read_one ("cb 7ff8000000000000", NULL);
  fail_unless (isnan (g_variant_get_double (v)));
  g_variant_unref (v);

  /* keys as JavaScript property names */
  assert_decodes ("82 01 a161 cb 3ff8000000000000 a162",
      "{'1': <'a'>, '1.5': <'b'>}");
  assert_decodes ("81 c0 01", "{'null': <int64 1>}");
  assert_decodes ("81 92 01 02 01", "{'1,2': <int64 1>}");
  assert_decodes ("82 a161 01 a161 02", "{'a': <int64 2>}");

  /* strings made valid UTF-8 */
  assert_decodes ("a3 61 ff 62", "'a\\ufffdb'");
  assert_decodes ("a3 61 00 62", "'a\\ufffdb'");

  /* the timestamp extension: milliseconds since the epoch */
  assert_decodes ("d6 ff 00000001", "int64 1000");
  assert_decodes ("d7 ff 77359400 00000002", "int64 2500");
  assert_decodes ("d7 ff 000f4240 00000000", "0.25");
  assert_decodes ("c7 0c ff 000f4240 fffffffffffffffe", "int64 -1999");
  assert_decodes ("92 d6ff00000000 01", "[<int64 0>, <int64 1>]");

  /* other extensions: an error, the value is skipped, the stream goes on */
  {
    GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (0);

    assert_reader_error (reader, "d4 01 02", GST_PEERJS_DATA_ERROR_UNSUPPORTED);
    assert_reader_error (reader, "92 01 c7 03 05 010203",
        GST_PEERJS_DATA_ERROR_UNSUPPORTED);
    /* a timestamp of a size it cannot have */
    assert_reader_error (reader, "d5 ff 0102",
        GST_PEERJS_DATA_ERROR_UNSUPPORTED);
    gst_peerjs_msgpack_reader_push (reader, (const guint8 *) "\x07", 1);
    v = gst_peerjs_msgpack_reader_pop (reader, &error);
    assert_value (v, "int64 7");
    g_variant_unref (v);
    gst_peerjs_msgpack_reader_free (reader);
  }
}

GST_END_TEST;

GST_START_TEST (test_reader_errors)
{
  GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (1000);
  GError *error = NULL;
  GVariant *v;
  GString *deep;
  guint i;

  /* c1 is never used: the stream is broken, the reader drops it all */
  assert_reader_error (reader, "c1 02 03", GST_PEERJS_DATA_ERROR_MALFORMED);
  fail_unless_equals_uint64 (gst_peerjs_msgpack_reader_get_buffered (reader),
      0);
  gst_peerjs_msgpack_reader_free (reader);
  reader = gst_peerjs_msgpack_reader_new (1000);
  gst_peerjs_msgpack_reader_push (reader, (const guint8 *) "\x01\xc1\x02", 3);
  v = gst_peerjs_msgpack_reader_pop (reader, &error);
  assert_value (v, "int64 1");
  g_variant_unref (v);
  assert_reader_error (reader, "", GST_PEERJS_DATA_ERROR_MALFORMED);
  fail_unless_equals_uint64 (gst_peerjs_msgpack_reader_get_buffered (reader),
      0);
  /* usable again for what comes next */
  gst_peerjs_msgpack_reader_push (reader, (const guint8 *) "\x05", 1);
  v = gst_peerjs_msgpack_reader_pop (reader, &error);
  assert_value (v, "int64 5");
  g_variant_unref (v);

  /* a value over max_buffered: refused from its header when its size is
   * known, else once the bytes held exceed the limit */
  assert_reader_error (reader, "c6 000003e9", GST_PEERJS_DATA_ERROR_TOO_BIG);
  assert_reader_error (reader, "db 000003e6", GST_PEERJS_DATA_ERROR_TOO_BIG);
  fail_unless_equals_uint64 (gst_peerjs_msgpack_reader_get_buffered (reader),
      0);
  {
    guint8 zeros[600] = { 0 };

    gst_peerjs_msgpack_reader_push (reader, (const guint8 *) "\xdc\xff\xff", 3);
    gst_peerjs_msgpack_reader_push (reader, zeros, sizeof (zeros));
    fail_unless (gst_peerjs_msgpack_reader_pop (reader, &error) == NULL);
    fail_unless (error == NULL);
    gst_peerjs_msgpack_reader_push (reader, zeros, sizeof (zeros));
    fail_unless (gst_peerjs_msgpack_reader_pop (reader, &error) == NULL);
    fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
            GST_PEERJS_DATA_ERROR_TOO_BIG));
    g_clear_error (&error);
    fail_unless_equals_uint64 (gst_peerjs_msgpack_reader_get_buffered
        (reader), 0);
  }
  /* at the limit exactly: fine */
  {
    guint8 value[1000] = { 0xc5, 0x03, 0xe5 };

    gst_peerjs_msgpack_reader_push (reader, value, sizeof (value));
    v = gst_peerjs_msgpack_reader_pop (reader, &error);
    fail_unless (v != NULL);
    fail_unless_equals_uint64 (g_variant_get_size (v), 997);
    g_variant_unref (v);
  }

  /* counts over the item limit fail at once, without waiting or
   * allocating */
  assert_reader_error (reader, "dd ffffffff", GST_PEERJS_DATA_ERROR_TOO_BIG);
  assert_reader_error (reader, "df 00100001", GST_PEERJS_DATA_ERROR_TOO_BIG);
  gst_peerjs_msgpack_reader_free (reader);

  /* 32 levels (the libmsgpack-c parse stack) decode, 33 do not */
  reader = gst_peerjs_msgpack_reader_new (0);
  deep = g_string_new (NULL);
  for (i = 0; i < 32; i++)
    g_string_append (deep, "91");
  g_string_append (deep, "90");
  assert_reader_error (reader, deep->str, GST_PEERJS_DATA_ERROR_TOO_BIG);
  g_string_truncate (deep, 0);
  for (i = 0; i < 31; i++)
    g_string_append (deep, "81a16b");
  g_string_append (deep, "90");
  {
    GString *expected = g_string_new (NULL);

    for (i = 0; i < 31; i++)
      g_string_append (expected, "{'k': <");
    g_string_append (expected, "@av []");
    for (i = 0; i < 31; i++)
      g_string_append (expected, ">}");
    assert_decodes (deep->str, expected->str);
    g_string_free (expected, TRUE);
  }
  g_string_free (deep, TRUE);
  gst_peerjs_msgpack_reader_free (reader);
}

GST_END_TEST;

/* The encoder is bounded like the reader */
GST_START_TEST (test_encode_depth)
{
  GVariant *v = g_variant_new_int64 (1);
  GError *error = NULL;
  GBytes *bytes;
  guint i;

  for (i = 0; i < 32; i++) {
    GVariant *child = g_variant_new_variant (v);

    v = g_variant_new_array (G_VARIANT_TYPE_VARIANT, &child, 1);
  }
  v = g_variant_ref_sink (v);
  bytes = gst_peerjs_msgpack_encode (v, &error);
  fail_unless (bytes != NULL);
  fail_unless_equals_uint64 (g_bytes_get_size (bytes), 33);
  g_bytes_unref (bytes);

  {
    GVariant *child = g_variant_new_variant (v);
    GVariant *deeper = g_variant_new_array (G_VARIANT_TYPE_VARIANT, &child, 1);

    bytes = gst_peerjs_msgpack_encode (deeper, &error);
    fail_unless (bytes == NULL);
    fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
            GST_PEERJS_DATA_ERROR_TOO_BIG));
    g_clear_error (&error);
  }
  g_variant_unref (v);
}

GST_END_TEST;

GST_START_TEST (test_reader_random)
{
  GRand *rand = g_rand_new_with_seed (3);
  guint8 buf[48];
  guint i, j;

  /* arbitrary bytes in arbitrary pieces: values or clean errors */
  for (i = 0; i < 5000; i++) {
    GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (4096);
    guint len = g_rand_int_range (rand, 0, sizeof (buf));
    guint at = 0;

    for (j = 0; j < len; j++)
      buf[j] = (guint8) g_rand_int (rand);
    while (at < len) {
      guint n = g_rand_int_range (rand, 1, len - at + 1);
      GError *error = NULL;
      GVariant *v;

      gst_peerjs_msgpack_reader_push (reader, buf + at, n);
      at += n;
      while ((v = gst_peerjs_msgpack_reader_pop (reader, &error)))
        g_variant_unref (v);
      g_clear_error (&error);
    }
    gst_peerjs_msgpack_reader_free (reader);
  }
  g_rand_free (rand);
}

GST_END_TEST;

static Suite *
msgpack_suite (void)
{
  Suite *s = suite_create ("peerjsmsgpack");
  TCase *tc = tcase_create ("general");

  gst_peerjs_init ();
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_example);
  tcase_add_test (tc, test_forms);
  tcase_add_test (tc, test_length_forms);
  tcase_add_test (tc, test_split);
  tcase_add_test (tc, test_stream_cut_anywhere);
  tcase_add_test (tc, test_prefixes_wait);
  tcase_add_test (tc, test_decode_more);
  tcase_add_test (tc, test_reader_errors);
  tcase_add_test (tc, test_encode_depth);
  tcase_add_test (tc, test_reader_random);

  return s;
}

GST_CHECK_MAIN (msgpack);
