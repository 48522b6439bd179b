#!/usr/bin/env python3
"""Writes the seed corpora of the signalling and server fuzz targets,
tests/fuzz/corpus/{signalling,server}/: a valid message of every type of
the PeerJS protocol (as peer@1.0.2 relays them and peerjs@1.5.5 sends
them, /work/shared/docs/peerjs-protocol.md sections 2 and 6) plus edge
cases. The files are committed; rerun after changing this script:

    python3 tests/fuzz/make-corpus-signalling.py

Formats: signalling/ u8 flags, then frames separated by NUL bytes
(fuzz-signalling.c); server/ records of u8 op, u16 big-endian length,
bytes (fuzz-server.c)."""
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

SDP_OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
SDP_ANSWER = SDP_OFFER
CAND = {"candidate": "candidate:448721621 1 udp 2122260223 127.0.0.1 34995 "
        "typ host generation 0 ufrag xZVE network-id 1 network-cost 50",
        "sdpMid": "0", "sdpMLineIndex": 0, "usernameFragment": "xZVE"}


def j(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


# What a client sends (no src) ...
SENT = {
    "offer-media": {"type": "OFFER", "payload": {
        "sdp": {"sdp": SDP_OFFER, "type": "offer"}, "type": "media",
        "connectionId": "mc_opnlqjng8p9", "metadata": {"m": 1}}, "dst": "bob"},
    "offer-data": {"type": "OFFER", "payload": {
        "sdp": {"sdp": SDP_OFFER, "type": "offer"}, "type": "data",
        "connectionId": "dc_idoccmdfudo", "metadata": {"x": 1},
        "label": "chat", "reliable": True, "serialization": "json"},
        "dst": "bob"},
    "offer-data-binary": {"type": "OFFER", "payload": {
        "sdp": {"type": "offer", "sdp": SDP_OFFER}, "type": "data",
        "connectionId": "dc_xyz789", "label": "dc_xyz789",
        "reliable": False, "serialization": "binary"}, "dst": "bob"},
    "answer-media": {"type": "ANSWER", "payload": {
        "sdp": {"sdp": SDP_ANSWER, "type": "answer"}, "type": "media",
        "connectionId": "mc_opnlqjng8p9"}, "dst": "alice"},
    "answer-data": {"type": "ANSWER", "payload": {
        "sdp": {"type": "answer", "sdp": SDP_ANSWER}, "type": "data",
        "connectionId": "dc_xyz789"}, "dst": "alice"},
    "candidate": {"type": "CANDIDATE", "payload": {
        "candidate": CAND, "type": "media",
        "connectionId": "mc_opnlqjng8p9"}, "dst": "bob"},
    "candidate-data": {"type": "CANDIDATE", "payload": {
        "candidate": dict(CAND, sdpMid=None, sdpMLineIndex=None),
        "type": "data", "connectionId": "dc_xyz789"}, "dst": "alice"},
    "leave-dst": {"type": "LEAVE", "dst": "bob"},
    "leave": {"type": "LEAVE"},
    "expire": {"type": "EXPIRE", "dst": "bob"},
    "heartbeat": {"type": "HEARTBEAT"},
}


def relayed(name, src="alice"):
    """The frame the server relays: src stamped, type/src/dst/payload."""
    m = SENT[name]
    out = {"type": m["type"], "src": src}
    if "dst" in m:
        out["dst"] = m["dst"]
    if "payload" in m:
        out["payload"] = m["payload"]
    return j(out)


# ... and what a server sends a client
SERVER_FRAMES = {
    "open": b'{"type":"OPEN"}',
    "error-credentials": j({"type": "ERROR", "payload": {
        "msg": "No id, token, or key supplied to websocket server"}}),
    "error-key": j({"type": "ERROR", "payload": {"msg": "Invalid key provided"}}),
    "id-taken": j({"type": "ID-TAKEN", "payload": {"msg": "ID is taken"}}),
    "invalid-key": j({"type": "INVALID-KEY", "payload": {"msg": "bad"}}),
    "error-limit": j({"type": "ERROR", "payload": {
        "msg": "Server has reached its concurrent user limit"}}),
    "error-too-large": j({"type": "ERROR", "payload": {"msg": "Message too large"}}),
    "heartbeat": b'{"type":"HEARTBEAT"}',
    "offer-media": relayed("offer-media"),
    "offer-data": relayed("offer-data"),
    "offer-data-binary": relayed("offer-data-binary"),
    "answer-media": relayed("answer-media", "bob"),
    "answer-data": relayed("answer-data", "bob"),
    "candidate": relayed("candidate"),
    "candidate-data": relayed("candidate-data", "bob"),
    "leave": j({"type": "LEAVE", "src": "alice", "dst": "bob"}),
    "expire": j({"type": "EXPIRE", "src": "dave", "dst": "alice"}),
}

# malformed, wrong types, limits
EDGE = {
    "empty": b"",
    "not-json": b"hello",
    "truncated": relayed("offer-media")[:40],
    "array": b"[]",
    "string": b'"OPEN"',
    "null": b"null",
    "number": b"1e400",
    "object-empty": b"{}",
    "type-number": b'{"type":1}',
    "type-null": b'{"type":null}',
    "type-unknown": b'{"type":"FOO","src":"x","payload":{"a":1}}',
    "type-lowercase": b'{"type":"offer"}',
    "offer-no-payload": b'{"type":"OFFER","src":"alice","dst":"bob"}',
    "offer-payload-array": b'{"type":"OFFER","src":"alice","payload":[]}',
    "offer-sdp-number": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": 5, "type": "offer"}, "type": "media",
        "connectionId": "mc_1"}}),
    "offer-sdp-type-answer": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": SDP_OFFER, "type": "answer"}, "type": "media",
        "connectionId": "mc_1"}}),
    "offer-garbage-sdp": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": "\u0000garbage\ud7ff\r\n", "type": "offer"},
        "type": "media", "connectionId": "mc_1"}}),
    "offer-type-other": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": SDP_OFFER, "type": "offer"}, "type": "video",
        "connectionId": "mc_1"}}),
    "offer-connid-bad-chars": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": SDP_OFFER, "type": "offer"}, "type": "media",
        "connectionId": "mc/../\n"}}),
    "offer-connid-long": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": SDP_OFFER, "type": "offer"}, "type": "media",
        "connectionId": "c" * 129}}),
    "offer-connid-empty": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": SDP_OFFER, "type": "offer"}, "type": "media",
        "connectionId": ""}}),
    "offer-reliable-string": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": SDP_OFFER, "type": "offer"}, "type": "data",
        "connectionId": "dc_1", "reliable": "yes", "label": 5}}),
    "src-long": j({"type": "LEAVE", "src": "a" * 300, "dst": "bob"}),
    "src-bad-id": j({"type": "LEAVE", "src": " -bad id-", "dst": "bob"}),
    "src-number": b'{"type":"LEAVE","src":7,"dst":"bob"}',
    "candidate-no-candidate": j({"type": "CANDIDATE", "src": "bob", "payload": {
        "type": "media", "connectionId": "mc_1"}}),
    "candidate-mline-negative": j({"type": "CANDIDATE", "src": "bob", "payload": {
        "candidate": dict(CAND, sdpMLineIndex=-1), "type": "media",
        "connectionId": "mc_1"}}),
    "candidate-mline-huge": j({"type": "CANDIDATE", "src": "bob", "payload": {
        "candidate": dict(CAND, sdpMLineIndex=4294967296), "type": "media",
        "connectionId": "mc_1"}}),
    "candidate-mline-float": b'{"type":"CANDIDATE","src":"bob","payload":'
    b'{"candidate":{"candidate":"c","sdpMLineIndex":0.5},"type":"media",'
    b'"connectionId":"mc_1"}}',
    "error-no-msg": b'{"type":"ERROR"}',
    "error-msg-object": b'{"type":"ERROR","payload":{"msg":{"a":1}}}',
    "duplicate-keys": b'{"type":"OPEN","type":"OFFER","src":"a","src":"b"}',
    "escapes": b'{"type":"LEAVE","src":"\\u0061lice","dst":"b\\u00f6b"}',
    "nul-escape": b'{"type":"LEAVE","src":"al\\u0000ice","dst":"bob"}',
    "lone-surrogate": b'{"type":"LEAVE","src":"\\ud800","dst":"bob"}',
    "invalid-utf8": b'{"type":"LEAVE","src":"\xff\xfe","dst":"bob"}',
    "deep": b'{"type":"OFFER","payload":' + b"[" * 2000 + b"]" * 2000 + b"}",
    "metadata-deep": b'{"type":"OFFER","src":"alice","payload":{"sdp":{"sdp":"v=0",'
    b'"type":"offer"},"type":"media","connectionId":"mc_1","metadata":'
    + b'{"a":' * 200 + b"1" + b"}" * 200 + b"}}",
    "big": j({"type": "OFFER", "src": "alice", "payload": {
        "sdp": {"sdp": "a=x\r\n" * 400, "type": "offer"}, "type": "media",
        "connectionId": "mc_big"}}),
    "trailing-garbage": b'{"type":"OPEN"} {"type":"OPEN"}',
    "whitespace": b' \n\t{ "type" : "OPEN" } \n',
}


def write(target, entries):
    d = os.path.join(HERE, "corpus", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in entries.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print("%s: %d files" % (target, len(entries)))


# --- signalling: u8 flags, frames separated by NUL ----------------------

SMALL, AWAIT, ONCE, HANDLE, CLAIM = 1, 2, 4, 8, 16
sig = {}
for name, frame in SERVER_FRAMES.items():
    sig["msg-" + name] = bytes([0]) + frame
    sig["await-" + name] = bytes([AWAIT]) + frame
for name, frame in EDGE.items():
    sig["edge-" + name] = bytes([0]) + frame
sig["small-big"] = bytes([SMALL]) + EDGE["big"]
sig["small-offer"] = bytes([SMALL | AWAIT]) + SERVER_FRAMES["offer-media"]
seq = [SERVER_FRAMES[n] for n in ("open", "heartbeat", "offer-media",
                                  "answer-media", "candidate",
                                  "candidate-data", "answer-data", "leave",
                                  "expire", "error-too-large")]
sig["seq-unclaimed-claimed"] = bytes([AWAIT | CLAIM]) + b"\0".join(seq)
sig["seq-unclaimed-swept"] = bytes([AWAIT]) + b"\0".join(seq)
sig["seq-handled"] = bytes([AWAIT | HANDLE | CLAIM]) + b"\0".join(seq)
sig["seq-takeover"] = bytes([AWAIT | ONCE | CLAIM]) + b"\0".join(
    [SERVER_FRAMES["candidate"], SERVER_FRAMES["answer-media"]])
sig["seq-refused-then"] = bytes([AWAIT]) + b"\0".join(
    [SERVER_FRAMES["id-taken"], SERVER_FRAMES["offer-media"]])
sig["seq-error-while-open"] = bytes([0]) + b"\0".join(
    [SERVER_FRAMES["error-too-large"], EDGE["not-json"],
     EDGE["type-unknown"], SERVER_FRAMES["candidate"]])
sig["seq-candidate-flood"] = bytes([CLAIM]) + b"\0".join(
    [SERVER_FRAMES["candidate"]] * 40)
write("signalling", sig)


# --- server: records u8 op, u16 BE length, bytes ------------------------

def rec(op, data=b""):
    return struct.pack(">BH", op, len(data)) + data


ALICE, BOB = 0, 1  # the sockets registered first


def text(sock, frame):
    return rec(sock << 3 | 0, frame)


def binary(sock, frame):
    return rec(sock << 3 | 3, frame)


def connect(query):
    return rec(4, query.encode() if isinstance(query, str) else query)


def close(sock):
    return rec(sock << 3 | 5)


TICK = rec(6)


def heartbeat(sock):
    return rec(sock << 3 | 7)


srv = {}
for name, m in SENT.items():
    srv["alice-" + name] = text(ALICE, j(m))
    srv["bob-" + name] = text(BOB, j(m))
srv["relay-call"] = b"".join([
    text(ALICE, j(SENT["offer-media"])), text(ALICE, j(SENT["candidate"])),
    text(BOB, j(SENT["answer-media"])), heartbeat(ALICE), heartbeat(BOB)])
srv["binary-offer"] = binary(ALICE, j(SENT["offer-media"]))
srv["spoofed-src"] = text(ALICE, j(dict(SENT["offer-media"], src="bob")))
srv["to-self"] = text(ALICE, j(dict(SENT["offer-media"], dst="alice")))
absent = dict(SENT["offer-media"], dst="carol")
srv["queue-then-register"] = b"".join(
    [text(ALICE, j(absent))] * 5 + [
        text(BOB, j(dict(SENT["candidate"], dst="carol"))),
        connect("key=peerjs&id=carol&token=tc&version=1.5.5")])
srv["queue-then-expire"] = b"".join(
    [text(ALICE, j(dict(SENT["offer-media"], dst="dave"))),
     text(BOB, j(dict(SENT["offer-media"], dst="dave"))), TICK, TICK])
srv["queues-over-limit"] = b"".join(
    text(ALICE, j(dict(SENT["offer-media"], dst="x%d" % i))) for i in range(6))
srv["leave-expire-absent"] = b"".join(
    [text(ALICE, j(dict(SENT["leave-dst"], dst="nobody"))),
     text(ALICE, j(dict(SENT["expire"], dst="nobody")))])
srv["takeover"] = b"".join(
    [connect("key=peerjs&id=alice&token=ta"), text(BOB,
                                                    j(SENT["answer-media"])),
     text(2, j(SENT["offer-media"])), text(ALICE, j(SENT["offer-media"])),
     close(ALICE), close(2)])
srv["squat-wrong-token"] = b"".join(
    [connect("key=peerjs&id=alice&token=wrong"),
     text(2, j(SENT["offer-media"]))])
srv["squat-after-close"] = b"".join(
    [close(ALICE), connect("key=peerjs&id=alice&token=mallory"),
     text(BOB, j(SENT["answer-media"]))])
srv["bad-key"] = connect("key=wrong&id=eve&token=te")
srv["no-credentials"] = b"".join([connect(""), connect("key=peerjs&id=eve"),
                                  connect("id=eve&token=te"),
                                  text(2, j(SENT["offer-media"]))])
srv["concurrent-limit"] = b"".join(
    [connect("key=peerjs&id=c%d&token=t" % i) for i in range(4)]
    + [text(5, j(SENT["offer-media"]))])
srv["unregistered-bound"] = b"".join(
    [connect("key=peerjs&id=u%d&token=t" % i) for i in range(2)]
    + [text(s, j(SENT["leave"])) for s in range(4)]
    + [text(s, j(SENT["offer-media"])) for s in range(4)])
srv["leave-then-relay"] = b"".join(
    [text(ALICE, j(SENT["leave"])), text(ALICE, j(SENT["offer-media"])),
     connect("key=peerjs&id=alice&token=new"), text(BOB,
                                                     j(SENT["answer-media"]))])
srv["query-decoding"] = b"".join(
    [connect("key=peer%6As&id=a+b%20c&token=%FF%FE"),
     connect("key=peerjs&id=%zz&token=%&&=x&id=dup"),
     connect(b"key=peerjs&id=\xff\xfe&token=t"),
     text(2, j(dict(SENT["offer-media"], dst="a b c")))])
srv["close-all"] = b"".join([close(ALICE), close(BOB), TICK,
                             text(ALICE, j(SENT["offer-media"]))])
srv["oversize"] = text(ALICE, j(dict(SENT["offer-media"], payload={
    "sdp": {"sdp": "a=x\r\n" * 80, "type": "offer"}, "type": "media",
    "connectionId": "mc_big"})))
srv["oversize-binary"] = binary(BOB, b"\0" * 4000)
for name, frame in EDGE.items():
    if len(frame) < 60000:
        srv["edge-" + name] = text(ALICE, frame)
write("server", srv)
