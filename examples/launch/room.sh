#!/bin/sh
# A full member: sends a test pattern and a tone to the others, shows and
# plays what they send (member pads linked as they appear; -m prints the
# bus messages: peerjs-open, peerjs-peer-joined, peerjs-track-state, ...).
#   examples/launch/room.sh [ID] [PEERS]     (default: alice, bob)
# Run `room.sh alice bob` and `room.sh bob alice` for a two-member mesh.
. "$(dirname "$0")/env.sh"
id=${1:-alice}
peers=${2:-bob}
# gst-launch cannot link pads that appear later by name pattern; link the
# named members' pads (video_<id>, audio_<id>) for each ID in PEERS
links=""
for p in $(echo "$peers" | tr ',' ' '); do
  links="$links r.video_$p ! queue ! videoconvert ! autovideosink r.audio_$p ! queue ! audioconvert ! autoaudiosink"
done
exec gst-launch-1.0 -m peerjsroom name=r server="$SERVER" peer-id="$id" peers="$peers" \
  videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! r.video_sink \
  audiotestsrc is-live=true freq=440 ! r.audio_sink $links
