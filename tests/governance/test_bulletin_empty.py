"""The governance section skips a ledger kind without a case in the period (``bulletin_empty``)
only when its rates would have raised ``RatesError``: the section is the same with and without
the check, month by month over the demo's ledgers and the months around them."""

from datetime import date

import pytest

from qingshan.accounts.authz import Actor
from qingshan.config import load_province
from qingshan.config.settings import Settings
from qingshan.core.periods import parse_period
from qingshan.governance import report, service
from qingshan.governance.bulletin_empty import kind_is_empty
from qingshan.governance.demo import load_demo
from qingshan.governance.rates import RatesError
from qingshan.reports.model import SectionContext
from qingshan.store.ops import session_scope, upgrade


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('demo')}/ops.sqlite"
    upgrade(url)
    with session_scope(url) as s:
        load_demo(s, load_province("shandong"), ["371000"])
    return url


def _months():
    for y in range(2022, 2026):
        for m in range(1, 13):
            yield f"{y}-{m:02d}"


def test_empty_only_when_the_rates_raise(demo_url):
    actor = Actor.system("governance.bulletin")
    seen = {True: 0, False: 0}
    with session_scope(demo_url) as s:
        for label in [*_months(), "2023", "2024-Q4"]:
            p = parse_period(label)
            for kind, _ in report.KINDS:
                empty = kind_is_empty(demo_url, kind, p.start, p.end)
                seen[empty] += 1
                if empty:
                    with pytest.raises(RatesError):
                        service.rates_for(s, actor, kind, p.end, period_start=p.start,
                                          province="370000")
    assert seen[True] and seen[False]          # both answers occur over these periods


def test_section_unchanged(demo_url, tmp_path, monkeypatch):
    prov = load_province("shandong")
    settings = Settings(db=tmp_path / "x.duckdb", database_url=demo_url)

    def both(label):
        ctx = SectionContext(con=None, period=parse_period(label), province=prov, lang="zh",
                             settings=settings)
        fast = report.section(ctx)
        with monkeypatch.context() as m:
            m.setattr(report, "kind_is_empty", lambda *a: False)
            full = report.section(ctx)
        return fast, full

    for label in ("2019-03", "2022-12", "2023-01", "2023-06", "2023-11", "2024-12", "2025-01",
                  "2026-09", "2023"):
        fast, full = both(label)
        assert (fast is None) == (full is None), label
        if full is not None:
            assert fast.paragraphs == full.paragraphs
            assert fast.tables[0].df.equals(full.tables[0].df), label


def test_not_sqlite_or_missing_is_not_empty(tmp_path):
    d = date(2026, 9, 1)
    assert not kind_is_empty("postgresql+psycopg://qs@127.0.0.1:1/qs", "complaint", d, d)
    assert not kind_is_empty(f"sqlite:///{tmp_path}/none.sqlite", "complaint", d, d)
    assert not kind_is_empty("sqlite:///x", "permit", d, d)


def test_a_period_without_cases_reads_no_orm(demo_url, tmp_path):
    """A bulletin of a month without a complaint or an inspection: no section, told from the
    cases' dates alone — SQLAlchemy (the ORM, the migrations) is never imported for it, in a
    fresh process as ``qingshan report`` runs it; a month with cases still has its section."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from qingshan.config import load_province\n"
            "from qingshan.config.settings import Settings\n"
            "from qingshan.core.periods import parse_period\n"
            "from qingshan.governance import report\n"
            "from qingshan.reports.model import SectionContext\n"
            f"s = Settings(db={str(tmp_path / 'x.duckdb')!r}, database_url={demo_url!r})\n"
            "ctx = SectionContext(con=None, period=parse_period(sys.argv[1]),\n"
            "                     province=load_province('shandong'), lang='zh', settings=s)\n"
            "got = report.section(ctx)\n"
            "print(got is None, 'sqlalchemy' in sys.modules)\n")

    def run(label):
        return subprocess.run([sys.executable, "-c", code, label], capture_output=True,
                              text=True, timeout=120, check=True).stdout.split()

    assert run("2019-03") == ["True", "False"]
    assert run("2023-06") == ["False", "True"]
