/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __CODEC_TEST_H__
#define __CODEC_TEST_H__

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>

typedef GBytes *(*Encoder) (GVariant * value, GError ** error);

/* "82 b1 61 01" (spaces allowed) -> bytes, and back (no spaces) */
GBytes *hex_to_bytes (const gchar * hex);
gchar *bytes_to_hex (GBytes * bytes);
/* GVariant text -> a full reference */
GVariant *parse (const gchar * text);
/* GVariant text -> a floating value, for the calls that consume one */
GVariant *value_of (const gchar * text);
/* @got equals the value of @expected_text */
void assert_value (GVariant * got, const gchar * expected_text);
/* @encode (@value) gives exactly @hex */
void assert_encodes_with (Encoder encode, GVariant * value, const gchar * hex);

#endif /* __CODEC_TEST_H__ */
