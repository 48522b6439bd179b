#!/bin/sh
# A send-only member (a camera, a feed): calls every ID in PEERS, or, with
# PEERS empty, takes calls from anyone (up to max-peers).
#   examples/launch/sink.sh [ID] [PEERS]     (default: cam, no peers)
. "$(dirname "$0")/env.sh"
# an empty value cannot be written as peers= on a gst-launch line
peers=${2:+peers=$2}
exec gst-launch-1.0 -m peerjssink name=s server="$SERVER" peer-id="${1:-cam}" $peers \
  videotestsrc is-live=true pattern=smpte ! video/x-raw,width=640,height=360,framerate=30/1 ! s.video_sink \
  audiotestsrc is-live=true freq=660 ! s.audio_sink
