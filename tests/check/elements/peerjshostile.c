/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Hostile signalling (issue 6, item 5): a WebSocket proxy in front of the
 * embedded GstPeerJSServer forwards every frame both ways between two
 * legitimate rooms (alice and bob) and the server, and injects hostile
 * frames into alice's socket: malformed JSON, wrong types, big and giant
 * frames, unknown types, OFFERs with garbage SDP, OFFERs for reused
 * connection IDs, ANSWERs for connections never offered, CANDIDATEs
 * before any OFFER and CANDIDATE floods. Each must give a peerjs-error
 * element message or a GST_WARNING line; the pipelines stay PLAYING with
 * no ERROR on the bus, memory stays bounded, and alice and bob keep
 * exchanging media throughout. */

#include "peerjsmember.h"
#include "../reliability.h"
#include "gstpeerjssessionshare.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define CASE_TIMEOUT_MS 8000
/* light on the CPU: the gaps measured are the abuse's, less the load's */
#define SMALL_VIDEO "videotestsrc is-live=true pattern=ball ! " \
  "video/x-raw,width=160,height=120,framerate=15/1 ! room.video_sink"
#define FLOOD 10000

/* ---- the proxy ---- */

typedef struct _Proxy Proxy;

typedef struct
{
  Proxy *proxy;
  gchar *peer_id;
  SoupWebsocketConnection *client;      /* the room's socket (we serve it) */
  SoupWebsocketConnection *upstream;    /* ours to the real server */
  GQueue early;                 /* client frames before upstream is open */
  gboolean dead;
} Link;

struct _Proxy
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *soup_server;
  SoupSession *soup;
  guint upstream_port;
  guint port;
  GPtrArray *links;             /* Link *, proxy thread only */

  GMutex lock;
  GCond cond;
  gboolean ready;
  gchar *offer_sdp;             /* of alice's media OFFER */
  guint alice_sockets;          /* sockets alice has opened */
  guint lose_data_answers;      /* ANSWERs of data connections to alice to lose */
  guint lost_data_answers;
};

static void link_close (Link * link);

static void
link_free (Link * link)
{
  if (link->client) {
    g_signal_handlers_disconnect_by_data (link->client, link);
    g_object_unref (link->client);
  }
  if (link->upstream) {
    g_signal_handlers_disconnect_by_data (link->upstream, link);
    g_object_unref (link->upstream);
  }
  g_queue_clear_full (&link->early, g_free);
  g_free (link->peer_id);
  g_free (link);
}

static gboolean
is_open (SoupWebsocketConnection * ws)
{
  return ws && soup_websocket_connection_get_state (ws) ==
      SOUP_WEBSOCKET_STATE_OPEN;
}

/* Remembers the SDP of alice's media OFFER (a valid one to replay). */
static void
watch_client_frame (Link * link, const gchar * text)
{
  Proxy *proxy = link->proxy;
  JsonParser *parser;
  JsonObject *root, *payload;

  if (g_strcmp0 (link->peer_id, "alice") != 0 || !strstr (text, "\"OFFER\""))
    return;
  parser = json_parser_new ();
  if (json_parser_load_from_data (parser, text, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    root = json_node_get_object (json_parser_get_root (parser));
    payload = json_object_get_object_member (root, "payload");
    if (g_strcmp0 (json_object_get_string_member (root, "type"), "OFFER") == 0
        && payload && g_strcmp0 (json_object_get_string_member_with_default
            (payload, "type", ""), "media") == 0) {
      g_mutex_lock (&proxy->lock);
      g_free (proxy->offer_sdp);
      proxy->offer_sdp =
          g_strdup (json_object_get_string_member (json_object_get_object_member
              (payload, "sdp"), "sdp"));
      g_mutex_unlock (&proxy->lock);
    }
  }
  g_object_unref (parser);
}

static void
on_client_message (SoupWebsocketConnection * ws, gint type, GBytes * bytes,
    Link * link)
{
  gsize len;
  const gchar *data = g_bytes_get_data (bytes, &len);
  gchar *text = g_strndup (data, len);

  watch_client_frame (link, text);
  if (is_open (link->upstream)) {
    soup_websocket_connection_send_text (link->upstream, text);
    g_free (text);
  } else {
    g_queue_push_tail (&link->early, text);
  }
}

/* TRUE if @bytes, from the server to @link's room, is to be lost: an
 * ANSWER to a data connection of alice's while the budget lasts */
static gboolean
lose_frame (Link * link, GBytes * bytes)
{
  Proxy *proxy = link->proxy;
  gsize len;
  const gchar *data = g_bytes_get_data (bytes, &len);
  gchar *text;
  gboolean lose = FALSE;

  if (g_strcmp0 (link->peer_id, "alice") != 0)
    return FALSE;
  text = g_strndup (data, len);
  g_mutex_lock (&proxy->lock);
  if (proxy->lose_data_answers > 0 && strstr (text, "\"ANSWER\"")
      && strstr (text, "\"dc_")) {
    proxy->lose_data_answers--;
    proxy->lost_data_answers++;
    lose = TRUE;
  }
  g_mutex_unlock (&proxy->lock);
  g_free (text);
  return lose;
}

static void
on_upstream_message (SoupWebsocketConnection * ws, gint type, GBytes * bytes,
    Link * link)
{
  if (lose_frame (link, bytes))
    return;
  if (is_open (link->client))
    soup_websocket_connection_send_message (link->client, type, bytes);
}

static void
on_closed (SoupWebsocketConnection * ws, Link * link)
{
  link_close (link);
}

static void
link_close (Link * link)
{
  if (link->dead)
    return;
  link->dead = TRUE;
  if (is_open (link->client))
    soup_websocket_connection_close (link->client,
        SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  if (is_open (link->upstream))
    soup_websocket_connection_close (link->upstream,
        SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
}

static void
upstream_connected (GObject * source, GAsyncResult * res, gpointer user_data)
{
  Link *link = user_data;
  GError *error = NULL;
  gchar *text;

  link->upstream = soup_session_websocket_connect_finish (SOUP_SESSION
      (source), res, &error);
  if (!link->upstream) {
    GST_INFO ("proxy: upstream for %s failed: %s", link->peer_id,
        error->message);
    g_error_free (error);
    link_close (link);
    return;
  }
  soup_websocket_connection_set_max_incoming_payload_size (link->upstream, 0);
  soup_websocket_connection_set_keepalive_interval (link->upstream, 0);
  g_signal_connect (link->upstream, "message",
      G_CALLBACK (on_upstream_message), link);
  g_signal_connect (link->upstream, "closed", G_CALLBACK (on_closed), link);
  if (link->dead) {
    soup_websocket_connection_close (link->upstream,
        SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
    return;
  }
  while ((text = g_queue_pop_head (&link->early))) {
    soup_websocket_connection_send_text (link->upstream, text);
    g_free (text);
  }
}

static void
on_websocket (SoupServer * soup_server, SoupServerMessage * msg,
    const char *path, SoupWebsocketConnection * connection, gpointer user_data)
{
  Proxy *proxy = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  const gchar *query = g_uri_get_query (uri);
  GHashTable *params = soup_form_decode (query ? query : "");
  Link *link = g_new0 (Link, 1);
  SoupMessage *up;
  gchar *url;

  link->proxy = proxy;
  link->peer_id = g_strdup (g_hash_table_lookup (params, "id"));
  link->client = g_object_ref (connection);
  soup_websocket_connection_set_keepalive_interval (connection, 0);
  g_queue_init (&link->early);
  g_signal_connect (connection, "message", G_CALLBACK (on_client_message),
      link);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), link);
  g_ptr_array_add (proxy->links, link);
  g_hash_table_unref (params);

  g_mutex_lock (&proxy->lock);
  if (g_strcmp0 (link->peer_id, "alice") == 0)
    proxy->alice_sockets++;
  g_mutex_unlock (&proxy->lock);

  url = g_strdup_printf ("ws://127.0.0.1:%u%s?%s", proxy->upstream_port, path,
      query ? query : "");
  up = soup_message_new (SOUP_METHOD_GET, url);
  soup_session_websocket_connect_async (proxy->soup, up, NULL, NULL,
      G_PRIORITY_DEFAULT, NULL, upstream_connected, link);
  g_object_unref (up);
  g_free (url);
}

static gpointer
proxy_thread (gpointer user_data)
{
  Proxy *proxy = user_data;
  GError *error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (proxy->context);
  proxy->soup = soup_session_new ();
  proxy->soup_server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (proxy->soup_server, "/peerjs", NULL,
      NULL, on_websocket, proxy, NULL);
  fail_unless (soup_server_listen_local (proxy->soup_server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, &error), "%s",
      error ? error->message : "");
  uris = soup_server_get_uris (proxy->soup_server);
  g_mutex_lock (&proxy->lock);
  proxy->port = g_uri_get_port (uris->data);
  proxy->ready = TRUE;
  g_cond_signal (&proxy->cond);
  g_mutex_unlock (&proxy->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (proxy->loop);

  for (guint i = 0; i < proxy->links->len; i++)
    link_close (g_ptr_array_index (proxy->links, i));
  /* let the close frames go out */
  while (g_main_context_iteration (proxy->context, FALSE));
  soup_server_disconnect (proxy->soup_server);
  g_ptr_array_unref (proxy->links);
  g_object_unref (proxy->soup_server);
  g_object_unref (proxy->soup);
  g_main_context_pop_thread_default (proxy->context);
  return NULL;
}

static Proxy *
proxy_start (guint upstream_port)
{
  Proxy *proxy = g_new0 (Proxy, 1);

  proxy->upstream_port = upstream_port;
  proxy->context = g_main_context_new ();
  proxy->loop = g_main_loop_new (proxy->context, FALSE);
  proxy->links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);
  g_mutex_init (&proxy->lock);
  g_cond_init (&proxy->cond);
  proxy->thread = g_thread_new ("hostile-proxy", proxy_thread, proxy);
  g_mutex_lock (&proxy->lock);
  while (!proxy->ready)
    g_cond_wait (&proxy->cond, &proxy->lock);
  g_mutex_unlock (&proxy->lock);
  return proxy;
}

static void
proxy_stop (Proxy * proxy)
{
  g_main_loop_quit (proxy->loop);
  g_thread_join (proxy->thread);
  g_main_loop_unref (proxy->loop);
  g_main_context_unref (proxy->context);
  g_mutex_clear (&proxy->lock);
  g_cond_clear (&proxy->cond);
  g_free (proxy->offer_sdp);
  g_free (proxy);
}

typedef struct
{
  Proxy *proxy;
  gchar *peer_id;
  GPtrArray *frames;            /* gchar * */
  gboolean done;
  guint sent;
} Injection;

/* Sends the frames to the peer's newest open socket, as the server. */
static gboolean
inject_in_thread (gpointer user_data)
{
  Injection *inj = user_data;
  Link *target = NULL;
  guint i;

  for (i = 0; i < inj->proxy->links->len; i++) {
    Link *link = g_ptr_array_index (inj->proxy->links, i);

    if (!link->dead && g_strcmp0 (link->peer_id, inj->peer_id) == 0
        && is_open (link->client))
      target = link;
  }
  for (i = 0; target && i < inj->frames->len; i++) {
    const gchar *frame = g_ptr_array_index (inj->frames, i);
    GBytes *bytes = g_bytes_new_static (frame, strlen (frame));

    soup_websocket_connection_send_message (target->client,
        SOUP_WEBSOCKET_DATA_TEXT, bytes);
    g_bytes_unref (bytes);
    inj->sent++;
  }
  g_mutex_lock (&inj->proxy->lock);
  inj->done = TRUE;
  g_cond_broadcast (&inj->proxy->cond);
  g_mutex_unlock (&inj->proxy->lock);
  return G_SOURCE_REMOVE;
}

/* Injects @frames (taken) into @peer_id's socket; returns how many went. */
static guint
inject_frames (Proxy * proxy, const gchar * peer_id, GPtrArray * frames)
{
  Injection inj = { proxy, (gchar *) peer_id, frames, FALSE, 0 };

  g_main_context_invoke (proxy->context, inject_in_thread, &inj);
  g_mutex_lock (&proxy->lock);
  while (!inj.done)
    g_cond_wait (&proxy->cond, &proxy->lock);
  g_mutex_unlock (&proxy->lock);
  g_ptr_array_unref (frames);
  return inj.sent;
}

static guint
inject (Proxy * proxy, const gchar * peer_id, gchar * frame)
{
  GPtrArray *frames = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (frames, frame);
  return inject_frames (proxy, peer_id, frames);
}

/* ---- GST_WARNING lines: counted per watched substring ---- */

static GMutex warn_lock;
static GHashTable *watched;     /* needle -> count */
static guint warnings;
static guint candidates_applied;        /* handed to webrtcbin (LOG lines) */

static void
count_warning (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  GHashTableIter iter;
  gpointer key, value;
  const gchar *text;

  if (level == GST_LEVEL_LOG && g_str_equal (gst_debug_category_get_name
          (category), "peerjsconnection")) {
    text = gst_debug_message_get (message);
    if (text && g_str_has_prefix (text, "remote candidate "))
      g_atomic_int_inc (&candidates_applied);
    return;
  }
  if (level > GST_LEVEL_WARNING)
    return;
  text = gst_debug_message_get (message);
  g_mutex_lock (&warn_lock);
  warnings++;
  g_hash_table_iter_init (&iter, watched);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (text && strstr (text, key))
      g_hash_table_iter_replace (&iter,
          GUINT_TO_POINTER (GPOINTER_TO_UINT (value) + 1));
  g_mutex_unlock (&warn_lock);
}

static void
watch_warning (const gchar * needle)
{
  g_mutex_lock (&warn_lock);
  g_hash_table_insert (watched, g_strdup (needle), GUINT_TO_POINTER (0));
  g_mutex_unlock (&warn_lock);
}

static guint
warnings_of (const gchar * needle)
{
  guint n;

  g_mutex_lock (&warn_lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (watched, needle));
  g_mutex_unlock (&warn_lock);
  return n;
}

static GstDebugCategory *
debug_category (const gchar * name)
{
  GSList *categories = gst_debug_get_all_categories (), *l;
  GstDebugCategory *found = NULL;

  for (l = categories; l && !found; l = l->next)
    if (g_str_equal (gst_debug_category_get_name (l->data), name))
      found = l->data;
  g_slist_free (categories);
  return found;
}

static void
warnings_setup (void)
{
  GSList *categories, *l;

  watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  warnings = 0;
  /* the floods log thousands of lines: keep them off stderr unless asked */
  if (!g_getenv ("GST_DEBUG")) {
    gst_debug_remove_log_function (gst_debug_log_default);
    gst_debug_set_threshold_from_string ("peerjs*:2", FALSE);
  }
  /* our warnings at least, whatever GST_DEBUG says (the categories exist:
   * the rooms run) */
  categories = gst_debug_get_all_categories ();
  for (l = categories; l; l = l->next)
    if (g_str_has_prefix (gst_debug_category_get_name (l->data), "peerjs")
        && gst_debug_category_get_threshold (l->data) < GST_LEVEL_WARNING)
      gst_debug_category_set_threshold (l->data, GST_LEVEL_WARNING);
  g_slist_free (categories);
  gst_debug_add_log_function (count_warning, NULL, NULL);
}

static void
warnings_teardown (void)
{
  gst_debug_remove_log_function (count_warning);
  if (!g_getenv ("GST_DEBUG"))
    gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
  g_clear_pointer (&watched, g_hash_table_unref);
}

/* ---- the media of the legitimate pair ---- */

typedef struct
{
  GMutex lock;
  gint64 last;
  gint64 max_gap;               /* us, while measuring */
  gboolean measuring;
} Gap;

static GstPadProbeReturn
gap_probe (GstPad * pad, GstPadProbeInfo * info, Gap * gap)
{
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&gap->lock);
  if (gap->measuring && gap->last)
    gap->max_gap = MAX (gap->max_gap, now - gap->last);
  if (gap->last && now - gap->last > 300 * G_TIME_SPAN_MILLISECOND)
    GST_INFO_OBJECT (pad, "video gap of %" G_GINT64_FORMAT " ms",
        (now - gap->last) / 1000);
  gap->last = now;
  g_mutex_unlock (&gap->lock);
  return GST_PAD_PROBE_OK;
}

static void
watch_gap (Member * m, const gchar * pad_name, Gap * gap)
{
  GstPad *pad = gst_element_get_static_pad (m->room, pad_name);

  fail_unless (pad != NULL, "%s has no %s", m->id, pad_name);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
      (GstPadProbeCallback) gap_probe, gap, NULL);
  gst_object_unref (pad);
}

static void
measure_gap (Gap * gap, gboolean on)
{
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&gap->lock);
  /* the gap still open when measuring stops counts too */
  if (gap->measuring && !on && gap->last)
    gap->max_gap = MAX (gap->max_gap, now - gap->last);
  gap->measuring = on;
  if (on)
    gap->max_gap = 0;
  g_mutex_unlock (&gap->lock);
}

/* Logs the longest gap of the phase that ends, adds it to @worst (ms). */
static void
phase_done (Gap * a, Gap * b, const gchar * phase, gdouble * worst)
{
  gdouble ms;

  measure_gap (a, FALSE);
  measure_gap (b, FALSE);
  ms = MAX (a->max_gap, b->max_gap) / 1000.0;
  GST_INFO ("longest video gap during %s: %.0f ms", phase, ms);
  *worst = MAX (*worst, ms);
  measure_gap (a, TRUE);
  measure_gap (b, TRUE);
}

/* ---- checks ---- */

static guint
n_messages (Member * m)
{
  guint n;

  g_mutex_lock (&m->lock);
  n = m->messages->len;
  g_mutex_unlock (&m->lock);
  return n;
}

typedef struct
{
  Member *m;
  guint from;                   /* messages index to look from */
  const gchar *type;            /* peerjs-error type, NULL: a warning */
  const gchar *needle;          /* in the message / the warning */
  const gchar *peer_id;         /* the error's peer-id, or NULL */
  GstStructure *found;
} Expect;

static gboolean
expected_seen (gpointer data)
{
  Expect *e = data;
  guint i;

  if (!e->type)
    return warnings_of (e->needle) > 0;

  g_mutex_lock (&e->m->lock);
  for (i = e->from; i < e->m->messages->len && !e->found; i++) {
    GstStructure *s = g_ptr_array_index (e->m->messages, i);
    const gchar *message = gst_structure_get_string (s, "message");

    if (gst_structure_has_name (s, "peerjs-error")
        && g_strcmp0 (gst_structure_get_string (s, "type"), e->type) == 0
        && message && strstr (message, e->needle)
        && (!e->peer_id || g_strcmp0 (gst_structure_get_string (s,
                    "peer-id"), e->peer_id) == 0))
      e->found = gst_structure_copy (s);
  }
  g_mutex_unlock (&e->m->lock);
  return e->found != NULL;
}

typedef struct
{
  Member *alice;
  Proxy *proxy;
  guint cases, handled;
} Run;

/* Injects @frame (taken) into alice's socket and waits for its error:
 * a peerjs-error of @type whose message has @needle (with @peer_id when
 * given), or, with @type NULL, a GST_WARNING line with @needle. */
static gboolean
hostile (Run * run, const gchar * what, gchar * frame, const gchar * type,
    const gchar * needle, const gchar * peer_id)
{
  Expect e = { run->alice, n_messages (run->alice), type, needle, peer_id,
    NULL
  };
  gboolean ok;

  if (!type)
    watch_warning (needle);
  run->cases++;
  fail_unless_equals_int (inject (run->proxy, "alice", frame), 1);
  ok = wait_until (expected_seen, &e, CASE_TIMEOUT_MS);
  if (ok) {
    run->handled++;
    if (e.found) {
      GST_INFO ("%s: peerjs-error %" GST_PTR_FORMAT, what, e.found);
      gst_structure_free (e.found);
    } else {
      GST_INFO ("%s: warning '%s'", what, needle);
    }
  } else {
    guint i;

    GST_ERROR ("%s: no %s '%s'", what, type ? type : "warning", needle);
    g_mutex_lock (&run->alice->lock);
    for (i = e.from; i < run->alice->messages->len; i++)
      GST_ERROR ("  alice posted %" GST_PTR_FORMAT,
          g_ptr_array_index (run->alice->messages, i));
    g_mutex_unlock (&run->alice->lock);
  }
  return ok;
}

/* An OFFER or ANSWER (@type) from @src to alice */
static gchar *
sdp_frame (const gchar * type, const gchar * src, const gchar * connection_id,
    const gchar * sdp)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root;
  gchar *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "src");
  json_builder_add_string_value (b, src);
  json_builder_set_member_name (b, "dst");
  json_builder_add_string_value (b, "alice");
  json_builder_set_member_name (b, "payload");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sdp");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, g_str_equal (type, "OFFER") ? "offer" :
      "answer");
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "media");
  json_builder_set_member_name (b, "connectionId");
  json_builder_add_string_value (b, connection_id);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return text;
}

#define offer_frame(src, cid, sdp) sdp_frame ("OFFER", src, cid, sdp)
#define answer_frame(src, cid, sdp) sdp_frame ("ANSWER", src, cid, sdp)

static gchar *
candidate_frame (const gchar * src, const gchar * connection_id, guint i,
    gint mline)
{
  return g_strdup_printf ("{\"type\":\"CANDIDATE\",\"src\":\"%s\","
      "\"dst\":\"alice\",\"payload\":{\"candidate\":{\"candidate\":"
      "\"candidate:%u 1 UDP 2122252543 192.0.2.%u %u typ host\","
      "\"sdpMLineIndex\":%d,\"sdpMid\":\"%d\"},\"type\":\"media\","
      "\"connectionId\":\"%s\"}}", src, i, 1 + i % 250, 10000 + i % 50000,
      mline, mline, connection_id);
}

static gdouble
rss_mb (void)
{
  gchar *status = NULL, *line;
  gdouble mb = -1;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      && (line = strstr (status, "VmRSS:")))
    mb = g_ascii_strtod (line + 6, NULL) / 1024.0;
  g_free (status);
  return mb;
}

/* Waits until alice's session has handled every frame injected so far:
 * frames are handled in order, so until it warns about @marker, a type
 * of its own. */
static void
flood_handled (Proxy * proxy, const gchar * marker)
{
  Expect e = { NULL, 0, NULL, marker, NULL, NULL };

  watch_warning (marker);
  fail_unless_equals_int (inject (proxy, "alice",
          g_strdup_printf ("{\"type\":\"%s\"}", marker)), 1);
  fail_unless (wait_until (expected_seen, &e, 30000),
      "alice's session did not get through the flood");
}

/* How many messages alice's session holds for the unknown connections
 * mc_unknown0..@n-1 from bob (claimed, so dropped). */
static guint
held_for_unknown (const gchar * uri, guint n)
{
  GstPeerJSSession *session;
  GError *error = NULL;
  guint i, held = 0;

  /* the room's own session: same server, key and ID */
  session = gst_peerjs_session_share_acquire (uri, GST_PEERJS_DEFAULT_KEY,
      "alice", NULL, &error);
  fail_unless (session != NULL, "%s", error ? error->message : "");
  for (i = 0; i < n; i++) {
    gchar *cid = g_strdup_printf ("mc_unknown%u", i);
    GList *l = gst_peerjs_session_claim_pending (session, "bob", cid);

    held += g_list_length (l);
    g_list_free_full (l, (GDestroyNotify) gst_peerjs_message_free);
    g_free (cid);
  }
  gst_peerjs_session_share_release (session, &held);
  return held;
}

static gboolean
reopened (gpointer data)
{
  Expect *e = data;
  guint i;
  gboolean again = FALSE;

  g_mutex_lock (&e->m->lock);
  for (i = e->from; i < e->m->messages->len && !again; i++) {
    GstStructure *s = g_ptr_array_index (e->m->messages, i);

    again = gst_structure_has_name (s, "peerjs-open");
  }
  g_mutex_unlock (&e->m->lock);
  return again;
}

static gboolean
offer_known (gpointer data)
{
  Proxy *proxy = data;
  gboolean known;

  g_mutex_lock (&proxy->lock);
  known = proxy->offer_sdp != NULL;
  g_mutex_unlock (&proxy->lock);
  return known;
}

/* The connection ID of alice's media call with bob (whoever called). */
static gchar *
live_call_id (Member * alice)
{
  GstStructure *s = last_message (alice, "peerjs-connection-state", "state",
      "connected");
  gchar *id;

  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "peer-id"), "bob");
  fail_unless_equals_string (gst_structure_get_string (s, "kind"), "media");
  id = g_strdup (gst_structure_get_string (s, "connection-id"));
  gst_structure_free (s);
  return id;
}

/* Whether every peerjs-connection-state of @connection_id says
 * connecting or connected. */
static gboolean
has_only_connected (Member * m, const gchar * connection_id)
{
  gboolean ok = TRUE;
  guint i;

  g_mutex_lock (&m->lock);
  for (i = 0; i < m->messages->len; i++) {
    GstStructure *s = g_ptr_array_index (m->messages, i);
    const gchar *state = gst_structure_get_string (s, "state");

    if (gst_structure_has_name (s, "peerjs-connection-state")
        && g_strcmp0 (gst_structure_get_string (s, "connection-id"),
            connection_id) == 0 && g_strcmp0 (state, "connected") != 0
        && g_strcmp0 (state, "connecting") != 0)
      ok = FALSE;
  }
  g_mutex_unlock (&m->lock);
  return ok;
}

static void
assert_no_error (Member * m)
{
  GstBus *bus = gst_element_get_bus (m->pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  GstState state;

  if (msg) {
    GError *err = NULL;
    gchar *debug = NULL;

    gst_message_parse_error (msg, &err, &debug);
    fail ("%s: ERROR on the bus: %s (%s)", m->id, err->message,
        GST_STR_NULL (debug));
  }
  gst_object_unref (bus);
  fail_unless_equals_int (gst_element_get_state (m->pipeline, &state, NULL,
          GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (state, GST_STATE_PLAYING);
}

GST_START_TEST (test_hostile_signalling)
{
  Member *m[2];
  Mesh mesh = { m, 2 };
  Gap gap_ab = { 0 }, gap_ba = { 0 };
  Run run = { 0 };
  Proxy *proxy;
  gchar *real_uri, *proxy_uri, *call_id, *offer_sdp, *big, *frame;
  GPtrArray *frames;
  gdouble rss0, rss1, rss2, gap_ms = 0;
  gint64 t0, recover_ms;
  guint i, sockets, held;
  GstDebugCategory *conn_debug;
  GstDebugLevel conn_level;
  Expect reopen;

  proxy = proxy_start (gst_peerjs_server_get_port (server));
  proxy_uri = g_strdup_printf ("ws://127.0.0.1:%u/", proxy->port);
  /* both rooms reach the server through the proxy only */
  real_uri = server_uri;
  server_uri = proxy_uri;
  /* aaron is listed but never comes: his OFFERs are a member's (and
   * alice leaves the calling to him, his ID is lower) */
  m[0] = member_new_with_video ("alice", "bob,aaron", NULL, SMALL_VIDEO);
  m[1] = member_new_with_video ("bob", "alice", NULL, SMALL_VIDEO);
  server_uri = real_uri;
  member_play (m[0]);
  member_play (m[1]);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS),
      "alice and bob do not exchange media through the proxy");
  fail_unless (wait_until (offer_known, proxy, 1000));
  call_id = live_call_id (m[0]);
  g_mutex_lock (&proxy->lock);
  offer_sdp = g_strdup (proxy->offer_sdp);
  g_mutex_unlock (&proxy->lock);
  warnings_setup ();
  g_mutex_init (&gap_ab.lock);
  g_mutex_init (&gap_ba.lock);
  watch_gap (m[1], "video_alice", &gap_ab);
  watch_gap (m[0], "video_bob", &gap_ba);
  measure_gap (&gap_ab, TRUE);
  measure_gap (&gap_ba, TRUE);

  run.alice = m[0];
  run.proxy = proxy;

  /* ---- frames the parser refuses ---- */
  hostile (&run, "malformed JSON", g_strdup ("{\"type\":\"OFFER\",\"src\":"),
      "server-error", "not JSON", NULL);
  hostile (&run, "empty frame", g_strdup (""), "server-error", "empty", NULL);
  hostile (&run, "not an object", g_strdup ("[\"OFFER\",1]"),
      "server-error", "not an object", NULL);
  hostile (&run, "type not a string", g_strdup ("{\"type\":42}"),
      "server-error", "type", NULL);
  hostile (&run, "src not a string",
      g_strdup ("{\"type\":\"LEAVE\",\"src\":[\"bob\"]}"), "server-error",
      "src", NULL);
  hostile (&run, "invalid src", g_strdup ("{\"type\":\"LEAVE\",\"src\":"
          "\"bob<script>\",\"dst\":\"alice\"}"), "server-error",
      "src is not a valid peer ID", NULL);
  hostile (&run, "payload not an object",
      g_strdup ("{\"type\":\"OFFER\",\"src\":\"bob\",\"dst\":\"alice\","
          "\"payload\":\"x\"}"), "server-error", "payload", NULL);
  hostile (&run, "sdp not a string",
      g_strdup ("{\"type\":\"OFFER\",\"src\":\"aaron\",\"dst\":\"alice\","
          "\"payload\":{\"sdp\":{\"type\":\"offer\",\"sdp\":5},"
          "\"type\":\"media\",\"connectionId\":\"mc_x\"}}"), "server-error",
      "sdp", NULL);
  hostile (&run, "connection type not a string",
      g_strdup ("{\"type\":\"OFFER\",\"src\":\"aaron\",\"dst\":\"alice\","
          "\"payload\":{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"},"
          "\"type\":{},\"connectionId\":\"mc_x\"}}"), "server-error",
      "type", NULL);
  hostile (&run, "candidate not an object",
      g_strdup ("{\"type\":\"CANDIDATE\",\"src\":\"bob\",\"dst\":\"alice\","
          "\"payload\":{\"candidate\":7,\"type\":\"media\","
          "\"connectionId\":\"mc_x\"}}"), "server-error", "candidate", NULL);
  hostile (&run, "invalid connectionId",
      g_strdup ("{\"type\":\"CANDIDATE\",\"src\":\"bob\",\"dst\":\"alice\","
          "\"payload\":{\"candidate\":{\"candidate\":\"x\",\"sdpMid\":\"0\"},"
          "\"type\":\"media\",\"connectionId\":\"../../mc\"}}"),
      "server-error", "connectionId", NULL);
  /* deeply nested JSON, under the size limit */
  big = g_malloc (60001);
  memset (big, '[', 30000);
  memset (big + 30000, ']', 30000);
  big[60000] = '\0';
  hostile (&run, "30000 nested arrays", big, "server-error", "", NULL);
  hostile (&run, "unknown type",
      g_strdup ("{\"type\":\"GIMME-MEDIA\",\"src\":\"bob\"}"), NULL,
      "not a PeerJS message type", NULL);
  hostile (&run, "server ERROR while registered",
      g_strdup ("{\"type\":\"ERROR\",\"payload\":{\"msg\":\"boom\"}}"),
      "server-error", "boom", NULL);
  /* refusals answer a registration: mid-session they must not end it */
  hostile (&run, "ID-TAKEN while registered",
      g_strdup ("{\"type\":\"ID-TAKEN\",\"payload\":{\"msg\":"
          "\"ID is taken\"}}"), "server-error", "Unexpected ID-TAKEN", NULL);
  hostile (&run, "INVALID-KEY while registered",
      g_strdup ("{\"type\":\"INVALID-KEY\",\"payload\":{\"msg\":"
          "\"Invalid key provided\"}}"), "server-error",
      "Unexpected INVALID-KEY", NULL);
  /* a frame over the parser's limit that libsoup still takes: refused,
   * the socket stays */
  big = g_malloc (200 * 1024 + 1);
  memset (big, ' ', 200 * 1024);
  big[200 * 1024] = '\0';
  memcpy (big, "{\"type\":\"OFFER\",\"x\":\"", 21);
  big[200 * 1024 - 2] = '"';
  big[200 * 1024 - 1] = '}';
  hostile (&run, "200 KB frame", big, "server-error", "more than the limit",
      NULL);

  phase_done (&gap_ab, &gap_ba, "frames the parser refuses", &gap_ms);

  /* ---- offers ---- */
  hostile (&run, "garbage SDP from a member",
      offer_frame ("aaron", "mc_garbage1", "this is not SDP"), "webrtc",
      "unreadable SDP", "aaron");
  hostile (&run, "garbage SDP from the connected peer",
      offer_frame ("bob", "mc_garbage2", "v=0\r\nm=garbage\r\n"), "webrtc",
      "unreadable SDP", "bob");
  hostile (&run, "OFFER reusing the live call's connection ID",
      offer_frame ("bob", call_id, offer_sdp), NULL, "duplicate OFFER", NULL);
  hostile (&run, "OFFER from a stranger", offer_frame ("mallory",
          "mc_stranger", offer_sdp), "rejected-call", "not a member",
      "mallory");
  /* a CANDIDATE before any OFFER is kept (peerjs does so too) and handed
   * to the connection the OFFER makes; this one names an m-line that
   * offer does not have */
  fail_unless_equals_int (inject (proxy, "alice",
          g_strdup ("{\"type\":\"CANDIDATE\",\"src\":\"aaron\",\"dst\":"
              "\"alice\",\"payload\":{\"candidate\":{\"candidate\":"
              "\"candidate:1 1 UDP 2122252543 192.0.2.1 9 typ host\","
              "\"sdpMid\":\"nosuchmid\"},\"type\":\"media\","
              "\"connectionId\":\"mc_aaron1\"}}")), 1);
  hostile (&run, "CANDIDATE before its OFFER",
      offer_frame ("aaron", "mc_aaron1", offer_sdp), NULL,
      "candidate for unknown mid 'nosuchmid'", NULL);
  hostile (&run, "the same OFFER twice", offer_frame ("aaron", "mc_aaron1",
          offer_sdp), NULL, "duplicate OFFER", NULL);
  hostile (&run, "ANSWER for a connection never offered",
      answer_frame ("bob", "mc_neveroffered", offer_sdp), NULL,
      "ANSWER for unknown connection", NULL);
  hostile (&run, "a second ANSWER for the live call",
      answer_frame ("bob", call_id, offer_sdp), NULL, "unexpected ANSWER",
      NULL);
  hostile (&run, "EXPIRE for a member", g_strdup ("{\"type\":\"EXPIRE\","
          "\"src\":\"aaron\",\"dst\":\"alice\"}"), "peer-unavailable", "",
      "aaron");

  phase_done (&gap_ab, &gap_ba, "offers and answers", &gap_ms);

  /* ---- candidate floods ---- */
  /* what reaches webrtcbin: add_remote_candidate () logs each one */
  conn_debug = debug_category ("peerjsconnection");
  fail_unless (conn_debug != NULL);
  conn_level = gst_debug_category_get_threshold (conn_debug);
  gst_debug_category_set_threshold (conn_debug, GST_LEVEL_LOG);
  g_atomic_int_set (&candidates_applied, 0);
  rss0 = rss_mb ();
  watch_warning ("too many remote candidates");
  frames = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < FLOOD; i++)
    g_ptr_array_add (frames, candidate_frame ("bob", call_id, i, i % 2));
  run.cases++;
  fail_unless_equals_int (inject_frames (proxy, "alice", frames), FLOOD);
  watch_warning ("too many unclaimed messages");
  frames = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < FLOOD; i++) {
    gchar *cid = g_strdup_printf ("mc_unknown%u", i % 100);

    g_ptr_array_add (frames, candidate_frame ("bob", cid, i, 0));
    g_free (cid);
  }
  run.cases++;
  fail_unless_equals_int (inject_frames (proxy, "alice", frames), FLOOD);
  /* the floods are parsed and handled */
  flood_handled (proxy, "FLOOD-END-1");
  rss1 = rss_mb ();
  run.handled += warnings_of ("too many remote candidates") > 0;
  run.handled += warnings_of ("too many unclaimed messages") > 0;
  GST_INFO ("floods: %u and %u warnings", warnings_of
      ("too many remote candidates"), warnings_of
      ("too many unclaimed messages"));

  /* again: what is held is bounded, a second flood adds nothing */
  frames = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < FLOOD; i++)
    g_ptr_array_add (frames, candidate_frame ("bob", call_id, FLOOD + i,
            i % 2));
  fail_unless_equals_int (inject_frames (proxy, "alice", frames), FLOOD);
  frames = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < FLOOD; i++) {
    gchar *cid = g_strdup_printf ("mc_unknown%u", 100 + i % 100);

    g_ptr_array_add (frames, candidate_frame ("bob", cid, i, 0));
    g_free (cid);
  }
  fail_unless_equals_int (inject_frames (proxy, "alice", frames), FLOOD);
  flood_handled (proxy, "FLOOD-END-2");
  rss2 = rss_mb ();
  gst_debug_category_set_threshold (conn_debug, conn_level);
  GST_INFO ("%u of the live call's bogus candidates reached webrtcbin",
      g_atomic_int_get (&candidates_applied));
  held = held_for_unknown (proxy_uri, 200);
  GST_INFO ("%u messages held for 200 unknown connections", held);
  GST_INFO ("RSS %.1f MB, after the floods %.1f MB, after the second %.1f MB",
      rss0, rss1, rss2);

  phase_done (&gap_ab, &gap_ba, "the candidate floods", &gap_ms);

  /* ---- a 10 MB frame: libsoup refuses it and closes the socket; the
   * session reconnects ---- */
  big = g_malloc (10 * 1024 * 1024 + 1);
  memset (big, 'x', 10 * 1024 * 1024);
  big[10 * 1024 * 1024] = '\0';
  memcpy (big, "{\"type\":\"OFFER\",\"x\":\"", 21);
  big[10 * 1024 * 1024 - 2] = '"';
  big[10 * 1024 * 1024 - 1] = '}';
  g_mutex_lock (&proxy->lock);
  sockets = proxy->alice_sockets;
  g_mutex_unlock (&proxy->lock);
  reopen.m = m[0];
  reopen.from = n_messages (m[0]);
  watch_warning ("larger than");
  t0 = g_get_monotonic_time ();
  fail_unless (hostile (&run, "10 MB frame", big, "network",
          "larger than configured max-incoming-payload-size", NULL));
  fail_unless (wait_until (reopened, &reopen, 15000),
      "alice did not register again after the 10 MB frame");
  recover_ms = (g_get_monotonic_time () - t0) / 1000;
  fail_unless (warnings_of ("larger than") > 0,
      "no warning says the frame was too large");
  g_mutex_lock (&proxy->lock);
  fail_unless (proxy->alice_sockets > sockets);
  g_mutex_unlock (&proxy->lock);
  GST_INFO ("registered again %" G_GINT64_FORMAT " ms after the 10 MB frame",
      recover_ms);

  /* the new socket works: a hostile frame on it is reported again */
  frame = offer_frame ("aaron", "mc_garbage3", "still not SDP");
  hostile (&run, "garbage SDP after the reconnect", frame, "webrtc",
      "unreadable SDP", "aaron");

  phase_done (&gap_ab, &gap_ba, "the 10 MB frame and the reconnect", &gap_ms);

  /* ---- the legitimate pair never noticed ---- */
  assert_flow (m[1], "alice", TRUE, FLOW_TIMEOUT_MS);
  assert_flow (m[0], "bob", TRUE, FLOW_TIMEOUT_MS);
  phase_done (&gap_ab, &gap_ba, "the checks after", &gap_ms);
  GST_INFO ("%u of %u hostile inputs reported; longest video gap %.0f ms",
      run.handled, run.cases, gap_ms);
  /* the very call of the start: never replaced, never dropped */
  frame = live_call_id (m[0]);
  fail_unless_equals_string (frame, call_id);
  g_free (frame);
  fail_unless (has_only_connected (m[0], call_id),
      "alice's call with bob was disturbed");
  fail_if (has_message (m[0], "peerjs-peer-left", "peer-id", "bob"));
  fail_if (has_message (m[1], "peerjs-peer-left", "peer-id", "alice"));
  assert_no_error (m[0]);
  assert_no_error (m[1]);

  fail_unless (reliability_check ("signalling-hostile-unreported",
          run.cases - run.handled, ""));
  fail_unless (reliability_check ("signalling-hostile-gap", gap_ms, "ms"));
  fail_unless (reliability_check ("signalling-flood-rss", rss2 - rss0, "MB"));
  fail_unless (reliability_check ("signalling-flood-held", held, ""));
  fail_unless (reliability_check ("signalling-flood-ice-candidates",
          g_atomic_int_get (&candidates_applied), ""));
  fail_unless (reliability_check ("signalling-giant-frame-recovery",
          recover_ms, "ms"));

  member_free (m[0]);
  member_free (m[1]);
  proxy_stop (proxy);
  g_free (proxy_uri);
  g_free (call_id);
  g_free (offer_sdp);
  g_mutex_clear (&gap_ab.lock);
  g_mutex_clear (&gap_ba.lock);
  warnings_teardown ();
}

GST_END_TEST;

/* how many `peerjs-data-connection` @m posted about @peer in @state with
 * @reason (NULL: any) */
static guint
count_data_connections (Member * m, const gchar * peer, const gchar * state,
    const gchar * reason)
{
  guint i, n = 0;

  g_mutex_lock (&m->lock);
  for (i = 0; i < m->messages->len; i++) {
    GstStructure *s = g_ptr_array_index (m->messages, i);

    n += gst_structure_has_name (s, "peerjs-data-connection")
        && !g_strcmp0 (gst_structure_get_string (s, "peer-id"), peer)
        && !g_strcmp0 (gst_structure_get_string (s, "state"), state)
        && (!reason
        || !g_strcmp0 (gst_structure_get_string (s, "reason"), reason));
  }
  g_mutex_unlock (&m->lock);
  return n;
}

static gboolean
control_open_after_two_failed (gpointer data)
{
  Member *alice = data;

  return count_data_connections (alice, "bob", "closed", "timeout") == 2
      && count_data_connections (alice, "bob", "open", NULL) == 1;
}

static gboolean
announced_by_bob (gpointer data)
{
  GstStructure *s = last_message (data, "peerjs-track-state", "peer-id",
      "bob");
  gboolean announced = s
      && !g_strcmp0 (gst_structure_get_string (s, "source"), "announcement");

  if (s)
    gst_structure_free (s);
  return announced;
}

/* The control connection alice opens to bob never connects: the server's
 * ANSWERs to it are lost twice. Each attempt fails at the connection
 * timeout and alice opens another (gstpeerjsdatahub.c, CONTROL_RETRIES);
 * the third connects and carries bob's track state. The media call is
 * never touched. */
GST_START_TEST (test_lost_data_answers)
{
  Member *m[2];
  Mesh mesh = { m, 2 };
  Proxy *proxy;
  gchar *real_uri, *proxy_uri;
  GstStructure *open;
  gboolean outgoing = FALSE;
  gint64 t0, open_ms;

  proxy = proxy_start (gst_peerjs_server_get_port (server));
  proxy->lose_data_answers = 2;
  proxy_uri = g_strdup_printf ("ws://127.0.0.1:%u/", proxy->port);
  real_uri = server_uri;
  server_uri = proxy_uri;
  /* alice's ID is lower: she calls, and opens the control connection */
  m[0] = member_new_with_video ("alice", "bob", "connection-timeout=4000",
      SMALL_VIDEO);
  m[1] = member_new_with_video ("bob", "alice", NULL, SMALL_VIDEO);
  server_uri = real_uri;
  t0 = g_get_monotonic_time ();
  member_play (m[0]);
  member_play (m[1]);
  fail_unless (wait_until (all_pairs_flow, &mesh, FLOW_TIMEOUT_MS),
      "alice and bob do not exchange media through the proxy");
  fail_unless (wait_until (control_open_after_two_failed, m[0], 30000),
      "alice: %u control connections timed out, %u open",
      count_data_connections (m[0], "bob", "closed", "timeout"),
      count_data_connections (m[0], "bob", "open", NULL));
  open_ms = (g_get_monotonic_time () - t0) / 1000;
  GST_INFO ("control connection open after two lost ANSWERs: %"
      G_GINT64_FORMAT " ms", open_ms);
  g_mutex_lock (&proxy->lock);
  fail_unless_equals_int (proxy->lost_data_answers, 2);
  g_mutex_unlock (&proxy->lock);
  open = last_message (m[0], "peerjs-data-connection", "state", "open");
  fail_unless_equals_string (gst_structure_get_string (open, "reason"),
      "control");
  fail_unless (gst_structure_get_boolean (open, "outgoing", &outgoing));
  fail_unless (outgoing);
  gst_structure_free (open);
  /* bob's announcement reached alice over it */
  fail_unless (wait_until (announced_by_bob, m[0], 5000),
      "no track state announced by bob");
  /* the call was never touched */
  fail_if (has_message (m[0], "peerjs-peer-left", "peer-id", "bob"));
  assert_no_error (m[0]);
  assert_no_error (m[1]);
  fail_unless (reliability_check ("signalling-lost-data-answers", open_ms,
          "ms"));

  member_free (m[0]);
  member_free (m[1]);
  proxy_stop (proxy);
  g_free (proxy_uri);
}

GST_END_TEST;

static Suite *
peerjshostile_suite (void)
{
  Suite *s = suite_create ("peerjshostile");
  TCase *tc = tcase_create ("hostile");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, server_setup, server_teardown);
  tcase_set_timeout (tc, 110);
  tcase_add_test (tc, test_hostile_signalling);
  tcase_add_test (tc, test_lost_data_answers);
  return s;
}

GST_CHECK_MAIN (peerjshostile);
