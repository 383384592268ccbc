"""Charts of a bulletin rendered once, when an output needs them, in the form it needs.

A :class:`~qingshan.reports.model.ReportChart` carries its Vega-Lite spec; the HTML bulletin
needs SVG (vector, self-contained), the PDF bulletin PNG, the Excel bulletin neither (it holds
the charts' tables). Each form is rendered at most once per chart (cached on the chart), the
charts of a bulletin concurrently, and — when the builder knows the output
(``build_air_report(..., render="pdf")``) — while the rest of the bulletin is still being
gathered: vl-convert renders outside the GIL, on the second core. Why PNG in the PDF: WeasyPrint
draws an SVG in Python, in the PDF stage that nothing can overlap; a PNG is rasterised by
vl-convert in the background and only placed by WeasyPrint. Measured (benchmarks/RESULTS.md,
issue 13): about the same CPU time in total, less of it on the critical path. The figures are
the same: the same spec, tables and captions; only the picture's encoding differs (PNG at
``PNG_SCALE`` × the chart's CSS size, ≈ 190 dpi at the printed width). ``PRINT_FORMAT = "svg"``
restores vector charts in the PDF.
"""

from __future__ import annotations

import base64
import struct
from concurrent.futures import ThreadPoolExecutor

__all__ = ["PRINT_FORMAT", "PNG_SCALE", "WORKERS", "kind_for", "prepare", "png_img", "start"]

#: what the PDF embeds: "png" (default) or "svg" (the former path; benchmarks compare both)
PRINT_FORMAT = "png"
#: pixel density of the PDF's PNG charts (2 = 192 dpi for a chart printed at its CSS size)
PNG_SCALE = 2.0
#: threads rendering a bulletin's charts (vl-convert runs outside the GIL; 2 cores)
WORKERS = 2


def _render(chart, kind: str) -> None:
    from qingshan.charts import render_png, render_svg

    if kind == "svg":
        chart.svg = render_svg(chart.spec)
    else:
        chart.png = render_png(chart.spec, scale=PNG_SCALE)


_POOL: ThreadPoolExecutor | None = None


def kind_for(fmt: str | None) -> str | None:
    """The chart form output format ``fmt`` embeds: html → svg, pdf → ``PRINT_FORMAT``."""
    return {"html": "svg", "pdf": PRINT_FORMAT}.get(fmt or "")


def start(charts, kind: str) -> None:
    """Start rendering ``charts`` as ``kind`` in the background (while the bulletin's other
    figures are still being gathered: vl-convert uses the second core meanwhile);
    :func:`prepare` waits for them."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=max(1, WORKERS),
                                   thread_name_prefix="qingshan-charts")
    for c in charts:
        if c.spec is not None and kind not in c.pending:
            c.pending[kind] = _POOL.submit(_render, c, kind)


def prepare(report, kind: str) -> None:
    """Render every chart of ``report`` that lacks form ``kind`` ("svg" or "png")."""
    if kind not in ("svg", "png"):
        raise ValueError("kind must be 'svg' or 'png'")
    for s in report.sections:
        for c in s.charts:
            fut = c.pending.pop(kind, None)
            if fut is not None:
                fut.result()          # re-raises a rendering error here
    todo = [c for s in report.sections for c in s.charts
            if c.spec is not None and not (c.svg if kind == "svg" else c.png)]
    if not todo:
        return
    if WORKERS <= 1 or len(todo) == 1:
        for c in todo:
            _render(c, kind)
        return
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(todo))) as pool:
        list(pool.map(lambda c: _render(c, kind), todo))


def png_img(png: bytes, alt: str) -> dict[str, str]:
    """``src`` (data URI) and CSS width (the chart's own size) of a PNG chart's ``<img>``."""
    width = struct.unpack(">I", png[16:20])[0]      # IHDR width, pixels
    return {"src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
            "width": f"{width / PNG_SCALE:.0f}px", "alt": alt}
