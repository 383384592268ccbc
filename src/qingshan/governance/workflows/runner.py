"""Apply a machine's steps to a case held as a plain dict (pure; the service stores the result).

A case dict holds ``state``, ``clocks`` (slot → :class:`~qingshan.governance.clocks.Clock`),
``clock_rules`` (slot → rule id, e.g. ``{"handle": "sd12345_handle"}``), ``signatures`` and
the ledger's own fields. :func:`apply` checks the step (roles, state, guards), applies its
effects, then every automatic step that becomes possible, and returns the new case and the
event rows (one per step) for the append-only log.

Clock effects [D]: ``start`` a clock on the step's day; ``stop`` it (the step satisfied it);
``pause`` from the day after the step, ``resume`` up to and including the resume day (so the
day of the pausing event still counts, §1.2 "期间开始之日不计算在内"); ``extend`` by the rule's
extension; ``restart`` with another rule from the same start (e.g. a permit's site check: 45
instead of 30 days). Each event freezes ``was_overdue`` per running clock at the step (after
Zurich's ``moderated_overdue``, spec §6.4), so a later extension cannot rewrite history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from qingshan.governance.clocks import Clock, rules as clock_rules
from qingshan.governance.workflows.machine import ActorView, Machine, Step

__all__ = ["new_case", "apply", "apply_step"]

_MAX_AUTO = 8


def new_case(m: Machine, today: date, **fields: Any) -> dict[str, Any]:
    """A case in the machine's initial state, with the ``on_create`` clock started."""
    case: dict[str, Any] = {"state": m.initial, "clocks": {}, "clock_rules": {},
                            "signatures": [], "version": 1, **fields}
    clock = m.on_create.get("clock")
    if clock:
        _clock_effects(case, clock, today)
    return case


def _rule_of(case: Mapping[str, Any], name: str) -> str:
    return name if name in clock_rules() else case.get("clock_rules", {}).get(name, name)


def _clock_effects(case: dict[str, Any], eff: Mapping[str, str], today: date) -> None:
    clocks: dict[str, Clock] = case.setdefault("clocks", {})
    if "stop" in eff and eff["stop"] in clocks:
        clocks[eff["stop"]] = replace(clocks[eff["stop"]], stopped_at=today)
    if "pause" in eff and eff["pause"] in clocks:
        c = clocks[eff["pause"]]
        clocks[eff["pause"]] = replace(c, pauses=(*c.pauses, (today + timedelta(days=1), None)))
    if "resume" in eff and eff["resume"] in clocks:
        c = clocks[eff["resume"]]
        a, _ = c.pauses[-1]
        ps = c.pauses[:-1] + (((a, today),) if today >= a else ())
        clocks[eff["resume"]] = replace(c, pauses=ps)
    if "extend" in eff and eff["extend"] in clocks:
        clocks[eff["extend"]] = clocks[eff["extend"]].extend()
    if "restart" in eff:
        slot = eff.get("slot", eff["restart"])
        if slot in clocks:
            clocks[slot] = replace(clocks[slot], rule_id=_rule_of(case, eff["restart"]))
    if "start" in eff:
        rid = _rule_of(case, eff["start"])
        clocks[eff.get("slot", eff["start"])] = Clock(rid, today)


def _sets(case: dict[str, Any], sets: Mapping[str, Any], actor: ActorView, today: date) -> None:
    for k, v in sets.items():
        if k == "signature":
            case.setdefault("signatures", []).append(
                {"track": v, "user_id": actor.user_id, "date": today.isoformat()})
        elif k == "signatures" and v == "clear":
            case["signatures"] = []
        elif isinstance(v, dict) and v.get("_append"):
            item = {kk: vv for kk, vv in v.items() if kk != "_append"}
            case[k] = [*case.get(k, ()), {**item, "by": actor.user_id, "date": today.isoformat()}]
        elif k == "drafted_by":
            case["drafted_by"] = sorted({*case.get("drafted_by", ()), v})
        elif v == "+1":
            case[k] = int(case.get(k) or 0) + 1
        elif v is not None:
            case[k] = v


def _overdue(case: Mapping[str, Any], today: date) -> dict[str, bool]:
    out = {}
    for slot, c in case.get("clocks", {}).items():
        if c.stopped_at is None:
            d = c.due_at()
            out[slot] = bool(d is not None and today > d)
    return out


def apply_step(case: dict[str, Any], step: Step, actor: ActorView, today: date) -> dict:
    """Apply an already checked step in place; returns its event row (its ``sets``: the
    scalar values and each appended record, so the log alone rebuilds e.g. a permit's expected
    and received execution reports as of a cut-off)."""
    event = {"transition": step.transition, "from_state": step.from_state,
             "to_state": step.to_state, "actor": actor.user_id,
             "roles": sorted(actor.roles), "date": today.isoformat(), "reason": step.reason,
             "was_overdue": _overdue(case, today), "rule_version": step.rule_version,
             "sets": {k: v for k, v in step.sets.items() if isinstance(v, (str, int, bool))}
             | {k: {kk: vv for kk, vv in v.items() if kk != "_append"}
                for k, v in step.sets.items() if isinstance(v, dict) and v.get("_append")}}
    _sets(case, step.sets, actor, today)
    _clock_effects(case, step.clock, today)
    case["state"] = step.to_state
    event["due"] = _dues(case)
    return event


def _dues(case: Mapping[str, Any]) -> dict[str, str | None]:
    out = {}
    for slot, c in case.get("clocks", {}).items():
        try:
            d = c.due_at()
        except ValueError:                  # outside the loaded calendar
            d = None
        out[slot] = d.isoformat() if d else None
    return out


def apply(m: Machine, case: Mapping[str, Any], name: str, actor: ActorView, *, today: date,
          params: Mapping[str, Any] | None = None,
          reason: str | None = None) -> tuple[dict[str, Any], list[dict]]:
    """Check and take transition ``name``, then the automatic steps it enables.

    Returns (new case, events); the input case is not modified. Raises what
    :meth:`Machine.check` raises."""
    new = dict(case)                       # steps replace top-level values; copy the
    new["clocks"] = dict(case.get("clocks", {}))   # containers they change in place
    new["signatures"] = [dict(x) for x in case.get("signatures", ())]
    step = m.check(new["state"], name, actor, new, params=params, reason=reason, today=today)
    events = [apply_step(new, step, actor, today)]
    for _ in range(_MAX_AUTO):
        auto = m.auto_step(new["state"], new, today)
        if auto is None:
            break
        events.append(apply_step(new, auto, ActorView.system(), today))
    return new, events
