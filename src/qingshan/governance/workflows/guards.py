"""Guards of the governance transitions, by name (the machine files refer to them).

Each guard is ``fn(case, actor, params, today, *args) -> str | None``: ``None`` when the step
may go ahead, else the reason it may not (shown to the user). ``case`` is a plain mapping of
the case's fields (``signatures``, ``clocks``, ``notices`` …); ``params`` are the step's
inputs. Clauses cited per guard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from qingshan.governance import roles as R
from qingshan.governance.scope import unit_contains

__all__ = ["GUARDS", "FIVE_CRITERIA", "PLAN_FIELDS", "CALLBACK_RESULTS"]

#: 销号 criteria: 措施到位、问题解决、机制健全、行动规范、资料齐全 [V S7]
FIVE_CRITERIA = ("措施到位", "问题解决", "机制健全", "行动规范", "资料齐全")
#: plan fields required before ``imported → planned`` (§2.4 guard)
PLAN_FIELDS = ("target", "measures", "due_at", "responsible_unit", "responsible_person",
               "supervising_unit", "plan_version")
#: callback (回访) answers (§3.2)
CALLBACK_RESULTS = ("satisfied", "basically_satisfied", "dissatisfied", "unreachable", "declined")

GUARDS: dict[str, Callable[..., str | None]] = {}


def _guard(needs_params: bool = False):
    def deco(fn):
        fn.needs_params = needs_params
        GUARDS[fn.__name__] = fn
        return fn
    return deco


def _today(today: date | None) -> date:
    return today or date.today()


def _signers(case: Mapping[str, Any]) -> dict[str, str]:
    return {s["track"]: s["user_id"] for s in case.get("signatures", ())}


@_guard()
def plan_complete(case, actor, params, today):
    """§2.4: target, measures, deadline, responsible unit, 责任人, 督导单位 and plan version set."""
    missing = [f for f in PLAN_FIELDS if not case.get(f)]
    return f"plan fields missing: {', '.join(missing)}" if missing else None


@_guard()
def level_role(case, actor, params, today):
    """§2.4/§5/§8.2: provincial items by PROV_STAFF, city items by CITY_STAFF (``level`` or
    ``approval_level`` of the case); the system may act on either."""
    level = case.get("approval_level") or case.get("level") or "city"
    need = R.PROV_STAFF if level == "province" else R.CITY_STAFF
    if R.SYSTEM in actor.roles or need in actor.roles:
        return None
    return f"a {level}-level item is handled by {need}"


@_guard()
def five_criteria_evidence(case, actor, params, today):
    """§2.4: evidence ≥ 1 file per criterion of the five-criteria checklist [V S7]."""
    ev = case.get("evidence_by_criterion", {})
    missing = [c for c in FIVE_CRITERIA if not ev.get(c)]
    return f"no evidence for: {'、'.join(missing)}" if missing else None


@_guard()
def not_self_check_submitter(case, actor, params, today):
    """§2.4, §8.1 separation of duties: who applied for 销号 cannot sign acceptance."""
    if case.get("self_check_by") and case.get("self_check_by") == actor.user_id:
        return "the user who applied for 销号 cannot sign its acceptance"
    return None


@_guard()
def track_unsigned(case, actor, params, today, track):
    """A track is signed once."""
    return f"the {track} track is already signed" if track in _signers(case) else None


@_guard()
def not_other_track_signer(case, actor, params, today):
    """§8.1: the signer of the territorial track cannot sign the sector track (and back)."""
    if actor.user_id in _signers(case).values():
        return "the same user cannot sign both tracks"
    return None


@_guard()
def sector_reviewer(case, actor, params, today):
    """§2.4: the sector sign-off is by the reviewer of the lead municipal department."""
    unit = case.get("sector_unit")
    if unit and actor.unit != unit:
        return f"the sector track is signed by the reviewer of {unit}"
    return None


@_guard()
def prov_acceptance_required(case, actor, params, today):
    """§2.4 (省级验收 [V S6]): only for items whose rule requires provincial acceptance."""
    if not case.get("requires_prov_acceptance"):
        return "this item needs no provincial acceptance"
    if case.get("prov_accepted"):
        return "provincial acceptance already recorded"
    return None


@_guard()
def both_signatures(case, actor, params, today):
    """§2.4 双轨制: territory and sector signed (and 省级验收 when required)."""
    s = _signers(case)
    if not {"territory", "sector"} <= set(s):
        return "both tracks (territory, sector) must be signed"
    if case.get("requires_prov_acceptance") and not case.get("prov_accepted"):
        return "provincial acceptance is required"
    return None


@_guard()
def two_notices(case, actor, params, today):
    """§2.3 双公示: a county and a city notice record."""
    levels = {n.get("level") for n in case.get("notices", ())} | set(params.get("notices", ()))
    return None if {"county", "city"} <= levels else "two notice records (county, city) needed"


@_guard()
def period_over(case, actor, params, today, slot):
    """The clock ``slot`` (e.g. the notice period) has run out: today is after its due date."""
    clock = case.get("clocks", {}).get(slot)
    if clock is None:
        return f"no {slot} clock running"
    d = clock.due_at()
    if d is None or _today(today) <= d:
        return f"the {slot} period runs until {d}"
    return None


def _objections(case) -> dict:
    """The latest status of each objection (records are appended: ``{id, status}``)."""
    out = {}
    for i, o in enumerate(case.get("objections", ())):
        out[o.get("id") or f"#{i}"] = o.get("status", "open")
    return out


@_guard()
def no_open_objection(case, actor, params, today):
    """§2.4: no objection still open at notice end."""
    if "open" in _objections(case).values():
        return "an objection is still open"
    return None


@_guard()
def objection_upheld(case, actor, params, today):
    """§2.4: reopening after notice needs a verified objection record linked."""
    if "upheld" not in _objections(case).values():
        return "no upheld objection linked"
    return None


@_guard(needs_params=True)
def notice_level_given(case, actor, params, today):
    """§2.3 双公示: a notice is recorded with its level (county or city) and where."""
    return None if params.get("level") in ("county", "city") and params.get("url") else \
        "a notice needs level (county/city) and url"


@_guard(needs_params=True)
def objection_given(case, actor, params, today):
    """An objection record: its id and status (open when received; upheld / dismissed when
    verified)."""
    return None if params.get("id") and params.get("status") in ("open", "upheld",
                                                                  "dismissed") else \
        "an objection needs id and status (open/upheld/dismissed)"


@_guard(needs_params=True)
def evidence_given(case, actor, params, today):
    """Rebound evidence (spot-check) or other evidence: at least one file hash in the step."""
    return None if params.get("evidence_sha256") else "evidence files are required"


@_guard()
def long_term(case, actor, params, today):
    """§2.4 [D]: only long-term tasks have stage targets."""
    return None if case.get("horizon") == "long" else "not a long-term task"


@_guard()
def before_due(case, actor, params, today, slot):
    """§3.2: an extension is requested only before ``due_at``."""
    clock = case.get("clocks", {}).get(slot)
    d = clock.due_at() if clock else None
    if d is None or _today(today) > d:
        return f"the {slot} deadline ({d}) has passed"
    return None


@_guard()
def own_unit(case, actor, params, today, field="handler_unit"):
    """The actor works in the case's unit (e.g. the handling unit of a complaint)."""
    unit = case.get(field)
    if R.SYSTEM in actor.roles:
        return None
    if not unit_contains(actor.unit, str(unit) if unit else None):
        return f"only the {field.replace('_', ' ')} ({unit}) may do this"
    return None


@_guard()
def extension_approver(case, actor, params, today):
    """§8.2: extensions of county cases by CITY_STAFF, of city cases by PROV_STAFF."""
    need = R.CITY_STAFF if case.get("handler_level", "county") == "county" else R.PROV_STAFF
    return None if need in actor.roles else f"this extension is granted by {need}"


@_guard(needs_params=True)
def callback_given(case, actor, params, today):
    """§3.2: the callback answer is one of satisfied / basically satisfied / dissatisfied /
    unreachable / declined."""
    r = params.get("callback")
    return None if r in CALLBACK_RESULTS else f"callback must be one of {CALLBACK_RESULTS}"


@_guard()
def callback_not_dissatisfied(case, actor, params, today):
    """§3.1 流程 回访—重办(回访不满意的)—办结: a dissatisfied callback goes to 重办."""
    return "the complainant was dissatisfied: redo" if case.get("callback") == "dissatisfied" \
        else None


@_guard()
def callback_dissatisfied(case, actor, params, today):
    return None if case.get("callback") == "dissatisfied" else "only after a dissatisfied callback"


@_guard(needs_params=True)
def merged_into_given(case, actor, params, today):
    """§3.2 并案: the master case's number."""
    return None if params.get("merged_into") else "merged_into (the master case) is required"


@_guard()
def registration_class(case, actor, params, today):
    """§5.1/§5.2: 登记表 / 登记管理 are filed, not approved."""
    return None if case.get("doc_class") == "registration" else "only for registration forms"


@_guard()
def approval_class(case, actor, params, today):
    return "a registration form is filed, not approved" \
        if case.get("doc_class") == "registration" else None


@_guard()
def figures_complete(case, actor, params, today):
    """§7.4: required figures present, manual figures with a source, auto figures equal to the
    engine's value at the snapshot, narrative within its limit."""
    if "report_problems" not in case:       # fail closed: only the report service checks
        return "the report's figures were not checked (submit through the report service)"
    problems = list(case["report_problems"])
    return "; ".join(problems) if problems else None


@_guard()
def not_drafter(case, actor, params, today):
    """§8.1: a reviewer cannot accept a report they drafted."""
    return "the drafter cannot accept this report" \
        if actor.user_id in set(case.get("drafted_by", ())) else None


def _date_param(params, key) -> date | None:
    try:
        return date.fromisoformat(str(params.get(key) or "")[:10])
    except ValueError:
        return None


@_guard(needs_params=True)
def execution_report_due_given(case, actor, params, today):
    """§5.2: an execution report the permit requires (``period`` label, ``due`` date — from
    the permit's own requirements: the frequencies are not in the spec [M]); once per period."""
    if not str(params.get("period") or "").strip():
        return "period (e.g. 2025-Q1 or 2025) is required"
    if _date_param(params, "due") is None:
        return "due (YYYY-MM-DD) is required"
    if any(r.get("period") == params["period"] for r in case.get("execution_reports_due", ())):
        return f"an execution report for {params['period']} is already expected"
    return None


@_guard(needs_params=True)
def execution_report_received_given(case, actor, params, today):
    """§5.2: receipt of an expected execution report (``period``, ``submitted`` date, not
    later than the day the receipt is recorded: a report is not received in the future)."""
    p = params.get("period")
    if not any(r.get("period") == p for r in case.get("execution_reports_due", ())):
        return f"no execution report expected for period {p!r}"
    if any(r.get("period") == p for r in case.get("execution_reports_received", ())):
        return f"the execution report for {p} was already received"
    sub = _date_param(params, "submitted")
    if sub is None:
        return "submitted (YYYY-MM-DD) is required"
    if today is not None and sub > today:
        return (f"submitted {sub.isoformat()} is later than the day it is recorded "
                f"({today.isoformat()}): a receipt cannot be dated in the future")
    return None
