#!/bin/bash
# Bad networks (docs/reliability.md section 3, rows netem-*): two mesh
# members, each in its own network namespace, joined through a bridge in a
# hub namespace where tools/gst-peerjs-server runs:
#
#   ns A: tap0 10.77.0.11 ──(netem-link.py: loss/delay/jitter)──┐
#                                                                br0 10.77.0.1  (ns hub:
#   ns B: eth0 10.77.0.12 ──veth────────────────────────────────┘               gst-peerjs-server)
#
# A sends 320x240@30 VP8 (+ Opus), B receives (and sends audio only):
# 640x360@30 (NETEM_SIZE=640x360) does not encode in real time on a
# loaded 2-core machine, see docs/reliability.md section 3.
# tests/reliability/netem-driver.mjs runs the members (gst-member.py through
# `ip netns exec`) and the phases: clean, 5 % loss + 50 ms ± 10 ms on A's
# link, A capped at 1 Mbit/s (tbf), A's link cut for 30 s. It records the
# figures with checkFigure() and fails past a limit.
#
# The kernel here has no sch_netem: loss/delay/jitter are done by
# tests/reliability/netem-link.py (see there); the rate cap is the
# kernel's tbf on A's interface.
#
# Needs root. Every namespace (and so every interface) has a name with this
# shell's PID in it and is removed on every exit path; the processes started
# here are ended by their PIDs.
#
#   bash tests/reliability/slow-netem.sh        (or: bash scripts/reliability-slow netem)
# Environment: PEERJS_BUILD_DIR (default ./build), NETEM_PHASES (default
# "clean,loss,cap,cut"), NETEM_SIZE (default 320x240), NETEM_NICE (the
# members' and the link's nice value, default -5), NETEM_DEBUG_DIR (each
# member's GST_DEBUG output goes to <dir>/<namespace>.log),
# INTEROP_VERBOSE=1 for the members' output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${PEERJS_BUILD_DIR:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac

if [ "$(id -u)" != 0 ]; then
  echo "slow-netem: needs root (network namespaces)" >&2
  exit 1
fi
for f in "$build/tools/gst-peerjs-server" "$build/ext/peerjs/libgstpeerjs.so"; do
  [ -e "$f" ] || { echo "slow-netem: $f missing (build first)" >&2; exit 1; }
done

tag=pjn$$
hub=$tag-hub
nsa=$tag-a
nsb=$tag-b
work=$(mktemp -d /tmp/slow-netem.XXXXXX)
pids=()

cleanup() {
  local p ns
  set +e
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null
  done
  for p in "${pids[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$p" 2>/dev/null
  done
  # anything still running inside our namespaces (a member the driver
  # could not end) is ours too
  for ns in "$nsa" "$nsb" "$hub"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do
      kill -9 "$p" 2>/dev/null
    done
  done
  for ns in "$nsa" "$nsb" "$hub"; do
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

set -e
ip netns add "$hub"
ip netns add "$nsa"
ip netns add "$nsb"
for ns in "$hub" "$nsa" "$nsb"; do
  ip -n "$ns" link set lo up
done
ip -n "$hub" link add br0 type bridge
ip -n "$hub" addr add 10.77.0.1/24 dev br0
ip -n "$hub" link set br0 up

# B: a plain veth into the bridge
ip link add eth0 netns "$nsb" type veth peer name vb netns "$hub"
ip -n "$hub" link set vb master br0
ip -n "$hub" link set vb up
ip -n "$nsb" addr add 10.77.0.12/24 dev eth0
ip -n "$nsb" link set eth0 up

# A: two taps of netem-link.py (running in the hub namespace); tap0 moves
# into A's namespace
echo '{}' >"$work/link-a.json"
nice -n "${NETEM_NICE:--5}" ip netns exec "$hub" /usr/bin/python3 "$top/tests/reliability/netem-link.py" tap0 ta "$work/link-a.json" \
  >"$work/link-a.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  grep -q '"ready"' "$work/link-a.log" 2>/dev/null && break
  sleep 0.1
done
grep -q '"ready"' "$work/link-a.log" || { echo "slow-netem: netem-link.py did not start:" >&2; cat "$work/link-a.log" >&2; exit 1; }
ip -n "$hub" link set ta master br0
ip -n "$hub" link set ta up
ip -n "$hub" link set tap0 netns "$nsa"
ip -n "$nsa" addr add 10.77.0.11/24 dev tap0
ip -n "$nsa" link set tap0 up

# the signalling server, reachable from both members
ip netns exec "$hub" "$build/tools/gst-peerjs-server" --host 10.77.0.1 --port 9000 >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  grep -q 'Started PeerServer' "$work/server.log" 2>/dev/null && break
  sleep 0.1
done
grep -q 'Started PeerServer' "$work/server.log" || { echo "slow-netem: server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
# both members reach the server (A through its link)
for ns in "$nsa" "$nsb"; do
  ip netns exec "$ns" timeout 5 bash -c 'echo >/dev/tcp/10.77.0.1/9000' ||
    { echo "slow-netem: $ns cannot reach the server" >&2; exit 1; }
done
set +e

NETEM_HUB=$hub NETEM_NS_A=$nsa NETEM_NS_B=$nsb NETEM_LINK_A="$work/link-a.json" \
  NETEM_LINK_LOG="$work/link-a.log" NETEM_SERVER=ws://10.77.0.1:9000/ \
  GST_PEERJS_PLUGIN_DIR="$build/ext/peerjs" \
  node "$top/tests/reliability/netem-driver.mjs"
rc=$?
if [ $rc -ne 0 ]; then
  echo "--- server log (tail)"
  tail -n 30 "$work/server.log"
  echo "--- link A (tail)"
  tail -n 5 "$work/link-a.log"
fi
exit $rc
