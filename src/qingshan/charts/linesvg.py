"""A monthly line chart with reference lines as SVG text, drawn directly (no Vega, no vl-convert).

The six trend charts of a city page took vl-convert 0.35–1 s of CPU each (with the GIL held,
issue 14, session 5); this function draws the same chart in about a millisecond: the values of
each month (a line with a point per month; a month without a value breaks the line, as Vega's
line does), horizontal dashed reference lines (GB 3095 limit, WHO guideline) in the colours of
:func:`qingshan.air.charts.trend`, a y axis from 0 with "nice" ticks (the d3 tick rule that
Vega uses: steps of 1, 2 or 5 × 10ⁿ), the month labels on the x axis and a legend at the
bottom. The PDF bulletins keep the Vega-Lite chart. The image's accessible name is the caller's
caption, in the page's language; every point has a ``<title>`` (series, month, value).
"""

from __future__ import annotations

import math
from html import escape

from qingshan.charts.common import FONT_FAMILY

__all__ = ["line_svg", "nice_ticks"]

_SERIES_COLOURS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b"]


def _width(text: str, size: float) -> float:
    """A text's width in px, estimated (a CJK character is one em, others about 0.6 em)."""
    return sum(size if ord(c) > 0x2E80 else 0.6 * size for c in text)


def _step(lo: float, hi: float, count: int) -> float:
    """d3's tick increment: ``(hi - lo) / count`` rounded to 1, 2 or 5 × 10ⁿ."""
    raw = (hi - lo) / max(count, 1)
    power = math.floor(math.log10(raw))
    err = raw / 10 ** power
    f = 10 if err >= math.sqrt(50) else 5 if err >= math.sqrt(10) else 2 if err >= math.sqrt(2) \
        else 1
    return f * 10.0 ** power


def nice_ticks(hi: float, count: int = 6) -> tuple[float, list[float], int]:
    """(top of the axis, tick values, decimals of their labels) of an axis from 0 to at least
    ``hi``: the domain made "nice" (d3 ``nice()``: 10 steps), then about ``count`` ticks (Vega's
    default, height / 40). E.g. ``hi`` 89 → top 90, ticks 0, 20, 40, 60, 80."""
    if not hi > 0:
        hi = 1.0
    top = hi
    for _ in range(10):         # d3 repeats until the nice domain is stable
        s = _step(0.0, top, 10)
        new = math.ceil(top / s) * s
        if new == top:
            break
        top = new
    s = _step(0.0, top, count)
    n = int(math.floor(top / s + 1e-9))
    ticks = [round(k * s, 10) for k in range(n + 1)]
    decimals = max(0, -math.floor(math.log10(s) + 1e-9))
    return top, ticks, decimals


def line_svg(series: dict[str, list[float | None]], months: list[str],
             limits: dict[str, float], rule_colours: list[str], ylabel: str, xlabel: str,
             line_title: str, label: str, width: int = 520, height: int = 240) -> str:
    """The chart's SVG.

    ``series``: name → one value per entry of ``months`` (``None`` / NaN: no value);
    ``months``: the x labels in order; ``limits``: reference line label → value;
    ``rule_colours``: their colours in order; ``ylabel`` / ``xlabel``: axis titles;
    ``line_title``: the legend title of the reference lines; ``label``: the accessible name.
    """
    vals = [v for vs in series.values() for v in vs if v is not None and not math.isnan(v)]
    top, ticks, dec = nice_ticks(max(vals + [float(v) for v in limits.values()] + [0.0]),
                                 math.ceil(height / 40))
    left, top_pad = 60, 10
    n = max(len(months), 1)
    band = width / n

    def x(i: int) -> float:
        return left + (i + 0.5) * band

    def y(v: float) -> float:
        return top_pad + height * (1 - v / top)

    legend_y = top_pad + height + 56
    # legend: the series (points), then the reference lines under their title
    lx, items = left - 40, []
    for k, name in enumerate(series):
        items.append((lx, name, _SERIES_COLOURS[k % len(_SERIES_COLOURS)]))
        lx += 24 + _width(name, 11)
    rules, rx = [], lx
    for (name, _), col in zip(limits.items(), rule_colours):
        rules.append((rx, name, col))
        rx += 30 + _width(name, 10)
    total_w, total_h = max(left + width + 20, math.ceil(rx)), legend_y + 30
    ff = escape(FONT_FAMILY, quote=True)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{total_w}" '
           f'height="{total_h}" viewBox="0 0 {total_w} {total_h}" role="img" '
           f'aria-label="{escape(label, quote=True)}" font-family="{ff}">',
           f'<rect width="{total_w}" height="{total_h}" fill="white"/>']
    fmt = f"{{:,.{dec}f}}"
    for tv in ticks:        # grid and y labels
        yy = y(tv)
        out.append(f'<line x1="{left}" x2="{left + width}" y1="{yy:.1f}" y2="{yy:.1f}" '
                   f'stroke="#ddd"/><text x="{left - 6}" y="{yy + 3:.1f}" text-anchor="end" '
                   f'font-size="10">{fmt.format(tv)}</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top_pad}" y2="{top_pad + height}" '
               f'stroke="#888"/><line x1="{left}" x2="{left + width}" '
               f'y1="{top_pad + height}" y2="{top_pad + height}" stroke="#888"/>')
    for i, m in enumerate(months):
        out.append(f'<text x="{x(i):.1f}" y="{top_pad + height + 16}" text-anchor="middle" '
                   f'font-size="10">{escape(m)}</text>')
    out.append(f'<text x="{left + width / 2:g}" y="{top_pad + height + 34}" '
               f'text-anchor="middle" font-size="11" font-weight="bold">{escape(xlabel)}</text>')
    out.append(f'<text transform="translate(16,{top_pad + height / 2:g}) rotate(-90)" '
               f'text-anchor="middle" font-size="11" font-weight="bold">{escape(ylabel)}</text>')
    for (name, value), col in zip(limits.items(), rule_colours):
        yy = y(float(value))
        out.append(f'<line x1="{left}" x2="{left + width}" y1="{yy:.1f}" y2="{yy:.1f}" '
                   f'stroke="{col}" stroke-width="1.5" stroke-dasharray="6,3">'
                   f'<title>{escape(f"{name} {float(value):g}")}</title></line>')
    for k, (name, vs) in enumerate(series.items()):
        col = _SERIES_COLOURS[k % len(_SERIES_COLOURS)]
        runs, cur = [], []
        for i, v in enumerate(vs):
            if v is None or math.isnan(v):
                if cur:
                    runs.append(cur)
                cur = []
            else:
                cur.append((x(i), y(v)))
        if cur:
            runs.append(cur)
        for r in runs:
            if len(r) > 1:
                pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in r)
                out.append(f'<polyline points="{pts}" fill="none" stroke="{col}" '
                           f'stroke-width="2"/>')
        for i, v in enumerate(vs):
            if v is not None and not math.isnan(v):
                tip = f"{name}, {months[i]}: {v:g}"
                out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{col}">'
                           f'<title>{escape(tip)}</title></circle>')
    for lx0, name, col in items:
        out.append(f'<circle cx="{lx0 + 5:.1f}" cy="{legend_y - 4}" r="5" fill="{col}"/>'
                   f'<text x="{lx0 + 14:.1f}" y="{legend_y}" font-size="11">{escape(name)}</text>')
    if limits:
        out.append(f'<text x="{lx:.1f}" y="{legend_y}" font-size="11" font-weight="bold">'
                   f'{escape(line_title)}</text>')
        for rx0, name, col in rules:
            out.append(f'<line x1="{rx0:.1f}" x2="{rx0 + 12:.1f}" y1="{legend_y + 14}" '
                       f'y2="{legend_y + 14}" stroke="{col}" stroke-width="1.5" '
                       f'stroke-dasharray="6,3"/><text x="{rx0 + 16:.1f}" y="{legend_y + 18}" '
                       f'font-size="10">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
