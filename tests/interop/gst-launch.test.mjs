// gst-launch-1.0 pipelines with our elements against a PeerJS server:
// the real `peer` (INTEROP_SERVER=peer) or gst-peerjs-server (gst).
//
//   - `peerjsroom server=... peer-id=alice` registers: GET /peers lists it
//   - a second pipeline with the same ID fails with a clear "taken" error,
//     the first keeps its registration
//   - the server is killed and restarted on the same port: the pipeline
//     registers again by itself within 10 s
//
// Needs GST_PEERJS_PLUGIN_DIR (the build's ext/peerjs).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startPeerServer, serverKindFromEnv } from './lib/servers.mjs';

const kind = serverKindFromEnv();
const pluginDir = process.env.GST_PEERJS_PLUGIN_DIR;
const live = new Set();

after(() => {
  for (const p of live) p.kill('SIGKILL');
});
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One gst-launch-1.0 -m process; collects its output lines.
function launch(element, props) {
  assert.ok(pluginDir, 'GST_PEERJS_PLUGIN_DIR must name the built plugin directory');
  const args = ['-m', element, ...Object.entries(props).map(([k, v]) => `${k}=${v}`)];
  const child = spawn('gst-launch-1.0', args, {
    env: { ...process.env, GST_PLUGIN_PATH: pluginDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const proc = { child, lines: [], exit: null };
  proc.exited = new Promise((resolve) => child.once('exit', (code, sig) => {
    live.delete(child);
    proc.exit = { code, sig };
    resolve(proc.exit);
  }));
  for (const stream of ['stdout', 'stderr']) {
    child[stream].setEncoding('utf8');
    let buf = '';
    child[stream].on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        proc.lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
  }
  return proc;
}

// Resolves with the first line matching re, seen after `from` lines.
async function waitLine(proc, re, ms, from = 0) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const hit = proc.lines.slice(from).find((l) => re.test(l));
    if (hit) return hit;
    if (proc.exit) break;
    await sleep(50);
  }
  throw new Error(`no line matching ${re} within ${ms} ms; output:\n${proc.lines.join('\n')}`);
}

async function stopLaunch(proc) {
  if (proc.exit) return;
  proc.child.kill('SIGINT');
  const done = await Promise.race([proc.exited, sleep(5000).then(() => null)]);
  if (!done) proc.child.kill('SIGKILL');
}

async function listed(server, id) {
  const { status, body } = await server.peers();
  assert.equal(status, 200);
  return Array.isArray(body) && body.includes(id);
}

test(`gst-launch peerjsroom on ${kind}: register, ID taken, re-register after a restart`, async () => {
  const server = await startPeerServer({ kind, allowDiscovery: true });
  const url = `ws://127.0.0.1:${server.port}/`;
  try {
    const first = launch('peerjsroom', { server: url, 'peer-id': 'alice' });
    await waitLine(first, /peerjs-open, peer-id=\(string\)alice, reconnect=\(boolean\)false/, 10000);
    assert.ok(await listed(server, 'alice'), 'alice is in GET /peers');

    // same ID again: a clear error, a non-zero exit
    const second = launch('peerjsroom', { server: url, 'peer-id': 'alice' });
    const err = await waitLine(second, /ERROR: from element .*taken/, 10000);
    assert.match(err, /The peer ID "alice" is taken/);
    const exit = await Promise.race([second.exited, sleep(5000).then(() => null)]);
    assert.ok(exit && exit.code !== 0, 'the second gst-launch exits with an error');
    assert.ok(await listed(server, 'alice'), 'the first keeps its registration');
    assert.equal(first.exit, null, 'the first pipeline is still running');

    // the server dies and comes back on the same port
    const before = first.lines.length;
    await server.kill();
    await waitLine(first, /peerjs-error, type=\(string\)network/, 10000, before);
    await sleep(1000);
    await server.start();
    const restarted = Date.now();
    await waitLine(first, /peerjs-open, peer-id=\(string\)alice, reconnect=\(boolean\)true/, 10000, before);
    const took = Date.now() - restarted;
    console.log(`# ${kind}: re-registered ${took} ms after the server restart`);
    assert.ok(took < 10000);
    assert.ok(await listed(server, 'alice'), 'alice is back in GET /peers');

    await stopLaunch(first);
  } finally {
    await server.kill();
  }
});

test(`gst-launch peerjssrc and peerjssink on ${kind}: server-assigned ID and a wrong key`, async () => {
  const server = await startPeerServer({ kind, allowDiscovery: true });
  const url = `ws://127.0.0.1:${server.port}/`;
  try {
    const anon = launch('peerjssrc', { server: url });
    const line = await waitLine(anon, /peerjs-open, peer-id=\(string\)/, 10000);
    const id = /peer-id=\(string\)([0-9a-f-]{36})/.exec(line)?.[1];
    assert.ok(id, `a UUID from GET /id in: ${line}`);
    assert.ok(await listed(server, id));
    await stopLaunch(anon);

    const wrong = launch('peerjssink', { server: url, key: 'wrongkey', 'peer-id': 'bob' });
    const err = await waitLine(wrong, /ERROR: from element/, 10000);
    assert.match(err, /refused the key/);
    await Promise.race([wrong.exited, sleep(5000)]);
    assert.ok(wrong.exit && wrong.exit.code !== 0);
  } finally {
    await server.kill();
  }
});
