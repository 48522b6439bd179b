/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Values over one RTCDataChannel the way `peerjs` 1.5.5 frames them
 * (docs/data.md):
 *
 *   binary  one BinaryPack value per binary message; over 16300 bytes
 *           packed, chunk maps that the receiver reassembles
 *   json    UTF-8 JSON text in a binary message (text frames, which
 *           peerjs 1.4 sent, are accepted too)
 *   raw     strings as text messages, bytes as binary messages
 *   MsgPack a byte stream of MessagePack values cut into 32 KiB messages
 *
 * Sends are serialized by a lock so that the pieces of one value are not
 * interleaved with another's on an ordered channel. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsdatachannel.h"

#include <string.h>

#define GST_CAT_DEFAULT peerjs_data_channel_debug
GST_DEBUG_CATEGORY_STATIC (GST_CAT_DEFAULT);

/* chunked values being reassembled at once, and how long one may take */
#define MAX_CHUNKED_IN_FLIGHT 16
#define CHUNK_TIMEOUT_MS 10000

/* Like peerjs' MAX_BUFFERED_AMOUNT: past this the remote is not keeping
 * up and sends fail instead of queueing without bound. */
#define MAX_BUFFERED_AMOUNT (8 * 1024 * 1024)

enum
{
  SIGNAL_OPEN,
  SIGNAL_VALUE,
  SIGNAL_CLOSE_REQUESTED,
  SIGNAL_BAD_DATA,
  LAST_SIGNAL
};

static guint channel_signals[LAST_SIGNAL];

struct _GstPeerJSDataChannel
{
  GstObject parent;

  GstWebRTCDataChannel *channel;
  GstPeerJSSerialization serialization;

  /* receiving: webrtcbin delivers one message at a time */
  GstPeerJSBinaryPackReceiver *receiver;
  GstPeerJSMsgPackReader *reader;
  gboolean stream_broken;

  GMutex send_lock;
  GstPeerJSBinaryPackSender *sender;
};

#define gst_peerjs_data_channel_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstPeerJSDataChannel, gst_peerjs_data_channel,
    GST_TYPE_OBJECT, GST_DEBUG_CATEGORY_INIT (GST_CAT_DEFAULT,
        "peerjsdatachannel", 0, "PeerJS data channel"));

static void
emit_value (GstPeerJSDataChannel * self, GVariant * value)
{
  if (gst_peerjs_value_is_close (value)) {
    GST_INFO_OBJECT (self, "the remote asks to close");
    g_signal_emit (self, channel_signals[SIGNAL_CLOSE_REQUESTED], 0,
        "remote-close");
  } else {
    g_signal_emit (self, channel_signals[SIGNAL_VALUE], 0, value);
  }
  g_variant_unref (value);
}

static void
emit_bad_data (GstPeerJSDataChannel * self, GError * error)
{
  GST_WARNING_OBJECT (self, "dropped a message: %s", error->message);
  g_signal_emit (self, channel_signals[SIGNAL_BAD_DATA], 0, error);
  g_error_free (error);
}

static void
receive_binarypack (GstPeerJSDataChannel * self, const guint8 * data,
    gsize size)
{
  GVariant *value = NULL;
  GError *error = NULL;

  switch (gst_peerjs_binarypack_receiver_push (self->receiver, data, size,
          g_get_monotonic_time (), &value, &error)) {
    case GST_PEERJS_RECEIVE_VALUE:
      emit_value (self, value);
      break;
    case GST_PEERJS_RECEIVE_CLOSE:
      g_signal_emit (self, channel_signals[SIGNAL_CLOSE_REQUESTED], 0,
          "remote-close");
      break;
    case GST_PEERJS_RECEIVE_NONE:
      if (error)
        emit_bad_data (self, error);
      break;
  }
}

static void
receive_json (GstPeerJSDataChannel * self, const gchar * text, gsize size)
{
  GError *error = NULL;
  GVariant *value;

  if (size >= GST_PEERJS_DATA_CHANNEL_LIMIT) {
    emit_bad_data (self, g_error_new (GST_PEERJS_DATA_ERROR,
            GST_PEERJS_DATA_ERROR_TOO_BIG, "a JSON message of %"
            G_GSIZE_FORMAT " bytes", size));
    return;
  }
  value = gst_peerjs_value_from_json (text, size, &error);
  if (value)
    emit_value (self, value);
  else
    emit_bad_data (self, error);
}

/* MsgPack is a stream: after a malformed value nothing that follows can
 * be trusted, so the connection ends (as the JS decoder's stream does). */
static void
receive_msgpack (GstPeerJSDataChannel * self, const guint8 * data, gsize size)
{
  GError *error = NULL;
  GVariant *value;

  if (self->stream_broken)
    return;
  gst_peerjs_msgpack_reader_push (self->reader, data, size);
  while ((value = gst_peerjs_msgpack_reader_pop (self->reader, &error)))
    emit_value (self, value);
  if (error) {
    self->stream_broken = TRUE;
    emit_bad_data (self, error);
    g_signal_emit (self, channel_signals[SIGNAL_CLOSE_REQUESTED], 0,
        "bad-data");
  }
}

static void
on_message_data (GstWebRTCDataChannel * channel, GBytes * bytes,
    GstPeerJSDataChannel * self)
{
  gsize size = 0;
  const guint8 *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;

  GST_LOG_OBJECT (self, "binary message of %" G_GSIZE_FORMAT " bytes", size);
  switch (self->serialization) {
    case GST_PEERJS_SERIALIZATION_BINARY:
      receive_binarypack (self, data, size);
      break;
    case GST_PEERJS_SERIALIZATION_JSON:
      receive_json (self, (const gchar *) data, size);
      break;
    case GST_PEERJS_SERIALIZATION_RAW:
      emit_value (self, g_variant_ref_sink (g_variant_new_fixed_array
              (G_VARIANT_TYPE_BYTE, data ? data : (const guint8 *) "", size,
                  1)));
      break;
    case GST_PEERJS_SERIALIZATION_MSGPACK:
      receive_msgpack (self, data, size);
      break;
  }
}

static void
on_message_string (GstWebRTCDataChannel * channel, const gchar * str,
    GstPeerJSDataChannel * self)
{
  gsize size = str ? strlen (str) : 0;

  GST_LOG_OBJECT (self, "text message of %" G_GSIZE_FORMAT " bytes", size);
  switch (self->serialization) {
    case GST_PEERJS_SERIALIZATION_JSON:
      receive_json (self, str ? str : "", size);
      break;
    case GST_PEERJS_SERIALIZATION_RAW:
      if (g_utf8_validate (str ? str : "", size, NULL))
        emit_value (self, g_variant_ref_sink (g_variant_new_string (str ?
                    str : "")));
      else
        emit_bad_data (self, g_error_new_literal (GST_PEERJS_DATA_ERROR,
                GST_PEERJS_DATA_ERROR_MALFORMED, "a text message that is not "
                "UTF-8"));
      break;
    default:
      /* peerjs would decode garbage from it (a 0 for BinaryPack) */
      emit_bad_data (self, g_error_new (GST_PEERJS_DATA_ERROR,
              GST_PEERJS_DATA_ERROR_MALFORMED, "a text message on a %s "
              "connection, which carries binary messages only",
              gst_peerjs_serialization_to_string (self->serialization)));
      break;
  }
}

static void
on_open (GstWebRTCDataChannel * channel, GstPeerJSDataChannel * self)
{
  GST_DEBUG_OBJECT (self, "open");
  g_signal_emit (self, channel_signals[SIGNAL_OPEN], 0);
}

/* ---- sending ---- */

static gboolean
check_buffered (GstPeerJSDataChannel * self, gsize size, GError ** error)
{
  guint64 buffered = 0;

  g_object_get (self->channel, "buffered-amount", &buffered, NULL);
  if (buffered + size > MAX_BUFFERED_AMOUNT) {
    g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_TOO_BIG,
        "the remote is not keeping up: %" G_GUINT64_FORMAT " bytes are "
        "waiting to be sent", buffered);
    return FALSE;
  }
  return TRUE;
}

static gboolean
send_pieces (GstPeerJSDataChannel * self, GPtrArray * pieces, GError ** error)
{
  gsize total = 0;
  guint i;

  for (i = 0; i < pieces->len; i++)
    total += g_bytes_get_size (g_ptr_array_index (pieces, i));
  if (!check_buffered (self, total, error))
    return FALSE;
  for (i = 0; i < pieces->len; i++)
    if (!gst_webrtc_data_channel_send_data_full (self->channel,
            g_ptr_array_index (pieces, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
send_json (GstPeerJSDataChannel * self, GVariant * value, GError ** error)
{
  gchar *text = gst_peerjs_value_to_json (value);
  gsize size = strlen (text);
  GBytes *bytes;
  gboolean ok;

  /* the limit a peerjs sender enforces; its receivers have no chunking */
  if (size >= GST_PEERJS_DATA_JSON_LIMIT) {
    g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_TOO_BIG,
        "message-too-big: %" G_GSIZE_FORMAT " bytes of JSON; json "
        "connections carry less than %d bytes (use binary)", size,
        GST_PEERJS_DATA_JSON_LIMIT);
    g_free (text);
    return FALSE;
  }
  bytes = g_bytes_new_take (text, size);
  ok = check_buffered (self, size, error)
      && gst_webrtc_data_channel_send_data_full (self->channel, bytes, error);
  g_bytes_unref (bytes);
  return ok;
}

static gboolean
send_raw (GstPeerJSDataChannel * self, GVariant * value, GError ** error)
{
  gsize size = g_variant_get_size (value);

  if (size > GST_PEERJS_DATA_CHANNEL_LIMIT) {
    g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_TOO_BIG,
        "%" G_GSIZE_FORMAT " bytes in one raw message; the channel carries "
        "at most %d", size, GST_PEERJS_DATA_CHANNEL_LIMIT);
    return FALSE;
  }
  if (!check_buffered (self, size, error))
    return FALSE;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return gst_webrtc_data_channel_send_string_full (self->channel,
        g_variant_get_string (value, NULL), error);
  if (gst_peerjs_value_is_binary (value)) {
    GBytes *bytes = g_variant_get_data_as_bytes (value);
    gboolean ok = gst_webrtc_data_channel_send_data_full (self->channel,
        bytes, error);

    g_bytes_unref (bytes);
    return ok;
  }
  g_set_error (error, GST_PEERJS_DATA_ERROR, GST_PEERJS_DATA_ERROR_UNSUPPORTED,
      "raw connections carry strings and bytes, not %s values",
      g_variant_get_type_string (value));
  return FALSE;
}

static GPtrArray *
encode_msgpack (GVariant * value, GError ** error)
{
  GBytes *encoded = gst_peerjs_msgpack_encode (value, error);
  GPtrArray *pieces;

  if (!encoded)
    return NULL;
  pieces = gst_peerjs_msgpack_split (encoded);
  g_bytes_unref (encoded);
  return pieces;
}

gboolean
gst_peerjs_data_channel_send (GstPeerJSDataChannel * self, GVariant * value,
    GError ** error)
{
  GPtrArray *pieces = NULL;
  GVariant *normal;
  gboolean ok = FALSE;

  g_return_val_if_fail (GST_IS_PEERJS_DATA_CHANNEL (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!gst_peerjs_data_channel_is_open (self)) {
    g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_WEBRTC,
        "not-open-yet: the data connection is not open");
    return FALSE;
  }
  if (!(normal = gst_peerjs_value_normalize (value, error)))
    return FALSE;

  g_mutex_lock (&self->send_lock);
  switch (self->serialization) {
    case GST_PEERJS_SERIALIZATION_BINARY:
      pieces = gst_peerjs_binarypack_sender_pack (self->sender, normal, error);
      ok = pieces && send_pieces (self, pieces, error);
      break;
    case GST_PEERJS_SERIALIZATION_JSON:
      ok = send_json (self, normal, error);
      break;
    case GST_PEERJS_SERIALIZATION_RAW:
      ok = send_raw (self, normal, error);
      break;
    case GST_PEERJS_SERIALIZATION_MSGPACK:
      pieces = encode_msgpack (normal, error);
      ok = pieces && send_pieces (self, pieces, error);
      break;
  }
  g_mutex_unlock (&self->send_lock);

  if (pieces)
    g_ptr_array_unref (pieces);
  g_variant_unref (normal);
  return ok;
}

gboolean
gst_peerjs_data_channel_is_open (GstPeerJSDataChannel * self)
{
  GstWebRTCDataChannelState state = GST_WEBRTC_DATA_CHANNEL_STATE_CLOSED;

  g_return_val_if_fail (GST_IS_PEERJS_DATA_CHANNEL (self), FALSE);
  g_object_get (self->channel, "ready-state", &state, NULL);
  return state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN;
}

GstPeerJSSerialization
gst_peerjs_data_channel_get_serialization (GstPeerJSDataChannel * self)
{
  return self->serialization;
}

void
gst_peerjs_data_channel_detach (GstPeerJSDataChannel * self)
{
  g_return_if_fail (GST_IS_PEERJS_DATA_CHANNEL (self));
  g_signal_handlers_disconnect_by_data (self->channel, self);
}

GstPeerJSDataChannel *
gst_peerjs_data_channel_new (GstWebRTCDataChannel * channel,
    GstPeerJSSerialization serialization)
{
  GstPeerJSDataChannel *self;

  g_return_val_if_fail (GST_IS_WEBRTC_DATA_CHANNEL (channel), NULL);

  self = g_object_new (GST_TYPE_PEERJS_DATA_CHANNEL, NULL);
  gst_object_ref_sink (self);
  self->channel = g_object_ref (channel);
  self->serialization = serialization;
  self->sender = gst_peerjs_binarypack_sender_new ();
  self->receiver = gst_peerjs_binarypack_receiver_new
      (GST_PEERJS_DATA_MAX_VALUE_SIZE, MAX_CHUNKED_IN_FLIGHT, CHUNK_TIMEOUT_MS);
  self->reader = gst_peerjs_msgpack_reader_new (GST_PEERJS_DATA_MAX_VALUE_SIZE);

  g_signal_connect (channel, "on-open", G_CALLBACK (on_open), self);
  g_signal_connect (channel, "on-message-data", G_CALLBACK (on_message_data),
      self);
  g_signal_connect (channel, "on-message-string",
      G_CALLBACK (on_message_string), self);
  return self;
}

static void
gst_peerjs_data_channel_finalize (GObject * object)
{
  GstPeerJSDataChannel *self = GST_PEERJS_DATA_CHANNEL (object);

  g_signal_handlers_disconnect_by_data (self->channel, self);
  g_object_unref (self->channel);
  gst_peerjs_binarypack_sender_free (self->sender);
  gst_peerjs_binarypack_receiver_free (self->receiver);
  gst_peerjs_msgpack_reader_free (self->reader);
  g_mutex_clear (&self->send_lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_peerjs_data_channel_init (GstPeerJSDataChannel * self)
{
  g_mutex_init (&self->send_lock);
}

static void
gst_peerjs_data_channel_class_init (GstPeerJSDataChannelClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->finalize = gst_peerjs_data_channel_finalize;

  channel_signals[SIGNAL_OPEN] = g_signal_new ("open",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 0);
  channel_signals[SIGNAL_VALUE] = g_signal_new ("value",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_VARIANT);
  channel_signals[SIGNAL_CLOSE_REQUESTED] = g_signal_new ("close-requested",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);
  channel_signals[SIGNAL_BAD_DATA] = g_signal_new ("bad-data",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_ERROR);
}
