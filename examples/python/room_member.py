#!/usr/bin/python3
"""One member of a PeerJS room with test sources: sends a test pattern and a
tone to every other member, receives theirs, and prints what flows.

    GST_PLUGIN_PATH=build/ext/peerjs /usr/bin/python3 \\
        examples/python/room_member.py --server ws://127.0.0.1:9000/ \\
        --peer-id p1 --peers p2,p3,p4

Every second it prints one line: the frames (video) and buffers (audio)
received from each member so far. Bus messages about members and
connections are printed as they come. With a display (DISPLAY or
WAYLAND_DISPLAY set) and --show, each member's video opens in a window.
"""
import argparse
import os
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

PATTERNS = ["ball", "smpte", "snow", "pinwheel", "spokes", "gamut"]


def build_pipeline(args, index):
    pattern = PATTERNS[index % len(PATTERNS)]
    freq = 330 + 110 * index
    desc = (
        f'peerjsroom name=room server={args.server} peer-id="{args.peer_id}" '
        f'peers="{args.peers}" '
        f"videotestsrc is-live=true pattern={pattern} ! "
        f"video/x-raw,width={args.width},height={args.height},framerate=30/1 ! "
        f"timeoverlay ! room.video_sink "
        f"audiotestsrc is-live=true wave=sine freq={freq} volume=0.2 ! room.audio_sink"
    )
    return Gst.parse_launch(desc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="ws://127.0.0.1:9000/")
    parser.add_argument("--peer-id", required=True)
    parser.add_argument("--peers", required=True, help="the other members, comma-separated")
    parser.add_argument("--index", type=int, default=0, help="picks the test pattern and tone")
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--seconds", type=int, default=0, help="0: run until Ctrl-C")
    parser.add_argument("--show", action="store_true", help="windows when a display exists")
    args = parser.parse_args()

    Gst.init(None)
    pipeline = build_pipeline(args, args.index)
    room = pipeline.get_by_name("room")
    show = args.show and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    counts = {}
    lock = threading.Lock()

    def count(pad, info):
        with lock:
            counts[pad.get_name()] = counts.get(pad.get_name(), 0) + 1
        return Gst.PadProbeReturn.OK

    def on_pad_added(element, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        is_video = pad.get_name().startswith("video_")
        if is_video and show:
            sink = Gst.parse_bin_from_description(
                "queue ! videoconvert ! autovideosink sync=false", True)
        else:
            sink = Gst.ElementFactory.make("fakesink")
            sink.set_property("sync", False)
            sink.set_property("async", False)
        pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))
        pad.add_probe(Gst.PadProbeType.BUFFER, count)
        print(f"{args.peer_id}: new pad {pad.get_name()} "
              f"(member {pad.get_property('peer-id')!r})", flush=True)

    room.connect("pad-added", on_pad_added)
    loop = GLib.MainLoop()
    status = {"code": 0}

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s.get_name().startswith("peerjs-"):
                print(f"{args.peer_id}: {s.to_string()}", flush=True)
        elif msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            print(f"{args.peer_id}: error: {err.message}", file=sys.stderr, flush=True)
            status["code"] = 1
            loop.quit()

    def report():
        with lock:
            line = ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
        print(f"{args.peer_id} received: {line or 'nothing yet'}", flush=True)
        return True

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    pipeline.set_state(Gst.State.PLAYING)
    GLib.timeout_add_seconds(1, report)
    if args.seconds:
        GLib.timeout_add_seconds(args.seconds, loop.quit)
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    pipeline.set_state(Gst.State.NULL)
    return status["code"]


if __name__ == "__main__":
    sys.exit(main())
