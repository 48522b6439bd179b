/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* What the codec tests share: hex and GVariant text in, comparisons. */

#include "codectest.h"

GBytes *
hex_to_bytes (const gchar * hex)
{
  GByteArray *out = g_byte_array_new ();

  while (*hex) {
    guint8 byte;

    if (*hex == ' ') {
      hex++;
      continue;
    }
    fail_unless (g_ascii_isxdigit (hex[0]) && g_ascii_isxdigit (hex[1]),
        "bad hex in test: %s", hex);
    byte = (guint8) (g_ascii_xdigit_value (hex[0]) << 4 |
        g_ascii_xdigit_value (hex[1]));
    g_byte_array_append (out, &byte, 1);
    hex += 2;
  }
  return g_byte_array_free_to_bytes (out);
}

gchar *
bytes_to_hex (GBytes * bytes)
{
  gsize i, n;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  GString *s = g_string_new (NULL);

  for (i = 0; i < n; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

GVariant *
parse (const gchar * text)
{
  GError *error = NULL;
  GVariant *v = g_variant_parse (NULL, text, NULL, NULL, &error);

  fail_unless (v != NULL, "cannot parse '%s': %s", text,
      error ? error->message : "?");
  return g_variant_take_ref (v);
}

/* A floating value from GVariant text, for the calls that consume one */
GVariant *
value_of (const gchar * text)
{
  GVariant *v = parse (text);

  return g_variant_new_from_data (g_variant_get_type (v),
      g_variant_get_data (v), g_variant_get_size (v), TRUE,
      (GDestroyNotify) g_variant_unref, v);
}

void
assert_value (GVariant * got, const gchar * expected_text)
{
  GVariant *expected = parse (expected_text);

  fail_unless (got != NULL, "no value, expected %s", expected_text);
  if (!g_variant_equal (got, expected)) {
    gchar *g = g_variant_print (got, TRUE);
    gchar *e = g_variant_print (expected, TRUE);

    fail ("got %s, expected %s", g, e);
  }
  g_variant_unref (expected);
}

void
assert_encodes_with (Encoder encode, GVariant * value, const gchar * hex)
{
  GError *error = NULL;
  GBytes *expected = hex_to_bytes (hex);
  GBytes *got = encode (value, &error);
  gchar *got_hex, *expected_hex;

  fail_unless (got != NULL, "encode failed: %s", error ? error->message : "");
  got_hex = bytes_to_hex (got);
  expected_hex = bytes_to_hex (expected);
  fail_unless_equals_string (got_hex, expected_hex);
  g_free (got_hex);
  g_free (expected_hex);
  g_bytes_unref (got);
  g_bytes_unref (expected);
}
