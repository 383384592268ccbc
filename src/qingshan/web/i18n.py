"""Page labels in Chinese (default) and English, and how a request chooses its language.

The language comes from the ``lang`` query parameter (kept in every link the pages write) or,
failing that, from the ``lang`` cookie set by the switch; the default is Chinese.
"""

from __future__ import annotations

from fastapi import Request

__all__ = ["LANGS", "LABELS", "request_lang", "translator"]

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    "app": ("青山 · 生态环境", "qingshan · environment"),
    "overview": ("全省概览", "Province overview"),
    "login": ("登录", "Log in"),
    "nav_carbon": ("碳排放", "Carbon"),
    "nav_governance": ("环境治理", "Governance"),
    "nav_compensation": ("生态补偿", "Compensation"),
    "nav_evaluation": ("美丽建设评价", "Evaluation"),
    "logout": ("退出", "Log out"),
    "login_to_upload": ("上传数据须先登录（省、市工作人员）", "uploading data needs a logged-in "
                        "province or city staff user"),
    "data": ("数据管理", "Data"),
    "city": ("城市", "City"),
    "cities": ("城市", "Cities"),
    "station": ("监测点", "Station"),
    "stations": ("监测点", "Stations"),
    "rank": ("排名", "Rank"),
    "period": ("时段", "Period"),
    "year": ("年份", "Year"),
    "indicator": ("指标", "Indicator"),
    "show": ("显示", "Show"),
    "composite_index": ("综合指数", "Composite index"),
    "composite_index_yoy_pct": ("综合指数同比(%)", "Composite index YoY (%)"),
    "pm25_yoy_pct": ("PM₂.₅同比(%)", "PM₂.₅ YoY (%)"),
    "good_day_ratio_yoy_pp": ("优良天数比例同比(百分点)", "Good-day ratio YoY (pp)"),
    "good_day_ratio": ("优良天数比例(%)", "Good-day ratio (%)"),
    "good_days": ("优良天数", "Good days"),
    "heavy_days": ("重度及以上污染天数", "Heavy-or-worse days"),
    "days": ("有效天数", "Valid days"),
    "aqi_hour": ("最新小时AQI", "AQI, latest hour"),
    "aqi_day": ("最新日AQI", "AQI, latest day"),
    "aqi": ("AQI", "AQI"),
    "pm25": ("PM₂.₅", "PM₂.₅"), "pm10": ("PM₁₀", "PM₁₀"), "so2": ("SO₂", "SO₂"),
    "no2": ("NO₂", "NO₂"), "co": ("CO", "CO"), "o3": ("O₃", "O₃"),
    "co_p95": ("CO(第95百分位)", "CO (95th pct.)"),
    "o3_8h_p90": ("O₃-8h(第90百分位)", "O₃-8h (90th pct.)"),
    "o3_8h_max": ("O₃日最大8小时", "O₃ max 8-h"),
    "primary_pollutant": ("首要污染物", "Primary pollutant"),
    "category": ("类别", "Category"),
    "date": ("日期", "Date"),
    "time": ("时间", "Time"),
    "month": ("月份", "Month"),
    "value": ("数值", "Value"),
    "limit": ("二级标准限值", "Grade II limit"),
    "who": ("WHO准则值", "WHO guideline"),
    "compliant": ("是否达标", "Compliant"),
    "compliance": ("达标情况", "Compliance"),
    "who_level": ("WHO级别", "WHO level"),
    "compliance_note": ("达标判定与WHO级别仅针对有效的全年统计(GB 3095-2012表4、HJ 663);"
                        "“—”表示该年统计量无效或尚未完整。",
                        "Compliance and WHO level are judged on valid annual statistics only "
                        "(GB 3095-2012 Table 4, HJ 663); “—” means the year is not valid or "
                        "not complete."),
    "yes": ("达标", "yes"), "no": ("超标", "no"),
    "exceed_pollutants": ("超标污染物", "Exceeding pollutants"),
    "province_summary": ("全省汇总", "Province summary"),
    "ranking": ("城市排名", "City ranking"),
    "map": ("地图", "Map"),
    "map_table": ("地图数据", "Map data"),
    "chart_table": ("图表数据", "Chart data"),
    "calendar": ("每日AQI日历", "Daily AQI calendar"),
    "trend": ("月均浓度趋势", "Monthly trend"),
    "primary_breakdown": ("首要污染物构成", "Primary pollutants"),
    "latest": ("最新数据", "Latest values"),
    "hourly": ("小时数据", "Hourly data"),
    "flags": ("质控标记", "QC flags"),
    "valid": ("有效", "valid"),
    "missing": ("缺测", "missing"),
    "invalid": ("无效", "invalid"),
    "flag_1": ("负值", "negative"), "flag_2": ("PM₂.₅>PM₁₀", "PM₂.₅>PM₁₀"),
    "flag_4": ("超出合理范围", "implausible"), "flag_8": ("重复小时", "duplicated hour"),
    "batches": ("入库批次", "Ingest batches"),
    "batch": ("批次", "Batch"),
    "kind": ("类型", "Kind"),
    "file": ("文件", "File"),
    "line": ("行", "Line"),
    "field": ("字段", "Field"),
    "reason": ("原因", "Reason"),
    "rows_read": ("读取行数", "Rows read"),
    "rows_stored": ("入库行数", "Rows stored"),
    "rows_flagged": ("标记行数", "Rows flagged"),
    "rows_skipped": ("跳过行数", "Rows skipped"),
    "outcome": ("结果", "Outcome"),
    "notes": ("说明", "Notes"),
    "supersedes": ("替换批次", "supersedes batch"),
    "started_at": ("开始时间", "Started"),
    "upload": ("上传文件", "Upload a file"),
    "upload_btn": ("上传并校验", "Upload and validate"),
    "column_map": ("列映射(表格类型)", "Column map (table kind)"),
    "upload_errors": ("文件校验未通过,未入库", "The file did not validate; nothing was stored"),
    "upload_ok": ("已入库", "Stored"),
    "no_data": ("无数据", "No data"),
    "days_count": ("天数", "Days"),
    "share": ("占比(%)", "Share (%)"),
    "name": ("名称", "Name"),
    "code": ("代码", "Code"),
    "stopped": ("已停运", "stopped"),
    "from": ("起", "From"),
    "to": ("止", "To"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "bad_request": ("请求参数有误", "Bad request"),
    "lang_switch": ("English", "中文"),
    "no_js": ("本页面无需JavaScript;每张图下方均附数据表。",
              "This page needs no JavaScript; every chart has its data table."),
    "unit_ug": ("µg/m³", "µg/m³"), "unit_mg": ("mg/m³", "mg/m³"),
    "chart_pollutant": ("图表污染物", "Chart pollutant"),
    # water (GB 3838-2002, 2011 assessment method; GB 3097-1997)
    "water": ("水环境", "Water"),
    "water_title": ("水环境质量", "Water quality"),
    "water_none": ("库中没有水质数据。", "The store holds no water-quality data."),
    "surface_water": ("地表水", "Surface water"),
    "coastal_water": ("近岸海域", "Coastal water"),
    "n_sections": ("断面数", "Sections"),
    "n_points": ("点位数", "Points"),
    "excellent_pct": ("Ⅰ～Ⅲ类比例(%)", "Classes I–III (%)"),
    "inferior_v_pct": ("劣Ⅴ类比例(%)", "Worse than V (%)"),
    "water_grade": ("水质状况", "Water quality grade"),
    "main_pollutants": ("主要污染指标", "Main pollutants"),
    "drinking_rate": ("饮用水水源达标率(%)", "Drinking-water sources compliant (%)"),
    "water_change": ("与上年同期相比", "Change vs. same period last year"),
    "delta_excellent": ("Ⅰ～Ⅲ类比例变化(百分点)", "Change of I–III share (pp)"),
    "coastal_excellent_count": ("近岸海域优良(一、二类)比例(按点位,%)",
                                "Coastal excellent (I+II), by points (%)"),
    "coastal_excellent_area": ("近岸海域优良(一、二类)比例(按面积,%)",
                               "Coastal excellent (I+II), by area (%)"),
    "sections": ("断面", "Sections"),
    "section": ("断面", "Section"),
    "water_body": ("水体", "Water body"),
    "river": ("河流", "river"), "lake": ("湖库", "lake/reservoir"),
    "water_class": ("水质类别", "Class"),
    "target_class": ("目标类别", "Target"),
    "meets_target": ("是否达标", "Meets target"),
    "coastal_points": ("近岸海域点位", "Coastal points"),
    "zone_class": ("功能区类别", "Zone class"),
    "sea_class": ("水质类别", "Class"),
    "meets_zone": ("功能区达标", "Meets zone"),
    "water_city_block": ("水环境", "Water"),
    "water_more": ("查看全省水环境", "Province water page"),
    "water_method": ("评价方法:《地表水环境质量标准》(GB 3838-2002)、《地表水环境质量评价办法(试行)》"
                     "(环办〔2011〕22号);近岸海域:《海水水质标准》(GB 3097-1997)。",
                     "Method: GB 3838-2002 classes and the 2011 surface-water assessment method "
                     "(环办〔2011〕22号); coastal water: GB 3097-1997."),
    # error pages: headings by code (fallback: by status) and their explanations
    "valid_days": ("有效天数", "Valid days"),
    "unit": ("单位", "Unit"),
    "download": ("下载", "Download"),
    "compare": ("对比", "Compare"),
    "compare_codes": ("城市或监测点代码（逗号分隔）", "City or station codes (comma-separated)"),
    "compare_hint": ("选择 2 至 6 个城市或监测点、一项指标和一个时段，查看逐日数值",
                     "Choose 2 to 6 cities or stations, one indicator and one period for their "
                     "daily values"),
    "compare_choose": ("请至少选择两个城市或监测点。", "Choose at least two cities or stations."),
    "level": ("层级", "Level"),
    "search": ("搜索", "Search"),
    "search_hint": ("城市或监测点名称、代码", "City or station name or code"),
    "search_none": ("没有找到匹配的城市或监测点。", "No city or station matches."),
    "calendar_days": ("日历天", "calendar days"),
    "partial_period": ("时段未完或数据不全（截至数据）：", "Partial period (to date):"),
    "data_to": ("数据截至", "data to"),
    "not_valid_period": ("统计有效天数不足，结果仅供参考，不作排名比较", "too few valid days: "
                         "figures are indicative, not comparable"),
    "error": ("出错了", "Error"),
    "error_detail": ("技术信息", "Technical details"),
    "not_found": ("未找到", "Not found"),
    "invalid_parameter": ("参数无效", "Invalid parameter"),
    "period_in_future": ("时段尚未开始", "Period not started yet"),
    "too_large": ("文件过大", "File too large"),
    "busy": ("服务器繁忙", "Server busy"),
    "store_busy": ("数据库正忙", "Store busy"),
    "forbidden": ("无权访问", "Forbidden"),
    "unauthorized": ("需要登录", "Login required"),
    "invalid_file": ("文件无效", "Invalid file"),
    "method_not_allowed": ("不支持的请求方法", "Method not allowed"),
    "internal_error": ("服务器内部错误", "Internal server error"),
    "err_404": ("请求的页面或对象不存在。", "The page or object asked for does not exist."),
    "err_405": ("此地址不支持该请求方法。", "This address does not accept that method."),
    "err_413": ("上传的内容超过了允许的大小。", "The upload is larger than allowed."),
    "err_422": ("请求中的参数无效，请检查后重试。", "A parameter of the request is not valid."),
    "err_503": ("服务器正忙，请稍后重试。", "The server is busy; please retry shortly."),
    "err_4xx": ("请求无法完成。", "The request could not be completed."),
    "err_5xx": ("服务器出现错误，请稍后重试。", "The server failed; please retry later."),
    "err_param": ("参数 {p} 的值无效。", "The value of parameter {p} is not valid."),
    "err_period": ("时段格式：2019、2019-03、2019-Q1、2019-H1 或 2019-01..2019-05。",
                   "Periods are written 2019, 2019-03, 2019-Q1, 2019-H1 or 2019-01..2019-05."),
}


def request_lang(request: Request) -> str:
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get("lang")
    return c if c in LANGS else "zh"


def translator(lang: str):
    """``t(key)`` → label in ``lang`` (the key itself when unknown)."""
    i = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = LABELS.get(key)
        return pair[i] if pair else key

    return t
