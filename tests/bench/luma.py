#!/usr/bin/python3
# gst-member.py (tests/interop/lib) with a luma-flip sender and a luma
# detector, for tests/bench/latency.mjs (glass-to-glass latency).
#
#   luma.py [--flip-ms 500] [--flip-spread-ms 50] [--luma] <gst-member.py options>
#
# --flip-ms N  the sent video (videotestsrc, pass --pattern black) switches
#              between pattern=black and pattern=white every N ms +- the
#              spread (random, so flips do not lock to any periodic thing of
#              the pipeline). A probe on the videotestsrc src pad measures the
#              luma of every frame that leaves the source and prints, at the
#              first frame of the new colour,
#                {"ev":"flip","t":<epoch ms>,"white":bool,"luma":…,"pts_ms":…}
#              That push time is the "glass" of a synthetic source: a live
#              videotestsrc waits for the clock to reach the frame's
#              timestamp before pushing it, as a camera delivers a frame
#              once it is captured.
# --luma       every remote video pad: the luma of each frame is measured
#              twice, where it leaves the room (decoded) and where a sink
#              that syncs to the clock as a video sink does renders it
#              (fakesink sync=true qos=true max-lateness=20 ms, the
#              GstVideoSink defaults; "render" = its handoff, after the
#              clock wait). A change of colour prints
#                {"ev":"luma","t":…,"pad":"video_A","at":"decoded"|"render","white":bool,"luma":…}
#              and the pad's stats get "render_frames", "render_freezes"
#              (gaps between rendered frames over --freeze-ms),
#              "render_freeze_ms", "render_max_gap_ms".
#
# Luma = mean of a grid of ~200 samples of the frame's first plane (Y of
# the decoders' I420; a mean byte for packed RGB, which is as good for
# black vs white); hysteresis: white above 160, black below 96.

import argparse
import importlib.util
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "gst_member", os.path.join(HERE, "..", "interop", "lib", "gst-member.py"))
gm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gm)

import gi  # noqa: E402

gi.require_version("GstVideo", "1.0")
from gi.repository import GLib, Gst, GstVideo  # noqa: E402

WHITE_ABOVE = 160
BLACK_BELOW = 96

opts = None  # our own options (the rest go to gst-member.py)


def frame_luma(buf, caps):
    info = GstVideo.VideoInfo.new_from_caps(caps)
    if info is None:
        return None
    ok, m = buf.map(Gst.MapFlags.READ)
    if not ok:
        return None
    try:
        data = m.data
        off, stride = info.offset[0], info.stride[0]
        w, h = info.width, info.height
        pstride = max(1, info.finfo.pixel_stride[0])
        total = n = 0
        for y in range(h // 24, h, max(1, h // 12)):
            row = off + y * stride
            for x in range(w // 32, w, max(1, w // 16)):
                total += data[row + x * pstride]
                n += 1
        return total / n if n else None
    finally:
        buf.unmap(m)


def colour_of(luma, prev):
    if luma is None:
        return prev
    if luma > WHITE_ABOVE:
        return True
    if luma < BLACK_BELOW:
        return False
    return prev


class LumaMember(gm.Member):
    def __init__(self, args):
        super().__init__(args)
        self.src_white = None
        self.det = {}  # (pad, "decoded"|"render") -> colour
        if opts.flip_ms:
            vts = None
            it = self.pipeline.iterate_recurse()
            while True:
                res, e = it.next()
                if res != Gst.IteratorResult.OK:
                    break
                if e.get_factory() and e.get_factory().get_name() == "videotestsrc":
                    vts = e
            if vts is None:
                self.fatal("--flip-ms: no videotestsrc (sending no video?)", 2)
            self.vts = vts
            self.white = False    # the colour asked for (main loop)
            self.applied = False  # the colour videotestsrc makes (streaming thread)
            Gst.util_set_object_arg(vts, "pattern", "black")
            vts.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, self.on_src_frame)
            self.schedule_flip()

    def schedule_flip(self):
        ms = opts.flip_ms + random.uniform(-opts.flip_spread_ms, opts.flip_spread_ms)
        GLib.timeout_add(max(50, int(ms)), self.flip)

    def flip(self):
        # only asked for here: the pattern is switched by the streaming
        # thread (on_src_frame), between two frames. Switching it from the
        # main loop races with videotestsrc's cached frame of the solid
        # patterns (GStreamer 1.22: gst_video_frame_copy criticals, then
        # "Internal data stream error").
        self.white = not self.white
        self.schedule_flip()
        return False

    def on_src_frame(self, pad, info):
        t = gm.now_ms()
        buf = info.get_buffer()
        luma = frame_luma(buf, pad.get_current_caps())
        c = colour_of(luma, self.src_white)
        if c is not None and c != self.src_white:
            if self.src_white is not None:
                gm.out("flip", t=round(t, 2), white=c, luma=round(luma, 1),
                       pts_ms=buf.pts / Gst.MSECOND if buf.pts != Gst.CLOCK_TIME_NONE else None)
            self.src_white = c
        want = self.white
        if want != self.applied:
            Gst.util_set_object_arg(self.vts, "pattern", "white" if want else "black")
            self.applied = want
        return Gst.PadProbeReturn.OK

    def detect(self, name, at, buf, caps, t):
        luma = frame_luma(buf, caps)
        key = (name, at)
        prev = self.det.get(key)
        c = colour_of(luma, prev)
        if c is not None and c != prev:
            if prev is not None:
                gm.out("luma", t=round(t, 2), pad=name, at=at, white=c, luma=round(luma, 1))
            self.det[key] = c

    def on_pad_added(self, element, pad):
        super().on_pad_added(element, pad)
        name = pad.get_name()
        if not opts.luma or not name.startswith("video_") or pad.get_direction() != Gst.PadDirection.SRC:
            return
        pad.add_probe(Gst.PadProbeType.BUFFER, self.on_decoded, name)
        branch = self.branches.get(name, [[]])[-1]
        sink = branch[-1] if branch else None
        if sink is None or sink.get_factory().get_name() != "fakesink":
            gm.out("warning", message="--luma: no fakesink branch on %s" % name, debug=None)
            return
        sink.set_property("qos", True)
        sink.set_property("max-lateness", 20 * Gst.MSECOND)
        sink.set_property("signal-handoffs", True)
        sink.set_property("sync", True)
        sink.connect("handoff", self.on_render, name)

    def on_decoded(self, pad, info, name):
        self.detect(name, "decoded", info.get_buffer(), pad.get_current_caps(), gm.now_ms())
        return Gst.PadProbeReturn.OK

    def on_render(self, sink, buf, pad, name):
        t = gm.now_ms()
        st = self.pads.get(name)
        if st is not None:
            last = st.get("render_last")
            st["render_frames"] = st.get("render_frames", 0) + 1
            if last is not None:
                gap = t - last
                st["render_max_gap_ms"] = max(gap, st.get("render_max_gap_ms", 0.0))
                if gap > self.args.freeze_ms:
                    st["render_freezes"] = st.get("render_freezes", 0) + 1
                    st["render_freeze_ms"] = st.get("render_freeze_ms", 0.0) + gap
            st["render_last"] = t
        self.detect(name, "render", buf, pad.get_current_caps(), t)


    def stats(self):
        # what the sinks add to a frame's timestamp before rendering it
        q = Gst.Query.new_latency()
        if self.pipeline.query(q):
            live, lo, hi = q.parse_latency()
            for name, st in self.pads.items():
                if name.startswith("video_"):
                    st["pipeline_latency_ms"] = lo / Gst.MSECOND
        return super().stats()


def main():
    global opts
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--flip-ms", type=float, default=0)
    p.add_argument("--flip-spread-ms", type=float, default=50)
    p.add_argument("--luma", action="store_true")
    opts, rest = p.parse_known_args()
    sys.argv = [sys.argv[0]] + rest
    gm.Member = LumaMember
    gm.main()


if __name__ == "__main__":
    main()
