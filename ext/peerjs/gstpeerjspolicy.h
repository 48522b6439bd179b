/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __GST_PEERJS_POLICY_H__
#define __GST_PEERJS_POLICY_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/**
 * GstPeerJSCallPolicy:
 * @GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS: of two members, the one whose ID
 *   sorts first (byte order) calls, the other answers; if both call anyway
 *   the lower ID's call is kept
 * @GST_PEERJS_CALL_POLICY_CALL_ALL: call every member, answer every member
 * @GST_PEERJS_CALL_POLICY_ANSWER_ONLY: never call, answer the members
 *
 * Who calls whom: PeerJS has no room and no glare resolution.
 *
 * Since: 1.0
 */
    typedef enum
{
  GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS,
  GST_PEERJS_CALL_POLICY_CALL_ALL,
  GST_PEERJS_CALL_POLICY_ANSWER_ONLY,
} GstPeerJSCallPolicy;

GType gst_peerjs_call_policy_get_type (void);
#define GST_TYPE_PEERJS_CALL_POLICY (gst_peerjs_call_policy_get_type ())

/* Do we call @remote_id? */
gboolean gst_peerjs_policy_should_call (GstPeerJSCallPolicy policy,
    const gchar * local_id, const gchar * remote_id);

/* Both calls happened (ours to @remote_id is up or under way, theirs just
 * arrived): keep theirs (TRUE) and close ours, or ignore theirs (FALSE). */
gboolean gst_peerjs_policy_prefer_incoming (GstPeerJSCallPolicy policy,
    const gchar * local_id, const gchar * remote_id);

/* Parses the `peers` property: IDs separated by commas (spaces around
 * them ignored, spaces inside kept: PeerJS IDs may contain them), or "*"
 * for every ID the server lists. Returns the valid IDs, sorted and unique,
 * without @local_id; puts the invalid ones in @invalid (nullable). */
gchar **gst_peerjs_policy_parse_peers (const gchar * text,
    gboolean * all, gchar *** invalid);

/* A pad name for a remote member's track: "video_" / "audio_" + the ID
 * with every character outside [A-Za-z0-9_-] replaced by '_' (gst-launch
 * links pads by name, and PeerJS IDs may contain spaces). */
gchar *gst_peerjs_policy_pad_name (const gchar * kind, const gchar * peer_id);

G_END_DECLS
#endif /* __GST_PEERJS_POLICY_H__ */
