#!/bin/sh
# Registers a peerjsroom on a PeerJS server and prints its bus messages.
#   examples/register.sh [SERVER_URI] [PEER_ID]
# Default: a gst-peerjs-server on ws://127.0.0.1:9000/ and the ID "alice".
# From a build tree: GST_PLUGIN_PATH=build/ext/peerjs examples/register.sh
server=${1:-ws://127.0.0.1:9000/}
id=${2:-alice}
exec gst-launch-1.0 -m peerjsroom server="$server" peer-id="$id"
