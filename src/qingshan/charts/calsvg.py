"""A calendar of daily AQI as SVG text, drawn directly (no Vega, no vl-convert).

The web's city calendar is 365 coloured cells in 12 month panels; vl-convert needs 1.8–3.5 s
of CPU for it under load (issue 14, session 5), this function a few milliseconds. It draws the
cells :func:`qingshan.air.charts.calendar_layout` lays out — the same panels (one per month,
columns Monday…Sunday, one row per calendar week), the same cell colours (each day's HJ 633
category colour, HJ 633 Appendix A Table A.1, as the caller's data give it; the "no data"
grey for a day without a record), the same text (the AQI of the days that have one, white on
the dark colours above AQI 150) and the same legend (the categories present in AQI order,
"no data" last when a day lacks data) as the Vega-Lite chart of
:func:`qingshan.air.charts.calendar`, which the PDF bulletins keep using. Every cell has a
``<title>`` (date, AQI, category) and the image has the caller's caption as its accessible
name, in the page's language.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from qingshan.charts.common import FONT_FAMILY, check_lang, t

__all__ = ["calendar_svg"]

_CELL = 22          # px, the Vega-Lite chart's cell of a multi-month calendar
_BIG_CELL = 40      # px, one month alone
_GAP_X, _GAP_Y = 24, 40
_HEAD = 38          # month label + weekday labels above each panel
_SWATCH = 10


def _text_width(text: str, size: float) -> float:
    """A text's width in px, estimated (a CJK character is one em, others about 0.6 em)."""
    return sum(size if ord(c) > 0x2E80 else 0.6 * size for c in text)


def _legend(frame: pd.DataFrame, lang: str) -> list[tuple[str, str]]:
    """(category, colour) of the legend: the categories of the days with an AQI in the order of
    their lowest AQI, then "no data" when a day has no AQI (as the Vega-Lite chart's scale)."""
    present = frame[frame["aqi"].notna()].sort_values("aqi", kind="stable")
    pairs = list(dict.fromkeys(zip(present["category"], present["colour"])))
    seen: dict[str, str] = {}
    for cat, col in pairs:
        seen.setdefault(cat, col)
    out = list(seen.items())
    if len(present) < len(frame):
        out.append((t("no_data", lang), "#e6e6e6"))
    return out


def calendar_svg(frame: pd.DataFrame, months: list[str], weekdays: list[str], lang: str,
                 label: str) -> str:
    """The calendar's SVG.

    ``frame``: one row per day, columns ``date`` (ISO text), ``day``, ``month`` (1–12),
    ``month_label``, ``wd`` (0 = Monday), ``week`` (row of its month panel), ``aqi``,
    ``category``, ``colour`` (:func:`qingshan.air.charts.calendar_layout`); ``months``: the
    month labels in calendar order, ``weekdays`` the weekday labels Monday first (the
    language's); ``label``: the accessible name (the caption the page shows).
    """
    check_lang(lang)
    order = [m for m in months if (frame["month_label"] == m).any()]
    several = len(order) > 1
    cell = _CELL if several else _BIG_CELL
    font = 9 if several else 12
    cols = min(4, len(order)) or 1
    pw, ph = cell * 7, cell * 6
    rows_n = -(-len(order) // cols)
    legend = _legend(frame, lang)
    width = cols * pw + (cols - 1) * _GAP_X + 14
    items, x, y = [], 0, 20
    for cat, col in legend:
        w = _SWATCH + 5 + _text_width(str(cat), 11) + 16
        if x and x + w > width - 14:
            x, y = 0, y + 18
        items.append((x, y, cat, col))
        x += w
    legend_h = y + 18
    height = rows_n * (_HEAD + ph) + (rows_n - 1) * (_GAP_Y - 20) + legend_h + 24
    ff = escape(FONT_FAMILY, quote=True)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(label, quote=True)}" font-family="{ff}">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    cat_label = escape(t("category", lang))
    for i, m in enumerate(order):
        x0 = 7 + (i % cols) * (pw + _GAP_X)
        y0 = 8 + (i // cols) * (_HEAD + ph + _GAP_Y - 20)
        out.append(f'<g transform="translate({x0},{y0})">')
        out.append(f'<text x="{pw / 2:g}" y="12" text-anchor="middle" font-size="12" '
                   f'font-weight="bold">{escape(m)}</text>')
        out.extend(f'<text x="{(k + 0.5) * cell:g}" y="30" text-anchor="middle" '
                   f'font-size="10">{escape(w)}</text>' for k, w in enumerate(weekdays))
        days = frame[frame["month_label"] == m]
        for d, wd, wk, aqi, cat, col in zip(days["date"], days["wd"], days["week"],
                                            days["aqi"], days["category"], days["colour"]):
            x, y = int(wd) * cell, _HEAD + int(wk) * cell
            has = aqi is not None and not pd.isna(aqi)
            tip = f"{d}, AQI {aqi:.0f}, {cat}" if has else f"{d}, {cat}"
            out.append(f'<g><title>{escape(tip)}</title><rect x="{x}" y="{y}" width="{cell}" '
                       f'height="{cell}" fill="{escape(str(col), quote=True)}" stroke="white" '
                       f'stroke-width="1.5"/>')
            if has:
                fill = "white" if aqi > 150 else "#222222"
                out.append(f'<text x="{x + cell / 2:g}" y="{y + cell / 2 + font * 0.35:g}" '
                           f'text-anchor="middle" font-size="{font}" fill="{fill}">'
                           f'{aqi:.0f}</text>')
            out.append('</g>')
        out.append('</g>')
    ly = height - legend_h - 6
    out.append(f'<g transform="translate(7,{ly})"><text x="0" y="11" font-size="11" '
               f'font-weight="bold">{cat_label}</text>')
    for x, y, cat, col in items:
        out.append(f'<rect x="{x:.1f}" y="{y}" width="{_SWATCH}" height="{_SWATCH}" '
                   f'fill="{escape(str(col), quote=True)}"/><text x="{x + _SWATCH + 5:.1f}" '
                   f'y="{y + 9}" font-size="11">{escape(str(cat))}</text>')
    out.append('</g></svg>')
    return "".join(out)
