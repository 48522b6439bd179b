// Cross-check of the data codecs of libgstpeerjs against the real
// JavaScript libraries peerjs@1.5.5 uses: peerjs-js-binarypack@2.1.0 and
// @msgpack/msgpack@2.8. Values of every type code and length class go
// through the JS library one way and tests/tools/peerjs-codec (C) the other.
//
// Values are compared as "typed" JSON (see peerjs-codec.c): ["int","5"],
// ["double","1.5"], ["bin","0102"], ["arr",[...]], ["map",[[k,v],...]], so
// 1 and 1.5, binary and array, int64 beyond 2^53 are all told apart.
//
// Needs PEERJS_CODEC (meson sets it: the peerjs-codec executable).
// Run by hand: PEERJS_CODEC=build/tests/tools/peerjs-codec node --test codec-vectors.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { pack, unpack } from 'peerjs-js-binarypack';
import { encode, decode, decodeMulti } from '@msgpack/msgpack';
import peerjs from 'peerjs';

const TOOL = process.env.PEERJS_CODEC;

// --- helpers ---------------------------------------------------------------

const hex = (bytes) => Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes)
  : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('hex');
const fromHex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const toArrayBuffer = (u8) => u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength);

// One tool process per call; one output line per input line.
function tool(args, lines) {
  assert.ok(TOOL, 'PEERJS_CODEC is not set');
  const r = spawnSync(TOOL, args, {
    input: lines.join('\n') + '\n',
    maxBuffer: 1 << 30,
    env: { ...process.env, G_DEBUG: 'fatal-criticals' },
  });
  assert.equal(r.status, 0, `peerjs-codec ${args.join(' ')} failed: ${r.stderr}`);
  const out = r.stdout.toString().split('\n').filter((l) => l.length > 0);
  assert.equal(out.length, lines.length, 'one output line per input line');
  return out.map((l) => JSON.parse(l));
}

// The typed form of a JavaScript value as the JS libraries decode it.
const TWO63 = 2n ** 63n;
const TWO64 = 2n ** 64n;
function typedOf(v) {
  if (v === null || v === undefined) return ['null'];
  if (typeof v === 'boolean') return ['bool', v];
  if (typeof v === 'number') {
    if (Number.isInteger(v)) {
      const b = BigInt(v);
      if (b >= -TWO63 && b < TWO63) return ['int', b.toString()];
      if (b >= 0n && b < TWO64) return ['uint', b.toString()];
    }
    return ['double', String(v)];
  }
  if (typeof v === 'bigint') return [v >= TWO63 ? 'uint' : 'int', v.toString()];
  if (typeof v === 'string') return ['str', v];
  if (v instanceof Date) return ['int', String(v.getTime())];
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return ['bin', hex(v)];
  if (Array.isArray(v)) return ['arr', v.map(typedOf)];
  return ['map', Object.keys(v).map((k) => [k, typedOf(v[k])])];
}

// Typed values are equal; doubles by value (NaN equals NaN).
function sameTyped(a, b, path = '$') {
  assert.equal(a[0], b[0], `${path}: type ${a[0]} vs ${b[0]} (${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)})`);
  switch (a[0]) {
    case 'null': return;
    case 'double': {
      const x = Number(a[1]); const y = Number(b[1]);
      assert.ok(x === y || (Number.isNaN(x) && Number.isNaN(y)), `${path}: ${a[1]} vs ${b[1]}`);
      return;
    }
    case 'arr':
      assert.equal(a[1].length, b[1].length, `${path}: array length`);
      a[1].forEach((x, i) => sameTyped(x, b[1][i], `${path}[${i}]`));
      return;
    case 'map':
      assert.deepEqual(a[1].map((p) => p[0]), b[1].map((p) => p[0]), `${path}: keys`);
      a[1].forEach((p, i) => sameTyped(p[1], b[1][i][1], `${path}.${p[0]}`));
      return;
    default:
      assert.deepEqual(a[1], b[1], `${path}: ${String(a[1]).slice(0, 80)} vs ${String(b[1]).slice(0, 80)}`);
  }
}

// The correct IEEE-754 bytes of `cb` + a double, for BinaryPack.
function ieee(code, d) {
  const b = Buffer.alloc(9); b[0] = code; b.writeDoubleBE(d, 1); return b.toString('hex');
}

let seed = 20260101;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };

// --- vectors ---------------------------------------------------------------

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
const bytes = (n, s = 0) => Uint8Array.from(range(n, (i) => (i * 31 + s) & 0xff));
const obj = (n) => Object.fromEntries(range(n, (i) => [`k${i}`, i]));
const nest = (depth, leaf) => { let v = leaf; for (let i = 0; i < depth; i++) v = [v]; return v; };

const INTS = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1,
  2 ** 53, 2 ** 62, 2 ** 63 - 1024, 2 ** 63 + 2048, 2 ** 64 - 2048,
  -1, -31, -32, -33, -127, -128, -129, -32767, -32768, -32769, -(2 ** 31) + 1, -(2 ** 31),
  -(2 ** 31) - 1, -(2 ** 32), -(2 ** 53), -(2 ** 62), -(2 ** 63)];
const DOUBLES = [1.5, -1.5, 0.1, -0.1, 0.5, 0.25, 0.2 + 0.1, Math.PI, -Math.E, 123456.789,
  1e-300, -1e-300, 1e-10, 3.14e-200, 4503599627370495.5, 1.5 * 2 ** -1000, 2.5e-8,
  -987654321.5, 1.0000000000000002, 0.9999999999999999];
const STRINGS = ['', 'a', 'hi', 'héllo', '😀', '€', '日本語テキスト', 'x'.repeat(15), 'x'.repeat(16),
  'é'.repeat(7) + 'x', 'é'.repeat(8), '😀'.repeat(4), 'x'.repeat(31), 'x'.repeat(32),
  'x'.repeat(255), 'x'.repeat(256), 'x'.repeat(65535), 'x'.repeat(65536), 'ü'.repeat(40000),
  'quote " backslash \\ newline \n tab \t'];
const BINARIES = [0, 1, 15, 16, 255, 256, 65535, 65536, 70000].map((n) => bytes(n, n));
// JS pack() recurses once per element of an array or map and overflows
// node's stack beyond about 10000: the 16-bit and 32-bit maximum counts are
// checked apart, with headers assembled here (see below).
const COUNTS = [0, 1, 15, 16, 255, 256, 5000];

// [name, JS value]
function baseVectors() {
  const v = [['null', null], ['true', true], ['false', false], ['undefined', undefined],
    ['-0', -0]];
  for (const n of INTS) v.push([`int ${n}`, n]);
  for (const d of DOUBLES) v.push([`double ${d}`, d]);
  for (const s of STRINGS) v.push([`string(${new TextEncoder().encode(s).length} bytes)`, s]);
  for (const b of BINARIES) v.push([`binary(${b.length})`, b]);
  v.push(['ArrayBuffer', Uint8Array.from([0xde, 0xad]).buffer]);
  v.push(['Int16Array', new Int16Array([1, -2])]);
  for (const n of COUNTS) v.push([`array(${n})`, range(n, (i) => i % 200)]);
  for (const n of COUNTS) v.push([`map(${n})`, obj(n)]);
  v.push(['nested', { hello: 'world', n: [1, 2.5, true, null], deep: { a: [[[{ b: 'c' }]]] } }]);
  v.push(['mixed array', [1, 'a', null, true, 2.5, bytes(3), { x: [] }, [[]]]]);
  v.push(['{u: undefined}', { u: undefined }]);
  v.push(['close', { __peerData: { type: 'close' } }]);
  v.push(['chunk map', { __peerData: 5, n: 0, data: Uint8Array.from([0xb2, 0x68, 0x69]), total: 1 }]);
  v.push(['32 nested arrays', nest(31, [1])]);
  return v;
}

// pack() is right for this value (the JS encoder halves some powers of two,
// and mangles 2^63 and 2^64)
function jsPackIsRight(v) {
  if (typeof v === 'number' && !Number.isInteger(v)) return hex(pack(v)) === ieee(0xcb, v);
  if (Array.isArray(v)) return v.every(jsPackIsRight);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer))
    return Object.values(v).every(jsPackIsRight);
  return true;
}

// ==========================================================================
// BinaryPack
// ==========================================================================

// The doubles JS pack() gets wrong are checked on their own below.
const binaryVectors = () => baseVectors().filter(([, v]) => jsPackIsRight(v));

test('binarypack: JS pack() -> C decode, every type code and length class', () => {
  const vectors = binaryVectors();
  console.log(`# ${vectors.length} vectors`);
  const out = tool(['decode', 'binary'], vectors.map(([, v]) => hex(pack(v))));
  vectors.forEach(([name, v], i) => {
    const bytesLen = pack(v).byteLength;
    assert.ok(out[i].value, `${name}: ${JSON.stringify(out[i]).slice(0, 200)}`);
    assert.equal(out[i].consumed, bytesLen, `${name}: consumed`);
    sameTyped(out[i].value, typedOf(v), name);
  });
});

test('binarypack: C encode -> JS unpack(), and byte-exact with JS pack()', () => {
  const vectors = binaryVectors();
  const out = tool(['encode', 'binary'], vectors.map(([, v]) => JSON.stringify(typedOf(v))));
  vectors.forEach(([name, v], i) => {
    assert.ok(out[i].hex !== undefined, `${name}: ${JSON.stringify(out[i])}`);
    assert.equal(out[i].hex, hex(pack(v)), `${name}: bytes`);
    const back = unpack(toArrayBuffer(fromHex(out[i].hex)));
    sameTyped(typedOf(back), typedOf(unpack(pack(v))), name);
  });
});

test('binarypack: doubles, where JS pack() is right and where it is not', () => {
  const values = [...DOUBLES];
  for (let i = 0; i < 3000; i++) {
    const v = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 60 - 30);
    if (!Number.isInteger(v)) values.push(v);
  }
  for (let k = -1022; k < 53; k++) {     // normal non-integral powers of two
    if (!Number.isInteger(2 ** k)) values.push(2 ** k, -(2 ** k), 1.5 * 2 ** k);
  }
  const enc = tool(['encode', 'binary'], values.map((d) => JSON.stringify(['double', String(d)])));
  const dec = tool(['decode', 'binary'], values.map((d) => ieee(0xcb, d)));
  let jsWrong = 0;
  values.forEach((d, i) => {
    // C writes exact IEEE-754, which unpack() reads back exactly (normal range)
    assert.equal(enc[i].hex, ieee(0xcb, d), `encode ${d}`);
    assert.equal(unpack(toArrayBuffer(fromHex(enc[i].hex))), d, `JS reads C's ${d}`);
    // C reads exact IEEE-754
    sameTyped(dec[i].value, ['double', String(d)], `decode ${d}`);
    if (hex(pack(d)) !== ieee(0xcb, d)) jsWrong++;
  });
  // what the JS encoder sends for 2^-29 (half the value): C reads the bytes as they are
  const halved = tool(['decode', 'binary'], [hex(pack(2 ** -29))]);
  assert.equal(hex(pack(2 ** -29)), 'cb3e10000000000000');
  sameTyped(halved[0].value, ['double', String(2 ** -30)]);
  assert.ok(jsWrong > 0, 'the JS halving bug is in the sample');
  console.log(`# ${values.length} doubles; JS pack() wrong for ${jsWrong}, C right for all`);
});

test('binarypack: C-only values and errors', () => {
  const cases = [
    [['int', '9007199254740993'], 'd30020000000000001'],
    [['int', '-9223372036854775808'], 'd38000000000000000'],
    [['uint', '18446744073709551615'], 'cfffffffffffffffff'],
    [['uint', '9223372036854775808'], 'cf8000000000000000'],
    [['double', '1'], '01'],
    [['double', '-0'], '00'],
    [['double', '9223372036854775808'], 'cf8000000000000000'], // JS: d3 80.. (= -2^63)
    [['gvariant', "(int16 -5, 'x', @ay [1, 2], {'a': 1.0})"], '94fbb178a2010281b16101'],
    [['gvariant', "{1: 'a', 20: 'b'}"], '82b131b161b23230b162'],
    [['gvariant', '@a{di} {1.5: 0, 1e21: 1, 1e-7: 2}'], null],
    [['double', 'NaN'], 'unsupported'],
    [['double', 'Infinity'], 'unsupported'],
    [['double', '-Infinity'], 'unsupported'],
    [['double', '1e20'], 'unsupported'],
    [['double', '18446744073709551616'], 'unsupported'],              // JS: cf 00.. (= 0)
    [['arr', [nest(32, 1)].map(typedOf)], 'too-big'],
  ];
  const out = tool(['encode', 'binary'], cases.map(([t]) => JSON.stringify(t)));
  cases.forEach(([t, expected], i) => {
    if (expected === 'unsupported' || expected === 'too-big') {
      assert.equal(out[i].error, expected, JSON.stringify(t).slice(0, 80));
    } else if (expected) {
      assert.equal(out[i].hex, expected, JSON.stringify(t));
    }
  });
  // JS reads them as it should
  assert.equal(unpack(toArrayBuffer(fromHex(out[0].hex))), 9007199254740992);
  const tuple = unpack(toArrayBuffer(fromHex(out[7].hex)));
  assert.deepEqual([tuple[0], tuple[1], hex(tuple[2]), tuple[3]], [-5, 'x', '0102', { a: 1 }]);
  assert.deepEqual(Object.keys(unpack(toArrayBuffer(fromHex(out[9].hex)))),
    [String(1.5), String(1e21), String(1e-7)]);
  // the JS encoder edge bugs C does not copy
  assert.equal(hex(pack(2 ** 63)), 'd38000000000000000');
  assert.equal(hex(pack(2 ** 64)), 'cf0000000000000000');
});

test('binarypack: JS decoder quirks and C strictness on the same bytes', () => {
  const cases = [
    // [hex, C result, JS result]
    ['0102', ['int', '1'], 1],                          // trailing bytes ignored
    ['8101b161', ['map', [['1', ['str', 'a']]]], { 1: 'a' }],
    ['81c3b161', ['map', [['true', ['str', 'a']]]], { true: 'a' }],
    ['81c0b161', ['map', [['null', ['str', 'a']]]], { null: 'a' }],
    ['9301c40203', ['arr', [['int', '1'], ['null'], ['int', '2']]], null], // c4: undefined
    ['c1', ['null'], undefined],
    ['d4', ['null'], undefined],
    ['b3e282ac', ['str', '€'], '€'],
  ];
  const out = tool(['decode', 'binary'], cases.map(([h]) => h));
  cases.forEach(([h, c, js], i) => {
    sameTyped(out[i].value, c, h);
    if (js !== null) {
      const u = unpack(toArrayBuffer(fromHex(h)));
      if (js === undefined) assert.equal(u, undefined);
      else sameTyped(typedOf(u), typedOf(js), `JS ${h}`);
    }
  });
  // JS reads zeros past the end; C refuses (truncated) at every cut
  assert.deepEqual(unpack(toArrayBuffer(fromHex('9301'))), [1, 0, 0]);
  const full = hex(pack({ hello: 'world', n: [1, 2.5, true, null], b: bytes(20) }));
  const cuts = range(full.length / 2, (n) => full.slice(0, 2 * n));
  const trunc = tool(['decode', 'binary'], cuts);
  trunc.forEach((r, n) => assert.equal(r.error, 'truncated', `cut at ${n}`));
  // depth: 32 nested arrays decode (above), 33 do not
  const deep = tool(['decode', 'binary'], [hex(pack(nest(33, 1)))]);
  assert.equal(deep[0].error, 'too-big');
  // a NUL in a string: GVariant strings cannot hold it
  const nul = tool(['decode', 'binary'], [hex(pack('a\u0000b'))]);
  sameTyped(nul[0].value, ['str', 'a\ufffdb']);
});

// Arrays and maps of 65535 and 65536 elements: the header as binarypack.ts
// writes it (dc/dd, de/df + big-endian count), the elements by pack().
test('binarypack: arrays and maps of 65535 and 65536 elements', () => {
  const header = (code16, n) => {
    const b = Buffer.alloc(n <= 0xffff ? 3 : 5);
    b[0] = n <= 0xffff ? code16 : code16 + 1;
    if (n <= 0xffff) b.writeUInt16BE(n, 1); else b.writeUInt32BE(n, 1);
    return b;
  };
  const vectors = [];
  for (const n of [65535, 65536]) {
    const arr = range(n, (i) => (i % 2 ? i : `s${i % 7}`));
    vectors.push([`array(${n})`, arr, Buffer.concat([header(0xdc, n),
      ...arr.map((x) => Buffer.from(pack(x)))])]);
    const map = obj(n);
    vectors.push([`map(${n})`, map, Buffer.concat([header(0xde, n),
      ...Object.keys(map).flatMap((k) => [Buffer.from(pack(k)), Buffer.from(pack(map[k]))])])]);
  }
  const dec = tool(['decode', 'binary'], vectors.map(([, , b]) => b.toString('hex')));
  const enc = tool(['encode', 'binary'], vectors.map(([, v]) => JSON.stringify(typedOf(v))));
  vectors.forEach(([name, v, b], i) => {
    sameTyped(dec[i].value, typedOf(v), name);
    assert.equal(enc[i].hex, b.toString('hex'), `${name}: bytes`);
    sameTyped(typedOf(unpack(toArrayBuffer(b))), typedOf(v), `${name}: JS unpack()`);
  });
  // pack() itself cannot: it recurses per element
  assert.throws(() => pack(range(65536, () => 1)), RangeError);
});

// peerjs's own chunker (util.chunk, BinaryPackChunker) and the receiving
// logic of BinaryPack._handleChunk.
function jsChunkMessages(value) {
  const blob = pack(value);
  if (blob.byteLength <= peerjs.util.chunkedMTU) return [blob];
  return peerjs.util.chunk(blob).map((c) => pack(c));
}
function jsReassemble(messages) {
  const chunked = {};
  const values = [];
  for (const m of messages) {
    const d = unpack(m);
    if (d && d.__peerData) {
      if (d.__peerData.type === 'close') { values.push('CLOSE'); continue; }
      const info = chunked[d.__peerData] || { data: [], count: 0, total: d.total };
      info.data[d.n] = new Uint8Array(d.data);
      info.count++;
      chunked[d.__peerData] = info;
      if (info.count === info.total) {
        delete chunked[d.__peerData];
        values.push(unpack(toArrayBuffer(Buffer.concat(info.data))));
      }
    } else {
      values.push(d);
    }
  }
  return values;
}

test('binarypack chunks: C sender -> JS reassembly', () => {
  peerjs.util._dataCount = 1;   // the JS chunker's ids, like a new connection's
  const values = [bytes(40000), 'ü'.repeat(60000), range(6000, (i) => i), { small: 1 },
    bytes(16297), bytes(16298)];
  const out = tool(['chunks'], values.map((v) => JSON.stringify(typedOf(v))));
  // 4.2: 40000 bytes -> 16331 + 16331 + 7434, first bytes as documented
  const first = out[0].messages;
  assert.deepEqual(first.map((h) => h.length / 2), [16331, 16331, 7434]);
  assert.ok(first[0].startsWith('84ba5f5f7065657244617461' + '01' + 'b16e00' + 'b464617461' + 'da3fac' + 'da9c40'));
  assert.ok(first[2].endsWith('b5746f74616c03'));
  assert.equal(out[3].messages.length, 1);
  assert.equal(out[4].messages.length, 1);   // 16300 packed bytes: one message
  assert.equal(out[5].messages.length, 2);   // 16301: chunked
  let expectedId = 1;
  values.forEach((v, i) => {
    const msgs = out[i].messages.map((h) => toArrayBuffer(fromHex(h)));
    if (msgs.length > 1) {
      for (const m of msgs) {
        const c = unpack(m);
        assert.deepEqual(Object.keys(c), ['__peerData', 'n', 'data', 'total']);
        assert.equal(c.__peerData, expectedId);
        assert.equal(c.total, msgs.length);
      }
      expectedId++;
      // also in reverse order, as an unordered channel may deliver them
      const rev = jsReassemble([...msgs].reverse());
      sameTyped(typedOf(rev[0]), typedOf(v), `reversed ${i}`);
    }
    const got = jsReassemble(msgs);
    assert.equal(got.length, 1);
    sameTyped(typedOf(got[0]), typedOf(v), `value ${i}`);
    // and the JS chunker makes the very same messages, byte for byte
    assert.deepEqual(jsChunkMessages(v).map(hex), out[i].messages, `messages ${i}`);
  });
});

test('binarypack chunks: JS sender (peerjs chunker) -> C receiver', () => {
  const values = [bytes(40000), 'x'.repeat(100000), obj(3000), range(5000, (i) => i * 1.5)];
  const lines = [];
  for (const v of values) {
    const msgs = jsChunkMessages(v).map(hex);
    // shuffled, like an unordered channel
    for (let i = msgs.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1)); [msgs[i], msgs[j]] = [msgs[j], msgs[i]];
    }
    lines.push(msgs.join(' '));
  }
  lines.push(hex(pack({ __peerData: { type: 'close' } })));
  const out = tool(['receive'], lines);
  values.forEach((v, i) => {
    const results = out[i].results;
    results.slice(0, -1).forEach((r) => assert.deepEqual(r, { none: true }));
    sameTyped(results[results.length - 1].value, typedOf(v), `value ${i}`);
  });
  assert.deepEqual(out[values.length].results, [{ close: true }]);
  assert.equal(hex(pack({ __peerData: { type: 'close' } })),
    '81ba5f5f706565724461746181b474797065b5636c6f7365');
});

// ==========================================================================
// MsgPack
// ==========================================================================

// (@msgpack/msgpack 2.8 writes a bare ArrayBuffer as an empty map: checked
// on its own)
function msgpackVectors() {
  const v = baseVectors().filter(([name]) => name !== 'ArrayBuffer');
  // (pack() refuses a DataView, @msgpack/msgpack takes it)
  v.push(['DataView', new DataView(Uint8Array.from([9, 8, 7, 6]).buffer, 1, 2)]);
  for (const n of [65535, 65536]) v.push([`array(${n})`, range(n, (i) => i % 200)], [`map(${n})`, obj(n)]);
  v.push(['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['1e300', 1e300],
    ['2^64', 2 ** 64], ['1e20', 1e20], ['Date', new Date(1700000000123)]);
  return v;
}

test('msgpack: JS encode() -> C reader, every form', () => {
  const vectors = msgpackVectors();
  const out = tool(['decode', 'msgpack'], vectors.map(([, v]) => hex(encode(v))));
  vectors.forEach(([name, v], i) => {
    assert.equal(out[i].error, undefined, `${name}: ${out[i].message}`);
    assert.equal(out[i].values.length, 1, name);
    assert.equal(out[i].buffered, 0, name);
    sameTyped(out[i].values[0], typedOf(v), name);
  });
  // 33 levels are too deep (and beyond libmsgpack-c's parse stack)
  const deep = tool(['decode', 'msgpack'], [hex(encode(nest(33, 1)))]);
  assert.equal(deep[0].error, 'too-big');
  // an extension type other than the timestamp
  const ext = tool(['decode', 'msgpack'], ['d40102']);
  assert.equal(ext[0].error, 'unsupported');
  // what JS sends for an ArrayBuffer
  assert.equal(hex(encode(Uint8Array.from([1, 2]).buffer)), '80');
  const ab = tool(['decode', 'msgpack'], ['80']);
  sameTyped(ab[0].values[0], ['map', []]);
});

test('msgpack: C encode -> JS decode(), byte-exact where both write the same', () => {
  const vectors = msgpackVectors().filter(([, v]) => !(v instanceof Date));
  const out = tool(['encode', 'msgpack'], vectors.map(([, v]) => JSON.stringify(typedOf(v))));
  let exact = 0;
  vectors.forEach(([name, v], i) => {
    assert.ok(out[i].hex !== undefined, `${name}: ${JSON.stringify(out[i])}`);
    const back = decode(fromHex(out[i].hex));
    sameTyped(typedOf(back), typedOf(v), name);
    // JS writes integral numbers beyond 2^53 as float 64, C as integers
    const unsafe = typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)
      && Math.abs(v) < 2 ** 64;
    if (!unsafe) {
      assert.equal(out[i].hex, hex(encode(v)), `${name}: bytes`);
      exact++;
    }
  });
  console.log(`# ${exact} of ${vectors.length} byte-exact`);
  // 4.5
  const ex = tool(['encode', 'msgpack'],
    [JSON.stringify(typedOf({ hello: 'msgpack', n: 1.5 }))]);
  assert.equal(ex[0].hex, '82a568656c6c6fa76d73677061636ba16ecb3ff8000000000000');
});

test('msgpack: a stream cut anywhere, both ways', () => {
  const values = [{ hello: 'msgpack', n: 1.5 }, 1, 'héllo', bytes(70000), [1, [2, [3]]],
    null, { __peerData: { type: 'close' } }, -1e-300, 'x'.repeat(40000)];
  const stream = Buffer.concat(values.map((v) => encode(v)));
  // the StreamConnection pieces: 32768 bytes
  const lines = [];
  const piecesOf = (sizes) => {
    const out = []; let at = 0; let k = 0;
    while (at < stream.length) {
      const n = sizes(k++); out.push(stream.subarray(at, at + n).toString('hex')); at += n;
    }
    return out.join(' ');
  };
  lines.push(piecesOf(() => 32768));
  for (let round = 0; round < 20; round++) lines.push(piecesOf(() => 1 + Math.floor(rnd() * 5000)));
  lines.push(piecesOf((k) => (k % 3) + 1));
  const out = tool(['decode', 'msgpack'], lines);
  out.forEach((r, n) => {
    assert.equal(r.error, undefined, r.message);
    assert.equal(r.values.length, values.length, `line ${n}`);
    r.values.forEach((t, i) => sameTyped(t, typedOf(values[i]), `line ${n} value ${i}`));
  });

  // 70000 bytes: c6 00011170, in 32768 + 32768 + 4469 (4.5)
  const enc = tool(['encode', 'msgpack'], [JSON.stringify(typedOf(bytes(70000)))]);
  assert.equal(enc[0].hex, hex(encode(bytes(70000))));
  assert.ok(enc[0].hex.startsWith('c600011170'));

  // C values concatenated: one JS stream
  const cvals = tool(['encode', 'msgpack'], values.map((v) => JSON.stringify(typedOf(v))));
  const cstream = Buffer.concat(cvals.map((r) => Buffer.from(r.hex, 'hex')));
  const decoded = [...decodeMulti(cstream)];
  assert.equal(decoded.length, values.length);
  decoded.forEach((d, i) => sameTyped(typedOf(d), typedOf(values[i]), `JS value ${i}`));
});

// ==========================================================================
// JSON
// ==========================================================================

test('json: JSON.stringify -> C, and C -> JSON.parse', () => {
  // (no undefined in C: JSON.stringify drops what C sends as null)
  const vectors = baseVectors().filter(([name, v]) => v !== undefined && name !== '{u: undefined}'
    && !(v instanceof ArrayBuffer) && !ArrayBuffer.isView(v) && !(typeof v === 'object' && v
      && Object.values(v).some((x) => ArrayBuffer.isView(x))));
  vectors.push(['1e-10', 1e-10], ['1e21', 1e21], ['1e-7', 1e-7], ['nested numbers',
    [0.1, 1e300, -5e-324, 2 ** 60, { x: 1e19 }]]);
  const dec = tool(['decode', 'json'], vectors.map(([, v]) => JSON.stringify(v)));
  vectors.forEach(([name, v], i) => {
    assert.equal(dec[i].error, undefined, `${name}: ${dec[i].message}`);
    sameTyped(dec[i].value, typedOf(JSON.parse(JSON.stringify(v))), name);
  });
  const enc = tool(['encode', 'json'], vectors.map(([, v]) => JSON.stringify(typedOf(v))));
  vectors.forEach(([name, v], i) => {
    assert.ok(enc[i].json !== undefined, `${name}: ${JSON.stringify(enc[i])}`);
    sameTyped(typedOf(JSON.parse(enc[i].json)), typedOf(JSON.parse(JSON.stringify(v))), name);
  });
  // NaN and the infinities become null, like JSON.stringify
  const special = tool(['encode', 'json'], ['["double","NaN"]', '["arr",[["double","Infinity"]]]']);
  assert.deepEqual(special.map((r) => r.json), [JSON.stringify(NaN), JSON.stringify([Infinity])]);
});
