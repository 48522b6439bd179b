#!/bin/sh
# The main job, on one machine: a live 4-member PeerJS mesh on the embedded
# server. Four peerjsroom members (p1..p4), each sending a test pattern and
# a tone to the three others; each prints its bus messages (members
# joining, connection states) and, every second, the frames and audio
# buffers it has received from every other member. With a display, each
# member's remote videos open in windows.
# A fifth member, "obs", is a spectator (peerjssrc table=true): it composes
# the four into the labelled 2x2 game table with their audio mixed, shown
# in a window with a display, else written to $DEMO_TABLE_PNG (default
# /tmp/gst-peerjs-table.png, refreshed every 2 s).
# DEMO_SECONDS=N stops after N seconds (default 30; 0 runs until Ctrl-C).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/build.sh >/dev/null

export GST_PLUGIN_PATH="$top/build/ext/peerjs"
port=${DEMO_PORT:-9000}
seconds=${DEMO_SECONDS:-30}
members="p1 p2 p3 p4"

log=$(mktemp)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  rm -f "$log"
}
trap cleanup EXIT INT TERM

build/tools/gst-peerjs-server --port "$port" --allow-discovery >"$log" 2>&1 &
pids="$!"
for _ in $(seq 50); do grep -q "Started PeerServer" "$log" && break; sleep 0.1; done
cat "$log"

# the members outlive the spectator by a little, so that the table's last
# picture still has all four
member_seconds=$seconds
[ "$seconds" -eq 0 ] || member_seconds=$((seconds + 3))
i=0
for id in $members; do
  peers=$(echo $members obs | tr ' ' '\n' | grep -vx "$id" | paste -sd, -)
  /usr/bin/python3 examples/python/room_member.py --server "ws://127.0.0.1:$port/" \
    --peer-id "$id" --peers "$peers" --index $i --show \
    --seconds "$member_seconds" &
  pids="$! $pids"
  i=$((i + 1))
done

# the spectator: the game table
table_png=${DEMO_TABLE_PNG:-/tmp/gst-peerjs-table.png}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  table_out="videoconvert ! autovideosink"
else
  table_out="videorate ! video/x-raw,framerate=1/2 ! videoconvert ! pngenc ! multifilesink location=$table_png"
  echo "the game table (obs): $table_png, every 2 s"
fi
# shellcheck disable=SC2086
gst-launch-1.0 -m peerjssrc server="ws://127.0.0.1:$port/" peer-id=obs \
  peers="$(echo $members | tr ' ' ',')" table=true \
  labels="p1=Player 1,p2=Player 2,p3=Player 3,p4=Player 4" name=t \
  t.table_video ! $table_out \
  t.table_audio ! audioconvert ! level interval=1000000000 ! fakesink \
  >"${DEMO_TABLE_LOG:-/dev/null}" 2>&1 &
table_pid=$!
pids="$table_pid $pids"

sleep 3
echo "registered on the server (GET /peerjs/peers): $(curl -s "http://127.0.0.1:$port/peerjs/peers")"
if [ "$seconds" -eq 0 ]; then
  wait
else
  sleep "$seconds"
  # the table first; the members print their last counts as they end
  kill "$table_pid" 2>/dev/null || true
  sleep 4
fi
