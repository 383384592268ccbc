"""PDF bulletin (A4) with WeasyPrint: CJK fonts embedded, page numbers, contents for annual.

Fonts come from the system (fontconfig): Noto Sans CJK SC from the Debian package
``fonts-noto-cjk`` (fallback WenQuanYi Zen Hei, ``fonts-wqy-zenhei``); WeasyPrint embeds the
subset of every glyph used.  Nothing is downloaded at run time.

Where it renders: WeasyPrint is pure Python and holds the GIL while it imports (≈ 0.5 s) and
lays out (≈ 1.5 s for a 10-page monthly bulletin). In a process that has not imported it (the
``qingshan report`` command, a server), :func:`preload` starts one helper process
(:class:`_Helper`: the same interpreter, ``-I``, importing WeasyPrint while the bulletin's
figures are still being gathered here, on the other core) and :func:`render_pdf` hands it the
print HTML and reads the PDF back — the same WeasyPrint, fonts and HTML, so the same bytes
(``tests/reports/test_pdf_helper.py``). Each helper renders one bulletin and exits. A helper that
cannot start, fails or dies is not trusted: the PDF is rendered again in this process, so an
error is raised here as before. ``HELPER = False`` renders in this process always.

Priority: a helper lowers its own scheduling priority by ``HELPER_NICE`` (``os.nice``) as its
first step. On 2 cores the command and its two helpers start at once; at equal priority the
helpers' start-up took a third of the command's core for its first second (measured:
the command at 46–58 % CPU, not ≈ 90 %). A helper's own work is not slowed when the command
is waiting for it (nothing else to run). A lower priority cannot be raised again by the
process, so a helper never competes with the command it serves.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:      # imported on use: this module starts the helper before pandas loads
    from qingshan.reports.model import ReportData

__all__ = ["HELPER", "HELPER_NICE", "preload", "render_pdf", "write_pdf"]

#: render in a helper process (module docstring); False: always in this process
HELPER = True
#: the longest a helper may take for one bulletin before it is stopped and the PDF rendered here
HELPER_TIMEOUT_S = 300
#: how much lower the helpers (this one and the chart renderer's) run than the command (module
#: docstring); 0: the same priority
HELPER_NICE = 10

#: the helper's program: one length-prefixed HTML document on stdin, one reply on stdout
_CODE = r"""
import os, struct, sys
try:
    os.nice(int(sys.argv[1]))   # below the command it serves (HELPER_NICE)
except (AttributeError, OSError, ValueError):
    pass
import weasyprint
# warm up (fontconfig, Pango's font map, the CJK faces a bulletin uses) before the document
weasyprint.HTML(string="<p style='font-family: Noto Serif CJK SC'>济南<b style='font-family: "
                "Noto Sans CJK SC'>全省 1</b></p>").write_pdf()
inp, out = sys.stdin.buffer, sys.stdout.buffer
head = inp.read(8)
if len(head) == 8:
    html = inp.read(struct.unpack(">Q", head)[0]).decode("utf-8")
    try:
        body, ok = weasyprint.HTML(string=html, base_url=None).write_pdf(), 1
    except Exception as exc:
        body, ok = repr(exc).encode("utf-8"), 0
    out.write(struct.pack(">BQ", ok, len(body)) + body)
    out.flush()
os._exit(0)     # the reply is out: no interpreter teardown (the caller waits for the exit)
"""


class _Helper:
    """One helper process that imports WeasyPrint now and renders one document later."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-I", "-c", _CODE, str(HELPER_NICE)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.owner = os.getpid()        # a forked child (a server worker) starts its own

    def usable(self) -> bool:
        return self.owner == os.getpid() and self.proc.poll() is None

    def render(self, html: str) -> bytes | None:
        """The PDF of ``html``, or None when the helper failed (the caller renders it)."""
        data = html.encode("utf-8")
        try:
            out, _ = self.proc.communicate(struct.pack(">Q", len(data)) + data,
                                           timeout=HELPER_TIMEOUT_S)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.close()
            return None
        if len(out) < 9:
            return None
        ok, n = struct.unpack(">BQ", out[:9])
        body = out[9:]
        return body if ok == 1 and len(body) == n else None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.communicate(timeout=5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass


_HELPER: _Helper | None = None
_LOCK = threading.Lock()


def _take_helper() -> _Helper | None:
    global _HELPER
    with _LOCK:
        h, _HELPER = _HELPER, None
    if h is not None and not h.usable():
        h.close()
        return None
    return h


def preload() -> None:
    """Start the helper process that imports WeasyPrint (module docstring) while the build's
    queries run here. Nothing when WeasyPrint is already imported in this process (it renders
    here then) or a helper is already waiting."""
    global _HELPER
    if not HELPER or "weasyprint" in sys.modules:
        return
    with _LOCK:
        if _HELPER is not None and _HELPER.usable():
            return
        try:
            _HELPER = _Helper()
        except OSError:
            _HELPER = None


def render_pdf(report: ReportData) -> bytes:
    """The bulletin as PDF bytes (A4 portrait); :class:`~qingshan.reports.checks.ReportRefused`
    when no CJK font is installed (Debian package ``fonts-noto-cjk``)."""
    from qingshan.reports.checks import check_fonts
    from qingshan.reports.html import render_html
    check_fonts()   # refuse (ReportRefused) rather than print boxes
    html = render_html(report, for_print=True)
    helper = _take_helper() if "weasyprint" not in sys.modules else None
    if helper is not None:
        got = helper.render(html)
        if got is not None:
            return got
    import weasyprint  # imported lazily: loading WeasyPrint takes about half a second

    return weasyprint.HTML(string=html, base_url=None).write_pdf()


def write_pdf(report: ReportData, path: str | Path) -> Path:
    """Write :func:`render_pdf` to ``path``."""
    p = Path(path)
    p.write_bytes(render_pdf(report))
    return p
