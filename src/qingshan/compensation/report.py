"""The bulletin's compensation section: the air-quality ledger of the bulletin's period.

Registered as ``parts["section"]`` (``section(ctx) -> ReportSection | None``). A period that is
not whole quarters (a month, a run of months) has no settlement: None. A period whose rules were
not retrieved (from 2019-Q2) gets a section saying so, with no figures. A period without data:
None (the bulletin has nothing to say, and never prints zeros).
"""

from __future__ import annotations

import pandas as pd

from qingshan.compensation import service as svc
from qingshan.compensation.rulesets import RuleSetError
from qingshan.reports.model import ReportSection, ReportTable, SectionContext

__all__ = ["section"]

_T = {
    "zh": {"title": "环境空气质量生态补偿", "city": "城市", "comp": "补偿（万元）",
           "awards": "一次性奖励（万元）", "total": "合计（万元）", "dir": "方向",
           "flows": "资金流向", "item": "项目", "value": "万元",
           "out": "省级向市级补偿", "in": "市级向省级补偿", "net": "净额",
           "clearing": "各市结算", "unknown": "本期施行的生态补偿办法未取得，未编制台账：",
           "lead": "{p}按{r}结算：省级向市级补偿 {o:.0f} 万元（含一次性奖励 {a:.0f} 万元），"
                   "市级向省级补偿 {i:.0f} 万元，净额 {n:.0f} 万元。",
           "partial": "数据不完整：{n} 个市缺少本期或上年同期数据，未计入合计。"},
    "en": {"title": "Air-quality eco-compensation", "city": "City", "comp": "Compensation (万元)",
           "awards": "One-time awards (万元)", "total": "Total (万元)", "dir": "Direction",
           "flows": "Money flows", "item": "Item", "value": "万元",
           "out": "Province → cities", "in": "Cities → province", "net": "Net",
           "clearing": "Clearing by city", "unknown": "The compensation rules in force were "
           "not retrieved; no ledger: ",
           "lead": "{p} settled under {r}: the province pays cities {o:.0f} 万元 (one-time "
                   "awards {a:.0f}), cities pay the province {i:.0f}, net {n:.0f}.",
           "partial": "Partial: {n} cities lack this or last year's data; not in the totals."},
}


def section(ctx: SectionContext) -> ReportSection | None:
    """The ledger of ``ctx.period`` from the store (None when there is nothing to report)."""
    t = _T.get(ctx.lang, _T["en"])
    per = ctx.period
    try:
        svc.quarters_of(per)
    except ValueError:
        return None
    try:
        led = svc.air_compensation(ctx.con, per, province=ctx.province)
    except RuleSetError as e:
        return ReportSection("compensation", t["title"], paragraphs=[t["unknown"] + str(e)])
    except ValueError:
        return None
    f = led.flows
    paras = [t["lead"].format(p=per.name(ctx.lang), r="、".join(led.rules) if ctx.lang == "zh"
                              else ", ".join(led.rules), o=f.gross_out, a=f.awards_out,
                              i=f.gross_in, n=f.net)]
    if not f.complete:
        paras.append(t["partial"].format(n=f.n_incomplete))
    paras += led.marks
    flows = pd.DataFrame({t["item"]: [t["out"], t["in"], t["net"]],
                          t["value"]: [f.gross_out, f.gross_in, f.net]})
    c = led.clearing
    clear = pd.DataFrame({t["city"]: c["name"], t["comp"]: c["compensation"],
                          t["awards"]: c["awards"], t["total"]: c["total"],
                          t["dir"]: c["direction"]})
    return ReportSection("compensation", t["title"], paragraphs=paras, tables=[
        ReportTable("comp_flows", t["flows"], flows, {t["value"]: 0}),
        ReportTable("comp_clearing", t["clearing"], clear,
                    {t["comp"]: 0, t["awards"]: 0, t["total"]: 0})])
