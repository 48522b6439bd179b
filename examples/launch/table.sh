#!/bin/sh
# The game table: every member of PEERS in one labelled grid, their audio
# mixed (docs/obs.md puts it into OBS).
#   examples/launch/table.sh [ID] [PEERS] [LABELS]
#   (default: table, p1,p2,p3,p4, "p1=Ann,p2=Bob")
. "$(dirname "$0")/env.sh"
exec gst-launch-1.0 -m peerjssrc server="$SERVER" peer-id="${1:-table}" peers="${2:-p1,p2,p3,p4}" \
  table=true labels="${3:-p1=Ann,p2=Bob}" name=t \
  t.table_video ! queue ! videoconvert ! autovideosink \
  t.table_audio ! queue ! audioconvert ! autoaudiosink
