#!/bin/sh
# Issue 7, item 5: gst-peerjs-server against `peer` 1.0.2 (tests/bench/server.mjs
# has the method and the variables). The servers and the generator each hold
# 1000+ sockets: raise the open-files limit for all of them first.
#   PEERJS_BUILD_DIR=/work/main/build sh tests/bench/server.sh
cur=$(ulimit -n)
if [ "$cur" != unlimited ] && [ "$cur" -lt 4096 ]; then
  ulimit -n 4096 || { echo "cannot raise ulimit -n to 4096 (now $cur)" >&2; exit 1; }
fi
# BENCH_NICE: a session of our own, whose nice the generator sets (with
# autogroup scheduling a process's nice alone does not count against other
# sessions)
if [ -n "$BENCH_NICE" ] && [ "$BENCH_NICE" != 0 ] && command -v setsid >/dev/null; then
  exec setsid -w node "$(dirname "$0")/server.mjs" "$@"
fi
exec node "$(dirname "$0")/server.mjs" "$@"
