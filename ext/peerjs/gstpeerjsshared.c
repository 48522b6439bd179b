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

/* A remote peer can make an element post one peerjs-error per packet or
 * per OFFER: a data connection flooded with garbage, a stranger calling
 * 100 times a second. One bus message each would drown the bus and any
 * application that logs them (elements/peerjsstrangers measured 1000
 * messages in 10 s, 271 in one second). So the errors of one type about
 * one peer are posted at most ERROR_BURST times per ERROR_WINDOW_US; the
 * others are counted (and logged at LOG level), and the next one posted
 * carries `suppressed`, how many were not (docs/elements.md). Errors
 * about no peer (the server, our own sends) are not limited. */
#define ERROR_BURST 10
#define ERROR_WINDOW_US G_USEC_PER_SEC
/* distinct (type, peer) kept per element: a stranger may change IDs */
#define ERROR_KEYS_MAX 256

typedef struct
{
  gint64 window_start;
  guint posted;
  guint suppressed;
} ErrorRate;

static GMutex error_rate_lock;
static GQuark error_rate_quark;

/* Whether this error may be posted now; @suppressed: how many of its kind
 * were not posted since the last one that was. */
static gboolean
error_rate_allows (GstElement * element, const gchar * type,
    const gchar * peer_id, guint * suppressed)
{
  gint64 now = g_get_monotonic_time ();
  GHashTable *rates;
  ErrorRate *rate;
  gchar *key;
  gboolean allowed = TRUE;

  *suppressed = 0;
  if (!peer_id || !*peer_id)
    return TRUE;

  key = g_strdup_printf ("%s\n%s", type, peer_id);
  g_mutex_lock (&error_rate_lock);
  if (!error_rate_quark)
    error_rate_quark = g_quark_from_static_string ("peerjs-error-rate");
  rates = g_object_get_qdata (G_OBJECT (element), error_rate_quark);
  if (!rates) {
    rates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_object_set_qdata_full (G_OBJECT (element), error_rate_quark, rates,
        (GDestroyNotify) g_hash_table_unref);
  }
  rate = g_hash_table_lookup (rates, key);
  if (!rate) {
    if (g_hash_table_size (rates) >= ERROR_KEYS_MAX)
      g_hash_table_remove_all (rates);
    rate = g_new0 (ErrorRate, 1);
    rate->window_start = now;
    g_hash_table_insert (rates, key, rate);
    key = NULL;
  }
  if (now - rate->window_start >= ERROR_WINDOW_US) {
    rate->window_start = now;
    rate->posted = 0;
  }
  if (rate->posted >= ERROR_BURST) {
    rate->suppressed++;
    allowed = FALSE;
  } else {
    rate->posted++;
    *suppressed = rate->suppressed;
    rate->suppressed = 0;
  }
  g_mutex_unlock (&error_rate_lock);
  g_free (key);
  return allowed;
}

void
gst_peerjs_post_error (GstElement * element, const gchar * room_id,
    const gchar * type, const gchar * peer_id, const gchar * connection_id,
    const gchar * message)
{
  GstStructure *s;
  guint suppressed;

  init_debug ();
  if (!error_rate_allows (element, type, peer_id, &suppressed)) {
    GST_LOG_OBJECT (element, "%s from '%s'%s%s (not posted: more than %d a "
        "second): %s", type, peer_id, connection_id ? " on " : "",
        connection_id ? connection_id : "", ERROR_BURST, message);
    return;
  }
  s = gst_structure_new ("peerjs-error",
      "type", G_TYPE_STRING, type,
      "peer-id", G_TYPE_STRING, peer_id ? peer_id : "",
      "message", G_TYPE_STRING, message, NULL);
  GST_INFO_OBJECT (element, "%s from '%s'%s%s: %s", type,
      GST_STR_NULL (peer_id), connection_id ? " on " : "",
      connection_id ? connection_id : "", message);
  if (suppressed) {
    GST_WARNING_OBJECT (element, "%u more %s errors from '%s' were not "
        "posted (more than %d a second)", suppressed, type, peer_id,
        ERROR_BURST);
    gst_structure_set (s, "suppressed", G_TYPE_UINT, suppressed, NULL);
  }
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
