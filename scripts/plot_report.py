#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Draws the PNG plots of a hawx-cosim report (called by `hawx-cosim report DIR`).

  /usr/bin/python3 scripts/plot_report.py PLOTS_JSON OUT_DIR

PLOTS_JSON is the plan app/report.cpp writes: every plot with its file name, labels and the
points to draw, already in the plotted units. This script only draws; every figure (fronts,
hypervolumes, shares) is computed in C++ from the results store. Each planned PNG is written to
OUT_DIR; a plot it cannot draw is an error (non-zero exit), never a silent gap.

Needs Debian's python3-matplotlib (Agg backend, no display). Exit 4: matplotlib cannot be imported.
"""

import json
import os
import sys

NO_MATPLOTLIB = 4
MaxNLocator = None  # matplotlib.ticker.MaxNLocator, imported in main()

# One colour per strategy, the same in every plot and every report for the registered ones;
# others take the rest of matplotlib's tab10 in order of appearance.
FIXED = {"exhaustive": "tab:blue", "random": "tab:orange", "nsga2": "tab:green",
         "hawx": "tab:red"}
COLOURS = ["tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan", "tab:gray"]


def staircase(front, plt_axes, colour, label):
    """The front of (x minimised, accuracy maximised) points as a step line through them."""
    pts = sorted(front)
    if not pts:
        return
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    plt_axes.step(xs, ys, where="post", color=colour, linewidth=1.4)
    plt_axes.plot(xs, ys, "o", color=colour, markersize=4.5, label=label)


def draw_front(plot, plt, out_dir, colour_of):
    panels = plot["panels"]
    n = len(panels)
    fig, axes = plt.subplots(1, n, figsize=(4.6 * n, 4.0), sharex=True, sharey=True,
                             squeeze=False)
    best = plot.get("best_known", [])
    for k, panel in enumerate(panels):
        ax = axes[0][k]
        colour = colour_of(panel["label"])
        pts = panel["points"]
        if pts:
            ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=9, color="0.55", alpha=0.35,
                       linewidths=0, label="evaluated (%d)" % len(pts))
        if best:
            bx = sorted(best)
            ax.step([p[0] for p in bx], [p[1] for p in bx], where="post", color="black",
                    linewidth=0.8, linestyle="--", label="best known front")
        staircase(panel["front"], ax, colour, "front (%d)" % len(panel["front"]))
        ax.set_title(panel["label"])
        ax.set_xlabel(plot["x_label"])
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4), useOffset=False)
        if k == 0:
            ax.set_ylabel(plot["y_label"])
        ax.grid(True, linewidth=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(plot["title"], fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, plot["file"]), dpi=120)
    plt.close(fig)


def draw_agreement(plot, plt, out_dir):
    panels = plot["panels"]
    n = len(panels)
    fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 4.0), squeeze=False)
    for k, panel in enumerate(panels):
        ax = axes[0][k]
        pts = panel["points"]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        ax.scatter(xs, ys, s=12, color="tab:blue", alpha=0.7, linewidths=0)
        lo = min(xs + ys)
        hi = max(xs + ys)
        pad = (hi - lo) * 0.05 or abs(hi) * 0.05 or 1.0
        ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="black", linewidth=0.8,
                linestyle="--", label="predicted = measured")
        ax.set_xlabel("measured " + panel["label"])
        ax.set_ylabel("predicted " + panel["label"])
        ax.set_title(panel["caption"], fontsize=8)
        ax.grid(True, linewidth=0.3)
        ax.legend(fontsize=7, loc="upper left")
    fig.suptitle(plot["title"], fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, plot["file"]), dpi=120)
    plt.close(fig)


def draw_hypervolume(plot, plt, out_dir, colour_of):
    panels = plot["panels"]
    n = len(panels)
    fig, axes = plt.subplots(n, 1, figsize=(7.5, 4.2 * n), squeeze=False)
    for k, panel in enumerate(panels):
        ax = axes[k][0]
        labelled = set()
        longest = 1
        shortest = None
        for line in panel["lines"]:
            ys = line["share"]
            xs = list(range(1, len(ys) + 1))
            longest = max(longest, len(ys))
            shortest = len(ys) if shortest is None else min(shortest, len(ys))
            strategy = line["strategy"]
            label = None if strategy in labelled else strategy
            labelled.add(strategy)
            ax.plot(xs, [y if y is not None else float("nan") for y in ys],
                    color=colour_of(strategy), linewidth=1.0, alpha=0.75, label=label)
        if shortest and longest / shortest >= 10:
            ax.set_xscale("log")
        ax.set_title(panel["label"], fontsize=8)
        ax.set_xlabel(plot["x_label"])
        ax.set_ylabel(plot["y_label"])
        ax.grid(True, linewidth=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.suptitle(plot["title"], fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, plot["file"]), dpi=120)
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        print("usage: plot_report.py PLOTS_JSON OUT_DIR", file=sys.stderr)
        return 2
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        global MaxNLocator
        from matplotlib.ticker import MaxNLocator
    except ImportError as e:
        print("plot_report.py: cannot import matplotlib (%s); install Debian's "
              "python3-matplotlib (apt-get install python3-matplotlib)" % e, file=sys.stderr)
        return NO_MATPLOTLIB
    with open(argv[1]) as f:
        plan = json.load(f)
    out_dir = argv[2]

    strategies = []
    for plot in plan["plots"]:
        strategies += [s for s in plot.get("strategies", []) if s not in strategies]
        strategies += [p["label"] for p in plot["panels"]
                       if plot["kind"] == "front" and p["label"] not in strategies]

    others = [s for s in strategies if s not in FIXED]

    def colour_of(name):
        if name in FIXED:
            return FIXED[name]
        if name not in others:
            others.append(name)
        return COLOURS[others.index(name) % len(COLOURS)]

    for plot in plan["plots"]:
        kind = plot["kind"]
        if kind == "front":
            draw_front(plot, plt, out_dir, colour_of)
        elif kind == "agreement":
            draw_agreement(plot, plt, out_dir)
        elif kind == "hypervolume":
            draw_hypervolume(plot, plt, out_dir, colour_of)
        else:
            print("plot_report.py: unknown plot kind '%s'" % kind, file=sys.stderr)
            return 1
        print("wrote", os.path.join(out_dir, plot["file"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
