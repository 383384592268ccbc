"""The console command's entry (``qingshan.launch``): the PDF bulletin's helpers start before
the command line loads, and a finished ``report`` command ends without the interpreter's
teardown (``qingshan.cli.common.quick_exit``) — with its output complete, its messages
printed and its exit status kept."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from qingshan.launch import renders_pdf
from tests._built import private_copy, real_h1_store


def _qingshan(*args: str, cwd=None, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qingshan", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd)


def test_which_command_lines_start_the_pdf_helpers():
    assert renders_pdf(["report", "air", "--period", "2026-09", "--format", "pdf"])
    assert renders_pdf(["report", "air", "--format=pdf", "--period", "2026"])
    assert renders_pdf(["--as", "wang", "report", "air", "--period", "2026-09",
                        "--format", "pdf"])
    assert renders_pdf(["--as=wang", "report", "air", "--format", "pdf"])
    assert not renders_pdf(["report", "air", "--period", "2026-09"])          # html
    assert not renders_pdf(["report", "air", "--period", "2026-09", "--format", "xlsx"])
    assert not renders_pdf(["air", "assess", "--period", "2026-09", "--format", "pdf"])
    assert not renders_pdf(["report"])
    assert not renders_pdf([])


def test_the_helpers_modules_load_without_pandas():
    """What the entry imports to start the helpers: not pandas, Altair, Jinja or WeasyPrint
    (else the early start would wait for them); the packages still give every name."""
    code = ("import sys\n"
            "from qingshan.reports import figures, pdf\n"
            "import qingshan.charts.render\n"
            "print(sorted(m for m in ('pandas', 'altair', 'jinja2', 'weasyprint') "
            "if m in sys.modules))\n"
            "from qingshan.reports import ReportData, render_html, build_air_report\n"
            "from qingshan.charts import ChartSpec, render_svg\n"
            "import qingshan.reports as r\n"
            "print(ReportData.__module__, render_html.__module__, ChartSpec.__module__)\n"
            "try:\n    r.nosuch\nexcept AttributeError as e:\n    print('AttributeError', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1] == "qingshan.reports.model qingshan.reports.html qingshan.charts.common"
    assert out[2].startswith("AttributeError") and "nosuch" in out[2]


@pytest.mark.parametrize("code, status, err", [
    ("None", 0, ""), ("4", 4, ""), ("'the store is busy'", 1, "the store is busy")])
def test_quick_exit_keeps_the_status_and_the_message(code, status, err):
    prog = ("import sys\n"
            "from qingshan.cli.common import quick_exit\n"
            "sys.stdout.write('before the exit')   # buffered: flushed by quick_exit\n"
            f"quick_exit({code})\n"
            "print('never here')\n")
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == status
    assert out.stdout == "before the exit"
    assert out.stderr.strip() == err


def test_a_refused_bulletin_still_exits_2(tmp_path):
    """No store: refused before any work (status 2, the message printed), helpers started
    by the entry or not."""
    out = _qingshan("report", "air", "--period", "2019-03", "--format", "pdf", "--db",
                    str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "b.pdf"))
    assert out.returncode == 2
    assert "no store at" in out.stdout + out.stderr
    assert not (tmp_path / "b.pdf").exists() and not (tmp_path / "none.duckdb").exists()


@pytest.fixture(scope="module")
def real_copy(tmp_path_factory):
    return private_copy(real_h1_store(), tmp_path_factory.mktemp("launch"), "real.duckdb")


def test_the_console_command_writes_the_whole_bulletin_and_says_so(real_copy, tmp_path):
    """``python -m qingshan`` (the console script's entry) through the quick exit: status 0,
    the 'wrote' line printed, the HTML complete, the store closed (opened read-write after)."""
    out = _qingshan("report", "air", "--period", "2019-03", "--db", str(real_copy), "-o",
                    str(tmp_path / "b.html"))
    assert out.returncode == 0, out.stderr
    assert "wrote" in out.stdout and "b.html" in out.stdout
    text = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert text.rstrip().endswith("</html>") and "2019年3月" in text
    import duckdb
    duckdb.connect(str(real_copy)).close()     # no lock or connection left behind


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig missing")
def test_the_pdf_bulletin_through_the_early_helpers(real_copy, tmp_path):
    """``report air --format pdf`` from the entry: the helpers started before the command line
    loaded render it (a PDF of the month, its text in the fonts' CJK)."""
    from tests.reports.readback import pdf_text

    out = _qingshan("report", "air", "--period", "2019-03", "--format", "pdf", "--db",
                    str(real_copy), "-o", str(tmp_path / "b.pdf"))
    assert out.returncode == 0, out.stderr
    data = (tmp_path / "b.pdf").read_bytes()
    assert data[:5] == b"%PDF-" and data.rstrip().endswith(b"%%EOF")
    assert "2019年3月" in pdf_text(tmp_path / "b.pdf")
