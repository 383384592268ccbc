"""The bulletin's evaluation section: the Beautiful Shandong index of the bulletin's year.

Registered as ``parts["section"]`` (``section(ctx) -> ReportSection | None``). Annual bulletins
only (the framework's indicators are annual). Values: the computed indicators of the store (air
and water services) and the accepted submissions of the operational store. No data for the year:
None (nothing to say, never a table of zeros). Cities with incomplete data are listed without a
rank; every unverified target used is stated ([M]).
"""

from __future__ import annotations

import pandas as pd

from qingshan.reports.model import ReportSection, ReportTable, SectionContext

__all__ = ["section", "FRAMEWORK"]

#: the framework of the bulletin's section
FRAMEWORK = "shandong-2035"

_T = {
    "zh": {"title": "美丽山东建设评价", "city": "城市", "score": "综合指数", "rank": "排名",
           "complete": "数据完整", "yes": "是", "no": "否（不排名）",
           "lead": "{y} 年美丽山东建设综合指数（{fw}）覆盖 {n} 个市，其中 {k} 个市数据完整并参与排名。",
           "top": "前三位：{c}。", "marks": "使用的未核实目标值（[M]）：",
           "method": "方法：距目标接近度（EPI），各维度等权（中性占位，非官方权重）。"},
    "en": {"title": "Beautiful Shandong evaluation", "city": "City", "score": "Index",
           "rank": "Rank", "complete": "Complete", "yes": "yes", "no": "no (not ranked)",
           "lead": "{y} Beautiful Shandong index ({fw}) over {n} cities; {k} with complete data "
                   "are ranked.",
           "top": "Top three: {c}.", "marks": "Unverified targets used ([M]): ",
           "method": "Method: proximity to target (EPI), equal weights (a neutral placeholder, "
                     "not an official weighting)."},
}


def _accepted(ctx: SectionContext, fw):
    try:
        from qingshan.evaluation.submissions import accepted_panel
        from qingshan.store import ops
        url = ops.database_url(ctx.settings)
        if not ops.exists(url):      # no operational store beside the store: none created
            return None
        ops.upgrade(url)
        with ops.session_scope(url) as s:
            return accepted_panel(s, fw)
    except Exception:  # no operational store: no accepted submissions
        return None


def section(ctx: SectionContext) -> ReportSection | None:
    """The index of ``ctx.period``'s year (None when it is not a year or there is no data)."""
    per = ctx.period
    if getattr(per, "kind", None) != "year":
        return None
    # the engine only for an annual bulletin: a monthly one (a fresh ``qingshan report``
    # process) does not import it
    from qingshan.evaluation import service
    from qingshan.evaluation.engine.pipeline import EngineError
    from qingshan.evaluation.frameworks import load_framework

    t = _T.get(ctx.lang, _T["en"])
    fw = load_framework(FRAMEWORK)
    year = per.start.year
    try:
        r = service.run(fw, year, con=ctx.con, province=ctx.province,
                        submitted=_accepted(ctx, fw))
    except (EngineError, ValueError):
        return None
    res = r.result
    root = fw.root
    if res.scores[root].isna().all():
        return None
    dims = fw.children(root)
    df = pd.DataFrame({t["city"]: [res.unit_names.get(u, u) for u in res.units],
                       t["score"]: res.scores[root].to_numpy(),
                       t["rank"]: res.ranks[root].to_numpy(dtype=float, na_value=float("nan")),
                       t["complete"]: [t["yes"] if c else t["no"] for c in res.complete[root]]})
    for d in dims:
        df[fw.name(d, ctx.lang)] = res.scores[d].to_numpy()
    df = df.sort_values([t["rank"], t["score"]], ascending=[True, False], na_position="last")
    k = int(res.complete[root].sum())
    paras = [t["lead"].format(y=year, fw=fw.label, n=len(res.units), k=k), t["method"]]
    ranked = df.dropna(subset=[t["rank"]])
    if len(ranked):
        paras.append(t["top"].format(c="、".join(ranked[t["city"]].head(3)) if ctx.lang == "zh"
                                     else ", ".join(ranked[t["city"]].head(3))))
    if r.marks:
        paras.append(t["marks"] + "; ".join(r.marks))
    dec = {t["score"]: 1, t["rank"]: 0, **{fw.name(d, ctx.lang): 1 for d in dims}}
    return ReportSection("evaluation", t["title"], paragraphs=paras,
                         tables=[ReportTable("evaluation_index", t["title"], df, dec)])
