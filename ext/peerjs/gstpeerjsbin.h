/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_BIN_H__
#define __GST_PEERJS_BIN_H__

#include <gst/gst.h>
#include <gst/peerjs/peerjs.h>
#include "gstpeerjspolicy.h"

G_BEGIN_DECLS
#define GST_TYPE_PEERJS_BIN (gst_peerjs_bin_get_type ())
G_DECLARE_DERIVABLE_TYPE (GstPeerJSBin, gst_peerjs_bin, GST, PEERJS_BIN,
    GstBin);

/**
 * GstPeerJSBinClass:
 * @sends: the element sends local media to the members
 * @receives: the element receives the members' media
 * @open_membership: with `peers` empty, whoever calls is a member (up to
 *   `max-peers`), and stays one until it leaves
 * @default_call_policy: the `call-policy` an instance starts with
 *
 * What a subclass says about itself; the engine does the rest.
 */
struct _GstPeerJSBinClass
{
  GstBinClass parent_class;

  gboolean sends;
  gboolean receives;
  gboolean open_membership;
  GstPeerJSCallPolicy default_call_policy;

  /* action signals */
  void (*add_peer) (GstPeerJSBin * self, const gchar * peer_id);
  void (*remove_peer) (GstPeerJSBin * self, const gchar * peer_id);
    gboolean (*send_data) (GstPeerJSBin * self, const gchar * target,
      GVariant * value);
    gboolean (*send_json) (GstPeerJSBin * self, const gchar * target,
      const gchar * json);
  gchar *(*connect_data) (GstPeerJSBin * self, const gchar * peer_id,
      const gchar * label, const gchar * serialization, gboolean reliable);
    gboolean (*close_data) (GstPeerJSBin * self, const gchar * connection_id);
};

void gst_peerjs_bin_class_add_pad_templates (GstPeerJSBinClass * klass);

void gst_peerjs_bin_class_add_table (GstPeerJSBinClass * klass);

G_END_DECLS
#endif /* __GST_PEERJS_BIN_H__ */
