"""The compensation page (``/compensation``): who pays and who receives, the ledger with each
term, the period's (year's) clearing, and the notes and marks of the rules used.

Every figure comes from :func:`qingshan.compensation.api.compute` (the same ledger the JSON API
returns). A period without data is an error page, never a page of zeros.

The template lives in this package (``templates/compensation/ledger.html``, extending the web's
``base.html``); :func:`_templates` adds the folder to the web's template search path once —
to move into :mod:`qingshan.web.render` as a per-domain template lookup.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, FileSystemLoader

from qingshan.api.errors import ApiError
from qingshan.compensation.api import compute
from qingshan.compensation.rulesets import rulesets
from qingshan.web import render
from qingshan.web.geo import load_geo
from qingshan.web.i18n import request_lang
from qingshan.web.render import chart_svg, page

__all__ = ["router", "LABELS"]

router = APIRouter(include_in_schema=False)
_DIR = Path(__file__).parent / "templates"

LABELS = {
    "zh": {"title": "生态补偿", "scheme": "类别", "air": "环境空气质量", "water": "地表水环境质量",
           "period": "结算期", "rules": "规则版本", "in_force": "结算期施行的版本",
           "choose": "请选择结算期（季度，如 2018-Q1；半年、年为各季度之和）。",
           "rules_used": "所用规则", "unit": "单位：万元",
           "partial": "不完整：{n} 个市缺少本期或上年同期数据，其金额未计入合计。",
           "gross_out": "省级向市级补偿（总额）", "gross_in": "市级向省级补偿（总额）",
           "net": "净额（省级支出）", "awards": "一次性奖励", "counts": "获补偿 / 缴纳 / 免考核",
           "who": "谁补偿谁", "receive": "省级补偿的市", "pay": "向省级缴纳的市",
           "exempt": "免考核（免试）", "ledger": "补偿台账（各项）", "summary": "结算汇总",
           "notes": "说明（未核实的值与开放选项）", "fingerprint": "输入指纹",
           "cols": {"name": "城市", "period": "季度", "rule_version": "规则", "d_pm25": "ΔPM₂.₅",
                    "d_pm10": "ΔPM₁₀", "d_so2": "ΔSO₂", "d_no2": "ΔNO₂", "s_conc": "加权改善",
                    "coefficient_applied": "系数", "a_conc": "浓度补偿", "d_good_pp": "Δ优良天数比例",
                    "a_good": "优良天数补偿", "amount": "金额", "direction": "方向",
                    "source": "数据来源", "compensation": "补偿", "total": "合计",
                    "award": "奖励", "met": "达到", "value": "年均值", "limit": "限值"}},
    "en": {"title": "Eco-compensation", "scheme": "Scheme", "air": "Ambient air", "water":
           "Surface water", "period": "Settlement period", "rules": "Rules",
           "in_force": "version in force", "choose": "Choose a settlement period (a quarter "
           "such as 2018-Q1; a half-year or year is the sum of its quarters).",
           "rules_used": "Rules used", "unit": "amounts in 万元 (10,000 yuan)",
           "partial": "Partial: {n} cities lack this period's or last year's data; their "
                      "amounts are not in the totals.",
           "gross_out": "Province → cities (gross)", "gross_in": "Cities → province (gross)",
           "net": "Net (province pays)", "awards": "One-time awards",
           "counts": "Receiving / paying / exempt", "who": "Who pays whom",
           "receive": "Cities paid by the province", "pay": "Cities paying the province",
           "exempt": "Exempt (免试)", "ledger": "Ledger (every term)", "summary": "Clearing",
           "notes": "Notes (unverified values and open points)", "fingerprint": "Inputs' fingerprint",
           "cols": {}},
}
_LEDGER = ("name", "period", "rule_version", "d_pm25", "d_pm10", "d_so2", "d_no2", "s_conc",
           "coefficient_applied", "a_conc", "d_good_pp", "a_good", "amount", "direction",
           "source")


def _map(prov, clear, lang: str) -> str | None:
    """SVG map of who receives (green), who pays (red) and who is neither or exempt (grey);
    None when the province has no map shapes."""
    geo = load_geo(prov)
    if geo is None:
        return None
    from qingshan.charts import cmap
    import numpy as np
    import pandas as pd
    L = LABELS[lang]
    comp = pd.to_numeric(clear["compensation"])
    sign = np.sign(comp).where(clear["complete"].astype(bool))
    label = np.select([sign > 0, sign < 0], [L["receive"], L["pay"]], L["exempt"] + " / 0")
    vals = pd.DataFrame({"code": clear["code"], "value": sign,
                         "label": pd.Series(label, index=clear.index) + " "
                         + comp.abs().map(lambda v: "—" if pd.isna(v) else f"{v:.0f}")})
    cats = [{"lo": None, "hi": -1, "label": L["pay"], "colour": "#d73027"},
            {"lo": 0, "hi": 0, "label": L["exempt"] + " / 0", "colour": "#bdbdbd"},
            {"lo": 1, "hi": None, "label": L["receive"], "colour": "#1a9850"}]
    try:
        spec = cmap.city_map(geo, vals, L["who"], lang=lang, categories=cats)
    except (ValueError, KeyError):
        return None
    return chart_svg(spec)


def _templates() -> None:
    """Let the web's template environment find this package's templates (once)."""
    env = render._ENV
    if getattr(env, "_qs_compensation", False):
        return
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(_DIR)])
    env._qs_compensation = True


@router.get("/compensation", response_class=HTMLResponse)
def compensation_page(request: Request, period: str | None = None, scheme: str = "air",
                      rules: str | None = None) -> HTMLResponse:
    """The ledger of a settlement period (air by default)."""
    _templates()
    lang = request_lang(request)
    if scheme not in ("air", "water"):
        raise ApiError(422, "invalid_parameter", f"scheme: {scheme!r} is not air or water")
    ids = [r.id for r in rulesets(scheme) if r.known]
    ctx = {"L": LABELS[lang], "scheme": scheme, "period": period, "rules": rules,
           "rule_ids": ids, "led": None}
    if not period:
        return page(request, "compensation/ledger.html", **ctx)
    with request.app.state.store.cursor() as con:
        led = compute(request, con, scheme, period, rules or None)
    clear = led.clearing
    ok = clear["complete"].astype(bool)
    cols = [c for c in _LEDGER if c in led.quarters.columns]
    clear_cols = [c for c in clear.columns if c not in ("code", "complete", "exempt", "payer",
                                                        "payee")]
    award_cols = ["name", "award", "value", "limit", "met", "amount", "mark", "note"]
    return page(
        request, "compensation/ledger.html", **{**ctx, "led": led,
        "receive": clear[ok & (clear.compensation > 0)].sort_values(
            "compensation", ascending=False).to_dict(orient="records"),
        "pay": clear[ok & (clear.compensation < 0)].sort_values("compensation").to_dict(
            orient="records"),
        "exempt": clear[clear.exempt.astype(bool)].to_dict(orient="records"),
        "ledger": led.quarters[cols].to_dict(orient="records"), "ledger_cols": cols,
        "clearing": clear.to_dict(orient="records"), "clearing_cols": clear_cols,
        "awards": led.awards.to_dict(orient="records") if len(led.awards) else [],
        "award_cols": award_cols,
        "map_svg": _map(request.app.state.province, clear, lang) if scheme == "air" else None})
