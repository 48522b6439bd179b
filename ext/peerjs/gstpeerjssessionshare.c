/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The process-wide registry of signalling sessions, one per ID.
 *
 * A share is found by server URI, key, peer ID and CA file; it counts its
 * users (elements) and lists the meshes on its session. The registry lock
 * is never held while a session stops: stopping joins the session thread,
 * whose handlers read the mesh list. A share being stopped stays listed
 * until its socket is closed, and an element that wants the same ID
 * meanwhile waits for it, so that the server has let go of the ID before
 * the new session registers it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjssessionshare.h"

#include <gst/sdp/sdp.h>

#define GST_CAT_DEFAULT peerjs_session_share_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

typedef struct
{
  gchar *key;                   /* NULL: not shared (no peer ID) */
  GstPeerJSSession *session;
  guint users;
  gboolean stopping;
  gboolean failed;              /* a fatal error: not to be joined */
  GPtrArray *meshes;            /* GstObject references, in join order */
} Share;

static GMutex registry_lock;
static GCond registry_cond;
static GList *shares;           /* Share */
static GQuark share_quark;

static void
init_once (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT, "peerjssessionshare", 0,
        "PeerJS sessions shared by the elements of one ID");
    share_quark = g_quark_from_static_string ("gst-peerjs-session-share");
    g_once_init_leave (&done, 1);
  }
}

static void
share_free (Share * share)
{
  g_signal_handlers_disconnect_by_data (share->session, share);
  g_free (share->key);
  gst_object_unref (share->session);
  g_ptr_array_unref (share->meshes);
  g_free (share);
}

/* Called with the registry lock held. */
static Share *
share_of (GstPeerJSSession * session)
{
  return g_object_get_qdata (G_OBJECT (session), share_quark);
}

/* A session that failed for good (the ID is taken by another process, the
 * key is refused) is left to its users; a new element gets a new try. */
static void
on_session_error (GstPeerJSSession * session, const GError * error,
    gboolean fatal, Share * share)
{
  if (!fatal)
    return;
  g_mutex_lock (&registry_lock);
  share->failed = TRUE;
  g_mutex_unlock (&registry_lock);
}

GstPeerJSSession *
gst_peerjs_session_share_acquire (const gchar * server, const gchar * key,
    const gchar * peer_id, const gchar * tls_ca_file, GError ** error)
{
  GstPeerJSSession *session;
  gchar *share_key = NULL;
  Share *share;
  GList *l;

  init_once ();
  if (peer_id && *peer_id)
    share_key = g_strdup_printf ("%s\n%s\n%s\n%s", GST_STR_NULL (server),
        GST_STR_NULL (key), peer_id, tls_ca_file ? tls_ca_file : "");

  g_mutex_lock (&registry_lock);
again:
  for (l = shares; share_key && l; l = l->next) {
    share = l->data;
    if (share->failed || g_strcmp0 (share->key, share_key) != 0)
      continue;
    if (share->stopping) {
      /* the last user is unregistering the ID: wait for the socket to
       * close, or the server would refuse the ID as taken */
      g_cond_wait (&registry_cond, &registry_lock);
      goto again;
    }
    share->users++;
    session = gst_object_ref (share->session);
    GST_INFO ("sharing the session of '%s' (%u users)", peer_id, share->users);
    g_mutex_unlock (&registry_lock);
    g_free (share_key);
    return session;
  }

  /* started under the lock: a second element with this ID must find the
   * session running (starting does not wait for the network) */
  session = gst_peerjs_session_new (server, key, peer_id);
  gst_object_ref_sink (session);
  g_object_set (session, "tls-ca-file", tls_ca_file, NULL);
  share = g_new0 (Share, 1);
  g_signal_connect (session, "error", G_CALLBACK (on_session_error), share);
  if (!gst_peerjs_session_start (session, error)) {
    g_mutex_unlock (&registry_lock);
    g_signal_handlers_disconnect_by_data (session, share);
    g_free (share);
    gst_object_unref (session);
    g_free (share_key);
    return NULL;
  }
  share->key = share_key;
  share->session = gst_object_ref (session);
  share->users = 1;
  share->meshes = g_ptr_array_new_with_free_func (gst_object_unref);
  g_object_set_qdata (G_OBJECT (session), share_quark, share);
  shares = g_list_append (shares, share);
  g_mutex_unlock (&registry_lock);
  return session;
}

static gboolean
disconnect_user (gpointer user_data)
{
  gpointer *args = user_data;

  g_signal_handlers_disconnect_by_data (args[0], args[1]);
  return G_SOURCE_REMOVE;
}

void
gst_peerjs_session_share_release (GstPeerJSSession * session, gpointer user)
{
  gpointer args[2] = { session, user };
  gboolean last = FALSE;
  Share *share;

  g_return_if_fail (GST_IS_PEERJS_SESSION (session));

  if (user)
    gst_peerjs_session_share_run_sync (session, disconnect_user, args);

  g_mutex_lock (&registry_lock);
  share = share_of (session);
  if (share && --share->users == 0) {
    share->stopping = TRUE;
    last = TRUE;
  }
  g_mutex_unlock (&registry_lock);

  if (!share) {
    gst_peerjs_session_stop (session);
  } else if (last) {
    gst_peerjs_session_stop (session);
    g_mutex_lock (&registry_lock);
    shares = g_list_remove (shares, share);
    g_object_set_qdata (G_OBJECT (session), share_quark, NULL);
    g_cond_broadcast (&registry_cond);
    g_mutex_unlock (&registry_lock);
    share_free (share);
  }
  gst_object_unref (session);
}

typedef struct
{
  GSourceFunc func;
  gpointer data;
  GMutex lock;
  GCond cond;
  gboolean done;
} SyncCall;

static gboolean
sync_call_cb (gpointer user_data)
{
  SyncCall *call = user_data;

  call->func (call->data);
  g_mutex_lock (&call->lock);
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->lock);
  return G_SOURCE_REMOVE;
}

void
gst_peerjs_session_share_run_sync (GstPeerJSSession * session,
    GSourceFunc func, gpointer data)
{
  GMainContext *context = gst_peerjs_session_get_context (session);
  GMainContext *running;
  SyncCall call = { 0, };
  GSource *source;

  if (!context) {
    func (data);
    return;
  }
  g_return_if_fail (!g_main_context_is_owner (context));

  call.func = func;
  call.data = data;
  g_mutex_init (&call.lock);
  g_cond_init (&call.cond);
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, sync_call_cb, &call, NULL);
  g_source_attach (source, context);

  g_mutex_lock (&call.lock);
  while (!call.done) {
    if (g_cond_wait_until (&call.cond, &call.lock,
            g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND))
      continue;
    /* stopped meanwhile by another user (the thread is joined once the
     * session has no context): nobody else will run it */
    running = gst_peerjs_session_get_context (session);
    if (running != context) {
      g_mutex_unlock (&call.lock);
      while (!call.done && g_main_context_iteration (context, FALSE));
      g_mutex_lock (&call.lock);
      if (!call.done) {
        /* never dispatched (cannot happen: it is attached and ready) */
        g_source_destroy (source);
        g_mutex_unlock (&call.lock);
        func (data);
        g_mutex_lock (&call.lock);
        call.done = TRUE;
      }
    }
    if (running)
      g_main_context_unref (running);
  }
  g_mutex_unlock (&call.lock);

  g_source_unref (source);
  g_mutex_clear (&call.lock);
  g_cond_clear (&call.cond);
  g_main_context_unref (context);
}

void
gst_peerjs_session_share_join (GstPeerJSSession * session, GstObject * mesh)
{
  Share *share;

  g_mutex_lock (&registry_lock);
  share = share_of (session);
  if (share && !g_ptr_array_find (share->meshes, mesh, NULL))
    g_ptr_array_add (share->meshes, gst_object_ref (mesh));
  g_mutex_unlock (&registry_lock);
}

void
gst_peerjs_session_share_leave (GstPeerJSSession * session, GstObject * mesh)
{
  Share *share;

  g_mutex_lock (&registry_lock);
  share = share_of (session);
  if (share)
    g_ptr_array_remove (share->meshes, mesh);
  g_mutex_unlock (&registry_lock);
}

GPtrArray *
gst_peerjs_session_share_list (GstPeerJSSession * session)
{
  GPtrArray *list = NULL;
  Share *share;
  guint i;

  g_mutex_lock (&registry_lock);
  share = share_of (session);
  if (share) {
    list = g_ptr_array_new_full (share->meshes->len, gst_object_unref);
    for (i = 0; i < share->meshes->len; i++)
      g_ptr_array_add (list,
          gst_object_ref (g_ptr_array_index (share->meshes, i)));
  }
  g_mutex_unlock (&registry_lock);
  return list;
}

static const gchar *
direction_of (const GstSDPMessage * sdp, const GstSDPMedia * media)
{
  static const gchar *const directions[] =
      { "sendrecv", "sendonly", "recvonly", "inactive" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (directions); i++)
    if (gst_sdp_media_get_attribute_val (media, directions[i]))
      return directions[i];
  for (i = 0; i < G_N_ELEMENTS (directions); i++)
    if (gst_sdp_message_get_attribute_val (sdp, directions[i]))
      return directions[i];
  return "sendrecv";
}

void
gst_peerjs_session_share_offer_direction (const gchar * sdp_text,
    gboolean * remote_sends, gboolean * remote_only_receives)
{
  GstSDPMessage *sdp = NULL;
  guint i, media = 0, recvonly = 0;

  *remote_sends = *remote_only_receives = FALSE;
  if (!sdp_text || gst_sdp_message_new_from_text (sdp_text, &sdp) != GST_SDP_OK)
    return;
  for (i = 0; i < gst_sdp_message_medias_len (sdp); i++) {
    const GstSDPMedia *m = gst_sdp_message_get_media (sdp, i);
    const gchar *kind = gst_sdp_media_get_media (m);
    const gchar *dir;

    if (g_strcmp0 (kind, "audio") != 0 && g_strcmp0 (kind, "video") != 0)
      continue;
    dir = direction_of (sdp, m);
    media++;
    if (g_str_equal (dir, "sendrecv") || g_str_equal (dir, "sendonly"))
      *remote_sends = TRUE;
    else if (g_str_equal (dir, "recvonly"))
      recvonly++;
  }
  *remote_only_receives = media > 0 && recvonly == media;
  gst_sdp_message_free (sdp);
}
