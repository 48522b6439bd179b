#!/usr/bin/python3
# One member's link with netem-like impairment, in user space, for
# slow-netem.sh.
#
# Why not `tc qdisc … netem`: the kernels these tests run on (the CI and
# development VMs) are built without sch_netem (and without the tc
# classifiers/actions that could drop packets at random); tbf and htb are
# there, so the rate cap of slow-netem.sh is the kernel's tbf. Loss, delay
# and jitter are done here, the way netem does them:
#
#   - loss: each frame is dropped with probability loss/100;
#   - delay + jitter: each frame is sent delay + uniform(-jitter, +jitter) ms
#     after it arrived; frames are sent in the order of those times, so
#     jitter reorders, as netem's tfifo does.
#
#   netem-link.py MEMBER_TAP BRIDGE_TAP CONTROL_FILE
#
# creates two tap devices in the current network namespace: MEMBER_TAP (the
# caller moves it into the member's namespace: it is the member's only
# interface) and BRIDGE_TAP (the caller enslaves it to the hub's bridge), and
# copies Ethernet frames between them. Taps without IFF_VNET_HDR get frames
# with their checksums done and no GSO, so frames can be copied as they are.
# The taps go away with this process.
#
# CONTROL_FILE (re-read when it changes) is JSON:
#   {"out": {"loss": 5, "delay": 50, "jitter": 10}, "in": {...}}
# "out" = frames the member sends (what netem on the member's interface
# shapes), "in" = frames to the member. Missing values are 0.
#
# stdout: {"ev":"ready"} once both taps exist, then every 5 s and after
# each change {"ev":"stats","out":{"frames":N,"dropped":N},"in":{…},"conf":…}.

import fcntl
import heapq
import json
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def out(ev, **kw):
    sys.stdout.write(json.dumps({"ev": ev, "t": round(time.time() * 1000), **kw}) + "\n")
    sys.stdout.flush()


def main():
    member_name, bridge_name, control = sys.argv[1:4]
    member = open_tap(member_name)
    bridge = open_tap(bridge_name)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    # direction name -> (read fd, write fd)
    dirs = {"out": (member, bridge), "in": (bridge, member)}
    conf = {"out": {}, "in": {}}
    counts = {d: {"frames": 0, "dropped": 0} for d in dirs}
    queue = []  # (send at, seq, write fd, frame)
    seq = 0
    mtime = None
    next_stats = time.monotonic() + 5
    out("ready", member=member_name, bridge=bridge_name)

    while True:
        now = time.monotonic()
        try:
            m = os.stat(control).st_mtime_ns
        except OSError:
            m = None
        if m != mtime:
            mtime = m
            try:
                with open(control) as f:
                    c = json.load(f)
                conf = {d: dict(c.get(d) or {}) for d in dirs}
            except (OSError, ValueError):
                conf = {"out": {}, "in": {}}
            out("stats", conf=conf, **counts)
        if now >= next_stats:
            next_stats = now + 5
            out("stats", conf=conf, **counts)

        timeout = 0.1
        if queue:
            timeout = max(0.0, min(timeout, queue[0][0] - now))
        r, _, _ = select.select([member, bridge], [], [], timeout)
        now = time.monotonic()
        for d, (rfd, wfd) in dirs.items():
            if rfd not in r:
                continue
            for _ in range(64):  # drain what is there, bounded
                try:
                    frame = os.read(rfd, 65536)
                except BlockingIOError:
                    break
                except OSError:  # the tap is down (e.g. its namespace went away)
                    break
                counts[d]["frames"] += 1
                c = conf[d]
                if c.get("loss", 0) > 0 and random.random() * 100 < c["loss"]:
                    counts[d]["dropped"] += 1
                    continue
                delay = c.get("delay", 0) + random.uniform(-1, 1) * c.get("jitter", 0)
                seq += 1
                heapq.heappush(queue, (now + max(0.0, delay) / 1000.0, seq, wfd, frame))
        while queue and queue[0][0] <= now:
            _, _, wfd, frame = heapq.heappop(queue)
            try:
                os.write(wfd, frame)
            except OSError:  # interface down or its queue full: dropped, as a wire would
                pass


if __name__ == "__main__":
    main()
