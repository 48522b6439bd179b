/* GStreamer PeerJS
 * Copyright (C) 2026 gst-peerjs contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-peerjsroom
 * @title: peerjsroom
 * @short_description: a full member of a PeerJS mesh
 *
 * `peerjsroom` joins a PeerJS mesh as an equal member, next to browsers
 * running the `peerjs` JavaScript library: it registers #GstPeerJSBin:peer-id
 * on the PeerJS #GstPeerJSBin:server, calls or answers every member listed
 * in #GstPeerJSBin:peers (one PeerJS media call per member, as a browser
 * makes it), sends what arrives on its `video_sink` and `audio_sink` pads
 * to all of them, and gives out each member's decoded video and audio on
 * pads named `video_<id>` and `audio_<id>`.
 *
 * Each local track is encoded once (VP8 or H.264, Opus) and the encoded
 * stream is shared by every call, so the encoding cost does not grow with
 * the number of members; only payloading and sending does.
 *
 * The member pads appear when the member's media arrives and go away when
 * it leaves; a pad nobody links is fine. Their `peer-id` property holds the
 * member's exact ID (the pad name replaces characters gst-launch cannot
 * take, such as spaces, with `_`).
 *
 * ## Element messages
 *
 * Besides those of #GstPeerJSBin (`peerjs-open`, `peerjs-error`):
 *
 * `peerjs-peer-joined` / `peerjs-peer-left`: a member's call connected /
 * ended. Field `peer-id` (string), and `room-id` when #GstPeerJSBin:room-id
 * is set (on every message below as well).
 *
 * `peerjs-connection-state`: a PeerJS connection changed state.
 *
 * - `peer-id` (string): the member
 * - `connection-id` (string): the PeerJS connection ID (`mc_…`)
 * - `kind` (string): `media` (or `data`)
 * - `state` (string): `connecting`, `connected`, `disconnected`, `failed`
 * - `reason` (string): why, e.g. `remote-hangup`, `ice-failed`, `timeout`,
 *   `peer-unavailable`, `removed`
 *
 * `peerjs-error` also carries `peer-id` for errors about a member; its
 * `type` is a PeerJS error type, or `rejected-call` for a call that was not
 * answered (a caller that is not in #GstPeerJSBin:peers, or a full room).
 *
 * ## Example launch line
 * |[
 * gst-peerjs-server &
 * for id in p2 p3 p4; do
 *   gst-launch-1.0 peerjsroom name=r server=ws://127.0.0.1:9000/ peer-id=$id \
 *       peers=$(echo p1,p2,p3,p4 | tr , '\n' | grep -vx $id | paste -sd,) \
 *     videotestsrc is-live=true ! video/x-raw,width=320,height=240 ! r.video_sink \
 *     audiotestsrc is-live=true ! r.audio_sink &
 * done
 * gst-launch-1.0 peerjsroom name=r server=ws://127.0.0.1:9000/ peer-id=p1 \
 *     peers=p2,p3,p4 \
 *   videotestsrc is-live=true ! video/x-raw,width=320,height=240 ! r.video_sink \
 *   audiotestsrc is-live=true ! r.audio_sink \
 *   compositor name=grid sink_1::xpos=320 sink_2::ypos=240 \
 *       sink_3::xpos=320 sink_3::ypos=240 ! videoconvert ! autovideosink \
 *   audiomixer name=mix ! autoaudiosink \
 *   r.video_p2 ! queue ! grid.  r.video_p3 ! queue ! grid. \
 *   r.video_p4 ! queue ! grid. \
 *   r.audio_p2 ! queue ! mix.  r.audio_p3 ! queue ! mix.  r.audio_p4 ! queue ! mix.
 * ]| A 4-member mesh on one machine: p2, p3 and p4 send a test pattern and a
 * tone; p1 sends its own and shows the three others in a grid with their
 * sound mixed. gst-launch-1.0 links `r.video_p2` once p2's media arrives.
 *
 * Since: 1.0
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstpeerjsroom.h"
#include "gstpeerjselements.h"

struct _GstPeerJSRoom
{
  GstPeerJSBin parent;
};

#define gst_peerjs_room_parent_class parent_class
G_DEFINE_TYPE (GstPeerJSRoom, gst_peerjs_room, GST_TYPE_PEERJS_BIN);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (peerjsroom, "peerjsroom",
    GST_RANK_NONE, GST_TYPE_PEERJS_ROOM, peerjs_element_init (plugin));

static void
gst_peerjs_room_init (GstPeerJSRoom * self)
{
}

static void
gst_peerjs_room_class_init (GstPeerJSRoomClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstPeerJSBinClass *bin_class = GST_PEERJS_BIN_CLASS (klass);

  bin_class->sends = TRUE;
  bin_class->receives = TRUE;
  bin_class->default_call_policy = GST_PEERJS_CALL_POLICY_LOWER_ID_CALLS;

  gst_element_class_set_static_metadata (element_class, "PeerJS room",
      "Source/Sink/Network/WebRTC",
      "A full member of a PeerJS WebRTC mesh: sends local media to every "
      "member and receives theirs", "gst-peerjs contributors");
  gst_peerjs_bin_class_add_pad_templates (bin_class);
  gst_peerjs_bin_class_add_table (bin_class);
}
