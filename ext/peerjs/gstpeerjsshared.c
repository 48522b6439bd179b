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

#include "gstpeerjsshared.h"

#define GST_CAT_DEFAULT peerjs_shared_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT, "peerjsshared", 0,
        "PeerJS engine messages");
    g_once_init_leave (&done, 1);
  }
}

void
gst_peerjs_post (GstElement * element, const gchar * room_id, GstStructure * s)
{
  if (room_id)
    gst_structure_set (s, "room-id", G_TYPE_STRING, room_id, NULL);
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element), s));
}

void
gst_peerjs_post_error (GstElement * element, const gchar * room_id,
    const gchar * type, const gchar * peer_id, const gchar * connection_id,
    const gchar * message)
{
  GstStructure *s = gst_structure_new ("peerjs-error",
      "type", G_TYPE_STRING, type,
      "peer-id", G_TYPE_STRING, peer_id ? peer_id : "",
      "message", G_TYPE_STRING, message, NULL);

  init_debug ();
  GST_INFO_OBJECT (element, "%s from '%s'%s%s: %s", type,
      GST_STR_NULL (peer_id), connection_id ? " on " : "",
      connection_id ? connection_id : "", message);
  if (connection_id)
    gst_structure_set (s, "connection-id", G_TYPE_STRING, connection_id, NULL);
  gst_peerjs_post (element, room_id, s);
}

static void
forward (GObject * connection, const GstPeerJSMessage * msg,
    GstPeerJSSession * session)
{
  GError *error = NULL;

  if (!gst_peerjs_session_send (session, msg, &error)) {
    init_debug ();
    GST_WARNING_OBJECT (session, "could not send %s to '%s': %s",
        msg->type_name, msg->dst, error->message);
    g_error_free (error);
  }
}

void
gst_peerjs_forward_signalling (GObject * connection, GstPeerJSSession * session)
{
  g_signal_connect_object (connection, "send-message", G_CALLBACK (forward),
      session, 0);
}

typedef struct
{
  GstObject *owner;
  gchar *peer_id;
  GstPeerJSPeerTimeoutFunc func;
} PeerTimeout;

static void
peer_timeout_free (PeerTimeout * t)
{
  gst_object_unref (t->owner);
  g_free (t->peer_id);
  g_free (t);
}

static gboolean
peer_timeout_cb (gpointer user_data)
{
  PeerTimeout *t = user_data;

  t->func (t->owner, t->peer_id, g_main_current_source ());
  return G_SOURCE_REMOVE;
}

GSource *
gst_peerjs_peer_timeout_add (GMainContext * context, guint ms,
    GstObject * owner, const gchar * peer_id, GstPeerJSPeerTimeoutFunc func)
{
  PeerTimeout *t = g_new0 (PeerTimeout, 1);
  GSource *source = g_timeout_source_new (ms);

  t->owner = gst_object_ref (owner);
  t->peer_id = g_strdup (peer_id);
  t->func = func;
  g_source_set_callback (source, peer_timeout_cb, t,
      (GDestroyNotify) peer_timeout_free);
  g_source_attach (source, context);
  return source;
}

void
gst_peerjs_clear_source (GSource ** source)
{
  if (*source) {
    g_source_destroy (*source);
    g_source_unref (*source);
    *source = NULL;
  }
}
