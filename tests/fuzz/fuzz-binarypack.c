/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Fuzz target: gst_peerjs_binarypack_decode() on arbitrary bytes. A value
 * it decodes must encode again (unless BinaryPack cannot carry it: NaN, an
 * infinity, an integer beyond 64 bits) and decode to the same value, and
 * its JSON rendering must parse. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/peerjs/peerjs.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GError *error = NULL;
  gsize consumed = 0;
  GVariant *value, *again;
  GBytes *packed;
  gchar *json;

  value = gst_peerjs_binarypack_decode (data, size, &consumed, &error);
  if (value == NULL) {
    FUZZ_ASSERT (error != NULL);
    g_error_free (error);
    return 0;
  }
  FUZZ_ASSERT (error == NULL && consumed >= 1 && consumed <= size);

  packed = gst_peerjs_binarypack_encode (value, &error);
  if (packed) {
    again = gst_peerjs_binarypack_decode (g_bytes_get_data (packed, NULL),
        g_bytes_get_size (packed), &consumed, NULL);
    FUZZ_ASSERT (again != NULL);
    FUZZ_ASSERT (consumed == g_bytes_get_size (packed));
    FUZZ_ASSERT (g_variant_equal (again, value));
    g_variant_unref (again);
    g_bytes_unref (packed);
  } else {
    FUZZ_ASSERT (error->code == GST_PEERJS_DATA_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }

  json = gst_peerjs_value_to_json (value);
  FUZZ_ASSERT (json != NULL);
  again = gst_peerjs_value_from_json (json, -1, NULL);
  FUZZ_ASSERT (again != NULL);
  g_variant_unref (again);
  g_free (json);

  g_variant_unref (value);
  return 0;
}
