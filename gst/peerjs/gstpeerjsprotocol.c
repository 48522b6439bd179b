/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:gstpeerjsprotocol
 * @title: GstPeerJSMessage
 * @short_description: PeerJS signalling messages: parsing, validation,
 *   serialization
 *
 * A PeerJS signalling frame is a JSON object `{type, src, dst, payload}`.
 * gst_peerjs_message_parse() turns one frame into a #GstPeerJSMessage and
 * checks it, either only its envelope (what a relaying server needs) or the
 * whole payload for its type (what a client needs before acting on it).
 * gst_peerjs_message_serialize() writes a message back in the compact form
 * and key order the `peerjs` 1.5.5 JavaScript client uses.
 *
 * The functions here do no I/O and keep no state, apart from the random
 * source behind gst_peerjs_random_token().
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstpeerjserror.h"
#include "gstpeerjsprotocol.h"

GST_DEBUG_CATEGORY_STATIC (peerjs_protocol_debug);
#define GST_CAT_DEFAULT peerjs_protocol_debug

#define TOKEN_LENGTH 16
#define MAX_MLINE_INDEX 1023
/* Longest unknown type name quoted in an error message. */
#define MAX_QUOTED_TYPE_CHARS 32

/* What a message type carries beyond `type`, `src` and `dst`. */
typedef enum
{
  RULE_SRC = 1 << 0,            /* src required, a valid peer ID */
  RULE_CONNECTION = 1 << 1,     /* payload object with connectionId, type */
  RULE_CONNECTION_TYPE = 1 << 2,        /* payload.type required */
  RULE_SDP = 1 << 3,            /* payload.sdp = {type, sdp} */
  RULE_CANDIDATE = 1 << 4,      /* payload.candidate */
  RULE_OFFER = 1 << 5,          /* metadata; label, reliable, serialization */
  RULE_ERROR_MSG = 1 << 6,      /* optional payload.msg */
} MessageRules;

typedef struct
{
  GstPeerJSMessageType type;
  const gchar *name;
  MessageRules rules;
  const gchar *sdp_type;
} MessageInfo;

/* Indexed by GstPeerJSMessageType - 1. */
static const MessageInfo message_infos[] = {
  {GST_PEERJS_MESSAGE_OPEN, "OPEN", 0, NULL},
  {GST_PEERJS_MESSAGE_ERROR, "ERROR", RULE_ERROR_MSG, NULL},
  {GST_PEERJS_MESSAGE_ID_TAKEN, "ID-TAKEN", RULE_ERROR_MSG, NULL},
  {GST_PEERJS_MESSAGE_INVALID_KEY, "INVALID-KEY", RULE_ERROR_MSG, NULL},
  {GST_PEERJS_MESSAGE_HEARTBEAT, "HEARTBEAT", 0, NULL},
  {GST_PEERJS_MESSAGE_OFFER, "OFFER", RULE_SRC | RULE_CONNECTION |
        RULE_CONNECTION_TYPE | RULE_SDP | RULE_OFFER, "offer"},
  {GST_PEERJS_MESSAGE_ANSWER, "ANSWER",
      RULE_SRC | RULE_CONNECTION | RULE_SDP, "answer"},
  {GST_PEERJS_MESSAGE_CANDIDATE, "CANDIDATE",
      RULE_SRC | RULE_CONNECTION | RULE_CANDIDATE, NULL},
  {GST_PEERJS_MESSAGE_LEAVE, "LEAVE", RULE_SRC, NULL},
  {GST_PEERJS_MESSAGE_EXPIRE, "EXPIRE", RULE_SRC, NULL},
};

G_STATIC_ASSERT (G_N_ELEMENTS (message_infos) == GST_PEERJS_MESSAGE_EXPIRE);

typedef enum
{
  FIELD_OPTIONAL = 0,
  FIELD_REQUIRED = 1 << 0,
  FIELD_NULLABLE = 1 << 1,      /* JSON null counts as absent */
} FieldFlags;

/* A JSON object being read, and how to name its members in errors. */
typedef struct
{
  const gchar *type_name;
  gchar path[32];
  JsonObject *object;
} Scope;

typedef gboolean (*PartParseFunc) (const Scope * payload,
    const MessageInfo * info, GstPeerJSMessage * msg, GError ** error);
typedef void (*PartBuildFunc) (JsonBuilder * builder,
    const MessageInfo * info, const GstPeerJSMessage * msg);

typedef struct
{
  MessageRules rule;
  PartParseFunc parse;
  PartBuildFunc build;
} PayloadPart;

/**
 * gst_peerjs_protocol_error_quark:
 *
 * The quark of the %GST_PEERJS_PROTOCOL_ERROR domain.
 *
 * Returns: the error domain quark
 *
 * Since: 1.0
 */
GQuark
gst_peerjs_protocol_error_quark (void)
{
  return g_quark_from_static_string ("gst-peerjs-protocol-error-quark");
}

G_DEFINE_BOXED_TYPE (GstPeerJSMessage, gst_peerjs_message,
    gst_peerjs_message_copy, gst_peerjs_message_free);

/* The library has no plugin_init, so the category is made on first use. */
static void
ensure_debug_category (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (peerjs_protocol_debug, "peerjsprotocol", 0,
        "PeerJS signalling messages");
    g_once_init_leave (&done, 1);
  }
}

static const MessageInfo *
message_info_for_type (GstPeerJSMessageType type)
{
  if (type < GST_PEERJS_MESSAGE_OPEN || type > GST_PEERJS_MESSAGE_EXPIRE)
    return NULL;

  return &message_infos[type - GST_PEERJS_MESSAGE_OPEN];
}

static const MessageInfo *
message_info_for_name (const gchar * name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (message_infos); i++) {
    if (g_str_equal (message_infos[i].name, name))
      return &message_infos[i];
  }

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Reading fields                                                           */

static void
scope_init (Scope * scope, const gchar * type_name, const Scope * parent,
    const gchar * member, JsonObject * object)
{
  scope->type_name = type_name;
  scope->object = object;
  if (parent == NULL || parent->path[0] == '\0')
    g_strlcpy (scope->path, member ? member : "", sizeof (scope->path));
  else
    g_snprintf (scope->path, sizeof (scope->path), "%s.%s", parent->path,
        member);
}

/* Sets "<TYPE>: <path>.<member> <problem>" and returns FALSE. */
static gboolean
scope_error (const Scope * scope, GError ** error,
    GstPeerJSProtocolError code, const gchar * member,
    const gchar * format, ...)
{
  va_list args;
  gchar *problem;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, GST_PEERJS_PROTOCOL_ERROR, code, "%s: %s%s%s %s",
      scope->type_name, scope->path, scope->path[0] ? "." : "", member,
      problem);
  g_free (problem);

  return FALSE;
}

static gboolean
node_holds (JsonNode * node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) ==
      type;
}

/* *node is NULL when the member is absent and that is allowed. */
static gboolean
lookup_member (const Scope * scope, const gchar * member, FieldFlags flags,
    JsonNode ** node, GError ** error)
{
  *node = json_object_get_member (scope->object, member);

  if (*node && JSON_NODE_HOLDS_NULL (*node) && (flags & FIELD_NULLABLE))
    *node = NULL;

  if (*node == NULL && (flags & FIELD_REQUIRED))
    return scope_error (scope, error, GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
        member, "is missing");

  return TRUE;
}

static gboolean
read_string (const Scope * scope, const gchar * member, FieldFlags flags,
    const gchar ** value, GError ** error)
{
  JsonNode *node;

  *value = NULL;
  if (!lookup_member (scope, member, flags, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!node_holds (node, G_TYPE_STRING))
    return scope_error (scope, error, GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
        member, "must be a string");

  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_string_dup (const Scope * scope, const gchar * member, FieldFlags flags,
    gchar ** value, GError ** error)
{
  const gchar *str;

  if (!read_string (scope, member, flags, &str, error))
    return FALSE;

  *value = g_strdup (str);
  return TRUE;
}

/* @child->object is NULL when the member is absent and that is allowed. */
static gboolean
read_object (const Scope * scope, const gchar * member, FieldFlags flags,
    Scope * child, GError ** error)
{
  JsonNode *node;

  scope_init (child, scope->type_name, scope, member, NULL);
  if (!lookup_member (scope, member, flags, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return scope_error (scope, error, GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
        member, "must be an object");

  child->object = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_boolean (const Scope * scope, const gchar * member, gboolean * value,
    GError ** error)
{
  JsonNode *node;

  if (!lookup_member (scope, member, FIELD_OPTIONAL, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!node_holds (node, G_TYPE_BOOLEAN))
    return scope_error (scope, error, GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
        member, "must be a boolean");

  *value = json_node_get_boolean (node);
  return TRUE;
}

/* *value is left untouched when the member is absent or null. */
static gboolean
read_mline_index (const Scope * scope, const gchar * member, gint * value,
    GError ** error)
{
  JsonNode *node;
  gint64 index;

  if (!lookup_member (scope, member, FIELD_NULLABLE, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!node_holds (node, G_TYPE_INT64))
    return scope_error (scope, error, GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
        member, "must be an integer");

  index = json_node_get_int (node);
  if (index < 0 || index > MAX_MLINE_INDEX)
    return scope_error (scope, error, GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
        member, "must be from 0 to %d", MAX_MLINE_INDEX);

  *value = (gint) index;
  return TRUE;
}

/* The member must be the string @expected, e.g. sdp.type "offer". */
static gboolean
expect_string (const Scope * scope, const gchar * member,
    const gchar * expected, GError ** error)
{
  const gchar *value;

  if (!read_string (scope, member, FIELD_REQUIRED, &value, error))
    return FALSE;
  if (!g_str_equal (value, expected))
    return scope_error (scope, error, GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
        member, "must be \"%s\"", expected);

  return TRUE;
}

static gboolean
read_connection_type (const Scope * scope, FieldFlags flags,
    GstPeerJSConnectionType * type, GError ** error)
{
  const gchar *value;

  if (!read_string (scope, "type", flags, &value, error))
    return FALSE;

  if (value == NULL)
    *type = GST_PEERJS_CONNECTION_NONE;
  else if (g_str_equal (value, "media"))
    *type = GST_PEERJS_CONNECTION_MEDIA;
  else if (g_str_equal (value, "data"))
    *type = GST_PEERJS_CONNECTION_DATA;
  else
    return scope_error (scope, error, GST_PEERJS_PROTOCOL_ERROR_WRONG_TYPE,
        "type", "must be \"media\" or \"data\"");

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Payload parts: each one reads and writes the fields of one rule          */

static gboolean
parse_sdp (const Scope * payload, const MessageInfo * info,
    GstPeerJSMessage * msg, GError ** error)
{
  Scope sdp;

  return read_object (payload, "sdp", FIELD_REQUIRED, &sdp, error) &&
      expect_string (&sdp, "type", info->sdp_type, error) &&
      read_string_dup (&sdp, "sdp", FIELD_REQUIRED, &msg->sdp, error);
}

static void
build_sdp (JsonBuilder * builder, const MessageInfo * info,
    const GstPeerJSMessage * msg)
{
  json_builder_set_member_name (builder, "sdp");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, info->sdp_type);
  if (msg->sdp) {
    json_builder_set_member_name (builder, "sdp");
    json_builder_add_string_value (builder, msg->sdp);
  }
  json_builder_end_object (builder);
}

static gboolean
parse_candidate (const Scope * payload, const MessageInfo * info,
    GstPeerJSMessage * msg, GError ** error)
{
  Scope cand;

  if (!read_object (payload, "candidate", FIELD_REQUIRED, &cand, error) ||
      !read_string_dup (&cand, "candidate", FIELD_REQUIRED, &msg->candidate,
          error) ||
      !read_string_dup (&cand, "sdpMid", FIELD_NULLABLE, &msg->sdp_mid,
          error) ||
      !read_mline_index (&cand, "sdpMLineIndex", &msg->sdp_mline_index,
          error) ||
      !read_string_dup (&cand, "usernameFragment", FIELD_NULLABLE,
          &msg->username_fragment, error))
    return FALSE;

  /* Without either the receiver cannot tell which m-line it is for. */
  if (msg->sdp_mid == NULL && msg->sdp_mline_index < 0)
    return scope_error (&cand, error, GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD,
        "sdpMid", "and sdpMLineIndex are both missing");

  return TRUE;
}

static void
add_string_member (JsonBuilder * builder, const gchar * name,
    const gchar * value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
build_candidate (JsonBuilder * builder, const MessageInfo * info,
    const GstPeerJSMessage * msg)
{
  json_builder_set_member_name (builder, "candidate");
  json_builder_begin_object (builder);
  add_string_member (builder, "candidate", msg->candidate);
  add_string_member (builder, "sdpMid", msg->sdp_mid);
  if (msg->sdp_mline_index >= 0) {
    json_builder_set_member_name (builder, "sdpMLineIndex");
    json_builder_add_int_value (builder, msg->sdp_mline_index);
  }
  add_string_member (builder, "usernameFragment", msg->username_fragment);
  json_builder_end_object (builder);
}

static gboolean
parse_connection (const Scope * payload, const MessageInfo * info,
    GstPeerJSMessage * msg, GError ** error)
{
  FieldFlags type_flags = (info->rules & RULE_CONNECTION_TYPE) ?
      FIELD_REQUIRED : FIELD_OPTIONAL;

  if (!read_connection_type (payload, type_flags, &msg->connection_type,
          error) ||
      !read_string_dup (payload, "connectionId", FIELD_REQUIRED,
          &msg->connection_id, error))
    return FALSE;

  if (!gst_peerjs_connection_id_is_valid (msg->connection_id))
    return scope_error (payload, error,
        GST_PEERJS_PROTOCOL_ERROR_INVALID_CONNECTION_ID, "connectionId",
        "is not a valid connection ID");

  return TRUE;
}

static void
build_connection (JsonBuilder * builder, const MessageInfo * info,
    const GstPeerJSMessage * msg)
{
  add_string_member (builder, "type",
      gst_peerjs_connection_type_to_string (msg->connection_type));
  add_string_member (builder, "connectionId", msg->connection_id);
}

static gboolean
parse_offer_extras (const Scope * payload, const MessageInfo * info,
    GstPeerJSMessage * msg, GError ** error)
{
  JsonNode *metadata = json_object_get_member (payload->object, "metadata");

  if (metadata)
    msg->metadata = json_node_copy (metadata);

  if (msg->connection_type != GST_PEERJS_CONNECTION_DATA)
    return TRUE;

  return read_string_dup (payload, "label", FIELD_OPTIONAL, &msg->label,
      error) &&
      read_boolean (payload, "reliable", &msg->reliable, error) &&
      read_string_dup (payload, "serialization", FIELD_OPTIONAL,
      &msg->serialization, error);
}

static void
build_offer_extras (JsonBuilder * builder, const MessageInfo * info,
    const GstPeerJSMessage * msg)
{
  if (msg->metadata) {
    json_builder_set_member_name (builder, "metadata");
    json_builder_add_value (builder, json_node_copy (msg->metadata));
  }

  if (msg->connection_type != GST_PEERJS_CONNECTION_DATA)
    return;

  add_string_member (builder, "label", msg->label);
  json_builder_set_member_name (builder, "reliable");
  json_builder_add_boolean_value (builder, msg->reliable);
  /* A browser drops a data offer without a serialization it knows. */
  add_string_member (builder, "serialization",
      msg->serialization ? msg->serialization : "binary");
}

static gboolean
parse_error_msg (const Scope * payload, const MessageInfo * info,
    GstPeerJSMessage * msg, GError ** error)
{
  return read_string_dup (payload, "msg", FIELD_OPTIONAL,
      &msg->error_message, error);
}

static void
build_error_msg (JsonBuilder * builder, const MessageInfo * info,
    const GstPeerJSMessage * msg)
{
  add_string_member (builder, "msg", msg->error_message);
}

/* In the key order of peerjs 1.5.5: sdp or candidate, then type and
 * connectionId, then the offer extras. Parsing uses the same order. */
static const PayloadPart payload_parts[] = {
  {RULE_SDP, parse_sdp, build_sdp},
  {RULE_CANDIDATE, parse_candidate, build_candidate},
  {RULE_CONNECTION, parse_connection, build_connection},
  {RULE_OFFER, parse_offer_extras, build_offer_extras},
  {RULE_ERROR_MSG, parse_error_msg, build_error_msg},
};

/* ------------------------------------------------------------------------ */
/* Parsing                                                                  */

static GstPeerJSMessage *
message_alloc (void)
{
  GstPeerJSMessage *msg = g_new0 (GstPeerJSMessage, 1);

  msg->sdp_mline_index = -1;
  return msg;
}

static const gchar *
describe_json_kind (JsonNode * node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (node_holds (node, G_TYPE_STRING))
    return "string";
  if (node_holds (node, G_TYPE_BOOLEAN))
    return "boolean";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  return "number";
}

/* Whether @data holds at most one top-level JSON value. json-glib 1.6
 * (Debian 12) accepts a document of several, keeps the last and leaks the
 * others: a 64 KiB frame of "1 1 1 …" leaked 30 000 nodes, which any
 * client could repeat (found by tests/fuzz/fuzz-server.c). JSON.parse, and
 * so `peer`, refuses such a document; so do we. Outside strings only what
 * JSON allows there is accepted, so that json-glib's extensions (comments,
 * single-quoted strings) cannot make a value end elsewhere than we see it
 * end. Anything else malformed is left to json-glib to report. */
static gboolean
is_one_json_value (const gchar * data, gsize length)
{
  guint depth = 0;
  gboolean done = FALSE;        /* a value ended at the top level */
  gboolean in_scalar = FALSE;   /* inside a number or literal */
  gsize i;

  for (i = 0; i < length; i++) {
    gchar c = data[i];

    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_scalar && depth == 0)
        done = TRUE;
      in_scalar = FALSE;
      continue;
    }
    if (done || (in_scalar && depth == 0 && !g_ascii_isalnum (c)
            && c != '-' && c != '+' && c != '.'))
      return FALSE;

    if (c == '"') {
      for (i++; i < length && data[i] != '"'; i++) {
        if (data[i] == '\\')
          i++;
      }
      if (i >= length)
        return TRUE;            /* unterminated: json-glib says so */
      done = depth == 0;
      in_scalar = FALSE;
    } else if (c == '{' || c == '[') {
      depth++;
      in_scalar = FALSE;
    } else if (c == '}' || c == ']') {
      if (depth == 0)
        return FALSE;
      depth--;
      done = depth == 0;
      in_scalar = FALSE;
    } else if (c == ',' || c == ':') {
      if (depth == 0)
        return FALSE;
      in_scalar = FALSE;
    } else if (g_ascii_isalnum (c) || c == '-' || c == '+' || c == '.') {
      in_scalar = TRUE;
    } else {
      return FALSE;
    }
  }
  return TRUE;
}

/* json-glib decodes a lone UTF-16 surrogate escape ("\ud800") into bytes
 * that are not UTF-8; such a string would reach GStreamer structures and
 * libsoup's send_text(), which refuses it with a critical. Walks the tree
 * with its own stack: a 64 KiB frame nests up to 32768 levels. */
static gboolean
strings_are_utf8 (JsonNode * root)
{
  GPtrArray *stack = g_ptr_array_new ();
  gboolean ok = TRUE;

  g_ptr_array_add (stack, root);
  while (ok && stack->len > 0) {
    JsonNode *node = g_ptr_array_steal_index_fast (stack, stack->len - 1);

    if (JSON_NODE_HOLDS_VALUE (node)
        && json_node_get_value_type (node) == G_TYPE_STRING) {
      ok = g_utf8_validate (json_node_get_string (node), -1, NULL);
    } else if (JSON_NODE_HOLDS_OBJECT (node)) {
      JsonObjectIter iter;
      const gchar *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (ok && json_object_iter_next (&iter, &name, &member)) {
        ok = g_utf8_validate (name, -1, NULL);
        g_ptr_array_add (stack, member);
      }
    } else if (JSON_NODE_HOLDS_ARRAY (node)) {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (stack, json_array_get_element (array, i));
    }
  }
  g_ptr_array_unref (stack);
  return ok;
}

static JsonObject *
load_object (JsonParser * parser, const gchar * data, gsize length,
    GError ** error)
{
  GError *json_err = NULL;
  JsonNode *root;

  if (length == 0) {
    g_set_error_literal (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "message is empty");
    return NULL;
  }

  if (!g_utf8_validate_len (data, length, NULL)) {
    g_set_error_literal (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "message is not valid UTF-8");
    return NULL;
  }

  if (!is_one_json_value (data, length)) {
    g_set_error_literal (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_MALFORMED,
        "message is not JSON: not one JSON value");
    return NULL;
  }

  if (!json_parser_load_from_data (parser, data, (gssize) length, &json_err)) {
    g_set_error (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "message is not JSON: %s",
        json_err->message);
    g_error_free (json_err);
    return NULL;
  }

  /* json-glib accepts a blank document and gives it no root. */
  root = json_parser_get_root (parser);
  if (root == NULL) {
    g_set_error_literal (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_MALFORMED, "message has no JSON value");
    return NULL;
  }

  if (!strings_are_utf8 (root)) {
    g_set_error_literal (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_MALFORMED,
        "message has a string that is not Unicode (a lone UTF-16 "
        "surrogate escape)");
    return NULL;
  }

  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_NOT_OBJECT,
        "message is a JSON %s, not an object", describe_json_kind (root));
    return NULL;
  }

  return json_node_get_object (root);
}

/* Reads type, src, dst and keeps payload as it came. *info is NULL for
 * a type that is not PeerJS's. */
static gboolean
parse_envelope (JsonObject * root, GstPeerJSMessage * msg,
    const MessageInfo ** info, GError ** error)
{
  Scope envelope;
  JsonNode *payload;

  scope_init (&envelope, "message", NULL, NULL, root);
  if (!read_string_dup (&envelope, "type", FIELD_REQUIRED, &msg->type_name,
          error))
    return FALSE;

  /* An unknown name could be any length: errors say "message" instead. */
  *info = message_info_for_name (msg->type_name);
  if (*info)
    envelope.type_name = (*info)->name;
  if (!read_string_dup (&envelope, "src", FIELD_OPTIONAL, &msg->src, error) ||
      !read_string_dup (&envelope, "dst", FIELD_OPTIONAL, &msg->dst, error))
    return FALSE;

  payload = json_object_get_member (root, "payload");
  if (payload)
    msg->payload = json_node_copy (payload);

  return TRUE;
}

/* A relay has no use for the payload, but its logs do for this. */
static void
peek_connection_id (GstPeerJSMessage * msg)
{
  JsonObject *payload;
  JsonNode *node;

  if (msg->payload == NULL || !JSON_NODE_HOLDS_OBJECT (msg->payload))
    return;

  payload = json_node_get_object (msg->payload);
  node = json_object_get_member (payload, "connectionId");
  if (node && node_holds (node, G_TYPE_STRING))
    msg->connection_id = g_strdup (json_node_get_string (node));
}

static gboolean
set_unknown_type_error (const gchar * type_name, GError ** error)
{
  gchar *quoted;

  if (g_utf8_strlen (type_name, -1) > MAX_QUOTED_TYPE_CHARS) {
    gchar *start = g_utf8_substring (type_name, 0, MAX_QUOTED_TYPE_CHARS);

    quoted = g_strconcat (start, "...", NULL);
    g_free (start);
  } else {
    quoted = g_strdup (type_name);
  }

  g_set_error (error, GST_PEERJS_PROTOCOL_ERROR,
      GST_PEERJS_PROTOCOL_ERROR_UNKNOWN_TYPE,
      "message: type \"%s\" is not a PeerJS message type", quoted);
  g_free (quoted);

  return FALSE;
}

static gboolean
check_src (const MessageInfo * info, const GstPeerJSMessage * msg,
    GError ** error)
{
  if (msg->src == NULL) {
    g_set_error (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_MISSING_FIELD, "%s: src is missing",
        info->name);
    return FALSE;
  }

  if (!gst_peerjs_id_is_valid (msg->src)) {
    g_set_error (error, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_INVALID_ID,
        "%s: src is not a valid peer ID", info->name);
    return FALSE;
  }

  return TRUE;
}

/* Validates everything the type carries beyond the envelope. */
static gboolean
parse_typed (const MessageInfo * info, JsonObject * root,
    GstPeerJSMessage * msg, GError ** error)
{
  Scope envelope, payload;
  FieldFlags payload_flags;
  guint i;

  if ((info->rules & RULE_SRC) && !check_src (info, msg, error))
    return FALSE;

  if (!(info->rules & (RULE_CONNECTION | RULE_ERROR_MSG)))
    return TRUE;

  /* Only error payloads are optional: their msg is informative. */
  payload_flags = (info->rules & RULE_CONNECTION) ?
      FIELD_REQUIRED : FIELD_NULLABLE;
  scope_init (&envelope, info->name, NULL, NULL, root);
  if (!read_object (&envelope, "payload", payload_flags, &payload, error))
    return FALSE;
  if (payload.object == NULL)
    return TRUE;

  for (i = 0; i < G_N_ELEMENTS (payload_parts); i++) {
    if ((info->rules & payload_parts[i].rule) &&
        !payload_parts[i].parse (&payload, info, msg, error))
      return FALSE;
  }

  return TRUE;
}

static GstPeerJSMessage *
parse_object (JsonObject * root, GstPeerJSParseFlags flags, GError ** error)
{
  GstPeerJSMessage *msg = message_alloc ();
  const MessageInfo *info;

  if (!parse_envelope (root, msg, &info, error))
    goto fail;

  if (flags & GST_PEERJS_PARSE_ENVELOPE) {
    msg->type = info ? info->type : GST_PEERJS_MESSAGE_UNKNOWN;
    peek_connection_id (msg);
    return msg;
  }

  if (info == NULL) {
    set_unknown_type_error (msg->type_name, error);
    goto fail;
  }

  msg->type = info->type;
  if (!parse_typed (info, root, msg, error))
    goto fail;

  return msg;

fail:
  gst_peerjs_message_free (msg);
  return NULL;
}

/**
 * gst_peerjs_message_parse:
 * @data: (array length=length): one signalling frame, UTF-8 JSON text
 * @length: length of @data in bytes, or -1 if it is NUL-terminated
 * @flags: how much to validate
 * @max_size: largest accepted frame in bytes, 0 for
 *   %GST_PEERJS_MAX_MESSAGE_SIZE
 * @error: return location for a %GST_PEERJS_PROTOCOL_ERROR
 *
 * Parses and validates one PeerJS signalling frame. The size limit is
 * checked before anything is parsed.
 *
 * With %GST_PEERJS_PARSE_ENVELOPE only `type` (a string) and `src`/`dst`
 * (strings, when present) are checked; `payload` is kept in @payload as it
 * came, an unknown type gives %GST_PEERJS_MESSAGE_UNKNOWN, and of the typed
 * fields only @connection_id is filled, when the payload has a string
 * `connectionId`.
 *
 * With %GST_PEERJS_PARSE_FULL the payload is validated for the type and the
 * typed fields are filled; OFFER, ANSWER, CANDIDATE, LEAVE and EXPIRE need a
 * `src` that is a valid peer ID. @payload holds the raw payload here too.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with @error
 *   set
 *
 * Since: 1.0
 */
GstPeerJSMessage *
gst_peerjs_message_parse (const gchar * data, gsize length,
    GstPeerJSParseFlags flags, gsize max_size, GError ** error)
{
  GstPeerJSMessage *msg = NULL;
  GError *err = NULL;
  JsonParser *parser;
  JsonObject *root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();

  if (length == (gsize) - 1)
    length = strlen (data);
  if (max_size == 0)
    max_size = GST_PEERJS_MAX_MESSAGE_SIZE;

  if (length > max_size) {
    g_set_error (&err, GST_PEERJS_PROTOCOL_ERROR,
        GST_PEERJS_PROTOCOL_ERROR_TOO_LARGE,
        "message is %" G_GSIZE_FORMAT " bytes, more than the limit of %"
        G_GSIZE_FORMAT, length, max_size);
  } else {
    /* Immutable trees can be shared by message copies without surprises. */
    parser = json_parser_new_immutable ();
    root = load_object (parser, data, length, &err);
    if (root)
      msg = parse_object (root, flags, &err);
    g_object_unref (parser);
  }

  if (msg) {
    GST_LOG ("parsed %s message", msg->type_name);
  } else {
    GST_DEBUG ("rejected message: %s", err->message);
    g_propagate_error (error, err);
  }

  return msg;
}

/* ------------------------------------------------------------------------ */
/* Serialization                                                            */

/* ERROR without a message and the payload-less types have no payload. */
static gboolean
has_typed_payload (const MessageInfo * info, const GstPeerJSMessage * msg)
{
  if (info->rules & RULE_CONNECTION)
    return TRUE;

  return (info->rules & RULE_ERROR_MSG) && msg->error_message != NULL;
}

static void
build_typed_payload (JsonBuilder * builder, const MessageInfo * info,
    const GstPeerJSMessage * msg)
{
  guint i;

  json_builder_set_member_name (builder, "payload");
  json_builder_begin_object (builder);
  for (i = 0; i < G_N_ELEMENTS (payload_parts); i++) {
    if (info->rules & payload_parts[i].rule)
      payload_parts[i].build (builder, info, msg);
  }
  json_builder_end_object (builder);
}

static JsonNode *
build_message (const GstPeerJSMessage * msg, const gchar * type_name,
    const MessageInfo * info)
{
  JsonBuilder *builder = json_builder_new ();
  JsonNode *root;

  json_builder_begin_object (builder);
  add_string_member (builder, "type", type_name);
  add_string_member (builder, "src", msg->src);
  add_string_member (builder, "dst", msg->dst);

  if (msg->payload) {
    json_builder_set_member_name (builder, "payload");
    json_builder_add_value (builder, json_node_copy (msg->payload));
  } else if (info && has_typed_payload (info, msg)) {
    build_typed_payload (builder, info, msg);
  }

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  g_object_unref (builder);

  return root;
}

/**
 * gst_peerjs_message_serialize:
 * @msg: a #GstPeerJSMessage
 * @length: (out) (optional): return location for the length in bytes
 *
 * Writes @msg as one compact JSON frame with the keys `type`, `src` (if
 * set), `dst` (if set) and `payload`, in that order. If @payload is set it
 * is written as is (relaying); otherwise the payload is built from the typed
 * fields, with the keys in the order `peerjs` 1.5.5 sends them. A data OFFER
 * without @serialization is written with "binary", the JavaScript default.
 *
 * The type is written by its wire name; a %GST_PEERJS_MESSAGE_UNKNOWN
 * message needs @type_name.
 *
 * Returns: (transfer full) (nullable): the JSON text, or %NULL if @msg has
 *   no type name
 *
 * Since: 1.0
 */
gchar *
gst_peerjs_message_serialize (const GstPeerJSMessage * msg, gsize * length)
{
  const MessageInfo *info;
  const gchar *type_name;
  JsonGenerator *generator;
  JsonNode *root;
  gchar *text;

  g_return_val_if_fail (msg != NULL, NULL);

  ensure_debug_category ();

  info = message_info_for_type (msg->type);
  type_name = info ? info->name : msg->type_name;
  g_return_val_if_fail (type_name != NULL, NULL);

  root = build_message (msg, type_name, info);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, length);
  g_object_unref (generator);
  json_node_unref (root);

  GST_LOG ("serialized %s message", type_name);

  return text;
}

/* ------------------------------------------------------------------------ */
/* GstPeerJSMessage                                                         */

/**
 * gst_peerjs_message_new:
 * @type: the message type
 *
 * Creates an empty message of @type, with @type_name set to its wire name
 * and @sdp_mline_index to -1. Fill the fields, then
 * gst_peerjs_message_serialize().
 *
 * Returns: (transfer full): a new #GstPeerJSMessage
 *
 * Since: 1.0
 */
GstPeerJSMessage *
gst_peerjs_message_new (GstPeerJSMessageType type)
{
  GstPeerJSMessage *msg = message_alloc ();

  msg->type = type;
  msg->type_name = g_strdup (gst_peerjs_message_type_to_string (type));

  return msg;
}

static GstPeerJSMessage *
new_connection_message (GstPeerJSMessageType type, const gchar * dst,
    GstPeerJSConnectionType connection_type, const gchar * connection_id)
{
  GstPeerJSMessage *msg = gst_peerjs_message_new (type);

  msg->dst = g_strdup (dst);
  msg->connection_type = connection_type;
  msg->connection_id = g_strdup (connection_id);

  return msg;
}

/**
 * gst_peerjs_message_new_offer:
 * @dst: (nullable): the remote peer ID
 * @connection_type: %GST_PEERJS_CONNECTION_MEDIA or
 *   %GST_PEERJS_CONNECTION_DATA
 * @connection_id: the connection ID, see gst_peerjs_new_connection_id()
 * @sdp: the offer SDP text
 *
 * Creates an OFFER. Set @metadata, and for a data connection @label,
 * @reliable and @serialization, on the returned message as needed.
 *
 * Returns: (transfer full) (nullable): a new OFFER, or %NULL on invalid
 *   arguments
 *
 * Since: 1.0
 */
GstPeerJSMessage *
gst_peerjs_message_new_offer (const gchar * dst,
    GstPeerJSConnectionType connection_type, const gchar * connection_id,
    const gchar * sdp)
{
  GstPeerJSMessage *msg;

  g_return_val_if_fail (connection_type != GST_PEERJS_CONNECTION_NONE, NULL);
  g_return_val_if_fail (connection_id != NULL, NULL);
  g_return_val_if_fail (sdp != NULL, NULL);

  msg = new_connection_message (GST_PEERJS_MESSAGE_OFFER, dst,
      connection_type, connection_id);
  msg->sdp = g_strdup (sdp);

  return msg;
}

/**
 * gst_peerjs_message_new_answer:
 * @dst: (nullable): the remote peer ID
 * @connection_type: the type of the offer being answered
 * @connection_id: the connection ID of the offer being answered
 * @sdp: the answer SDP text
 *
 * Creates an ANSWER.
 *
 * Returns: (transfer full) (nullable): a new ANSWER, or %NULL on invalid
 *   arguments
 *
 * Since: 1.0
 */
GstPeerJSMessage *
gst_peerjs_message_new_answer (const gchar * dst,
    GstPeerJSConnectionType connection_type, const gchar * connection_id,
    const gchar * sdp)
{
  GstPeerJSMessage *msg;

  g_return_val_if_fail (connection_id != NULL, NULL);
  g_return_val_if_fail (sdp != NULL, NULL);

  msg = new_connection_message (GST_PEERJS_MESSAGE_ANSWER, dst,
      connection_type, connection_id);
  msg->sdp = g_strdup (sdp);

  return msg;
}

/**
 * gst_peerjs_message_new_candidate:
 * @dst: (nullable): the remote peer ID
 * @connection_type: the type of the connection
 * @connection_id: the connection ID
 * @candidate: the ICE candidate line, starting with "candidate:"
 * @sdp_mid: (nullable): the media stream identification
 * @sdp_mline_index: the m-line index, or -1 if unknown
 *
 * Creates a CANDIDATE. At least one of @sdp_mid and @sdp_mline_index must
 * be given for the receiver to accept it.
 *
 * Returns: (transfer full) (nullable): a new CANDIDATE, or %NULL on invalid
 *   arguments
 *
 * Since: 1.0
 */
GstPeerJSMessage *
gst_peerjs_message_new_candidate (const gchar * dst,
    GstPeerJSConnectionType connection_type, const gchar * connection_id,
    const gchar * candidate, const gchar * sdp_mid, gint sdp_mline_index)
{
  GstPeerJSMessage *msg;

  g_return_val_if_fail (connection_id != NULL, NULL);
  g_return_val_if_fail (candidate != NULL, NULL);
  g_return_val_if_fail (sdp_mline_index >= -1, NULL);

  msg = new_connection_message (GST_PEERJS_MESSAGE_CANDIDATE, dst,
      connection_type, connection_id);
  msg->candidate = g_strdup (candidate);
  msg->sdp_mid = g_strdup (sdp_mid);
  msg->sdp_mline_index = sdp_mline_index;

  return msg;
}

static JsonNode *
node_copy_or_null (JsonNode * node)
{
  return node ? json_node_copy (node) : NULL;
}

/**
 * gst_peerjs_message_copy:
 * @msg: a #GstPeerJSMessage
 *
 * Copies @msg. Strings are duplicated; @payload and @metadata are copied
 * with json_node_copy(), which shares objects and arrays (parsed ones are
 * immutable).
 *
 * Returns: (transfer full): a copy of @msg
 *
 * Since: 1.0
 */
GstPeerJSMessage *
gst_peerjs_message_copy (const GstPeerJSMessage * msg)
{
  GstPeerJSMessage *copy;

  g_return_val_if_fail (msg != NULL, NULL);

  copy = g_new (GstPeerJSMessage, 1);
  *copy = *msg;
  copy->type_name = g_strdup (msg->type_name);
  copy->src = g_strdup (msg->src);
  copy->dst = g_strdup (msg->dst);
  copy->payload = node_copy_or_null (msg->payload);
  copy->connection_id = g_strdup (msg->connection_id);
  copy->sdp = g_strdup (msg->sdp);
  copy->candidate = g_strdup (msg->candidate);
  copy->sdp_mid = g_strdup (msg->sdp_mid);
  copy->username_fragment = g_strdup (msg->username_fragment);
  copy->metadata = node_copy_or_null (msg->metadata);
  copy->label = g_strdup (msg->label);
  copy->serialization = g_strdup (msg->serialization);
  copy->error_message = g_strdup (msg->error_message);

  return copy;
}

/**
 * gst_peerjs_message_free:
 * @msg: (nullable): a #GstPeerJSMessage
 *
 * Frees @msg and everything it owns.
 *
 * Since: 1.0
 */
void
gst_peerjs_message_free (GstPeerJSMessage * msg)
{
  if (msg == NULL)
    return;

  g_free (msg->type_name);
  g_free (msg->src);
  g_free (msg->dst);
  g_clear_pointer (&msg->payload, json_node_unref);
  g_free (msg->connection_id);
  g_free (msg->sdp);
  g_free (msg->candidate);
  g_free (msg->sdp_mid);
  g_free (msg->username_fragment);
  g_clear_pointer (&msg->metadata, json_node_unref);
  g_free (msg->label);
  g_free (msg->serialization);
  g_free (msg->error_message);
  g_free (msg);
}

/* ------------------------------------------------------------------------ */
/* Names                                                                    */

/**
 * gst_peerjs_message_type_to_string:
 * @type: a #GstPeerJSMessageType
 *
 * The wire name of a message type, e.g. "ID-TAKEN".
 *
 * Returns: (nullable): the name, or %NULL for %GST_PEERJS_MESSAGE_UNKNOWN
 *   and values outside the enum
 *
 * Since: 1.0
 */
const gchar *
gst_peerjs_message_type_to_string (GstPeerJSMessageType type)
{
  const MessageInfo *info = message_info_for_type (type);

  return info ? info->name : NULL;
}

/**
 * gst_peerjs_message_type_from_string:
 * @name: (nullable): a wire name, e.g. "OFFER"
 *
 * The message type of a wire name. The match is exact (PeerJS names are
 * upper case).
 *
 * Returns: the type, or %GST_PEERJS_MESSAGE_UNKNOWN
 *
 * Since: 1.0
 */
GstPeerJSMessageType
gst_peerjs_message_type_from_string (const gchar * name)
{
  const MessageInfo *info;

  if (name == NULL)
    return GST_PEERJS_MESSAGE_UNKNOWN;

  info = message_info_for_name (name);
  return info ? info->type : GST_PEERJS_MESSAGE_UNKNOWN;
}

/**
 * gst_peerjs_connection_type_to_string:
 * @type: a #GstPeerJSConnectionType
 *
 * The `payload.type` value of a connection type.
 *
 * Returns: (nullable): "media", "data", or %NULL for
 *   %GST_PEERJS_CONNECTION_NONE
 *
 * Since: 1.0
 */
const gchar *
gst_peerjs_connection_type_to_string (GstPeerJSConnectionType type)
{
  switch (type) {
    case GST_PEERJS_CONNECTION_MEDIA:
      return "media";
    case GST_PEERJS_CONNECTION_DATA:
      return "data";
    default:
      return NULL;
  }
}

/* ------------------------------------------------------------------------ */
/* IDs and tokens                                                           */

static gboolean
is_id_separator (gchar c)
{
  return c == ' ' || c == '_' || c == '-';
}

/**
 * gst_peerjs_id_is_valid:
 * @id: (nullable): a peer ID
 *
 * Checks @id against the rule of the `peerjs` client,
 * `^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$` (ASCII letters and digits, single
 * spaces, underscores or hyphens between them), and a length of at most
 * %GST_PEERJS_MAX_ID_LENGTH bytes. The empty ID is not valid.
 *
 * Returns: %TRUE if @id is a valid peer ID
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_id_is_valid (const gchar * id)
{
  /* The start behaves like a separator: an alphanumeric must follow. */
  gboolean after_separator = TRUE;
  gsize length;

  if (id == NULL)
    return FALSE;

  for (length = 0; id[length] != '\0'; length++) {
    if (length >= GST_PEERJS_MAX_ID_LENGTH)
      return FALSE;

    if (g_ascii_isalnum (id[length]))
      after_separator = FALSE;
    else if (is_id_separator (id[length]) && !after_separator)
      after_separator = TRUE;
    else
      return FALSE;
  }

  return !after_separator;
}

/**
 * gst_peerjs_validate_id:
 * @id: (nullable): a peer ID
 * @error: return location for a %GST_PEERJS_ERROR_INVALID_ID error
 *
 * Like gst_peerjs_id_is_valid(), with an error worded like the `peerjs`
 * client's: `ID "<id>" is invalid`.
 *
 * Returns: %TRUE if @id is a valid peer ID
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_validate_id (const gchar * id, GError ** error)
{
  gchar *printable;

  if (gst_peerjs_id_is_valid (id))
    return TRUE;

  /* GError messages are UTF-8; the ID may come from anywhere. */
  printable = g_utf8_make_valid (id ? id : "", -1);
  g_set_error (error, GST_PEERJS_ERROR, GST_PEERJS_ERROR_INVALID_ID,
      "ID \"%s\" is invalid", printable);
  g_free (printable);

  return FALSE;
}

static gboolean
is_connection_id_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.' || c == '-';
}

/**
 * gst_peerjs_connection_id_is_valid:
 * @connection_id: (nullable): a `connectionId`
 *
 * Checks that @connection_id is 1 to %GST_PEERJS_MAX_CONNECTION_ID_LENGTH
 * characters of `[A-Za-z0-9_.-]`. PeerJS makes `mc_`/`dc_` plus a random
 * token; the restriction keeps IDs safe to use in pad and element names
 * and in logs.
 *
 * Returns: %TRUE if @connection_id is acceptable
 *
 * Since: 1.0
 */
gboolean
gst_peerjs_connection_id_is_valid (const gchar * connection_id)
{
  gsize length;

  if (connection_id == NULL)
    return FALSE;

  for (length = 0; connection_id[length] != '\0'; length++) {
    if (length >= GST_PEERJS_MAX_CONNECTION_ID_LENGTH ||
        !is_connection_id_char (connection_id[length]))
      return FALSE;
  }

  return length > 0;
}

G_LOCK_DEFINE_STATIC (token_rand);
static GRand *token_rand = NULL;

/* GRand is a Mersenne Twister: enough raw output gives its state away, and
 * connection IDs made from tokens are seen by every remote peer. Hashing a
 * private generator's output (seeded from /dev/urandom) keeps the next
 * session token out of reach. */
static void
fill_token_digest (guint8 * digest, gsize * digest_len)
{
  GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 words[8];
  guint i;

  G_LOCK (token_rand);
  if (token_rand == NULL)
    token_rand = g_rand_new ();
  for (i = 0; i < G_N_ELEMENTS (words); i++)
    words[i] = g_rand_int (token_rand);
  G_UNLOCK (token_rand);

  g_checksum_update (checksum, (const guchar *) words, sizeof (words));
  g_checksum_get_digest (checksum, digest, digest_len);
  g_checksum_free (checksum);
}

/**
 * gst_peerjs_random_token:
 *
 * Makes a random token of 16 characters of `[0-9a-z]`, like (but longer
 * than) the `peerjs` client's. It is the secret that protects a peer ID on
 * the server, and the random part of connection IDs.
 *
 * Returns: (transfer full): a new token
 *
 * Since: 1.0
 */
gchar *
gst_peerjs_random_token (void)
{
  static const gchar alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  /* The largest multiple of 36 below 256: bytes above it would bias. */
  const guint limit = 256 - 256 % (sizeof (alphabet) - 1);
  gchar *token = g_malloc (TOKEN_LENGTH + 1);
  guint8 digest[32];
  gsize digest_len, i, n = 0;

  while (n < TOKEN_LENGTH) {
    digest_len = sizeof (digest);
    fill_token_digest (digest, &digest_len);
    for (i = 0; i < digest_len && n < TOKEN_LENGTH; i++) {
      if (digest[i] < limit)
        token[n++] = alphabet[digest[i] % (sizeof (alphabet) - 1)];
    }
  }
  token[TOKEN_LENGTH] = '\0';

  return token;
}

/**
 * gst_peerjs_new_connection_id:
 * @type: %GST_PEERJS_CONNECTION_MEDIA or %GST_PEERJS_CONNECTION_DATA
 *
 * Makes a new connection ID the way `peerjs` does: "mc_" (media) or "dc_"
 * (data) followed by gst_peerjs_random_token().
 *
 * Returns: (transfer full) (nullable): the connection ID, or %NULL for
 *   %GST_PEERJS_CONNECTION_NONE
 *
 * Since: 1.0
 */
gchar *
gst_peerjs_new_connection_id (GstPeerJSConnectionType type)
{
  gchar *token, *id;

  g_return_val_if_fail (type == GST_PEERJS_CONNECTION_MEDIA ||
      type == GST_PEERJS_CONNECTION_DATA, NULL);

  token = gst_peerjs_random_token ();
  id = g_strconcat (type == GST_PEERJS_CONNECTION_MEDIA ? "mc_" : "dc_",
      token, NULL);
  g_free (token);

  return id;
}
