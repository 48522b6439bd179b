#!/bin/sh
# The main job, on one machine: the embedded PeerJS server and a
# peerjsroom registering on it, with every bus message printed.
# DEMO_SECONDS=N stops after N seconds (default 30; 0 runs until Ctrl-C).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/build.sh >/dev/null

export GST_PLUGIN_PATH="$top/build/ext/peerjs"
port=${DEMO_PORT:-9000}
seconds=${DEMO_SECONDS:-30}

log=$(mktemp)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -f "$log"; }
trap cleanup EXIT INT TERM

build/tools/gst-peerjs-server --port "$port" --allow-discovery >"$log" 2>&1 &
pids="$!"
for _ in $(seq 50); do grep -q "Started PeerServer" "$log" && break; sleep 0.1; done
cat "$log"

gst-launch-1.0 -m peerjsroom server="ws://127.0.0.1:$port/" peer-id=alice &
pids="$! $pids"
sleep 2
echo "registered peers (GET /peerjs/peers): $(curl -s "http://127.0.0.1:$port/peerjs/peers")"

if [ "$seconds" -eq 0 ]; then wait; else sleep "$seconds"; fi
