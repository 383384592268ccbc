"""Bulletins fit to sign (issue 13 §2–§5): verdicts, refusals, one province figure, the March
bulletin without April, Excel sheets and ranks, the sentences, the section hook.

Store-free tests use hand-made assess rows (values derived in the comments); the others reuse
the session's real 2019-H1 archive and its March bulletin (tests/reports/conftest.py).
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from qingshan.air import report_sections as sec
from qingshan.config import load_province
from tests.reports.readback import html_tables
from qingshan.reports.html import render_html


# ------------------------------------------------------------------ store-free
def _row(**kw) -> pd.Series:
    base = {"period": "2019", "so2": 16.0, "no2": 35.0, "pm10": 111.0, "pm25": 59.0,
            "co_p95": 1.6, "o3_8h_p90": 182.0, "compliant": None, "exceed_pollutants": None}
    base.update({f"compliant_{p}": None for p in ("so2", "no2", "pm10", "pm25", "co", "o3")})
    base.update(kw)
    return pd.Series(base)


def test_compliance_never_says_compliant_for_invalid_statistics():
    # the 2019 archive holds January–June only: every annual statistic is invalid (GB 3095
    # Table 4, 324 days) -> the service gives compliant_<p> = NULL -> "不能判定" for all six,
    # PM2.5 59 against 35 included (the old table tested a day count as a flag and said 达标)
    std = sec.limits_module(_row(), "zh")
    t = sec.compliance_table(_row(), std, "zh")
    assert t.df["是否达标"].tolist() == ["不能判定"] * 6
    assert t.df.loc[t.df["污染物"] == "PM₂.₅", "GB 3095 二级标准限值"].iloc[0] == 35
    assert sec.compliance_paragraphs(_row(), "zh") == [
        "有效数据不足，无法作出六项污染物综合达标判定。"]
    # valid statistics: PM2.5 59 > 35 -> 超标; SO2 16 <= 60 -> 达标
    ok = _row(compliant_pm25=False, compliant_so2=True, compliant=False,
              exceed_pollutants="PM2.5")
    t = sec.compliance_table(ok, std, "zh").df.set_index("污染物")["是否达标"]
    assert (t["PM₂.₅"], t["SO₂"], t["NO₂"]) == ("超标", "达标", "不能判定")


def _cities(ci, valid, yoy=None, pm25_yoy=None):
    prov = load_province("shandong")
    cs = prov.cities[: len(ci)]
    df = pd.DataFrame({"code": [c.code for c in cs], "name_zh": [c.name_zh for c in cs],
                       "name_en": [c.name_en for c in cs], "composite_index": ci,
                       "valid": valid})
    if yoy is not None:
        df["composite_index_yoy_pct"] = yoy
    if pm25_yoy is not None:
        df["pm25_yoy_pct"] = pm25_yoy
    return prov, df


def test_ranking_sentences_best_worst_improvement_and_yoy_counts():
    # indices 济南 5, 青岛 3, 淄博 6, 枣庄 4, 东营 7, 烟台 2 (invalid), 潍坊 4.5:
    # valid ones ascending: 青岛 3, 枣庄 4, 潍坊 4.5 | 济南 5, 淄博 6, 东营 7
    # -> best 青岛、枣庄、潍坊; worst (last first) 东营、淄博、济南; 烟台 in the insufficient group
    prov, df = _cities([5, 3, 6, 4, 7, 2, 4.5], [True] * 5 + [False, True],
                       yoy=[-10.0, -2.0, 5.0, -6.4, 1.0, -20.0, 0.0],
                       pm25_yoy=[-1.0, -2.0, 3.0, 0.0, -4.0, None, 2.0])
    s = sec.ranking_paragraphs(df, prov, "zh")
    assert s[0] == ("7个设区市中，6个市数据有效参与排名；按综合指数，青岛、枣庄、潍坊等3市相对较好，"
                    "东营、淄博、济南等3市相对较差（倒数第1至第3）。")
    assert s[1] == "烟台等1市有效数据不足，列入“数据不足”组，不参与排名。"
    # improvement among the valid: 济南 −10.0, 枣庄 −6.4, 青岛 −2.0 best; 淄博 +5.0, 东营 +1.0,
    # 潍坊 0.0 worst (烟台 −20.0 is not ranked)
    assert s[2].startswith("与去年同期相比，综合指数变化幅度：济南（-10.0%）、枣庄（-6.4%）、"
                           "青岛（-2.0%）等3市改善最多；淄博（+5.0%）、东营（+1.0%）、潍坊（+0.0%）")
    # PM2.5: down 济南, 青岛, 东营 = 3; up 淄博, 潍坊 = 2; unchanged 枣庄 = 1
    assert s[3] == "同比变化：PM₂.₅ 平均浓度3市同比下降、2市上升、1市持平。"


def test_cities_table_puts_insufficient_cities_in_their_own_group():
    prov, df = _cities([5, 3, 6], [True, True, False])
    df = df.assign(rank=[2, 1, None], rank_insufficient=[None, None, 1])
    t = sec.cities_table(df, prov, "zh")
    assert t.df["城市"].tolist() == ["青岛", "济南", "淄博"]
    assert t.df["数据有效性"].tolist() == ["有效", "有效", "数据不足"]
    assert t.df["数据不足组内名次"].tolist()[2] == 1 and pd.isna(t.df["排名"].iloc[2])


def test_monthly_bar_is_not_judged_against_the_annual_limit():
    from qingshan.air.charts import bar_vs_limit

    df = pd.DataFrame({"code": ["a", "b"], "name": ["甲", "乙"], "value": [59.0, 20.0]})
    spec = bar_vs_limit(df, 35, 5, "zh", judge=False)
    assert "超过限值" not in spec.caption and "仅供参考" in spec.caption
    judged = bar_vs_limit(df, 35, 5, "zh")
    assert "2 个城市中 1 个超过限值" in judged.caption     # 59 > 35, 20 ≤ 35


def test_section_hook_appends_every_registered_section(real_store, monkeypatch):
    from qingshan.air import report as air_report
    from qingshan.core import registry
    from qingshan.core.periods import parse_period
    from qingshan.reports.model import ReportSection

    seen = []

    def fake(ctx):
        seen.append((ctx.period.label, ctx.lang, ctx.province.code))
        return ReportSection("fake", "假的部分", paragraphs=["x"])

    monkeypatch.setattr(air_report, "_FAKE", fake, raising=False)
    real = registry.domains()
    extra = [registry.Domain(name="fake", title="fake", parts={
        "section": "qingshan.air.report:_FAKE"}),
        registry.Domain(name="none", title="none", parts={
            "section": "qingshan.air.report:_NONE"})]
    monkeypatch.setattr(air_report, "_NONE", lambda ctx: None, raising=False)
    monkeypatch.setattr(registry, "domains", lambda: real + extra)
    out, _ = air_report._domain_sections(real_store, parse_period("2019-03"),
                                         load_province("shandong"), "zh")
    assert [s.key for s in out] == ["fake"] and seen == [("2019-03", "zh", "370000")]


# ------------------------------------------------------------------ the March bulletin
def test_march_bulletin_has_no_april_and_one_province_figure(real_march_zh):
    r = real_march_zh
    charts = {c.key: c for s in r.sections for c in s.charts}
    trend = charts["trend_pm25"].table.df
    # the archive holds January–June 2019; the March bulletin shows January–March only
    assert len(trend) == 3, trend
    # one province figure: the summary table's good days = the calendar's 优 + 良 days
    summary = next(t for s in r.sections for t in s.tables if t.key == "summary").df
    good = summary.loc[summary["指标"] == "优良天数"].iloc[0, 2]
    cap = charts["cal_aqi"].caption
    counts = {k: int(v) for k, v in re.findall(r"(优|良) (\d+)", cap)}
    assert good == counts.get("优", 0) + counts.get("良", 0), (good, cap)
    heavy = summary.loc[summary["指标"] == "重度及以上污染天数"].iloc[0, 2]
    assert float(heavy).is_integer()    # province series: whole days, not a mean of cities


def test_days_per_category_agree_with_the_assessment(real_march_zh, real_store):
    from qingshan.air.service import assess

    city = assess(real_store, "2019-03", "city", load_province("shandong"))
    t = next(t for s in real_march_zh.sections for t in s.tables if t.key == "days").df
    got = dict(zip(t["城市"], t["有效天数"]))
    good = dict(zip(t["城市"], t["优（天）"] + t["良（天）"]))
    for r in city.itertuples():
        name = r.name_zh.removesuffix("市")
        # the table's valid days and 优 + 良 days are the assessment's own counts
        assert (got[name], good[name]) == (r.valid_days, r.good_days), name


def test_target_progress_sentence():
    prov = load_province("shandong").model_copy(update={"targets": {"pm25": 35,
                                                                    "good_day_ratio": 70}})
    row = pd.Series({"pm25": 58.0, "good_day_ratio": 72.5})
    # 58 > 35 -> not met; 72.5 >= 70 -> met
    assert sec.target_paragraph(row, prov, "zh") == (
        "目标进展：PM₂.₅ 平均浓度 58 µg/m³（目标 ≤ 35，未达到目标）；"
        "优良天数比例 72.5 %（目标 ≥ 70，达到目标）。")
    assert sec.target_paragraph(row, load_province("shandong"), "zh") is None


def test_zh_text_has_no_internal_keys_or_english(real_march_zh):
    html = render_html(real_march_zh)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|svg)[\s\S]*?</\1>", " ", html))
    for bad in ("pm25", "pm10 ", "so2 ", "(transition)", "WHO AQG", "rank_", "最差：排名",
                "同比变差", "改善幅度 −"):
        assert bad not in text, bad
    assert "倒数第1" in text and "相对较好" in text
    assert "山东省生态环境监测中心" in text and "方法说明" in text
    tables = html_tables(html).tables
    assert tables["table-rank_composite_index"][0][:3] == ["组别", "名次", "城市"]


def test_xlsx_sheets_ranks_and_methods(real_march_zh, tmp_path):
    from openpyxl import load_workbook

    from qingshan.reports import write_xlsx

    path = write_xlsx(real_march_zh, tmp_path / "m.xlsx")
    wb = load_workbook(path)
    names = wb.sheetnames
    assert names[:2] == ["说明", "标准与方法"] and "各城市环境空气质量" in names
    assert not [n for n in names if re.search(r"[A-Za-z_]{4,}", n) and "PM" not in n], names
    ws = wb["各城市环境空气质量"]
    head = [c.value for c in ws[3]]
    rank = head.index("排名") + 1
    assert all(isinstance(ws.cell(row=i, column=rank).value, (int, float))
               for i in range(4, 4 + 16))
    assert "并列" in head and ws.freeze_panes == "C4"     # header rows and city column frozen
    assert wb.properties.title.startswith("山东省环境空气质量月报")
    methods = " ".join(str(c.value) for c in wb["标准与方法"]["A"] if c.value)
    assert "GB 3095-2012" in methods and "324" in methods


# ------------------------------------------------------------------ refusals (CLI)
def test_cli_refuses_missing_db_without_creating_it(tmp_path):
    from qingshan.cli import app

    db = tmp_path / "typo.duckdb"
    r = CliRunner().invoke(app, ["report", "air", "--period", "2019-03", "--db", str(db),
                                 "--output", str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "no store at" in r.output and not db.exists()


def test_cli_refuses_no_data_bad_output_and_pdf_without_fonts(real_db, tmp_path, monkeypatch):
    from qingshan.cli import app
    from qingshan.reports import checks

    run = CliRunner().invoke
    r = run(app, ["report", "air", "--period", "2030-01", "--db", str(real_db),
                  "--output", str(tmp_path / "x.html")])
    assert r.exit_code != 0 and "no air data for 2030-01" in r.output
    assert not (tmp_path / "x.html").exists()
    r = run(app, ["report", "air", "--period", "2019-03", "--db", str(real_db),
                  "--output", str(tmp_path / "missing" / "x.html")])
    assert r.exit_code == 2 and "does not exist" in r.output
    monkeypatch.setattr(checks, "cjk_fonts", lambda: ())
    r = run(app, ["report", "air", "--period", "2019-03", "--format", "pdf", "--db",
                  str(real_db), "--output", str(tmp_path / "x.pdf")])
    assert r.exit_code == 2 and "fonts-noto-cjk" in r.output and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("lang", ["zh"])
def test_pdf_refused_without_fonts_in_the_renderer(real_march_zh, tmp_path, monkeypatch, lang):
    from qingshan.reports import checks, write_pdf

    monkeypatch.setattr(checks, "cjk_fonts", lambda: ())
    with pytest.raises(checks.ReportRefused, match="fonts-noto-cjk"):
        write_pdf(real_march_zh, tmp_path / "x.pdf")
