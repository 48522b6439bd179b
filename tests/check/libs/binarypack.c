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
  assert_encodes_with (gst_peerjs_binarypack_encode, value, hex)

static GVariant *
decode_hex (const gchar * hex, gsize * consumed, GError ** error)
{
  GBytes *bytes = hex_to_bytes (hex);
  GVariant *v = gst_peerjs_binarypack_decode (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes), consumed, error);

  g_bytes_unref (bytes);
  return v;
}

static void
assert_decodes (const gchar * hex, const gchar * expected_text)
{
  GError *error = NULL;
  gsize consumed = 0;
  GBytes *bytes = hex_to_bytes (hex);
  GVariant *v = gst_peerjs_binarypack_decode (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes), &consumed, &error);

  fail_unless (v != NULL, "decode of %s failed: %s", hex,
      error ? error->message : "");
  assert_value (v, expected_text);
  fail_unless_equals_uint64 (consumed, g_bytes_get_size (bytes));
  g_variant_unref (v);
  g_bytes_unref (bytes);
}

static void
assert_decode_error (const guint8 * data, gsize size, gint code)
{
  GError *error = NULL;
  GVariant *v = gst_peerjs_binarypack_decode (data, size, NULL, &error);

  fail_unless (v == NULL, "decoded a value from bad input");
  fail_unless (error != NULL);
  fail_unless (error->domain == GST_PEERJS_DATA_ERROR);
  fail_unless_equals_int (error->code, code);
  g_error_free (error);
}

static void
assert_decode_error_hex (const gchar * hex, gint code)
{
  GBytes *bytes = hex_to_bytes (hex);

  assert_decode_error (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes), code);
  g_bytes_unref (bytes);
}

static void
assert_encode_error (GVariant * value, gint code)
{
  GError *error = NULL;
  GBytes *got = gst_peerjs_binarypack_encode (value, &error);

  fail_unless (got == NULL);
  fail_unless (error != NULL);
  fail_unless (error->domain == GST_PEERJS_DATA_ERROR);
  fail_unless_equals_int (error->code, code);
  g_error_free (error);
}

/* A value of every kind, for round trips and truncation. */
#define COMPLEX_VALUE \
  "{'s': <'héllo 😀'>, 'n': <[<int64 -1>, <int64 200>, <int64 -200>, " \
  "<int64 70000>, <int64 -70000>, <int64 5000000000>, <1.5>, " \
  "<uint64 18446744073709551615>]>, 'b': <@ay [0, 1, 2, 255]>, " \
  "'nested': <{'deep': <[<[<@mv nothing>, <true>, <false>]>]>}>, " \
  "'long': <'abcdefghijklmnopqrstuvwxyz'>, 'empty': <@a{sv} {}>}"

/* peerjs-protocol.md 5.4, both ways */
typedef struct
{
  const gchar *value;           /* GVariant text of the model value */
  const gchar *hex;
} Example;

static const Example worked_examples[] = {
  {"int64 0", "00"},
  {"int64 127", "7f"},
  {"int64 -1", "ff"},
  {"int64 -32", "e0"},
  {"int64 -33", "d0 df"},
  {"int64 128", "cc 80"},
  {"int64 -129", "d1 ff 7f"},
  {"int64 256", "cd 01 00"},
  {"int64 65536", "ce 00 01 00 00"},
  {"int64 4294967296", "d3 00 00 00 01 00 00 00 00"},
  {"int64 -2147483649", "d3 ff ff ff ff 7f ff ff ff"},
  {"1.5", "cb 3f f8 00 00 00 00 00 00"},
  {"-0.1", "cb bf b9 99 99 99 99 99 9a"},
  {"@mv nothing", "c0"},
  {"true", "c3"},
  {"false", "c2"},
  {"'hi'", "b2 68 69"},
  {"'héllo'", "b6 68 c3 a9 6c 6c 6f"},
  {"'😀'", "b4 f0 9f 98 80"},
  {"'abcdefghijklmnop'", "d8 00 10 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e "
        "6f 70"},
  {"@ay [1, 2, 3]", "a3 01 02 03"},
  {"[<int64 1>, <'a'>]", "92 01 b1 61"},
  {"{'a': <int64 1>, 'b': <[<true>, <@mv nothing>]>}",
      "82 b1 61 01 b1 62 92 c3 c0"},
  {"{'u': <@mv nothing>}", "81 b1 75 c0"},
  {"{'hello': <'world'>, 'n': <[<int64 1>, <2.5>, <true>, <@mv nothing>]>}",
      "82 b5 68656c6c6f b5 776f726c64 b1 6e 94 01 cb 4004000000000000 c3 c0"},
  {"{'__peerData': <int64 5>, 'n': <int64 0>, 'data': <@ay [0xb2, 0x68, "
        "0x69]>, 'total': <int64 1>}",
      "84 ba 5f5f7065657244617461 05 b1 6e 00 b4 64617461 a3 b2 68 69 "
        "b5 746f74616c 01"},
  /* every other integer form, at its edges, in the JS test order */
  {"int64 255", "cc ff"},
  {"int64 -128", "d0 80"},
  {"int64 65535", "cd ff ff"},
  {"int64 -32768", "d1 80 00"},
  {"int64 -32769", "d2 ff ff 7f ff"},
  {"int64 4294967295", "ce ff ff ff ff"},
  {"int64 -2147483648", "d2 80 00 00 00"},
  {"int64 9223372036854775807", "d3 7f ff ff ff ff ff ff ff"},
  {"int64 -9223372036854775808", "d3 80 00 00 00 00 00 00 00"},
  {"uint64 9223372036854775808", "cf 80 00 00 00 00 00 00 00"},
  {"uint64 18446744073709551615", "cf ff ff ff ff ff ff ff ff"},
  {"''", "b0"},
  {"@ay []", "a0"},
  {"@av []", "90"},
  {"@a{sv} {}", "80"},
  /* the close control value, 24 bytes (4.2) */
  {"{'__peerData': <{'type': <'close'>}>}",
      "81 ba 5f5f7065657244617461 81 b4 74797065 b5 636c6f7365"},
};

GST_START_TEST (test_worked_examples)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (worked_examples); i++) {
    const Example *ex = &worked_examples[i];
    GVariant *v = parse (ex->value);

    GST_INFO ("%s <-> %s", ex->value, ex->hex);
    assert_encodes (v, ex->hex);
    assert_decodes (ex->hex, ex->value);
    g_variant_unref (v);
  }
}

GST_END_TEST;

/* The long forms of 5.4: 300-byte string, 70000-byte binary, 16-element
 * array, 16-key map. */
GST_START_TEST (test_length_prefixes)
{
  struct
  {
    GVariant *value;
    const gchar *prefix;
    gsize size;
  } cases[4];
  GVariantBuilder array, map;
  gchar *s300 = g_strnfill (300, 'x');
  guint8 *b70000 = g_malloc0 (70000);
  guint i;

  g_variant_builder_init (&array, G_VARIANT_TYPE ("av"));
  g_variant_builder_init (&map, G_VARIANT_TYPE_VARDICT);
  for (i = 0; i < 16; i++) {
    gchar *key = g_strdup_printf ("k%u", i);

    g_variant_builder_add (&array, "v", g_variant_new_int64 (i));
    g_variant_builder_add (&map, "{sv}", key, g_variant_new_int64 (i));
    g_free (key);
  }
  cases[0].value = g_variant_new_string (s300);
  cases[0].prefix = "d8012c";
  cases[0].size = 3 + 300;
  cases[1].value = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, b70000,
      70000, 1);
  cases[1].prefix = "db00011170";
  cases[1].size = 5 + 70000;
  cases[2].value = g_variant_builder_end (&array);
  cases[2].prefix = "dc0010";
  cases[2].size = 3 + 16;
  cases[3].value = g_variant_builder_end (&map);
  cases[3].prefix = "de0010";
  cases[3].size = 3 + 10 * 3 + 6 * 4 + 16;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    GVariant *value = g_variant_ref_sink (cases[i].value);
    GBytes *bytes = gst_peerjs_binarypack_encode (value, NULL);
    gchar *hex = bytes_to_hex (bytes);
    GVariant *back;

    fail_unless (g_str_has_prefix (hex, cases[i].prefix), "%s", hex);
    fail_unless_equals_uint64 (g_bytes_get_size (bytes), cases[i].size);
    back = gst_peerjs_binarypack_decode (g_bytes_get_data (bytes, NULL),
        g_bytes_get_size (bytes), NULL, NULL);
    fail_unless (g_variant_equal (back, value));
    g_variant_unref (back);
    g_variant_unref (value);
    g_bytes_unref (bytes);
    g_free (hex);
  }
  g_free (s300);
  g_free (b70000);
}

GST_END_TEST;

GST_START_TEST (test_encode_doubles)
{
  /* integral doubles are integers, in the smallest form, -0.0 too */
  assert_encodes (g_variant_new_double (0.0), "00");
  assert_encodes (g_variant_new_double (-0.0), "00");
  assert_encodes (g_variant_new_double (1.0), "01");
  assert_encodes (g_variant_new_double (-33.0), "d0df");
  assert_encodes (g_variant_new_double (4294967296.0), "d30000000100000000");
  assert_encodes (g_variant_new_double (-9223372036854775808.0),
      "d38000000000000000");
  /* 2^63 and the largest double below 2^64: correct, unlike JS pack() */
  assert_encodes (g_variant_new_double (9223372036854775808.0),
      "cf8000000000000000");
  assert_encodes (g_variant_new_double (18446744073709549568.0),
      "cffffffffffffff800");
  /* exact IEEE-754, also where JS pack() halves a power of two */
  assert_encodes (g_variant_new_double (ldexp (1, -29)), "cb3e20000000000000");
  assert_encodes (g_variant_new_double (0.5), "cb3fe0000000000000");
  assert_encodes (g_variant_new_double (4.9406564584124654e-324),
      "cb0000000000000001");
  assert_encodes (g_variant_new_double (123456.789), "cb40fe240c9fbe76c9");

  assert_encode_error (g_variant_new_double (NAN),
      GST_PEERJS_DATA_ERROR_UNSUPPORTED);
  assert_encode_error (g_variant_new_double (INFINITY),
      GST_PEERJS_DATA_ERROR_UNSUPPORTED);
  assert_encode_error (g_variant_new_double (-INFINITY),
      GST_PEERJS_DATA_ERROR_UNSUPPORTED);
  assert_encode_error (g_variant_new_double (1e20),
      GST_PEERJS_DATA_ERROR_UNSUPPORTED);
  assert_encode_error (g_variant_new_double (18446744073709551616.0),
      GST_PEERJS_DATA_ERROR_UNSUPPORTED);
  assert_encode_error (g_variant_new_double (-1e19),
      GST_PEERJS_DATA_ERROR_UNSUPPORTED);
  /* every double from 2^53 on is integral: JS pack() refuses 1e300 too */
  assert_encode_error (g_variant_new_double (1e300),
      GST_PEERJS_DATA_ERROR_UNSUPPORTED);
  /* inside a container too */
  assert_encode_error (value_of ("[<1>, <@md just nan>]"),
      GST_PEERJS_DATA_ERROR_UNSUPPORTED);
}

GST_END_TEST;

GST_START_TEST (test_encode_any_gvariant)
{
  assert_encodes (g_variant_new_byte (200), "ccc8");
  assert_encodes (g_variant_new_int16 (-5), "fb");
  assert_encodes (g_variant_new_uint16 (65535), "cdffff");
  assert_encodes (g_variant_new_int32 (-70000), "d2fffeee90");
  assert_encodes (g_variant_new_uint32 (G_MAXUINT32), "ceffffffff");
  assert_encodes (g_variant_new_uint64 (5), "05");
  assert_encodes (g_variant_new_handle (3), "03");
  assert_encodes (g_variant_new_object_path ("/a"), "b22f61");
  assert_encodes (g_variant_new_signature ("as"), "b26173");
  assert_encodes (value_of ("(int16 -5, 'x', @ay [1, 2], {'a': 1.0})"),
      "94 fb b178 a20102 81b16101");
  assert_encodes (value_of ("()"), "90");
  assert_encodes (value_of ("['a', 'b']"), "92b161b162");
  assert_encodes (value_of ("[[1, 2], [3]]"), "92 920102 9103");
  assert_encodes (value_of ("{1: 'a', 20: 'b'}"), "82 b131b161 b23230b162");
  assert_encodes (value_of ("{true: 1}"), "81 b474727565 01");
  assert_encodes (value_of ("{1.5: 1, 1e21: 2, 1e-7: 3}"),
      "83 b3312e35 01 b531652b3231 02 b431652d37 03");
  assert_encodes (value_of ("<<<int16 7>>>"), "07");
  assert_encodes (value_of ("@mi nothing"), "c0");
  assert_encodes (value_of ("@mi just 7"), "07");
  assert_encodes (value_of ("@mmi just nothing"), "c0");
  assert_encodes (value_of ("@mv just <'x'>"), "b178");
  assert_encodes (value_of ("@ams [nothing, just 'y']"), "92c0b179");
  assert_encodes (value_of ("@aay [[1], []]"), "92 a101 a0");
  /* the dict entry of a dictionary seen alone: a pair */
  assert_encodes (value_of ("@{sv} {'k', <1>}"), "92b16b01");
  /* a dictionary with a repeated key keeps one member, like JS */
  assert_encodes (value_of ("@a{is} {1: 'a', 2: 'b', 1: 'c'}"),
      "82 b131 b163 b132 b162");
}

GST_END_TEST;

static GVariant *
nested_arrays (guint depth)
{
  GVariant *v = g_variant_new_int64 (1);
  guint i;

  for (i = 0; i < depth; i++) {
    GVariant *child = g_variant_new_variant (v);

    v = g_variant_new_array (G_VARIANT_TYPE_VARIANT, &child, 1);
  }
  return v;
}

GST_START_TEST (test_encode_depth)
{
  GBytes *bytes = gst_peerjs_binarypack_encode (nested_arrays (32), NULL);
  GVariant *back;

  fail_unless (bytes != NULL);
  fail_unless_equals_uint64 (g_bytes_get_size (bytes), 33);
  back = gst_peerjs_binarypack_decode (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes), NULL, NULL);
  fail_unless (back != NULL);
  g_variant_unref (back);
  g_bytes_unref (bytes);

  assert_encode_error (nested_arrays (33), GST_PEERJS_DATA_ERROR_TOO_BIG);
}

GST_END_TEST;

GST_START_TEST (test_decode_quirks)
{
  GError *error = NULL;
  gsize consumed = 0;
  GVariant *v;
  guint8 code;

  /* one value from the start; trailing bytes are not consumed */
  v = decode_hex ("01 02", &consumed, &error);
  assert_value (v, "int64 1");
  fail_unless_equals_uint64 (consumed, 1);
  g_variant_unref (v);

  /* undefined, and the unassigned codes: null, consuming only the code */
  assert_decodes ("c1", "@mv nothing");
  for (code = 0xc4; code <= 0xc9; code++) {
    gchar hex[8];

    g_snprintf (hex, sizeof (hex), "%02x 05", code);
    v = decode_hex (hex, &consumed, NULL);
    assert_value (v, "@mv nothing");
    fail_unless_equals_uint64 (consumed, 1);
    g_variant_unref (v);
  }
  for (code = 0xd4; code <= 0xd7; code++) {
    gchar hex[8];

    g_snprintf (hex, sizeof (hex), "%02x", code);
    assert_decodes (hex, "@mv nothing");
  }
  /* ... which shifts the rest of a container, like in JS */
  assert_decodes ("93 c4 01 02", "[<@mv nothing>, <int64 1>, <int64 2>]");

  /* map keys become property names */
  assert_decodes ("81 01 b1 61", "{'1': <'a'>}");
  assert_decodes ("81 c0 01", "{'null': <int64 1>}");
  assert_decodes ("81 c1 01", "{'undefined': <int64 1>}");
  assert_decodes ("81 c5 01", "{'undefined': <int64 1>}");
  assert_decodes ("81 c3 01", "{'true': <int64 1>}");
  assert_decodes ("81 cb 3ff8000000000000 01", "{'1.5': <int64 1>}");
  assert_decodes ("81 cb 444b1ae4d6e2ef50 01", "{'1e+21': <int64 1>}");
  assert_decodes ("81 93 01 c0 92 02 03 01", "{'1,,2,3': <int64 1>}");
  assert_decodes ("81 a2 0102 01", "{'[object ArrayBuffer]': <int64 1>}");
  assert_decodes ("81 80 01", "{'[object Object]': <int64 1>}");
  /* a repeated key: first position, last value */
  assert_decodes ("83 b161 01 b162 02 b161 03",
      "{'a': <int64 3>, 'b': <int64 2>}");
  assert_decodes ("82 01 b178 b131 b179", "{'1': <'y'>}");

  /* floats: exact IEEE-754; integral values are integers */
  assert_decodes ("ca 3fa00000", "1.25");
  assert_decodes ("ca 00000000", "int64 0");
  assert_decodes ("ca 80000000", "int64 0");
  assert_decodes ("ca 00000001", "1.4012984643248171e-45");
  assert_decodes ("ca 7f800000", "inf");
  assert_decodes ("ca ff800000", "-inf");
  assert_decodes ("cb 0000000000000000", "int64 0");
  assert_decodes ("cb 8000000000000000", "int64 0");
  v = decode_hex ("cb 0000000000000001", NULL, NULL);
  fail_unless (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE));
  fail_unless (g_variant_get_double (v) == 4.9406564584124654e-324);
  g_variant_unref (v);
  v = decode_hex ("cb 000fffffffffffff", NULL, NULL);
  fail_unless (g_variant_get_double (v) == 2.2250738585072009e-308);
  g_variant_unref (v);
  assert_decodes ("cb 7ff0000000000000", "inf");
  assert_decodes ("cb fff0000000000000", "-inf");
  assert_decodes ("cb 3ff0000000000000", "int64 1");
  assert_decodes ("cb 43e0000000000000", "uint64 9223372036854775808");
  assert_decodes ("cb 4415af1d78b58c40", "1e+20");
  v = decode_hex ("cb 7ff8000000000000", NULL, NULL);
  fail_unless (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE));
  fail_unless (isnan (g_variant_get_double (v)));
  g_variant_unref (v);
  v = decode_hex ("ca 7fc00000", NULL, NULL);
  fail_unless (isnan (g_variant_get_double (v)));
  g_variant_unref (v);

  /* 64-bit integers exactly (JS goes through doubles) */
  assert_decodes ("cf 0000000000000005", "int64 5");
  assert_decodes ("cf 8000000000000001", "uint64 9223372036854775809");
  assert_decodes ("d3 ffffffff7fffffff", "int64 -2147483649");
  assert_decodes ("d3 0020000000000001", "int64 9007199254740993");
  assert_decodes ("d0 ff", "int64 -1");
  assert_decodes ("d1 8000", "int64 -32768");
  assert_decodes ("d2 80000000", "int64 -2147483648");
  assert_decodes ("ce ffffffff", "int64 4294967295");

  /* strings are made valid UTF-8; a NUL becomes U+FFFD too */
  assert_decodes ("b3 61 ff 62", "'a\\ufffdb'");
  assert_decodes ("b3 61 00 62", "'a\\ufffdb'");
  assert_decodes ("b2 c3 28", "'\\ufffd('");
  assert_decodes ("b3 ed a0 80", "'\\ufffd\\ufffd\\ufffd'");
  assert_decodes ("b4 f7 bf bf bf", "'\\ufffd\\ufffd\\ufffd\\ufffd'");
  /* valid multi-byte text stays */
  assert_decodes ("d8 0006 e282ac e282ac", "'€€'");
}

GST_END_TEST;

GST_START_TEST (test_decode_truncated)
{
  GBytes *full = gst_peerjs_binarypack_encode (value_of (COMPLEX_VALUE), NULL);
  gsize size, cut;
  const guint8 *data = g_bytes_get_data (full, &size);
  GVariant *v;

  /* every proper prefix of a complex value is an error, never a crash */
  for (cut = 0; cut < size; cut++) {
    guint8 *copy = g_memdup2 (data, cut);

    assert_decode_error (copy, cut, GST_PEERJS_DATA_ERROR_TRUNCATED);
    g_free (copy);
  }
  v = gst_peerjs_binarypack_decode (data, size, NULL, NULL);
  assert_value (v, COMPLEX_VALUE);
  g_variant_unref (v);
  g_bytes_unref (full);

  /* where JS reads zeros past the end, this is strict */
  assert_decode_error (NULL, 0, GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("93 01", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("cd 01", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("cb 3ff0", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("b5 6869", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("81 b161", GST_PEERJS_DATA_ERROR_TRUNCATED);

  /* counts beyond the bytes left fail before anything is allocated */
  assert_decode_error_hex ("dd ffffffff", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("dd ffffffff 01 02",
      GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("df ffffffff 01 02",
      GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("de 0002 01 02", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("db ffffffff 00", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("d9 ffffffff 00", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("da 0003 0102", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("9f 01 02 03", GST_PEERJS_DATA_ERROR_TRUNCATED);
  assert_decode_error_hex ("91 91 91 91", GST_PEERJS_DATA_ERROR_TRUNCATED);
}

GST_END_TEST;

GST_START_TEST (test_decode_bounds)
{
  GByteArray *deep = g_byte_array_new ();
  guint8 b;
  GVariant *v;
  guint i;

  /* 32 nested arrays decode; 33 do not */
  for (i = 0; i < 32; i++) {
    b = 0x91;
    g_byte_array_append (deep, &b, 1);
  }
  b = 0x01;
  g_byte_array_append (deep, &b, 1);
  v = gst_peerjs_binarypack_decode (deep->data, deep->len, NULL, NULL);
  fail_unless (v != NULL);
  g_variant_unref (v);
  b = 0x91;
  g_byte_array_prepend (deep, &b, 1);
  assert_decode_error (deep->data, deep->len, GST_PEERJS_DATA_ERROR_TOO_BIG);
  g_byte_array_set_size (deep, 0);

  /* maps count too */
  for (i = 0; i < 33; i++) {
    static const guint8 map_key[] = { 0x81, 0xb1, 0x6b };

    g_byte_array_append (deep, map_key, sizeof (map_key));
  }
  b = 0x01;
  g_byte_array_append (deep, &b, 1);
  assert_decode_error (deep->data, deep->len, GST_PEERJS_DATA_ERROR_TOO_BIG);
  v = gst_peerjs_binarypack_decode (deep->data + 3, deep->len - 3, NULL, NULL);
  fail_unless (v != NULL);
  g_variant_unref (v);
  g_byte_array_unref (deep);
}

GST_END_TEST;

/* GST_PEERJS_VALUE_MAX_ITEMS values decode, one more does not. */
GST_START_TEST (test_decode_item_limit)
{
  gsize n = GST_PEERJS_VALUE_MAX_ITEMS - 1;
  guint8 *data = g_malloc0 (5 + n + 1);
  GVariant *v;

  data[0] = 0xdd;
  data[1] = (guint8) (n >> 24);
  data[2] = (guint8) (n >> 16);
  data[3] = (guint8) (n >> 8);
  data[4] = (guint8) n;
  v = gst_peerjs_binarypack_decode (data, 5 + n, NULL, NULL);
  fail_unless (v != NULL);
  fail_unless_equals_uint64 (g_variant_n_children (v), n);
  g_variant_unref (v);

  n++;
  data[1] = (guint8) (n >> 24);
  data[2] = (guint8) (n >> 16);
  data[3] = (guint8) (n >> 8);
  data[4] = (guint8) n;
  assert_decode_error (data, 5 + n, GST_PEERJS_DATA_ERROR_TOO_BIG);
  g_free (data);
}

GST_END_TEST;

GST_START_TEST (test_decode_random)
{
  GRand *rand = g_rand_new_with_seed (42);
  guint8 buf[64];
  guint i, j;

  /* arbitrary bytes decode or fail cleanly */
  for (i = 0; i < 20000; i++) {
    guint len = g_rand_int_range (rand, 0, sizeof (buf));
    GError *error = NULL;
    gsize consumed = 0;
    GVariant *v;

    for (j = 0; j < len; j++)
      buf[j] = (guint8) g_rand_int (rand);
    v = gst_peerjs_binarypack_decode (buf, len, &consumed, &error);
    if (v) {
      fail_unless (error == NULL);
      fail_unless (consumed >= 1 && consumed <= len);
      g_variant_unref (v);
    } else {
      fail_unless (error != NULL);
      g_error_free (error);
    }
  }
  g_rand_free (rand);
}

GST_END_TEST;

GST_START_TEST (test_round_trip)
{
  const gchar *values[] = {
    COMPLEX_VALUE,
    "[<int64 -9223372036854775808>, <uint64 9223372036854775808>]",
    "[<1.0000000000000002>, <-1e-300>, <2.2250738585072014e-308>]",
    "{'': <''>}",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (values); i++) {
    GBytes *bytes = gst_peerjs_binarypack_encode (value_of (values[i]), NULL);
    GVariant *back = gst_peerjs_binarypack_decode (g_bytes_get_data (bytes,
            NULL), g_bytes_get_size (bytes), NULL, NULL);

    assert_value (back, values[i]);
    g_variant_unref (back);
    g_bytes_unref (bytes);
  }
}

GST_END_TEST;

/* Chunking */

static GVariant *
new_binary (gsize size, guint seed)
{
  guint8 *data = g_malloc (size);
  gsize i;

  for (i = 0; i < size; i++)
    data[i] = (guint8) (i * 7 + seed);
  return g_variant_new_from_data (G_VARIANT_TYPE_BYTESTRING, data, size, TRUE,
      g_free, data);
}

/* peerjs-protocol.md 4.2: a 40000-byte Uint8Array */
GST_START_TEST (test_chunking_example)
{
  GstPeerJSBinaryPackSender *sender = gst_peerjs_binarypack_sender_new ();
  GPtrArray *messages, *next;
  gchar *head, *last;
  GVariant *chunk;

  messages = gst_peerjs_binarypack_sender_pack (sender,
      new_binary (40000, 0), NULL);
  fail_unless (messages != NULL);
  fail_unless_equals_int (messages->len, 3);
  fail_unless_equals_uint64 (g_bytes_get_size (messages->pdata[0]), 16331);
  fail_unless_equals_uint64 (g_bytes_get_size (messages->pdata[1]), 16331);
  fail_unless_equals_uint64 (g_bytes_get_size (messages->pdata[2]), 7434);

  head = bytes_to_hex (messages->pdata[0]);
  fail_unless (g_str_has_prefix (head, "84ba5f5f7065657244617461" "01"
          "b16e00" "b464617461" "da3fac" "da9c40" "0007"), "%s", head);
  last = bytes_to_hex (messages->pdata[2]);
  fail_unless (g_str_has_suffix (last, "b5746f74616c03"), "%s", last);
  fail_unless (g_str_has_prefix (last, "84ba5f5f7065657244617461" "01"
          "b16e02" "b464617461" "da1ceb"), "%s", last);

  /* each chunk is a map of the documented shape */
  chunk = gst_peerjs_binarypack_decode (g_bytes_get_data (messages->pdata[1],
          NULL), g_bytes_get_size (messages->pdata[1]), NULL, NULL);
  fail_unless (g_variant_is_of_type (chunk, G_VARIANT_TYPE_VARDICT));
  fail_unless_equals_int (g_variant_n_children (chunk), 4);
  {
    gint64 id, n, total;
    GVariant *data;

    fail_unless (g_variant_lookup (chunk, "__peerData", "x", &id));
    fail_unless (g_variant_lookup (chunk, "n", "x", &n));
    fail_unless (g_variant_lookup (chunk, "total", "x", &total));
    data = g_variant_lookup_value (chunk, "data", G_VARIANT_TYPE_BYTESTRING);
    fail_unless_equals_int (id, 1);
    fail_unless_equals_int (n, 1);
    fail_unless_equals_int (total, 3);
    fail_unless_equals_uint64 (g_variant_get_size (data), 16300);
    g_variant_unref (data);
  }
  g_variant_unref (chunk);

  /* the next chunked message has the next id */
  next = gst_peerjs_binarypack_sender_pack (sender, new_binary (20000, 1),
      NULL);
  fail_unless_equals_int (next->len, 2);
  g_free (head);
  head = bytes_to_hex (next->pdata[0]);
  fail_unless (g_str_has_prefix (head, "84ba5f5f7065657244617461" "02"),
      "%s", head);

  g_free (head);
  g_free (last);
  g_ptr_array_unref (messages);
  g_ptr_array_unref (next);
  gst_peerjs_binarypack_sender_free (sender);
}

GST_END_TEST;

GST_START_TEST (test_chunking_threshold)
{
  GstPeerJSBinaryPackSender *sender = gst_peerjs_binarypack_sender_new ();
  GPtrArray *messages;
  GError *error = NULL;

  /* 16300 bytes packed (3 of header): one message; one more: two chunks */
  messages = gst_peerjs_binarypack_sender_pack (sender, new_binary (16297, 0),
      NULL);
  fail_unless_equals_int (messages->len, 1);
  fail_unless_equals_uint64 (g_bytes_get_size (messages->pdata[0]), 16300);
  g_ptr_array_unref (messages);
  messages = gst_peerjs_binarypack_sender_pack (sender, new_binary (16298, 0),
      NULL);
  fail_unless_equals_int (messages->len, 2);
  g_ptr_array_unref (messages);

  /* a small value is one message, not a chunk */
  messages =
      gst_peerjs_binarypack_sender_pack (sender, value_of ("'hi'"), NULL);
  fail_unless_equals_int (messages->len, 1);
  g_ptr_array_unref (messages);

  messages = gst_peerjs_binarypack_sender_pack (sender,
      g_variant_new_double (NAN), &error);
  fail_unless (messages == NULL);
  fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_UNSUPPORTED));
  g_clear_error (&error);
  gst_peerjs_binarypack_sender_free (sender);
}

GST_END_TEST;

static GstPeerJSReceiveResult
push (GstPeerJSBinaryPackReceiver * recv, GBytes * message, gint64 now_us,
    GVariant ** value, GError ** error)
{
  return gst_peerjs_binarypack_receiver_push (recv,
      g_bytes_get_data (message, NULL), g_bytes_get_size (message), now_us,
      value, error);
}

static GstPeerJSReceiveResult
push_hex (GstPeerJSBinaryPackReceiver * recv, const gchar * hex,
    gint64 now_us, GVariant ** value, GError ** error)
{
  GBytes *bytes = hex_to_bytes (hex);
  GstPeerJSReceiveResult r = push (recv, bytes, now_us, value, error);

  g_bytes_unref (bytes);
  return r;
}

static void
push_none (GstPeerJSBinaryPackReceiver * recv, GBytes * message)
{
  GError *error = NULL;
  GVariant *value = NULL;

  fail_unless_equals_int (push (recv, message, 0, &value, &error),
      GST_PEERJS_RECEIVE_NONE);
  fail_unless (error == NULL, "%s", error ? error->message : "");
  fail_unless (value == NULL);
}

static void
push_error (GstPeerJSBinaryPackReceiver * recv, GBytes * message,
    gint64 now_us, gint code)
{
  GError *error = NULL;
  GVariant *value = NULL;

  fail_unless_equals_int (push (recv, message, now_us, &value, &error),
      GST_PEERJS_RECEIVE_NONE);
  fail_unless (value == NULL);
  fail_unless (error != NULL);
  fail_unless (error->domain == GST_PEERJS_DATA_ERROR);
  fail_unless_equals_int (error->code, code);
  GST_INFO ("expected error: %s", error->message);
  g_error_free (error);
}

static void
push_value (GstPeerJSBinaryPackReceiver * recv, GBytes * message,
    GVariant * expected)
{
  GError *error = NULL;
  GVariant *value = NULL;

  fail_unless_equals_int (push (recv, message, 0, &value, &error),
      GST_PEERJS_RECEIVE_VALUE);
  fail_unless (error == NULL);
  fail_unless (g_variant_equal (value, expected));
  g_variant_unref (value);
}

static GBytes *
chunk_message (gint64 id, gint64 n, gint64 total, const guint8 * data,
    gsize size)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "__peerData", g_variant_new_int64 (id));
  g_variant_builder_add (&b, "{sv}", "n", g_variant_new_int64 (n));
  g_variant_builder_add (&b, "{sv}", "data",
      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, size, 1));
  g_variant_builder_add (&b, "{sv}", "total", g_variant_new_int64 (total));
  return gst_peerjs_binarypack_encode (g_variant_builder_end (&b), NULL);
}

GST_START_TEST (test_receive_in_any_order)
{
  GstPeerJSBinaryPackSender *sender = gst_peerjs_binarypack_sender_new ();
  GstPeerJSBinaryPackReceiver *recv =
      gst_peerjs_binarypack_receiver_new (16 * 1024 * 1024, 16, 1000);
  GVariant *big = g_variant_ref_sink (new_binary (70000, 3));
  GVariant *big2 = parse ("{'text': <'x'>}");
  GPtrArray *m1, *m2, *small;
  GRand *rand = g_rand_new_with_seed (7);
  guint i, round;

  m1 = gst_peerjs_binarypack_sender_pack (sender, big, NULL);
  fail_unless_equals_int (m1->len, 5);

  /* in order */
  for (i = 0; i < m1->len - 1; i++)
    push_none (recv, m1->pdata[i]);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      1);
  push_value (recv, m1->pdata[m1->len - 1], big);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      0);

  /* reversed, and shuffled, many times (ids may repeat after success) */
  for (i = m1->len; i > 1; i--)
    push_none (recv, m1->pdata[i - 1]);
  push_value (recv, m1->pdata[0], big);
  for (round = 0; round < 8; round++) {
    GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)
        g_bytes_unref);

    for (i = 0; i < m1->len; i++)
      g_ptr_array_add (copy, g_bytes_ref (m1->pdata[i]));
    for (i = copy->len - 1; i > 0; i--) {
      guint j = g_rand_int_range (rand, 0, i + 1);
      gpointer tmp = copy->pdata[i];

      copy->pdata[i] = copy->pdata[j];
      copy->pdata[j] = tmp;
    }
    for (i = 0; i < copy->len - 1; i++)
      push_none (recv, copy->pdata[i]);
    push_value (recv, copy->pdata[copy->len - 1], big);
    g_ptr_array_unref (copy);
  }

  /* two messages interleaved, with an unchunked value in between */
  m2 = gst_peerjs_binarypack_sender_pack (sender, new_binary (33000, 9), NULL);
  fail_unless_equals_int (m2->len, 3);
  small = gst_peerjs_binarypack_sender_pack (sender, big2, NULL);
  push_none (recv, m1->pdata[0]);
  push_none (recv, m2->pdata[2]);
  push_value (recv, small->pdata[0], big2);
  push_none (recv, m2->pdata[0]);
  for (i = 1; i < m1->len - 1; i++)
    push_none (recv, m1->pdata[i]);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      2);
  push_value (recv, m1->pdata[m1->len - 1], big);
  {
    GVariant *expected = g_variant_ref_sink (new_binary (33000, 9));

    push_value (recv, m2->pdata[1], expected);
    g_variant_unref (expected);
  }

  g_rand_free (rand);
  g_ptr_array_unref (m1);
  g_ptr_array_unref (m2);
  g_ptr_array_unref (small);
  g_variant_unref (big);
  g_variant_unref (big2);
  gst_peerjs_binarypack_sender_free (sender);
  gst_peerjs_binarypack_receiver_free (recv);
}

GST_END_TEST;

GST_START_TEST (test_receive_close)
{
  GstPeerJSBinaryPackReceiver *recv =
      gst_peerjs_binarypack_receiver_new (0, 0, 0);
  GVariant *value = NULL;
  GError *error = NULL;
  GBytes *close_bytes, *packed;

  /* the 24 bytes of 4.2 */
  value = gst_peerjs_value_new_close ();
  close_bytes = gst_peerjs_binarypack_encode (value, NULL);
  g_clear_pointer (&value, g_variant_unref);
  fail_unless_equals_uint64 (g_bytes_get_size (close_bytes), 24);
  fail_unless_equals_int (push_hex (recv, "81 ba 5f5f7065657244617461 81 b4 "
          "74797065 b5 636c6f7365", 0, &value, &error),
      GST_PEERJS_RECEIVE_CLOSE);
  fail_unless (value == NULL && error == NULL);
  fail_unless_equals_int (push (recv, close_bytes, 0, &value, &error),
      GST_PEERJS_RECEIVE_CLOSE);

  /* a reassembled message can be the close value */
  packed = chunk_message (9, 0, 2, g_bytes_get_data (close_bytes, NULL), 10);
  push_none (recv, packed);
  g_bytes_unref (packed);
  packed = chunk_message (9, 1, 2, (const guint8 *) g_bytes_get_data
      (close_bytes, NULL) + 10, 14);
  fail_unless_equals_int (push (recv, packed, 0, &value, &error),
      GST_PEERJS_RECEIVE_CLOSE);
  g_bytes_unref (packed);

  /* a falsy __peerData is an ordinary value, like in JS */
  fail_unless_equals_int (push_hex (recv, "82 ba 5f5f7065657244617461 00 b178 "
          "01", 0, &value, &error), GST_PEERJS_RECEIVE_VALUE);
  assert_value (value, "{'__peerData': <int64 0>, 'x': <int64 1>}");
  g_clear_pointer (&value, g_variant_unref);
  fail_unless_equals_int (push_hex (recv, "81 ba 5f5f7065657244617461 b0",
          0, &value, &error), GST_PEERJS_RECEIVE_VALUE);
  g_clear_pointer (&value, g_variant_unref);
  /* any value at all, null included, and no value wanted */
  fail_unless_equals_int (push_hex (recv, "c0", 0, &value, &error),
      GST_PEERJS_RECEIVE_VALUE);
  assert_value (value, "@mv nothing");
  g_clear_pointer (&value, g_variant_unref);
  fail_unless_equals_int (push_hex (recv, "b26869", 0, NULL, &error),
      GST_PEERJS_RECEIVE_VALUE);

  /* another type: not close, a chunk without a proper id */
  fail_unless_equals_int (push_hex (recv, "81 ba 5f5f7065657244617461 81 b4 "
          "74797065 b4 6f70656e", 0, &value, &error), GST_PEERJS_RECEIVE_NONE);
  fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_CHUNKS));
  g_clear_error (&error);

  g_bytes_unref (close_bytes);
  gst_peerjs_binarypack_receiver_free (recv);
}

GST_END_TEST;

GST_START_TEST (test_receive_errors)
{
  GstPeerJSBinaryPackReceiver *recv =
      gst_peerjs_binarypack_receiver_new (100000, 2, 1000);
  guint8 data[16300];
  GBytes *c0, *c1, *c1b, *msg;
  GVariant *expected, *value = NULL;
  GError *error = NULL;
  gint i;

  /* dd: the start of an array32 that the bytes cannot hold */
  memset (data, 0xdd, sizeof (data));
  expected = g_variant_ref_sink (g_variant_new_fixed_array
      (G_VARIANT_TYPE_BYTE, data, 16300 - 3 - 3, 1));

  /* a duplicate index drops the message; its later chunks go quietly */
  c0 = chunk_message (1, 0, 3, data, 100);
  push_none (recv, c0);
  push_error (recv, c0, 0, GST_PEERJS_DATA_ERROR_CHUNKS);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      0);
  msg = chunk_message (1, 1, 3, data, 100);
  push_none (recv, msg);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      0);
  g_bytes_unref (msg);
  g_bytes_unref (c0);

  /* n >= total, n < 0, total < 1 */
  msg = chunk_message (2, 3, 3, data, 10);
  push_error (recv, msg, 0, GST_PEERJS_DATA_ERROR_CHUNKS);
  g_bytes_unref (msg);
  msg = chunk_message (3, -1, 3, data, 10);
  push_error (recv, msg, 0, GST_PEERJS_DATA_ERROR_CHUNKS);
  g_bytes_unref (msg);
  msg = chunk_message (4, 0, 0, data, 10);
  push_error (recv, msg, 0, GST_PEERJS_DATA_ERROR_CHUNKS);
  g_bytes_unref (msg);

  /* total differing from the first chunk's */
  msg = chunk_message (5, 0, 3, data, 10);
  push_none (recv, msg);
  g_bytes_unref (msg);
  msg = chunk_message (5, 1, 4, data, 10);
  push_error (recv, msg, 0, GST_PEERJS_DATA_ERROR_CHUNKS);
  g_bytes_unref (msg);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      0);

  /* total * 16300 far over the limit: refused at the first chunk */
  msg = chunk_message (6, 0, 100000 / 16300 + 2, data, 10);
  push_error (recv, msg, 0, GST_PEERJS_DATA_ERROR_TOO_BIG);
  g_bytes_unref (msg);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      0);

  /* chunks adding up beyond the limit: message 7 alone would fit (6 x
   * 16300 < 100000), not with the chunk of message 8 held too */
  msg = chunk_message (8, 0, 2, data, 16300);
  push_none (recv, msg);
  g_bytes_unref (msg);
  for (i = 0; i < 5; i++) {
    c0 = chunk_message (7, i, 7, data, 16300);
    push_none (recv, c0);
    g_bytes_unref (c0);
  }
  c0 = chunk_message (7, 5, 7, data, 16300);
  push_error (recv, c0, 0, GST_PEERJS_DATA_ERROR_TOO_BIG);
  g_bytes_unref (c0);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      1);
  /* message 8 still completes: not a valid value inside, though */
  msg = chunk_message (8, 1, 2, data, 16300);
  push_error (recv, msg, 0, GST_PEERJS_DATA_ERROR_TRUNCATED);
  g_bytes_unref (msg);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      0);

  /* a reassembled message that is a chunk itself */
  {
    GBytes *inner = chunk_message (20, 0, 2, data, 10);

    c0 = chunk_message (21, 0, 1, g_bytes_get_data (inner, NULL),
        g_bytes_get_size (inner));
    fail_unless_equals_int (push (recv, c0, 0, &value, &error),
        GST_PEERJS_RECEIVE_NONE);
    fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
            GST_PEERJS_DATA_ERROR_CHUNKS));
    g_clear_error (&error);
    g_bytes_unref (c0);
    g_bytes_unref (inner);
  }

  /* more messages in flight than allowed */
  c0 = chunk_message (10, 0, 2, data, 10);
  push_none (recv, c0);
  g_bytes_unref (c0);
  c0 = chunk_message (11, 0, 2, data, 10);
  push_none (recv, c0);
  g_bytes_unref (c0);
  c0 = chunk_message (12, 0, 2, data, 10);
  push_error (recv, c0, 0, GST_PEERJS_DATA_ERROR_CHUNKS);
  g_bytes_unref (c0);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      2);

  /* a chunk without binary data, a message over the size limit */
  fail_unless_equals_int (push_hex (recv, "84 ba 5f5f7065657244617461 0d "
          "b16e 00 b464617461 b26869 b5746f74616c 01", 0, &value, &error),
      GST_PEERJS_RECEIVE_NONE);
  fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_CHUNKS));
  g_clear_error (&error);
  {
    guint8 *huge = g_malloc0 (100001);

    fail_unless_equals_int (gst_peerjs_binarypack_receiver_push (recv, huge,
            100001, 0, &value, &error), GST_PEERJS_RECEIVE_NONE);
    fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
            GST_PEERJS_DATA_ERROR_TOO_BIG));
    g_clear_error (&error);
    g_free (huge);
  }
  /* a message that is not BinaryPack */
  fail_unless_equals_int (push_hex (recv, "dc ffff", 0, &value, &error),
      GST_PEERJS_RECEIVE_NONE);
  fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_TRUNCATED));
  g_clear_error (&error);

  /* still usable: the two in flight complete */
  c1 = chunk_message (10, 1, 2, data, 10);
  c1b = chunk_message (11, 1, 2, data, 10);
  push_error (recv, c1, 0, GST_PEERJS_DATA_ERROR_TRUNCATED);
  push_error (recv, c1b, 0, GST_PEERJS_DATA_ERROR_TRUNCATED);
  g_bytes_unref (c1);
  g_bytes_unref (c1b);
  {
    GstPeerJSBinaryPackSender *sender = gst_peerjs_binarypack_sender_new ();
    GPtrArray *m = gst_peerjs_binarypack_sender_pack (sender, expected, NULL);

    fail_unless_equals_int (m->len, 1);
    push_value (recv, m->pdata[0], expected);
    g_ptr_array_unref (m);
    gst_peerjs_binarypack_sender_free (sender);
  }

  g_variant_unref (expected);
  gst_peerjs_binarypack_receiver_free (recv);
}

GST_END_TEST;

GST_START_TEST (test_receive_timeout)
{
  GstPeerJSBinaryPackReceiver *recv =
      gst_peerjs_binarypack_receiver_new (0, 0, 1000);
  guint8 data[32] = { 0x92, 0x01, 0x02 };
  GVariant *value = NULL;
  GError *error = NULL;
  GBytes *c0, *c1, *c2;

  c0 = chunk_message (1, 0, 3, data, 1);
  c1 = chunk_message (1, 1, 3, data + 1, 1);
  c2 = chunk_message (1, 2, 3, data + 2, 1);

  /* chunks keep a message alive: the timeout counts from the last one */
  fail_unless_equals_int (push (recv, c0, 0, &value, &error),
      GST_PEERJS_RECEIVE_NONE);
  fail_unless_equals_int (push (recv, c1, 900000, &value, &error),
      GST_PEERJS_RECEIVE_NONE);
  fail_unless (error == NULL);
  fail_unless_equals_int (push (recv, c2, 1800000, &value, &error),
      GST_PEERJS_RECEIVE_VALUE);
  fail_unless (error == NULL);
  assert_value (value, "[<int64 1>, <int64 2>]");
  g_clear_pointer (&value, g_variant_unref);

  /* an abandoned message goes at the first push after the timeout */
  g_bytes_unref (c0);
  c0 = chunk_message (2, 0, 3, data, 1);
  fail_unless_equals_int (push (recv, c0, 2000000, &value, &error),
      GST_PEERJS_RECEIVE_NONE);
  fail_unless_equals_int (push_hex (recv, "01", 3000000, &value, &error),
      GST_PEERJS_RECEIVE_VALUE);
  fail_unless (error == NULL);
  g_clear_pointer (&value, g_variant_unref);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      1);
  fail_unless_equals_int (push_hex (recv, "01", 3000001, &value, &error),
      GST_PEERJS_RECEIVE_VALUE);
  g_clear_pointer (&value, g_variant_unref);
  /* ... still there at exactly the timeout, gone just after; reported by
   * the first push that returns NONE, even when it is later */
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      0);
  g_bytes_unref (c1);
  c1 = chunk_message (3, 0, 2, data, 1);
  push_error (recv, c1, 3000002, GST_PEERJS_DATA_ERROR_CHUNKS);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      1);
  /* late chunks of the timed-out message are dropped quietly */
  g_bytes_unref (c2);
  c2 = chunk_message (2, 1, 3, data, 1);
  fail_unless_equals_int (push (recv, c2, 3000003, &value, &error),
      GST_PEERJS_RECEIVE_NONE);
  fail_unless (error == NULL);

  /* expire() without a message */
  fail_unless (gst_peerjs_binarypack_receiver_expire (recv, 3500000, &error));
  fail_if (gst_peerjs_binarypack_receiver_expire (recv, 4000003, &error));
  fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_CHUNKS));
  g_clear_error (&error);
  fail_unless_equals_int (gst_peerjs_binarypack_receiver_get_in_flight (recv),
      0);
  fail_unless (gst_peerjs_binarypack_receiver_expire (recv, 9000000, &error));

  g_bytes_unref (c0);
  g_bytes_unref (c1);
  g_bytes_unref (c2);
  gst_peerjs_binarypack_receiver_free (recv);
}

GST_END_TEST;

static Suite *
binarypack_suite (void)
{
  Suite *s = suite_create ("peerjsbinarypack");
  TCase *tc = tcase_create ("general");

  gst_peerjs_init ();
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_worked_examples);
  tcase_add_test (tc, test_length_prefixes);
  tcase_add_test (tc, test_encode_doubles);
  tcase_add_test (tc, test_encode_any_gvariant);
  tcase_add_test (tc, test_encode_depth);
  tcase_add_test (tc, test_decode_quirks);
  tcase_add_test (tc, test_decode_truncated);
  tcase_add_test (tc, test_decode_bounds);
  tcase_add_test (tc, test_decode_item_limit);
  tcase_add_test (tc, test_decode_random);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_chunking_example);
  tcase_add_test (tc, test_chunking_threshold);
  tcase_add_test (tc, test_receive_in_any_order);
  tcase_add_test (tc, test_receive_close);
  tcase_add_test (tc, test_receive_errors);
  tcase_add_test (tc, test_receive_timeout);

  return s;
}

GST_CHECK_MAIN (binarypack);
