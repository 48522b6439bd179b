// A browser member of a gst-peerjs room with stock `peerjs` (1.5.x), no build
// step: index.html loads peerjs.min.js (window.peerjs) and this file.
//
//   http://127.0.0.1:8080/?host=127.0.0.1&port=9000&path=/&id=web1&peers=p1,p2
//
// host/port/path/key: the PeerJS server, as `new Peer({host, port, path, key})`;
// id: ours (none: the server picks one); peers: the other members (none: we
// answer anyone who calls). What the room expects of a member:
//  - media: one PeerJS call per pair of members, our camera+mic both ways.
//    peerjsroom's default call-policy=lower-id-calls: the lower ID calls, the
//    other answers (docs/elements.md).
//  - track state (docs/track-state.md): {"type":"track-state","videoEnabled":…,
//    "audioEnabled":…} as a normal data value on a DataConnection with the
//    member, on connect and on every change. The *control* DataConnection
//    (label peerjs-room, binary, reliable) is opened by the member that made
//    the call; the answerer opens it itself after 3 s without one.
'use strict';

const q = new URLSearchParams(location.search);
const SERVER = {
  host: q.get('host') || location.hostname,
  port: Number(q.get('port') || 9000),
  path: q.get('path') || '/',
  key: q.get('key') || 'peerjs',
};
const MY_ID = q.get('id') || undefined;
const PEERS = (q.get('peers') || '').split(',').map((s) => s.trim()).filter((s) => s && s !== MY_ID);
const CONTROL = { label: 'peerjs-room', serialization: 'binary', reliable: true };
const CONTROL_GRACE_MS = 3000;   // the 3 s rule of docs/track-state.md
const RETRY_MS = 3000;           // call again after a failed or lost call

const local = { videoEnabled: true, audioEnabled: true };   // what we announce
const members = new Map();       // member ID -> {id, tile, call, caller, conns: Set, …}
let stream = null;
let peer = null;

const $ = (sel, el = document) => el.querySelector(sel);
const setStatus = (text) => { $('#status').textContent = text; console.log(text); };

// peerjsroom compares IDs byte by byte (strcmp on UTF-8); PeerJS IDs are
// ASCII in practice, where this is plain `a < b`.
function isLower(a, b) {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i];
  return x.length < y.length;
}

// --- the grid -----------------------------------------------------------------

function makeTile(id, label) {
  const el = document.createElement('div');
  el.className = 'tile';
  el.dataset.peer = id;
  el.innerHTML = '<video autoplay playsinline muted></video><audio autoplay></audio>' +
    '<div class="announced"></div><div class="label"><span class="id"></span>' +
    '<span class="cam" data-state="unknown">camera ?</span><span class="mic" data-state="unknown">mic ?</span></div>';
  $('.id', el).textContent = label;
  $('#grid').append(el);
  return el;
}

/** Show a camera/mic state on a tile (true/false, or null: not announced yet). */
function showState(el, videoEnabled, audioEnabled) {
  const put = (sel, name, on) => {
    $(sel, el).dataset.state = on === null ? 'unknown' : on ? 'on' : 'off';
    $(sel, el).textContent = `${name} ${on === null ? '?' : on ? 'on' : 'off'}`;
  };
  put('.cam', 'camera', videoEnabled);
  put('.mic', 'mic', audioEnabled);
}

function showStream(m, remote) {
  const video = $('video', m.tile), audio = $('audio', m.tile);
  if (video.srcObject === remote) return;      // peerjs emits 'stream' once per track
  video.srcObject = remote;                    // muted: autoplays without a click
  audio.srcObject = remote;                    // the sound: may wait for a click (autoplay policy)
  video.play().catch(() => {});
  audio.play().catch(() => setStatus('click anywhere to hear the others'));
}
document.addEventListener('click', () => {
  for (const a of document.querySelectorAll('audio')) if (a.srcObject && a.paused) a.play().catch(() => {});
});

/** The member `id` (created on first use); null for a stranger when `peers` is set. */
function member(id) {
  if (!members.has(id)) {
    if (PEERS.length && !PEERS.includes(id)) return null;
    members.set(id, { id, tile: makeTile(id, id), call: null, caller: false, gotStream: false,
      conns: new Set(), controlTimer: null, retryTimer: null });
  }
  return members.get(id);
}

// --- track state: announce ours, show theirs ----------------------------------

function announce(conn) {
  // `raw` would send the object as is, which the room does not understand
  if (conn.open && conn.serialization !== 'raw')
    conn.send({ type: 'track-state', videoEnabled: local.videoEnabled, audioEnabled: local.audioEnabled });
}

/** Follow a DataConnection with member m (ours or theirs): announce on open, read theirs. */
function track(m, conn) {
  m.conns.add(conn);
  conn.on('open', () => {
    console.log(`data connection ${conn.label} with ${m.id} open`);
    announce(conn);
  });
  conn.on('data', (v) => {
    if (!v || typeof v !== 'object' || v.type !== 'track-state') return;   // application data
    console.log(`${m.id} announces ${JSON.stringify(v)}`);
    // a missing field counts as true
    showState(m.tile, v.videoEnabled !== false, v.audioEnabled !== false);
    $('.announced', m.tile).textContent = JSON.stringify(v);
  });
  conn.on('close', () => m.conns.delete(conn));
  conn.on('error', (e) => console.warn(`data connection with ${m.id}: ${e.type || ''} ${e.message || e}`));
}

function openControl(m) {
  if (m.conns.size === 0) track(m, peer.connect(m.id, CONTROL));
}

// the camera and mic buttons: what any browser app does (track.enabled: the
// other side gets black frames / silence, no renegotiation) plus the announcement
function setLocal(kind, on) {
  const tracks = kind === 'video' ? stream.getVideoTracks() : stream.getAudioTracks();
  tracks.forEach((t) => { t.enabled = on; });
  local[`${kind}Enabled`] = on;
  const button = $(kind === 'video' ? '#camera' : '#mic');
  button.setAttribute('aria-pressed', String(on));
  button.textContent = `${kind === 'video' ? 'Camera' : 'Mic'} ${on ? 'on' : 'off'}`;
  showState($('.tile[data-local]'), local.videoEnabled, local.audioEnabled);
  for (const m of members.values()) m.conns.forEach(announce);
}
$('#camera').onclick = () => setLocal('video', !local.videoEnabled);
$('#mic').onclick = () => setLocal('audio', !local.audioEnabled);

// --- media calls --------------------------------------------------------------

function useCall(m, mc, caller) {
  const old = m.call;
  Object.assign(m, { call: mc, caller, gotStream: false });
  if (old) old.close();                        // its 'close' sees m.call !== old: no retry
  mc.on('stream', (remote) => {
    m.gotStream = true;
    showStream(m, remote);
    setStatus(`${peer.id} with ${[...members.values()].filter((x) => x.call && x.gotStream).map((x) => x.id).join(', ')}`);
    if (caller) {
      openControl(m);                          // the caller opens the control connection
    } else if (!m.controlTimer) {
      // we answered: the caller should open it; if it did not within 3 s, we do
      m.controlTimer = setTimeout(() => { m.controlTimer = null; if (m.call === mc) openControl(m); },
        CONTROL_GRACE_MS);
    }
  });
  mc.on('close', () => {
    if (m.call !== mc) return;                 // replaced
    m.call = null;
    $('video', m.tile).srcObject = null;
    $('audio', m.tile).srcObject = null;
    if (caller) scheduleCall(m);               // it left or never answered: try again
  });
  mc.on('error', (e) => console.warn(`call with ${m.id}: ${e.type || ''} ${e.message || e}`));
}

function callMember(m) {
  if (peer.destroyed || peer.disconnected || (m.call && !m.caller)) return;
  useCall(m, peer.call(m.id, stream), true);
}

function scheduleCall(m) {
  clearTimeout(m.retryTimer);
  m.retryTimer = setTimeout(() => callMember(m), RETRY_MS);
}

// --- start ----------------------------------------------------------------------

async function main() {
  if (!window.peerjs) throw new Error('peerjs.min.js did not load');
  stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
  peer = new peerjs.Peer(MY_ID, { ...SERVER, debug: 1 });
  window.app = { peer, members, local, stream };   // for the console (and the test)

  peer.on('open', (myId) => {                   // again after a reconnect
    if (!$('.tile[data-local]')) {
      const tile = makeTile(myId, `${myId} (me)`);
      tile.dataset.local = '';
      $('video', tile).srcObject = stream;
      showState(tile, local.videoEnabled, local.audioEnabled);
      $('#camera').disabled = $('#mic').disabled = false;
    }
    const calling = [];
    for (const id of PEERS) {
      const m = member(id);
      if (isLower(myId, id) && !m.call) { callMember(m); calling.push(id); }
    }
    setStatus(`registered as ${myId}` + (calling.length ? `; calling ${calling.join(', ')}` : '') +
      (PEERS.length > calling.length ? `; waiting for ${PEERS.filter((id) => !calling.includes(id)).join(', ')} to call` : ''));
  });

  peer.on('call', (mc) => {
    const m = member(mc.peer);
    if (!m) { console.warn(`call from ${mc.peer}, not a member: closed`); mc.close(); return; }
    // both called (glare): the call of the lower ID wins, as in peerjsroom
    if (m.call && m.caller && isLower(peer.id, mc.peer)) { mc.close(); return; }
    useCall(m, mc, false);
    mc.answer(stream);
  });

  peer.on('connection', (conn) => {
    const m = member(conn.peer);
    if (!m) { conn.close(); return; }
    track(m, conn);                            // the member's control connection (or any other)
  });

  peer.on('error', (e) => {
    setStatus(`${e.type}: ${e.message}`);
    // a member we called is not (yet) registered: drop that call, retry later
    const id = e.type === 'peer-unavailable' && /peer (\S+)$/.exec(e.message)?.[1];
    const m = id && members.get(id);
    if (m && m.call && m.caller && !m.gotStream) m.call.close();
  });
  peer.on('disconnected', () => {
    setStatus('lost the server; reconnecting…');
    setTimeout(() => { if (!peer.destroyed) peer.reconnect(); }, RETRY_MS);
  });
}

main().catch((e) => setStatus(`failed: ${e.message || e}`));
