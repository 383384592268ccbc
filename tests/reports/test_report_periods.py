"""Bulletins of a half-year and of a run of months (the one period model, core.periods)."""

from __future__ import annotations

from typer.testing import CliRunner


def test_cli_report_air_run_of_months(real_db, tmp_path):
    from qingshan.cli import app

    out = tmp_path / "run.html"
    res = CliRunner().invoke(app, ["report", "air", "--period", "2019-01..2019-05", "--format",
                                   "html", "--db", str(real_db), "--output", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    # the period named as bulletins name it; the validity minimum of the run: 27 + 25 + 27 + 27
    # + 27 = 133 days (sum of the months' GB 3095 Table 4 minimums, choice [M] of air.rules)
    assert "山东省环境空气质量累计报告" in html and "2019年1—5月" in html
    assert "至少 133 个有效日值" in html
    # ranking denominators of the 2012 family, from the rules object
    assert "PM₂.₅ 35, PM₁₀ 70, SO₂ 60, NO₂ 40, CO 4, O₃ 160" in html


def test_report_half_year_names(real_store):
    from qingshan.config import load_province
    from qingshan.reports import build_air_report

    r = build_air_report(real_store, "2019-H1", lang="en", province=load_province("shandong"))
    assert r.kind == "half" and r.period == "2019-H1" and r.subtitle == "H1 2019"
    assert r.title == "Shandong Air Quality Half-Year Bulletin"
    methods = " ".join(next(s for s in r.sections if s.key == "methods").paragraphs)
    assert "at least 160 valid days" in methods


def test_partial_year_calendar_counts_the_days_to_the_data_end(real_store):
    """The real archive holds 2019-01-01 … 2019-06-30: the 2019 bulletin's calendar caption
    counts January–June (31 + 28 + 31 + 30 + 31 + 30 = 181 days) and says it is to 2019-06-30;
    the half-year bulletin (complete) has no such mark."""
    from qingshan.config import load_province
    from qingshan.reports import build_air_report

    prov = load_province("shandong")
    for period, lang, start in (("2019", "zh", "截至2019-06-30，181 天中 "),
                                ("2019", "en", "To 2019-06-30: "),
                                ("2019-H1", "en", "")):
        r = build_air_report(real_store, period, lang=lang, province=prov)
        cal = next(c for s in r.sections for c in s.charts if c.key == "cal_aqi")
        assert cal.caption.startswith(start)
        if period == "2019-H1":
            assert " of 181 days have a valid AQI" in cal.caption and "To " not in cal.caption
        elif lang == "en":
            assert " of 181 days have a valid AQI" in cal.caption
