/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Fuzz target: the signalling frames a server sends a client. The input is
 *
 *   u8 flags, then frames separated by NUL bytes
 *
 * Each frame goes through gst_peerjs_message_parse() in both modes (what
 * a client and what a relaying server do); a parsed message must
 * serialize, parse again to the same fields, and copy. Then every frame is
 * fed, in order, to a GstPeerJSSession that was never started, as if its
 * socket had received it (gstpeerjssession-private.h): dispatch, refusals,
 * the "message" signal, unclaimed ANSWER/CANDIDATE kept for later.
 *
 * flags: bit 0 a 1 KiB size limit instead of the default 64 KiB, bit 1
 * the session waits for its OPEN, bit 2 it was registered before, bit 3
 * the "message" handler handles what it gets, bit 4 the unclaimed
 * messages are claimed at the end (else swept). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/peerjs/peerjs.h>
#include <gst/peerjs/gstpeerjssession-private.h>

#include "fuzz.h"

#define SMALL_LIMIT 1024

typedef struct
{
  gboolean handle;
  GPtrArray *seen;              /* "src\nconnection-id" of ANSWER/CANDIDATE */
  guint messages;
} Observer;

static void
check_same (const gchar * a, const gchar * b)
{
  FUZZ_ASSERT (g_strcmp0 (a, b) == 0);
}

static void
check_round_trip (const GstPeerJSMessage * msg, GstPeerJSParseFlags flags)
{
  GstPeerJSMessage *again, *copy;
  GError *error = NULL;
  gchar *frame, *frame2;
  gsize len;

  FUZZ_ASSERT (msg->type_name != NULL);
  if (flags == GST_PEERJS_PARSE_FULL)
    FUZZ_ASSERT (msg->type != GST_PEERJS_MESSAGE_UNKNOWN);

  frame = gst_peerjs_message_serialize (msg, &len);
  FUZZ_ASSERT (frame != NULL && strlen (frame) == len);
  FUZZ_ASSERT (g_utf8_validate (frame, len, NULL));

  /* what we write we read back: same envelope, same typed fields */
  again = gst_peerjs_message_parse (frame, len, flags, G_MAXSIZE, &error);
  if (again == NULL)
    fprintf (stderr, "reparse of %s: %s\n", frame, error->message);
  FUZZ_ASSERT (again != NULL && error == NULL);
  FUZZ_ASSERT (again->type == msg->type);
  check_same (again->type_name, msg->type_name);
  check_same (again->src, msg->src);
  check_same (again->dst, msg->dst);
  FUZZ_ASSERT (again->connection_type == msg->connection_type);
  check_same (again->connection_id, msg->connection_id);
  check_same (again->sdp, msg->sdp);
  check_same (again->candidate, msg->candidate);
  check_same (again->sdp_mid, msg->sdp_mid);
  FUZZ_ASSERT (again->sdp_mline_index == msg->sdp_mline_index);
  check_same (again->username_fragment, msg->username_fragment);
  check_same (again->label, msg->label);
  FUZZ_ASSERT (again->reliable == msg->reliable);
  check_same (again->serialization, msg->serialization);
  check_same (again->error_message, msg->error_message);
  gst_peerjs_message_free (again);

  copy = gst_peerjs_message_copy (msg);
  frame2 = gst_peerjs_message_serialize (copy, NULL);
  check_same (frame, frame2);
  g_free (frame2);
  gst_peerjs_message_free (copy);
  g_free (frame);
}

static void
parse_frame (const gchar * data, gsize len, gsize max_size,
    GstPeerJSParseFlags flags)
{
  GError *error = NULL;
  GstPeerJSMessage *msg =
      gst_peerjs_message_parse (data, len, flags, max_size, &error);

  /* exactly one of a message and an error, the error ours */
  FUZZ_ASSERT ((msg == NULL) != (error == NULL));
  if (msg) {
    check_round_trip (msg, flags);
    gst_peerjs_message_free (msg);
  } else {
    FUZZ_ASSERT (error->domain == GST_PEERJS_PROTOCOL_ERROR);
    FUZZ_ASSERT (error->message != NULL);
    if (len > (max_size ? max_size : GST_PEERJS_MAX_MESSAGE_SIZE))
      FUZZ_ASSERT (error->code == GST_PEERJS_PROTOCOL_ERROR_TOO_LARGE);
    g_error_free (error);
  }
}

static gboolean
on_message (GstPeerJSSession * session, GstPeerJSMessage * msg, Observer * obs)
{
  /* the session only passes on what a full parse accepted */
  FUZZ_ASSERT (msg != NULL && msg->type != GST_PEERJS_MESSAGE_UNKNOWN);
  obs->messages++;
  if (msg->src && msg->connection_id && obs->seen->len < 64)
    g_ptr_array_add (obs->seen, g_strdup_printf ("%s\n%s", msg->src,
            msg->connection_id));
  return obs->handle;
}

static void
on_error (GstPeerJSSession * session, GError * error, gboolean fatal,
    Observer * obs)
{
  FUZZ_ASSERT (error != NULL && error->message != NULL);
}

static void
claim_all (GstPeerJSSession * session, Observer * obs)
{
  guint i;

  for (i = 0; i < obs->seen->len; i++) {
    gchar **parts = g_strsplit (g_ptr_array_index (obs->seen, i), "\n", 2);
    GList *claimed = gst_peerjs_session_claim_pending (session, parts[0],
        parts[1]);
    GList *l;

    for (l = claimed; l; l = l->next) {
      GstPeerJSMessage *m = l->data;

      FUZZ_ASSERT (g_strcmp0 (m->src, parts[0]) == 0);
      FUZZ_ASSERT (g_strcmp0 (m->connection_id, parts[1]) == 0);
    }
    g_list_free_full (claimed, (GDestroyNotify) gst_peerjs_message_free);
    g_strfreev (parts);
  }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  gst_init (NULL, NULL);
  gst_peerjs_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstPeerJSSession *session;
  Observer obs = { 0, };
  guint8 flags;
  gsize max_size, pos;

  if (size < 1)
    return 0;
  flags = data[0];
  max_size = (flags & 1) ? SMALL_LIMIT : 0;

  session = gst_peerjs_session_new ("ws://127.0.0.1:9/", NULL, "fuzz-self");
  g_object_set (session, "pending-timeout", 0, NULL);
  obs.handle = (flags & 8) != 0;
  obs.seen = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (session, "message", G_CALLBACK (on_message), &obs);
  g_signal_connect (session, "error", G_CALLBACK (on_error), &obs);

  pos = 1;
  while (pos <= size) {
    const guint8 *end = memchr (data + pos, 0, size - pos);
    gsize len = (end ? (gsize) (end - data) : size) - pos;
    GBytes *frame = g_bytes_new (data + pos, len);

    parse_frame ((const gchar *) data + pos, len, max_size,
        GST_PEERJS_PARSE_FULL);
    parse_frame ((const gchar *) data + pos, len, max_size,
        GST_PEERJS_PARSE_ENVELOPE);
    gst_peerjs_session_receive_detached (session, frame, (flags & 2) != 0,
        (flags & 4) != 0);
    g_bytes_unref (frame);
    pos += len + 1;
  }

  if (flags & 16)
    claim_all (session, &obs);
  else
    gst_peerjs_session_sweep_detached (session);

  g_signal_handlers_disconnect_by_data (session, &obs);
  gst_object_unref (session);
  g_ptr_array_unref (obs.seen);
  return 0;
}
