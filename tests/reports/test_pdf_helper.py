"""The PDF helper process (:mod:`qingshan.reports.pdf`): the same bytes as WeasyPrint in this
process, and a helper that fails or dies leaves the PDF to this process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from qingshan.reports import pdf

pytestmark = pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig missing")

HTML = ("<html><head><style>body{font-family:'Noto Sans CJK SC'} td{border:1px solid}"
        "</style></head><body><h1>山东省环境空气质量月报</h1><table><tr><td>济南</td>"
        "<td>PM2.5 35 μg/m³</td></tr></table></body></html>")


def test_helper_pdf_equals_the_pdf_rendered_here():
    import weasyprint

    helper = pdf._Helper()
    got = helper.render(HTML)
    assert got is not None and got.startswith(b"%PDF-")
    assert got == weasyprint.HTML(string=HTML, base_url=None).write_pdf()
    assert helper.proc.poll() == 0          # one document, then it exits


def test_a_dead_helper_is_not_trusted():
    helper = pdf._Helper()
    helper.proc.kill()
    helper.proc.wait()
    assert not helper.usable()
    assert helper.render(HTML) is None      # render_pdf renders it in this process then


def test_render_pdf_falls_back_here_when_the_helper_died(monkeypatch):
    """A helper that died before the document was sent: render_pdf still returns the PDF,
    rendered in this process (the same bytes)."""
    from qingshan.reports.model import ReportData, ReportSection
    report = ReportData(lang="zh", period="2026-09", kind="month", title="山东省环境空气质量月报",
                        subtitle="2026年9月", issuer="山东省生态环境厅", generated="2026-10-05",
                        sections=[ReportSection("summary", "概况", paragraphs=["全省优良天数比例"])])
    expected = pdf.render_pdf(report)       # weasyprint imported here: rendered here
    dead = pdf._Helper()
    dead.proc.kill()
    dead.proc.wait()
    monkeypatch.setattr(pdf, "_HELPER", dead)
    monkeypatch.delitem(sys.modules, "weasyprint")   # as in a fresh process: the helper's turn
    assert pdf.render_pdf(report) == expected
    assert pdf._HELPER is None


def test_render_pdf_uses_the_helper_in_a_fresh_process(tmp_path):
    """``qingshan report`` in a fresh process: the PDF is the helper's, and this process never
    imported WeasyPrint."""
    code = ("import sys\n"
            "from qingshan.reports import pdf\n"
            "from qingshan.reports.model import ReportData, ReportSection\n"
            "pdf.preload()\n"
            "r = ReportData(lang='zh', period='2026-09', kind='month', title='月报', subtitle='',"
            " issuer='厅', generated='2026-10-05', sections=[ReportSection('s', '概况',"
            " paragraphs=['全省'])])\n"
            f"open({str(tmp_path / 'a.pdf')!r}, 'wb').write(pdf.render_pdf(r))\n"
            "print('weasyprint' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert out.strip() == "False"
    assert (tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"


def _nice_of(pid: int) -> int | None:
    """The niceness ``pid`` runs at (``/proc/<pid>/stat`` field 19), None once it ended."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def _settled_nice(pid: int, want: int) -> int | None:
    import time

    deadline = time.monotonic() + 20        # the helper lowers itself as its first step
    got = _nice_of(pid)
    while got != want and got is not None and time.monotonic() < deadline:
        time.sleep(0.02)
        got = _nice_of(pid)
    return got


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_helpers_run_below_the_command_priority():
    """Both helpers (WeasyPrint's and the chart renderer's) lower their own priority by
    ``HELPER_NICE``, so that on a 2-core machine the command's build is not slowed by their
    start-up; the PDF they give is the same (test above)."""
    from qingshan.reports import figures

    own = _nice_of(os.getpid())
    want = min(19, own + pdf.HELPER_NICE)
    assert pdf.HELPER_NICE >= 5
    helper = pdf._Helper()
    try:
        assert _settled_nice(helper.proc.pid, want) == want
    finally:
        helper.close()
    worker = figures._Worker()
    try:
        assert _settled_nice(worker.proc.pid, want) == want
    finally:
        worker.proc.stdin.close()
        worker.proc.wait(timeout=30)
