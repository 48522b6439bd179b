/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_PROTOCOL_H__
#define __GST_PEERJS_PROTOCOL_H__

#include <gst/peerjs/peerjs-prelude.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * GST_PEERJS_MAX_MESSAGE_SIZE:
 *
 * Largest signalling frame, in bytes, that the parser accepts by default.
 * A Chromium offer is about 6 KiB; this leaves room for metadata.
 */
#define GST_PEERJS_MAX_MESSAGE_SIZE (64 * 1024)

/**
 * GST_PEERJS_MAX_CONNECTION_ID_LENGTH:
 *
 * Longest accepted `connectionId` (PeerJS makes 13-14 characters).
 */
#define GST_PEERJS_MAX_CONNECTION_ID_LENGTH 128

/**
 * GST_PEERJS_MAX_ID_LENGTH:
 *
 * Longest accepted peer ID.
 */
#define GST_PEERJS_MAX_ID_LENGTH 256

/**
 * GST_PEERJS_PROTOCOL_ERROR:
 *
 * Error domain for signalling messages that fail validation. Codes are
 * #GstPeerJSProtocolError.
 */
#define GST_PEERJS_PROTOCOL_ERROR (gst_peerjs_protocol_error_quark ())

/**
 * GstPeerJSProtocolError:
 * @GST_PEERJS_PROTOCOL_ERROR_TOO_LARGE: the frame exceeds the size limit.
 * @GST_PEERJS_PROTOCOL_ERROR_MALFORMED: not JSON, or not valid UTF-8.
 * @GST_PEERJS_PROTOCOL_ERROR_NOT_OBJECT: JSON, but not an object.
 * @GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD: a field required by the message
 *   type is absent.
 * @GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE: a field has the wrong JSON type or a
 *   value outside its set (e.g. `sdp.type` not "offer" in an OFFER).
 * @GST_PEERJS_PROTOCOL_ERROR_INVALID_ID: a peer ID breaks the PeerJS ID rule.
 * @GST_PEERJS_PROTOCOL_ERROR_INVALID_CONNECTION_ID: a `connectionId` is empty,
 *   too long or has characters outside `[A-Za-z0-9_.-]`.
 * @GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE: the `type` is not a PeerJS message
 *   type; such messages are to be ignored (and reported).
 *
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_PROTOCOL_ERROR_TOO_LARGE,
  GST_PEERJS_PROTOCOL_ERROR_MALFORMED,
  GST_PEERJS_PROTOCOL_ERROR_NOT_OBJECT,
  GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
  GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
  GST_PEERJS_PROTOCOL_ERROR_INVALID_ID,
  GST_PEERJS_PROTOCOL_ERROR_INVALID_CONNECTION_ID,
  GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE,
} GstPeerJSProtocolError;

GST_PEERJS_API
GQuark gst_peerjs_protocol_error_quark (void);

/**
 * GstPeerJSMessageType:
 * @GST_PEERJS_MESSAGE_UNKNOWN: not a PeerJS type (only with
 *   %GST_PEERJS_PARSE_ENVELOPE; the wire name is in @type_name)
 *
 * The `type` of a signalling message. Since: 1.0
 */
typedef enum
{
  GST_PEERJS_MESSAGE_UNKNOWN,
  GST_PEERJS_MESSAGE_OPEN,
  GST_PEERJS_MESSAGE_ERROR,
  GST_PEERJS_MESSAGE_ID_TAKEN,
  GST_PEERJS_MESSAGE_INVALID_KEY,
  GST_PEERJS_MESSAGE_HEARTBEAT,
  GST_PEERJS_MESSAGE_OFFER,
  GST_PEERJS_MESSAGE_ANSWER,
  GST_PEERJS_MESSAGE_CANDIDATE,
  GST_PEERJS_MESSAGE_LEAVE,
  GST_PEERJS_MESSAGE_EXPIRE,
} GstPeerJSMessageType;

/**
 * GstPeerJSConnectionType:
 *
 * `payload.type`: which kind of PeerJS connection a message belongs to.
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_CONNECTION_NONE,
  GST_PEERJS_CONNECTION_MEDIA,
  GST_PEERJS_CONNECTION_DATA,
} GstPeerJSConnectionType;

/**
 * GstPeerJSParseFlags:
 * @GST_PEERJS_PARSE_FULL: validate the payload for the message type (what a
 *   client does before acting on a message). Unknown types fail with
 *   %GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE.
 * @GST_PEERJS_PARSE_ENVELOPE: check only the envelope (`type`, `src`, `dst`)
 *   and keep `payload` as it came, without looking into it; unknown types
 *   give a message of type %GST_PEERJS_MESSAGE_UNKNOWN (what a relaying
 *   server does).
 *
 * Since: 1.0
 */
typedef enum
{
  GST_PEERJS_PARSE_FULL = 0,
  GST_PEERJS_PARSE_ENVELOPE = (1 << 0),
} GstPeerJSParseFlags;

/**
 * GstPeerJSMessage:
 * @type: the message type
 * @type_name: `type` exactly as on the wire
 * @src: `src` (stamped by the server), or %NULL
 * @dst: `dst`, or %NULL
 * @payload: the `payload` exactly as received (any JSON value), or %NULL.
 *   When set on a message being serialized it is written as is and the
 *   typed payload fields below are ignored.
 * @connection_type: `payload.type`
 * @connection_id: `payload.connectionId`
 * @sdp: `payload.sdp.sdp` of an OFFER or ANSWER
 * @candidate: `payload.candidate.candidate` of a CANDIDATE
 * @sdp_mid: `payload.candidate.sdpMid`, or %NULL
 * @sdp_mline_index: `payload.candidate.sdpMLineIndex`, or -1 when absent
 * @username_fragment: `payload.candidate.usernameFragment`, or %NULL
 * @metadata: `payload.metadata` of an OFFER (any JSON value), or %NULL
 * @label: `payload.label` of a data OFFER, or %NULL
 * @reliable: `payload.reliable` of a data OFFER
 * @serialization: `payload.serialization` of a data OFFER, or %NULL
 * @error_message: `payload.msg` of ERROR, ID-TAKEN or INVALID-KEY, or %NULL
 *
 * One PeerJS signalling message. Strings are owned by the message.
 *
 * Since: 1.0
 */
typedef struct
{
  GstPeerJSMessageType type;
  gchar *type_name;
  gchar *src;
  gchar *dst;
  JsonNode *payload;

  GstPeerJSConnectionType connection_type;
  gchar *connection_id;
  gchar *sdp;
  gchar *candidate;
  gchar *sdp_mid;
  gint sdp_mline_index;
  gchar *username_fragment;
  JsonNode *metadata;
  gchar *label;
  gboolean reliable;
  gchar *serialization;
  gchar *error_message;
} GstPeerJSMessage;

GST_PEERJS_API
GType gst_peerjs_message_get_type (void);
#define GST_TYPE_PEERJS_MESSAGE (gst_peerjs_message_get_type ())

GST_PEERJS_API
GstPeerJSMessage * gst_peerjs_message_new (GstPeerJSMessageType type);

GST_PEERJS_API
GstPeerJSMessage * gst_peerjs_message_new_offer (const gchar * dst,
    GstPeerJSConnectionType connection_type, const gchar * connection_id,
    const gchar * sdp);

GST_PEERJS_API
GstPeerJSMessage * gst_peerjs_message_new_answer (const gchar * dst,
    GstPeerJSConnectionType connection_type, const gchar * connection_id,
    const gchar * sdp);

GST_PEERJS_API
GstPeerJSMessage * gst_peerjs_message_new_candidate (const gchar * dst,
    GstPeerJSConnectionType connection_type, const gchar * connection_id,
    const gchar * candidate, const gchar * sdp_mid, gint sdp_mline_index);

GST_PEERJS_API
GstPeerJSMessage * gst_peerjs_message_copy (const GstPeerJSMessage * msg);

GST_PEERJS_API
void gst_peerjs_message_free (GstPeerJSMessage * msg);

GST_PEERJS_API
GstPeerJSMessage * gst_peerjs_message_parse (const gchar * data,
    gsize length, GstPeerJSParseFlags flags, gsize max_size, GError ** error);

GST_PEERJS_API
gchar * gst_peerjs_message_serialize (const GstPeerJSMessage * msg,
    gsize * length);

GST_PEERJS_API
const gchar * gst_peerjs_message_type_to_string (GstPeerJSMessageType type);

GST_PEERJS_API
GstPeerJSMessageType gst_peerjs_message_type_from_string (const gchar * name);

GST_PEERJS_API
const gchar * gst_peerjs_connection_type_to_string (GstPeerJSConnectionType
    type);

GST_PEERJS_API
gboolean gst_peerjs_id_is_valid (const gchar * id);

GST_PEERJS_API
gboolean gst_peerjs_validate_id (const gchar * id, GError ** error);

GST_PEERJS_API
gboolean gst_peerjs_connection_id_is_valid (const gchar * connection_id);

GST_PEERJS_API
gchar * gst_peerjs_random_token (void);

GST_PEERJS_API
gchar * gst_peerjs_new_connection_id (GstPeerJSConnectionType type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstPeerJSMessage, gst_peerjs_message_free)

G_END_DECLS

#endif /* __GST_PEERJS_PROTOCOL_H__ */
