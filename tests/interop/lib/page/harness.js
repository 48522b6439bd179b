// In-page test harness, loaded after peerjs.min.js (window.peerjs.Peer).
// Everything the node side needs is on window.H and is driven through
// page.evaluate(). Every wait is bounded (timeout in ms).
//
// Events are recorded in H.events as {seq, t, src, ev, ...detail}:
//   src = peer name ('alice'), or '<peer>:<connectionId>' for connections.
//   t   = epoch ms with sub-ms precision (same clock in every page of a browser).
(() => {
  'use strict';
  const now = () => performance.timeOrigin + performance.now();

  const H = {
    server: null,          // {host, port, path, key}
    peers: {},             // name -> Peer
    conns: {},             // '<peer>:<connectionId>' -> MediaConnection | DataConnection
    media: {},             // '<peer>:<connectionId>' -> remote media watch state
    events: [],
    seq: 0,
    localStream: null,
    closedAt: {},          // '<peer>:<connectionId>' -> time of its 'close' event
    rooms: {},             // peer name -> room state (H.joinRoom)
    unanswered: {},        // peer name -> calls that came before H.joinRoom / answer
  };
  window.H = H;

  const waiters = new Set();

  function log(...a) {
    console.log('[H] ' + a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
  }

  function rec(src, ev, detail = {}) {
    const e = { seq: ++H.seq, t: now(), src, ev, ...detail };
    H.events.push(e);
    if (ev !== 'data' && ev !== 'frame') log(src, ev, detail);
    for (const w of [...waiters]) w.check();
    return e;
  }

  function matches(e, src, ev, since, match) {
    if (e.seq <= since || e.src !== src || e.ev !== ev) return false;
    if (match) for (const k of Object.keys(match)) if (e[k] !== match[k]) return false;
    return true;
  }

  /** Resolve with the first event (seq > since) of src whose ev is one of `evs`
   *  and whose fields equal `match`. */
  H.waitAny = (src, evs, { since = 0, timeout = 10000, match = null } = {}) =>
    new Promise((resolve, reject) => {
      const w = {
        check() {
          const e = H.events.find((x) => evs.some((ev) => matches(x, src, ev, since, match)));
          if (e) { waiters.delete(w); clearTimeout(w.timer); resolve(e); }
        },
      };
      w.timer = setTimeout(() => {
        waiters.delete(w);
        const seen = H.events.filter((x) => x.src === src && x.seq > since)
          .map((x) => x.ev + (x.type ? '(' + x.type + ')' : '')).slice(-15);
        reject(new Error(`timeout after ${timeout} ms waiting for ${src} ${evs.join('|')}` +
          (match ? ' ' + JSON.stringify(match) : '') + `; events of ${src} since #${since}: [${seen.join(', ')}]`));
      }, timeout);
      waiters.add(w);
      w.check();
    });

  H.waitFor = (src, ev, opts = {}) => H.waitAny(src, [ev], opts);

  /** All events (optionally only of src / ev) after seq `since`. */
  H.eventsOf = (src, ev, since = 0) =>
    H.events.filter((e) => e.seq > since && (!src || e.src === src) && (!ev || e.ev === ev));

  H.setServer = (s) => { H.server = s; };

  H.getLocalStream = async () => {
    if (!H.localStream)
      H.localStream = await navigator.mediaDevices.getUserMedia({
        audio: true, video: { width: 320, height: 240 } });
    return H.localStream.getTracks().map((t) => ({ kind: t.kind, readyState: t.readyState, label: t.label }));
  };

  H.peerOptions = (extra = {}) => ({
    host: H.server.host, port: H.server.port, path: H.server.path, key: H.server.key,
    secure: false, debug: 2, config: { iceServers: [] }, ...extra,
  });

  /** Create a Peer; id null/undefined = ask the server for one. Does not wait. */
  H.newPeer = (name, id, extra = {}) => {
    const opts = H.peerOptions(extra);
    const p = id ? new window.peerjs.Peer(id, opts) : new window.peerjs.Peer(opts);
    H.peers[name] = p;
    p.on('open', (pid) => rec(name, 'open', { id: pid }));
    p.on('error', (e) => rec(name, 'error', { type: e.type, message: String(e.message ?? '') }));
    p.on('disconnected', (pid) => rec(name, 'disconnected', { id: pid ?? null }));
    p.on('close', () => rec(name, 'close'));
    p.on('call', (mc) => {
      const key = watchConn(name, mc);
      rec(name, 'call', { key, connectionId: mc.connectionId, from: mc.peer, metadata: mc.metadata ?? null });
      if (H.rooms[name]) roomIncoming(name, key, mc);
      else if (H.autoAnswer[name]) H.answer(key, H.autoAnswer[name].withStream);
      else (H.unanswered[name] ??= []).push({ key, mc });   // joinRoom() handles these
    });
    p.on('connection', (dc) => {
      const key = watchConn(name, dc);
      rec(name, 'connection', {
        key, connectionId: dc.connectionId, from: dc.peer, label: dc.label,
        serialization: dc.serialization, reliable: dc.reliable, metadata: dc.metadata ?? null,
      });
    });
    return opts;
  };

  H.autoAnswer = {};
  /** Answer incoming calls of peer `name` right away (with the local stream or none). */
  H.setAutoAnswer = (name, withStream = true) => { H.autoAnswer[name] = { withStream }; };

  function encodeValue(d) {
    if (d instanceof ArrayBuffer) return { __bytes: Array.from(new Uint8Array(d)) };
    if (ArrayBuffer.isView(d)) return { __bytes: Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)) };
    return d;
  }
  function decodeValue(v) {
    if (v && typeof v === 'object' && Array.isArray(v.__bytes)) return new Uint8Array(v.__bytes).buffer;
    return v;
  }

  function watchConn(peerName, c) {
    const key = `${peerName}:${c.connectionId}`;
    H.conns[key] = c;
    c.on('open', () => rec(key, 'open'));
    c.on('close', () => { H.closedAt[key] = now(); rec(key, 'close'); });
    c.on('error', (e) => rec(key, 'error', { type: e.type, message: String(e.message ?? '') }));
    if (c.type === 'media') {
      c.on('stream', (s) => {
        rec(key, 'stream', { tracks: s.getTracks().map((t) => t.kind) });
        watchMedia(key, s);
      });
    } else {
      c.on('data', (d) => rec(key, 'data', { value: encodeValue(d) }));
    }
    return key;
  }

  // --- remote media -------------------------------------------------------

  function watchMedia(key, stream) {
    let m = H.media[key];
    if (m) { m.stream = stream; meterAudio(key, m); return; }     // 'stream' fires once per track
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true;
    v.width = 160; v.height = 120;
    v.dataset.key = key;
    document.body.appendChild(v);
    v.srcObject = stream;
    m = H.media[key] = { stream, video: v, frames: 0, firstFrameAt: null, lastMediaTime: null, playError: null };
    v.play().catch((e) => { m.playError = String(e); });
    const onFrame = (_now, meta) => {
      m.frames++;
      m.lastMediaTime = meta.mediaTime;
      if (m.frames === 1) {
        m.firstFrameAt = now();
        rec(key, 'first-frame', { width: meta.width, height: meta.height });
      }
      if (m.frames === 10) rec(key, 'ten-frames');
      if (H.media[key] === m) v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
    meterAudio(key, m);
  }

  // --- remote audio energy (WebAudio) -------------------------------------
  //
  // Every remote stream with an audio track gets a MediaStreamSource ->
  // AnalyserNode (-> gain 0 -> destination, so the graph is pulled). A timer
  // samples each analyser every H.audioSampleMs: RMS of the last fftSize
  // samples (floats in [-1, 1]). Chromium's fake microphone beeps (short
  // tones, silence between), GStreamer's audiotestsrc plays a steady sine:
  // tests look at maxRms and at how many samples were above H.audioThreshold.

  H.audioThreshold = 0.01;   // RMS; digital silence after Opus is ~0, a beep or a sine is > 0.05
  H.audioSampleMs = 20;
  let audioCtx = null;
  let audioTimer = null;

  function audioContext() {
    if (!audioCtx) {
      audioCtx = new AudioContext();
      // Headless Chromium may start it suspended (autoplay policy); it does
      // resume without a gesture when --autoplay-policy=no-user-gesture-required.
      if (audioCtx.state !== 'running') audioCtx.resume().catch(() => {});
    }
    return audioCtx;
  }

  function sampleAudio() {
    const t = now();
    for (const m of Object.values(H.media)) {
      const a = m.audio;
      if (!a || a.stopped) continue;
      a.analyser.getFloatTimeDomainData(a.buf);
      let sum = 0;
      for (let i = 0; i < a.buf.length; i++) sum += a.buf[i] * a.buf[i];
      const rms = Math.sqrt(sum / a.buf.length);
      a.samples++;
      a.lastRms = rms;
      a.sumRms += rms;
      if (rms > a.maxRms) a.maxRms = rms;
      if (rms > H.audioThreshold) {
        a.above++;
        a.lastAboveAt = t;
        if (a.firstAboveAt === null) {
          a.firstAboveAt = t;
          rec(m.key, 'first-audio', { rms: Math.round(rms * 1e4) / 1e4 });
        }
      }
    }
  }

  function meterAudio(key, m) {
    if (m.audio) return;
    const tracks = m.stream.getAudioTracks();
    if (tracks.length === 0) return;
    m.key = key;
    const ctx = audioContext();
    const src = ctx.createMediaStreamSource(new MediaStream([tracks[0]]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    const mute = ctx.createGain();
    mute.gain.value = 0;
    src.connect(analyser);
    analyser.connect(mute);
    mute.connect(ctx.destination);
    m.audio = { src, analyser, mute, buf: new Float32Array(analyser.fftSize), track: tracks[0],
      samples: 0, lastRms: 0, maxRms: 0, sumRms: 0, above: 0, firstAboveAt: null, lastAboveAt: null, stopped: false };
    if (!audioTimer) audioTimer = setInterval(sampleAudio, H.audioSampleMs);
  }

  function audioSnapshot(m) {
    const a = m && m.audio;
    if (!a) return null;
    return { samples: a.samples, lastRms: a.lastRms, maxRms: a.maxRms,
      meanRms: a.samples ? a.sumRms / a.samples : 0, above: a.above,
      firstAboveAt: a.firstAboveAt, lastAboveAt: a.lastAboveAt,
      contextState: audioCtx ? audioCtx.state : null, trackState: a.track.readyState };
  }

  /** Energy of the remote audio of a MediaConnection (null: no audio track). */
  H.audioState = (key) => audioSnapshot(H.media[key]);

  /** Snapshot of the remote media of a MediaConnection. */
  H.mediaState = async (key) => {
    const m = H.media[key];
    const c = H.conns[key];
    const out = { key, haveStream: !!m };
    if (m) {
      Object.assign(out, {
        frames: m.frames, firstFrameAt: m.firstFrameAt, playError: m.playError,
        videoWidth: m.video.videoWidth, videoHeight: m.video.videoHeight,
        currentTime: m.video.currentTime, paused: m.video.paused,
        audioTracks: m.stream.getAudioTracks().map((t) => ({ readyState: t.readyState, muted: t.muted, enabled: t.enabled })),
        videoTracks: m.stream.getVideoTracks().map((t) => ({ readyState: t.readyState, muted: t.muted, enabled: t.enabled })),
        audio: audioSnapshot(m),
      });
    }
    if (c && c.peerConnection) {
      out.iceConnectionState = c.peerConnection.iceConnectionState;
      out.connectionState = c.peerConnection.connectionState;
      out.inbound = {};
      try {
        const stats = await c.peerConnection.getStats();
        const codecs = {};
        stats.forEach((r) => { if (r.type === 'codec') codecs[r.id] = r.mimeType; });
        stats.forEach((r) => {
          if (r.type === 'inbound-rtp')
            out.inbound[r.kind] = { packetsReceived: r.packetsReceived, bytesReceived: r.bytesReceived,
              framesDecoded: r.framesDecoded, totalSamplesReceived: r.totalSamplesReceived,
              codec: r.codecId ? codecs[r.codecId] : undefined };
          if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') out.pair = r.id;
        });
      } catch (e) { out.statsError = String(e); }
    }
    return out;
  };

  // --- calls and data -----------------------------------------------------

  /** `from` calls `to` with the local stream. Returns the key of the MediaConnection. */
  H.call = (from, to, metadata) => {
    if (!H.localStream) throw new Error('call before getLocalStream()');
    const mc = H.peers[from].call(to, H.localStream, metadata === undefined ? {} : { metadata });
    if (!mc) throw new Error(`${from}.call(${to}) returned ${mc}`);
    const key = watchConn(from, mc);
    rec(from, 'calling', { key, to, connectionId: mc.connectionId });
    return key;
  };

  const answered = new Set();
  H.answer = (key, withStream = true) => {
    const mc = H.conns[key];
    answered.add(key);
    mc.answer(withStream ? H.localStream : undefined);
    rec(key, 'answered', { withStream });
  };

  /** `from` opens a DataConnection to `to`. Returns its key. */
  H.connect = (from, to, opts = {}) => {
    const dc = H.peers[from].connect(to, opts);
    if (!dc) throw new Error(`${from}.connect(${to}) returned ${dc}`);
    return watchConn(from, dc);
  };

  /** Send values (as encoded by the node side) on a DataConnection, in order. */
  H.send = async (key, values) => {
    const c = H.conns[key];
    for (const v of values) await c.send(decodeValue(v));
  };

  H.close = (key) => { H.conns[key].close(); };

  H.dataChannelInfo = (key) => {
    const c = H.conns[key];
    const dc = c.dataChannel;
    return dc ? { label: dc.label, ordered: dc.ordered, readyState: dc.readyState, protocol: dc.protocol,
      maxRetransmits: dc.maxRetransmits, serialization: c.serialization, reliable: c.reliable } : null;
  };

  H.peerState = (name) => {
    const p = H.peers[name];
    return { id: p.id, open: p.open, disconnected: p.disconnected, destroyed: p.destroyed };
  };

  /** peer.reconnect() once; returns the error text if it threw. */
  H.reconnect = (name) => {
    try { H.peers[name].reconnect(); return null; } catch (e) { return String(e); }
  };

  // --- rooms: a page as a member of a mesh ---------------------------------
  //
  // H.joinRoom(name, {peers, policy}) makes Peer `name` behave like a mesh
  // member of a web app (and like peerjsroom): it calls some members with its
  // local stream and answers calls from the others with it. Policies as
  // peerjsroom's call-policy: 'lower-id-calls' (call the members whose ID is
  // greater than ours in plain code-unit order = strcmp for ASCII, answer the
  // others), 'call-all', 'answer-only'. Calls from IDs not in `peers` are
  // closed unanswered ('room-reject'). If both sides call anyway, the call
  // made by the lower ID is kept and the other closed.

  function roomShouldCall(room, id) {
    return room.policy === 'call-all' || (room.policy === 'lower-id-calls' && room.me < id);
  }

  function roomCall(room, id) {
    const key = H.call(room.name, id, { room: true });
    const r = room.remotes[id];
    r.keys.push(key);
    r.key = key;
    r.role = 'caller';
    return key;
  }

  function roomIncoming(name, key, mc) {
    const room = H.rooms[name];
    const from = mc.peer;
    const r = room.remotes[from];
    if (!r) {
      room.rejected.push({ from, key, t: now() });
      rec(name, 'room-reject', { from, key });
      mc.close();
      return;
    }
    if (r.key && r.role === 'caller' && !H.closedAt[r.key]) {
      // glare: keep the call of the lower ID
      if (from < room.me) {
        rec(name, 'room-glare', { from, kept: key, closed: r.key });
        H.conns[r.key].close();
      } else {
        rec(name, 'room-glare', { from, kept: r.key, closed: key });
        mc.close();
        return;
      }
    }
    r.keys.push(key);
    r.key = key;
    r.role = 'answerer';
    H.answer(key, true);
  }

  /** Join a mesh; returns [{id, key}] of the calls placed. Needs getLocalStream() and an open Peer. */
  H.joinRoom = (name, { peers, policy = 'lower-id-calls' } = {}) => {
    if (!H.localStream) throw new Error('joinRoom before getLocalStream()');
    const p = H.peers[name];
    if (!p || !p.open) throw new Error(`joinRoom: peer ${name} is not open`);
    if (!['lower-id-calls', 'call-all', 'answer-only'].includes(policy)) throw new Error(`unknown policy ${policy}`);
    const room = { name, me: p.id, peers: [...peers], policy, remotes: {}, rejected: [] };
    for (const id of room.peers) room.remotes[id] = { keys: [], key: null, role: null };
    H.rooms[name] = room;
    // calls that arrived before we joined (and that nobody answered since)
    for (const { key, mc } of H.unanswered[name] ?? [])
      if (!mc.open && !H.closedAt[key] && !answered.has(key)) roomIncoming(name, key, mc);
    H.unanswered[name] = [];
    const placed = [];
    for (const id of room.peers) if (roomShouldCall(room, id)) placed.push({ id, key: roomCall(room, id) });
    rec(name, 'room-joined', { peers: room.peers, policy, calling: placed.map((c) => c.id) });
    return placed;
  };

  /** Per remote member: its current MediaConnection and what plays from it. */
  H.roomState = async (name) => {
    const room = H.rooms[name];
    if (!room) return null;
    const out = { me: room.me, policy: room.policy, rejected: room.rejected, remotes: {} };
    for (const [id, r] of Object.entries(room.remotes)) {
      const st = { id, role: r.role, keys: r.keys, key: r.key };
      if (r.key) {
        Object.assign(st, await H.mediaState(r.key));
        st.open = !!(H.conns[r.key] && H.conns[r.key].open);
        st.closedAt = H.closedAt[r.key] ?? null;
      }
      out.remotes[id] = st;
    }
    return out;
  };

  /** Leave: close every call of the room. */
  H.leaveRoom = (name) => {
    const room = H.rooms[name];
    if (!room) return;
    for (const r of Object.values(room.remotes))
      for (const k of r.keys) if (!H.closedAt[k]) { try { H.conns[k].close(); } catch { /* gone */ } }
    delete H.rooms[name];
  };


  // --- data values, type-faithful (room-data.test.mjs) --------------------
  //
  // Values cross page.evaluate() in a tagged form that keeps what JSON
  // loses: {t:'string'|'int'|'float'|'bool', v}, {t:'null'}, {t:'undefined'},
  // {t:'ArrayBuffer'|'Uint8Array'|<other view class>, hex}, {t:'array', v:[…]},
  // {t:'object', v:{key: …}}. 'int' = Number.isInteger (JavaScript has one
  // number type; the wire formats do tell integers from doubles, and an
  // integer never arrives as 1.5). Every value received on a DataConnection
  // of a peer made with H.newDataPeer / opened with H.connectData is kept in
  // H.values[key] = [{i, t, v}] (not in H.events: 40 kB values would flood
  // the log).

  const hexOf = (u8) => {
    let s = '';
    for (let i = 0; i < u8.length; i++) s += (u8[i] < 16 ? '0' : '') + u8[i].toString(16);
    return s;
  };
  const bytesOf = (hex) => {
    const u8 = new Uint8Array(hex.length >> 1);
    for (let i = 0; i < u8.length; i++) u8[i] = parseInt(hex.substr(i * 2, 2), 16);
    return u8;
  };
  H.hexOf = hexOf;
  H.bytesOf = bytesOf;

  function toTyped(v) {
    if (v === null) return { t: 'null' };
    if (v === undefined) return { t: 'undefined' };
    switch (typeof v) {
      case 'string': return { t: 'string', v };
      case 'boolean': return { t: 'bool', v };
      case 'number':
        if (!Number.isFinite(v)) return { t: 'float', v: String(v) };
        return Number.isInteger(v) ? { t: 'int', v } : { t: 'float', v };
      case 'bigint': return { t: 'bigint', v: String(v) };
      default: break;
    }
    if (v instanceof ArrayBuffer) return { t: 'ArrayBuffer', hex: hexOf(new Uint8Array(v)) };
    if (ArrayBuffer.isView(v))
      return { t: v.constructor.name, hex: hexOf(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    if (Array.isArray(v)) return { t: 'array', v: v.map(toTyped) };
    if (typeof v === 'object') {
      const o = {};
      for (const k of Object.keys(v)) o[k] = toTyped(v[k]);
      const ctor = v.constructor ? v.constructor.name : null;
      return ctor && ctor !== 'Object' ? { t: 'object', ctor, v: o } : { t: 'object', v: o };
    }
    return { t: typeof v, v: String(v) };
  }
  function fromTyped(x) {
    switch (x.t) {
      case 'null': return null;
      case 'undefined': return undefined;
      case 'string': case 'bool': case 'int': return x.v;
      case 'float': return typeof x.v === 'string' ? Number(x.v) : x.v;
      case 'ArrayBuffer': return bytesOf(x.hex).buffer;
      case 'Uint8Array': return bytesOf(x.hex);
      case 'array': return x.v.map(fromTyped);
      case 'object': {
        const o = {};
        for (const k of Object.keys(x.v)) o[k] = fromTyped(x.v[k]);
        return o;
      }
      default: throw new Error(`fromTyped: unknown tag ${x.t}`);
    }
  }
  H.toTyped = toTyped;
  H.fromTyped = fromTyped;

  H.values = {};                 // key -> [{i, t, v: typed}]
  function recordValues(key, c) {
    if (H.values[key]) return key;
    const list = H.values[key] = [];
    c.on('data', (d) => list.push({ i: list.length, t: now(), v: toTyped(d) }));
    return key;
  }

  H.MsgPack = null;
  /** Load peerjs' MsgPack serializer (dist/serializer.msgpack.mjs, served by lib/browser.mjs). */
  H.loadMsgPack = async () => {
    if (!H.MsgPack) H.MsgPack = (await import('/serializer.msgpack.mjs')).MsgPack;
    return typeof H.MsgPack;
  };

  /**
   * A Peer as H.newPeer, with the MsgPack serializer registered
   * (serializers: {MsgPack}) and every received value of every DataConnection
   * recorded in H.values (incoming ones included). Resolves once the
   * serializer is loaded; does not wait for 'open'.
   */
  H.newDataPeer = async (name, id, extra = {}) => {
    await H.loadMsgPack();
    H.newPeer(name, id, { ...extra, serializers: { MsgPack: H.MsgPack, msgpack: H.MsgPack } });
    H.peers[name].on('connection', (dc) => recordValues(`${name}:${dc.connectionId}`, dc));
    return true;
  };

  /** H.connect, recording received values (H.values). opts as peer.connect(). */
  H.connectData = (from, to, opts = {}) => {
    const key = H.connect(from, to, opts);
    recordValues(key, H.conns[key]);
    return key;
  };

  /** Record the received values of an existing DataConnection too. */
  H.recordValues = (key) => recordValues(key, H.conns[key]);

  /** Number of values received on `key` (after index `from`). */
  H.valueCount = (key) => (H.values[key] ? H.values[key].length : 0);
  /** Received values of `key` from index `from` on: [{i, t, v}]. */
  H.valuesOf = (key, from = 0) => (H.values[key] ? H.values[key].slice(from) : []);

  /**
   * Send typed values on a DataConnection, in order; awaits each send()
   * (MsgPack's is a promise). Returns the send times.
   */
  H.sendTyped = async (key, typedValues) => {
    const c = H.conns[key];
    if (!c) throw new Error(`sendTyped: no connection ${key}`);
    const times = [];
    for (const x of typedValues) {
      times.push(now());
      await c.send(fromTyped(x));
    }
    return times;
  };

  /**
   * Send raw frames on the underlying RTCDataChannel, bypassing the
   * serializer: {hex} = a binary frame, {text} = a text frame.
   */
  H.sendRawFrames = (key, frames) => {
    const c = H.conns[key];
    if (!c || !c.dataChannel) throw new Error(`sendRawFrames: no data channel on ${key}`);
    const times = [];
    for (const f of frames) {
      times.push(now());
      c.dataChannel.send(f.hex !== undefined ? bytesOf(f.hex) : f.text);
    }
    return times;
  };

  /** Data connections of Peer `name` (optionally only those with member `remote`). */
  H.dataConns = (name, remote = null) => Object.entries(H.conns)
    .filter(([k, c]) => k.startsWith(name + ':') && c.type === 'data' && (!remote || c.peer === remote))
    .map(([key, c]) => ({ key, peer: c.peer, connectionId: c.connectionId, label: c.label,
      serialization: c.serialization, reliable: c.reliable, open: c.open }));

  // --- track state (docs/track-state.md) ------------------------------------

  /** Turn the local camera / microphone tracks on or off (track.enabled); undefined = unchanged. */
  H.setLocalTracks = ({ video, audio } = {}) => {
    if (!H.localStream) throw new Error('setLocalTracks before getLocalStream()');
    for (const t of H.localStream.getVideoTracks()) if (video !== undefined) t.enabled = !!video;
    for (const t of H.localStream.getAudioTracks()) if (audio !== undefined) t.enabled = !!audio;
    rec('local', 'tracks', { video, audio });
    return H.localStream.getTracks().map((t) => ({ kind: t.kind, enabled: t.enabled, readyState: t.readyState }));
  };

  H.localTrackState = () => ({
    videoEnabled: !!H.localStream && H.localStream.getVideoTracks().some((t) => t.enabled),
    audioEnabled: !!H.localStream && H.localStream.getAudioTracks().some((t) => t.enabled),
  });

  /**
   * Announce {type:'track-state', videoEnabled, audioEnabled} (the current
   * local track state unless given) on every open DataConnection of Peer
   * `name` with member `remote` (raw ones excepted: docs/track-state.md).
   * Returns the keys it was sent on.
   */
  H.announceTrackState = async (name, remote, state = null) => {
    const st = state ?? H.localTrackState();
    const msg = { type: 'track-state', videoEnabled: !!st.videoEnabled, audioEnabled: !!st.audioEnabled };
    const sent = [];
    for (const d of H.dataConns(name, remote)) {
      if (!d.open || d.serialization === 'raw') continue;
      await H.conns[d.key].send(msg);
      sent.push(d.key);
    }
    rec(name, 'announced', { remote, ...msg, on: sent });
    return sent;
  };

  /**
   * Make Peer `name` speak the track-state format like the app of
   * docs/track-state.md: every DataConnection with a member (incoming ones
   * too) gets our state announced when it opens.
   */
  H.speakTrackState = (name) => {
    const p = H.peers[name];
    const hook = (c) => c.on('open', () => {
      if (c.serialization === 'raw') return;   // not understood there (docs/track-state.md)
      const st = H.localTrackState();
      c.send({ type: 'track-state', videoEnabled: st.videoEnabled, audioEnabled: st.audioEnabled });
      rec(name, 'announced', { remote: c.peer, ...st, on: [`${name}:${c.connectionId}`], onOpen: true });
    });
    p.on('connection', hook);
    for (const d of H.dataConns(name)) if (!d.open) hook(H.conns[d.key]);
    H.speaking = H.speaking || {};
    H.speaking[name] = hook;
    return true;
  };

  /** H.connectData that also announces on open when `name` speaks the track-state format. */
  H.connectControl = (from, to, opts = { label: 'peerjs-room', serialization: 'binary', reliable: true }) => {
    const key = H.connectData(from, to, opts);
    if (H.speaking && H.speaking[from]) H.speaking[from](H.conns[key]);
    return key;
  };

  // --- remote picture and sound, measured -----------------------------------

  const lumaCanvas = document.createElement('canvas');
  lumaCanvas.width = 64;
  lumaCanvas.height = 48;

  /** Luma (BT.601, 0..255) of the remote video of `key` right now: {mean, min, max, w, h}. */
  H.videoLuma = (key) => {
    const m = H.media[key];
    if (!m || !m.video.videoWidth) return null;
    const ctx = lumaCanvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(m.video, 0, 0, lumaCanvas.width, lumaCanvas.height);
    const px = ctx.getImageData(0, 0, lumaCanvas.width, lumaCanvas.height).data;
    let sum = 0, min = 255, max = 0;
    const n = px.length / 4;
    for (let i = 0; i < px.length; i += 4) {
      const y = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      sum += y;
      if (y < min) min = y;
      if (y > max) max = y;
    }
    return { mean: Math.round((sum / n) * 10) / 10, min: Math.round(min), max: Math.round(max),
      w: m.video.videoWidth, h: m.video.videoHeight, frames: m.frames };
  };

  /**
   * Over `ms` milliseconds, sample the remote video's luma (every 100 ms) and
   * the remote audio's RMS (every 20 ms, the analyser's last 2048 samples):
   * {luma: {min, max, mean of the means, n}, rms: {min, max, mean, n}, frames}.
   */
  H.mediaWindow = (key, ms = 1000) => new Promise((resolve) => {
    const m = H.media[key];
    const out = { luma: { min: Infinity, max: -Infinity, sum: 0, n: 0 },
      rms: { min: Infinity, max: -Infinity, sum: 0, n: 0 }, frames0: m ? m.frames : 0 };
    const add = (o, x) => { o.n++; o.sum += x; if (x < o.min) o.min = x; if (x > o.max) o.max = x; };
    const buf = new Float32Array(2048);
    const a = setInterval(() => {
      const mm = H.media[key];
      if (!mm || !mm.audio) return;
      mm.audio.analyser.getFloatTimeDomainData(buf);
      let s = 0;
      for (let i = 0; i < buf.length; i++) s += buf[i] * buf[i];
      add(out.rms, Math.sqrt(s / buf.length));
    }, 20);
    const v = setInterval(() => { const l = H.videoLuma(key); if (l) add(out.luma, l.mean); }, 100);
    setTimeout(() => {
      clearInterval(a);
      clearInterval(v);
      const fin = (o, digits) => (o.n ? { min: +o.min.toFixed(digits), max: +o.max.toFixed(digits),
        mean: +(o.sum / o.n).toFixed(digits), n: o.n } : { n: 0 });
      const mm = H.media[key];
      resolve({ luma: fin(out.luma, 1), rms: fin(out.rms, 4), frames: (mm ? mm.frames : 0) - out.frames0 });
    }, ms);
  });

  H.destroy = (name) => { const p = H.peers[name]; if (p && !p.destroyed) p.destroy(); };

  log('harness ready, peerjs', typeof window.peerjs, window.peerjs && typeof window.peerjs.Peer);
})();
