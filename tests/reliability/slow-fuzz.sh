#!/bin/bash
# Slow case "fuzz" of docs/reliability.md (section 7): every libFuzzer
# target runs FUZZ_MINUTES (default 2) minutes with ASan, UBSan and leak
# detection (bash scripts/fuzz, which sets up ./build-fuzz-clang), then each
# target's executions and crashes (crash, leak, OOM or timeout inputs) are
# checked against the doc's rows:
#   'fuzz-binarypack-crashes' 'fuzz-binarypack-execs'
#   'fuzz-chunks-crashes'     'fuzz-chunks-execs'
#   'fuzz-msgpack-crashes'    'fuzz-msgpack-execs'
#   'fuzz-signalling-crashes' 'fuzz-signalling-execs'
#   'fuzz-server-crashes'     'fuzz-server-execs'
# Run it with `bash scripts/reliability-slow fuzz`.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

minutes=${FUZZ_MINUTES:-2}
build=${FUZZ_BUILD:-build-fuzz-clang}
bash scripts/fuzz "$minutes"
rc=$?
summary="$build/fuzz-runs/summary.tsv"
[ -f "$summary" ] || { echo "slow-fuzz: no $summary" >&2; exit 1; }

# target seconds execs execs/s coverage corpus rss crashes
node --input-type=module -e '
import fs from "node:fs";
import { checkFigure } from "./tests/interop/lib/reliability.mjs";
const rows = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").slice(1);
const want = ["binarypack", "chunks", "msgpack", "signalling", "server"];
let failed = 0;
for (const t of want) {
  const row = rows.map((r) => r.split("\t")).find((c) => c[0] === t);
  if (!row) { console.error(`slow-fuzz: ${t} did not run`); failed++; continue; }
  for (const [id, value] of [[`fuzz-${t}-crashes`, Number(row[7])],
                             [`fuzz-${t}-execs`, Number(row[2])]]) {
    try { checkFigure(id, value, ""); } catch (e) { console.error(e.message); failed++; }
  }
}
process.exit(failed ? 1 : 0);
' "$top/$summary" || exit 1
exit $rc
