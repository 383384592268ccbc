"""The assembled content of a bulletin, independent of the output format.

A :class:`ReportData` holds sections of tables (:class:`ReportTable`: a DataFrame with
reader-facing headers that already name units, plus the number of decimals per column) and
charts (:class:`ReportChart`: the SVG, the table it plots and a caption).  The HTML, PDF and
Excel renderers only lay these out; they never compute a figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["ReportChart", "ReportData", "ReportSection", "ReportTable", "SectionContext", "format_value"]


def format_value(value: object, decimals: int | None) -> str:
    """Text of a table cell: numbers with ``decimals`` places, missing values as "—"."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if decimals is not None and isinstance(value, (int, float)):
        return f"{value:.{decimals}f}"
    try:
        if pd.isna(value):
            return "—"
    except (TypeError, ValueError):
        pass
    return str(value)


#: tables with at most this many rows are never split across pages
KEEP_ROWS = 12


@dataclass
class ReportTable:
    """A table of a bulletin.

    Attributes
    ----------
    key : str
        Short ASCII identifier, also the Excel sheet name (≤ 31 characters).
    title : str
        Caption in the bulletin's language.
    df : DataFrame
        Values as numbers (not text) under headers that carry the unit.
    decimals : dict
        Column → decimals used to display (HTML/PDF) and as Excel number format.
    note : str
        Optional sentence under the table.
    row_decimals : list of int, optional
        Decimals per row, for columns without an entry in ``decimals`` (tables whose rows are
        different indicators).
    """

    key: str
    title: str
    df: pd.DataFrame
    decimals: dict[str, int] = field(default_factory=dict)
    note: str = ""
    row_decimals: list[int] | None = None
    #: column → ``f(row_index, value) -> str``: the displayed text (HTML/PDF) of a numeric
    #: cell whose number Excel keeps (e.g. a rank shown as "倒数第1")
    display: dict = field(default_factory=dict)
    #: Excel sheet name in the bulletin's language (default: the title)
    sheet: str = ""
    #: columns frozen in Excel left of the values (e.g. the city column)
    frozen_columns: int = 0

    def cell_decimals(self, i: int, column: str) -> int | None:
        """Decimals of the cell in row ``i`` and ``column``."""
        if column in self.decimals:
            return self.decimals[column]
        return self.row_decimals[i] if self.row_decimals is not None else None

    def rows(self) -> list[list[str]]:
        """Formatted cell texts, row by row."""
        cols = list(self.df.columns)
        return [[self.display[c](i, v) if c in self.display and format_value(v, None) != "—"
                 else format_value(v, self.cell_decimals(i, c)) for c, v in zip(cols, row)]
                for i, row in enumerate(self.df.itertuples(index=False, name=None))]

    @property
    def short(self) -> bool:
        """Up to 12 rows: kept on one page with its caption and note (a split would leave a
        caption or a few rows alone; longer tables repeat their header on each page)."""
        return len(self.df) <= KEEP_ROWS

    def numeric_columns(self) -> set[str]:
        return {c for c in self.df.columns if pd.api.types.is_numeric_dtype(self.df[c])}


@dataclass
class ReportChart:
    """A rendered chart with the table it plots and a caption a reader can quote."""

    key: str
    title: str
    svg: str
    caption: str
    table: ReportTable
    #: the Vega-Lite spec; the SVG (HTML) and PNG (PDF) are rendered from it when an output
    #: needs them (:func:`qingshan.reports.figures.prepare`), once each
    spec: object = None
    png: bytes | None = None
    #: renders started early (:func:`qingshan.reports.figures.start`): kind → Future
    pending: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass
class ReportSection:
    """A numbered section: paragraphs, tables and charts in this order."""

    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[ReportChart] = field(default_factory=list)


@dataclass
class ReportData:
    """Everything a bulletin shows; built by :func:`qingshan.reports.build_air_report`."""

    lang: str
    period: str
    kind: str  # month | quarter | year
    title: str
    subtitle: str
    issuer: str
    generated: str
    sections: list[ReportSection]
    values: dict[str, object] = field(default_factory=dict)
    #: the standards, versions and policy the figures used (named in every output)
    standards: str = ""
    #: last day with data (None: the period is complete); shown as "截至 …" / "to date"
    data_end: object = None
    #: sentences of the methods sheet/section (Excel "说明" sheet)
    methods: list[str] = field(default_factory=list)
    #: the store's synthetic-data flag (:func:`qingshan.store.meta.synthetic`): what was
    #: generated; empty for real data. When set every output prints the 合成数据 notice.
    synthetic: str = ""

    @property
    def with_toc(self) -> bool:
        """A table of contents is printed for the annual bulletin."""
        return self.kind == "year"

    def all_tables(self) -> list[ReportTable]:
        """Every table (section tables, then each chart's table) in reading order."""
        out: list[ReportTable] = []
        for s in self.sections:
            out.extend(s.tables)
            out.extend(c.table for c in s.charts)
        return out


@dataclass(frozen=True)
class SectionContext:
    """What a domain's bulletin section (its registered ``parts["section"]``, called as
    ``section(ctx) -> ReportSection | None``) gets: the analytic store connection, the period
    (:class:`qingshan.core.periods.Period`), the province config, the language and the Settings
    (for the operational store). None means "nothing to report for this period"."""

    con: object
    period: object
    province: object
    lang: str
    settings: object
