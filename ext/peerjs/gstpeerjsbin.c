/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstpeerjsbin
 * @title: GstPeerJSBin
 * @short_description: base of peerjsroom, peerjssink and peerjssrc
 *
 * #GstPeerJSBin owns what every PeerJS element shares: the properties that
 * say where the PeerJS server is and who we are on it, and the signalling
 * session. A subclass only says whether it sends and whether it receives.
 *
 * When the element goes from READY to PAUSED it registers its
 * #GstPeerJSBin:peer-id on the #GstPeerJSBin:server. Registration and
 * every later event are posted on the bus:
 *
 * ## Element messages
 *
 * `peerjs-open`: the ID is registered (again, after a reconnect).
 *
 * - `peer-id` (string): the registered ID (the server's choice when
 *   #GstPeerJSBin:peer-id is empty)
 * - `reconnect` (boolean): %TRUE when this registration follows a lost
 *   connection to the server
 *
 * `peerjs-error`: a PeerJS error that the element survives (the
 * connection to the server dropped and is being re-established, an
 * unreadable message from the server was dropped).
 *
 * - `type` (string): the PeerJS error type (`network`, `server-error`, …)
 * - `message` (string): what happened
 *
 * ## Errors
 *
 * Fatal errors are %GST_MESSAGE_ERROR messages whose #GError is in the
 * %GST_PEERJS_ERROR domain, the code telling which PeerJS error type it
 * is: the ID is taken (%GST_PEERJS_ERROR_UNAVAILABLE_ID), the ID is
 * invalid, the key is refused, the server cannot be reached
 * (%GST_PEERJS_ERROR_NETWORK) or its certificate is not trusted
 * (%GST_PEERJS_ERROR_SSL_UNAVAILABLE).
 *
 * Since: 1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsbin.h"
#include "gstpeerjsfanout.h"
#include "gstpeerjsmesh.h"
#include "gstpeerjstrackwatch.h"
#include "gstpeerjstable.h"
#include "gstpeerjsstats.h"
#include "gstpeerjspad.h"
#include "gstpeerjspolicy.h"
#include "gstpeerjssessionshare.h"

#define GST_CAT_DEFAULT peerjs_bin_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

#define DEFAULT_SERVER GST_PEERJS_DEFAULT_SERVER
#define DEFAULT_KEY GST_PEERJS_DEFAULT_KEY
#define DEFAULT_PEER_ID NULL
#define DEFAULT_STUN_SERVER NULL
#define DEFAULT_TLS_CA_FILE NULL
#define DEFAULT_PEERS NULL
#define DEFAULT_ROOM_ID NULL
#define DEFAULT_MAX_PEERS 4
#define DEFAULT_CALL_POLICY GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS
#define DEFAULT_LATENCY 50
#define DEFAULT_VIDEO_CODEC GST_PEERJS_VIDEO_CODEC_VP8
#define DEFAULT_VIDEO_BITRATE GST_PEERJS_DEFAULT_VIDEO_BITRATE
#define DEFAULT_MIN_BITRATE GST_PEERJS_DEFAULT_MIN_BITRATE
#define DEFAULT_MAX_BITRATE 0
#define DEFAULT_CONNECTION_TIMEOUT 10000
#define DEFAULT_VIDEO_ENABLED TRUE
#define DEFAULT_AUDIO_ENABLED TRUE
#define DEFAULT_TABLE FALSE
#define DEFAULT_LABELS NULL
#define DEFAULT_TABLE_STATS FALSE
#define DEFAULT_STATS_INTERVAL 1000

enum
{
  PROP_0,
  PROP_SERVER,
  PROP_KEY,
  PROP_PEER_ID,
  PROP_STUN_SERVER,
  PROP_TURN_SERVERS,
  PROP_TLS_CA_FILE,
  PROP_PEERS,
  PROP_ROOM_ID,
  PROP_MAX_PEERS,
  PROP_CALL_POLICY,
  PROP_LATENCY,
  PROP_VIDEO_CODEC,
  PROP_VIDEO_BITRATE,
  PROP_MIN_BITRATE,
  PROP_MAX_BITRATE,
  PROP_CONNECTION_TIMEOUT,
  PROP_VIDEO_ENABLED,
  PROP_AUDIO_ENABLED,
  /* peerjsroom and peerjssrc only (gst_peerjs_bin_class_add_table) */
  PROP_TABLE,
  PROP_LABELS,
  PROP_TABLE_WIDTH,
  PROP_TABLE_HEIGHT,
  PROP_TABLE_FRAMERATE,
  PROP_TABLE_STATS,
  PROP_STATS_INTERVAL,
};

enum
{
  SIGNAL_ADD_PEER,
  SIGNAL_REMOVE_PEER,
  SIGNAL_SEND_DATA,
  SIGNAL_SEND_JSON,
  SIGNAL_CONNECT_DATA,
  SIGNAL_CLOSE_DATA,
  SIGNAL_DATA_RECEIVED,
  LAST_SIGNAL
};

static guint bin_signals[LAST_SIGNAL];

static GstStaticPadTemplate video_sink_template =
GST_STATIC_PAD_TEMPLATE ("video_sink", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("video/x-raw"));
static GstStaticPadTemplate audio_sink_template =
GST_STATIC_PAD_TEMPLATE ("audio_sink", GST_PAD_SINK, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("audio/x-raw"));
static GstStaticPadTemplate video_src_template =
GST_STATIC_PAD_TEMPLATE ("video_%s", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("video/x-raw"));
static GstStaticPadTemplate audio_src_template =
GST_STATIC_PAD_TEMPLATE ("audio_%s", GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("audio/x-raw"));
/* there while table=true */
static GstStaticPadTemplate table_video_template =
GST_STATIC_PAD_TEMPLATE ("table_video", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw"));
static GstStaticPadTemplate table_audio_template =
GST_STATIC_PAD_TEMPLATE ("table_audio", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("audio/x-raw"));

typedef struct
{
  /* GST_OBJECT_LOCK */
  gchar *server;
  gchar *key;
  gchar *peer_id;
  gchar *stun_server;
  GPtrArray *turn_servers;
  gchar *tls_ca_file;
  gchar *registered_id;
  gchar **peers;                /* valid IDs, sorted */
  gboolean all_peers;           /* peers=* */
  gchar *room_id;
  guint max_peers;
  GstPeerJSCallPolicy call_policy;
  guint latency;
  GstPeerJSVideoCodec video_codec;
  guint video_bitrate;
  guint min_bitrate, max_bitrate;       /* the rate control's bounds */
  guint connection_timeout;
  gboolean video_enabled, audio_enabled;
  GstPeerJSMesh *mesh;
  GstPeerJSDataHub *data;       /* the mesh's */
  guint stats_interval;         /* ms, 0: off */
  GstPeerJSStats *stats;        /* while running, when stats-interval > 0 */
  GstPeerJSTrackWatch *watch;
  gchar *labels;
  gint table_width, table_height, table_fps_n, table_fps_d;
  gboolean table_stats;
  GstPeerJSTable *table;        /* while table=true */

  /* state-change and pad-request threads */
  GstPeerJSSession *session;
  GstPeerJSFanout *fanout;
  gboolean opened_once;
} GstPeerJSBinPrivate;

#define gst_peerjs_bin_parent_class parent_class
G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (GstPeerJSBin, gst_peerjs_bin,
    GST_TYPE_BIN);

static void
post_element_message (GstPeerJSBin * self, GstStructure * s)
{
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

static GstPeerJSTable *running_table (GstPeerJSBin * self);

static void
on_session_open (GstPeerJSSession * session, const gchar * peer_id,
    GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTable *table;
  gboolean reconnect;

  GST_OBJECT_LOCK (self);
  reconnect = priv->opened_once;
  priv->opened_once = TRUE;
  g_free (priv->registered_id);
  priv->registered_id = g_strdup (peer_id);
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "registered as '%s'%s", peer_id,
      reconnect ? " again" : "");
  if ((table = running_table (self))) {
    gst_peerjs_table_set_local_id (table, peer_id);
    gst_object_unref (table);
  }
  post_element_message (self, gst_structure_new ("peerjs-open",
          "peer-id", G_TYPE_STRING, peer_id,
          "reconnect", G_TYPE_BOOLEAN, reconnect, NULL));
}

/* The user-facing text of a fatal error: what went wrong and what to do. */
static gchar *
fatal_error_text (GstPeerJSBin * self, const GError * error)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  gchar *text;

  GST_OBJECT_LOCK (self);
  switch (error->code) {
    case GST_PEERJS_ERROR_UNAVAILABLE_ID:
      text = g_strdup_printf ("The peer ID \"%s\" is taken on the PeerJS "
          "server %s: another client is registered with it. Choose another "
          "peer-id, or stop the other client.", GST_STR_NULL (priv->peer_id),
          priv->server);
      break;
    case GST_PEERJS_ERROR_INVALID_ID:
      text = g_strdup_printf ("The peer ID \"%s\" is invalid: PeerJS IDs "
          "are letters and digits, with single spaces, '-' or '_' between "
          "them.", GST_STR_NULL (priv->peer_id));
      break;
    case GST_PEERJS_ERROR_INVALID_KEY:
      text = g_strdup_printf ("The PeerJS server %s refused the key: set the "
          "key property to the server's key.", priv->server);
      break;
    case GST_PEERJS_ERROR_NETWORK:
      text = g_strdup_printf ("Could not reach the PeerJS server %s: check "
          "the server property and that the server is running.", priv->server);
      break;
    case GST_PEERJS_ERROR_SSL_UNAVAILABLE:
      text = g_strdup_printf ("Could not set up TLS with the PeerJS server "
          "%s: if it uses a self-signed certificate, set tls-ca-file to the "
          "CA that signed it.", priv->server);
      break;
    default:
      text = g_strdup_printf ("The PeerJS server %s refused us: %s",
          priv->server, error->message);
      break;
  }
  GST_OBJECT_UNLOCK (self);
  return text;
}

static void
post_fatal_error (GstPeerJSBin * self, const GError * error)
{
  gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR,
      error->domain, error->code, fatal_error_text (self, error),
      g_strdup_printf ("%s: %s", gst_peerjs_error_type_name (error->code),
          error->message), __FILE__, GST_FUNCTION, __LINE__);
}

static void
on_session_error (GstPeerJSSession * session, const GError * error,
    gboolean fatal, GstPeerJSBin * self)
{
  if (fatal) {
    post_fatal_error (self, error);
    return;
  }

  GST_INFO_OBJECT (self, "%s: %s", gst_peerjs_error_type_name (error->code),
      error->message);
  post_element_message (self, gst_structure_new ("peerjs-error",
          "type", G_TYPE_STRING, gst_peerjs_error_type_name (error->code),
          "message", G_TYPE_STRING, error->message, NULL));
}

typedef struct
{
  GstPeerJSBin *bin;
  GstPeerJSSession *session;
} CatchUp;

static void
catch_up_free (CatchUp * c)
{
  gst_object_unref (c->bin);
  gst_object_unref (c->session);
  g_free (c);
}

/* We joined a session that another element of this process opened (same
 * ID): "open" came before we listened, but we post peerjs-open too. On the
 * session thread, after any "open" that raced with our connecting. */
static gboolean
catch_up_open (gpointer user_data)
{
  CatchUp *c = user_data;
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (c->bin);
  gboolean posted;
  gchar *id;

  /* not listening any more: stopped meanwhile */
  if (gst_peerjs_session_get_state (c->session) !=
      GST_PEERJS_SESSION_STATE_OPEN || !g_signal_handler_find (c->session,
          G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
          on_session_open, c->bin))
    return G_SOURCE_REMOVE;
  GST_OBJECT_LOCK (c->bin);
  posted = priv->registered_id != NULL;
  GST_OBJECT_UNLOCK (c->bin);
  if (!posted) {
    id = gst_peerjs_session_get_id (c->session);
    on_session_open (c->session, id, c->bin);
    g_free (id);
  }
  return G_SOURCE_REMOVE;
}

/* The session of our ID: shared with the other elements of this process
 * that register the same ID on the same server (the server keeps one
 * socket per ID), so never parented to us. */
static gboolean
start_session (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSSession *session;
  gchar *server, *key, *peer_id, *tls_ca_file;
  GMainContext *context;
  GError *error = NULL;
  CatchUp *c;

  GST_OBJECT_LOCK (self);
  server = g_strdup (priv->server);
  key = g_strdup (priv->key);
  peer_id = g_strdup (priv->peer_id);
  tls_ca_file = g_strdup (priv->tls_ca_file);
  priv->opened_once = FALSE;
  GST_OBJECT_UNLOCK (self);

  session = gst_peerjs_session_share_acquire (server, key, peer_id,
      tls_ca_file, &error);
  g_free (server);
  g_free (key);
  g_free (peer_id);
  g_free (tls_ca_file);
  if (!session) {
    post_fatal_error (self, error);
    g_error_free (error);
    return FALSE;
  }

  g_signal_connect (session, "open", G_CALLBACK (on_session_open), self);
  g_signal_connect (session, "error", G_CALLBACK (on_session_error), self);
  priv->session = session;

  context = gst_peerjs_session_get_context (session);
  if (context) {
    c = g_new0 (CatchUp, 1);
    c->bin = gst_object_ref (self);
    c->session = gst_object_ref (session);
    g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, catch_up_open,
        c, (GDestroyNotify) catch_up_free);
    g_main_context_unref (context);
  }
  return TRUE;
}

static void
stop_session (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);

  if (!priv->session)
    return;

  /* unregisters the ID if no other element uses the session */
  gst_peerjs_session_share_release (priv->session, self);
  priv->session = NULL;

  GST_OBJECT_LOCK (self);
  g_clear_pointer (&priv->registered_id, g_free);
  GST_OBJECT_UNLOCK (self);
}

/* ---- the members' pads ---- */

#define GHOST_KEY "gst-peerjs-ghost"

/* The running element's track watch (transfer full), or NULL. */
static GstPeerJSTrackWatch *
running_watch (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTrackWatch *watch;

  GST_OBJECT_LOCK (self);
  watch = priv->watch ? gst_object_ref (priv->watch) : NULL;
  GST_OBJECT_UNLOCK (self);
  return watch;
}

/* After the mesh: `peerjs-stats` every stats-interval, when set. */
static void
start_stats (GstPeerJSBin * self, GstPeerJSMesh * mesh)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GMainContext *context = gst_peerjs_session_get_context (priv->session);
  GstPeerJSStats *stats = NULL;
  gchar *room_id;
  guint interval;

  GST_OBJECT_LOCK (self);
  interval = priv->stats_interval;
  room_id = g_strdup (priv->room_id);
  GST_OBJECT_UNLOCK (self);

  if (interval > 0 && context)
    stats = gst_peerjs_stats_new (GST_ELEMENT (self), mesh, context, room_id,
        interval);
  g_free (room_id);
  if (context)
    g_main_context_unref (context);

  GST_OBJECT_LOCK (self);
  priv->stats = stats;
  GST_OBJECT_UNLOCK (self);
}

/* Before the mesh stops: no stats request is made after this. */
static void
stop_stats (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSStats *stats;

  GST_OBJECT_LOCK (self);
  stats = priv->stats;
  priv->stats = NULL;
  GST_OBJECT_UNLOCK (self);
  if (stats) {
    gst_peerjs_stats_stop (stats);
    gst_object_unref (stats);
  }
}

/* ---- the game table ---- */

/* The running element's table (transfer full), or NULL. */
static GstPeerJSTable *
running_table (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTable *table;

  GST_OBJECT_LOCK (self);
  table = priv->table ? gst_object_ref (priv->table) : NULL;
  GST_OBJECT_UNLOCK (self);
  return table;
}

static const gchar *
table_pad_name (GstPeerJSTrackKind kind)
{
  return kind == GST_PEERJS_TRACK_VIDEO ? "table_video" : "table_audio";
}

/* table=true: the always pads, without a target until the element starts
 * (the table is built then, with the settings of that time). */
static void
set_table_pads (GstPeerJSBin * self, gboolean table)
{
  GstElementClass *klass = GST_ELEMENT_GET_CLASS (self);
  GstPeerJSTrackKind kind;

  for (kind = GST_PEERJS_TRACK_AUDIO; kind <= GST_PEERJS_TRACK_VIDEO; kind++) {
    const gchar *name = table_pad_name (kind);
    GstPad *pad = gst_element_get_static_pad (GST_ELEMENT (self), name);

    if (table && !pad) {
      pad = gst_ghost_pad_new_no_target_from_template (name,
          gst_element_class_get_pad_template (klass, name));
      gst_pad_set_active (pad, TRUE);
      gst_element_add_pad (GST_ELEMENT (self), pad);
    } else if (!table && pad) {
      gst_pad_set_active (pad, FALSE);
      gst_element_remove_pad (GST_ELEMENT (self), pad);
      gst_object_unref (pad);
    } else if (pad) {
      gst_object_unref (pad);
    }
  }
}

/* Our own camera and mic, first on the table. */
static void
put_local_on_table (GstPeerJSBin * self, GstPeerJSTable * table)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTrackKind kind;
  gchar *local_id;

  GST_OBJECT_LOCK (self);
  local_id = g_strdup (priv->peer_id ? priv->peer_id : "");
  GST_OBJECT_UNLOCK (self);

  for (kind = GST_PEERJS_TRACK_AUDIO; kind <= GST_PEERJS_TRACK_VIDEO; kind++) {
    GstPad *raw = priv->fanout ?
        gst_peerjs_fanout_request_raw_branch (priv->fanout, kind) : NULL;

    if (raw) {
      gst_peerjs_table_add_branch (table, local_id, TRUE, kind, raw, raw);
      gst_object_unref (raw);
    }
  }
  g_free (local_id);
}

/* READY to PAUSED, before the mesh starts. */
static gboolean
build_table (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTrackKind kind;
  GstPeerJSTable *table;
  gint width, height, fps_n, fps_d;
  gboolean show_stats;
  gchar *labels;
  guint latency;
  GstPad *pad;

  pad = gst_element_get_static_pad (GST_ELEMENT (self), "table_video");
  if (!pad)
    return TRUE;
  gst_object_unref (pad);

  GST_OBJECT_LOCK (self);
  labels = g_strdup (priv->room_id);
  latency = priv->latency;
  GST_OBJECT_UNLOCK (self);
  table = gst_peerjs_table_new (GST_BIN (self), labels, latency);
  g_free (labels);
  if (!table) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN, ("The game table needs "
            "the compositor, audiomixer and cairooverlay elements "
            "(gst-plugins-base, gst-plugins-good)."), (NULL));
    return FALSE;
  }

  GST_OBJECT_LOCK (self);
  width = priv->table_width;
  height = priv->table_height;
  fps_n = priv->table_fps_n;
  fps_d = priv->table_fps_d;
  labels = g_strdup (priv->labels);
  show_stats = priv->table_stats;
  GST_OBJECT_UNLOCK (self);
  gst_peerjs_table_set_format (table, width, height, fps_n, fps_d);
  gst_peerjs_table_set_labels (table, labels);
  gst_peerjs_table_set_show_stats (table, show_stats);
  g_free (labels);

  for (kind = GST_PEERJS_TRACK_AUDIO; kind <= GST_PEERJS_TRACK_VIDEO; kind++) {
    pad = gst_element_get_static_pad (GST_ELEMENT (self),
        table_pad_name (kind));
    gst_ghost_pad_set_target (GST_GHOST_PAD (pad),
        gst_peerjs_table_get_src (table, kind));
    gst_object_unref (pad);
  }
  put_local_on_table (self, table);

  GST_OBJECT_LOCK (self);
  priv->table = table;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* PAUSED to READY, after the mesh stopped. */
static void
drop_table (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTrackKind kind;
  GstPeerJSTable *table;

  GST_OBJECT_LOCK (self);
  table = priv->table;
  priv->table = NULL;
  GST_OBJECT_UNLOCK (self);
  if (!table)
    return;

  for (kind = GST_PEERJS_TRACK_AUDIO; kind <= GST_PEERJS_TRACK_VIDEO; kind++) {
    GstPad *pad = gst_element_get_static_pad (GST_ELEMENT (self),
        table_pad_name (kind));

    if (pad) {
      gst_ghost_pad_set_target (GST_GHOST_PAD (pad), NULL);
      gst_object_unref (pad);
    }
  }
  gst_peerjs_table_remove (table);
  gst_object_unref (table);
}

static void
on_inferred_track_state (GstPeerJSTrackWatch * watch, const gchar * peer_id,
    gboolean video, gboolean audio, GstPeerJSBin * self)
{
  GstPeerJSTable *table = running_table (self);

  if (table) {
    gst_peerjs_table_set_track_state (table, peer_id, video, audio);
    gst_object_unref (table);
  }
}

static void
on_stats (GstPeerJSStats * stats, const gchar * peer_id,
    const GstStructure * figures, GstPeerJSBin * self)
{
  GstPeerJSTable *table = running_table (self);

  if (table) {
    gst_peerjs_table_set_stats (table, peer_id, figures);
    gst_object_unref (table);
  }
}

static GstPadTemplate *
src_template_for (GstPeerJSBin * self, GstPeerJSTrackKind kind)
{
  return gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
      kind == GST_PEERJS_TRACK_VIDEO ? "video_%s" : "audio_%s");
}

static void
on_member_pad_added (GstPeerJSMesh * mesh, GstPad * target,
    const gchar * peer_id, GstPeerJSTrackKind kind, GstPeerJSBin * self)
{
  gchar *name = gst_peerjs_policy_pad_name (kind == GST_PEERJS_TRACK_VIDEO ?
      "video" : "audio", peer_id);
  GstPad *stale = gst_element_get_static_pad (GST_ELEMENT (self), name);
  GstPeerJSTrackWatch *watch;
  GstPeerJSTable *table;
  GstPad *pad;

  /* a member that called again before its old call was cleaned up */
  if (stale) {
    GST_INFO_OBJECT (self, "replacing pad %s", name);
    gst_element_remove_pad (GST_ELEMENT (self), stale);
    gst_object_unref (stale);
  }

  pad = gst_peerjs_pad_new (name, target, src_template_for (self, kind),
      peer_id);
  if (!pad) {
    GST_WARNING_OBJECT (self, "could not ghost %" GST_PTR_FORMAT, target);
    g_free (name);
    return;
  }
  gst_pad_set_active (pad, TRUE);
  GST_INFO_OBJECT (self, "member '%s': new pad %s", peer_id, name);
  g_object_set_data_full (G_OBJECT (target), GHOST_KEY, gst_object_ref (pad),
      gst_object_unref);
  gst_element_add_pad (GST_ELEMENT (self), pad);
  g_free (name);

  if ((watch = running_watch (self))) {
    gst_peerjs_track_watch_add_pad (watch, target, peer_id, kind);
    gst_object_unref (watch);
  }
  if ((table = running_table (self))) {
    GstElement *tee = gst_pad_get_parent_element (target);
    GstPad *branch = tee ? gst_element_request_pad_simple (tee, "src_%u") :
        NULL;

    if (branch) {
      gst_peerjs_table_add_branch (table, peer_id, FALSE, kind, branch, target);
      gst_object_unref (branch);
    }
    gst_clear_object (&tee);
    gst_object_unref (table);
  }
}

static void
on_member_pad_removed (GstPeerJSMesh * mesh, GstPad * target,
    GstPeerJSBin * self)
{
  /* the target may already be unlinked from its ghost: find the ghost
   * through what on_member_pad_added left on the target */
  GstPad *ghost = g_object_steal_data (G_OBJECT (target), GHOST_KEY);
  GstPeerJSTrackWatch *watch;
  GstPeerJSTable *table;

  if ((watch = running_watch (self))) {
    gst_peerjs_track_watch_remove_pad (watch, target);
    gst_object_unref (watch);
  }
  if ((table = running_table (self))) {
    gst_peerjs_table_remove_branch (table, target);
    gst_object_unref (table);
  }
  if (!ghost)
    return;
  GST_INFO_OBJECT (self, "removing pad %s", GST_PAD_NAME (ghost));
  gst_pad_set_active (ghost, FALSE);
  gst_element_remove_pad (GST_ELEMENT (self), ghost);
  gst_object_unref (ghost);
}

/* ---- data connections and the track state ---- */

static void
on_data_value (GstPeerJSDataHub * hub, const gchar * peer_id,
    const gchar * connection_id, const gchar * label,
    const gchar * serialization, GVariant * value, GstPeerJSBin * self)
{
  g_signal_emit (self, bin_signals[SIGNAL_DATA_RECEIVED], 0, peer_id,
      connection_id, label, serialization, value);
}

static void
on_track_state (GstPeerJSDataHub * hub, const gchar * peer_id,
    gboolean video, gboolean audio, GstPeerJSBin * self)
{
  GstPeerJSTrackWatch *watch;
  GstPeerJSTable *table;

  if ((watch = running_watch (self))) {
    gst_peerjs_track_watch_set_announced (watch, peer_id);
    gst_object_unref (watch);
  }
  if ((table = running_table (self))) {
    gst_peerjs_table_set_track_state (table, peer_id, video, audio);
    gst_object_unref (table);
  }
}

/* The running element's data hub (transfer full), or NULL and @error. */
static GstPeerJSDataHub *
running_hub (GstPeerJSBin * self, GError ** error)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSDataHub *hub;

  GST_OBJECT_LOCK (self);
  hub = priv->data ? gst_object_ref (priv->data) : NULL;
  GST_OBJECT_UNLOCK (self);
  if (!hub)
    g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_DISCONNECTED,
        "the element is not running (set it to PAUSED or PLAYING first)");
  return hub;
}

/* Action signals have no GError: a failure is logged and posted. */
static void
report_data_error (GstPeerJSBin * self, const gchar * target,
    const GError * error)
{
  GST_WARNING_OBJECT (self, "data for '%s': %s", GST_STR_NULL (target),
      error->message);
  post_element_message (self, gst_structure_new ("peerjs-error",
          "type", G_TYPE_STRING, "send-failed",
          "peer-id", G_TYPE_STRING, target ? target : "",
          "message", G_TYPE_STRING, error->message, NULL));
}

static gboolean
send_data (GstPeerJSBin * self, const gchar * target, GVariant * value)
{
  GstPeerJSDataHub *hub;
  GError *error = NULL;
  guint sent = 0;

  if (!value)
    g_set_error (&error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_UNSUPPORTED, "no value to send");
  else if ((hub = running_hub (self, &error))) {
    sent = gst_peerjs_data_hub_send (hub, target, value, &error);
    gst_object_unref (hub);
  }
  if (!sent) {
    report_data_error (self, target, error);
    g_error_free (error);
  }
  return sent > 0;
}

static gboolean
send_json (GstPeerJSBin * self, const gchar * target, const gchar * json)
{
  GError *error = NULL;
  GVariant *value = json ? gst_peerjs_value_from_json (json, -1, &error) : NULL;
  gboolean ok;

  if (json && !value) {
    report_data_error (self, target, error);
    g_error_free (error);
    return FALSE;
  }
  ok = send_data (self, target, value);
  if (value)
    g_variant_unref (value);
  return ok;
}

static gchar *
connect_data (GstPeerJSBin * self, const gchar * peer_id, const gchar * label,
    const gchar * serialization, gboolean reliable)
{
  GstPeerJSSerialization ser;
  GstPeerJSDataHub *hub = NULL;
  GError *error = NULL;
  gchar *id = NULL;

  if (!gst_peerjs_serialization_from_string (serialization, &ser))
    g_set_error (&error, GST_PEERJS_DATA_ERROR,
        GST_PEERJS_DATA_ERROR_UNSUPPORTED, "unknown serialization '%s': "
        "binary, json, raw or MsgPack", serialization);
  else if ((hub = running_hub (self, &error)))
    id = gst_peerjs_data_hub_open (hub, peer_id, label && *label ? label :
        NULL, ser, reliable, &error);
  if (hub)
    gst_object_unref (hub);
  if (!id) {
    report_data_error (self, peer_id, error);
    g_error_free (error);
  }
  return id;
}

static gboolean
close_data (GstPeerJSBin * self, const gchar * connection_id)
{
  GstPeerJSDataHub *hub = running_hub (self, NULL);
  gboolean closed;

  if (!hub)
    return FALSE;
  closed = connection_id && gst_peerjs_data_hub_close (hub, connection_id);
  gst_object_unref (hub);
  return closed;
}

/* Applies video-enabled/audio-enabled: the switches in the fan-out and
 * the announcement to every member. */
static void
apply_track_state (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSFanout *fanout;
  GstPeerJSDataHub *hub;
  GstPeerJSTable *table;
  gboolean video, audio;

  GST_OBJECT_LOCK (self);
  video = priv->video_enabled;
  audio = priv->audio_enabled;
  fanout = priv->fanout ? gst_object_ref (priv->fanout) : NULL;
  hub = priv->data ? gst_object_ref (priv->data) : NULL;
  GST_OBJECT_UNLOCK (self);

  if (fanout) {
    gst_peerjs_fanout_set_enabled (fanout, GST_PEERJS_TRACK_VIDEO, video);
    gst_peerjs_fanout_set_enabled (fanout, GST_PEERJS_TRACK_AUDIO, audio);
    /* what the members see: a track we do not have is off */
    video &= gst_peerjs_fanout_has_input (fanout, GST_PEERJS_TRACK_VIDEO);
    audio &= gst_peerjs_fanout_has_input (fanout, GST_PEERJS_TRACK_AUDIO);
    gst_object_unref (fanout);
  } else {
    video = audio = FALSE;
  }
  if (hub) {
    gst_peerjs_data_hub_set_track_state (hub, video, audio);
    gst_object_unref (hub);
  }
  if ((table = running_table (self))) {
    gst_peerjs_table_set_track_state (table, NULL, video, audio);
    gst_object_unref (table);
  }
}

/* ---- local media: request pads into the fan-out ---- */

static GstPad *
gst_peerjs_bin_request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  GstPeerJSBin *self = GST_PEERJS_BIN (element);
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTrackKind kind;
  GstPad *target, *pad;

  if (g_str_equal (templ->name_template, "video_sink"))
    kind = GST_PEERJS_TRACK_VIDEO;
  else if (g_str_equal (templ->name_template, "audio_sink"))
    kind = GST_PEERJS_TRACK_AUDIO;
  else
    return NULL;

  GST_OBJECT_LOCK (self);
  if (priv->session) {
    /* PeerJS never renegotiates: a track added mid-call would reach nobody */
    GST_OBJECT_UNLOCK (self);
    GST_ELEMENT_WARNING (self, CORE, PAD, ("Sink pads can only be requested "
            "before the element starts"), ("requested %s while running",
            templ->name_template));
    return NULL;
  }
  if (!priv->fanout) {
    priv->fanout = gst_peerjs_fanout_new (GST_BIN (self), priv->video_codec,
        priv->video_bitrate);
    gst_peerjs_fanout_set_bitrate_bounds (priv->fanout, priv->min_bitrate,
        priv->max_bitrate);
  }
  GST_OBJECT_UNLOCK (self);
  apply_track_state (self);

  target = gst_peerjs_fanout_add_input (priv->fanout, kind);
  if (!target) {
    GST_WARNING_OBJECT (self, "%s already requested", templ->name_template);
    return NULL;
  }

  pad = gst_ghost_pad_new_from_template (templ->name_template, target, templ);
  gst_object_unref (target);
  gst_pad_set_active (pad, TRUE);
  gst_element_add_pad (element, pad);
  return pad;
}

static void
gst_peerjs_bin_release_pad (GstElement * element, GstPad * pad)
{
  GstPeerJSBin *self = GST_PEERJS_BIN (element);
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTrackKind kind = g_str_equal (GST_PAD_NAME (pad), "video_sink") ?
      GST_PEERJS_TRACK_VIDEO : GST_PEERJS_TRACK_AUDIO;

  gst_object_ref (pad);
  gst_element_remove_pad (element, pad);
  if (priv->fanout)
    gst_peerjs_fanout_remove_input (priv->fanout, kind);
  gst_object_unref (pad);
}

/* ---- the mesh ---- */

static void
start_mesh (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSBinClass *klass = GST_PEERJS_BIN_GET_CLASS (self);
  GstPeerJSMeshConfig config = { 0, };
  GstPeerJSMesh *mesh;
  gchar **peers;

  GST_OBJECT_LOCK (self);
  config.element = GST_ELEMENT (self);
  config.session = priv->session;
  config.fanout = priv->fanout;
  config.send = klass->sends;
  config.receive = klass->receives;
  config.policy = priv->call_policy;
  config.max_peers = priv->max_peers;
  config.latency_ms = priv->latency;
  config.timeout_ms = priv->connection_timeout;
  config.stun_server = priv->stun_server;
  g_ptr_array_add (priv->turn_servers, NULL);
  config.turn_servers = (const gchar * const *) priv->turn_servers->pdata;
  config.room_id = priv->room_id;
  config.discover = priv->all_peers;
  config.open = klass->open_membership;
  mesh = gst_peerjs_mesh_new (&config);
  g_ptr_array_remove_index (priv->turn_servers, priv->turn_servers->len - 1);
  peers = g_strdupv (priv->peers);
  priv->mesh = gst_object_ref (mesh);
  priv->data = gst_peerjs_mesh_get_data_hub (mesh);
  if (klass->receives) {
    GMainContext *context = gst_peerjs_session_get_context (priv->session);

    priv->watch = gst_peerjs_track_watch_new (GST_ELEMENT (self), context,
        priv->room_id);
    g_main_context_unref (context);
  }
  GST_OBJECT_UNLOCK (self);

  start_stats (self, mesh);
  if (priv->watch)
    g_signal_connect (priv->watch, "track-state",
        G_CALLBACK (on_inferred_track_state), self);
  if (priv->stats)
    g_signal_connect (priv->stats, "stats", G_CALLBACK (on_stats), self);
  apply_track_state (self);
  g_signal_connect (priv->data, "value", G_CALLBACK (on_data_value), self);
  g_signal_connect (priv->data, "track-state", G_CALLBACK (on_track_state),
      self);
  g_signal_connect (mesh, "pad-added", G_CALLBACK (on_member_pad_added), self);
  g_signal_connect (mesh, "pad-removed", G_CALLBACK (on_member_pad_removed),
      self);
  gst_peerjs_mesh_set_peers (mesh, (const gchar * const *) peers);
  g_strfreev (peers);
  gst_object_unref (mesh);
}

static void
stop_mesh (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSTrackWatch *watch;
  GstPeerJSDataHub *data;
  GstPeerJSMesh *mesh;

  stop_stats (self);

  GST_OBJECT_LOCK (self);
  mesh = priv->mesh ? gst_object_ref (priv->mesh) : NULL;
  data = priv->data;
  priv->data = NULL;
  watch = priv->watch;
  priv->watch = NULL;
  GST_OBJECT_UNLOCK (self);

  if (watch) {
    g_signal_handlers_disconnect_by_data (watch, self);
    gst_peerjs_track_watch_stop (watch);
    gst_object_unref (watch);
  }
  if (!mesh)
    return;
  g_signal_handlers_disconnect_by_data (data, self);
  gst_object_unref (data);
  /* still set while the connections close: an error their elements post
   * meanwhile is still theirs (handle_message) */
  gst_peerjs_mesh_stop (mesh);
  g_signal_handlers_disconnect_by_data (mesh, self);

  GST_OBJECT_LOCK (self);
  gst_clear_object (&priv->mesh);
  GST_OBJECT_UNLOCK (self);
  gst_object_unref (mesh);
}

static void
say_goodbye (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSMesh *mesh;

  GST_OBJECT_LOCK (self);
  mesh = priv->mesh ? gst_object_ref (priv->mesh) : NULL;
  GST_OBJECT_UNLOCK (self);
  if (mesh) {
    gst_peerjs_mesh_say_goodbye (mesh);
    gst_object_unref (mesh);
  }
}

/* Applies a new `peers` list, now if running. */
static void
update_peers (GstPeerJSBin * self, gchar ** peers)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSMesh *mesh;

  GST_OBJECT_LOCK (self);
  g_strfreev (priv->peers);
  priv->peers = peers;
  mesh = priv->mesh ? gst_object_ref (priv->mesh) : NULL;
  peers = g_strdupv (priv->peers);
  GST_OBJECT_UNLOCK (self);

  if (mesh) {
    gst_peerjs_mesh_set_peers (mesh, (const gchar * const *) peers);
    gst_object_unref (mesh);
  }
  g_strfreev (peers);
}

static void
set_peers_from_text (GstPeerJSBin * self, const gchar * text)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  gchar **invalid = NULL;
  gboolean all = FALSE;
  gchar **peers = gst_peerjs_policy_parse_peers (text, &all, &invalid);
  guint i;

  for (i = 0; invalid[i]; i++)
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("\"%s\" is not a valid PeerJS ID and is left out of peers",
            invalid[i]), (NULL));
  g_strfreev (invalid);
  GST_OBJECT_LOCK (self);
  priv->all_peers = all;
  GST_OBJECT_UNLOCK (self);
  update_peers (self, peers);
}

static void
add_peer (GstPeerJSBin * self, const gchar * peer_id)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  gchar *text;

  gchar *joined;

  GST_OBJECT_LOCK (self);
  joined = g_strjoinv (",", priv->peers);
  GST_OBJECT_UNLOCK (self);
  text = g_strconcat (joined, ",", peer_id, NULL);
  set_peers_from_text (self, text);
  g_free (joined);
  g_free (text);
}

static void
remove_peer (GstPeerJSBin * self, const gchar * peer_id)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GPtrArray *kept = g_ptr_array_new ();
  guint i;

  GST_OBJECT_LOCK (self);
  for (i = 0; priv->peers[i]; i++)
    if (!g_str_equal (priv->peers[i], peer_id))
      g_ptr_array_add (kept, g_strdup (priv->peers[i]));
  GST_OBJECT_UNLOCK (self);
  g_ptr_array_add (kept, NULL);
  update_peers (self, (gchar **) g_ptr_array_free (kept, FALSE));
}

static void
gst_peerjs_bin_handle_message (GstBin * bin, GstMessage * msg)
{
  GstPeerJSBinPrivate *priv =
      gst_peerjs_bin_get_instance_private (GST_PEERJS_BIN (bin));
  GstPeerJSMesh *mesh = NULL;
  gboolean handled = FALSE;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_ASYNC_START:
    case GST_MESSAGE_ASYNC_DONE:
      GST_OBJECT_LOCK (bin);
      mesh = priv->mesh ? gst_object_ref (priv->mesh) : NULL;
      GST_OBJECT_UNLOCK (bin);
      break;
    default:
      break;
  }
  if (mesh && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    /* one member's call failing must not stop the room */
    handled = gst_peerjs_mesh_handle_error (mesh, msg);
  } else if (mesh) {
    /* A call's elements start while we are PLAYING (decodebin goes to
     * PAUSED asynchronously): that must not take the whole pipeline back
     * to PAUSED each time a member's media arrives. */
    handled = gst_peerjs_mesh_owns (mesh, GST_MESSAGE_SRC (msg));
  }
  if (mesh)
    gst_object_unref (mesh);

  if (handled)
    gst_message_unref (msg);
  else
    GST_BIN_CLASS (parent_class)->handle_message (bin, msg);
}

static GstStateChangeReturn
gst_peerjs_bin_change_state (GstElement * element, GstStateChange transition)
{
  GstPeerJSBin *self = GST_PEERJS_BIN (element);
  GstPeerJSBinClass *klass = GST_PEERJS_BIN_GET_CLASS (self);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      /* the first call must not wait for the DTLS certificate */
      gst_peerjs_connection_warm_up ();
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      gst_peerjs_connection_warm_up_join ();
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!build_table (self))
        return GST_STATE_CHANGE_FAILURE;
      if (!start_session (self)) {
        drop_table (self);
        return GST_STATE_CHANGE_FAILURE;
      }
      start_mesh (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Hang up while the webrtcbins still run, so that the members see
       * the calls close at once instead of waiting for ICE to time out.
       * The session first: no message reaches the mesh while it closes. */
      say_goodbye (self);
      stop_session (self);
      stop_mesh (self);
      drop_table (self);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
      stop_session (self);
      stop_mesh (self);
      drop_table (self);
    }
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      /* remote media arrives when the members send it: we are live */
      if (klass->receives)
        ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    default:
      break;
  }

  return ret;
}

static void
set_turn_servers (GstPeerJSBinPrivate * priv, const GValue * value)
{
  guint i, n = gst_value_array_get_size (value);

  g_ptr_array_set_size (priv->turn_servers, 0);
  for (i = 0; i < n; i++) {
    const GValue *v = gst_value_array_get_value (value, i);

    if (G_VALUE_HOLDS_STRING (v) && g_value_get_string (v))
      g_ptr_array_add (priv->turn_servers, g_value_dup_string (v));
  }
}

static void
get_turn_servers (GstPeerJSBinPrivate * priv, GValue * value)
{
  guint i;

  for (i = 0; i < priv->turn_servers->len; i++) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_STRING);
    g_value_set_string (&v, g_ptr_array_index (priv->turn_servers, i));
    gst_value_array_append_and_take_value (value, &v);
  }
}

static void
replace_string (gchar ** field, const GValue * value, const gchar * fallback)
{
  const gchar *s = g_value_get_string (value);

  g_free (*field);
  *field = g_strdup (s ? s : fallback);
}

static void
gst_peerjs_bin_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstPeerJSBin *self = GST_PEERJS_BIN (object);
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SERVER:
      replace_string (&priv->server, value, DEFAULT_SERVER);
      break;
    case PROP_KEY:
      replace_string (&priv->key, value, DEFAULT_KEY);
      break;
    case PROP_PEER_ID:
      replace_string (&priv->peer_id, value, NULL);
      break;
    case PROP_STUN_SERVER:
      replace_string (&priv->stun_server, value, NULL);
      break;
    case PROP_TURN_SERVERS:
      set_turn_servers (priv, value);
      break;
    case PROP_TLS_CA_FILE:
      replace_string (&priv->tls_ca_file, value, NULL);
      break;
    case PROP_PEERS:
      /* parsed and applied outside the lock: it may call into the mesh */
      GST_OBJECT_UNLOCK (self);
      set_peers_from_text (self, g_value_get_string (value));
      return;
    case PROP_ROOM_ID:
      replace_string (&priv->room_id, value, NULL);
      break;
    case PROP_MAX_PEERS:
      priv->max_peers = g_value_get_uint (value);
      break;
    case PROP_CALL_POLICY:
      priv->call_policy = g_value_get_enum (value);
      break;
    case PROP_LATENCY:
      priv->latency = g_value_get_uint (value);
      break;
    case PROP_VIDEO_CODEC:
      priv->video_codec = g_value_get_enum (value);
      break;
    case PROP_VIDEO_BITRATE:
    case PROP_MIN_BITRATE:
    case PROP_MAX_BITRATE:{
      GstPeerJSFanout *fanout;
      guint video, lo, hi;

      if (prop_id == PROP_VIDEO_BITRATE)
        priv->video_bitrate = g_value_get_uint (value);
      else if (prop_id == PROP_MIN_BITRATE)
        priv->min_bitrate = g_value_get_uint (value);
      else
        priv->max_bitrate = g_value_get_uint (value);
      video = priv->video_bitrate;
      lo = priv->min_bitrate;
      hi = priv->max_bitrate;
      fanout = priv->fanout ? gst_object_ref (priv->fanout) : NULL;
      /* not under our lock: setting the encoder's bitrate takes its
       * stream lock, which its streaming thread holds while it pushes
       * into us (a PLAYING room hung here) */
      GST_OBJECT_UNLOCK (self);
      if (fanout) {
        if (prop_id == PROP_VIDEO_BITRATE)
          gst_peerjs_fanout_set_video_bitrate (fanout, video);
        else
          gst_peerjs_fanout_set_bitrate_bounds (fanout, lo, hi);
        gst_object_unref (fanout);
      }
      return;
    }
    case PROP_CONNECTION_TIMEOUT:
      priv->connection_timeout = g_value_get_uint (value);
      break;
    case PROP_STATS_INTERVAL:
      priv->stats_interval = g_value_get_uint (value);
      break;
    case PROP_TABLE:
      GST_OBJECT_UNLOCK (self);
      set_table_pads (self, g_value_get_boolean (value));
      GST_OBJECT_LOCK (self);
      break;
    case PROP_LABELS:
      g_free (priv->labels);
      priv->labels = g_value_dup_string (value);
      if (priv->table) {
        GstPeerJSTable *table = gst_object_ref (priv->table);
        gchar *labels = g_strdup (priv->labels);

        /* the table posts its new layout: not under our lock */
        GST_OBJECT_UNLOCK (self);
        gst_peerjs_table_set_labels (table, labels);
        GST_OBJECT_LOCK (self);
        gst_object_unref (table);
        g_free (labels);
      }
      break;
    case PROP_TABLE_WIDTH:
      priv->table_width = g_value_get_int (value);
      break;
    case PROP_TABLE_HEIGHT:
      priv->table_height = g_value_get_int (value);
      break;
    case PROP_TABLE_FRAMERATE:
      priv->table_fps_n = gst_value_get_fraction_numerator (value);
      priv->table_fps_d = gst_value_get_fraction_denominator (value);
      break;
    case PROP_TABLE_STATS:
      priv->table_stats = g_value_get_boolean (value);
      if (priv->table)
        gst_peerjs_table_set_show_stats (priv->table, priv->table_stats);
      break;
    case PROP_VIDEO_ENABLED:
    case PROP_AUDIO_ENABLED:
      if (prop_id == PROP_VIDEO_ENABLED)
        priv->video_enabled = g_value_get_boolean (value);
      else
        priv->audio_enabled = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      apply_track_state (self);
      return;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_peerjs_bin_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstPeerJSBin *self = GST_PEERJS_BIN (object);
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SERVER:
      g_value_set_string (value, priv->server);
      break;
    case PROP_KEY:
      g_value_set_string (value, priv->key);
      break;
    case PROP_PEER_ID:
      /* once registered, the ID in use (the server's pick if we had none) */
      g_value_set_string (value, priv->registered_id ? priv->registered_id :
          priv->peer_id);
      break;
    case PROP_STUN_SERVER:
      g_value_set_string (value, priv->stun_server);
      break;
    case PROP_TURN_SERVERS:
      get_turn_servers (priv, value);
      break;
    case PROP_TLS_CA_FILE:
      g_value_set_string (value, priv->tls_ca_file);
      break;
    case PROP_PEERS:{
      gchar *ids = g_strjoinv (",", priv->peers);

      if (priv->all_peers)
        g_value_take_string (value, g_strconcat (ids, *ids ? "," : "", "*",
                NULL));
      else
        g_value_set_string (value, ids);
      g_free (ids);
      break;
    }
    case PROP_ROOM_ID:
      g_value_set_string (value, priv->room_id);
      break;
    case PROP_MAX_PEERS:
      g_value_set_uint (value, priv->max_peers);
      break;
    case PROP_CALL_POLICY:
      g_value_set_enum (value, priv->call_policy);
      break;
    case PROP_LATENCY:
      g_value_set_uint (value, priv->latency);
      break;
    case PROP_VIDEO_CODEC:
      g_value_set_enum (value, priv->video_codec);
      break;
    case PROP_VIDEO_BITRATE:
      g_value_set_uint (value, priv->video_bitrate);
      break;
    case PROP_MIN_BITRATE:
      g_value_set_uint (value, priv->min_bitrate);
      break;
    case PROP_MAX_BITRATE:
      g_value_set_uint (value, priv->max_bitrate);
      break;
    case PROP_CONNECTION_TIMEOUT:
      g_value_set_uint (value, priv->connection_timeout);
      break;
    case PROP_STATS_INTERVAL:
      g_value_set_uint (value, priv->stats_interval);
      break;
    case PROP_TABLE:
      GST_OBJECT_UNLOCK (self);
      {
        GstPad *pad = gst_element_get_static_pad (GST_ELEMENT (self),
            "table_video");

        g_value_set_boolean (value, pad != NULL);
        gst_clear_object (&pad);
      }
      GST_OBJECT_LOCK (self);
      break;
    case PROP_LABELS:
      g_value_set_string (value, priv->labels);
      break;
    case PROP_TABLE_WIDTH:
      g_value_set_int (value, priv->table_width);
      break;
    case PROP_TABLE_HEIGHT:
      g_value_set_int (value, priv->table_height);
      break;
    case PROP_TABLE_FRAMERATE:
      gst_value_set_fraction (value, priv->table_fps_n, priv->table_fps_d);
      break;
    case PROP_TABLE_STATS:
      g_value_set_boolean (value, priv->table_stats);
      break;
    case PROP_VIDEO_ENABLED:
      g_value_set_boolean (value, priv->video_enabled);
      break;
    case PROP_AUDIO_ENABLED:
      g_value_set_boolean (value, priv->audio_enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_peerjs_bin_finalize (GObject * object)
{
  GstPeerJSBin *self = GST_PEERJS_BIN (object);
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);

  g_free (priv->server);
  g_free (priv->key);
  g_free (priv->peer_id);
  g_free (priv->stun_server);
  g_ptr_array_unref (priv->turn_servers);
  g_free (priv->tls_ca_file);
  g_free (priv->registered_id);
  g_strfreev (priv->peers);
  g_free (priv->room_id);
  g_free (priv->labels);
  if (priv->fanout)
    gst_object_unref (priv->fanout);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* The subclass's defaults: during instance init the class is still the
 * base class. */
static void
gst_peerjs_bin_constructed (GObject * object)
{
  GstPeerJSBin *self = GST_PEERJS_BIN (object);
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);

  priv->call_policy = GST_PEERJS_BIN_GET_CLASS (self)->default_call_policy;
  G_OBJECT_CLASS (parent_class)->constructed (object);
}

static void
gst_peerjs_bin_init (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);

  priv->server = g_strdup (DEFAULT_SERVER);
  priv->key = g_strdup (DEFAULT_KEY);
  priv->turn_servers = g_ptr_array_new_with_free_func (g_free);
  priv->peers = g_new0 (gchar *, 1);
  priv->max_peers = DEFAULT_MAX_PEERS;
  priv->latency = DEFAULT_LATENCY;
  priv->video_codec = DEFAULT_VIDEO_CODEC;
  priv->video_bitrate = DEFAULT_VIDEO_BITRATE;
  priv->min_bitrate = DEFAULT_MIN_BITRATE;
  priv->max_bitrate = DEFAULT_MAX_BITRATE;
  priv->connection_timeout = DEFAULT_CONNECTION_TIMEOUT;
  priv->video_enabled = DEFAULT_VIDEO_ENABLED;
  priv->audio_enabled = DEFAULT_AUDIO_ENABLED;
  priv->stats_interval = DEFAULT_STATS_INTERVAL;
  priv->table_width = GST_PEERJS_TABLE_DEFAULT_WIDTH;
  priv->table_height = GST_PEERJS_TABLE_DEFAULT_HEIGHT;
  priv->table_fps_n = GST_PEERJS_TABLE_DEFAULT_FPS_N;
  priv->table_fps_d = GST_PEERJS_TABLE_DEFAULT_FPS_D;
  priv->table_stats = DEFAULT_TABLE_STATS;
}

/**
 * gst_peerjs_bin_class_add_pad_templates:
 * @klass: a subclass, with #GstPeerJSBinClass.sends and .receives set
 *
 * Adds the request sink pads (when sending) and the members' sometimes
 * source pads (when receiving). Call at the end of the subclass's
 * class_init.
 */
void
gst_peerjs_bin_class_add_pad_templates (GstPeerJSBinClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  if (klass->sends) {
    gst_element_class_add_static_pad_template (element_class,
        &video_sink_template);
    gst_element_class_add_static_pad_template (element_class,
        &audio_sink_template);
  }
  if (klass->receives) {
    gst_element_class_add_static_pad_template_with_gtype (element_class,
        &video_src_template, GST_TYPE_PEERJS_PAD);
    gst_element_class_add_static_pad_template_with_gtype (element_class,
        &audio_src_template, GST_TYPE_PEERJS_PAD);
  }
}

/**
 * gst_peerjs_bin_class_add_table:
 * @klass: a subclass that receives
 *
 * Adds the game table: the #GstPeerJSBin:table property and its settings,
 * and the `table_video` and `table_audio` pad templates. Call in the
 * subclass's class_init.
 */
void
gst_peerjs_bin_class_add_table (GstPeerJSBinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  /* GObject does not pass these on to subclasses */
  gobject_class->set_property = gst_peerjs_bin_set_property;
  gobject_class->get_property = gst_peerjs_bin_get_property;

  /**
   * GstPeerJSBin:table:
   *
   * Adds the always pads `table_video` and `table_audio`: every member's
   * video in a labelled grid (our own camera first) and their audio
   * mixed. See docs/table.md.
   */
  g_object_class_install_property (gobject_class, PROP_TABLE,
      g_param_spec_boolean ("table", "Game table",
          "Add the table_video and table_audio pads: all members in one "
          "labelled grid, their audio mixed", DEFAULT_TABLE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_LABELS,
      g_param_spec_string ("labels", "Labels",
          "Names on the table's tiles, \"id=Name,id2=Name 2\" (default: "
          "the peer IDs)", DEFAULT_LABELS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_TABLE_WIDTH,
      g_param_spec_int ("table-width", "Table width",
          "Width of table_video in pixels", 64, GST_PEERJS_MAX_WIDTH,
          GST_PEERJS_TABLE_DEFAULT_WIDTH,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TABLE_HEIGHT,
      g_param_spec_int ("table-height", "Table height",
          "Height of table_video in pixels", 64, GST_PEERJS_MAX_HEIGHT,
          GST_PEERJS_TABLE_DEFAULT_HEIGHT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TABLE_FRAMERATE,
      gst_param_spec_fraction ("table-framerate", "Table frame rate",
          "Frame rate of table_video", 1, 1, 120, 1,
          GST_PEERJS_TABLE_DEFAULT_FPS_N, GST_PEERJS_TABLE_DEFAULT_FPS_D,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TABLE_STATS,
      g_param_spec_boolean ("table-stats", "Table stats",
          "Show each member's RTT, bitrate and loss on its tile (from the "
          "peerjs-stats figures, see stats-interval)", DEFAULT_TABLE_STATS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_add_static_pad_template (element_class,
      &table_video_template);
  gst_element_class_add_static_pad_template (element_class,
      &table_audio_template);
}

static void
gst_peerjs_bin_class_init (GstPeerJSBinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT, "peerjsbin", 0,
      "PeerJS elements' base");

  gobject_class->set_property = gst_peerjs_bin_set_property;
  gobject_class->get_property = gst_peerjs_bin_get_property;
  gobject_class->finalize = gst_peerjs_bin_finalize;
  gobject_class->constructed = gst_peerjs_bin_constructed;
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_peerjs_bin_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_peerjs_bin_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_peerjs_bin_release_pad);
  GST_BIN_CLASS (klass)->handle_message =
      GST_DEBUG_FUNCPTR (gst_peerjs_bin_handle_message);
  klass->add_peer = add_peer;
  klass->remove_peer = remove_peer;
  klass->send_data = send_data;
  klass->send_json = send_json;
  klass->connect_data = connect_data;
  klass->close_data = close_data;

  /**
   * GstPeerJSBin:server:
   *
   * The PeerJS server, as a URI with the host, port and path that a web
   * app passes to `new Peer({host, port, path})`: `ws://127.0.0.1:9000/`
   * for `gst-peerjs-server` or `peer --port 9000`,
   * `ws://example.com:9000/myapp` for a server started with
   * `--path /myapp`. `wss://` (or `https://`) for TLS. The default is the
   * PeerJS cloud, like the JavaScript library. Read when the element
   * goes to PAUSED.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_SERVER,
      g_param_spec_string ("server", "Server",
          "PeerJS server URI: ws[s]://host:port/path/ as a web app gives "
          "host, port and path to new Peer()", DEFAULT_SERVER,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:key:
   *
   * The PeerJS API key (the server's `--key`). Read when the element goes
   * to PAUSED.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_KEY,
      g_param_spec_string ("key", "Key", "PeerJS API key", DEFAULT_KEY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:peer-id:
   *
   * Our peer ID on the server: letters and digits, with single spaces,
   * `-` or `_` between them (the `peerjs` rule). Empty: the server
   * assigns one, and reading the property after `peerjs-open` gives it.
   * Read when the element goes to PAUSED.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_PEER_ID,
      g_param_spec_string ("peer-id", "Peer ID",
          "Our PeerJS ID (empty: the server assigns one)", DEFAULT_PEER_ID,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:stun-server:
   *
   * STUN server for every connection, as `stun://host:port`. None by
   * default (LAN and loopback need none); browsers running `peerjs` with
   * its default config use `stun://stun.l.google.com:19302`.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_STUN_SERVER,
      g_param_spec_string ("stun-server", "STUN server",
          "STUN server as stun://host:port (none by default)",
          DEFAULT_STUN_SERVER,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:turn-servers:
   *
   * TURN servers for every connection, each as
   * `turn(s)://user:password@host:port`. From gst-launch-1.0:
   * `turn-servers="<\"turn://u:p@host:3478\">"`.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_TURN_SERVERS,
      gst_param_spec_array ("turn-servers", "TURN servers",
          "TURN servers as turn(s)://user:password@host:port",
          g_param_spec_string ("turn-server", "TURN server",
              "turn(s)://user:password@host:port", NULL,
              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS),
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:tls-ca-file:
   *
   * A PEM file of the CA certificates to trust for a `wss://` server,
   * instead of the system's: for LAN servers with a self-signed
   * certificate. Certificates are always validated.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_TLS_CA_FILE,
      g_param_spec_string ("tls-ca-file", "TLS CA file",
          "PEM file of CA certificates to trust for wss:// (default: the "
          "system's)", DEFAULT_TLS_CA_FILE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:peers:
   *
   * The other members of the room, as PeerJS IDs separated by commas:
   * `peers="bob,carol"`, or with spaces inside IDs,
   * `peers="player one,player two"` (spaces around commas are ignored).
   * `*` stands for every ID the server lists (it needs the server's
   * discovery option; the list is read every 3 s). Calls from IDs that are
   * not members are rejected — except by `peerjssink` and `peerjssrc`
   * with `peers` empty: they take calls from anyone (up to `max-peers`),
   * each caller a member until it leaves. Changeable while PLAYING: new
   * members are called (as the call policy says), removed ones hung up.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_PEERS,
      g_param_spec_string ("peers", "Peers",
          "The other members: PeerJS IDs separated by commas",
          DEFAULT_PEERS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstPeerJSBin:room-id:
   *
   * A label for the room (e.g. the game's voice channel), added as
   * `room-id` to the element messages. PeerJS itself has no rooms.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_ROOM_ID,
      g_param_spec_string ("room-id", "Room ID",
          "A label for the room, added to the element messages",
          DEFAULT_ROOM_ID,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:max-peers:
   *
   * The most members that send media (players) the room holds, this
   * element included when it sends: calls beyond it are rejected with a
   * `peerjs-error`. A peerjssrc takes no seat itself, so the default
   * lets a spectator receive a 4-player table.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_MAX_PEERS,
      g_param_spec_uint ("max-peers", "Max peers",
          "Most members that send media, this one included if it sends",
          2, 64,
          DEFAULT_MAX_PEERS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:call-policy:
   *
   * Who calls whom. The room's default, the lower ID calls, is what two
   * `peerjsroom`s agree on without talking; "call-all" and "answer-only"
   * serve meshes whose browsers follow another rule. `peerjssink` and
   * `peerjssrc` start with "call-all": they call every member in `peers`
   * (the default shown is the room's).
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_CALL_POLICY,
      g_param_spec_enum ("call-policy", "Call policy", "Who calls whom",
          GST_TYPE_PEERJS_CALL_POLICY, DEFAULT_CALL_POLICY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:latency:
   *
   * Jitterbuffer latency of the received media, in milliseconds. Low by
   * default because the table is a conversation; raise it on jittery
   * networks. 0 leaves webrtcbin's own default (200 ms).
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_LATENCY,
      g_param_spec_uint ("latency", "Latency",
          "Jitterbuffer latency of received media (ms)", 0, 10000,
          DEFAULT_LATENCY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:video-codec:
   *
   * The codec we send video in: VP8 (every browser), or H.264
   * (constrained baseline). Read when `video_sink` is requested.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_VIDEO_CODEC,
      g_param_spec_enum ("video-codec", "Video codec",
          "Codec of the video we send", GST_TYPE_PEERJS_VIDEO_CODEC,
          DEFAULT_VIDEO_CODEC,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:video-bitrate:
   *
   * Target bitrate of the video we send, in kbit/s (one encoder serves
   * every member). Changeable while PLAYING.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_VIDEO_BITRATE,
      g_param_spec_uint ("video-bitrate", "Video bitrate",
          "Target bitrate of the video we send (kbit/s)", 50, 100000,
          DEFAULT_VIDEO_BITRATE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstPeerJSBin:min-bitrate:
   *
   * The lowest video bitrate the rate control goes down to, in kbit/s,
   * however little the weakest member's path carries. The rate control
   * estimates each member's path from its NACKs and receiver reports; the
   * one encoder runs at the lowest estimate. Set min-bitrate and
   * max-bitrate to video-bitrate to send a fixed rate. Changeable while
   * PLAYING.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_MIN_BITRATE,
      g_param_spec_uint ("min-bitrate", "Minimum bitrate",
          "Lowest video bitrate the rate control goes down to (kbit/s)",
          50, 100000, DEFAULT_MIN_BITRATE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstPeerJSBin:max-bitrate:
   *
   * The highest video bitrate the rate control goes up to when every
   * member's path carries it, in kbit/s; 0: video-bitrate (calls start at
   * video-bitrate). Changeable while PLAYING.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_MAX_BITRATE,
      g_param_spec_uint ("max-bitrate", "Maximum bitrate",
          "Highest video bitrate the rate control goes up to (kbit/s; "
          "0: video-bitrate)", 0, 100000, DEFAULT_MAX_BITRATE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstPeerJSBin:connection-timeout:
   *
   * Milliseconds a call may take to connect before it counts as failed
   * (and is retried).
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_CONNECTION_TIMEOUT,
      g_param_spec_uint ("connection-timeout", "Connection timeout",
          "Milliseconds a call may take to connect before it fails",
          1000, 600000, DEFAULT_CONNECTION_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin:stats-interval:
   *
   * Milliseconds between two `peerjs-stats` messages per member (round
   * trip time, bitrates, packet loss, jitter from webrtcbin's
   * statistics); 0: none. Read when the element starts.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_STATS_INTERVAL,
      g_param_spec_uint ("stats-interval", "Stats interval",
          "Milliseconds between peerjs-stats messages (0 = none)",
          0, 3600000, DEFAULT_STATS_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstPeerJSBin::add-peer:
   * @element: the element
   * @peer_id: a PeerJS ID
   *
   * Adds a member to #GstPeerJSBin:peers.
   */
  bin_signals[SIGNAL_ADD_PEER] = g_signal_new ("add-peer",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_STRUCT_OFFSET (GstPeerJSBinClass, add_peer), NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstPeerJSBin::remove-peer:
   * @element: the element
   * @peer_id: a PeerJS ID
   *
   * Removes a member from #GstPeerJSBin:peers (hanging up its calls).
   */
  bin_signals[SIGNAL_REMOVE_PEER] = g_signal_new ("remove-peer",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_STRUCT_OFFSET (GstPeerJSBinClass, remove_peer), NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * GstPeerJSBin:video-enabled:
   *
   * Whether our camera is on. Off sends black frames (as a browser does
   * for `track.enabled = false`: no renegotiation, the members keep the
   * track) and announces it to every member as
   * `{"type":"track-state","videoEnabled":false,…}` on the control data
   * connection (docs/track-state.md). Changeable while PLAYING.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_VIDEO_ENABLED,
      g_param_spec_boolean ("video-enabled", "Video enabled",
          "Send our video (FALSE: black frames), announced to the members",
          DEFAULT_VIDEO_ENABLED,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstPeerJSBin:audio-enabled:
   *
   * Whether our microphone is on. Off sends silence and announces it,
   * like #GstPeerJSBin:video-enabled. Changeable while PLAYING.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_AUDIO_ENABLED,
      g_param_spec_boolean ("audio-enabled", "Audio enabled",
          "Send our audio (FALSE: silence), announced to the members",
          DEFAULT_AUDIO_ENABLED,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstPeerJSBin::send-data:
   * @element: the element
   * @target: (nullable): a member's peer ID (its control data connection),
   *   a data connection ID (`dc_…`), or %NULL, "" or "*" for every member
   * @value: the value: a string, bytes (`ay`) or any structured GVariant
   *   (dictionaries become objects, arrays and tuples arrays)
   *
   * Sends @value, serialized for each connection (BinaryPack with
   * chunking, JSON, raw or MsgPack). Failures are logged and posted as
   * `peerjs-error` with type "send-failed".
   *
   * Returns: %TRUE if at least one connection took it
   *
   * Since: 1.0
   */
  bin_signals[SIGNAL_SEND_DATA] = g_signal_new ("send-data",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_STRUCT_OFFSET (GstPeerJSBinClass, send_data), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_VARIANT);

  /**
   * GstPeerJSBin::send-json:
   * @element: the element
   * @target: (nullable): as for #GstPeerJSBin::send-data
   * @json: a JSON text, sent as the value it describes
   *
   * #GstPeerJSBin::send-data for applications that hold JSON text.
   *
   * Returns: %TRUE if at least one connection took it
   *
   * Since: 1.0
   */
  bin_signals[SIGNAL_SEND_JSON] = g_signal_new ("send-json",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_STRUCT_OFFSET (GstPeerJSBinClass, send_json), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * GstPeerJSBin::connect-data:
   * @element: the element
   * @peer_id: the peer to open a data connection to
   * @label: (nullable): the channel's label (default: the connection ID)
   * @serialization: (nullable): "binary" (default, BinaryPack), "json",
   *   "raw" or "MsgPack" (the browser must register MsgPack)
   * @reliable: ordered delivery (PeerJS' `reliable`)
   *
   * Opens a PeerJS DataConnection, like `peer.connect(id, {label,
   * serialization, reliable})`. `peerjs-data-connection` reports it open.
   *
   * Returns: (transfer full) (nullable): the connection ID
   *
   * Since: 1.0
   */
  bin_signals[SIGNAL_CONNECT_DATA] = g_signal_new ("connect-data",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_STRUCT_OFFSET (GstPeerJSBinClass, connect_data), NULL, NULL, NULL,
      G_TYPE_STRING, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
      G_TYPE_BOOLEAN);

  /**
   * GstPeerJSBin::close-data:
   * @element: the element
   * @connection_id: a data connection ID
   *
   * Closes a data connection.
   *
   * Returns: %FALSE if there is no such connection
   *
   * Since: 1.0
   */
  bin_signals[SIGNAL_CLOSE_DATA] = g_signal_new ("close-data",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_STRUCT_OFFSET (GstPeerJSBinClass, close_data), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  /**
   * GstPeerJSBin::data-received:
   * @element: the element
   * @peer_id: the sender
   * @connection_id: the data connection
   * @label: its label
   * @serialization: its serialization ("binary", "json", "raw", "MsgPack")
   * @value: the value (see docs/data.md for the types)
   *
   * A value arrived on a data connection (track-state announcements
   * excepted). Emitted from a webrtcbin thread, right after the
   * `peerjs-data` element message of the same value is posted: use one
   * or the other.
   *
   * Since: 1.0
   */
  bin_signals[SIGNAL_DATA_RECEIVED] = g_signal_new ("data-received",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
      G_TYPE_STRING, G_TYPE_VARIANT);

  gst_type_mark_as_plugin_api (GST_TYPE_PEERJS_CALL_POLICY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_PEERJS_VIDEO_CODEC, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_PEERJS_PAD, 0);
}
