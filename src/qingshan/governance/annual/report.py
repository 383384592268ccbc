"""The annual city report (spec/governance.md §7.3–7.4 [D]): a structured template
(``template.toml``), figures computed by qingshan pre-filled and locked to their source, manual
figures with their source document, narrative sections within a length limit, and the
workflow draft → submitted → under review → returned → resubmitted → accepted, by role.

Before ``submit`` / ``resubmit`` the service recomputes every auto figure as of the year's end:
any difference from the stored value, a manual figure without value or source, or a narrative
over the limit blocks the step (§7.4 "checks before submitted"); the figures are frozen in the
report's ``snapshot`` at submission.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts.authz import Actor
from qingshan.config.province import ProvinceConfig
from qingshan.governance import rates as R
from qingshan.governance import repository as repo
from qingshan.governance import service
from qingshan.governance.annual.domain_figures import domain_figures, figure_entry
from qingshan.governance.models import Case
from qingshan.governance.workflows import TransitionError

__all__ = ["report_template", "auto_figures", "create_report", "fill_report", "report_problems",
           "submit_report", "refresh_report", "progress"]


@lru_cache(maxsize=1)
def report_template() -> dict:
    return tomllib.loads(resources.files("qingshan.governance.annual").joinpath(
        "template.toml").read_text(encoding="utf-8"))


def _rate_fig(r: R.Rate, prov: str) -> dict:
    return {"value": None if r.fraction is None else float(r.fraction),
            "text": r.text(), "numerator": r.numerator if isinstance(r.numerator, int)
            else str(r.numerator), "denominator": r.denominator if isinstance(r.denominator, int)
            else str(r.denominator), "rule_version": r.rule_version, "provenance": prov}


def _count(n: int | None, prov: str) -> dict:
    return {"value": n, "text": "—" if n is None else str(n), "provenance": prov}


def _key(source: str) -> str | None:
    """The figure key of a template source: ``auto:<ledger figure>`` → the key;
    ``domain:<domain>:<key>`` → ``<domain>:<key>`` (:mod:`.domain_figures`); manual → None."""
    if source.startswith("auto:"):
        return source[5:]
    if source.startswith("domain:"):
        return source[7:]
    return None


def _domain_entry(auto: Mapping[str, dict], key: str) -> dict:
    dom, _, k = key.partition(":")
    if key in auto:
        return auto[key]
    err = auto.get(f"{dom}:*", {}).get("error")
    return figure_entry({"value": None, "source": dom, "valid": False,
                         "note": f"provider failed: {err}" if err else
                         f"no provider of {dom} figures is registered"}, dom, k)


def auto_figures(session: Session, city: str, year: int, *, con=None,
                 province: ProvinceConfig | None = None) -> dict[str, dict]:
    """Every auto figure of ``city`` for ``year``: the ledgers' (None + note when the ledger
    has no data: never a silent zero) and the other domains' through their registered
    providers (:func:`.domain_figures.domain_figures`; ``con`` the analytic store)."""
    actor = Actor.system("governance.report")
    cut = date(year, 12, 31)
    start = date(year, 1, 1)
    out: dict[str, dict] = {}

    def safe(fn):
        try:
            return fn()
        except R.RatesError:
            return None

    t = safe(lambda: service.rates_for(session, actor, "dc_task", cut).get(city))
    out["tasks_total"] = _count(t["整改完成率"].denominator if t else None, "dc_task ledger")
    out["tasks_completed"] = _count(t["整改完成率"].numerator if t else None, "dc_task ledger")
    out["tasks_cancelled"] = _count(t["销号率"].numerator if t else None, "dc_task ledger")
    p = safe(lambda: service.rates_for(session, actor, "dc_petition", cut).get(city))
    out["petitions_total"] = _count(p["信访件办结率"].denominator if p else None, "dc_petition")
    out["petitions_concluded"] = _count(p["信访件办结率"].numerator if p else None, "dc_petition")
    out["petitions_staged"] = _count(
        p["信访件办结率(含阶段性)"].numerator - p["信访件办结率"].numerator if p else None,
        "dc_petition")
    c = safe(lambda: service.rates_for(session, actor, "complaint", cut,
                                       period_start=start).get(city))
    out["complaints_received"] = _count(c["受理量"].numerator if c else None, "complaint ledger")
    for fid, name in (("complaints_closed_rate", "办结率"),
                      ("complaints_satisfaction", "满意率")):
        out[fid] = _rate_fig(c[name], "complaint ledger") if c else _count(None, "complaint")
    i = safe(lambda: service.rates_for(session, actor, "inspection", cut,
                                       period_start=start).get(city))
    out["inspections_total"] = _count(i["off_site_share"].denominator if i else None,
                                      "inspection ledger")
    out["off_site_share"] = _rate_fig(i["off_site_share"], "inspection ledger") if i else \
        _count(None, "inspection ledger")
    e = safe(lambda: R.eia_counts(service.eia_frame(session, actor, city), year))
    row = e.set_index("city_code").loc[city] if e is not None and city in set(e["city_code"]) \
        else None
    for fid, col in (("eia_approvals", "approvals"), ("eia_filings", "filings"),
                     ("eia_key_projects", "key_project_approvals")):
        out[fid] = _count(int(row[col]) if row is not None else None, "EIA register")
    v = safe(lambda: service.register_frame(session, actor, "rural_sewage"))
    v = v[v["city_code"] == city] if v is not None else None
    if v is not None and len(v):
        out["villages_completed"] = _count(R.sewage_completed(v, year).get(city, 0),
                                           "rural sewage register")
        out["rural_sewage_rate"] = _rate_fig(R.sewage_rates(v)[city]["农村生活污水治理率"],
                                             "rural sewage register")
    else:
        out["villages_completed"] = _count(None, "rural sewage register")
        out["rural_sewage_rate"] = _count(None, "rural sewage register")
    out.update(domain_figures(city, year, con=con, session=session, province=province))
    return out


def _blank_sections(auto: Mapping[str, dict]) -> dict:
    sections = {}
    for sec in report_template()["sections"]:
        figs = {}
        for f in sec.get("figures", ()):
            if f["source"].startswith("auto:"):
                figs[f["id"]] = {**auto[f["source"][5:]], "locked": True, "label": f["label"]}
            elif f["source"].startswith("domain:"):
                figs[f["id"]] = {**_domain_entry(auto, _key(f["source"])), "locked": True,
                                 "label": f["label"]}
            else:
                figs[f["id"]] = {"value": None, "source_doc": None, "locked": False,
                                 "label": f["label"], "domain": f.get("domain")}
        sections[sec["id"]] = {"title": sec["title"], "text": "", "figures": figs,
                               "narrative": bool(sec.get("narrative"))}
    return sections


def create_report(session: Session, actor: Actor, city: str, year: int, today: date, *,
                  con=None, province: ProvinceConfig | None = None) -> Case:
    """A draft report of ``city`` for ``year`` with the auto figures pre-filled and locked
    (``con``: the analytic store the air and water figures are read from)."""
    sections = _blank_sections(auto_figures(session, city, year, con=con, province=province))
    return repo.create_case(session, actor, "annual_report", unit=city, today=today,
                            fields={"city_code": city, "year": year, "sections": sections,
                                    "template_version": report_template()["version"]},
                            title=f"{city} {year} 年度美丽山东建设工作报告", trusted_fields=True)


def fill_report(session: Session, actor: Actor, key: str, *, today: date, section: str,
                text: str | None = None,
                figures: Mapping[str, tuple[Any, str]] | None = None) -> Case:
    """Edit a section's narrative and manual figures (value, source document). A locked auto
    figure cannot be changed; the edit is the audited ``edit`` step."""
    row, _ = repo.get_case(session, actor, key)
    sections = {k: {**v, "figures": {f: dict(x) for f, x in v["figures"].items()}}
                for k, v in (row.fields or {}).get("sections", {}).items()}
    if section not in sections:
        raise TransitionError(f"no section {section!r}; sections: {sorted(sections)}")
    sec = sections[section]
    if text is not None:
        sec["text"] = text
    for fid, (value, source) in (figures or {}).items():
        if fid not in sec["figures"]:
            raise TransitionError(f"section {section} has no figure {fid!r}")
        if sec["figures"][fid].get("locked"):
            raise TransitionError(f"figure {fid} is computed by qingshan and locked to its "
                                  f"source ({sec['figures'][fid].get('provenance')})")
        sec["figures"][fid].update(value=value, source_doc=source)
    return repo.transition(session, actor, key, "edit", today=today,
                           params={"sections": sections}, via_service=True)


def refresh_report(session: Session, actor: Actor, key: str, *, today: date, con=None,
                   province: ProvinceConfig | None = None) -> Case:
    """Recompute every locked figure of a draft from its source (the ledgers, the other
    domains' providers), keeping the narrative and the manual figures; the audited ``edit``
    step. The way out of "stored … differs from the source's …" at submission."""
    row, _ = repo.get_case(session, actor, key)
    f = row.fields or {}
    fresh = _blank_sections(auto_figures(session, row.city_code, int(f["year"]), con=con,
                                         province=province))
    sections = {k: {**v, "figures": {i: dict(x) for i, x in v["figures"].items()}}
                for k, v in f.get("sections", {}).items()}
    for sid, sec in fresh.items():
        old = sections.setdefault(sid, {**sec, "figures": {}})
        for fid, fig in sec["figures"].items():
            if fig.get("locked") or fid not in old["figures"]:
                old["figures"][fid] = fig
    return repo.transition(session, actor, key, "edit", today=today,
                           params={"sections": sections}, via_service=True)


def report_problems(sections: Mapping[str, dict], fresh: Mapping[str, dict]) -> list[str]:
    """What blocks submission (§7.4)."""
    limit = report_template()["narrative_max"]
    out = []
    for sid, sec in sections.items():
        if len(sec.get("text") or "") > limit:
            out.append(f"§{sid} narrative longer than {limit} characters")
        for fid, f in sec["figures"].items():
            if f.get("locked"):
                src = next((_key(x["source"]) for s in report_template()["sections"]
                            for x in s.get("figures", ()) if x["id"] == fid), fid)
                now = fresh[src] if src in fresh else _domain_entry(fresh, src) \
                    if ":" in src else {}
                if now.get("value") != f.get("value") or \
                        now.get("valid", True) != f.get("valid", True):
                    out.append(f"§{sid} {fid}: stored {f.get('value')} differs from the "
                               f"source's {now.get('value')} (refresh the draft)")
            elif f.get("value") in (None, "") or not f.get("source_doc"):
                out.append(f"§{sid} {fid}: manual figure needs a value and its source document")
    return out


def submit_report(session: Session, actor: Actor, key: str, *, today: date,
                  step: str = "submit", con=None,
                  province: ProvinceConfig | None = None) -> Case:
    """``submit`` (or ``resubmit``): check against freshly computed figures, freeze them."""
    row, _ = repo.get_case(session, actor, key)
    f = row.fields or {}
    fresh = auto_figures(session, row.city_code, int(f["year"]), con=con, province=province)
    problems = report_problems(f.get("sections", {}), fresh)
    snapshot = {"cutoff": f"{f['year']}-12-31", "figures": {
        fid: x for sec in f.get("sections", {}).values() for fid, x in sec["figures"].items()},
        "version": row.version}
    return repo.transition(session, actor, key, step, today=today,
                           params={"snapshot": snapshot},
                           context={"report_problems": problems}, via_service=True)


def progress(session: Session, actor: Actor, province: ProvinceConfig, year: int) -> list[dict]:
    """Who has submitted: one row per city (state of its latest report, version)."""
    rows = session.scalars(select(Case).where(Case.kind == "annual_report",
                                              Case.year == year)).all()
    rows = [r for r in rows if repo.in_scope(actor, [r.primary_org_unit])]
    latest = {}
    for r in rows:
        if r.city_code not in latest or r.id > latest[r.city_code].id:
            latest[r.city_code] = r
    out = []
    for c in province.cities:
        if not repo.in_scope(actor, [c.code]) and not set(actor.roles) & {"prov_staff",
                                                                          "prov_leader"}:
            continue
        r = latest.get(c.code)
        out.append({"city_code": c.code, "city": c.name_zh, "state": r.state if r else "none",
                    "public_no": r.public_no if r else None,
                    "version": r.version if r else None,
                    "synthetic": bool(r.synthetic) if r else False})
    return out
