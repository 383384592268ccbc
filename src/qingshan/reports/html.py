"""HTML bulletin: one self-contained file (styles and SVG charts inline, no external reference)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2

from qingshan.reports.labels import tr
from qingshan.reports.model import ReportData

__all__ = ["render_html", "write_html"]


def _template_text(name: str) -> str:
    return (resources.files("qingshan.reports") / "templates" / name).read_text(encoding="utf-8")


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_template_text),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: ReportData, for_print: bool = False) -> str:
    """The bulletin as one HTML document.

    Parameters
    ----------
    report : ReportData
    for_print : bool
        Add the print style sheet (A4 pages, page numbers, table of contents page numbers)
        used by the PDF renderer; chart tables are then omitted under the charts (their
        captions remain and the same figures are in the tables of the other sections).
    """
    from qingshan.reports import figures

    img = for_print and figures.PRINT_FORMAT == "png"
    figures.prepare(report, "png" if img else "svg")   # only the form this output shows
    css = _template_text("bulletin.css")
    if for_print:
        css += "\n" + _template_text("print.css")
    lang = report.lang
    return _env().get_template("air_bulletin.html.j2").render(
        r=report,
        css=css,
        show_chart_tables=not for_print,
        chart_img=(lambda c: figures.png_img(c.png, c.title)) if img else None,
        toc_label=tr("toc", lang),
        generated_label=tr("generated", lang),
        draft_label=tr("draft_synthetic" if report.synthetic else "draft", lang),
        synthetic_notice=tr("synthetic_notice", lang) if report.synthetic else "",
        standards_label=tr("standards_used", lang),
        colon="：" if lang == "zh" else ": ",
        issued_date=_issued(report.generated, lang),
    )


def _issued(iso: str, lang: str) -> str:
    """The date block: "2026年12月1日" / "1 December 2026"."""
    from datetime import date
    try:
        d = date.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {d.strftime('%B')} {d.year}"


def write_html(report: ReportData, path: str | Path) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8)."""
    p = Path(path)
    p.write_text(render_html(report), encoding="utf-8")
    return p
