# Sourced by the launch examples: finds the plugin and the server of a build
# tree (BUILD_DIR, default build/ at the top of the tree) when they are not
# installed, and sets SERVER (default ws://127.0.0.1:9000/).
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$top/build}
if [ -d "$build/ext/peerjs" ] && ! gst-inspect-1.0 peerjsroom >/dev/null 2>&1; then
  export GST_PLUGIN_PATH="$build/ext/peerjs${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
fi
SERVER=${SERVER:-ws://127.0.0.1:9000/}
