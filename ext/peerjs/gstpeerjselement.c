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

#include "gstpeerjselements.h"
#include "gstpeerjsbin.h"

/* One-time setup shared by every element of the plugin. */
void
peerjs_element_init (GstPlugin * plugin)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    gst_peerjs_init ();
    gst_type_mark_as_plugin_api (GST_TYPE_PEERJS_BIN, 0);
    gst_type_mark_as_plugin_api (GST_TYPE_PEERJS_ERROR, 0);
    g_once_init_leave (&done, 1);
  }
}
