/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Helpers the data codecs share to build values of the model described in
 * gstpeerjsvalue.c. Not installed. */

#ifndef __GST_PEERJS_VALUE_PRIVATE_H__
#define __GST_PEERJS_VALUE_PRIVATE_H__

#include "gstpeerjsvalue.h"

G_BEGIN_DECLS

/* Collects the elements of an array value (`av`). */
typedef struct
{
  GPtrArray *items;
} GstPeerJSArrayBuilder;

G_GNUC_INTERNAL
void gst_peerjs_array_builder_init (GstPeerJSArrayBuilder * builder,
    guint reserve);

/* Takes @item (a full reference, or a floating one). */
G_GNUC_INTERNAL
void gst_peerjs_array_builder_add (GstPeerJSArrayBuilder * builder,
    GVariant * item);

/* The `av`, as a full reference; the builder is cleared. */
G_GNUC_INTERNAL
GVariant * gst_peerjs_array_builder_end (GstPeerJSArrayBuilder * builder);

G_GNUC_INTERNAL
void gst_peerjs_array_builder_clear (GstPeerJSArrayBuilder * builder);

/* Collects the members of a map value (`a{sv}`) the way a JavaScript
 * object gets them: a key seen again keeps its first position and takes
 * the new value. */
typedef struct
{
  GPtrArray *keys;
  GPtrArray *values;
  GHashTable *index;
} GstPeerJSMapBuilder;

G_GNUC_INTERNAL
void gst_peerjs_map_builder_init (GstPeerJSMapBuilder * builder);

/* Takes @key (g_malloc'ed, valid UTF-8) and @value (full or floating). */
G_GNUC_INTERNAL
void gst_peerjs_map_builder_add (GstPeerJSMapBuilder * builder,
    gchar * key, GVariant * value);

G_GNUC_INTERNAL
GVariant * gst_peerjs_map_builder_end (GstPeerJSMapBuilder * builder);

G_GNUC_INTERNAL
void gst_peerjs_map_builder_clear (GstPeerJSMapBuilder * builder);

/* TRUE if @value (of the model) is truthy in JavaScript. */
G_GNUC_INTERNAL
gboolean gst_peerjs_value_is_truthy (GVariant * value);

G_END_DECLS

#endif /* __GST_PEERJS_VALUE_PRIVATE_H__ */
