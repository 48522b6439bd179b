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

/* normalize(@input) is @expected */
static void
assert_normalizes (GVariant * input, const gchar * expected)
{
  GError *error = NULL;
  GVariant *norm = gst_peerjs_value_normalize (input, &error);

  fail_unless (norm != NULL, "%s", error ? error->message : "");
  assert_value (norm, expected);
  fail_if (g_variant_is_floating (norm));
  g_variant_unref (norm);
}

static void
assert_json (GVariant * value, const gchar * expected)
{
  gchar *json = gst_peerjs_value_to_json (value);

  fail_unless (json != NULL);
  fail_unless_equals_string (json, expected);
  g_free (json);
}

static void
assert_from_json (const gchar * json, const gchar * expected)
{
  GError *error = NULL;
  GVariant *v = gst_peerjs_value_from_json (json, -1, &error);

  fail_unless (v != NULL, "%s: %s", json, error ? error->message : "");
  assert_value (v, expected);
  g_variant_unref (v);
}

static void
assert_from_json_error (const gchar * json, gssize length, gint code)
{
  GError *error = NULL;
  GVariant *v = gst_peerjs_value_from_json (json, length, &error);

  fail_unless (v == NULL, "parsed bad JSON");
  fail_unless (error != NULL);
  fail_unless (error->domain == GST_PEERJS_DATA_ERROR);
  fail_unless_equals_int (error->code, code);
  g_error_free (error);
}

static void
assert_key (GVariant * value, const gchar * expected)
{
  GVariant *norm = gst_peerjs_value_normalize (value, NULL);
  gchar *key = gst_peerjs_value_to_key (norm);

  fail_unless_equals_string (key, expected);
  g_free (key);
  g_variant_unref (norm);
}

GST_START_TEST (test_serialization_names)
{
  GstPeerJSSerialization ser = GST_PEERJS_SERIALIZATION_JSON;
  GEnumClass *klass;
  const struct
  {
    const gchar *name;
    GstPeerJSSerialization ser;
  } names[] = {
    {"binary", GST_PEERJS_SERIALIZATION_BINARY},
    {"binary-utf8", GST_PEERJS_SERIALIZATION_BINARY},
    {"default", GST_PEERJS_SERIALIZATION_BINARY},
    {"json", GST_PEERJS_SERIALIZATION_JSON},
    {"raw", GST_PEERJS_SERIALIZATION_RAW},
    {"MsgPack", GST_PEERJS_SERIALIZATION_MSGPACK},
    {"msgpack", GST_PEERJS_SERIALIZATION_MSGPACK},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    ser = GST_PEERJS_SERIALIZATION_RAW + 1;
    fail_unless (gst_peerjs_serialization_from_string (names[i].name, &ser));
    fail_unless_equals_int (ser, names[i].ser);
  }
  fail_unless (gst_peerjs_serialization_from_string (NULL, &ser));
  fail_unless_equals_int (ser, GST_PEERJS_SERIALIZATION_BINARY);
  fail_unless (gst_peerjs_serialization_from_string ("json", NULL));

  ser = GST_PEERJS_SERIALIZATION_JSON;
  fail_if (gst_peerjs_serialization_from_string ("JSON", &ser));
  fail_if (gst_peerjs_serialization_from_string ("", &ser));
  fail_if (gst_peerjs_serialization_from_string ("utf8", &ser));
  fail_unless_equals_int (ser, GST_PEERJS_SERIALIZATION_JSON);

  fail_unless_equals_string (gst_peerjs_serialization_to_string
      (GST_PEERJS_SERIALIZATION_BINARY), "binary");
  fail_unless_equals_string (gst_peerjs_serialization_to_string
      (GST_PEERJS_SERIALIZATION_JSON), "json");
  fail_unless_equals_string (gst_peerjs_serialization_to_string
      (GST_PEERJS_SERIALIZATION_RAW), "raw");
  fail_unless_equals_string (gst_peerjs_serialization_to_string
      (GST_PEERJS_SERIALIZATION_MSGPACK), "MsgPack");
  fail_unless (gst_peerjs_serialization_to_string (42) == NULL);

  /* the enum types carry the wire names */
  klass = g_type_class_ref (GST_TYPE_PEERJS_SERIALIZATION);
  fail_unless_equals_string (g_enum_get_value (klass,
          GST_PEERJS_SERIALIZATION_MSGPACK)->value_nick, "MsgPack");
  g_type_class_unref (klass);
  klass = g_type_class_ref (GST_TYPE_PEERJS_DATA_ERROR);
  fail_unless_equals_string (g_enum_get_value (klass,
          GST_PEERJS_DATA_ERROR_TOO_BIG)->value_nick, "too-big");
  fail_unless_equals_int (klass->n_values, 5);
  g_type_class_unref (klass);
  fail_unless_equals_string (g_quark_to_string (GST_PEERJS_DATA_ERROR),
      "gst-peerjs-data-error-quark");
}

GST_END_TEST;

GST_START_TEST (test_new_number)
{
  struct
  {
    gdouble d;
    const gchar *expected;
  } cases[] = {
    {0.0, "int64 0"},
    {-0.0, "int64 0"},
    {1.0, "int64 1"},
    {-1e18, "int64 -1000000000000000000"},
    {-9223372036854775808.0, "int64 -9223372036854775808"},
    {9223372036854775808.0, "uint64 9223372036854775808"},
    {18446744073709549568.0, "uint64 18446744073709549568"},
    {18446744073709551616.0, "1.8446744073709552e+19"},
    {-1e19, "-1e19"},
    {1.5, "1.5"},
    {-0.1, "-0.1"},
    {INFINITY, "inf"},
    {-INFINITY, "-inf"},
  };
  GVariant *v;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    v = gst_peerjs_value_new_number (cases[i].d);
    fail_if (g_variant_is_floating (v));
    assert_value (v, cases[i].expected);
    g_variant_unref (v);
  }
  v = gst_peerjs_value_new_number (NAN);
  fail_unless (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE));
  fail_unless (isnan (g_variant_get_double (v)));
  g_variant_unref (v);
}

GST_END_TEST;

GST_START_TEST (test_new_string_lenient)
{
  GVariant *v;

  v = gst_peerjs_value_new_string_lenient ("héllo", strlen ("héllo"));
  assert_value (v, "'héllo'");
  g_variant_unref (v);
  v = gst_peerjs_value_new_string_lenient ("a\xff" "b\xc3", 4);
  assert_value (v, "'a\\ufffdb\\ufffd'");
  g_variant_unref (v);
  v = gst_peerjs_value_new_string_lenient ("a\0b", 3);
  assert_value (v, "'a\\ufffdb'");
  g_variant_unref (v);
  v = gst_peerjs_value_new_string_lenient ("abc", 0);
  assert_value (v, "''");
  g_variant_unref (v);
  v = gst_peerjs_value_new_string_lenient ("abc", 2);
  assert_value (v, "'ab'");
  g_variant_unref (v);
}

GST_END_TEST;

GST_START_TEST (test_normalize)
{
  GVariant *model, *norm, *floating;
  GVariantBuilder b;

  /* basic types */
  assert_normalizes (g_variant_new_boolean (TRUE), "true");
  assert_normalizes (g_variant_new_byte (200), "int64 200");
  assert_normalizes (g_variant_new_int16 (-2), "int64 -2");
  assert_normalizes (g_variant_new_uint16 (65535), "int64 65535");
  assert_normalizes (g_variant_new_int32 (G_MININT32), "int64 -2147483648");
  assert_normalizes (g_variant_new_uint32 (G_MAXUINT32), "int64 4294967295");
  assert_normalizes (g_variant_new_handle (4), "int64 4");
  assert_normalizes (g_variant_new_uint64 (G_MAXINT64),
      "int64 9223372036854775807");
  assert_normalizes (g_variant_new_uint64 (G_MAXUINT64),
      "uint64 18446744073709551615");
  assert_normalizes (g_variant_new_double (2.0), "int64 2");
  assert_normalizes (g_variant_new_double (-0.0), "int64 0");
  assert_normalizes (g_variant_new_double (2.5), "2.5");
  assert_normalizes (g_variant_new_double (1e20), "1e20");
  assert_normalizes (g_variant_new_object_path ("/x/y"), "'/x/y'");
  assert_normalizes (g_variant_new_signature ("a{sv}"), "'a{sv}'");

  /* containers */
  assert_normalizes (value_of ("(1, 'a', [true])"),
      "[<int64 1>, <'a'>, <[<true>]>]");
  assert_normalizes (value_of ("()"), "@av []");
  assert_normalizes (value_of ("@as []"), "@av []");
  assert_normalizes (value_of ("@a{sv} {}"), "@a{sv} {}");
  assert_normalizes (value_of ("{'a': 1, 'b': 2}"),
      "{'a': <int64 1>, 'b': <int64 2>}");
  assert_normalizes (value_of ("{'x': <{'y': <(1, 2)>}>}"),
      "{'x': <{'y': <[<int64 1>, <int64 2>]>}>}");
  assert_normalizes (value_of ("{1: 'a', -2: 'b'}"),
      "{'1': <'a'>, '-2': <'b'>}");
  assert_normalizes (value_of ("{false: 0}"), "{'false': <int64 0>}");
  assert_normalizes (value_of ("{2.0: 0, 0.5: 1}"),
      "{'2': <int64 0>, '0.5': <int64 1>}");
  assert_normalizes (value_of ("{objectpath '/p': 0}"), "{'/p': <int64 0>}");
  assert_normalizes (value_of ("@aay [[1], [2, 3]]"),
      "[<@ay [1]>, <@ay [2, 3]>]");
  assert_normalizes (value_of ("@ay [1, 2]"), "@ay [1, 2]");

  /* variants and maybes */
  assert_normalizes (value_of ("<<<int16 1>>>"), "int64 1");
  assert_normalizes (value_of ("[<<1>>, <@mi nothing>]"),
      "[<int64 1>, <@mv nothing>]");
  assert_normalizes (value_of ("@ms nothing"), "@mv nothing");
  assert_normalizes (value_of ("@ms just 'x'"), "'x'");
  assert_normalizes (value_of ("@mmb just nothing"), "@mv nothing");
  assert_normalizes (value_of ("@mv nothing"), "@mv nothing");
  assert_normalizes (value_of ("@mv just <@mv just <7>>"), "int64 7");

  /* a value in the model comes back as itself */
  model = parse ("{'a': <[<int64 1>, <'x'>, <@ay [1]>, <@mv nothing>]>, "
      "'b': <{'c': <2.5>}>}");
  norm = gst_peerjs_value_normalize (model, NULL);
  fail_unless (norm == model);
  g_variant_unref (norm);
  g_variant_unref (model);
  model = parse ("uint64 18446744073709551615");
  norm = gst_peerjs_value_normalize (model, NULL);
  fail_unless (norm == model);
  g_variant_unref (norm);
  g_variant_unref (model);

  /* a floating reference is consumed; the result is a full one */
  floating = g_variant_new_int32 (3);
  norm = gst_peerjs_value_normalize (floating, NULL);
  fail_if (g_variant_is_floating (norm));
  assert_value (norm, "int64 3");
  g_variant_unref (norm);

  /* a chain of a thousand variants is no recursion */
  floating = g_variant_new_int32 (9);
  {
    guint i;

    for (i = 0; i < 1000; i++)
      floating = g_variant_new_variant (floating);
  }
  assert_normalizes (floating, "int64 9");

  /* a repeated dictionary key: first position, last value */
  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{ii}"));
  g_variant_builder_add (&b, "{ii}", 1, 10);
  g_variant_builder_add (&b, "{ii}", 2, 20);
  g_variant_builder_add (&b, "{ii}", 1, 30);
  assert_normalizes (g_variant_builder_end (&b),
      "{'1': <int64 30>, '2': <int64 20>}");
}

GST_END_TEST;

static GVariant *
nested (guint depth, gboolean maps)
{
  GVariant *v = g_variant_new_string ("leaf");
  guint i;

  for (i = 0; i < depth; i++) {
    if (maps) {
      GVariantBuilder b;

      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&b, "{sv}", "k", v);
      v = g_variant_builder_end (&b);
    } else {
      GVariant *child = g_variant_new_variant (v);

      v = g_variant_new_array (G_VARIANT_TYPE_VARIANT, &child, 1);
    }
  }
  return v;
}

GST_START_TEST (test_normalize_depth)
{
  GError *error = NULL;
  GVariant *v;
  gchar *json;

  v = gst_peerjs_value_normalize (nested (32, FALSE), &error);
  fail_unless (v != NULL);
  g_variant_unref (v);
  v = gst_peerjs_value_normalize (nested (32, TRUE), &error);
  fail_unless (v != NULL);
  /* the deepest value survives serialization: GLib reads serialized data
   * only 128 containers deep, replacing what is deeper with () */
  {
    gchar *before = g_variant_print (v, FALSE);
    GVariant *copy = g_variant_new_from_data (g_variant_get_type (v),
        g_variant_get_data (v), g_variant_get_size (v), FALSE, NULL, NULL);
    gchar *after = g_variant_print (copy, FALSE);

    fail_unless (strstr (before, "'leaf'") != NULL);
    fail_unless_equals_string (after, before);
    g_free (before);
    g_free (after);
    g_variant_unref (g_variant_ref_sink (copy));
  }
  g_variant_unref (v);

  v = gst_peerjs_value_normalize (nested (33, FALSE), &error);
  fail_unless (v == NULL);
  fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_TOO_BIG));
  g_clear_error (&error);
  v = gst_peerjs_value_normalize (nested (33, TRUE), &error);
  fail_unless (v == NULL);
  fail_unless (g_error_matches (error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_TOO_BIG));
  g_clear_error (&error);

  json = gst_peerjs_value_to_json (nested (33, FALSE));
  fail_unless (json == NULL);
  json = gst_peerjs_value_to_json (nested (32, FALSE));
  fail_unless (json != NULL);
  g_free (json);
}

GST_END_TEST;

GST_START_TEST (test_keys)
{
  assert_key (g_variant_new_string ("k"), "k");
  assert_key (g_variant_new_int32 (-7), "-7");
  assert_key (g_variant_new_uint64 (G_MAXUINT64), "18446744073709551615");
  assert_key (value_of ("@mv nothing"), "null");
  assert_key (g_variant_new_boolean (FALSE), "false");
  assert_key (value_of ("@ay [1]"), "[object ArrayBuffer]");
  assert_key (value_of ("{'a': 1}"), "[object Object]");
  assert_key (value_of ("[<1>, <@mv nothing>, <'a'>, <[<2>, <3>]>]"),
      "1,,a,2,3");
  assert_key (value_of ("@av []"), "");

  /* numbers the way JavaScript writes them */
  assert_key (g_variant_new_double (1.5), "1.5");
  assert_key (g_variant_new_double (-0.5), "-0.5");
  assert_key (g_variant_new_double (0.1), "0.1");
  assert_key (g_variant_new_double (123.456), "123.456");
  assert_key (g_variant_new_double (1e21), "1e+21");
  assert_key (g_variant_new_double (1.5e300), "1.5e+300");
  assert_key (g_variant_new_double (1e20), "100000000000000000000");
  assert_key (g_variant_new_double (1e-7), "1e-7");
  assert_key (g_variant_new_double (1.25e-7), "1.25e-7");
  assert_key (g_variant_new_double (0.000001), "0.000001");
  assert_key (g_variant_new_double (0.0000015), "0.0000015");
  assert_key (g_variant_new_double (5e-324), "5e-324");
  assert_key (g_variant_new_double (1.7976931348623157e308),
      "1.7976931348623157e+308");
  assert_key (g_variant_new_double (ldexp (1, 70)), "1.1805916207174113e+21");
  assert_key (g_variant_new_double (NAN), "NaN");
  assert_key (g_variant_new_double (INFINITY), "Infinity");
  assert_key (g_variant_new_double (-INFINITY), "-Infinity");
  assert_key (g_variant_new_double (-0.0), "0");
}

GST_END_TEST;

GST_START_TEST (test_to_json)
{
  assert_json (value_of
      ("{'a': <int64 1>, 'b': <[<1.5>, <@mv nothing>, <true>, " "<'x'>]>}"),
      "{\"a\":1,\"b\":[1.5,null,true,\"x\"]}");
  assert_json (value_of ("@ay [1, 2, 255]"), "[1,2,255]");
  assert_json (value_of ("@av []"), "[]");
  assert_json (value_of ("@a{sv} {}"), "{}");
  assert_json (value_of ("@mv nothing"), "null");
  assert_json (g_variant_new_double (2.0), "2");
  assert_json (g_variant_new_double (-0.0), "0");
  assert_json (g_variant_new_double (NAN), "null");
  assert_json (g_variant_new_double (INFINITY), "null");
  assert_json (g_variant_new_double (-INFINITY), "null");
  assert_json (value_of ("[<nan>, <2.5>]"), "[null,2.5]");
  assert_json (g_variant_new_int64 (G_MININT64), "-9223372036854775808");
  assert_json (g_variant_new_string ("q\"\\\n\x01é😀"),
      "\"q\\\"\\\\\\n\\u0001é😀\"");
  assert_json (value_of ("('a', {1: true})"), "[\"a\",{\"1\":true}]");
  {
    GVariant *close = gst_peerjs_value_new_close ();

    assert_json (close, "{\"__peerData\":{\"type\":\"close\"}}");
    g_variant_unref (close);
  }
}

GST_END_TEST;

/* Numbers json-glib 1.6 alone would write as "1e-10.0" or "1e+19.0" */
GST_START_TEST (test_to_json_numbers)
{
  const gdouble numbers[] = { 0.1, 1e-10, 1e-100, 1e-300, -1e-7, 2e-9,
    1e19, 1e20, 1e22, -3e21, 1e300, 5e-324, 1.7976931348623157e308,
    18446744073709551615.0, 9223372036854775808.0, 123456789.123,
    ldexp (1, -30), 1.5e-10,
  };
  guint i;

  assert_json (g_variant_new_double (1e-10), "1e-10");
  assert_json (g_variant_new_double (-1e-300), "-1e-300");
  assert_json (g_variant_new_double (1e19), "1e+19");
  assert_json (g_variant_new_double (1.5e-10), "1.5e-10");
  assert_json (value_of ("{'1e-10.0': <1e-10>}"), "{\"1e-10.0\":1e-10}");
  assert_json (value_of ("('\\\"1e-10.0', 1e22)"), "[\"\\\"1e-10.0\",1e+22]");

  for (i = 0; i < G_N_ELEMENTS (numbers); i++) {
    GVariant *v = g_variant_ref_sink (g_variant_new_double (numbers[i]));
    gchar *json = gst_peerjs_value_to_json (v);
    GError *error = NULL;
    GVariant *back;
    gdouble d;

    /* valid JSON of the very same number */
    back = gst_peerjs_value_from_json (json, -1, &error);
    fail_unless (back != NULL, "%s: %s", json, error ? error->message : "");
    d = g_variant_is_of_type (back, G_VARIANT_TYPE_DOUBLE) ?
        g_variant_get_double (back) : g_variant_is_of_type (back,
        G_VARIANT_TYPE_UINT64) ? (gdouble) g_variant_get_uint64 (back) :
        (gdouble) g_variant_get_int64 (back);
    fail_unless (d == numbers[i], "%s for %.17g", json, numbers[i]);
    fail_if (strstr (json, ".0") != NULL && strchr (json, 'e') != NULL
        && strchr (json, 'e') < strstr (json, ".0"), "%s", json);
    GST_INFO ("%.17g -> %s", numbers[i], json);
    g_free (json);
    g_variant_unref (back);
    g_variant_unref (v);
  }
}

GST_END_TEST;

GST_START_TEST (test_from_json)
{
  assert_from_json ("{\"a\":1,\"b\":[1.5,null,true,\"x\"],\"c\":{}}",
      "{'a': <int64 1>, 'b': <[<1.5>, <@mv nothing>, <true>, <'x'>]>, "
      "'c': <@a{sv} {}>}");
  assert_from_json ("null", "@mv nothing");
  assert_from_json ("false", "false");
  assert_from_json (" \"s\" ", "'s'");
  assert_from_json ("[]", "@av []");
  /* integral numbers are integers, whatever the notation */
  assert_from_json ("[1.0, 1e3, -0, -0.0, 2.5e0]",
      "[<int64 1>, <int64 1000>, <int64 0>, <int64 0>, <2.5>]");
  /* integers beyond 2^53 read like JSON.parse reads them: the nearest
   * double */
  assert_from_json ("9007199254740991", "int64 9007199254740991");
  assert_from_json ("-9007199254740991", "int64 -9007199254740991");
  assert_from_json ("9007199254740993", "int64 9007199254740992");
  assert_from_json ("4611686018427388000", "int64 4611686018427387904");
  assert_from_json ("9223372036854775807", "uint64 9223372036854775808");
  assert_from_json ("-9223372036854775808", "int64 -9223372036854775808");
  assert_from_json ("9223372036854775808", "uint64 9223372036854775808");
  assert_from_json ("[-9223372036854775809]", "[<int64 -9223372036854775808>]");
  assert_from_json ("100000000000000000000", "1e20");
  assert_from_json ("{\"x\":123456789012345678901234567890}",
      "{'x': <1.2345678901234568e29>}");
  /* escapes; \u0000 becomes U+FFFD as in the other decoders */
  assert_from_json ("\"a\\u0000b\\u00e9\\ud83d\\ude00\\\"\\\\\"",
      "'a\\ufffdbé😀\"\\\\'");
  assert_from_json ("\"\\\\u0000\"", "'\\\\u0000'");
  assert_from_json ("{\"\\u0000\":1}", "{'\\ufffd': <int64 1>}");
  /* a repeated key: the first position, the last value (JSON.parse) */
  assert_from_json ("{\"a\":1,\"b\":2,\"a\":3}",
      "{'a': <int64 3>, 'b': <int64 2>}");
  /* key order is kept */
  assert_from_json ("{\"z\":1,\"a\":2}", "{'z': <int64 1>, 'a': <int64 2>}");
  /* @length */
  {
    GVariant *v = gst_peerjs_value_from_json ("[1,2]garbage", 5, NULL);

    assert_value (v, "[<int64 1>, <int64 2>]");
    g_variant_unref (v);
  }
}

GST_END_TEST;

GST_START_TEST (test_from_json_errors)
{
  GString *deep = g_string_new (NULL);
  guint i;

  assert_from_json_error ("", -1, GST_PEERJS_DATA_ERROR_MALFORMED);
  assert_from_json_error ("   ", -1, GST_PEERJS_DATA_ERROR_MALFORMED);
  assert_from_json_error ("{", -1, GST_PEERJS_DATA_ERROR_MALFORMED);
  assert_from_json_error ("[1,]x", -1, GST_PEERJS_DATA_ERROR_MALFORMED);
  assert_from_json_error ("\"unterminated", -1,
      GST_PEERJS_DATA_ERROR_MALFORMED);
  assert_from_json_error ("[1]\0[2]", 7, GST_PEERJS_DATA_ERROR_MALFORMED);
  assert_from_json_error ("\"a\0b\"", 5, GST_PEERJS_DATA_ERROR_MALFORMED);

  /* 32 levels parse, 33 do not; a million fail without recursing */
  for (i = 0; i < 32; i++)
    g_string_append_c (deep, '[');
  for (i = 0; i < 32; i++)
    g_string_append_c (deep, ']');
  {
    GVariant *v = gst_peerjs_value_from_json (deep->str, -1, NULL);

    fail_unless (v != NULL);
    g_variant_unref (v);
  }
  g_string_prepend_c (deep, '{');
  g_string_prepend (deep, "{\"a\":");
  assert_from_json_error (deep->str, -1, GST_PEERJS_DATA_ERROR_TOO_BIG);
  g_string_truncate (deep, 0);
  for (i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  assert_from_json_error (deep->str, -1, GST_PEERJS_DATA_ERROR_TOO_BIG);
  /* brackets in strings do not count */
  g_string_assign (deep, "\"");
  for (i = 0; i < 1000; i++)
    g_string_append (deep, "[{");
  g_string_append_c (deep, '"');
  {
    GVariant *v = gst_peerjs_value_from_json (deep->str, -1, NULL);

    fail_unless (v != NULL);
    g_variant_unref (v);
  }
  g_string_free (deep, TRUE);
}

GST_END_TEST;

GST_START_TEST (test_json_round_trip)
{
  const gchar *values[] = {
    "{'a': <int64 1>, 'b': <[<1.5>, <@mv nothing>, <true>, <'x'>]>}",
    "[<int64 -9223372036854775808>, <int64 9007199254740991>, "
        "<int64 4611686018427387904>, <uint64 18446744073709549568>]",
    "[<0.1>, <-1e-300>, <1.7976931348623157e308>, <123456.789>]",
    "{'': <''>, 'é😀': <'\\u0001\\n\"'>, 'deep': <[<[<{'x': <false>}>]>]>}",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (values); i++) {
    gchar *json = gst_peerjs_value_to_json (value_of (values[i]));
    GVariant *back = gst_peerjs_value_from_json (json, -1, NULL);

    GST_INFO ("%s", json);
    assert_value (back, values[i]);
    g_variant_unref (back);
    g_free (json);
  }
}

GST_END_TEST;

GST_START_TEST (test_close)
{
  GVariant *close = gst_peerjs_value_new_close ();
  GVariant *v;

  fail_if (g_variant_is_floating (close));
  assert_value (close, "{'__peerData': <{'type': <'close'>}>}");
  fail_unless (gst_peerjs_value_is_close (close));
  g_variant_unref (close);

  v = parse ("{'__peerData': <{'type': <'close'>, 'x': <1>}>, 'y': <2>}");
  fail_unless (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
  /* other shapes of the same value */
  v = parse ("{'__peerData': {'type': 'close'}}");
  fail_unless (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
  v = parse ("<{'__peerData': <{'type': <<'close'>>}>}>");
  fail_unless (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
  /* a floating one is not consumed */
  v = g_variant_new_parsed ("{'__peerData': <{'type': <'close'>}>}");
  fail_unless (gst_peerjs_value_is_close (v));
  fail_unless (g_variant_is_floating (v));
  g_variant_unref (g_variant_ref_sink (v));

  v = parse ("{'__peerData': <{'type': <'open'>}>}");
  fail_if (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
  v = parse ("{'__peerData': <'close'>}");
  fail_if (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
  v = parse ("{'type': <'close'>}");
  fail_if (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
  v = parse ("{'__peerData': <{'type': <@ay [99]>}>}");
  fail_if (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
  v = parse ("'close'");
  fail_if (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
  v = parse ("[<'close'>]");
  fail_if (gst_peerjs_value_is_close (v));
  g_variant_unref (v);
}

GST_END_TEST;

GST_START_TEST (test_is_binary)
{
  GVariant *v = parse ("@ay [1, 2]");

  fail_unless (gst_peerjs_value_is_binary (v));
  g_variant_unref (v);
  v = parse ("@ay []");
  fail_unless (gst_peerjs_value_is_binary (v));
  g_variant_unref (v);
  v = parse ("[<byte 1>]");
  fail_if (gst_peerjs_value_is_binary (v));
  g_variant_unref (v);
  v = parse ("'ab'");
  fail_if (gst_peerjs_value_is_binary (v));
  g_variant_unref (v);
  v = gst_peerjs_value_new_null ();
  fail_if (gst_peerjs_value_is_binary (v));
  fail_if (g_variant_is_floating (v));
  assert_value (v, "@mv nothing");
  g_variant_unref (v);
}

GST_END_TEST;

static Suite *
value_suite (void)
{
  Suite *s = suite_create ("peerjsvalue");
  TCase *tc = tcase_create ("general");

  gst_peerjs_init ();
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_serialization_names);
  tcase_add_test (tc, test_new_number);
  tcase_add_test (tc, test_new_string_lenient);
  tcase_add_test (tc, test_normalize);
  tcase_add_test (tc, test_normalize_depth);
  tcase_add_test (tc, test_keys);
  tcase_add_test (tc, test_to_json);
  tcase_add_test (tc, test_to_json_numbers);
  tcase_add_test (tc, test_from_json);
  tcase_add_test (tc, test_from_json_errors);
  tcase_add_test (tc, test_json_round_trip);
  tcase_add_test (tc, test_close);
  tcase_add_test (tc, test_is_binary);

  return s;
}

GST_CHECK_MAIN (value);
