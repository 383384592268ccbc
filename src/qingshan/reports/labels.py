"""Texts of the air-quality bulletins in Chinese and English.

Only labels live here; every figure comes from :mod:`qingshan.air.service`. Periods are the one
model of :mod:`qingshan.core.periods` (re-exported: ``Period``, ``parse_period``); a bulletin
names its period by ``Period.name(lang)`` (2019年3月, 2019年第一季度, 2019年上半年, 2019年1—5月).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from qingshan.core.periods import Period, PeriodError, parse_period

__all__ = ["INDICATORS", "Indicator", "Period", "PeriodError", "parse_period", "tr"]


@dataclass(frozen=True)
class Indicator:
    """A column of the assessment table as shown in a bulletin."""

    key: str
    zh: str
    en: str
    unit: str
    decimals: int
    unit_en: str | None = None

    def unit_for(self, lang: str) -> str:
        """The unit in ``lang`` (units other than day counts are the same in both)."""
        return self.unit_en if lang == "en" and self.unit_en is not None else self.unit

    def label(self, lang: str, unit: bool = True) -> str:
        name = self.zh if lang == "zh" else self.en
        u = self.unit_for(lang)
        if unit and u:
            return f"{name}（{u}）" if lang == "zh" else f"{name} ({u})"
        return name


#: Bulletin indicators in the order of the provincial department's monthly bulletin.
#: Decimals: concentrations integer, CO 1 (HJ 663 [M], ``standards.hj663_2013.DECIMALS``),
#: composite index 2 (ranking rule ``COMPOSITE_DECIMALS``), ratios 1; day counts 1 because the
#: province figure is the mean of its cities (services.air), city tables show them as integers.
INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("pm25", "PM₂.₅ 平均浓度", "PM₂.₅ mean", "µg/m³", 0),
    Indicator("pm10", "PM₁₀ 平均浓度", "PM₁₀ mean", "µg/m³", 0),
    Indicator("so2", "SO₂ 平均浓度", "SO₂ mean", "µg/m³", 0),
    Indicator("no2", "NO₂ 平均浓度", "NO₂ mean", "µg/m³", 0),
    Indicator("co_p95", "CO 日均值第95百分位", "CO 95th pct. of daily means", "mg/m³", 1),
    Indicator("o3_8h_p90", "O₃ 日最大8小时第90百分位", "O₃ 90th pct. of daily max 8-h", "µg/m³", 0),
    Indicator("composite_index", "综合指数", "Composite index", "", 2),
    Indicator("good_day_ratio", "优良天数比例", "Good-day ratio", "%", 1),
    Indicator("good_days", "优良天数", "Good days", "天", 1, "days"),
    Indicator("heavy_days", "重度及以上污染天数", "Heavy-pollution days", "天", 1, "days"),
)}

_TEXT: dict[str, tuple[str, str]] = {
    "title_month": ("{prov}环境空气质量月报", "{prov} Air Quality Monthly Bulletin"),
    "title_quarter": ("{prov}环境空气质量季报", "{prov} Air Quality Quarterly Bulletin"),
    "title_year": ("{prov}环境空气质量年报", "{prov} Air Quality Annual Bulletin"),
    "title_half": ("{prov}环境空气质量半年报", "{prov} Air Quality Half-Year Bulletin"),
    "title_months": ("{prov}环境空气质量累计报告", "{prov} Air Quality Bulletin (cumulative months)"),
    "sec_summary": ("全省环境空气质量状况", "Province overview"),
    "sec_compliance": ("达标情况与 WHO 准则值", "Compliance and WHO levels"),
    "sec_rank": ("城市排名（前三名与后三名）", "City rankings (best and worst three)"),
    "sec_cities": ("各城市环境空气质量", "Air quality of all cities"),
    "sec_counties": ("县级城市环境空气质量排名", "Ranking of the county-level cities"),
    "county": ("县级城市", "County-level city"),
    "parent_city": ("所属设区市", "City"),
    "n_stations": ("点位数", "Stations"),
    "county_rank_sentence": (
        "{n}个县级城市（国控点位的县级发布城市）中，{k}个数据有效参与排名；按综合指数，{best}等{nb}个"
        "相对较好，{worst}等{nw}个相对较差。",
        "Of {n} county-level {n:city|cities} (county-level publication cities of the national "
        "stations), {k} {k:has|have} valid data and {k:is|are} ranked; by the composite index "
        "{best} ({nb}) {nb:is|are} relatively better and {worst} ({nw}) relatively worse."),
    "county_insufficient": ("{cities}等{k}个县级城市有效数据不足，列入“数据不足”组，不参与排名。",
                            "{cities} ({k}) {k:has|have} insufficient valid data: insufficient-data "
                            "group, not ranked."),
    "county_rank_sentence_few": (
        "{n}个县级城市（国控点位的县级发布城市）中，{k}个数据有效参与排名。",
        "Of {n} county-level {n:city|cities} (county-level publication cities of the national "
        "stations), {k} {k:has|have} valid data and {k:is|are} ranked."),
    "county_none_valid": ("{n}个县级城市本期均无有效统计数据，不排名。",
                          "None of the {n} county-level {n:city|cities} has valid statistics for the "
                          "period: no ranking."),
    "counties_note": ("县级城市：站点名录中发布城市为县级市（区）的国控点位（对照点除外），"
                      "按城市的同一规则评价（各时刻有效点位均值，HJ 663 统计与有效性，"
                      "综合指数由小到大排名，数值相同者并列）；"
                      "数据不足者另列，不参与排名。",
                      "County-level cities: the national stations whose publication city is a "
                      "county-level city or district (control stations excluded), assessed by the "
                      "city rules (mean of valid stations at each hour, HJ 663 statistics and "
                      "validity, ranked by the composite index, ties shared); units with "
                      "insufficient data are listed apart, not ranked."),
    "sec_charts": ("图表", "Charts"),
    "sec_methods": ("方法说明", "Method notes"),
    "toc": ("目录", "Contents"),
    "indicator": ("指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "this_period": ("本期", "This period"),
    "last_year": ("去年同期", "Same period last year"),
    "change": ("同比变化", "Change vs last year"),
    "change_unit": ("变化单位", "Change unit"),
    "city": ("城市", "City"),
    "code": ("代码", "Code"),
    "rank": ("排名", "Rank"),
    "best": ("最好", "Best"),
    "worst": ("最差", "Worst"),
    "value": ("数值", "Value"),
    "primary": ("首要污染物", "Primary pollutant"),
    "pollutant": ("污染物", "Pollutant"),
    "statistic": ("统计量", "Statistic"),
    "limit": ("GB 3095 二级标准限值", "GB 3095 Grade II limit"),
    "compliant": ("是否达标", "Compliant"),
    "yes": ("达标", "yes"),
    "no": ("超标", "no"),
    "who_level": ("达到的 WHO 水平", "WHO level reached"),
    "improvement": ("综合指数同比变化率", "Composite index change vs last year"),
    "ties": ("并列", "tie"),
    "generated": ("生成时间：", "Generated: "),
    "page": ("第 {n} 页", "Page {n}"),
    "no_data": ("无数据", "no data"),
    "yoy_pct": ("同比（%）", "YoY (%)"),
    "yoy_pp": ("同比（百分点）", "YoY (percentage points)"),
    "days": ("有效天数", "Valid days"),
    "stations": ("评价点位数", "Evaluation stations"),
    "issuer": ("{prov}生态环境厅", "Department of Ecology and Environment of {prov}"),
    "draft": ("由 qingshan 根据监测数据自动生成", "Generated by qingshan from monitoring data"),
    "draft_synthetic": ("由 qingshan 根据合成数据自动生成",
                        "Generated by qingshan from synthetic data"),
    "synthetic_notice": (
        "合成数据：本公报的全部数据由程序生成（演示用），不是监测数据，不得作为监测结果引用或发布。",
        "Synthetic data: every figure of this bulletin comes from generated demonstration data, "
        "not from monitoring; it must not be cited or published as a monitoring result."),
    "synthetic_source": ("合成数据来源", "Synthetic data source"),
    "summary_note": (
        "{basis}同比变化：浓度与综合指数为变化率（%），优良天数比例为百分点；"
        "仅列出评价服务给出的同比变化。",
        "{basis} Changes: rates (%) for concentrations and "
        "the composite index, percentage points for the good-day ratio; only changes given by the "
        "assessment service are listed."),
    "summary_note_no_last": ("{basis}库中无{prev}数据，未列同比变化。",
                             "{basis} The store holds no "
                             "data of {prev}, so no year-on-year change is given."),
    "basis_province_series": ("全省数值为全省逐时序列（各设区市逐时浓度的算术平均）的统计结果；",
                              "Province figures are the statistics of the province's hourly "
                              "series (the mean of its cities' hourly series)."),
    "basis_city_mean": ("全省数值为各设区市本期结果的算术平均；",
                        "Province figures are the means of its cities' results."),
    "invalid_caveat": (
        "注意：本期有效数据不足（GB 3095 表 4：每月至少 27 个有效日值，2 月至少 25 个；全年至少 "
        "324 个），上述统计结果无效，仅供参考，不作排名与达标判定。",
        "Note: not enough valid data this period (GB 3095 Table 4: at least 27 valid days in "
        "each month, 25 in February, 324 in a year); the figures above are not valid, shown for "
        "information only, and neither ranked nor judged for compliance."),
    "cannot_judge": ("不能判定", "cannot be judged"),
    "group": ("组别", "Group"),
    "place": ("名次", "Place"),
    "better": ("相对较好", "Better"),
    "worse": ("相对较差", "Worse"),
    "tie_yes": ("并列", "tie"),
    "rank_title": ("{ind}排名前三与后三", "{ind}: best and worst three"),
    "sheet_rank": ("排名 {ind}", "Rank {ind}"),
    "rank_sentence": (
        "{n}个设区市中，{k}个市数据有效参与排名；按综合指数，{best}等{nb}市相对较好，"
        "{worst}等{nw}市相对较差（{span}）。",
        "Of {n} {n:city|cities}, {k} {k:has|have} valid data and {k:is|are} ranked; by the "
        "composite index {best} ({nb}) {nb:is|are} the best, {worst} ({nw}) the worst (from the "
        "last up)."),
    "rank_sentence_few": ("{n}个设区市中，{k}个市数据有效参与排名。",
                          "Of {n} {n:city|cities}, {k} {k:has|have} valid data and {k:is|are} "
                          "ranked."),
    "rank_insufficient": ("{cities}等{k}市有效数据不足，列入“数据不足”组，不参与排名。",
                          "{cities} ({k}) {k:has|have} insufficient valid data: listed in the "
                          "insufficient-data group, not ranked."),
    "change_sentence": (
        "与去年同期相比，综合指数变化幅度：{best}等{nb}市改善最多；{worst}等{nw}市改善最少或恶化"
        "（变化率为负表示改善）。",
        "Change of the composite index on a year earlier: {best} ({nb}) improved most; {worst} "
        "({nw}) least or worsened (a negative rate is an improvement)."),
    "yoy_counts": ("{pol}{down}市同比下降、{up}市上升、{same}市持平",
                   "{pol}: {down} {down:city|cities} lower, {up} higher, {same} unchanged"),
    "yoy_sentence": ("同比变化：{parts}。", "Year on year: {parts}."),
    "validity": ("数据有效性", "Data validity"),
    "valid": ("有效", "valid"),
    "insufficient": ("数据不足", "insufficient data"),
    "rank_insufficient_col": ("数据不足组内名次", "Rank within insufficient-data group"),
    "m_policy": (
        "口径选择（省级配置 [air]）：{transition}；排名分母：{den}；全省数值：{figures}；"
        "全省综合指数：{index}。",
        "Choices (province config [air]): {transition}; ranking denominators: {den}; province "
        "figures: {figures}; province composite index: {index}."),
    "pol_period_end": (
        "跨 2026-03-01 的时段，逐日 AQI 按当日有效的 HJ 633 版本计算，时段统计与有效性按时段末日"
        "有效的 HJ 663 版本，达标判定按时段末日有效的 GB 3095 限值",
        "for a period containing 2026-03-01, each day's AQI by the HJ 633 version in force that "
        "day, period statistics and validity by the HJ 663 version in force on the period's "
        "last day, compliance against the GB 3095 limits in force on that day"),
    "pol_refuse": ("跨 2026-03-01 的时段不予评价", "periods containing 2026-03-01 are refused"),
    "den_period_end": ("时段末日有效的标准对应的分母", "those of the rules in force on the "
                       "period's last day"),
    "den_gb3095_2012": ("始终用 GB 3095-2012 二级限值", "always the GB 3095-2012 set"),
    "den_gb3095_2026": ("始终用 GB 3095-2026 过渡阶段二级限值", "always the GB 3095-2026 "
                        "transition set"),
    "fig_province_series": ("全省逐时序列（各市均值）的统计结果", "statistics of the province "
                            "hourly series (mean of the cities)"),
    "fig_city_mean": ("各设区市结果的算术平均", "mean of the cities' results"),
    "idx_mean_of_cities": ("各设区市综合指数的平均（综合指数平均）", "mean of the cities' "
                           "indices"),
    "idx_index_of_mean": ("全省平均浓度计算的综合指数", "index of the province's mean "
                          "concentrations"),
    "m_validity": (
        "数据有效性（GB 3095-2012 表 4，与 GB 3095-2026 表 4 相同）：年均值需全年至少 324 个有效日值"
        "且每月至少 27 个（2 月至少 25 个）；月、季、半年和累计月份同样要求每月至少 27 个（2 月 25 个）"
        "有效日值。有效数据不足的城市列入“数据不足”组，不参与排名，达标情况为“不能判定”。",
        "Validity (GB 3095-2012 Table 4, the same in GB 3095-2026): an annual value needs at "
        "least 324 valid days and at least 27 in every month (25 in February); months, "
        "quarters, half-years and runs of months likewise need 27 (February 25) valid days in "
        "every month. Cities without enough valid data form the insufficient-data group: not "
        "ranked, compliance \"cannot be judged\"."),
    "m_no_annual_limits": (
        "本期不是日历年：平均浓度不与年均浓度限值比较，不作达标判定；图中限值线仅供参考。",
        "This period is not a calendar year: means are not compared with the annual limits and "
        "no compliance verdict is given; limit lines in charts are for reference only."),
    "sec_summary_city": ("{name}环境空气质量状况", "Air quality of {name}"),
    "city_rank": ("{city}本期综合指数为 {ci}，在全省参与排名的 {n} 个设区市中排名第 {r}（倒数第 {back}）。",
                  "{city}: composite index {ci}, rank {r} of the {n} ranked {n:city|cities} of the "
                  "province ({back} from bottom)."),
    "city_rank_none": ("{city}本期综合指数为 {ci}，有效数据不足，不参与全省排名。",
                       "{city}: composite index {ci}; not enough valid data, not ranked in the "
                       "province."),
    "days_title": ("各城市空气质量级别天数与首要污染物", "Days per AQI category and primary pollutant"),
    "days_note": ("仅计有效 AQI 日；首要污染物比例为 AQI > 50 的天数中该污染物为首要污染物的天数比例，"
                  "并列首要污染物各计一天（合计可超过 100%）。",
                  "Valid AQI days only; primary-pollutant share = days on which the pollutant is "
                  "primary among the days with AQI > 50; tied pollutants each count the day "
                  "(shares may sum to more than 100 %)."),
    "target_item": ("{ind} {v} {unit}（目标 {op} {goal}，{word}）",
                    "{ind} {v} {unit} (target {op} {goal}: {word})"),
    "target_sentence": ("目标进展：{parts}。", "Progress against the targets: {parts}."),
    "target_met": ("达到目标", "met"),
    "target_missed": ("未达到目标", "not met"),
    "sheet_info": ("说明", "About"),
    "sheet_methods": ("标准与方法", "Standards and methods"),
    "data_to": ("数据截至", "Data to"),
    "standards_used": ("评价依据", "Standards"),
    "issued": ("发布日期", "Issued"),
    "chart_bar_ref": ("各城市 PM₂.₅ 浓度（参考线：年均二级标准限值 {limit} µg/m³，本期不作达标判定）",
                      "City PM₂.₅ (reference line: annual Grade II limit {limit} µg/m³; no "
                      "compliance verdict for this period)"),
    "calendar_city_mean": ("日历按全省逐时序列着色；全省天数统计为各市平均，见上表。",
                           "The calendar is coloured by the province hourly series; province "
                           "day counts are city means (table above)."),
    "compliance_note": (
        "达标判定按 GB 3095 二级浓度限值：SO₂、NO₂、PM₁₀、PM₂.₅ 年均值与日均值百分位数须同时达标。"
        "WHO 水平为年均值达到的 WHO 2021 准则值或过渡时期目标（AQG、IT-4 … IT-1）。",
        "Compliance with the GB 3095 Grade II limits: for SO₂, NO₂, PM₁₀ and PM₂.₅ both the annual "
        "mean and the daily percentile must comply. WHO level: the most stringent WHO 2021 level "
        "(AQG, IT-4 … IT-1) met by the annual mean."),
    "compliance_unknown": ("有效数据不足，无法作出六项污染物综合达标判定。",
                           "Not enough valid data for an overall compliance verdict."),
    "compliance_all": ("六项污染物均达到 GB 3095 二级标准。",
                       "All six pollutants comply with the GB 3095 Grade II limits."),
    "compliance_some": ("超标污染物：{pols}。", "Pollutants above the limits: {pols}."),
    "improvement_note": ("综合指数同比变化率（%），负值表示改善；最好 = 改善最多。",
                         "Year-on-year change of the composite index (%); negative = "
                         "improvement; best = largest improvement."),
    "cities_note": ("排名按综合指数由小到大（1 = 最好），数值相同者并列；仅数据有效的城市参与排名，"
                    "数据不足的城市在“数据不足”组内另行排序。首要污染物为单项指数最大的污染物。",
                    "Ranked by composite index, lowest first (1 = best); equal values share a "
                    "rank; only cities with valid data are ranked, the others are ordered "
                    "within the insufficient-data group. Primary pollutant: the one with the "
                    "largest single-item index."),
    "period_days": ("本期天数", "Days in period"),
    "station_codes": ("点位编码", "Station codes"),
    "stations_title": ("参与评价的点位", "Stations included"),
    "stations_note": ("评价点位：各城市国控城市点位（不含对照点），按省级配置文件确定。",
                      "Evaluation stations: each city's national-control urban stations "
                      "(control stations excluded), as set in the province configuration."),
    "validity_title": ("有效数据统计", "Valid data"),
    "validity_note": (
        "有效天数：满足 GB 3095 表 4 与 HJ 663 数据有效性规定的日值（O₃ 为日最大 8 小时平均）个数；"
        "与本期天数之差即数据缺失或无效的天数。",
        "Valid days: daily values meeting the GB 3095 Table 4 and HJ 663 validity rules (O₃: daily "
        "max 8-h); the difference to the days in the period is the number of missing or invalid "
        "days."),
    "chart_map": ("各城市环境空气质量综合指数", "Composite index by city"),
    "chart_bar": ("各城市 PM₂.₅ 浓度与年均二级标准限值（{limit} µg/m³）",
                  "City PM₂.₅ against the annual Grade II limit ({limit} µg/m³)"),
    "chart_calendar": ("{name}逐日空气质量指数（AQI）日历", "Daily AQI calendar, {name}"),
    "chart_trend": ("{name}{pol}逐月变化", "Monthly {pol}, {name}"),
    "year_label": ("{year}年", "{year}"),
    "m_standards": ("评价依据：{std}；城市排名依据《{rule}》。",
                    "Standards: {std}; city ranking: {rule}."),
    "m_series": (
        "城市逐时浓度为其国控评价点位有效数据的算术平均。"
        "日均值需至少 {hours} 个有效小时值，O₃ 日最大 8 小时平均需至少 {win} 个有效 8 小时值"
        "（超过限值时除外）；本期统计量需至少 {days} 个有效日值。",
        "A city's hourly concentration is the mean of its valid evaluation (national-control) "
        "stations. A daily mean needs at least "
        "{hours} valid hours, the O₃ daily max 8-h at least {win} valid 8-h values (unless above "
        "the limit); period statistics need at least {days} valid days."),
    "m_index": (
        "综合指数为六项污染物单项指数之和，单项指数 = 浓度 / 分母（{den}）；SO₂、NO₂、PM₁₀、PM₂.₅ "
        "用平均浓度，CO 用日均值第 95 百分位，O₃ 用日最大 8 小时平均第 90 百分位（HJ 663 附录 A）。",
        "The composite index is the sum of the six single-item indices, index = concentration / "
        "denominator ({den}); means for SO₂, NO₂, PM₁₀, PM₂.₅, the 95th percentile of daily CO "
        "and the 90th percentile of the O₃ daily max 8-h (HJ 663 Appendix A)."),
    "m_days": ("优良天数：日 AQI ≤ 100；重度及以上污染：日 AQI > 200（HJ 633 表 2）。"
               "优良天数比例 = 优良天数 / 有效天数。",
               "Good days: daily AQI ≤ 100; heavy pollution: daily AQI > 200 (HJ 633 Table 2). "
               "Good-day ratio = good days / valid days."),
    "m_gaps": ("{n} 个设区市中 {k} 个本期六项统计量均有效并计算了综合指数；"
               "各城市、各污染物的有效天数见下表。",
               "{k} of {n} {n:city|cities} {k:has|have} all six statistics valid and a composite "
               "index; valid days "
               "per city and pollutant are in the table below."),
}

class _Formatter(string.Formatter):
    """``str.format`` plus English number agreement: ``{n:city|cities}`` is the first word when
    ``n`` is 1 and the second otherwise (``{k:has|have}``, ``{k:is|are}``); the number itself is
    written by a separate ``{n}``."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            try:
                return one if bool(value == 1) else many
            except (TypeError, ValueError):     # a missing count (NA): the plural
                return many
        return super().format_field(value, format_spec)


_FMT = _Formatter()


def tr(key: str, lang: str, **kw: object) -> str:
    """Bulletin text ``key`` in ``lang`` (``zh``/``en``), formatted with ``kw``
    (``{n:city|cities}``: singular or plural by ``n``, see :class:`_Formatter`)."""
    zh, en = _TEXT[key]
    return _FMT.format(zh if lang == "zh" else en, **kw)
