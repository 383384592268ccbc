"""One chart grammar for web pages and reports: Vega-Lite specs (Altair), rendered offline.

Every chart function returns a :class:`ChartSpec` — a Vega-Lite ``dict`` that also carries
``.table`` (the DataFrame it plots) and ``.caption`` (a sentence a reader can quote).
:func:`render_svg` / :func:`render_png` render any spec with ``vl-convert-python``.

Example
-------
>>> from qingshan.charts import bar_vs_limit, render_svg
>>> spec = bar_vs_limit(df, limit=35, who_level=5, lang="zh")   # doctest: +SKIP
>>> svg = render_svg(spec)                                        # doctest: +SKIP
"""

from qingshan.charts.bars import bar_vs_limit
from qingshan.charts.calendar import calendar
from qingshan.charts.cmap import city_map
from qingshan.charts.common import FONT_FAMILY, ChartSpec, pollutant_label
from qingshan.charts.hourly import hourly_series
from qingshan.charts.render import render_png, render_svg
from qingshan.charts.trend import trend

__all__ = [
    "FONT_FAMILY",
    "ChartSpec",
    "bar_vs_limit",
    "calendar",
    "city_map",
    "hourly_series",
    "pollutant_label",
    "render_png",
    "render_svg",
    "trend",
]
