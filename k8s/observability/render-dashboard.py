#!/usr/bin/env python3
"""Draws the Ers dashboard's panels from the range data the observability test exported.

The data comes from a real Prometheus that scraped a running Ers.Web under driven load
(tests/Ers.Observability.Tests, ERS_DASHBOARD_EXPORT=...). Usage:
    render-dashboard.py EXPORT.json OUTPUT.png
Needs matplotlib (Debian: apt-get install -y python3-matplotlib; run with /usr/bin/python3).
"""
import json
import sys
from datetime import datetime

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def legend(template, metric):
    text = template or ""
    for key, value in metric.items():
        text = text.replace("{{" + key + "}}", value)
    return text if "{{" not in text else ", ".join(metric.values()) or "value"


def main(source, target):
    export = json.load(open(source))
    panels = export["panels"]
    columns = 3
    rows = (len(panels) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(18, 3.4 * rows), squeeze=False)
    start = None
    for index, panel in enumerate(panels):
        axis = axes[index // columns][index % columns]
        for series in panel["series"]:
            for result in series["data"]["result"]:
                points = [(float(t), float(v)) for t, v in result["values"]]
                if not points:
                    continue
                if start is None:
                    start = min(t for t, _ in points)
                xs = [t - start for t, _ in points]
                axis.plot(xs, [v for _, v in points], label=legend(series["legend"], result["metric"]), linewidth=1.4)
        axis.set_title(f'{panel["title"]} ({panel["unit"]})', fontsize=10)
        axis.grid(alpha=0.3)
        axis.tick_params(labelsize=8)
        axis.set_xlabel("seconds", fontsize=8)
        handles, _ = axis.get_legend_handles_labels()
        if handles:
            axis.legend(fontsize=7, loc="upper left")
    for index in range(len(panels), rows * columns):
        axes[index // columns][index % columns].axis("off")
    begun = datetime.fromisoformat(export["start"].replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M UTC")
    figure.suptitle(f"Ers: logins and sessions, from Prometheus scraping Ers.Web under driven load ({begun})", fontsize=13)
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    figure.savefig(target, dpi=80)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
