#!/usr/bin/python3
# A peerjsroom mesh member for the interop tests, driven by lib/gst-member.mjs.
#
#   videotestsrc (ball, 320x240@30) -> room.video_sink
#   audiotestsrc (sine)             -> room.audio_sink
#   room.video_<id>                 -> queue -> fakesink
#   room.audio_<id>                 -> queue -> level -> fakesink
#
# Buffers are counted with pad probes on the room's own src pads. Prints one
# JSON object per line on stdout (times "t" in epoch ms, the clock the
# browser pages use too):
#
#   {"ev":"ready"}                                   pipeline built, going to PLAYING
#   {"ev":"state","state":"PLAYING"}                 the pipeline's state changes
#   {"ev":"msg","name":"peerjs-open","fields":{...}} every peerjs-* element message
#   {"ev":"pad-added","pad":"video_alice","caps":…}  a remote pad appeared (linked at once)
#   {"ev":"first-buffer","pad":"video_alice","caps":"video/x-raw,…"}
#   {"ev":"pad-removed","pad":"video_alice"}
#   {"ev":"stats","pads":{"video_alice":{"buffers":N,"pts_ms":…,…},"audio_alice":{…,"rms_db":…,"max_rms_db":…,"loud":N}}}
#                     a pad's "max_gap_ms" is its longest gap between buffers,
#                     "freezes"/"freeze_ms" count the gaps over --freeze-ms (100)
#   {"ev":"warning"|"error","message":…,"debug":…}   an error of an element inside
#                                                    the room (inside_room) does not stop us
#   {"ev":"exit","code":N}
#
# --wait-go (benchmarks, tests/bench): build the pipeline, take it to READY,
# print "ready" and wait for "go" on stdin before PLAYING, so that the
# process start-up (python, gi, registry) is not part of a set-up time;
# "go" prints {"ev":"go"} just before the state change. --prewarm-dtls makes a
# dtlsdec first: GStreamer's DTLS elements share one generated certificate
# per process, made (RSA 2048, 75-170 ms of CPU here) by the first one, which
# is otherwise the first call's webrtcbin (a bench of that cost).
#
# stdin: "stats" prints stats at once, "quit" (or EOF: the test runner died)
# sets the pipeline to NULL and exits 0. SIGINT/SIGTERM do the same.
# A line that is a JSON object is a command for the room's data API; each is
# answered by {"ev":"result","id":<its id>,"cmd":…,"ok":bool,"value":…,"error":…}:
#
#   {"cmd":"send-json","id":1,"target":"dc_…"|"alice"|"*","json":"{\"a\":1}"}
#   {"cmd":"send-data","id":2,"target":…,"hex":"0102ff"}           bytes (GVariant ay)
#   {"cmd":"send-data","id":3,"target":…,"value":<JSON, {"$hex":"…"} = bytes>}
#                     any value as a GVariant: objects a{sv}, arrays av, strings s,
#                     booleans b, integers x, other numbers d, {"$hex"} ay
#   {"cmd":"connect-data","id":4,"peer":"alice","label":null,"serialization":"json","reliable":true}
#                     -> value = the new connection ID
#   {"cmd":"close-data","id":5,"connection":"dc_…"}
#   {"cmd":"set","id":6,"prop":"video-enabled","value":false}      any room property
#   {"cmd":"get","id":7,"prop":"video-enabled"}
#
# peerjs-data messages carry their GstBuffer `data` as a hex string (plus
# "data-size"); the data-received signal, when the room has it, is printed as
#   {"ev":"data-received","peer_id":…,"connection_id":…,"label":…,
#    "serialization":…,"value":<JSON; bytes as {"$hex":"…"}>,"type":"a{sv}"}
# Exit 2: the element lacks something the tests need (property, pad).
#
# Options for the other faces and the game table (faces-browser,
# table-browser tests):
#   --element peerjssink|peerjssrc   instead of peerjsroom (a sink gets the test
#                     sources, a src none: it has no sink pads)
#   --foreground-color 0xAARRGGBB    the video is a solid colour (videotestsrc
#                     pattern=solid-color) instead of --pattern
#   --measure-color   remote video pads go through videoconvert/videoscale to
#                     64x48 RGB; every 5th frame's mean colour is in the
#                     pad's stats as "rgb": [r, g, b] (0..255), "rgb_n" frames measured
#   --grab-table      link the always pads table_video (-> RGB appsink, the
#                     latest frame kept) and table_audio (-> level), counted as
#                     pads "table_video"/"table_audio" in the stats; the command
#                     {"cmd":"grab-table","id":8} answers with the latest table
#                     frame analysed per tile of the last peerjs-table-layout
#                     message: {"width","height","layout_t","tiles":[{"peer-id",
#                     "label","placeholder","x","y","width","height","center":
#                     [r,g,b] (median of the tile's centre region),"center_flat":
#                     share of centre pixels within 24 of that median,
#                     "bar_text_rows": rows of the bottom quarter of the tile
#                     with text-like edges, "bar_text_width": pixels from their
#                     first to their last edge, "bar_rgb": median of the bottom 6%}]}
#   peerjs-table-layout's GstValueArray of structures is printed as a JSON
#   array of objects.
#
# Needs the system python3 with gi + Gst (python3-gi, python3-gst-1.0), and
# GST_PLUGIN_PATH pointing at the built plugin.

import argparse
import json
import os
import signal
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GLib", "2.0")
from gi.repository import GLib, GObject, Gst  # noqa: E402

LOUD_DB = -50.0  # an audio level interval with RMS above this counts as "loud"


def now_ms():
    return time.time() * 1000.0


_out_lock = threading.Lock()


def out(ev, **kw):
    kw = {"ev": ev, "t": round(now_ms(), 1), **kw}
    line = json.dumps(kw, default=str) + "\n"
    with _out_lock:  # streaming threads print too
        sys.stdout.write(line)
        sys.stdout.flush()


def buffer_hex(buf):
    return buf.extract_dup(0, buf.get_size()).hex()


def gvalue_to_json(v):
    if isinstance(v, (Gst.ValueArray, Gst.ValueList)):
        return [gvalue_to_json(v[i]) for i in range(len(v))]
    if isinstance(v, (GObject.GEnum, GObject.GFlags)):
        return v.value_nick
    if isinstance(v, Gst.Buffer):
        return buffer_hex(v)
    if isinstance(v, GLib.Variant):
        return variant_to_json(v)
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, (list, tuple)):
        return [gvalue_to_json(x) for x in v]
    if isinstance(v, Gst.Structure):
        return structure_to_json(v)
    return str(v)


def structure_to_json(s):
    fields = {}
    for i in range(s.n_fields()):
        name = s.nth_field_name(i)
        try:
            v = s.get_value(name)
            fields[name] = gvalue_to_json(v)
            if isinstance(v, Gst.Buffer):
                fields[name + "-size"] = v.get_size()
        except Exception:  # a type introspection cannot convert
            fields[name] = None
    return fields


def variant_to_json(v):
    """A GVariant of the data value model as JSON; bytes as {"$hex": …},
    anything unexpected as {"$variant": <its text form>}."""
    t = v.get_type_string()
    if t == "v":
        return variant_to_json(v.get_variant())
    if t == "ay":
        return {"$hex": bytes(v.get_data_as_bytes().get_data() or b"").hex()}
    if t in ("s", "o", "g"):
        return v.get_string()
    if t == "b":
        return v.get_boolean()
    if t in ("y", "n", "q", "i", "u", "x", "t", "h", "d"):
        return v.unpack()
    if t.startswith("m"):
        inner = v.get_maybe()
        return None if inner is None else variant_to_json(inner)
    if t == "()":
        return None
    if t.startswith("a{"):
        out = {}
        for i in range(v.n_children()):
            e = v.get_child_value(i)
            k = e.get_child_value(0)
            key = k.get_string() if k.get_type_string() == "s" else k.print_(False)
            out[key] = variant_to_json(e.get_child_value(1))
        return out
    if t.startswith("a") or t.startswith("("):
        return [variant_to_json(v.get_child_value(i)) for i in range(v.n_children())]
    return {"$variant": v.print_(True)}


def json_to_variant(x):
    """JSON (with {"$hex": "…"} for bytes) -> a GVariant send-data accepts."""
    if isinstance(x, dict) and set(x) == {"$hex"}:
        return GLib.Variant("ay", bytes.fromhex(x["$hex"]))
    if isinstance(x, bool):
        return GLib.Variant("b", x)
    if isinstance(x, int):
        return GLib.Variant("x", x)
    if isinstance(x, float):
        return GLib.Variant("d", x)
    if isinstance(x, str):
        return GLib.Variant("s", x)
    if isinstance(x, list):
        return GLib.Variant("av", [json_to_variant(e) for e in x])
    if isinstance(x, dict):
        return GLib.Variant("a{sv}", {k: json_to_variant(e) for k, e in x.items()})
    if x is None:
        return GLib.Variant("mv", None)
    raise ValueError("cannot make a GVariant of %r" % (x,))


def level_values(s, field):
    """level's rms/peak arrays (GValueArray), as a list of floats."""
    try:
        v = s.get_value(field)
        if isinstance(v, (list, tuple)):
            return [float(x) for x in v]
        return [float(v.get_nth(i)) for i in range(v.n_values)]
    except Exception:
        ok, arr = s.get_array(field)
        if ok:
            return [float(arr.get_nth(i)) for i in range(arr.n_values)]
    return []


def _median(vals):
    vals = sorted(vals)
    return vals[len(vals) // 2] if vals else 0


def analyse_tile(data, stride, fw, fh, tile):
    """Colour of a tile's centre and signs of text in its bottom part, from an
    RGB frame (rows of `stride` bytes)."""
    x0, y0 = int(tile.get("x", 0)), int(tile.get("y", 0))
    tw, th = int(tile.get("width", 0)), int(tile.get("height", 0))
    if tw <= 0 or th <= 0 or x0 < 0 or y0 < 0 or x0 + tw > fw or y0 + th > fh:
        return {"error": "tile outside the frame"}

    def px(x, y):
        o = y * stride + x * 3
        return data[o], data[o + 1], data[o + 2]

    # centre: the middle 30% x 30% of the tile, every 2nd pixel
    cs = [px(x, y) for y in range(y0 + int(th * 0.35), y0 + int(th * 0.65), 2)
          for x in range(x0 + int(tw * 0.35), x0 + int(tw * 0.65), 2)]
    med = [_median([p[c] for p in cs]) for c in range(3)]
    flat = sum(1 for p in cs if max(abs(p[c] - med[c]) for c in range(3)) <= 24) / max(1, len(cs))
    # the bottom quarter: a row is text-like when its luma jumps by > 48
    # between neighbours (every pixel) at least 6 times (a letterboxed
    # picture has 2 edges, a flat bar none)
    text_rows = 0
    text_x = [None, None]  # leftmost and rightmost edge of the text-like rows
    for y in range(y0 + th - max(1, th // 4), y0 + th - 1):
        edges = []
        prev = None
        for x in range(x0 + 2, x0 + tw - 2):
            r, g, b = px(x, y)
            luma = (299 * r + 587 * g + 114 * b) // 1000
            if prev is not None and abs(luma - prev) > 48:
                edges.append(x)
            prev = luma
        if len(edges) >= 6:
            text_rows += 1
            text_x[0] = edges[0] if text_x[0] is None else min(text_x[0], edges[0])
            text_x[1] = edges[-1] if text_x[1] is None else max(text_x[1], edges[-1])
    bar = [px(x, y) for y in range(y0 + th - max(1, int(th * 0.06)), y0 + th)
           for x in range(x0, x0 + tw, 4)]
    bar_med = [_median([p[c] for p in bar]) for c in range(3)]
    return {"center": med, "center_flat": round(flat, 3), "bar_text_rows": text_rows, "bar_rgb": bar_med,
            "bar_text_width": (text_x[1] - text_x[0]) if text_rows else 0}


class Member:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.pads = {}  # pad name -> stats dict
        self.branches = {}  # pad name -> [elements]
        self.level_of = {}  # level element name -> pad name
        self.code = 0
        self.quitting = False

        self.pipeline = Gst.Pipeline.new("member")
        self.table_sink = None
        self.layout = None  # the last peerjs-table-layout message, JSON form
        room = Gst.ElementFactory.make(args.element, "room")
        if room is None:
            self.fatal("no element %s (GST_PLUGIN_PATH=%s)" % (args.element, os.environ.get("GST_PLUGIN_PATH")), 2)
        self.room = room
        props = {"server": args.server, "peer-id": args.peer_id}
        if args.peers is not None:
            props["peers"] = args.peers
        if args.call_policy:
            props["call-policy"] = args.call_policy
        if args.latency is not None:
            props["latency"] = args.latency
        if args.video_codec:
            props["video-codec"] = args.video_codec
        for kv in args.set or []:
            k, _, v = kv.partition("=")
            props[k] = v
        for k, v in props.items():
            pspec = room.find_property(k)
            if pspec is None:
                self.fatal("peerjsroom has no property '%s'" % k, 2)
            if isinstance(v, str) and pspec.value_type != GObject.TYPE_STRING:
                Gst.util_set_object_arg(room, k, v)
            else:
                room.set_property(k, v)
        self.pipeline.add(room)

        sends = room.get_pad_template("video_sink") is not None
        if not args.no_video and sends:
            pattern = args.pattern
            if args.foreground_color:
                pattern = "solid-color foreground-color=%s" % args.foreground_color
            src = Gst.parse_bin_from_description(
                "videotestsrc is-live=true pattern=%s ! capsfilter caps=video/x-raw,width=%d,height=%d,framerate=%d/1"
                % (pattern, args.width, args.height, args.fps), True)
            self.pipeline.add(src)
            self.link_request(src, "video_sink")
        if not args.no_audio and sends:
            src = Gst.parse_bin_from_description(
                "audiotestsrc is-live=true wave=sine freq=%d volume=%s" % (args.freq, args.volume), True)
            self.pipeline.add(src)
            self.link_request(src, "audio_sink")

        if args.grab_table:
            self.link_table()

        room.connect("pad-added", self.on_pad_added)
        room.connect("pad-removed", self.on_pad_removed)
        if GObject.signal_lookup("data-received", type(room)):
            room.connect("data-received", self.on_data_received)
        self.stdin_buf = b""
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def fatal(self, message, code=1):
        out("error", message=message, debug=None)
        out("exit", code=code)
        sys.exit(code)

    def link_request(self, src_bin, template):
        pad = self.room.request_pad_simple(template)
        if pad is None:
            self.fatal("peerjsroom gave no %s request pad" % template, 2)
        ret = src_bin.get_static_pad("src").link(pad)
        if ret != Gst.PadLinkReturn.OK:
            self.fatal("cannot link to %s: %s" % (template, ret.value_nick), 2)

    # --- the game table (--grab-table) ----------------------------------------

    def new_stats(self):
        return {"buffers": 0, "first_at": None, "last_at": None, "pts_ms": None,
                "caps": None, "linked": False, "added": 0, "removed": 0}

    def link_table(self):
        for name in ("table_video", "table_audio"):
            pad = self.room.get_static_pad(name)
            if pad is None:
                self.fatal("%s has no always pad %s (no game table?)" % (self.args.element, name), 2)
            st = self.pads[name] = self.new_stats()
            st["added"] = 1
            st["present"] = True
            pad.add_probe(Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST, self.on_buffer, name)
            if name == "table_video":
                desc = ("queue max-size-buffers=2 leaky=downstream ! videoconvert ! "
                        "video/x-raw,format=RGB ! appsink name=tablesink sync=false "
                        "max-buffers=1 drop=true emit-signals=false")
            else:
                desc = "queue ! level name=tablelevel interval=100000000 post-messages=true ! fakesink sync=false async=false"
            b = Gst.parse_bin_from_description(desc, True)
            self.pipeline.add(b)
            if name == "table_video":
                self.table_sink = b.get_by_name("tablesink")
            else:
                self.level_of[b.get_by_name("tablelevel").get_name()] = name
            ret = pad.link(b.get_static_pad("sink"))
            st["linked"] = ret == Gst.PadLinkReturn.OK
            if not st["linked"]:
                self.fatal("cannot link %s: %s" % (name, ret.value_nick), 2)

    def grab_table(self, timeout_ms=2000):
        """The latest table frame, analysed per tile of the last layout message."""
        if self.table_sink is None:
            raise ValueError("not started with --grab-table")
        sample = self.table_sink.emit("try-pull-sample", timeout_ms * Gst.MSECOND)
        if sample is None:
            raise ValueError("no table_video frame within %d ms" % timeout_ms)
        caps = sample.get_caps().get_structure(0)
        w, h = caps.get_value("width"), caps.get_value("height")
        buf = sample.get_buffer()
        data = buf.extract_dup(0, buf.get_size())
        stride = len(data) // h  # RGB rows are padded to 4 bytes
        res = {"width": w, "height": h, "pts_ms": buf.pts / Gst.MSECOND if buf.pts != Gst.CLOCK_TIME_NONE else None,
               "layout_t": self.layout["t"] if self.layout else None, "tiles": []}
        tiles = (self.layout or {}).get("fields", {}).get("tiles") or []
        for tile in tiles:
            res["tiles"].append(dict(tile, **analyse_tile(data, stride, w, h, tile)))
        return res

    # --- remote pads ------------------------------------------------------

    def on_pad_added(self, element, pad):
        name = pad.get_name()
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        st = self.pads.get(name)
        if st is None:
            st = self.pads[name] = self.new_stats()
        else:
            st["buffers_before_readd"] = st["buffers"]
        st["added"] += 1
        st["present"] = True
        pad.add_probe(Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST, self.on_buffer, name)
        caps = pad.get_current_caps() or pad.query_caps(None)
        out("pad-added", pad=name, caps=caps.to_string() if caps else None)

        if self.args.no_link:  # the room must cope with pads nobody links
            return
        is_audio = name.startswith("audio_")
        elems = [Gst.ElementFactory.make("queue", None)]
        if is_audio:
            level = Gst.ElementFactory.make("level", None)
            level.set_property("interval", 100 * Gst.MSECOND)
            level.set_property("post-messages", True)
            self.level_of[level.get_name()] = name
            elems.append(level)
        elif self.args.measure_color:
            caps = Gst.Caps.from_string("video/x-raw,format=RGB,width=64,height=48,pixel-aspect-ratio=1/1")
            cf = Gst.ElementFactory.make("capsfilter", None)
            cf.set_property("caps", caps)
            elems += [Gst.ElementFactory.make("videoconvert", None),
                      Gst.ElementFactory.make("videoscale", None), cf]
            cf.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, self.on_rgb, name)
        sink = Gst.ElementFactory.make("fakesink", None)
        sink.set_property("sync", False)
        sink.set_property("async", False)
        elems.append(sink)
        for e in elems:
            self.pipeline.add(e)
        for a, b in zip(elems, elems[1:]):
            a.link(b)
        for e in reversed(elems):
            e.sync_state_with_parent()
        ret = pad.link(elems[0].get_static_pad("sink"))
        st["linked"] = ret == Gst.PadLinkReturn.OK
        if not st["linked"]:
            out("warning", message="cannot link %s: %s" % (name, ret.value_nick), debug=None)
        self.branches.setdefault(name, []).append(elems)

    def on_buffer(self, pad, info, name):
        st = self.pads[name]
        t = now_ms()
        n = 1
        buf = info.get_buffer()
        if buf is None:
            lst = info.get_buffer_list()
            n = lst.length() if lst else 0
            buf = lst.get(0) if n else None
        st["buffers"] += n
        # freezes (slow-netem.sh): a gap between two buffers longer than
        # --freeze-ms; its whole length counts as frozen time
        if st["last_at"] is not None:
            gap = t - st["last_at"]
            st["max_gap_ms"] = max(gap, st.get("max_gap_ms", 0.0))
            if gap > self.args.freeze_ms:
                st["freezes"] = st.get("freezes", 0) + 1
                st["freeze_ms"] = st.get("freeze_ms", 0.0) + gap
        st["last_at"] = t
        if buf is not None and buf.pts != Gst.CLOCK_TIME_NONE:
            st["pts_ms"] = buf.pts / Gst.MSECOND
        if st["first_at"] is None:
            st["first_at"] = t
            caps = pad.get_current_caps()
            st["caps"] = caps.to_string() if caps else None
            out("first-buffer", pad=name, caps=st["caps"])
        return Gst.PadProbeReturn.OK

    def on_rgb(self, pad, info, name):
        st = self.pads[name]
        st["rgb_seen"] = st.get("rgb_seen", 0) + 1
        if st["rgb_seen"] % 5 != 1:
            return Gst.PadProbeReturn.OK
        buf = info.get_buffer()
        data = buf.extract_dup(0, buf.get_size())
        n = len(data) // 3
        st["rgb"] = [round(sum(data[c::3]) / n, 1) for c in range(3)]
        st["rgb_n"] = st.get("rgb_n", 0) + 1
        return Gst.PadProbeReturn.OK

    def on_pad_removed(self, element, pad):
        name = pad.get_name()
        if name in self.pads:
            self.pads[name]["present"] = False
            self.pads[name]["removed"] += 1
        out("pad-removed", pad=name)
        GLib.idle_add(self.drop_branches, name)

    def drop_branches(self, name):
        for elems in self.branches.pop(name, []):
            for e in elems:
                e.set_state(Gst.State.NULL)
                self.pipeline.remove(e)
                self.level_of.pop(e.get_name(), None)
        return False

    # --- bus, stats, control ----------------------------------------------

    def on_message(self, bus, msg):
        t = msg.type
        if t == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s is None:
                return
            sname = s.get_name()
            if sname == "level":
                pad = self.level_of.get(msg.src.get_name())
                st = self.pads.get(pad)
                if st is not None:
                    rms = level_values(s, "rms")
                    peak = level_values(s, "peak")
                    if rms:
                        r = max(rms)
                        st["rms_db"] = round(r, 1)
                        st["max_rms_db"] = round(max(r, st.get("max_rms_db", -1000.0)), 1)
                        st["levels"] = st.get("levels", 0) + 1
                        if r > LOUD_DB:
                            st["loud"] = st.get("loud", 0) + 1
                    if peak:
                        st["max_peak_db"] = round(max(max(peak), st.get("max_peak_db", -1000.0)), 1)
            elif sname.startswith("peerjs"):
                fields = structure_to_json(s)
                if sname == "peerjs-table-layout":
                    self.layout = {"t": now_ms(), "fields": fields}
                out("msg", name=sname, src=msg.src.get_name() if msg.src else None,
                    fields=fields)
        elif t == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            # An error from an element inside the room (a webrtcbin of one
            # connection, say) is a bug of the room if it reaches us, but the
            # pipeline may well survive it: report it and keep going, so the
            # test sees what else happens (it fails on any "error" event).
            # Errors of the room itself or of our own elements are fatal.
            inside = msg.src is not None and msg.src != self.room and \
                isinstance(msg.src, Gst.Object) and msg.src.has_as_ancestor(self.room)
            out("error", message=err.message, domain=str(err.domain),
                code=err.code, src=msg.src.get_name() if msg.src else None,
                path=msg.src.get_path_string() if msg.src else None,
                inside_room=inside, debug=dbg)
            if not inside:
                self.quit(1)
        elif t == Gst.MessageType.WARNING:
            err, dbg = msg.parse_warning()
            out("warning", message=err.message, src=msg.src.get_name() if msg.src else None, debug=dbg)
        elif t == Gst.MessageType.STATE_CHANGED and msg.src == self.pipeline:
            _, new, _ = msg.parse_state_changed()
            out("state", state=Gst.Element.state_get_name(new))

    def stats(self):
        pads = {}
        for name, st in self.pads.items():
            pads[name] = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in st.items()}
        out("stats", pads=pads)
        return True

    def on_data_received(self, element, peer_id, connection_id, label, serialization, value):
        # a webrtcbin thread; out() is thread-safe
        try:
            val = variant_to_json(value) if value is not None else None
            vtype = value.get_type_string() if value is not None else None
        except Exception as e:  # noqa: BLE001
            val, vtype = {"$error": str(e)}, None
        out("data-received", peer_id=peer_id, connection_id=connection_id, label=label,
            serialization=serialization, value=val, type=vtype)

    def command(self, c):
        """A JSON command from stdin (see the header); answered with a result event."""
        cmd = c.get("cmd")
        res = {"id": c.get("id"), "cmd": cmd}
        try:
            if cmd == "send-json":
                res["value"] = self.room.emit("send-json", c.get("target") or "", c["json"])
            elif cmd == "send-data":
                if "hex" in c:
                    v = GLib.Variant("ay", bytes.fromhex(c["hex"]))
                else:
                    v = json_to_variant(c["value"])
                res["value"] = self.room.emit("send-data", c.get("target") or "", v)
            elif cmd == "connect-data":
                res["value"] = self.room.emit("connect-data", c["peer"], c.get("label"),
                                              c.get("serialization"), bool(c.get("reliable", True)))
            elif cmd == "close-data":
                res["value"] = self.room.emit("close-data", c["connection"])
            elif cmd == "set":
                pspec = self.room.find_property(c["prop"])
                if pspec is None:
                    raise ValueError("no property %s" % c["prop"])
                v = c["value"]
                if isinstance(v, str) and pspec.value_type != GObject.TYPE_STRING:
                    Gst.util_set_object_arg(self.room, c["prop"], v)
                else:
                    self.room.set_property(c["prop"], v)
                res["value"] = gvalue_to_json(self.room.get_property(c["prop"]))
            elif cmd == "get":
                res["value"] = gvalue_to_json(self.room.get_property(c["prop"]))
            elif cmd == "grab-table":
                res["value"] = self.grab_table(int(c.get("timeout", 2000)))
            else:
                raise ValueError("unknown command %r" % (cmd,))
            res["ok"] = True
        except Exception as e:  # noqa: BLE001 -- reported to the test
            res["ok"] = False
            res["error"] = "%s: %s" % (type(e).__name__, e)
        out("result", **res)

    def on_line(self, line):
        text = line.decode(errors="replace").strip()
        if text.startswith("{"):
            try:
                c = json.loads(text)
            except ValueError as e:
                out("result", id=None, cmd=None, ok=False, error="bad JSON command: %s" % e)
                return
            self.command(c)
            return
        for cmd in text.split():
            if cmd == "stats":
                self.stats()
            elif cmd == "quit":
                self.quit(0)
            elif cmd == "go" and self.waiting_go:
                self.waiting_go = False
                self.play()

    def on_stdin(self, source, cond):
        if cond & GLib.IOCondition.IN:
            data = os.read(0, 65536)
        else:
            data = b""
        if not data:
            if self.stdin_buf:
                self.on_line(self.stdin_buf)
                self.stdin_buf = b""
            self.quit(0)
            return False
        self.stdin_buf += data
        while b"\n" in self.stdin_buf:
            line, _, self.stdin_buf = self.stdin_buf.partition(b"\n")
            self.on_line(line)
        return True

    def quit(self, code):
        if self.quitting:
            return False
        self.quitting = True
        self.code = code
        GLib.idle_add(self.loop.quit)
        return False

    def play(self):
        if self.args.wait_go:
            out("go")
        if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            # the ERROR message on the bus says why
            GLib.timeout_add(500, self.quit, 1)
        return False

    def run(self):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, self.quit, 0)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, self.quit, 0)
        GLib.io_add_watch(GLib.IOChannel.unix_new(0), GLib.PRIORITY_DEFAULT,
                          GLib.IOCondition.IN | GLib.IOCondition.HUP | GLib.IOCondition.ERR, self.on_stdin)
        GLib.timeout_add(self.args.stats_ms, self.stats)
        self.waiting_go = self.args.wait_go
        if self.args.prewarm_dtls:
            self.dtls_warm = Gst.ElementFactory.make("dtlsdec", None)
        if self.waiting_go:
            self.pipeline.set_state(Gst.State.READY)
        out("ready", peer_id=self.args.peer_id, pid=os.getpid())
        if not self.waiting_go:
            self.play()
        self.loop.run()
        self.stats()
        # Bounded shutdown: a stuck NULL transition must not hang the test.
        signal.alarm(10)
        self.pipeline.set_state(Gst.State.NULL)
        signal.alarm(0)
        out("exit", code=self.code)
        return self.code


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--server", required=True)
    p.add_argument("--peer-id", required=True)
    p.add_argument("--peers", help="comma-separated member IDs (property peers)")
    p.add_argument("--call-policy")
    p.add_argument("--latency", type=int)
    p.add_argument("--video-codec")
    p.add_argument("--set", action="append", metavar="PROP=VALUE", help="any other room property")
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--height", type=int, default=240)
    p.add_argument("--fps", type=int, default=30)
    p.add_argument("--pattern", default="ball")
    p.add_argument("--freq", type=int, default=440)
    p.add_argument("--volume", default="0.5")
    p.add_argument("--no-video", action="store_true")
    p.add_argument("--no-audio", action="store_true")
    p.add_argument("--stats-ms", type=int, default=500)
    p.add_argument("--freeze-ms", type=float, default=100.0,
                   help="a gap between buffers of a pad longer than this counts in its stats' freezes/freeze_ms")
    p.add_argument("--no-link", action="store_true", help="leave the remote pads unlinked (still counted)")
    p.add_argument("--element", default="peerjsroom", choices=["peerjsroom", "peerjssink", "peerjssrc"])
    p.add_argument("--foreground-color", help="solid-colour video, 0xAARRGGBB")
    p.add_argument("--measure-color", action="store_true", help="mean RGB of remote video pads in the stats")
    p.add_argument("--grab-table", action="store_true", help="link table_video/table_audio; grab-table command")
    p.add_argument("--wait-go", action="store_true", help="stay in READY until \"go\" on stdin")
    p.add_argument("--prewarm-dtls", action="store_true", help="make the process' DTLS certificate before starting")
    args = p.parse_args()
    Gst.init(None)
    signal.signal(signal.SIGALRM, lambda *a: os._exit(3))
    sys.exit(Member(args).run())


if __name__ == "__main__":
    main()
