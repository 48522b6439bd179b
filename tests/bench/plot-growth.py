#!/usr/bin/python3
"""Draw the growth figure (docs/performance-growth.png) from the JSON that
tests/bench/growth.mjs writes: set-up time, CPU and peak RSS against the
number of mesh members, with the fitted growth laws.

usage: plot-growth.py GROWTH_JSON OUT_PNG   (needs python3-matplotlib)
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # no display on a CI box or a headless server
import matplotlib.pyplot as plt  # noqa: E402


def main():
    src, png = sys.argv[1], sys.argv[2]
    g = json.load(open(src))
    data = [d for d in g["data"]]
    ns = [d["n"] for d in data]
    fit = g["fits"]
    v = g["video"]
    fig, ax = plt.subplots(1, 3, figsize=(13, 4))

    ax[0].plot(ns, [d.get("setupMedian") for d in data], "o-", label="median")
    for d in data:
        ax[0].plot([d["n"]] * len(d["setup"]), d["setup"], "k.", alpha=0.4)
    ax[0].set_title("set-up: t0 -> every direction decoding")
    ax[0].set_ylabel("ms")

    cn = [d["n"] for d in data if d["cpu"]]
    member = [d["cpuMember"] for d in data if d["cpu"]]
    total = [d["cpuTotal"] for d in data if d["cpu"]]
    a, b = fit["cpu"]["a"], fit["cpu"]["b"]
    xs = [x / 10 for x in range(20, 10 * max(ns) + 1)]
    ax[1].plot(cn, member, "o", label="per member")
    ax[1].plot(xs, [a + b * (x - 1) for x in xs], "-", alpha=0.6,
               label="%.1f + %.1f (N-1)" % (a, b))
    ax[1].plot(cn, total, "s", label="whole mesh")
    ax[1].plot(xs, [x * (a + b * (x - 1)) for x in xs], "-", alpha=0.6, label="N (%.1f + %.1f (N-1))" % (a, b))
    starved = [d["n"] for d in data if d.get("starved")]
    if starved:  # the CPU there is what the machine had left, not what the mesh needs
        ax[1].plot(starved, [d["cpuMember"] for d in data if d.get("starved")], "rx", ms=10,
                   label="CPU-starved (received < 80% of the frames)")
    ax[1].set_title("CPU (%d s window)" % g["windowS"])
    ax[1].set_ylabel("% of one core")
    ax[1].legend(fontsize=8)

    ra, rb = fit["rss"]["a"], fit["rss"]["b"]
    ax[2].plot(cn, [d["rssMember"] for d in data if d["cpu"]], "o", label="per member")
    ax[2].plot(xs, [ra + rb * (x - 1) for x in xs], "-", alpha=0.6, label="%.1f + %.1f (N-1) MB" % (ra, rb))
    ax[2].set_title("peak RSS (VmHWM) per member process")
    ax[2].set_ylabel("MB")
    ax[2].legend(fontsize=8)

    for x in ax:
        x.set_xlabel("members N")
        x.set_xticks(ns)
        x.grid(alpha=0.3)
    fig.suptitle("gst-peerjs mesh growth: %dx%d@%d VP8 + Opus per member, loopback, one machine (load %s)"
                 % (v["width"], v["height"], v["fps"], g["load"].split()[0]), fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    print("# plot: %s" % png)


if __name__ == "__main__":
    main()
