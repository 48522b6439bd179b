#!/bin/sh
# Runs the two snapshot applications (c/table-snapshot and
# python/table_snapshot.py) against two peerjssink members on a
# gst-peerjs-server on a free port: each must print the members joining and
# write PNGs of the 1280x720 table.
#   BUILD_DIR=build examples/check-snapshots.sh      (default build/)
# Prints one line per check and exits non-zero on any failure.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/launch/env.sh"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export SERVER="ws://127.0.0.1:$port/"
out=$(mktemp -d)
fail=0
check() {   # name, condition text, result (0 = ok)
  if [ "$3" = 0 ]; then echo "ok   $1: $2"; else echo "FAIL $1: $2"; fail=1; fi
}
# PNG files in $1 that are 1280x720 (read from the IHDR chunk)
count_pngs() {
  python3 - "$1" <<'PY'
import struct, sys, pathlib
n = 0
for f in pathlib.Path(sys.argv[1]).glob("*.png"):
    b = f.read_bytes()
    if b[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", b[16:24]) == (1280, 720):
        n += 1
print(n)
PY
}

PORT=$port "$here/launch/server.sh" > "$out/server.log" 2>&1 &
server=$!
sleep 1
"$here/launch/sink.sh" p1 > "$out/p1.log" 2>&1 &
p1=$!
"$here/launch/sink.sh" p2 > "$out/p2.log" 2>&1 &
p2=$!

run_app() {   # name, command...
  name=$1
  shift
  mkdir -p "$out/$name"
  timeout 40 "$@" --server "$SERVER" --peer-id "table-$name" --peers p1,p2 \
    --labels "p1=Ann,p2=Bob" --interval 2 --duration 10 \
    --output-dir "$out/$name" > "$out/$name.log" 2>&1
  check "$name" "exits by itself" $?
  grep -q "p1" "$out/$name.log" && grep -q "p2" "$out/$name.log"
  check "$name" "reports p1 and p2" $?
  n=$(count_pngs "$out/$name")
  [ "$n" -ge 2 ]
  check "$name" "$n PNGs of 1280x720" $?
}

run_app c "$build/examples/table-snapshot"
run_app python /usr/bin/python3 "$here/python/table_snapshot.py"

kill $p1 $p2 $server 2>/dev/null
wait 2>/dev/null
[ $fail = 0 ] && rm -rf "$out" || echo "logs in $out"
exit $fail
