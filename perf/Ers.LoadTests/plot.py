#!/usr/bin/python3
"""Plots a journeys report (JSON from `ers-load journeys`): throughput and latency over time, and CPU per process.

Usage: plot.py REPORT.json [OUT.png]   (default: REPORT.png beside the JSON)
Needs matplotlib (Debian: apt-get install -y python3-matplotlib).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    source = sys.argv[1]
    target = sys.argv[2] if len(sys.argv) > 2 else source.rsplit(".", 1)[0] + ".png"
    with open(source, encoding="utf-8") as f:
        report = json.load(f)
    series = report["series"]
    t = [p["second"] for p in series]

    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(11, 10), sharex=True)
    fig.suptitle(f"Ers load run '{report['label']}' - {report['settings']['mode']} loop, "
                 f"sustained {report['sustainedLoginsPerSecond']} logins/s")

    top.plot(t, [p["targetRate"] for p in series], "--", color="grey", label="target logins/s")
    top.plot(t, [p["logins"] for p in series], color="tab:blue", label="full card logins/s")
    top.set_ylabel("logins/s")
    pages = top.twinx()
    pages.plot(t, [p["pageViewsErs"] for p in series], color="tab:green", alpha=0.7, label="page views/s Ers")
    pages.plot(t, [p["pageViewsBaseline"] for p in series], color="tab:red", alpha=0.7, label="page views/s Redis baseline")
    pages.set_ylabel("page views/s")
    lines = top.get_legend_handles_labels()[0] + pages.get_legend_handles_labels()[0]
    labels = top.get_legend_handles_labels()[1] + pages.get_legend_handles_labels()[1]
    top.legend(lines, labels, loc="upper left", fontsize=8)

    middle.plot(t, [p["loginP50Ms"] for p in series], color="tab:blue", label="login p50")
    middle.plot(t, [p["loginP99Ms"] for p in series], color="tab:purple", label="login p99")
    middle.plot(t, [p["pageErsP99Ms"] for p in series], color="tab:green", label="page view p99 Ers")
    middle.plot(t, [p["pageBaselineP99Ms"] for p in series], color="tab:red", label="page view p99 baseline")
    middle.axhline(50, color="grey", linestyle=":", label="50 ms target (login p99 at 1,000/s)")
    middle.set_yscale("log")
    middle.set_ylabel("ms (log), per second")
    middle.legend(loc="upper left", fontsize=8)

    names = sorted({n for p in series for n in p["processes"]})
    for name in names:
        bottom.plot(t, [p["processes"].get(name, {}).get("cpuPercent", 0) for p in series], label=f"{name} CPU %")
    bottom.plot(t, [p["errors"] for p in series], color="black", linestyle=":", label="errors/s")
    bottom.set_ylabel("% of one core / errors")
    bottom.set_xlabel("seconds")
    bottom.legend(loc="upper left", fontsize=8)

    # Phase boundaries, so the page-view slices are readable.
    last = None
    for p in series:
        if p["phase"] != last:
            for ax in (top, middle, bottom):
                ax.axvline(p["second"], color="lightgrey", linewidth=0.8)
            top.annotate(p["phase"], (p["second"], 0), fontsize=6, rotation=90, va="bottom", color="grey")
            last = p["phase"]

    fig.tight_layout()
    fig.savefig(target, dpi=110)
    print(f"Plot: {target}")


if __name__ == "__main__":
    main()
