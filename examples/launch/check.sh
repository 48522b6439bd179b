#!/bin/sh
# Runs every launch example for a few seconds against a gst-peerjs-server on
# a free port, with fake video/audio sinks (no display or sound card needed):
# each must still be running when stopped (exit 124 from timeout) and must
# have registered (peerjs-open); the sink/src/room pairs must have joined.
#   BUILD_DIR=build-x examples/launch/check.sh      (default build/)
# Prints one line per example and exits non-zero on any failure.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
secs=${SECONDS_EACH:-8}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export SERVER="ws://127.0.0.1:$port/"
export GST_PLUGIN_FEATURE_RANK="autovideosink:NONE,autoaudiosink:NONE,fakevideosink:MAX,fakeaudiosink:MAX"
# autovideosink/autoaudiosink pick the highest-ranked sink: fakes here
out=$(mktemp -d)
PORT=$port "$here/server.sh" > "$out/server.log" 2>&1 &
server=$!
sleep 1
fail=0
check() {   # name, expected text, log
  if grep -q "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1 (no '$2' in $3)"; fail=1; fi
}
# pairs run together so that they find each other
timeout $secs "$here/room.sh" alice bob > "$out/room-alice.log" 2>&1 &
a=$!
timeout $secs "$here/room.sh" bob alice > "$out/room-bob.log" 2>&1
wait $a
check room.sh "peerjs-peer-joined" "$out/room-alice.log"
timeout $secs "$here/sink.sh" cam > "$out/sink.log" 2>&1 &
s=$!
sleep 1
timeout $((secs - 1)) "$here/src.sh" watcher cam > "$out/src.log" 2>&1
wait $s
check sink.sh "peerjs-peer-joined, peer-id=(string)watcher" "$out/sink.log"
check src.sh "peerjs-peer-joined, peer-id=(string)cam" "$out/src.log"
timeout $secs "$here/sink.sh" p1 > "$out/p1.log" 2>&1 &
s=$!
sleep 1
timeout $((secs - 1)) "$here/table.sh" table p1 > "$out/table.log" 2>&1
wait $s
check table.sh "peerjs-table-layout" "$out/table.log"
check table.sh "peerjs-peer-joined, peer-id=(string)p1" "$out/table.log"
for f in "$out"/*.log; do
  case $f in *server.log) continue ;; esac
  if grep -q "^ERROR" "$f"; then echo "FAIL $(basename "$f"): $(grep -m1 '^ERROR' "$f")"; fail=1; fi
done
kill $server
wait $server 2>/dev/null
check server.sh "" "$out/server.log"
[ $fail = 0 ] && rm -rf "$out" || echo "logs in $out"
exit $fail
