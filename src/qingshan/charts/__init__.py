"""One chart grammar for web pages and reports: Vega-Lite specs (Altair), rendered offline.

This package holds what every domain's charts share (spec type, fonts, the choropleth map,
rendering); a domain's own charts live in the domain (``qingshan.air.charts``).

Every chart function returns a :class:`ChartSpec` — a Vega-Lite ``dict`` that also carries
``.table`` (the DataFrame it plots) and ``.caption`` (a sentence a reader can quote).
:func:`render_svg` / :func:`render_png` render any spec with ``vl-convert-python``.

Example
-------
>>> from qingshan.air.charts import bar_vs_limit
>>> from qingshan.charts import render_svg
>>> spec = bar_vs_limit(df, limit=35, who_level=5, lang="zh")   # doctest: +SKIP
>>> svg = render_svg(spec)                                        # doctest: +SKIP
"""

from typing import TYPE_CHECKING

from qingshan.core.lazy import lazy_getattr

if TYPE_CHECKING:
    from qingshan.charts.calsvg import calendar_svg
    from qingshan.charts.cmap import city_map, city_map_caption
    from qingshan.charts.compare import compare_series
    from qingshan.charts.common import FONT_FAMILY, ChartSpec, pollutant_label
    from qingshan.charts.linesvg import line_svg
    from qingshan.charts.render import render_png, render_svg

__all__ = ["FONT_FAMILY", "ChartSpec", "calendar_svg", "city_map", "city_map_caption",
           "compare_series", "line_svg", "pollutant_label", "render_png", "render_svg"]

#: where each name lives, imported on first use (PEP 562): the chart helper of a bulletin
#: (:mod:`qingshan.reports.figures`) needs only :mod:`qingshan.charts.render`, not Altair and
#: pandas (≈ 0.75 s), and ``qingshan report`` starts it before those load
_LAZY = {"calendar_svg": "calsvg", "city_map": "cmap", "city_map_caption": "cmap",
         "compare_series": "compare", "FONT_FAMILY": "common", "ChartSpec": "common",
         "pollutant_label": "common", "line_svg": "linesvg", "render_png": "render",
         "render_svg": "render"}

__getattr__ = lazy_getattr(__name__, _LAZY, globals())
