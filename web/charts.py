"""Decisions per year as a bar chart the server draws (SVG): one bar per series a year, a y axis with
its ticks, and a legend with every series' full name (the page lists it beside the chart)."""
from __future__ import annotations

import math

#: The chart's drawing area in SVG units; the SVG scales to the page's width.
WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 640, 260, 44, 12, 28
COLOURS = 8  # series take the classes s0..s7 in the style sheet, in turn


def _ticks(peak: int) -> list[int]:
    """Round tick values from 0 up to at least `peak`: 0, 5, 10 … or 0, 20, 40 …"""
    if peak <= 0:
        return [0, 1]
    step, scale = 1, 1
    while peak / step > 5:  # 1, 2, 5, 10, 20, 50 …
        for m in (1, 2, 5):
            step = m * scale
            if peak / step <= 5:
                break
        scale *= 10
    return list(range(0, math.ceil(peak / step) * step + 1, step))


def chart(rows: list[dict]) -> dict:
    """rows of (year, series, n) laid out as bars, y-axis ticks, year labels and the legend."""
    series = sorted({r["series"] for r in rows})
    years = sorted({r["year"] for r in rows})
    if not rows:
        return {"bars": [], "legend": [], "ticks": [], "years": []}
    ticks = _ticks(max(r["n"] for r in rows))
    top = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    group = plot_w / len(years)
    bar = max(2.0, min(40.0, (group - 8) / len(series)))
    index = {s: i for i, s in enumerate(series)}
    bars = []
    for r in rows:
        x0 = LEFT + years.index(r["year"]) * group + (group - bar * len(series)) / 2
        h = plot_h * r["n"] / top
        bars.append({**r, "x": round(x0 + index[r["series"]] * bar, 1), "y": round(TOP + plot_h - h, 1),
                     "width": round(bar - 1, 1), "height": round(h, 1), "colour": index[r["series"]] % COLOURS})
    return {
        "bars": bars,
        "ticks": [{"value": t, "y": round(TOP + plot_h - plot_h * t / top, 1)} for t in ticks],
        "years": [{"year": y, "x": round(LEFT + (i + 0.5) * group, 1)} for i, y in enumerate(years)],
        "legend": [{"name": s, "colour": i % COLOURS} for i, s in enumerate(series)],
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "base": TOP + plot_h,
    }
