"""Malformed inputs for every ingest kind (issue 19): a corpus of small hand-made bad files
(``tests/faults/corpus/``), each with its expected refusal in ``corpus/expected.csv``
(file, kind, ``where`` — the text naming file, line and field —, a word the reason must
contain); see ``corpus/README.md``.

Each file goes through the real CLI command of its kind (``qingshan ingest …``, ``qingshan
water ingest …``, ``qingshan carbon import``, ``qingshan governance import``, ``qingshan
evaluate submit``), run in a forked child (tests/faults/_store.py: no interpreter start per
case). The command must refuse it — exit status ≠ 0, no traceback, a message naming the file,
the line and the field (``file:line: field 'X': …``, the one IngestError form) — and leave every
store as it was: every table of the DuckDB store and of the operational store (SQLite next to
it) has the same rows before and after (row count and a hash of the rows).

Workbook kinds (carbon, governance, evaluation): the corpus keeps the bad *sheet* as CSV (so
that it can be read and reviewed); the test writes it into the template the product itself
makes (``qingshan … template``: the data sheet replaced by the CSV rows, the other sheets —
说明, about — kept), cells that read as numbers written as numbers. The line numbers in the
table are the CSV's = the sheet's (line 1 the header).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from pathlib import Path

import pytest

from tests.faults._store import base_store, fork_cli

CORPUS = Path(__file__).parent / "corpus"
CASES = list(csv.DictReader((CORPUS / "expected.csv").open(encoding="utf-8")))
USER = "t_city_staff_371000"            # city staff of Jinan (tests/_auth.py)
CARBON_USER = "t_prov_staff_370000"

#: kind -> (template command making the workbook, its file name, the sheet the CSV replaces)
WORKBOOKS = {
    "carbon_units": (("carbon", "template", "-d", "{dir}"), "carbon_units.xlsx", "units"),
    "governance_complaint": (("governance", "template", "complaint", "-o", "{dir}/t.xlsx"),
                             "t.xlsx", "complaint"),
    "evaluation": (("evaluate", "template", "--city", "371000", "--year", "2025", "-o",
                    "{dir}/t.xlsx"), "t.xlsx", "values"),
}


def _command(kind: str, path: Path, db: Path) -> tuple[str, ...]:
    f, d = str(path), ("--db", str(db))
    return {
        "air_cnemc": ("ingest", "cnemc", f, *d),
        "air_stations": ("ingest", "stations", f, *d),
        "water_sections": ("water", "ingest", "sections", f, *d),
        "water_samples": ("water", "ingest", "samples", f, *d),
        "coastal_points": ("water", "ingest", "coastal-points", f, *d),
        "coastal_samples": ("water", "ingest", "coastal-samples", f, *d),
        "carbon_units": ("carbon", "import", "--user", CARBON_USER, "--units", f, *d),
        "governance_complaint": ("governance", "import", f, "--template", "complaint",
                                 "--as", USER, *d),
        "evaluation": ("evaluate", "submit", f, "--as", USER, *d),
    }[kind]


def _run(args, out: Path) -> tuple[int, str]:
    pid = fork_cli(*args, out=out)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status), out.read_text(encoding="utf-8", errors="replace")


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _cell(v: str):
    if v == "":
        return None
    if _NUMBER.match(v):
        return float(v) if "." in v else int(v)
    return v


def _workbook(kind: str, src: Path, dest_dir: Path) -> Path:
    """The CSV sheet ``src`` written into the product's own template of ``kind``."""
    import openpyxl
    cmd, name, sheet = WORKBOOKS[kind]
    tdir = dest_dir / f"tpl-{kind}"
    if not (tdir / name).is_file():
        tdir.mkdir(exist_ok=True)
        code, out = _run([a.format(dir=tdir) for a in cmd], tdir / "log")
        assert code == 0, out
    wb = openpyxl.load_workbook(tdir / name)
    ws = wb[sheet]
    ws.delete_rows(1, ws.max_row)
    with src.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            ws.append([_cell(v) for v in row])
    dest = dest_dir / f"{src.stem}.xlsx"
    wb.save(dest)
    return dest


def _snapshot(db: Path) -> dict:
    """{store.table: (rows, hash of the sorted rows)} of the DuckDB store and the operational
    store next to it."""
    import duckdb
    import sqlalchemy as sa

    from qingshan.store import ops
    snap = {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE "
                                "table_type = 'BASE TABLE' ORDER BY 1").fetchall():
            rows = sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall()))
            snap[f"duckdb.{t}"] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    finally:
        con.close()
    eng = sa.create_engine(ops.ops_url_for(db))
    try:
        with eng.connect() as c:
            for t in sa.inspect(c).get_table_names():
                rows = sorted(map(repr, c.execute(sa.text(f'SELECT * FROM "{t}"')).all()))
                snap[f"ops.{t}"] = (len(rows),
                                    hashlib.sha256("\n".join(rows).encode()).hexdigest())
    finally:
        eng.dispose()
    return snap


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A small store (stations and two days of air, SYNTHETIC) with its operational store
    migrated and the users the commands run as."""
    from qingshan.store import ops
    from tests._auth import ensure_user
    db = base_store(tmp_path_factory.mktemp("corpus"))
    ensure_user(db, USER, "city_staff", "371000")
    ensure_user(db, CARBON_USER, "prov_staff", "370000")
    ops.dispose_all()
    return db


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_malformed_file_is_refused_and_nothing_changes(case, store, tmp_path):
    src = CORPUS / case["file"]
    path = _workbook(case["kind"], src, tmp_path) if case["kind"] in WORKBOOKS and \
        src.suffix == ".csv" else src
    before = _snapshot(store)
    code, out = _run(_command(case["kind"], path, store), tmp_path / "out")
    after = _snapshot(store)
    assert code != 0, out
    assert "Traceback" not in out, out[-3000:]
    assert case["where"] in out, out[-2000:]            # file, line and field
    assert case["reason"] in out, out[-2000:]
    assert after == before, {k: (before.get(k), after.get(k)) for k in set(before) | set(after)
                             if before.get(k) != after.get(k)}
