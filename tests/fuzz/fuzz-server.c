/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Fuzz target: GstPeerJSServer's handling of what its WebSocket clients
 * send, without a listening socket (gstpeerjsserver-private.h). The
 * server's WebSockets are real libsoup connections over memory streams:
 * what the server sends is written to memory, and read back here.
 *
 * Two clients are registered first: "alice" (token "ta") and "bob"
 * (token "tb"). The input is records of
 *
 *   u8 op, u16 big-endian length, that many bytes
 *
 * (the last record takes what is left); with s = op >> 3 picking one of
 * the open sockets:
 *
 *   op & 7 = 0..2  socket s sends the bytes as a text frame
 *            3     ... as a binary frame
 *            4     a new WebSocket arrives with the bytes as its query
 *                  string (`key=peerjs&id=…&token=…`)
 *            5     socket s closes
 *            6     the liveness check and the expire sweep run
 *            7     socket s sends a HEARTBEAT
 *
 * The limits are small so that the fuzzer reaches them: 256-byte frames,
 * 4 registrations, 3 queued messages per destination, 2 unregistered
 * sockets, expire-timeout 0. Checked besides "no crash, no leak, no UB":
 * never more registrations than the limit, and every frame the server
 * writes is valid UTF-8 JSON that parses as a PeerJS message. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <gst/peerjs/peerjs.h>
#include <gst/peerjs/gstpeerjsserver-private.h>

#include "fuzz.h"

#define MAX_SOCKETS 16
#define CONCURRENT_LIMIT 4
#define MAX_MESSAGE_SIZE 256

typedef struct
{
  SoupWebsocketConnection *conn;
  GMemoryOutputStream *out;     /* what the server wrote */
  GstPeerJSServerSocket *sock;  /* NULL once closed */
} Client;

static GUri *uri;
static GMainContext *context;

static void
client_open (GstPeerJSServer * server, Client * c, const gchar * query)
{
  GInputStream *in = g_memory_input_stream_new ();
  GOutputStream *out = g_memory_output_stream_new_resizable ();
  GIOStream *io = g_simple_io_stream_new (in, out);

  c->conn = soup_websocket_connection_new (io, uri,
      SOUP_WEBSOCKET_CONNECTION_SERVER, NULL, NULL, NULL);
  /* the connection's stream keeps the output alive while we read it */
  c->out = G_MEMORY_OUTPUT_STREAM (out);
  c->sock = gst_peerjs_server_accept_detached (server, c->conn, query);
  g_object_unref (io);
  g_object_unref (in);
  g_object_unref (out);
}

/* Reads back the frames the server wrote (RFC 6455, unmasked). */
static void
check_written (Client * c)
{
  const guint8 *p = g_memory_output_stream_get_data (c->out);
  gsize size = g_memory_output_stream_get_data_size (c->out);
  gsize pos = 0;

  while (pos + 2 <= size) {
    guint opcode = p[pos] & 0x0f;
    guint64 len = p[pos + 1] & 0x7f;
    gsize header = 2;

    FUZZ_ASSERT ((p[pos + 1] & 0x80) == 0);     /* a server never masks */
    if (len == 126) {
      FUZZ_ASSERT (pos + 4 <= size);
      len = (guint64) p[pos + 2] << 8 | p[pos + 3];
      header = 4;
    } else if (len == 127) {
      guint i;

      FUZZ_ASSERT (pos + 10 <= size);
      for (i = 0, len = 0; i < 8; i++)
        len = len << 8 | p[pos + 2 + i];
      header = 10;
    }
    FUZZ_ASSERT (pos + header + len <= size);

    if (opcode == 1) {
      const gchar *text = (const gchar *) p + pos + header;
      GError *error = NULL;
      GstPeerJSMessage *msg;

      FUZZ_ASSERT (g_utf8_validate (text, len, NULL));
      msg = gst_peerjs_message_parse (text, len, GST_PEERJS_PARSE_ENVELOPE,
          G_MAXSIZE, &error);
      if (!msg)
        fprintf (stderr, "server wrote %.*s: %s\n", (int) len, text,
            error->message);
      FUZZ_ASSERT (msg != NULL);
      gst_peerjs_message_free (msg);
    } else {
      FUZZ_ASSERT (opcode == 8);        /* only text and close frames */
    }
    pos += header + len;
  }
  FUZZ_ASSERT (pos == size);
}

static void
check_registry (GstPeerJSServer * server)
{
  gchar **peers = gst_peerjs_server_list_peers (server);

  FUZZ_ASSERT (g_strv_length (peers) <= CONCURRENT_LIMIT);
  g_strfreev (peers);
}

static Client *
pick (Client * clients, guint n, guint8 op)
{
  guint i, start;

  if (n == 0)
    return NULL;
  /* the s-th socket, or the next open one after it */
  start = (op >> 3) % n;
  for (i = 0; i < n; i++) {
    Client *c = &clients[(start + i) % n];

    if (c->sock)
      return c;
  }
  return NULL;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  gst_init (NULL, NULL);
  gst_peerjs_init ();
  uri = g_uri_parse ("ws://127.0.0.1/peerjs", G_URI_FLAGS_NONE, NULL);
  /* the connections attach their I/O to the thread-default context,
   * which runs only at the end of an input */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstPeerJSServer *server;
  Client clients[MAX_SOCKETS];
  guint n = 0, i;
  size_t pos = 0;

  memset (clients, 0, sizeof (clients));
  server = gst_peerjs_server_new ();
  g_object_set (server, "concurrent-limit", CONCURRENT_LIMIT,
      "max-message-size", MAX_MESSAGE_SIZE, "max-queue-length", 3,
      "max-unregistered-sockets", 2, "expire-timeout", 0,
      "alive-timeout", G_MAXINT, NULL);
  gst_peerjs_server_open_detached (server);
  client_open (server, &clients[n++], "key=peerjs&id=alice&token=ta");
  client_open (server, &clients[n++], "key=peerjs&id=bob&token=tb");

  while (pos < size) {
    guint8 op = data[pos++];
    size_t len;
    Client *c;

    if (size - pos >= 2) {
      len = (size_t) data[pos] << 8 | data[pos + 1];
      pos += 2;
    } else {
      len = size - pos;
    }
    if (len > size - pos)
      len = size - pos;

    switch (op & 7) {
      case 0:
      case 1:
      case 2:
      case 3:
        if ((c = pick (clients, n, op))) {
          GBytes *frame = g_bytes_new (data + pos, len);

          gst_peerjs_server_receive_detached (server, c->sock,
              (op & 7) == 3 ? SOUP_WEBSOCKET_DATA_BINARY :
              SOUP_WEBSOCKET_DATA_TEXT, frame);
          g_bytes_unref (frame);
        }
        break;
      case 4:
        if (n < MAX_SOCKETS) {
          gchar *query = g_strndup ((const gchar *) data + pos, len);

          client_open (server, &clients[n++], query);
          g_free (query);
        }
        break;
      case 5:
        if ((c = pick (clients, n, op))) {
          gst_peerjs_server_socket_closed_detached (server, c->sock);
          c->sock = NULL;
        }
        break;
      case 6:
        gst_peerjs_server_tick_detached (server);
        break;
      case 7:
        if ((c = pick (clients, n, op))) {
          GBytes *frame = g_bytes_new_static ("{\"type\":\"HEARTBEAT\"}", 20);

          gst_peerjs_server_receive_detached (server, c->sock,
              SOUP_WEBSOCKET_DATA_TEXT, frame);
          g_bytes_unref (frame);
        }
        break;
    }
    pos += len;
    check_registry (server);
  }

  for (i = 0; i < n; i++)
    check_written (&clients[i]);

  gst_peerjs_server_close_detached (server);
  gst_object_unref (server);
  for (i = 0; i < n; i++)
    g_object_unref (clients[i].conn);
  /* lets the connections finish closing their streams; bounded */
  for (i = 0; i < 1000 && g_main_context_pending (context); i++)
    g_main_context_iteration (context, FALSE);
  return 0;
}
