#!/bin/sh
# gst-peerjs-server on 127.0.0.1:9000 (PORT=... for another port), with
# discovery on so that peers=* works. Ctrl-C stops it.
#   examples/launch/server.sh
. "$(dirname "$0")/env.sh"
bin=$(command -v gst-peerjs-server || echo "$build/tools/gst-peerjs-server")
exec "$bin" --port "${PORT:-9000}" --allow-discovery
