"""One figure, every surface (issue 13): for each city and period, the CLI table (`qingshan air
assess --format csv`), the API (`/api/v1/assessment`, `/api/v1/rankings`), the overview page's
ranking table and the bulletin's cities table (HTML and XLSX) show the same figures to the
digit, the same ranks (valid cities; the insufficient-data group apart) and the same
validity / to-date flags.

Reference: the figure each surface prints is the assessment's value written with the decimals
the spec gives it (GB/T 8170-rounded by the service: concentrations 0 decimals, CO 1, index 2,
good-day ratio 1 — spec air-assessment §2.8); every surface is compared with that text, so
they agree with each other.

Stores: the real 2019-H1 Shandong archive (``../shared``, skipped when absent; periods with
months beyond June are "to date") and a small synthetic store (3 cities, 2019 and 2026-01 …
2026-04: the 2026 periods contain the 2026-03-01 switch and end "to date").
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from qingshan.reports.labels import INDICATORS
from tests._built import private_copy, real_h1_store
from tests.reports.readback import html_tables, table_dict

#: assessment column → decimals printed (spec air-assessment §2.8 rounding)
FIGS = {"composite_index": 2, "pm25": 0, "pm10": 0, "so2": 0, "no2": 0, "co_p95": 1,
        "o3_8h_p90": 0, "good_day_ratio": 1}
#: bulletin cities-table header of each figure (zh): "<name>（<unit>）"
HEAD = {k: INDICATORS[k].label("zh") for k in FIGS}

REAL = ["2019-03", "2019-Q1", "2019-H1", "2019-01..2019-05", "2019"]
DEMO = ["2019-03", "2019-Q1", "2019-H1", "2019-01..2019-05", "2019", "2026-01..2026-04", "2026"]
#: every case is marked slow: the demo store alone takes ~60 s to generate and ingest on the
#: shared 2-core machine, and one case (a bulletin, CLI, API, page) ~25–45 s there
pytestmark = pytest.mark.slow


def _text(v, d: int) -> str:
    if v is None or v == "" or (isinstance(v, float) and v != v):
        return "—"
    return f"{float(v):.{d}f}"


def _rank(v) -> str:
    return "—" if v is None or v == "" or (isinstance(v, float) and v != v) else str(int(float(v)))


def _three_city_toml(dest: Path) -> Path:
    """The bundled Shandong config cut after its third city (济南, 青岛, 淄博)."""
    from importlib import resources
    text = (resources.files("qingshan.config") / "provinces" / "shandong.toml").read_text(
        encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"^\[\[cities\]\]", text, flags=re.M)]
    dest.write_text(text[:starts[3]], encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """{"real": (db path, province, province arg), "demo": (…)}; every surface opens the file
    itself (read-only), none is kept open by the test."""
    from qingshan.air.demo import load_demo
    from qingshan.config import load_province
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    work = tmp_path_factory.mktemp("xsurface")
    toml = _three_city_toml(work / "three.toml")
    prov3 = load_province(toml)
    demo = work / "demo.duckdb"
    con = connect(str(demo))
    sync_province(con, prov3)
    load_demo(con, prov3, work / "files", [2019, 2026], seed=11, until=date(2026, 4, 30))
    con.execute("CHECKPOINT")
    con.close()
    # a copy of its own: the session's real_db is held open read-write by other report tests
    # of this process, and DuckDB refuses a read-only open of a file open read-write
    real_db = private_copy(real_h1_store(), work, "real.duckdb")
    return {"real": (Path(real_db), load_province("shandong"), "shandong"),
            "demo": (demo, prov3, str(toml))}


@pytest.fixture(scope="module")
def clients(stores):
    from fastapi.testclient import TestClient

    from qingshan.api import create_app

    out = {}
    for name, (db, prov, _) in stores.items():
        c = TestClient(create_app(db, prov, read_only=True), raise_server_exceptions=False)
        c.__enter__()
        out[name] = c
    yield out
    for c in out.values():
        c.__exit__(None, None, None)


class _Rows(HTMLParser):
    """Rows of ``<table id="ranking">`` of the overview page: data-code → cell texts, and
    whether the row carries the insufficient-data badge."""

    def __init__(self):
        super().__init__()
        self.rows, self.flags, self._in, self._code, self._cell = {}, {}, False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == "ranking":
            self._in = True
        elif self._in and tag == "tr" and a.get("data-code"):
            self._code = a["data-code"]
            self.rows[self._code], self.flags[self._code] = [], False
        elif self._code and tag == "td":
            self._cell = []
        elif self._code and tag == "span" and a.get("data-flag") == "insufficient":
            self.flags[self._code] = True

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[self._code].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._code = None
        elif tag == "table":
            self._in = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _cases():
    for store, periods in (("real", REAL), ("demo", DEMO)):
        for p in periods:
            yield pytest.param(store, p, id=f"{store}-{p}")


@pytest.mark.parametrize("store,period", list(_cases()))
def test_every_surface_shows_the_same_figures(stores, clients, tmp_path, store, period):
    from qingshan.air.service import assess
    from qingshan.cli import app
    from qingshan.reports import build_air_report, render_html, write_xlsx
    from qingshan.store import connect

    db, prov, prov_arg = stores[store]
    con = connect(str(db), read_only=True)
    try:
        ref = assess(con, period, level="city", province=prov)
        report = build_air_report(con, period, lang="zh", province=prov)
    finally:
        con.close()
    want = {r["code"]: r for r in ref.to_dict(orient="records")}
    to_date = bool(ref["to_date"].iloc[0])

    # 1. CLI: qingshan air assess --format csv
    res = CliRunner().invoke(app, ["air", "assess", "--period", period, "--level", "city",
                                   "--format", "csv", "--db", str(db), "--province", prov_arg])
    assert res.exit_code == 0, res.output
    cli = {r["code"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    # 2. API: assessment and rankings
    api = clients[store]
    a = api.get("/api/v1/assessment", params={"period": period, "level": "city"})
    rk = api.get("/api/v1/rankings", params={"period": period})
    assert a.status_code == 200 and rk.status_code == 200, (a.text[:300], rk.text[:300])
    api_a = {r["code"]: r for r in a.json()}
    api_r = {r["code"]: r for r in rk.json()}
    # 3. the overview page's ranking table
    page = api.get("/", params={"period": period, "lang": "zh"})
    assert page.status_code == 200, page.text[:300]
    rows = _Rows()
    rows.feed(page.text)
    # 4. the bulletin: HTML cities table and XLSX; the charts are not part of the comparison,
    # so the HTML is rendered without the charts section (its SVGs are ~2–3 s per case)
    from dataclasses import replace
    tables_only = replace(report, sections=[s for s in report.sections if s.key != "charts"])
    html = html_tables(render_html(tables_only))
    bul = table_dict(html.tables["table-cities"], "代码")
    wb = openpyxl.load_workbook(write_xlsx(report, tmp_path / "b.xlsx"))
    ws = wb["各城市环境空气质量"]
    head = [c.value for c in ws[3]]
    xl = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=4, values_only=True)
          if r[0] and re.fullmatch(r"\d{6}", str(r[0]))}        # not the note under the table

    assert set(want) == set(cli) == set(api_a) == set(api_r) == set(rows.rows) == set(bul) \
        == set(xl)
    for code, w in want.items():
        where = f"{store} {period} {code}"
        for k, d in FIGS.items():
            t = _text(w[k], d)
            assert _text(cli[code][k], d) == t, (where, "cli", k)
            assert _text(api_a[code][k], d) == t, (where, "api assessment", k)
            assert _text(api_r[code][k], d) == t, (where, "api rankings", k)
            assert bul[code][HEAD[k]] == t, (where, "bulletin html", k)
            assert _text(xl[code][HEAD[k]], d) == t, (where, "bulletin xlsx", k)
        r = _rank(w["rank"])
        assert _rank(cli[code]["rank"]) == r and _rank(api_a[code]["rank"]) == r
        assert _rank(api_r[code]["rank"]) == r and bul[code]["排名"] == r
        assert _rank(xl[code]["排名"]) == r and rows.rows[code][0] == r, where
        ri = _rank(w["rank_insufficient"])
        assert _rank(cli[code]["rank_insufficient"]) == ri
        assert _rank(api_a[code]["rank_insufficient"]) == ri, where
        if "数据不足组内名次" in bul[code]:
            assert bul[code]["数据不足组内名次"] == ri, where
        # the page: index, PM2.5, good-day ratio; the invalid flag on the same cities
        assert rows.rows[code][2].rstrip("*") == _text(w["composite_index"], 2), where
        assert rows.rows[code][4] == _text(w["pm25"], 0) and \
            rows.rows[code][6] == _text(w["good_day_ratio"], 1), where
        valid = bool(w["valid"])
        assert cli[code]["valid"] == str(valid) and api_a[code]["valid"] is valid, where
        assert api_r[code]["valid"] is valid and rows.flags[code] is (not valid), where
        assert bul[code]["数据有效性"] == ("有效" if valid else "数据不足"), where
        assert xl[code]["数据有效性"] == ("有效" if valid else "数据不足"), where
        # "to date" (截至): a period whose data end before its last day
        assert (cli[code]["to_date"] == "True") is to_date
        assert api_a[code]["to_date"] is to_date, where
    assert (report.data_end is not None) is to_date
    assert ("截至" in report.subtitle) is to_date
    assert ("badge-to-date" in page.text) is to_date
