/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The room's rules, as pure functions: who calls whom, which call wins
 * when both happen, what `peers` means, how a member's pads are named. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjspolicy.h"
#include <gst/peerjs/peerjs.h>
#include <string.h>

GType
gst_peerjs_call_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS,
          "The member with the lower ID calls, the other answers",
        "lower-id-calls"},
    {GST_PEERJS_CALL_POLICY_CALL_ALL, "Call every member, answer every member",
        "call-all"},
    {GST_PEERJS_CALL_POLICY_ANSWER_ONLY, "Never call, answer the members",
        "answer-only"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstPeerJSCallPolicy", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

gboolean
gst_peerjs_policy_should_call (GstPeerJSCallPolicy policy,
    const gchar * local_id, const gchar * remote_id)
{
  switch (policy) {
    case GST_PEERJS_CALL_POLICY_CALL_ALL:
      return TRUE;
    case GST_PEERJS_CALL_POLICY_ANSWER_ONLY:
      return FALSE;
    case GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS:
    default:
      return strcmp (local_id, remote_id) < 0;
  }
}

gboolean
gst_peerjs_policy_prefer_incoming (GstPeerJSCallPolicy policy,
    const gchar * local_id, const gchar * remote_id)
{
  /* whatever the policy, the lower ID's call wins: both sides agree on it
   * without talking, so exactly one call survives */
  return strcmp (remote_id, local_id) < 0;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

gchar **
gst_peerjs_policy_parse_peers (const gchar * text, gboolean * all,
    gchar *** invalid)
{
  GPtrArray *valid = g_ptr_array_new ();
  GPtrArray *bad = g_ptr_array_new ();
  gchar **parts;
  guint i;

  *all = FALSE;
  parts = g_strsplit (text ? text : "", ",", -1);
  for (i = 0; parts[i]; i++) {
    gchar *id = g_strstrip (parts[i]);

    if (!*id)
      continue;
    if (g_str_equal (id, "*")) {
      *all = TRUE;
      continue;
    }
    if (!gst_peerjs_id_is_valid (id)) {
      g_ptr_array_add (bad, g_strdup (id));
      continue;
    }
    g_ptr_array_add (valid, g_strdup (id));
  }
  g_strfreev (parts);

  g_ptr_array_sort (valid, compare_strings);
  for (i = 1; i < valid->len;) {
    if (g_str_equal (g_ptr_array_index (valid, i - 1),
            g_ptr_array_index (valid, i))) {
      g_free (g_ptr_array_index (valid, i));
      g_ptr_array_remove_index (valid, i);
    } else {
      i++;
    }
  }

  g_ptr_array_add (valid, NULL);
  g_ptr_array_add (bad, NULL);
  if (invalid)
    *invalid = (gchar **) g_ptr_array_free (bad, FALSE);
  else
    g_strfreev ((gchar **) g_ptr_array_free (bad, FALSE));
  return (gchar **) g_ptr_array_free (valid, FALSE);
}

gchar *
gst_peerjs_policy_pad_name (const gchar * kind, const gchar * peer_id)
{
  gchar *name = g_strdup_printf ("%s_%s", kind, peer_id);
  gchar *p;

  for (p = name + strlen (kind) + 1; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      *p = '_';
  return name;
}
