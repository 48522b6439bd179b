// Self-test of lib/run-with-server.mjs (the wrapper for C tests) against the
// server under test (INTEROP_SERVER=peer|gst): environment, control endpoint
// (kill, start on the same port, peers), exit-code pass-through, cleanup.
// No browser needed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { serverKindFromEnv, INTEROP_DIR } from './lib/servers.mjs';

const KIND = serverKindFromEnv();
const WRAPPER = path.join(INTEROP_DIR, 'lib', 'run-with-server.mjs');

function run(args, timeoutMs = 40000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRAPPER, ...args], { cwd: INTEROP_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`wrapper timeout\n${out}\n${err}`)); }, timeoutMs);
    child.on('exit', (code, sig) => { clearTimeout(timer); resolve({ code, sig, out, err }); });
  });
}

test(`wrapper runs a client against ${KIND}: kill, restart on the same port, peers`, { timeout: 45000 }, async () => {
  const r = await run(['--kind', KIND, '--allow-discovery', '--', process.execPath, '--experimental-websocket',
    '--no-warnings', path.join(INTEROP_DIR, 'fixtures', 'wrapper-client.mjs')]);
  const steps = r.out.split('\n').filter((l) => l.startsWith('STEP') || l.startsWith('FAIL'));
  assert.equal(r.code, 7, `exit code passed through (steps: ${steps.join(' | ')}; stderr: ${r.err})`);
  assert.ok(steps.includes('STEP done'), steps.join('\n'));
});

test('wrapper exit codes: command failure, missing command, timeout', { timeout: 45000 }, async () => {
  assert.equal((await run(['--kind', KIND, '--', process.execPath, '-e', 'process.exit(3)'])).code, 3);
  assert.equal((await run(['--kind', KIND, '--', '/nonexistent/command'])).code, 127);
  const t0 = Date.now();
  const r = await run(['--kind', KIND, '--timeout', '1', '--', process.execPath, '-e', 'setTimeout(() => {}, 60000)']);
  assert.equal(r.code, 124, r.err);
  assert.ok(Date.now() - t0 < 10000, 'timeout is enforced');
  assert.equal((await run(['--kind', 'nope', '--', 'true'])).code, 125);
});
