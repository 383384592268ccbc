"""Charts of a bulletin rendered once, when an output needs them, in the form it needs.

A :class:`~qingshan.reports.model.ReportChart` carries its Vega-Lite spec; the HTML bulletin
needs SVG (vector, self-contained), the PDF bulletin PNG, the Excel bulletin neither (it holds
the charts' tables). Each form is rendered at most once per chart (cached on the chart) and —
when the builder knows the output (``build_air_report(..., render="pdf")``) — while the rest of
the bulletin is still being gathered. Why PNG in the PDF: WeasyPrint draws an SVG in Python, in
the PDF stage that nothing can overlap; a PNG is rasterised by vl-convert beforehand and only
placed by WeasyPrint. The figures are the same: the same spec, tables and captions; only the
picture's encoding differs (PNG at ``PNG_SCALE`` × the chart's CSS size, ≈ 190 dpi at the
printed width). ``PRINT_FORMAT = "svg"`` restores vector charts in the PDF.

Where (``RENDERER``): vl-convert 1.9 keeps Python's GIL while it renders (measured: a pure
Python loop ran 8–10× slower beside a rendering thread), so a rendering *thread* stalls the
build it was meant to overlap. The default ``"process"`` renders in one helper process
(:class:`_Worker`: the same interpreter, ``-I``, importing only ``vl_convert``, the same font
directories registered, then ``vegalite_to_png``/``vegalite_to_svg`` — byte-identical output),
started on first use and kept for the life of the process, at a lower priority
(:data:`qingshan.reports.pdf.HELPER_NICE`, as the PDF helper); ``"thread"`` is the former path. A
chart whose render fails in the helper (or a helper that cannot start) is rendered again in
this process, so an error is raised here as before.
"""

from __future__ import annotations

import base64
import json
import os
import struct
import subprocess
import sys
import queue
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

__all__ = ["PNG_SCALE", "PRINT_FORMAT", "RENDERER", "WORKERS", "kind_for", "prepare",
           "png_img", "start", "warm"]

#: what the PDF embeds: "png" (default) or "svg" (the former path; benchmarks compare both)
PRINT_FORMAT = "png"
#: pixel density of the PDF's PNG charts (2 = 192 dpi for a chart printed at its CSS size)
PNG_SCALE = 2.0
#: where charts render: "process" (one helper process, default) or "thread" (in this process)
RENDERER = "process"
#: threads rendering a bulletin's charts when ``RENDERER = "thread"``
WORKERS = 2


def _render(chart, kind: str) -> None:
    from qingshan.charts import render_png, render_svg

    if kind == "svg":
        chart.svg = render_svg(chart.spec)
    else:
        chart.png = render_png(chart.spec, scale=PNG_SCALE)


#: the helper's program: length-prefixed JSON requests on stdin, replies on stdout, in order
_CODE = r"""
import json, os, struct, sys
try:
    os.nice(int(sys.argv[2]))   # below the command it serves (qingshan.reports.pdf.HELPER_NICE)
except (AttributeError, OSError, ValueError):
    pass
import vl_convert as vlc
inp, out = sys.stdin.buffer, sys.stdout.buffer
for d in json.loads(sys.argv[1]):
    vlc.register_font_directory(d)
# warm up (the JavaScript engine and the fonts, ≈ 0.5 s of CPU) before the first request
vlc.vegalite_to_svg({"mark": "text", "data": {"values": [{"t": "济南 PM2.5"}]},
                     "encoding": {"text": {"field": "t"}}})
while True:
    head = inp.read(4)
    if len(head) < 4:
        break
    req = json.loads(inp.read(struct.unpack(">I", head)[0]))
    try:
        if req["kind"] == "svg":
            body, ok = vlc.vegalite_to_svg(req["spec"]).encode("utf-8"), 1
        else:
            body, ok = vlc.vegalite_to_png(req["spec"], scale=req["scale"]), 1
    except Exception as exc:
        body, ok = repr(exc).encode("utf-8"), 0
    out.write(struct.pack(">BI", ok, len(body)) + body)
    out.flush()
"""


def _json_default(v):
    if hasattr(v, "item"):          # numpy scalars
        return v.item()
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "isoformat"):
        return v.isoformat()
    raise TypeError(f"not JSON: {type(v).__name__}")


class _Worker:
    """One helper process rendering specs in order (see the module docstring)."""

    def __init__(self) -> None:
        from qingshan.charts.render import available_font_dirs
        from qingshan.reports.pdf import HELPER_NICE

        dirs = json.dumps(list(available_font_dirs()))
        self.proc = subprocess.Popen([sys.executable, "-I", "-c", _CODE, dirs, str(HELPER_NICE)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.owner = os.getpid()        # a forked child (a server worker) starts its own
        self.waiting: deque[Future] = deque()
        self.lock = threading.Lock()
        self.ended = False
        self.outbox: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        for target in (self._read, self._write):   # the caller never waits on the pipe
            threading.Thread(target=target, name="qingshan-charts-io", daemon=True).start()

    def submit(self, spec, kind: str) -> Future:
        body = json.dumps({"kind": kind, "scale": PNG_SCALE, "spec": dict(spec)},
                          default=_json_default).encode("utf-8")
        fut: Future = Future()
        fut.from_helper = True          # a failure here is rendered again in this process
        with self.lock:
            if self.ended:
                raise OSError("chart helper ended")   # start() renders in this process
            self.waiting.append(fut)
            self.outbox.put(struct.pack(">I", len(body)) + body)
        return fut

    def _write(self) -> None:
        try:
            while True:
                msg = self.outbox.get()
                self.proc.stdin.write(msg)
                self.proc.stdin.flush()
        except (OSError, ValueError):   # the helper ended: _read fails what is waiting
            pass

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            head = out.read(5)
            if len(head) < 5:
                break
            ok, n = struct.unpack(">BI", head)
            body = out.read(n)
            with self.lock:
                fut = self.waiting.popleft()
            if ok:
                fut.set_result(body)
            else:
                fut.set_exception(RuntimeError(body.decode("utf-8", "replace")))
        with self.lock:              # the helper ended: every waiting chart renders here
            self.ended = True
            while self.waiting:
                self.waiting.popleft().set_exception(RuntimeError("chart helper ended"))


_POOL: ThreadPoolExecutor | None = None
_WORKER: _Worker | None = None


_LOCK = threading.Lock()


def _worker() -> _Worker | None:
    global _WORKER
    with _LOCK:
        w = _WORKER
        if w is not None and w.owner == os.getpid() and not w.ended and w.proc.poll() is None:
            return w
        try:
            _WORKER = _Worker()
        except OSError:
            _WORKER = None
        return _WORKER


def warm() -> None:
    """Start the chart helper now (``RENDERER = "process"``), so that its start-up runs
    while this process is still importing (``qingshan report air --format pdf``:
    :mod:`qingshan.launch`); :func:`start` then uses it."""
    if RENDERER == "process":
        _worker()


def kind_for(fmt: str | None) -> str | None:
    """The chart form output format ``fmt`` embeds: html → svg, pdf → ``PRINT_FORMAT``."""
    return {"html": "svg", "pdf": PRINT_FORMAT}.get(fmt or "")


def start(charts, kind: str) -> None:
    """Start rendering ``charts`` as ``kind`` in the background (while the bulletin's other
    figures are still being gathered); :func:`prepare` waits for them."""
    global _POOL
    todo = [c for c in charts if c.spec is not None and kind not in c.pending]
    helper = _worker() if RENDERER == "process" and todo else None
    for c in todo:
        if helper is not None:
            try:
                c.pending[kind] = helper.submit(c.spec, kind)
                continue
            except (OSError, TypeError, ValueError):   # helper gone, or a spec not JSON
                pass
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=max(1, WORKERS),
                                       thread_name_prefix="qingshan-charts")
        c.pending[kind] = _POOL.submit(_render, c, kind)


def _collect(chart, kind: str, fut: Future) -> None:
    got = fut.result()           # a thread's render re-raises its error here
    if isinstance(got, bytes):   # the helper's reply
        if kind == "svg":
            chart.svg = got.decode("utf-8")
        else:
            chart.png = got


def prepare(report, kind: str) -> None:
    """Render every chart of ``report`` that lacks form ``kind`` ("svg" or "png")."""
    if kind not in ("svg", "png"):
        raise ValueError("kind must be 'svg' or 'png'")
    for s in report.sections:
        for c in s.charts:
            fut = c.pending.pop(kind, None)
            if fut is None:
                continue
            try:
                _collect(c, kind, fut)
            except Exception:
                if not getattr(fut, "from_helper", False):
                    raise
                # the helper failed or ended: rendered below, in this process (errors here)
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
