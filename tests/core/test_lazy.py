"""qingshan.core.lazy: a package's names imported on first use (the reports and charts
packages), so that a bulletin's helpers do not load pandas or Altair."""

from __future__ import annotations

import subprocess
import sys

import pytest

from qingshan.core.lazy import lazy_getattr


def test_a_name_is_imported_when_read_and_then_kept():
    ns: dict = {}
    get = lazy_getattr("qingshan.core", {"quote_ident": "sqlkit"}, ns)
    from qingshan.core.sqlkit import quote_ident
    assert get("quote_ident") is quote_ident
    assert ns == {"quote_ident": quote_ident}


def test_another_name_is_an_attribute_error():
    get = lazy_getattr("qingshan.core", {"quote_ident": "sqlkit"}, {})
    with pytest.raises(AttributeError, match="module 'qingshan.core' has no attribute 'nope'"):
        get("nope")


def test_the_packages_load_their_heavy_modules_only_when_a_name_is_read():
    code = (
        "import sys, qingshan.charts as c, qingshan.reports as r\n"
        "assert 'pandas' not in sys.modules and 'altair' not in sys.modules, 'eager'\n"
        "assert 'qingshan.charts.cmap' not in sys.modules\n"
        "f = c.city_map\n"
        "assert 'qingshan.charts.cmap' in sys.modules and vars(c)['city_map'] is f\n"
        "assert r.ReportData.__module__ == 'qingshan.reports.model'\n"
        "try:\n    c.nope\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit(3)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
