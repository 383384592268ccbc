"""The governance section of the bulletin (registered as ``parts["section"]``): per city and for
the province (Σ numerators / Σ denominators) the complaint 办结率 and 满意率 and the off-site
inspection share of the period, and EIA approvals decided in it, each with numerator and
denominator; synthetic data is said so. None when the operational store has no governance
data for the period."""

from __future__ import annotations

import pandas as pd

from qingshan.governance.bulletin_empty import kind_is_empty
from qingshan.reports.model import ReportSection, ReportTable, SectionContext
from qingshan.store import ops_where

__all__ = ["section"]


#: the ledger kinds of the section, each with its rates (rate name, column)
KINDS = (("complaint", (("办结率", "complaints closed %"), ("满意率", "satisfied %"))),
         ("inspection", (("off_site_share", "off-site inspections %"),)))


def _frame(ctx: SectionContext, session, actor, prov_code: str,
           kinds=KINDS) -> pd.DataFrame:
    from qingshan.governance import service
    from qingshan.governance.rates import RatesError

    p = ctx.period
    rows: dict[str, dict] = {}
    names = {c.code: (c.name_zh if ctx.lang == "zh" else c.name_en) for c in ctx.province.cities}
    names[prov_code] = ctx.province.name_zh if ctx.lang == "zh" else ctx.province.name_en
    # one rates_for per ledger kind (each reads the kind's whole event log): both complaint
    # rates come from the same call
    for kind, wanted in kinds:
        try:
            res = service.rates_for(session, actor, kind, p.end, period_start=p.start,
                                    province=prov_code)
        except RatesError:
            continue
        for rate, col in wanted:
            for unit, rs in res.items():
                r = rs[rate]
                row = rows.setdefault(unit, {"unit": names.get(unit, unit)})
                row[col] = r.value
                row[f"{col} n/N"] = f"{r.numerator}/{r.denominator}"
    return pd.DataFrame(list(rows.values()))


def section(ctx: SectionContext) -> ReportSection | None:
    url = ops_where.database_url(ctx.settings)
    if not ops_where.exists(url):  # no ledger beside the store: no section (and none created)
        return None
    # a kind without a case in the period adds nothing (its rates raise RatesError): known
    # from the cases' dates alone (bulletin_empty), its whole event log is not read — and a
    # period with no case of any kind is known before the ORM (SQLAlchemy, ≈ 0.3 s) is
    # imported or the store's migrations are checked (a ledger behind the heads reads as
    # not empty there, and is upgraded below as before)
    start, end = ctx.period.start, ctx.period.end
    empty = {k[0]: kind_is_empty(url, k[0], start, end) for k in KINDS}
    if all(empty.values()):
        return None
    from qingshan.store import ops

    try:
        ops.upgrade(url)
    except Exception:  # an unreachable operational store: no section, not a broken bulletin
        return None
    kinds = tuple(k for k in KINDS if not (empty[k[0]] or kind_is_empty(url, k[0], start, end)))
    if not kinds:
        return None
    from qingshan.accounts.authz import Actor
    from qingshan.governance import service

    actor = Actor.system("governance.bulletin")
    with ops.session_scope(url) as s:
        df = _frame(ctx, s, actor, ctx.province.code, kinds)
        synthetic = any(c.synthetic for c in service.repo.list_cases(s, actor, limit=20))
    if df.empty:
        return None
    zh = ctx.lang == "zh"
    note = ("比率为分子/分母；全省为各市分子之和/分母之和。" if zh else
            "Rates are numerator/denominator; the province is Σ numerators / Σ denominators.")
    if synthetic:
        note += " 含合成示例数据 (synthetic)。" if zh else " Includes synthetic demo data."
    dec = {c: 1 for c in df.columns if c.endswith("%")}
    return ReportSection(
        key="governance", title="生态环境治理" if zh else "Environmental governance",
        paragraphs=[note],
        tables=[ReportTable(key="governance", title=("信访投诉与执法" if zh else
                                                    "Complaints and enforcement"),
                            df=df, decimals=dec, note=note)])
