/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* peerjs-codec: the data codecs of libgstpeerjs on stdin/stdout, one line
 * in, one line out, for tests/interop/codec-vectors.test.mjs to compare
 * with the JavaScript libraries.
 *
 *   peerjs-codec decode binary    hex → {"value":T,"consumed":N}
 *   peerjs-codec decode msgpack   hex pieces separated by spaces, pushed one
 *                                 by one → {"values":[T...],"buffered":N}
 *   peerjs-codec decode json      JSON text → {"value":T}
 *   peerjs-codec encode binary    T → {"hex":"..."}
 *   peerjs-codec encode msgpack   T → {"hex":"..."}
 *   peerjs-codec encode json      T → {"json":"..."}
 *   peerjs-codec chunks           T → {"messages":["hex",...]} (one sender
 *                                 for all lines, so chunk ids go up)
 *   peerjs-codec receive          hex messages separated by spaces, into a
 *                                 fresh receiver → {"results":[R...]}, R one
 *                                 of {"value":T}, {"close":true},
 *                                 {"none":true}, {"error":"code"}
 *
 * Failures are {"error":"<GstPeerJSDataError nick>","message":"..."}.
 *
 * T, a value with its type, is a JSON array: ["null"], ["bool",true],
 * ["int","-5"], ["uint","18446744073709551615"], ["double","1.5"] (also
 * "NaN", "Infinity", "-Infinity", "-0"), ["str","..."], ["bin","00ff"],
 * ["arr",[T...]], ["map",[["key",T]...]], and as input only
 * ["gvariant","<GVariant text>"] for any GVariant.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <gst/peerjs/peerjs.h>

/* Typed values out */

static void
build_typed (JsonBuilder * b, GVariant * v)
{
  const gchar *type = g_variant_get_type_string (v);
  gsize i, n;

  json_builder_begin_array (b);
  switch (type[0]) {
    case 'b':
      json_builder_add_string_value (b, "bool");
      json_builder_add_boolean_value (b, g_variant_get_boolean (v));
      break;
    case 'x':{
      gchar *s = g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (v));

      json_builder_add_string_value (b, "int");
      json_builder_add_string_value (b, s);
      g_free (s);
      break;
    }
    case 't':{
      gchar *s = g_strdup_printf ("%" G_GUINT64_FORMAT,
          g_variant_get_uint64 (v));

      json_builder_add_string_value (b, "uint");
      json_builder_add_string_value (b, s);
      g_free (s);
      break;
    }
    case 'd':{
      gdouble d = g_variant_get_double (v);
      gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

      json_builder_add_string_value (b, "double");
      if (isnan (d))
        json_builder_add_string_value (b, "NaN");
      else if (isinf (d))
        json_builder_add_string_value (b, d > 0 ? "Infinity" : "-Infinity");
      else
        json_builder_add_string_value (b, g_ascii_formatd (buf, sizeof (buf),
                "%.17g", d));
      break;
    }
    case 's':
      json_builder_add_string_value (b, "str");
      json_builder_add_string_value (b, g_variant_get_string (v, NULL));
      break;
    case 'a':
      if (g_str_equal (type, "ay")) {
        const guint8 *bytes = g_variant_get_fixed_array (v, &n, 1);
        GString *hex = g_string_sized_new (2 * n + 1);

        for (i = 0; i < n; i++)
          g_string_append_printf (hex, "%02x", bytes[i]);
        json_builder_add_string_value (b, "bin");
        json_builder_add_string_value (b, hex->str);
        g_string_free (hex, TRUE);
      } else if (g_str_equal (type, "av")) {
        json_builder_add_string_value (b, "arr");
        json_builder_begin_array (b);
        n = g_variant_n_children (v);
        for (i = 0; i < n; i++) {
          GVariant *child = g_variant_get_child_value (v, i);
          GVariant *inner = g_variant_get_variant (child);

          build_typed (b, inner);
          g_variant_unref (inner);
          g_variant_unref (child);
        }
        json_builder_end_array (b);
      } else {
        json_builder_add_string_value (b, "map");
        json_builder_begin_array (b);
        n = g_variant_n_children (v);
        for (i = 0; i < n; i++) {
          const gchar *key;
          GVariant *inner;

          g_variant_get_child (v, i, "{&sv}", &key, &inner);
          json_builder_begin_array (b);
          json_builder_add_string_value (b, key);
          build_typed (b, inner);
          json_builder_end_array (b);
          g_variant_unref (inner);
        }
        json_builder_end_array (b);
      }
      break;
    default:
      json_builder_add_string_value (b, "null");
      break;
  }
  json_builder_end_array (b);
}

static void
print_builder (JsonBuilder * b)
{
  JsonNode *root = json_builder_get_root (b);
  gchar *text = json_to_string (root, FALSE);

  printf ("%s\n", text);
  fflush (stdout);
  g_free (text);
  json_node_unref (root);
}

static void
add_error (JsonBuilder * b, const GError * error)
{
  GEnumClass *klass = g_type_class_ref (GST_TYPE_PEERJS_DATA_ERROR);
  GEnumValue *ev = g_enum_get_value (klass, error->code);

  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, ev && error->domain ==
      GST_PEERJS_DATA_ERROR ? ev->value_nick : "other");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, error->message);
  g_type_class_unref (klass);
}

static void
print_error (const GError * error)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  add_error (b, error);
  json_builder_end_object (b);
  print_builder (b);
  g_object_unref (b);
}

static gchar *
to_hex (GBytes * bytes)
{
  gsize i, n;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  GString *hex = g_string_sized_new (2 * n + 1);

  for (i = 0; i < n; i++)
    g_string_append_printf (hex, "%02x", data[i]);
  return g_string_free (hex, FALSE);
}

static GBytes *
from_hex (const gchar * hex)
{
  gsize i, n = strlen (hex);
  GByteArray *out = g_byte_array_sized_new (n / 2);

  for (i = 0; i + 1 < n; i += 2) {
    gint hi = g_ascii_xdigit_value (hex[i]);
    gint lo = g_ascii_xdigit_value (hex[i + 1]);
    guint8 byte;

    if (hi < 0 || lo < 0)
      break;
    byte = (guint8) (hi << 4 | lo);
    g_byte_array_append (out, &byte, 1);
  }
  return g_byte_array_free_to_bytes (out);
}

/* Typed values in */

static GVariant *
parse_typed (JsonNode * node, GError ** error)
{
  JsonArray *a;
  const gchar *tag;
  JsonNode *arg;

  if (!JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (json_node_get_array (node)) < 1)
    goto bad;
  a = json_node_get_array (node);
  tag = json_array_get_string_element (a, 0);
  if (tag == NULL)
    goto bad;
  if (g_str_equal (tag, "null"))
    return g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL);
  if (json_array_get_length (a) < 2)
    goto bad;
  arg = json_array_get_element (a, 1);

  if (g_str_equal (tag, "bool"))
    return g_variant_new_boolean (json_node_get_boolean (arg));
  if (g_str_equal (tag, "int"))
    return g_variant_new_int64 (g_ascii_strtoll (json_node_get_string (arg),
            NULL, 10));
  if (g_str_equal (tag, "uint"))
    return g_variant_new_uint64 (g_ascii_strtoull (json_node_get_string (arg),
            NULL, 10));
  if (g_str_equal (tag, "double"))
    return g_variant_new_double (g_ascii_strtod (json_node_get_string (arg),
            NULL));
  if (g_str_equal (tag, "str"))
    return g_variant_new_string (json_node_get_string (arg));
  if (g_str_equal (tag, "bin")) {
    GBytes *bytes = from_hex (json_node_get_string (arg));
    GVariant *v = g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes,
        TRUE);

    g_bytes_unref (bytes);
    return v;
  }
  if (g_str_equal (tag, "gvariant"))
    return g_variant_parse (NULL, json_node_get_string (arg), NULL, NULL,
        error);
  if (g_str_equal (tag, "arr")) {
    JsonArray *items = json_node_get_array (arg);
    GVariantBuilder builder;
    guint i;

    g_variant_builder_init (&builder, G_VARIANT_TYPE ("av"));
    for (i = 0; i < json_array_get_length (items); i++) {
      GVariant *item = parse_typed (json_array_get_element (items, i), error);

      if (item == NULL) {
        g_variant_builder_clear (&builder);
        return NULL;
      }
      g_variant_take_ref (item);
      g_variant_builder_add (&builder, "v", item);
      g_variant_unref (item);
    }
    return g_variant_builder_end (&builder);
  }
  if (g_str_equal (tag, "map")) {
    JsonArray *pairs = json_node_get_array (arg);
    GVariantBuilder builder;
    guint i;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    for (i = 0; i < json_array_get_length (pairs); i++) {
      JsonArray *pair = json_array_get_array_element (pairs, i);
      GVariant *item = parse_typed (json_array_get_element (pair, 1), error);

      if (item == NULL) {
        g_variant_builder_clear (&builder);
        return NULL;
      }
      g_variant_take_ref (item);
      g_variant_builder_add (&builder, "{sv}",
          json_array_get_string_element (pair, 0), item);
      g_variant_unref (item);
    }
    return g_variant_builder_end (&builder);
  }

bad:
  g_set_error_literal (error, GST_PEERJS_DATA_ERROR,
      GST_PEERJS_DATA_ERROR_MALFORMED, "not a typed value");
  return NULL;
}

static GVariant *
parse_typed_line (const gchar * line, GError ** error)
{
  JsonParser *parser = json_parser_new ();
  GVariant *v = NULL;

  if (json_parser_load_from_data (parser, line, -1, error))
    v = parse_typed (json_parser_get_root (parser), error);
  g_object_unref (parser);
  /* a full reference: g_variant_parse() gives one, the others float */
  return v ? g_variant_take_ref (v) : NULL;
}

/* Commands, one line each */

static void
decode_binary (const gchar * line)
{
  GBytes *bytes = from_hex (line);
  GError *error = NULL;
  gsize consumed = 0;
  GVariant *v;

  v = gst_peerjs_binarypack_decode (g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes), &consumed, &error);
  if (v) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "value");
    build_typed (b, v);
    json_builder_set_member_name (b, "consumed");
    json_builder_add_int_value (b, consumed);
    json_builder_end_object (b);
    print_builder (b);
    g_object_unref (b);
    g_variant_unref (v);
  } else {
    print_error (error);
    g_clear_error (&error);
  }
  g_bytes_unref (bytes);
}

static void
decode_msgpack (const gchar * line)
{
  GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (0);
  gchar **pieces = g_strsplit (line, " ", -1);
  JsonBuilder *b = json_builder_new ();
  GError *error = NULL;
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "values");
  json_builder_begin_array (b);
  for (i = 0; pieces[i] && error == NULL; i++) {
    GBytes *bytes = from_hex (pieces[i]);
    GVariant *v;

    gst_peerjs_msgpack_reader_push (reader, g_bytes_get_data (bytes, NULL),
        g_bytes_get_size (bytes));
    while ((v = gst_peerjs_msgpack_reader_pop (reader, &error))) {
      build_typed (b, v);
      g_variant_unref (v);
    }
    g_bytes_unref (bytes);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "buffered");
  json_builder_add_int_value (b,
      gst_peerjs_msgpack_reader_get_buffered (reader));
  if (error)
    add_error (b, error);
  json_builder_end_object (b);
  print_builder (b);

  g_clear_error (&error);
  g_object_unref (b);
  g_strfreev (pieces);
  gst_peerjs_msgpack_reader_free (reader);
}

static void
decode_json (const gchar * line)
{
  GError *error = NULL;
  GVariant *v = gst_peerjs_value_from_json (line, -1, &error);

  if (v) {
    JsonBuilder *b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "value");
    build_typed (b, v);
    json_builder_end_object (b);
    print_builder (b);
    g_object_unref (b);
    g_variant_unref (v);
  } else {
    print_error (error);
    g_clear_error (&error);
  }
}

static void
encode (const gchar * line, GstPeerJSSerialization ser)
{
  GError *error = NULL;
  GVariant *v = parse_typed_line (line, &error);
  GBytes *bytes = NULL;
  gchar *json = NULL;
  JsonBuilder *b;

  if (v == NULL) {
    print_error (error);
    g_clear_error (&error);
    return;
  }

  if (ser == GST_PEERJS_SERIALIZATION_JSON) {
    json = gst_peerjs_value_to_json (v);
    if (json == NULL)
      g_set_error_literal (&error, GST_PEERJS_DATA_ERROR,
          GST_PEERJS_DATA_ERROR_TOO_BIG, "no JSON for it");
  } else if (ser == GST_PEERJS_SERIALIZATION_MSGPACK) {
    bytes = gst_peerjs_msgpack_encode (v, &error);
  } else {
    bytes = gst_peerjs_binarypack_encode (v, &error);
  }

  g_variant_unref (v);
  if (error) {
    print_error (error);
    g_clear_error (&error);
    return;
  }

  b = json_builder_new ();
  json_builder_begin_object (b);
  if (json) {
    json_builder_set_member_name (b, "json");
    json_builder_add_string_value (b, json);
  } else {
    gchar *hex = to_hex (bytes);

    json_builder_set_member_name (b, "hex");
    json_builder_add_string_value (b, hex);
    g_free (hex);
  }
  json_builder_end_object (b);
  print_builder (b);
  g_object_unref (b);
  g_free (json);
  g_clear_pointer (&bytes, g_bytes_unref);
}

static void
chunks (const gchar * line, GstPeerJSBinaryPackSender * sender)
{
  GError *error = NULL;
  GVariant *v = parse_typed_line (line, &error);
  GPtrArray *messages = NULL;
  JsonBuilder *b;
  guint i;

  if (v) {
    messages = gst_peerjs_binarypack_sender_pack (sender, v, &error);
    g_variant_unref (v);
  }
  if (messages == NULL) {
    print_error (error);
    g_clear_error (&error);
    return;
  }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  for (i = 0; i < messages->len; i++) {
    gchar *hex = to_hex (g_ptr_array_index (messages, i));

    json_builder_add_string_value (b, hex);
    g_free (hex);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  print_builder (b);
  g_object_unref (b);
  g_ptr_array_unref (messages);
}

static void
receive (const gchar * line)
{
  GstPeerJSBinaryPackReceiver *recv =
      gst_peerjs_binarypack_receiver_new (0, 0, 0);
  gchar **messages = g_strsplit (line, " ", -1);
  JsonBuilder *b = json_builder_new ();
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (i = 0; messages[i]; i++) {
    GBytes *bytes = from_hex (messages[i]);
    GError *error = NULL;
    GVariant *v = NULL;
    GstPeerJSReceiveResult r;

    r = gst_peerjs_binarypack_receiver_push (recv, g_bytes_get_data (bytes,
            NULL), g_bytes_get_size (bytes), 0, &v, &error);
    json_builder_begin_object (b);
    if (r == GST_PEERJS_RECEIVE_VALUE) {
      json_builder_set_member_name (b, "value");
      build_typed (b, v);
      g_variant_unref (v);
    } else if (r == GST_PEERJS_RECEIVE_CLOSE) {
      json_builder_set_member_name (b, "close");
      json_builder_add_boolean_value (b, TRUE);
    } else if (error) {
      add_error (b, error);
      g_clear_error (&error);
    } else {
      json_builder_set_member_name (b, "none");
      json_builder_add_boolean_value (b, TRUE);
    }
    json_builder_end_object (b);
    g_bytes_unref (bytes);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  print_builder (b);

  g_object_unref (b);
  g_strfreev (messages);
  gst_peerjs_binarypack_receiver_free (recv);
}

static gint
usage (void)
{
  fprintf (stderr, "usage: peerjs-codec decode|encode binary|msgpack|json\n"
      "       peerjs-codec chunks|receive\n");
  return 2;
}

int
main (int argc, char **argv)
{
  GstPeerJSSerialization ser = GST_PEERJS_SERIALIZATION_BINARY;
  GstPeerJSBinaryPackSender *sender;
  GString *line = g_string_new (NULL);
  const gchar *cmd;
  gint c;

  gst_init (&argc, &argv);
  gst_peerjs_init ();

  if (argc < 2)
    return usage ();
  cmd = argv[1];
  if (g_str_equal (cmd, "decode") || g_str_equal (cmd, "encode")) {
    if (argc < 3 || !gst_peerjs_serialization_from_string (argv[2], &ser)
        || ser == GST_PEERJS_SERIALIZATION_RAW)
      return usage ();
  } else if (!g_str_equal (cmd, "chunks") && !g_str_equal (cmd, "receive")) {
    return usage ();
  }

  sender = gst_peerjs_binarypack_sender_new ();
  for (;;) {
    c = getchar ();
    if (c != EOF && c != '\n') {
      g_string_append_c (line, (gchar) c);
      continue;
    }
    if (c == EOF && line->len == 0)
      break;

    if (g_str_equal (cmd, "chunks"))
      chunks (line->str, sender);
    else if (g_str_equal (cmd, "receive"))
      receive (line->str);
    else if (g_str_equal (cmd, "encode"))
      encode (line->str, ser);
    else if (ser == GST_PEERJS_SERIALIZATION_MSGPACK)
      decode_msgpack (line->str);
    else if (ser == GST_PEERJS_SERIALIZATION_JSON)
      decode_json (line->str);
    else
      decode_binary (line->str);

    g_string_truncate (line, 0);
    if (c == EOF)
      break;
  }

  gst_peerjs_binarypack_sender_free (sender);
  g_string_free (line, TRUE);
  return 0;
}
