/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The track-state announcement a member sends on its data connections
 * (docs/track-state.md). Values arrive in the data value model of
 * gst/peerjs/gstpeerjsvalue.h, whatever the serialization. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjstrackstate.h"

#define TRACK_STATE_TYPE "track-state"

GVariant *
gst_peerjs_track_state_to_value (gboolean video_enabled, gboolean audio_enabled)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "type",
      g_variant_new_string (TRACK_STATE_TYPE));
  g_variant_builder_add (&b, "{sv}", "videoEnabled",
      g_variant_new_boolean (video_enabled));
  g_variant_builder_add (&b, "{sv}", "audioEnabled",
      g_variant_new_boolean (audio_enabled));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

/* JavaScript truthiness of a boolean or number field; absent: enabled */
static gboolean
read_flag (GVariant * dict, const gchar * key)
{
  GVariant *v = g_variant_lookup_value (dict, key, NULL);
  gboolean flag = TRUE;

  if (!v)
    return TRUE;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_BOOLEAN))
    flag = g_variant_get_boolean (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT64))
    flag = g_variant_get_int64 (v) != 0;
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_DOUBLE))
    flag = g_variant_get_double (v) != 0.0;
  g_variant_unref (v);
  return flag;
}

gboolean
gst_peerjs_track_state_from_value (GVariant * value, gboolean * video_enabled,
    gboolean * audio_enabled)
{
  const gchar *type = NULL;

  if (!value || !g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT)
      || !g_variant_lookup (value, "type", "&s", &type)
      || g_strcmp0 (type, TRACK_STATE_TYPE) != 0)
    return FALSE;
  *video_enabled = read_flag (value, "videoEnabled");
  *audio_enabled = read_flag (value, "audioEnabled");
  return TRUE;
}
