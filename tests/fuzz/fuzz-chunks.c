/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Fuzz target: a GstPeerJSBinaryPackReceiver fed a sequence of messages
 * cut from the input, with a fake clock. The input is records of
 *
 *   u8 time step (in 10 ms), u16 big-endian length, that many bytes
 *
 * (the last record takes what is left). The limits are small so that the
 * fuzzer reaches them: 64 KiB a message, 4 in flight, 1 s timeout. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/peerjs/peerjs.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstPeerJSBinaryPackReceiver *recv =
      gst_peerjs_binarypack_receiver_new (64 * 1024, 4, 1000);
  gint64 now_us = 0;
  size_t pos = 0;

  while (pos < size) {
    GstPeerJSReceiveResult result;
    GError *error = NULL;
    GVariant *value = NULL;
    size_t len;

    now_us += (gint64) data[pos++] * 10000;
    if (size - pos >= 2) {
      len = (size_t) data[pos] << 8 | data[pos + 1];
      pos += 2;
    } else {
      len = size - pos;
    }
    if (len > size - pos)
      len = size - pos;

    result = gst_peerjs_binarypack_receiver_push (recv, data + pos, len,
        now_us, &value, &error);
    pos += len;

    switch (result) {
      case GST_PEERJS_RECEIVE_VALUE:
        FUZZ_ASSERT (value != NULL && error == NULL);
        g_variant_unref (value);
        break;
      case GST_PEERJS_RECEIVE_CLOSE:
        FUZZ_ASSERT (value == NULL && error == NULL);
        break;
      default:
        FUZZ_ASSERT (value == NULL);
        g_clear_error (&error);
        break;
    }
    FUZZ_ASSERT (gst_peerjs_binarypack_receiver_get_in_flight (recv) <= 4);
  }

  gst_peerjs_binarypack_receiver_free (recv);
  return 0;
}
