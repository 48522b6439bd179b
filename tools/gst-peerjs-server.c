/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* gst-peerjs-server: a PeerJS signalling server, a drop-in for the `peer`
 * CLI (`peerjs --port 9000 ...`). It prints the same lines as `peer` so
 * that scripts can run either. See docs/server.md. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/peerjs/peerjs.h>

typedef struct
{
  gchar *host;
  gint port;
  gchar *path;
  gchar *key;
  gboolean allow_discovery;
  gint alive_timeout;
  gint expire_timeout;
  gint concurrent_limit;
  gint max_message_size;
  gint max_queue_length;
  gchar *tls_cert;
  gchar *tls_key;
} Options;

/* -1: not given on the command line */
static Options opts = {
  NULL, -1, NULL, NULL, FALSE, -1, -1, -1, -1, -1, NULL, NULL
};

#define ALIAS G_OPTION_FLAG_HIDDEN

static GOptionEntry entries[] = {
  {"host", 'H', 0, G_OPTION_ARG_STRING, &opts.host,
        "Address to listen on (default " GST_PEERJS_SERVER_DEFAULT_HOST ")",
      "HOST"},
  {"port", 'p', 0, G_OPTION_ARG_INT, &opts.port,
        "Port to listen on, 0 for any free one (default: $PORT, else 9000)",
      "PORT"},
  {"path", 0, 0, G_OPTION_ARG_STRING, &opts.path,
      "Mount path (default: $PEERSERVER_PATH, else /)", "PATH"},
  {"key", 'k', 0, G_OPTION_ARG_STRING, &opts.key,
      "API key clients must present (default " GST_PEERJS_SERVER_DEFAULT_KEY
        ")", "KEY"},
  {"allow-discovery", 0, 0, G_OPTION_ARG_NONE, &opts.allow_discovery,
      "Let GET {path}{key}/peers list the connected IDs", NULL},
  {"alive-timeout", 0, 0, G_OPTION_ARG_INT, &opts.alive_timeout,
        "Drop a client after this many ms without HEARTBEAT (default 60000)",
      "MS"},
  {"expire-timeout", 't', 0, G_OPTION_ARG_INT, &opts.expire_timeout,
      "Keep messages for absent peers this many ms (default 5000)", "MS"},
  {"concurrent-limit", 'c', 0, G_OPTION_ARG_INT, &opts.concurrent_limit,
      "Largest number of connected IDs (default 5000)", "N"},
  {"max-message-size", 0, 0, G_OPTION_ARG_INT, &opts.max_message_size,
      "Largest message relayed, in bytes (default 65536)", "BYTES"},
  {"max-queue-length", 0, 0, G_OPTION_ARG_INT, &opts.max_queue_length,
        "Largest number of messages queued per absent peer (default 256)",
      "N"},
  {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opts.tls_cert,
      "PEM certificate (chain): serve HTTPS and WSS", "FILE"},
  {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opts.tls_key,
      "PEM private key of --tls-cert", "FILE"},
  /* the `peer` CLI's spellings */
  {"allow_discovery", 0, ALIAS, G_OPTION_ARG_NONE, &opts.allow_discovery,
      NULL, NULL},
  {"alive_timeout", 0, ALIAS, G_OPTION_ARG_INT, &opts.alive_timeout,
      NULL, NULL},
  {"expire_timeout", 0, ALIAS, G_OPTION_ARG_INT, &opts.expire_timeout,
      NULL, NULL},
  {"concurrent_limit", 0, ALIAS, G_OPTION_ARG_INT, &opts.concurrent_limit,
      NULL, NULL},
  {"sslcert", 0, ALIAS, G_OPTION_ARG_FILENAME, &opts.tls_cert, NULL, NULL},
  {"sslkey", 0, ALIAS, G_OPTION_ARG_FILENAME, &opts.tls_key, NULL, NULL},
  {NULL}
};

static void
print_line (const gchar * format, const gchar * id)
{
  /* stdout is a pipe under test harnesses: flush every line */
  printf (format, id);
  fflush (stdout);
}

static void
on_peer_connected (GstPeerJSServer * server, const gchar * id,
    gpointer user_data)
{
  print_line ("Client connected: %s\n", id);
}

static void
on_peer_disconnected (GstPeerJSServer * server, const gchar * id,
    gpointer user_data)
{
  print_line ("Client disconnected: %s\n", id);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* Like `peer`, the environment fills in what the command line leaves out. */
static void
apply_environment (void)
{
  const gchar *port = g_getenv ("PORT");
  const gchar *path = g_getenv ("PEERSERVER_PATH");

  if (opts.port < 0 && port && *port)
    opts.port = atoi (port);
  if (opts.path == NULL && path && *path)
    opts.path = g_strdup (path);
}

static gboolean
check_options (GError ** error)
{
  if (opts.port > G_MAXUINT16) {
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
        "invalid port %d", opts.port);
    return FALSE;
  }
  if ((opts.tls_cert == NULL) != (opts.tls_key == NULL)) {
    g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
        "--tls-cert and --tls-key go together");
    return FALSE;
  }
  return TRUE;
}

static void
set_uint_if_given (GstPeerJSServer * server, const gchar * property, gint value)
{
  if (value >= 0)
    g_object_set (server, property, (guint) value, NULL);
}

static gboolean
configure (GstPeerJSServer * server, GError ** error)
{
  if (opts.host)
    g_object_set (server, "host", opts.host, NULL);
  if (opts.path)
    g_object_set (server, "path", opts.path, NULL);
  if (opts.key)
    g_object_set (server, "key", opts.key, NULL);
  g_object_set (server, "allow-discovery", opts.allow_discovery, NULL);
  set_uint_if_given (server, "port", opts.port);
  set_uint_if_given (server, "alive-timeout", opts.alive_timeout);
  set_uint_if_given (server, "expire-timeout", opts.expire_timeout);
  set_uint_if_given (server, "concurrent-limit", opts.concurrent_limit);
  set_uint_if_given (server, "max-message-size", opts.max_message_size);
  set_uint_if_given (server, "max-queue-length", opts.max_queue_length);

  if (opts.tls_cert) {
    GTlsCertificate *cert =
        g_tls_certificate_new_from_files (opts.tls_cert, opts.tls_key, error);

    if (!cert)
      return FALSE;
    g_object_set (server, "tls-certificate", cert, NULL);
    g_object_unref (cert);
  }
  return TRUE;
}

static gboolean
parse_options (int *argc, char ***argv, GError ** error)
{
  GOptionContext *ctx = g_option_context_new (NULL);
  gboolean ok;

  g_option_context_set_summary (ctx, "A PeerJS signalling server, "
      "compatible with the `peer` server (1.0.2) and its clients.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  ok = g_option_context_parse (ctx, argc, argv, error);
  g_option_context_free (ctx);
  return ok;
}

int
main (int argc, char **argv)
{
  GstPeerJSServer *server;
  GMainLoop *loop;
  GError *error = NULL;

  if (!parse_options (&argc, &argv, &error)) {
    g_printerr ("gst-peerjs-server: %s\n", error->message);
    return 1;
  }
  apply_environment ();
  gst_peerjs_init ();

  server = gst_peerjs_server_new ();
  g_signal_connect (server, "peer-connected",
      G_CALLBACK (on_peer_connected), NULL);
  g_signal_connect (server, "peer-disconnected",
      G_CALLBACK (on_peer_disconnected), NULL);
  if (!check_options (&error) || !configure (server, &error) ||
      !gst_peerjs_server_start (server, &error)) {
    g_printerr ("gst-peerjs-server: %s\n", error->message);
    g_error_free (error);
    gst_object_unref (server);
    return 1;
  }

  printf ("Started PeerServer on %s, port: %u, path: %s\n",
      opts.host ? opts.host : GST_PEERJS_SERVER_DEFAULT_HOST,
      gst_peerjs_server_get_port (server),
      opts.path ? opts.path : GST_PEERJS_SERVER_DEFAULT_PATH);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_main_loop_run (loop);

  gst_peerjs_server_stop (server);
  gst_object_unref (server);
  g_main_loop_unref (loop);
  return 0;
}
