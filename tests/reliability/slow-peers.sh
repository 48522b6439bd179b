#!/bin/bash
# Hostile peers, the floods (docs/reliability.md section 6, rows
# peers-stranger-flood-* and peers-flap-*): elements/peerjsstrangers with
# its two 100-calls-a-second cases, which CI leaves out (a minute or two
# each on a loaded 2-core machine):
#   test_stranger_flood   a stranger sends a room 100 media OFFERs a second
#                         for 10 s: rejected before any webrtcbin exists;
#   test_member_flapping  a member does the same: only its newest call is
#                         kept; webrtcbins, threads, memory, time to settle.
# CI runs the same binary's fast cases (strangers, data floods, duplicate
# connection IDs).
#
#   bash tests/reliability/slow-peers.sh      (or: bash scripts/reliability-slow peers)
# Environment: PEERJS_BUILD_DIR (default ./build), GST_CHECKS=test_... for
# one case.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${PEERJS_BUILD_DIR:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac

[ -f "$build/build.ninja" ] || { echo "slow-peers: $build is not a build directory" >&2; exit 1; }
ninja -C "$build" tests/elements_peerjsstrangers >/dev/null || exit 1

export PEERJS_PEERS_FLOODS=1
export GST_CHECKS=${GST_CHECKS:-test_stranger_flood,test_member_flapping}
exec meson test -C "$build" --no-rebuild --print-errorlogs -v \
  --timeout-multiplier 5 elements/peerjsstrangers
