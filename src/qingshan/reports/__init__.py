"""Air-quality bulletins (monthly, quarterly, annual) as HTML, PDF and Excel, in zh and en.

:func:`build_air_report` gathers the figures from :mod:`qingshan.air.service` into a
:class:`ReportData`; :func:`render_html`, :func:`write_pdf` and :func:`write_xlsx` lay it out.
:func:`write_report` picks the renderer by format.
"""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from qingshan.core.lazy import lazy_getattr
from qingshan.reports.pdf import render_pdf, write_pdf

if TYPE_CHECKING:
    from qingshan.reports.html import render_html, write_html
    from qingshan.reports.model import ReportChart, ReportData, ReportSection, ReportTable

__all__ = [
    "FORMATS", "ReportChart", "ReportData", "ReportSection", "ReportTable", "build_air_report",
    "render_html", "render_pdf", "write_html", "write_pdf", "write_report", "write_xlsx",
]

FORMATS = ("html", "pdf", "xlsx")

#: names imported on first use (PEP 562): the model and HTML layout import pandas and Jinja
#: (≈ 0.45 s), which the PDF and chart helpers (:mod:`qingshan.reports.pdf`,
#: :mod:`qingshan.reports.figures`) do not need — ``qingshan report`` starts those first
_LAZY = {"render_html": "html", "write_html": "html", "ReportChart": "model",
         "ReportData": "model", "ReportSection": "model", "ReportTable": "model"}

__getattr__ = lazy_getattr(__name__, _LAZY, globals())


def build_air_report(*args, **kwargs) -> ReportData:
    """The air bulletin (:func:`qingshan.air.report.build_air_report`, the air domain's
    registered ``report`` part), imported on call so that the domain may use this package."""
    from qingshan.core.registry import domain, load
    return load(domain("air").parts["report"])(*args, **kwargs)


def write_xlsx(report: ReportData, path: str | Path) -> Path:
    """:func:`qingshan.reports.xlsx.write_xlsx`, imported on call: a PDF or HTML bulletin (a
    fresh ``qingshan report`` process) does not import XlsxWriter."""
    from qingshan.reports.xlsx import write_xlsx as write
    return write(report, path)


def write_report(report: ReportData, fmt: str, path: str | Path) -> Path:
    """Write ``report`` as ``fmt`` (``html``, ``pdf`` or ``xlsx``) to ``path``."""
    from qingshan.reports.html import write_html
    writers = {"html": write_html, "pdf": write_pdf, "xlsx": write_xlsx}
    if fmt not in writers:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return writers[fmt](report, path)
