#!/bin/sh
# A receive-only member (a spectator): calls every ID in PEERS and shows and
# plays the first one's media.
#   examples/launch/src.sh [ID] [PEERS]      (default: watcher, cam)
. "$(dirname "$0")/env.sh"
peers=${2:-cam}
first=${peers%%,*}
exec gst-launch-1.0 -m peerjssrc name=s server="$SERVER" peer-id="${1:-watcher}" peers="$peers" \
  s.video_$first ! queue ! videoconvert ! autovideosink \
  s.audio_$first ! queue ! audioconvert ! autoaudiosink
