/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjspad.h"

enum
{
  PROP_0,
  PROP_PEER_ID,
};

struct _GstPeerJSPad
{
  GstGhostPad parent;

  gchar *peer_id;
};

G_DEFINE_TYPE (GstPeerJSPad, gst_peerjs_pad, GST_TYPE_GHOST_PAD);

GstPad *
gst_peerjs_pad_new (const gchar * name, GstPad * target,
    GstPadTemplate * templ, const gchar * peer_id)
{
  GstPad *pad = g_object_new (GST_TYPE_PEERJS_PAD, "name", name,
      "direction", GST_PAD_DIRECTION (target), "template", templ,
      "peer-id", peer_id, NULL);

  if (!gst_ghost_pad_set_target (GST_GHOST_PAD (pad), target)) {
    gst_object_unref (pad);
    return NULL;
  }
  return pad;
}

static void
gst_peerjs_pad_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstPeerJSPad *self = GST_PEERJS_PAD (object);

  switch (prop_id) {
    case PROP_PEER_ID:
      g_free (self->peer_id);
      self->peer_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_peerjs_pad_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstPeerJSPad *self = GST_PEERJS_PAD (object);

  switch (prop_id) {
    case PROP_PEER_ID:
      g_value_set_string (value, self->peer_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_peerjs_pad_finalize (GObject * object)
{
  g_free (GST_PEERJS_PAD (object)->peer_id);
  G_OBJECT_CLASS (gst_peerjs_pad_parent_class)->finalize (object);
}

static void
gst_peerjs_pad_init (GstPeerJSPad * self)
{
}

static void
gst_peerjs_pad_class_init (GstPeerJSPadClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = gst_peerjs_pad_set_property;
  gobject_class->get_property = gst_peerjs_pad_get_property;
  gobject_class->finalize = gst_peerjs_pad_finalize;

  /**
   * GstPeerJSPad:peer-id:
   *
   * The exact PeerJS ID of the member whose track this pad carries.
   *
   * Since: 1.0
   */
  g_object_class_install_property (gobject_class, PROP_PEER_ID,
      g_param_spec_string ("peer-id", "Peer ID",
          "PeerJS ID of the member this pad carries", NULL,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
}
