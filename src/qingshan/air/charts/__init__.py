"""Air charts (calendar, trend, hourly series, ranking bars) as Vega-Lite specs."""

from qingshan.air.charts.bars import bar_vs_limit
from qingshan.air.charts.calendar import calendar
from qingshan.air.charts.hourly import hourly_series
from qingshan.air.charts.trend import trend

__all__ = ["bar_vs_limit", "calendar", "hourly_series", "trend"]
