/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Fuzz target: a GstPeerJSMsgPackReader fed the input as a stream, cut
 * into pieces of (first byte % 64) + 1 bytes. Every value it gives must
 * encode again and read back the same through a fresh reader. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/peerjs/peerjs.h>

#include "fuzz.h"

static void
check_round_trip (GVariant * value)
{
  GstPeerJSMsgPackReader *reader = gst_peerjs_msgpack_reader_new (0);
  GBytes *encoded = gst_peerjs_msgpack_encode (value, NULL);
  GVariant *again;

  FUZZ_ASSERT (encoded != NULL);
  gst_peerjs_msgpack_reader_push (reader, g_bytes_get_data (encoded, NULL),
      g_bytes_get_size (encoded));
  again = gst_peerjs_msgpack_reader_pop (reader, NULL);
  FUZZ_ASSERT (again != NULL);
  FUZZ_ASSERT (g_variant_equal (again, value));
  FUZZ_ASSERT (gst_peerjs_msgpack_reader_get_buffered (reader) == 0);

  g_variant_unref (again);
  g_bytes_unref (encoded);
  gst_peerjs_msgpack_reader_free (reader);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstPeerJSMsgPackReader *reader;
  size_t pos = 1, piece;

  if (size < 1)
    return 0;

  reader = gst_peerjs_msgpack_reader_new (64 * 1024);
  piece = (data[0] % 64) + 1;
  while (pos < size) {
    size_t n = size - pos < piece ? size - pos : piece;
    GError *error = NULL;
    GVariant *value;

    gst_peerjs_msgpack_reader_push (reader, data + pos, n);
    pos += n;
    while ((value = gst_peerjs_msgpack_reader_pop (reader, &error))) {
      check_round_trip (value);
      g_variant_unref (value);
    }
    g_clear_error (&error);
    FUZZ_ASSERT (gst_peerjs_msgpack_reader_get_buffered (reader) <= size);
  }

  gst_peerjs_msgpack_reader_free (reader);
  return 0;
}
