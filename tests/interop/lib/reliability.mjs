// Figures of docs/reliability.md, checked by the tests: the doc holds the
// limits (scripts/reliability-table explains the format); a test measures,
// calls checkFigure(), which records the value in
// $PEERJS_RELIABILITY_RESULTS (JSON lines) and fails past the limit.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const reliabilityDoc = path.resolve(here, '../../../docs/reliability.md');

export function figureLimit(id) {
  const text = fs.readFileSync(reliabilityDoc, 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('| `' + id + '` |'));
  assert.ok(line, `no row \`${id}\` in docs/reliability.md`);
  const cells = line.split('|').map((c) => c.trim());
  // "", id, done, measured, limit, test, ""
  assert.equal(cells.length, 7, `row \`${id}\`: expected 5 cells`);
  const m = /^(≤|≥|=)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*(\S*)$/.exec(cells[4]);
  assert.ok(m, `row \`${id}\`: bad limit '${cells[4]}'`);
  return { op: m[1], value: Number(m[2]), unit: m[3], test: cells[5].replaceAll('`', '') };
}

export function checkFigure(id, value, unit) {
  const l = figureLimit(id);
  assert.equal(unit, l.unit, `\`${id}\` measured in '${unit}', the doc's limit is in '${l.unit}'`);
  const ok = l.op === '≤' ? value <= l.value : l.op === '≥' ? value >= l.value : value === l.value;
  const limit = `${l.op} ${l.value} ${l.unit}`.trim();
  console.log(`# reliability \`${id}\`: ${value} ${unit} (limit ${limit})${ok ? '' : ' PAST THE LIMIT'}`);
  const out = process.env.PEERJS_RELIABILITY_RESULTS;
  if (out) {
    fs.appendFileSync(out, JSON.stringify({ id, value, unit, limit, test: l.test, ok }) + '\n');
  }
  assert.ok(ok, `\`${id}\`: measured ${value} ${unit}, limit ${limit}`);
  return value;
}
