/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_TRACK_STATE_H__
#define __GST_PEERJS_TRACK_STATE_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/* The announcement, docs/track-state.md:
 * {"type":"track-state","videoEnabled":true,"audioEnabled":false} */
    GVariant * gst_peerjs_track_state_to_value (gboolean video_enabled,
    gboolean audio_enabled);

/* Whether @value (a data value) is an announcement; a missing field
 * counts as enabled. */
gboolean gst_peerjs_track_state_from_value (GVariant * value,
    gboolean * video_enabled, gboolean * audio_enabled);

G_END_DECLS
#endif /* __GST_PEERJS_TRACK_STATE_H__ */
