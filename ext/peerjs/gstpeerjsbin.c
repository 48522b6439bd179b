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

#define GST_CAT_DEFAULT peerjs_bin_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

#define DEFAULT_SERVER GST_PEERJS_DEFAULT_SERVER
#define DEFAULT_KEY GST_PEERJS_DEFAULT_KEY
#define DEFAULT_PEER_ID NULL
#define DEFAULT_STUN_SERVER NULL
#define DEFAULT_TLS_CA_FILE NULL

enum
{
  PROP_0,
  PROP_SERVER,
  PROP_KEY,
  PROP_PEER_ID,
  PROP_STUN_SERVER,
  PROP_TURN_SERVERS,
  PROP_TLS_CA_FILE,
};

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

  /* state-change thread only */
  GstPeerJSSession *session;
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

static void
on_session_open (GstPeerJSSession * session, const gchar * peer_id,
    GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  gboolean reconnect;

  GST_OBJECT_LOCK (self);
  reconnect = priv->opened_once;
  priv->opened_once = TRUE;
  g_free (priv->registered_id);
  priv->registered_id = g_strdup (peer_id);
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "registered as '%s'%s", peer_id,
      reconnect ? " again" : "");
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

static gboolean
start_session (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);
  GstPeerJSSession *session;
  GError *error = NULL;

  GST_OBJECT_LOCK (self);
  session = gst_peerjs_session_new (priv->server, priv->key, priv->peer_id);
  g_object_set (session, "tls-ca-file", priv->tls_ca_file, NULL);
  priv->opened_once = FALSE;
  GST_OBJECT_UNLOCK (self);

  gst_object_set_parent (GST_OBJECT (session), GST_OBJECT (self));
  g_signal_connect (session, "open", G_CALLBACK (on_session_open), self);
  g_signal_connect (session, "error", G_CALLBACK (on_session_error), self);

  if (!gst_peerjs_session_start (session, &error)) {
    post_fatal_error (self, error);
    g_error_free (error);
    gst_object_unparent (GST_OBJECT (session));
    return FALSE;
  }

  priv->session = session;
  return TRUE;
}

static void
stop_session (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);

  if (!priv->session)
    return;

  gst_peerjs_session_stop (priv->session);
  g_signal_handlers_disconnect_by_data (priv->session, self);
  gst_object_unparent (GST_OBJECT (priv->session));
  priv->session = NULL;

  GST_OBJECT_LOCK (self);
  g_clear_pointer (&priv->registered_id, g_free);
  GST_OBJECT_UNLOCK (self);
}

static GstStateChangeReturn
gst_peerjs_bin_change_state (GstElement * element, GstStateChange transition)
{
  GstPeerJSBin *self = GST_PEERJS_BIN (element);
  GstPeerJSBinClass *klass = GST_PEERJS_BIN_GET_CLASS (self);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED && !start_session (self))
    return GST_STATE_CHANGE_FAILURE;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      stop_session (self);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      /* remote media arrives when the members send it: we are live */
      if (klass->receives)
        ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      stop_session (self);
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

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_bin_init (GstPeerJSBin * self)
{
  GstPeerJSBinPrivate *priv = gst_peerjs_bin_get_instance_private (self);

  priv->server = g_strdup (DEFAULT_SERVER);
  priv->key = g_strdup (DEFAULT_KEY);
  priv->turn_servers = g_ptr_array_new_with_free_func (g_free);
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
  element_class->change_state = GST_DEBUG_FUNCPTR (gst_peerjs_bin_change_state);

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
}
