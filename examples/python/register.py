#!/usr/bin/python3
"""Registers a peerjsroom on a PeerJS server from a PyGObject application
and follows its bus messages: peerjs-open, peerjs-error and fatal errors.

    GST_PLUGIN_PATH=build/ext/peerjs /usr/bin/python3 examples/python/register.py \
        --server ws://127.0.0.1:9000/ --peer-id alice --seconds 10
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="ws://127.0.0.1:9000/")
    parser.add_argument("--peer-id", default="")
    parser.add_argument("--seconds", type=int, default=0,
                        help="stop after this long (0: run until Ctrl-C)")
    args = parser.parse_args()

    Gst.init(None)
    pipeline = Gst.Pipeline.new()
    room = Gst.ElementFactory.make("peerjsroom")
    if room is None:
        sys.exit("peerjsroom not found: set GST_PLUGIN_PATH to the plugin's directory")
    room.set_property("server", args.server)
    room.set_property("peer-id", args.peer_id)
    pipeline.add(room)

    loop = GLib.MainLoop()
    status = {"code": 0}

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s.has_name("peerjs-open"):
                print(f"registered as {s.get_string('peer-id')!r}"
                      f"{' again' if s.get_value('reconnect') else ''}", flush=True)
            elif s.has_name("peerjs-error"):
                print(f"peerjs error ({s.get_string('type')}): {s.get_string('message')}",
                      flush=True)
        elif msg.type == Gst.MessageType.ERROR:
            err, _ = msg.parse_error()
            print(f"fatal: {err.message}", file=sys.stderr, flush=True)
            status["code"] = 1
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    pipeline.set_state(Gst.State.PLAYING)
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
