"""PDF bulletin (A4) with WeasyPrint: CJK fonts embedded, page numbers, contents for annual.

Fonts come from the system (fontconfig): Noto Sans CJK SC from the Debian package
``fonts-noto-cjk`` (fallback WenQuanYi Zen Hei, ``fonts-wqy-zenhei``); WeasyPrint embeds the
subset of every glyph used.  Nothing is downloaded at run time.
"""

from __future__ import annotations

from pathlib import Path

from qingshan.reports.html import render_html
from qingshan.reports.model import ReportData

__all__ = ["render_pdf", "write_pdf"]


def render_pdf(report: ReportData) -> bytes:
    """The bulletin as PDF bytes (A4 portrait); :class:`~qingshan.reports.checks.ReportRefused`
    when no CJK font is installed (Debian package ``fonts-noto-cjk``)."""
    import weasyprint  # imported lazily: loading WeasyPrint takes about a second

    from qingshan.reports.checks import check_fonts
    check_fonts()   # refuse (ReportRefused) rather than print boxes
    html = render_html(report, for_print=True)
    return weasyprint.HTML(string=html, base_url=None).write_pdf()


def write_pdf(report: ReportData, path: str | Path) -> Path:
    """Write :func:`render_pdf` to ``path``."""
    p = Path(path)
    p.write_bytes(render_pdf(report))
    return p
