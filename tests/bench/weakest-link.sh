#!/bin/bash
# Adapt to the weakest link (docs/performance.md, item 6): member A sends
# video to B and C through one shared encoder; B's link is capped (the
# kernel's tbf on the bridge port towards B). Each member is in its own
# network namespace, joined by veths to a bridge in a hub namespace where
# gst-peerjs-server runs:
#
#   ns A 10.77.1.11 ─veth─┐
#   ns B 10.77.1.12 ─veth─┤ br0 10.77.1.1 (ns hub: gst-peerjs-server)
#   ns C 10.77.1.13 ─veth─┘      tbf on the port towards B
#
# tests/bench/weakest-link.mjs runs the members and the phases and prints
# the figures. Needs root (namespaces); everything is named with this
# shell's PID and removed on every exit path.
#
#   bash tests/bench/weakest-link.sh
# Environment: PEERJS_BUILD_DIR (default ./build), WEAK_CAP (default
# 600kbit), WEAK_SIZE (default 640x360), WEAK_PHASE_S (seconds per phase,
# default 40), BENCH_RESULTS (JSON lines, see tests/bench/README.md).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${PEERJS_BUILD_DIR:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac

if [ "$(id -u)" != 0 ]; then
  echo "weakest-link: needs root (network namespaces)" >&2
  exit 1
fi
command -v tc >/dev/null || { echo "weakest-link: tc missing (apt-get install -y iproute2)" >&2; exit 1; }
for f in "$build/tools/gst-peerjs-server" "$build/ext/peerjs/libgstpeerjs.so"; do
  [ -e "$f" ] || { echo "weakest-link: $f missing (build first)" >&2; exit 1; }
done

tag=pjw$$
hub=$tag-hub
work=$(mktemp -d /tmp/weakest-link.XXXXXX)
pids=()

cleanup() {
  local p ns
  set +e
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null
  done
  for ns in "$tag-a" "$tag-b" "$tag-c" "$hub"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do
      kill -9 "$p" 2>/dev/null
    done
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

set -e
ip netns add "$hub"
ip -n "$hub" link set lo up
ip -n "$hub" link add br0 type bridge
ip -n "$hub" addr add 10.77.1.1/24 dev br0
ip -n "$hub" link set br0 up
n=11
for m in a b c; do
  ip netns add "$tag-$m"
  ip -n "$tag-$m" link set lo up
  ip link add eth0 netns "$tag-$m" type veth peer name v$m netns "$hub"
  ip -n "$hub" link set v$m master br0
  ip -n "$hub" link set v$m up
  ip -n "$tag-$m" addr add 10.77.1.$n/24 dev eth0
  ip -n "$tag-$m" link set eth0 up
  n=$((n + 1))
done

ip netns exec "$hub" "$build/tools/gst-peerjs-server" --host 10.77.1.1 --port 9000 >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  grep -q 'Started PeerServer' "$work/server.log" 2>/dev/null && break
  sleep 0.1
done
grep -q 'Started PeerServer' "$work/server.log" || { echo "weakest-link: server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
set +e

WEAK_HUB=$hub WEAK_NS_A=$tag-a WEAK_NS_B=$tag-b WEAK_NS_C=$tag-c WEAK_PORT_B=vb \
  WEAK_SERVER=ws://10.77.1.1:9000/ GST_PEERJS_PLUGIN_DIR="$build/ext/peerjs" \
  node "$top/tests/bench/weakest-link.mjs"
