#!/bin/bash
# Churn (docs/reliability.md section 4, rows churn-*): elements/peerjschurn
# with 50 cycles of each case instead of CI's few:
#   (a) a member joins a room that stays up, media both ways, leaves;
#   (b) a room next to a long-lived peer goes PLAYING <-> NULL.
# The test measures, after its warm-up cycle and at the end, the live
# GstObjects by type (the leaks tracer is on), threads, fds, RSS, the heap
# in use, and every cycle's time, and fails past the doc's limits.
#
#   bash tests/reliability/slow-churn.sh        (or: bash scripts/reliability-slow churn)
# Environment: PEERJS_BUILD_DIR (default ./build), PEERJS_CHURN_CYCLES
# (default 50), GST_CHECKS=test_join_leave or test_play_null for one case.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${PEERJS_BUILD_DIR:-$top/build}
case $build in /*) ;; *) build=$top/$build ;; esac
cycles=${PEERJS_CHURN_CYCLES:-50}

[ -f "$build/build.ninja" ] || { echo "slow-churn: $build is not a build directory" >&2; exit 1; }
ninja -C "$build" tests/elements_peerjschurn >/dev/null || exit 1

# about 5 s a cycle on a loaded 2-core machine, up to 20; the test's own
# timeout grows with the cycles (tcase_set_timeout), meson's must too
export PEERJS_CHURN_CYCLES=$cycles
exec meson test -C "$build" --no-rebuild --print-errorlogs -v \
  --timeout-multiplier $(( (cycles * 20 * 2 + 300) / 120 + 1 )) \
  elements/peerjschurn
