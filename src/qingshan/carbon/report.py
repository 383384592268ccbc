"""The carbon section of the bulletin: compliance of the enterprises whose surrender deadline
falls in the bulletin's period ("N of M enterprises complied", per city), with the rule version
and provenance marks, and the synthetic-data note when the ledger is the demo.

Registered as ``parts["section"]``: ``section(ctx) -> ReportSection | None`` (None when no
vintage's deadline is in the period, or the ledger has no enterprise). Figures come from
:mod:`qingshan.carbon.service`; nothing is computed here.
"""

from __future__ import annotations

from qingshan.carbon.standards import power
from qingshan.reports.model import ReportSection, ReportTable, SectionContext

__all__ = ["section", "vintages_due"]

_T = {"title": ("碳排放权交易履约", "Carbon-market compliance"),
      "city": ("城市", "City"), "enterprises": ("重点排放单位（家）", "Entities"),
      "complied": ("完成履约（家）", "Complied"), "late": ("其中逾期（家）", "of which late"),
      "not": ("未履约（家）", "Not complied"), "incomplete": ("数据不全（家）", "Incomplete"),
      "rate": ("按配额量完成率（%）", "Completion by quantity (%)"),
      "synthetic": ("注：本节数据为合成示例数据，非真实企业。",
                    "Note: this section uses SYNTHETIC demo data, not real enterprises.")}


def _t(k: str, lang: str) -> str:
    return _T[k][0 if lang == "zh" else 1]


def vintages_due(period) -> list[str]:
    """Vintages whose final surrender deadline lies in ``period`` (start..end)."""
    return [v for v, r in power.RULES.items()
            if period.start <= r.surrender_deadline.day <= period.end]


def section(ctx: SectionContext) -> ReportSection | None:
    """The carbon section of the bulletin of ``ctx.period`` (see the module docstring)."""
    due = vintages_due(ctx.period)
    if not due:
        return None
    # the ledger (SQLAlchemy's ORM with it) only for a period that has a deadline: a monthly
    # bulletin of another month does not import it (``qingshan report`` in a fresh process)
    import pandas as pd

    from qingshan.carbon import ledger, service
    from qingshan.store import ops

    if not ops.exists(ctx.settings):   # no ledger beside the store: no section, none created
        return None
    data = ledger.load(ctx.settings)
    if not len(data.enterprises):
        return None
    lang = ctx.lang
    names = {c.code: (c.name_zh if lang == "zh" else c.name_en) for c in ctx.province.cities}
    paras, tables = [], []
    for v in due:
        try:
            p = service.position_table(data, v, ctx.period.end)
        except ValueError:
            continue
        s = service.city_summary(data, v, ctx.period.end, positions=p)
        rule = p["rule_version"].iloc[0]
        marks = "".join(sorted(set(p["mark"])))
        if lang == "zh":
            paras.append(f"{v}年度配额清缴（截止{power.RULES[v].surrender_deadline.day}），"
                         f"{s['enterprises']}家重点排放单位中{s['complied']}家完成履约"
                         f"（数据不全{s['incomplete']}家未计入）。规则：{rule}；来源标记：{marks}。")
        else:
            paras.append(f"Vintage {v} (deadline {power.RULES[v].surrender_deadline.day}): "
                         f"{s['complied']} of {s['enterprises']} entities complied "
                         f"({s['incomplete']} with incomplete data not counted). Rules: {rule}; "
                         f"provenance marks: {marks}.")
        g = p.groupby("city_code")
        df = pd.DataFrame({
            _t("city", lang): [names.get(c, c) for c in g.groups],
            _t("enterprises", lang): g.size().to_numpy(),
            _t("complied", lang): g["status"].agg(lambda x: x.isin(["on_time", "late"]).sum()
                                                  ).to_numpy(),
            _t("late", lang): g["status"].agg(lambda x: (x == "late").sum()).to_numpy(),
            _t("not", lang): g["status"].agg(lambda x: (x == "not_complied").sum()).to_numpy(),
            _t("incomplete", lang): g["status"].agg(lambda x: (x == "incomplete").sum()
                                                    ).to_numpy()})
        tables.append(ReportTable(key=f"carbon_{v}"[:31], title=f"{_t('title', lang)} {v}",
                                  df=df, decimals={}))
        if s["synthetic"]:
            paras.append(_t("synthetic", lang))
    if not paras:
        return None
    return ReportSection(key="carbon", title=_t("title", lang), paragraphs=paras, tables=tables)
