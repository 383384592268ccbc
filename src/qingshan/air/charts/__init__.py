"""Air charts (calendar, trend, hourly series, ranking bars) as Vega-Lite specs."""

from qingshan.air.charts.bars import bar_vs_limit
from qingshan.air.charts.calendar import calendar, calendar_table
from qingshan.air.charts.hourly import hourly_series
from qingshan.air.charts.trend import trend, trend_table

__all__ = ["bar_vs_limit", "calendar", "calendar_table", "hourly_series", "trend",
           "trend_table"]
