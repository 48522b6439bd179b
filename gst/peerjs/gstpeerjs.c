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

#include "peerjs.h"

/**
 * gst_peerjs_init:
 *
 * Registers the library's types. Call it once after gst_init() before
 * using the library from an application; the plugin calls it itself.
 *
 * Since: 1.0
 */
void
gst_peerjs_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    g_type_ensure (GST_TYPE_PEERJS_ERROR);
    g_type_ensure (GST_TYPE_PEERJS_MESSAGE);
    g_type_ensure (GST_TYPE_PEERJS_SESSION_STATE);
    g_type_ensure (GST_TYPE_PEERJS_SESSION);
    g_type_ensure (GST_TYPE_PEERJS_SERVER);
    g_type_ensure (GST_TYPE_PEERJS_DATA_ERROR);
    g_type_ensure (GST_TYPE_PEERJS_SERIALIZATION);
    g_once_init_leave (&done, 1);
  }
}
