"""The "water environment" section of the air bulletins (annual and monthly).

Figures come from :mod:`qingshan.water.service` (``water_assessment`` at province and city
level, ``coastal_assessment`` at province level) for the bulletin's own period — any period of
:mod:`qingshan.core.periods` (month, quarter, half-year, year, run of months; the water method
assesses each by the mean of its samples, 环办〔2011〕22号 §2.2). The section is left out when
the store has no surface-water section with data in that period. Nothing is computed here.
"""

from __future__ import annotations

import pandas as pd

from qingshan.config.province import ProvinceConfig
from qingshan.reports.model import ReportSection, ReportTable
from qingshan.water.report_terms import change_name, grade_name, pollutants_name

__all__ = ["section", "water_section", "water_method_paragraph"]

_T: dict[str, tuple[str, str]] = {
    "title": ("水环境质量", "Water environment"),
    "province": ("全省水环境质量", "Water quality of the province"),
    "cities": ("各城市地表水环境质量", "Surface-water quality of the cities"),
    "code": ("代码", "Code"),
    "city": ("城市", "City"),
    "n_sections": ("评价断面数（个）", "Sections assessed"),
    "excellent": ("Ⅰ～Ⅲ类比例（%）", "Classes I–III (%)"),
    "inferior": ("劣Ⅴ类比例（%）", "Worse than class V (%)"),
    "grade": ("水质状况", "Water quality"),
    "main": ("主要污染指标", "Main pollutants"),
    "drinking": ("饮用水水源达标率（%）", "Drinking-water sources compliant (%)"),
    "prev": ("上年同期Ⅰ～Ⅲ类比例（%）", "Classes I–III last year (%)"),
    "change": ("与上年同期相比", "Change vs. last year"),
    "coast_count": ("近岸海域优良比例（按点位，%）", "Coastal excellent, by points (%)"),
    "coast_area": ("近岸海域优良比例（按面积，%）", "Coastal excellent, by area (%)"),
    "sheet_province": ("全省水环境质量", "Water (province)"),
    "sheet_cities": ("各城市地表水环境质量", "Water (cities)"),
    "note": ("Ⅰ～Ⅲ类比例与劣Ⅴ类比例按断面个数计；近岸海域优良指一、二类海水。",
             "Shares of sections by count; coastal excellent = sea-water classes I and II."),
}


def _t(key: str, lang: str) -> str:
    return _T[key][0 if lang == "zh" else 1]


def _f(v, nd: int = 1) -> str:
    return "—" if v is None or pd.isna(v) else f"{float(v):.{nd}f}"


def _paragraph(p: pd.Series, coast: pd.Series | None, label: str, prov_name: str,
               lang: str) -> str:
    grade = grade_name(p.get("grade"), lang)
    if lang == "zh":
        s = (f"{label}，{prov_name}{int(p.n_sections)}个地表水评价断面中，Ⅰ～Ⅲ类水质断面比例为"
             f"{_f(p.excellent_pct)}%，劣Ⅴ类比例为{_f(p.inferior_v_pct)}%，水质状况为{grade}")
        if pd.notna(p.get("change")):
            s += f"，与上年同期相比{p.change}"
        s += "。"
        if coast is not None:
            s += (f"近岸海域优良（一、二类）水质点位比例为{_f(coast.excellent_pct_count)}%，"
                  f"按面积计为{_f(coast.excellent_pct_area)}%。")
        return s
    s = (f"In {label}, {_f(p.excellent_pct)}% of the {int(p.n_sections)} surface-water sections "
         f"of {prov_name} were in classes I–III and {_f(p.inferior_v_pct)}% worse than class V; "
         f"water quality was {grade}")
    if pd.notna(p.get("change")):
        s += f" ({change_name(p.change, lang)} against the same period of last year)"
    s += "."
    if coast is not None:
        s += (f" Coastal water: {_f(coast.excellent_pct_count)}% of points excellent "
              f"(classes I–II), {_f(coast.excellent_pct_area)}% by area.")
    return s


def water_section(con, period, kind: str | None, label: str, prov: ProvinceConfig,
                  lang: str) -> ReportSection | None:
    """The water section of the bulletin of ``period`` (a period text or
    :class:`~qingshan.core.periods.Period` of any kind; ``kind`` is accepted for the callers
    that pass it and not needed), or None when there is no surface-water data for it."""
    from qingshan.water.service import coastal_assessment, water_assessment

    pv = water_assessment(con, period, "province", province_code=prov.code)
    if pv.empty or not pv.n_sections.iloc[0]:
        return None
    p = pv.iloc[0]
    cp = coastal_assessment(con, period, "province")
    coast = cp.iloc[0] if len(cp) and cp.n_points.iloc[0] else None
    prov_name = prov.name_zh if lang == "zh" else prov.name_en
    head = {_t("n_sections", lang): [int(p.n_sections)],
            _t("excellent", lang): [p.excellent_pct], _t("inferior", lang): [p.inferior_v_pct],
            _t("grade", lang): [grade_name(p.grade, lang)],
            _t("main", lang): [pollutants_name(p.main_pollutants, lang)],
            _t("prev", lang): [p.prev_excellent_pct],
            _t("change", lang): [change_name(p.change, lang)]}
    if coast is not None:
        head[_t("coast_count", lang)] = [coast.excellent_pct_count]
        head[_t("coast_area", lang)] = [coast.excellent_pct_area]
    dec = {k: (0 if k == _t("n_sections", lang) else 1) for k, v in head.items()
           if isinstance(v[0], (int, float)) or v[0] is None}
    t_prov = ReportTable("water_province", _t("province", lang), pd.DataFrame(head), dec,
                         _t("note", lang), sheet=_t("sheet_province", lang), frozen_columns=1)
    cities = water_assessment(con, period, "city", province_code=prov.code)
    names = {c.code: (c.name_zh if lang == "zh" else c.name_en) for c in prov.cities}
    df = pd.DataFrame({
        _t("code", lang): cities.group_key.astype(str),
        _t("city", lang): cities.group_key.map(names).fillna(cities.get("name")),
        _t("n_sections", lang): cities.n_sections.astype(int),
        _t("excellent", lang): cities.excellent_pct.astype(float),
        _t("inferior", lang): cities.inferior_v_pct.astype(float),
        _t("grade", lang): [grade_name(g, lang) for g in cities.grade],
        _t("main", lang): [pollutants_name(m, lang) for m in cities.main_pollutants],
        _t("drinking", lang): cities.drinking_rate_count.astype(float),
        _t("change", lang): [change_name(c, lang) for c in cities.change],
    })
    t_cities = ReportTable("water_cities", _t("cities", lang), df,
                           {_t("n_sections", lang): 0, _t("excellent", lang): 1,
                            _t("inferior", lang): 1, _t("drinking", lang): 1},
                           sheet=_t("sheet_cities", lang), frozen_columns=2)
    return ReportSection("water", _t("title", lang),
                         paragraphs=[_paragraph(p, coast, label, prov_name, lang)],
                         tables=[t_prov, t_cities])


def water_method_paragraph(lang: str) -> str:
    """Which water method and version the water section used."""
    if lang == "zh":
        return ("水环境部分：断面水质类别按《地表水环境质量标准》（GB 3838-2002）表1单因子评价"
                "（水温、总氮、粪大肠菌群不参与评价），水质状况、主要污染指标和变化程度按"
                "《地表水环境质量评价办法（试行）》（环办〔2011〕22号）；近岸海域按《海水水质标准》"
                "（GB 3097-1997）。所有比例按断面或点位个数计，面积比例按配置的点位代表面积。")
    return ("Water section: section classes by GB 3838-2002 Table 1, single-factor method "
            "(water temperature, total nitrogen and fecal coliform not assessed); grades, main "
            "pollutants and change by the 2011 surface-water assessment method (环办〔2011〕22号); "
            "coastal water by GB 3097-1997. Shares by section or point count; area shares by "
            "the configured point areas.")


def section(ctx) -> ReportSection | None:
    """The bulletin hook (``parts["section"]``): the water section of ``ctx.period`` with the
    water method as its last paragraph, or None without surface-water data for the period."""
    sec = water_section(ctx.con, ctx.period, None, ctx.period.name(ctx.lang), ctx.province,
                        ctx.lang)
    if sec is not None:
        sec.paragraphs.append(water_method_paragraph(ctx.lang))
    return sec
