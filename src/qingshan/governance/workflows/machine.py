"""State machines declared as data (``workflows/data/<machine>.toml``) and the one engine that
applies them (spec/governance.md §11.2: "states with ``group``, transitions with
``allowed_roles``, ``guards``, ``clock`` effects").

A machine file has ``machine``, ``version``, ``source``, ``initial``, a ``[states.<name>]``
table per state (``group`` ∈ {open, closed_resolved, closed_unresolved} after FixMyStreet's
open/fixed/closed grouping [V S37], a ``label``, an optional ``open311`` status) and
``[[transitions]]`` entries:

- ``name``; ``from`` (a list of states, or ``"*open"`` for every state of group ``open``);
  ``to`` (a state; omitted for an action that changes no state, e.g. a signature);
- ``roles``: who may take it (``system`` = timers and automatic steps); ``auto = true``: taken by
  the engine as soon as its guards pass after another step;
- ``guards``: names of functions in :mod:`qingshan.governance.workflows.guards`, each with
  optional parameters (``guards = ["track_unsigned:territory"]``);
- ``reason = true``: a non-empty reason is required;
- ``clock``: effects on the case's clocks, e.g. ``{start = "sd12345_handle"}``,
  ``{stop = "handle"}``, ``{pause = "decision"}``, ``{resume = "decision"}``,
  ``{extend = "handle"}``; a name that is not a clock rule is a *slot* of the case whose rule
  the case names (``case["clock_rules"]["handle"]``);
- ``create_roles`` (top level): who may create a case of the kind;
- ``sets``: fields the step writes (values may be ``"$param"`` = taken from the step's params).

:func:`Machine.check` is pure: it says whether an actor may take a transition from the case's
state and returns the :class:`Step` (target state, effects), or raises :class:`NotAllowed`
(role: a :class:`PermissionError`) or :class:`TransitionError` (state or guard).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from qingshan.governance.roles import ALL_ROLES, SYSTEM
from qingshan.governance.workflows import guards as _guards

__all__ = ["ActorView", "State", "Transition", "Machine", "Step", "NotAllowed",
           "TransitionError", "MachineError", "machine", "MACHINES", "GROUPS"]

GROUPS = ("open", "closed_resolved", "closed_unresolved")
#: the bundled machines (one TOML file each)
MACHINES = ("dc_task", "dc_petition", "interview", "complaint", "inspection",
            "enforcement_case", "eia_application", "permit", "annual_report",
            "provincial_summary")


class MachineError(ValueError):
    """A machine file that does not hold together (unknown state, role or guard)."""


class TransitionError(ValueError):
    """The transition does not start from the case's state, or a guard refuses it."""


class NotAllowed(PermissionError):
    """The actor holds none of the roles the transition allows."""


@dataclass(frozen=True)
class ActorView:
    """What the rules need of a user: id, roles (main + extra), org unit (and the pure layer
    never sees more). Built from :class:`qingshan.accounts.authz.Actor` by the service."""

    user_id: str
    roles: frozenset[str]
    unit: str

    @classmethod
    def system(cls, name: str = "system") -> "ActorView":
        return cls(user_id=name, roles=frozenset({SYSTEM}), unit="")


@dataclass(frozen=True)
class State:
    name: str
    group: str
    label: str
    open311: str


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    to: str | None
    roles: frozenset[str]
    guards: tuple[tuple[str, tuple[str, ...]], ...] = ()
    reason: bool = False
    auto: bool = False
    clock: Mapping[str, str] = field(default_factory=dict)
    sets: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def changes_state(self) -> bool:
        return self.to is not None


@dataclass(frozen=True)
class Step:
    """The outcome of an allowed transition: what the service must record."""

    machine: str
    transition: str
    from_state: str
    to_state: str
    clock: Mapping[str, str]
    sets: Mapping[str, Any]
    reason: str | None
    rule_version: str


@dataclass(frozen=True)
class Machine:
    name: str
    version: str
    source: str
    initial: str
    states: Mapping[str, State]
    transitions: tuple[Transition, ...]
    on_create: Mapping[str, Any] = field(default_factory=dict)
    #: who may create a case of this kind (§8.2 "create")
    create_roles: frozenset[str] = frozenset()

    def group(self, state: str) -> str:
        return self.states[state].group

    def transition(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise TransitionError(f"{self.name}: no transition {name!r}; known: "
                              f"{[t.name for t in self.transitions]}")

    def available(self, state: str, actor: ActorView, case: Mapping[str, Any],
                  today=None) -> list[str]:
        """Names of the transitions ``actor`` may take now (roles and guards pass, params
        aside), for the forms of the case page."""
        out = []
        for t in self.transitions:
            if state in t.sources and not t.auto and actor.roles & t.roles:
                if not _failures(t, actor, case, {}, today, skip_params=True):
                    out.append(t.name)
        return out

    def check(self, state: str, name: str, actor: ActorView, case: Mapping[str, Any], *,
              params: Mapping[str, Any] | None = None, reason: str | None = None,
              today=None) -> Step:
        """The step of transition ``name`` from ``state`` by ``actor`` on ``case``.

        Raises :class:`NotAllowed` when the actor holds none of its roles, and
        :class:`TransitionError` when it does not start from ``state``, a guard refuses it, or
        a required reason is missing."""
        params = dict(params or {})
        t = self.transition(name)
        if not (actor.roles & t.roles):
            raise NotAllowed(f"{self.name}.{name}: needs one of the roles {sorted(t.roles)}")
        if state not in t.sources:
            raise TransitionError(f"{self.name}.{name}: not allowed from state {state!r} "
                                  f"(only from {list(t.sources)})")
        if t.reason and not (reason and reason.strip()):
            raise TransitionError(f"{self.name}.{name}: a reason is required")
        bad = _failures(t, actor, case, params, today)
        if bad:
            raise TransitionError(f"{self.name}.{name}: " + "; ".join(bad))
        sets = {k: _resolve(v, actor, params) for k, v in t.sets.items()}
        return Step(self.name, t.name, state, t.to or state, dict(t.clock), sets, reason,
                    self.version)

    def auto_step(self, state: str, case: Mapping[str, Any], today=None) -> Step | None:
        """The first automatic transition from ``state`` whose guards pass, if any."""
        sysv = ActorView.system()
        for t in self.transitions:
            if t.auto and state in t.sources and not _failures(t, sysv, case, {}, today):
                return Step(self.name, t.name, state, t.to or state, dict(t.clock),
                            dict(t.sets), None, self.version)
        return None


def _resolve(v: Any, actor: ActorView, params: Mapping[str, Any]) -> Any:
    """A ``sets`` value: ``$actor``, ``$param``, ``append:$a,$b`` (append a record of those
    params to a list field), or a literal."""
    if v == "$actor":
        return actor.user_id
    if isinstance(v, str) and v.startswith("append:"):
        keys = [x.strip().lstrip("$") for x in v[7:].split(",")]
        return {"_append": True, **{k: params.get(k) for k in keys}}
    if isinstance(v, str) and v.startswith("$"):
        return params.get(v[1:])
    return v


def _failures(t: Transition, actor: ActorView, case: Mapping[str, Any],
              params: Mapping[str, Any], today, skip_params: bool = False) -> list[str]:
    out = []
    for gname, args in t.guards:
        fn = _guards.GUARDS[gname]
        if skip_params and getattr(fn, "needs_params", False):
            continue
        msg = fn(case, actor, params, today, *args)
        if msg:
            out.append(msg)
    return out


def _parse(doc: Mapping[str, Any], fname: str) -> Machine:
    try:
        states = {k: State(k, v["group"], v.get("label", k), v.get("open311", "")) for k, v in
                  doc["states"].items()}
        for s in states.values():
            if s.group not in GROUPS:
                raise MachineError(f"{fname}: state {s.name}: group {s.group!r} not in {GROUPS}")
        if doc["initial"] not in states:
            raise MachineError(f"{fname}: initial state {doc['initial']!r} is not a state")
        trans = []
        for t in doc["transitions"]:
            src = t["from"]
            if src == "*open":
                sources = tuple(s for s, v in states.items() if v.group == "open")
            else:
                sources = tuple([src] if isinstance(src, str) else src)
            to = t.get("to")                      # None: an action that keeps the state
            for s in (*sources, *([to] if to is not None else [])):
                if s not in states:
                    raise MachineError(f"{fname}: transition {t['name']}: unknown state {s!r}")
            roles = frozenset(t["roles"])
            if not roles or roles - ALL_ROLES:
                raise MachineError(f"{fname}: transition {t['name']}: unknown roles "
                                   f"{sorted(roles - ALL_ROLES)}")
            gs = []
            for g in t.get("guards", []):
                gname, _, arg = g.partition(":")
                if gname not in _guards.GUARDS:
                    raise MachineError(f"{fname}: transition {t['name']}: unknown guard {gname!r}")
                gs.append((gname, tuple(a for a in arg.split(",") if a)))
            trans.append(Transition(t["name"], sources, to, roles, tuple(gs),
                                    bool(t.get("reason", False)), bool(t.get("auto", False)),
                                    dict(t.get("clock", {})), dict(t.get("sets", {})),
                                    t.get("note", "")))
        names = [t.name for t in trans]
        if len(set(names)) != len(names):
            raise MachineError(f"{fname}: duplicate transition names")
        create = frozenset(doc.get("create_roles", ()))
        if not create or create - ALL_ROLES:
            raise MachineError(f"{fname}: create_roles missing or unknown: {sorted(create)}")
        return Machine(doc["machine"], doc["version"], doc["source"], doc["initial"], states,
                       tuple(trans), dict(doc.get("on_create", {})), create)
    except KeyError as e:
        raise MachineError(f"{fname}: missing key {e}") from e


@lru_cache(maxsize=None)
def machine(name: str) -> Machine:
    """The bundled machine ``name`` (one of :data:`MACHINES`)."""
    if name not in MACHINES:
        raise KeyError(f"no machine {name!r}; bundled: {MACHINES}")
    f = resources.files("qingshan.governance.workflows").joinpath("data", f"{name}.toml")
    return _parse(tomllib.loads(f.read_text(encoding="utf-8")), f"{name}.toml")
