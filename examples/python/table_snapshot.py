#!/usr/bin/python3
"""PNG snapshots of a PeerJS game table (examples/c/table-snapshot.c in Python).

A peerjssrc with table=true; prints who joins and leaves, camera/mic state,
connection states and the layout; writes table-NNNN.png every --interval s.

    GST_PLUGIN_PATH=build/ext/peerjs /usr/bin/python3 examples/python/table_snapshot.py \
        --server ws://127.0.0.1:9000/ --peers p1,p2 --interval 2 --output-dir /tmp/table
"""
import argparse
import os
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", default="ws://127.0.0.1:9000/")
    ap.add_argument("--peer-id", default="table")
    ap.add_argument("--peers", default="p1,p2,p3,p4")
    ap.add_argument("--labels", default=None, help='"id=Name,id2=Name 2"')
    ap.add_argument("--interval", type=int, default=5, help="seconds between snapshots")
    ap.add_argument("--output-dir", default=".")
    ap.add_argument("--duration", type=int, default=0, help="stop after S seconds (0: Ctrl-C)")
    args = ap.parse_args()

    Gst.init(None)
    os.makedirs(args.output_dir, exist_ok=True)
    pipeline = Gst.parse_launch(
        "peerjssrc name=t table=true "
        "t.table_video ! queue leaky=downstream max-size-buffers=2 ! "
        "valve name=valve drop=true ! videoconvert ! pngenc ! fakesink name=png async=false "
        "t.table_audio ! queue ! fakesink async=false")
    table = pipeline.get_by_name("t")
    table.set_property("server", args.server)
    table.set_property("peer-id", args.peer_id)
    table.set_property("peers", args.peers)
    if args.labels:
        table.set_property("labels", args.labels)
    valve = pipeline.get_by_name("valve")
    count = [0]

    def on_frame(pad, info):
        valve.set_property("drop", True)  # one frame per snapshot
        return Gst.PadProbeReturn.OK

    def on_png(pad, info):
        buf = info.get_buffer()
        ok, m = buf.map(Gst.MapFlags.READ)
        if ok:
            path = os.path.join(args.output_dir, "table-%04d.png" % count[0])
            with open(path, "wb") as f:
                f.write(bytes(m.data))
            buf.unmap(m)
            print("snapshot %s (%d bytes)" % (path, buf.get_size()), flush=True)
            count[0] += 1
        return Gst.PadProbeReturn.DROP

    valve.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, on_frame)
    pipeline.get_by_name("png").get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, on_png)

    loop = GLib.MainLoop()

    def on_message(bus, msg):
        t = msg.type
        if t == Gst.MessageType.ERROR:
            err, _ = msg.parse_error()
            print("error:", err.message, file=sys.stderr)
            loop.quit()
        elif t == Gst.MessageType.LATENCY:
            pipeline.recalculate_latency()
        elif t == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            name = s.get_name()
            if name == "peerjs-open":
                print("registered as", s.get_string("peer-id"))
            elif name == "peerjs-peer-joined":
                print("joined:", s.get_string("peer-id"))
            elif name == "peerjs-peer-left":
                print("left:", s.get_string("peer-id"))
            elif name == "peerjs-track-state":
                print("track state: %s camera %s, mic %s (%s)" % (
                    s.get_string("peer-id"),
                    "on" if s.get_value("video-enabled") else "off",
                    "on" if s.get_value("audio-enabled") else "off",
                    s.get_string("source")))
            elif name == "peerjs-connection-state":
                print("connection:", s.get_string("peer-id"), s.get_string("state"),
                      s.get_string("reason") or "")
            elif name == "peerjs-table-layout":
                tiles = s.get_value("tiles")
                print("layout: %d tile(s)" % len(tiles))
                for tile in tiles:
                    print('  %s "%s" %dx%d at %d,%d%s' % (
                        tile.get_string("peer-id"), tile.get_string("label"),
                        tile.get_value("width"), tile.get_value("height"),
                        tile.get_value("x"), tile.get_value("y"),
                        " (placeholder)" if tile.get_value("placeholder") else ""))
            elif name == "peerjs-error":
                print("peerjs-error: %s: %s" % (s.get_string("type"), s.get_string("message")))
        return True

    bus = pipeline.get_bus()
    bus.add_watch(GLib.PRIORITY_DEFAULT, on_message)

    def snapshot():
        valve.set_property("drop", False)
        return True

    GLib.timeout_add_seconds(max(1, args.interval), snapshot)
    if args.duration > 0:
        GLib.timeout_add_seconds(args.duration, loop.quit)
    if pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
        print("cannot start (is the plugin on GST_PLUGIN_PATH?)", file=sys.stderr)
        return 1
    try:
        loop.run()
    except KeyboardInterrupt:
        pass
    pipeline.set_state(Gst.State.NULL)
    print("%d snapshot(s)" % count[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
