/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_TABLE_H__
#define __GST_PEERJS_TABLE_H__

#include <gst/gst.h>
#include "gstpeerjsfanout.h"

G_BEGIN_DECLS
#define GST_PEERJS_TABLE_DEFAULT_WIDTH 1280
#define GST_PEERJS_TABLE_DEFAULT_HEIGHT 720
#define GST_PEERJS_TABLE_DEFAULT_FPS_N 30
#define GST_PEERJS_TABLE_DEFAULT_FPS_D 1
#define GST_TYPE_PEERJS_TABLE (gst_peerjs_table_get_type ())
G_DECLARE_FINAL_TYPE (GstPeerJSTable, gst_peerjs_table, GST, PEERJS_TABLE,
    GstObject);

/* Where a tile is, in pixels of the table. */
typedef struct
{
  gint x, y, width, height;
} GstPeerJSTileRect;

GstPeerJSTable *gst_peerjs_table_new (GstBin * bin, const gchar * room_id,
    guint latency_ms);

GstPad *gst_peerjs_table_get_src (GstPeerJSTable * table,
    GstPeerJSTrackKind kind);

void gst_peerjs_table_set_format (GstPeerJSTable * table, gint width,
    gint height, gint fps_n, gint fps_d);

void gst_peerjs_table_set_labels (GstPeerJSTable * table, const gchar * labels);

void gst_peerjs_table_set_show_stats (GstPeerJSTable * table,
    gboolean show_stats);

void gst_peerjs_table_add_branch (GstPeerJSTable * table,
    const gchar * peer_id, gboolean local, GstPeerJSTrackKind kind,
    GstPad * source, GstPad * origin);

void gst_peerjs_table_remove_branch (GstPeerJSTable * table, GstPad * origin);

void gst_peerjs_table_set_track_state (GstPeerJSTable * table,
    const gchar * peer_id, gboolean video, gboolean audio);

void gst_peerjs_table_set_local_id (GstPeerJSTable * table,
    const gchar * peer_id);

void gst_peerjs_table_set_stats (GstPeerJSTable * table,
    const gchar * peer_id, const GstStructure * stats);

void gst_peerjs_table_clear (GstPeerJSTable * table);

void gst_peerjs_table_remove (GstPeerJSTable * table);

/* The grid: tile @index of @n in a @width x @height table. */
GstPeerJSTileRect gst_peerjs_table_tile_rect (guint index, guint n,
    gint width, gint height);

/* The label bar's height in a tile @tile_height high. */
gint gst_peerjs_table_label_bar_height (gint tile_height);

/* Draws the label bar of a tile (what the table draws; the tests compare
 * against it). */
void gst_peerjs_table_draw_label (gpointer cairo_context,
    const GstPeerJSTileRect * rect, const gchar * label);

G_END_DECLS
#endif /* __GST_PEERJS_TABLE_H__ */
