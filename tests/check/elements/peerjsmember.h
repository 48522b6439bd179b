/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __PEERJS_MEMBER_H__
#define __PEERJS_MEMBER_H__

#include <gst/check/gstcheck.h>
#include <gst/peerjs/peerjs.h>

#define FLOW_TIMEOUT_MS 20000
#define ENOUGH 15

typedef struct
{
  gchar *id;
  GstElement *pipeline;
  GstElement *room;
  GstElement *video_caps;
  GMutex lock;
  GHashTable *counts;           /* pad name -> guint count */
  GHashTable *widths;           /* pad name -> last video width */
  GHashTable *levels;           /* pad name -> last luma / audio peak */
  GPtrArray *messages;          /* GstStructure copies of element messages */
} Member;

typedef gboolean (*Check) (gpointer data);

typedef struct
{
  Member **members;
  guint n;
} Mesh;

/* the embedded server every test runs against */
extern GstPeerJSServer *server;
extern gchar *server_uri;

void server_setup (void);
void server_teardown (void);
Member *member_new (const gchar * id, const gchar * peers, const gchar * extra);
Member *member_new_with_video (const gchar * id, const gchar * peers,
    const gchar * extra, const gchar * video);
Member *member_new_from_description (const gchar * id,
    const gchar * description);
void member_play (Member * m);
void member_free (Member * m);
guint count_of (Member * m, const gchar * pad_name);
void reset_counts (Member * m);
gboolean has_message (Member * m, const gchar * name, const gchar * field,
    const gchar * value);
gboolean wait_until (Check check, gpointer data, guint timeout_ms);
gboolean all_pairs_flow (gpointer data);
void dump_counts (Mesh * mesh);
gint level_of_pad (Member * m, const gchar * pad_name);
GstStructure *last_message (Member * m, const gchar * name,
    const gchar * field, const gchar * value);
guint count_messages (Member * m, const gchar * name);
void assert_flow (Member * m, const gchar * from, gboolean more,
    guint timeout_ms);

#endif /* __PEERJS_MEMBER_H__ */
