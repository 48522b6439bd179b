#!/usr/bin/python3
"""A room member that chats over PeerJS DataConnections and follows the
other members' camera/mic state.

    GST_PLUGIN_PATH=build/ext/peerjs /usr/bin/python3 examples/python/data.py \\
        --server ws://127.0.0.1:9000/ --peer-id p1 --peers p2

Run it twice (p1/p2), or against a browser page that uses stock `peerjs`.
It shows both ways an application receives data:

- the `peerjs-data` element message on the bus (JSON text, or bytes),
- the `data-received` signal (a GLib.Variant, on a streaming thread),

and sends with the `send-json` and `send-data` action signals. Every
--toggle seconds it switches its camera and mic off and on
(`video-enabled`/`audio-enabled`): the other members see black/silence and
get a `peerjs-track-state` message.
"""
import argparse
import json
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="ws://127.0.0.1:9000/")
    parser.add_argument("--peer-id", required=True)
    parser.add_argument("--peers", required=True)
    parser.add_argument("--toggle", type=int, default=0, help="seconds between camera/mic toggles (0: never)")
    parser.add_argument("--seconds", type=int, default=0, help="0: run until Ctrl-C")
    args = parser.parse_args()

    Gst.init(None)
    pipeline = Gst.parse_launch(
        f'peerjsroom name=room server={args.server} peer-id="{args.peer_id}" peers="{args.peers}" '
        "videotestsrc is-live=true pattern=smpte ! video/x-raw,width=320,height=240,framerate=15/1 ! room.video_sink "
        "audiotestsrc is-live=true volume=0.2 ! room.audio_sink"
    )
    room = pipeline.get_by_name("room")
    loop = GLib.MainLoop()

    # media pads: discard them here (examples/python/room_member.py shows them)
    def on_pad_added(_room, pad):
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("async", False)
        pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))

    room.connect("pad-added", on_pad_added)

    # the streaming-side way: a GLib.Variant (called from a webrtcbin thread)
    def on_data_received(_room, peer_id, connection_id, label, serialization, value):
        print(f"[signal] {peer_id} ({serialization}): {value.unpack()!r}", flush=True)

    room.connect("data-received", on_data_received)

    def on_message(_bus, msg):
        if msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            print("error:", err.message, file=sys.stderr)
            loop.quit()
            return
        if msg.type != Gst.MessageType.ELEMENT:
            return
        s = msg.get_structure()
        name = s.get_name()
        if name == "peerjs-data":
            if s.has_field("json"):
                print(f"[bus] {s.get_string('peer-id')}: {json.loads(s.get_string('json'))!r}", flush=True)
            else:
                buf = s.get_value("data")
                print(f"[bus] {s.get_string('peer-id')}: {buf.get_size()} bytes", flush=True)
        elif name == "peerjs-data-connection" and s.get_string("state") == "open":
            peer = s.get_string("peer-id")
            print(f"data connection {s.get_string('connection-id')} with {peer} open "
                  f"({s.get_string('serialization')}, label {s.get_string('label')})", flush=True)
            if s.get_string("reason") == "control":
                room.emit("send-json", peer, json.dumps({"chat": f"hello {peer}, {args.peer_id} here"}))
                room.emit("send-data", peer, GLib.Variant("ay", b"\x00\x01\x02 raw bytes"))
                room.emit("send-data", peer, GLib.Variant("a{sv}", {
                    "score": GLib.Variant("i", 42), "players": GLib.Variant("as", [args.peer_id, peer])}))
        elif name == "peerjs-track-state":
            print(f"{s.get_string('peer-id')}: camera {'on' if s.get_value('video-enabled') else 'off'}, "
                  f"mic {'on' if s.get_value('audio-enabled') else 'off'} ({s.get_string('source')})", flush=True)
        elif name == "peerjs-error":
            print(f"peerjs-error {s.get_string('type')}: {s.get_string('message')}", flush=True)

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)

    if args.toggle:
        def toggle():
            on = not room.get_property("video-enabled")
            room.set_property("video-enabled", on)
            room.set_property("audio-enabled", on)
            print(f"my camera and mic: {'on' if on else 'off'}", flush=True)
            return True

        GLib.timeout_add_seconds(args.toggle, toggle)
    if args.seconds:
        GLib.timeout_add_seconds(args.seconds, loop.quit)

    pipeline.set_state(Gst.State.PLAYING)
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    pipeline.set_state(Gst.State.NULL)


if __name__ == "__main__":
    main()
