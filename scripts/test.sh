#!/bin/sh
# Builds and runs every test: format check, gst-check unit and element
# tests, interop tests against the real `peer` server and `peerjs` in
# headless Chromium. Ends with one line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh scripts/build.sh || { echo "0 passed, 1 failed"; exit 1; }

fmt=0
sh scripts/check-format || fmt=1

meson test -C build --print-errorlogs --no-rebuild "$@"
rc=$?

# meson's own summary is not one line; count from its log
python3 - "$fmt" <<'PY'
import json, os, sys
passed = failed = skipped = 0
for line in open("build/meson-logs/testlog.json"):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
fmt_failed = int(sys.argv[1])
if os.environ.get("CI") == "true":
    # a skipped test is not a pass: in CI everything must run
    failed += skipped
print(f"format check: {'failed' if fmt_failed else 'ok'}")
print(f"{passed + (1 - fmt_failed)} passed, {failed + fmt_failed} failed"
      + (f", {skipped} skipped" if skipped else ""))
PY
[ $rc -eq 0 ] && [ $fmt -eq 0 ]
