// Writes the seed corpora of the fuzz targets, tests/fuzz/corpus/<target>/,
// from the real JavaScript libraries in tests/interop/node_modules (so the
// valid seeds are bytes a peerjs peer sends) plus hand-made edge cases.
// The files are committed; rerun after changing this script:
//
//   node tests/fuzz/make-corpus.mjs
//
// Formats: binarypack/ one message; msgpack/ first byte = piece size
// control, then the stream; chunks/ records of u8 time step (10 ms),
// u16 big-endian length, message bytes (see fuzz-chunks.c).

import fs from 'node:fs';
import { createRequire } from 'node:module';

const here = new URL('.', import.meta.url);
const require = createRequire(new URL('../interop/package.json', import.meta.url));
const { pack } = require('peerjs-js-binarypack');
const { encode } = require('@msgpack/msgpack');
const peerjs = require('peerjs');

const hexBytes = (h) => Buffer.from(h.replace(/ /g, ''), 'hex');
const buf = (ab) => Buffer.from(ab instanceof ArrayBuffer ? new Uint8Array(ab) : ab);
const nest = (depth, leaf) => { let v = leaf; for (let i = 0; i < depth; i++) v = [v]; return v; };

function writeCorpus(target, entries) {
  const dir = new URL(`corpus/${target}/`, here);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(entries)) fs.writeFileSync(new URL(name, dir), bytes);
  console.log(`${target}: ${Object.keys(entries).length} files`);
}

// --- binarypack: one message each ---------------------------------------

const values = {
  'fixint': 5, 'negfixint': -5, 'uint8': 200, 'int8': -100, 'uint16': 60000,
  'int16': -30000, 'uint32': 4000000000, 'int32': -2000000000,
  'int64': 2 ** 40, 'int64-neg': -(2 ** 40), 'uint64': 2 ** 63 + 4096,
  'double': 1.5, 'double-neg': -0.1, 'null': null, 'true': true, 'false': false,
  'str-fix': 'héllo', 'str16': 'x'.repeat(300), 'str-emoji': '😀€',
  'raw-fix': Uint8Array.from([1, 2, 3]), 'raw16': new Uint8Array(100),
  'array': [1, 'a', null, true, 2.5], 'array16': Array.from({ length: 20 }, (_, i) => i),
  'map': { a: 1, b: [true, null] }, 'map16': Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])),
  'nested': { hello: 'world', n: [1, 2.5, true, null], deep: { a: [[{ b: 'c' }]] } },
  'close': { __peerData: { type: 'close' } },
  'chunk-map': { __peerData: 5, n: 0, data: Uint8Array.from([0xb2, 0x68, 0x69]), total: 1 },
  'depth-32': nest(31, [1]),
};
const bp = {};
for (const [name, v] of Object.entries(values)) bp[`${name}.bin`] = buf(pack(v));
Object.assign(bp, {
  'empty.bin': Buffer.alloc(0),
  'trailing.bin': hexBytes('01 02 03'),
  'truncated-array.bin': hexBytes('93 01'),
  'truncated-str.bin': hexBytes('d8 00 10 61 62'),
  'undefined-codes.bin': hexBytes('9a c1 c4 c5 c6 c7 c8 c9 d4 d5 d6 d7'),
  'float32.bin': hexBytes('92 ca 3fa00000 ca 7fc00000'),
  'double-special.bin': hexBytes('94 cb 7ff8000000000000 cb 7ff0000000000000 cb 0000000000000001 cb 8000000000000000'),
  'uint64-max.bin': hexBytes('cf ffffffffffffffff'),
  'int64-min.bin': hexBytes('d3 8000000000000000'),
  'huge-count.bin': hexBytes('dd ffffffff 01'),
  'huge-raw.bin': hexBytes('db 7fffffff 00'),
  'huge-map.bin': hexBytes('df 00ffffff 01 02'),
  'depth-33.bin': buf(pack(nest(33, 1))),
  'depth-33-maps.bin': hexBytes('81b16b'.repeat(33) + '01'),
  'bad-utf8.bin': hexBytes('b6 61 ff c3 28 00 ed'),
  'keys.bin': hexBytes('86 01 b161 c0 b162 c3 b163 93 01 c0 02 b164 c1 b165 cb3ff8000000000000 b166'),
  'dup-keys.bin': hexBytes('83 b161 01 b162 02 b161 03'),
  'map-key-map.bin': hexBytes('81 81 b161 01 02'),
});
writeCorpus('binarypack', bp);

// --- msgpack: control byte + stream -------------------------------------

const mp = {};
const stream = (control, ...vals) => Buffer.concat([Buffer.from([control]),
  ...vals.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(encode(v))))]);
const mpValues = {
  'example': { hello: 'msgpack', n: 1.5 }, 'ints': [0, 127, 128, 255, 256, 65535, 65536,
    2 ** 32, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31) - 1],
  'big-ints': [2 ** 60, -(2 ** 60), 2 ** 64], 'doubles': [1.5, -0.1, NaN, Infinity, 1e300],
  'strings': ['', 'x'.repeat(31), 'x'.repeat(32), 'héllo 😀'], 'str16': 'x'.repeat(300),
  'bin': Uint8Array.from([1, 2, 3]), 'bin16': new Uint8Array(300),
  'array16': Array.from({ length: 20 }, (_, i) => i),
  'map16': Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])),
  'nested': { a: [[{ b: 'c', d: [null, true, false] }]] }, 'close': { __peerData: { type: 'close' } },
  'date': new Date(1700000000123), 'depth-32': nest(31, [1]),
};
for (const [name, v] of Object.entries(mpValues)) mp[`${name}.bin`] = stream(63, v);
Object.assign(mp, {
  'stream-1byte.bin': stream(0, 1, 'héllo', [1, 2, 3], { a: null }, 2.5),
  'stream-7bytes.bin': stream(6, { hello: 'msgpack' }, Uint8Array.from([9, 8, 7]), -70000, true),
  'empty.bin': Buffer.alloc(0),
  'control-only.bin': Buffer.from([5]),
  'c1.bin': stream(63, hexBytes('01 c1 02')),
  'depth-33.bin': stream(63, nest(33, 1)),
  'ext.bin': stream(63, hexBytes('d4 01 02'), hexBytes('c7 03 05 010203'), 7),
  'timestamps.bin': stream(63, hexBytes('d6 ff 00000001'), hexBytes('d7 ff 77359400 00000002'),
    hexBytes('c7 0c ff 000f4240 fffffffffffffffe'), hexBytes('d5 ff 0102')),
  'float32.bin': stream(63, hexBytes('ca 3fa00000'), hexBytes('ca 7fc00000')),
  'str8-16-32.bin': stream(63, hexBytes('d9 02 6869'), hexBytes('da 0002 6869'), hexBytes('db 00000002 6869')),
  'bin-forms.bin': stream(63, hexBytes('c4 01 07'), hexBytes('c5 0001 07'), hexBytes('c6 00000001 07')),
  'containers32.bin': stream(63, hexBytes('dd 00000001 01'), hexBytes('df 00000001 a161 01')),
  'huge-count.bin': stream(63, hexBytes('dd ffffffff 01')),
  'huge-bin.bin': stream(63, hexBytes('c6 7fffffff 00')),
  'incomplete.bin': stream(63, hexBytes('dc 0010 01 02 03')),
  'bad-utf8.bin': stream(63, hexBytes('a4 61 ff 00 ed')),
  'keys.bin': stream(63, hexBytes('84 01 a161 c0 a162 92 01 02 a163 cb3ff8000000000000 a164')),
  'dup-keys.bin': stream(63, hexBytes('82 a161 01 a161 02')),
});
writeCorpus('msgpack', mp);

// --- chunks: records of (time step, length, message) --------------------

const record = (dt, msg) => {
  const m = Buffer.from(msg);
  const h = Buffer.alloc(3); h[0] = dt; h.writeUInt16BE(m.length, 1);
  return Buffer.concat([h, m]);
};
const records = (...recs) => Buffer.concat(recs.map(([dt, m]) => record(dt, m)));
// peerjs's own chunker with a small MTU, so the seeds stay small
const chunksOf = (value, mtu = 8) => {
  const saved = peerjs.util.chunkedMTU;
  peerjs.util.chunkedMTU = mtu;
  const out = peerjs.util.chunk(pack(value)).map((c) => buf(pack(c)));
  peerjs.util.chunkedMTU = saved;
  return out;
};
const chunkMap = (id, n, total, data) => buf(pack({ __peerData: id, n, data: Uint8Array.from(data), total }));

const v1 = { hello: 'world', n: [1, 2.5, true, null] };
const c1 = chunksOf(v1);
const c2 = chunksOf(['second', 42]);
const closeBytes = buf(pack({ __peerData: { type: 'close' } }));
const ch = {
  'value.bin': records([0, pack(v1)]),
  'close.bin': records([0, closeBytes]),
  'values.bin': records([0, pack(1)], [1, pack('two')], [1, pack([3])], [1, pack(null)]),
  'in-order.bin': records(...c1.map((m) => [1, m])),
  'reversed.bin': records(...[...c1].reverse().map((m) => [1, m])),
  'shuffled.bin': records(...[c1[2], c1[0], c1[3], c1[1], ...c1.slice(4)].map((m) => [1, m])),
  'interleaved.bin': records(...c1.flatMap((m, i) => [[1, m], ...(c2[i] ? [[0, c2[i]]] : [])]),
    ...c2.slice(c1.length).map((m) => [0, m])),
  'duplicate.bin': records([0, c1[0]], [0, c1[0]], ...c1.slice(1).map((m) => [0, m])),
  'total-mismatch.bin': records([0, chunkMap(1, 0, 2, [0x92])], [0, chunkMap(1, 1, 3, [0x01])]),
  'n-over-total.bin': records([0, chunkMap(1, 2, 2, [0x01])]),
  'n-negative.bin': records([0, chunkMap(1, -1, 2, [0x01])]),
  'total-zero.bin': records([0, chunkMap(1, 0, 0, [0x01])]),
  'total-huge.bin': records([0, chunkMap(1, 0, 100000, [0x01])]),
  'timeout.bin': records([0, c1[0]], [255, pack(1)], [0, c1[1]], [0, c1[2]]),
  'in-flight.bin': records(...[1, 2, 3, 4, 5, 6].map((id) => [0, chunkMap(id, 0, 2, [0x92])]),
    [0, chunkMap(1, 1, 2, [0x01, 0x02])]),
  'reassembled-close.bin': records([0, chunkMap(7, 1, 2, closeBytes.subarray(10))],
    [0, chunkMap(7, 0, 2, closeBytes.subarray(0, 10))]),
  'reassembled-chunk.bin': records([0, chunkMap(8, 0, 1, chunkMap(9, 0, 2, [1]))]),
  'reassembled-truncated.bin': records([0, chunkMap(3, 0, 2, [0x93])], [0, chunkMap(3, 1, 2, [0x01])]),
  'id-string.bin': records([0, pack({ __peerData: 'x', n: 0, data: new Uint8Array(1), total: 1 })]),
  'id-falsy.bin': records([0, pack({ __peerData: 0, n: 0, data: new Uint8Array(1), total: 1 })]),
  'no-data.bin': records([0, pack({ __peerData: 4, n: 0, data: 'text', total: 1 })]),
  'peerdata-open.bin': records([0, pack({ __peerData: { type: 'open' } })]),
  'null.bin': records([0, pack(null)]),
  'truncated-message.bin': records([0, hexBytes('dc ffff')]),
  'empty-message.bin': records([0, Buffer.alloc(0)], [0, pack(2)]),
  'short-record.bin': Buffer.from([0, 0]),
  // one real message of peerjs's 16300-byte chunks
  'real-mtu.bin': records(...peerjs.util.chunk(pack(new Uint8Array(16400)))
    .map((c) => [1, pack(c)])),
};
writeCorpus('chunks', ch);
