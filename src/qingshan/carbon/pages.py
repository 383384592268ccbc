"""Carbon pages: ``/carbon`` (enterprises with their compliance status and the city summary
"N of M enterprises complied"), ``/carbon/enterprise/{code}`` (units, allocation and emissions
trail), ``/carbon/footprints`` and ``/carbon/footprint/{product}`` (per stage and per input).

Figures come from :mod:`qingshan.carbon.service` over the operational store (the same tables the
API returns); every figure shows its provenance mark, synthetic demo data a banner. The
templates live in this package (``templates/carbon/``) and extend the web's ``base.html``: the
folder is added to the web renderer's template search path once (:func:`_templates`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, FileSystemLoader

from qingshan.carbon import ledger, service
from qingshan.carbon.api import ops_of
from qingshan.carbon.standards.footprint import STAGE_NAMES
from qingshan.web import render
from qingshan.web.i18n import request_lang
from qingshan.web.render import page

__all__ = ["router", "LABELS"]

router = APIRouter(include_in_schema=False)
_DIR = Path(__file__).parent / "templates"

LABELS = {
    "title": ("碳排放权交易履约", "ETS compliance"),
    "synthetic": ("合成示例数据：所有企业、机组与数值均为虚构，仅用于演示。",
                  "SYNTHETIC demo data: every enterprise, unit and figure is invented."),
    "complied_of": ("{n} 家 / 共 {m} 家企业完成履约", "{n} of {m} enterprises complied"),
    "incomplete": ("数据不全、未计入：{k} 家", "incomplete data, not counted: {k}"),
    "national": ("全国（公开数据）", "national (published)"),
    "enterprise": ("企业", "Enterprise"), "vintage": ("履约年度", "Vintage"),
    "status": ("履约状态", "Status"), "allocation": ("核定配额 (t)", "Allocation (t)"),
    "pre": ("预分配 (t)", "Pre-allocation (t)"), "true_up": ("多退少补 (t)", "True-up (t)"),
    "verified": ("核查排放量 (t)", "Verified (t)"),
    "obligation": ("应清缴 (t)", "Obligation (t)"), "surrendered": ("已清缴 (t)",
                                                                    "Surrendered (t)"),
    "position": ("盈缺 (t)", "Surplus/deficit (t)"), "mark": ("来源标记", "Provenance"),
    "deadline": ("截止日期", "Deadline"), "alert": ("提醒", "Alert"),
    "units": ("机组", "Units"), "rule": ("规则版本", "Rule version"),
    "footprints": ("产品碳足迹", "Product carbon footprints"),
    "product": ("产品", "Product"), "declared_unit": ("声明单位", "Declared unit"),
    "kg": ("kg CO2e", "kg CO2e"), "stage": ("阶段", "Stage"), "input": ("输入", "Input"),
    "amount": ("数量", "Amount"), "emissions": ("核算排放量（企业报告）", "Accounted emissions "
                                                                   "(reported)"),
    "direct": ("直接 (t)", "Direct (t)"), "indirect": ("购入电力 (t)", "Purchased electricity (t)"),
    "default_rows": ("使用缺省值的月份", "Months with defaults"),
    "none": ("尚无碳数据", "No carbon data yet"),
    "marks_note": ("标记：V 已核实，M 凭记忆未核实，D 推导，S 合成，U 用户提供",
                   "Marks: V verified, M from memory (unverified), D derived, S synthetic, "
                   "U user-supplied"),
    "on_time": ("按时履约", "on time"), "late": ("逾期履约", "late"),
    "not_complied": ("未履约", "not complied"), "pending": ("未到期", "not yet due"),
    "incomplete_s": ("数据不全", "incomplete"), "notes": ("无法计算的年度", "Vintages not "
                                                                        "computed"),
}


def _t(lang: str):
    i = 1 if lang == "en" else 0

    def ct(key: str, **kw) -> str:
        pair = LABELS.get(key)
        text = pair[i] if pair else key
        return text.format(**kw) if kw else text
    return ct


def _templates() -> None:
    env = render._ENV
    if not getattr(env, "_carbon_templates", False):
        env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(_DIR))])
        env._carbon_templates = True


def _render(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
    _templates()
    lang = request_lang(request)
    stage = {k: v[0 if lang == "zh" else 1] for k, v in STAGE_NAMES.items()}
    return page(request, template, status, ct=_t(lang), stage_name=stage, **ctx)


def _day(as_of: str | None) -> date:
    try:
        return date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        return date.today()


@router.get("/carbon", response_class=HTMLResponse)
def carbon_list(request: Request, period: str = "2021-2022", as_of: str | None = None,
                city: str | None = None) -> HTMLResponse:
    """Enterprises with their status per vintage of ``period`` and "N of M complied"."""
    data = ledger.load(ops_of(request))
    day = _day(as_of)
    try:
        rows = service.period_positions(data, period, day)
        summ = service.city_summary(data, period, day, city, positions=rows)
    except ValueError as e:
        return _render(request, "carbon/list.html", 200 if isinstance(e, service.NoData)
                       else 422, error=str(e), period=period, rows=[], summ=None,
                       periods=list(service.power.PERIODS), synthetic=False)
    if city:
        rows = rows[rows["city_code"] == city]
    return _render(request, "carbon/list.html", period=period, as_of=day, city=city,
                   rows=rows.to_dict(orient="records"), summ=summ, error=None,
                   periods=list(service.power.PERIODS), synthetic=summ["synthetic"])


@router.get("/carbon/enterprise/{code}", response_class=HTMLResponse)
def carbon_enterprise(request: Request, code: str, as_of: str | None = None) -> HTMLResponse:
    """One enterprise: units, per vintage allocation, verified emissions, obligation,
    surrenders, status."""
    try:
        d = service.enterprise_detail(ledger.load(ops_of(request)), code, _day(as_of))
    except service.NoData as e:
        return _render(request, "carbon/enterprise.html", 404, error=str(e), e=None)
    return _render(request, "carbon/enterprise.html", error=None, e=d["enterprise"],
                   units=d["units"].to_dict(orient="records"),
                   emissions=d["emissions"].to_dict(orient="records"),
                   positions=d["positions"].to_dict(orient="records"),
                   allocations=d["allocations"].to_dict(orient="records"), notes=d["notes"],
                   synthetic=bool(d["enterprise"].get("synthetic")))


@router.get("/carbon/footprints", response_class=HTMLResponse)
@router.get("/carbon/footprint/{product}", response_class=HTMLResponse)
def carbon_footprint(request: Request, product: str | None = None) -> HTMLResponse:
    """Footprints of every product, or of one with its stages and inputs."""
    try:
        out = service.footprints(ledger.load(ops_of(request)), product)
    except service.NoData as e:
        return _render(request, "carbon/footprint.html", 404 if product else 200,
                       error=str(e), products=[], stages=[], inputs=[], product=product)
    prods = out["products"]
    return _render(request, "carbon/footprint.html", error=None, product=product,
                   products=prods.to_dict(orient="records"),
                   stages=out["stages"].to_dict(orient="records"),
                   inputs=out["inputs"].to_dict(orient="records"),
                   synthetic=bool(prods["synthetic"].fillna(False).astype(bool).any()))
