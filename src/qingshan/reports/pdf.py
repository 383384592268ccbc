"""PDF bulletin (A4) with WeasyPrint: CJK fonts embedded, page numbers, contents for annual.

Fonts come from the system (fontconfig): Noto Sans CJK SC from the Debian package
``fonts-noto-cjk`` (fallback WenQuanYi Zen Hei, ``fonts-wqy-zenhei``); WeasyPrint embeds the
subset of every glyph used.  Nothing is downloaded at run time.
"""

from __future__ import annotations

import threading
from pathlib import Path

from qingshan.reports.html import render_html
from qingshan.reports.model import ReportData

__all__ = ["preload", "render_pdf", "write_pdf"]


def _import() -> None:
    try:
        import weasyprint  # noqa: F401
    except Exception:   # render_pdf imports it again and raises there
        pass


def preload() -> None:
    """Start importing WeasyPrint (≈ 1–1.7 s in a fresh process, e.g. ``qingshan report air
    --format pdf``) on a daemon thread, beside the build's queries (DuckDB releases the GIL
    while a statement runs); :func:`render_pdf` then finds it imported. Nothing when it is."""
    import sys

    if "weasyprint" not in sys.modules:
        threading.Thread(target=_import, name="qingshan-weasyprint-import", daemon=True).start()


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
