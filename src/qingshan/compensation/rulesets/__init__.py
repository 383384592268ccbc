"""Eco-compensation rule sets as versioned data: one TOML file per version in this folder.

Versions (spec/compensation.md §1.1, §2):

=================  ============  ==========================  ===========  ======================
id                 scheme        document                    in force     status
=================  ============  ==========================  ===========  ======================
sd-air-2014        air           鲁政办字〔2014〕27号          2014-01-01…  known (20 万元/µg/m³)
sd-air-2016        air           2015 revision               2016-01-01…  known (40 万元/µg/m³)
sd-air-2017        air           鲁政办字〔2017〕43号          2017-04-01…  known (80 + 20/pp)
sd-air-2019        air           not retrieved               2019-04-01…  unknown (a slot)
sd-water-2019      water         not found                   2019-01-01…  partial
heze-water-2014    county-water  菏泽 county formula           2014-07-01…  known
=================  ============  ==========================  ===========  ======================

Every value of a file is ``{ value, mark, source }``; the mark is the spec's provenance mark
(``V`` checked, ``P`` partly checked, ``M`` from memory/unverified) or ``unknown`` (not
retrieved) or ``choice`` (qingshan's). The open points of the spec (§1.3 "points still to
check") are each file's ``[open_points]``: a switch with its default, marked ``unverified``;
callers override them by name (:meth:`RuleSet.switches`).

**Choice (stated):** the 2015 revision is given "2016-01-01 to 2017-12-31" by spec §1.1, but
鲁政办字〔2017〕43号 applies from 2017-04-01; the later document supersedes from its start, so
sd-air-2016 ends 2017-03-31. The version in force for a settlement period is the one valid on
the period's first day (:func:`rules_for`); a settlement period is a quarter for the air
schemes, so every version boundary (2016-01-01, 2017-04-01, 2019-04-01) is a quarter boundary.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["Marked", "Indicator", "Award", "RuleSet", "OpenPoint", "RuleSetError", "ruleset",
           "rulesets", "rules_for", "SCHEMES", "MARKS"]

#: the schemes rule sets exist for
SCHEMES = ("air", "water", "county-water")
#: provenance marks a value may carry
MARKS = ("V", "P", "M", "unknown", "choice", "unverified")


class RuleSetError(ValueError):
    """A rule set that cannot be used (unknown id, no version in force, terms not retrieved)."""


@dataclass(frozen=True)
class Marked:
    """A value of a rule set with its provenance mark and source."""

    value: Any
    mark: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.value} [{self.mark}]"


@dataclass(frozen=True)
class OpenPoint:
    """An open point of the spec: a switch with its default (marked unverified/unknown)."""

    name: str
    default: Any
    mark: str
    question: str


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    weight: Marked | None = None
    unit: str = "µg/m³"
    target: Marked | None = None
    rate: Marked | None = None


@dataclass(frozen=True)
class Award:
    key: str
    indicator: str
    grade: str
    amount: Marked


@dataclass(frozen=True)
class RuleSet:
    """One version of a compensation scheme (fields as in the TOML files of this folder)."""

    id: str
    scheme: str
    title: str
    document: str
    valid_from: date
    valid_to: date | None
    status: str
    unit: str
    sources: tuple[str, ...]
    terms: dict[str, Marked]
    indicators: tuple[Indicator, ...] = ()
    region_default: Marked | None = None
    region: dict[str, Marked] = field(default_factory=dict)
    region_names: dict[str, str] = field(default_factory=dict)
    awards: tuple[Award, ...] = ()
    two_year: dict[str, Marked] = field(default_factory=dict)
    open_points: dict[str, OpenPoint] = field(default_factory=dict)

    def term(self, name: str) -> Marked | None:
        return self.terms.get(name)

    @property
    def known(self) -> bool:
        return self.status != "unknown"

    def in_force(self, d: date) -> bool:
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)

    def coefficient(self, code: str) -> Marked:
        """The region (dispersion) coefficient of city ``code`` (the default when not listed)."""
        return self.region.get(code, self.region_default or Marked(1.0, "choice", "no coefficient"))

    def switches(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The open points' values: the defaults, replaced by ``overrides`` (names checked)."""
        out = {k: p.default for k, p in self.open_points.items()}
        for k, v in (overrides or {}).items():
            if v is None:
                continue
            if k not in out:
                raise RuleSetError(f"{self.id} has no open point {k!r}; it has: "
                                   f"{', '.join(sorted(out)) or 'none'}")
            out[k] = v
        return out

    def switch_notes(self, overrides: dict[str, Any] | None = None) -> list[str]:
        """One line per open point: its value, whether it is the default, and its mark."""
        vals = self.switches(overrides)
        return [f"{k} = {vals[k]!r} ({'default' if vals[k] == p.default else 'set by caller'}"
                f", {p.mark})" for k, p in self.open_points.items()]

    def marks_used(self) -> list[str]:
        """Every value of the set that is not [V], as ``name [mark]`` (shown with outputs)."""
        out = [f"{k} [{m.mark}]" for k, m in self.terms.items() if m.mark != "V"]
        for ind in self.indicators:
            for attr in ("weight", "target", "rate"):
                m = getattr(ind, attr)
                if m is not None and m.mark != "V":
                    out.append(f"{ind.key}.{attr} [{m.mark}]")
        marks = {m.mark for m in self.region.values()} | (
            {self.region_default.mark} if self.region_default else set())
        out += [f"region_coefficients [{m}]" for m in sorted(marks) if m != "V"]
        out += [f"awards.{a.key} [{a.amount.mark}]" for a in self.awards if a.amount.mark != "V"]
        out += [f"two_year_award.{k} [{m.mark}]" for k, m in self.two_year.items() if m.mark != "V"]
        return out


def _marked(name: str, raw: Any, where: str) -> Marked:
    if not isinstance(raw, dict) or "value" not in raw or "mark" not in raw:
        raise RuleSetError(f"{where}: {name} must be {{ value, mark, source }}")
    if raw["mark"] not in MARKS:
        raise RuleSetError(f"{where}: {name} has mark {raw['mark']!r}, not one of {MARKS}")
    return Marked(raw["value"], raw["mark"], raw.get("source", ""))


_META = {"id", "scheme", "title", "document", "valid_from", "valid_to", "status", "unit",
         "sources", "indicators", "region_coefficients", "awards", "two_year_award",
         "open_points"}


def _parse(data: dict, where: str) -> RuleSet:
    if data.get("scheme") not in SCHEMES:
        raise RuleSetError(f"{where}: scheme must be one of {SCHEMES}")
    terms = {k: _marked(k, v, where) for k, v in data.items() if k not in _META}
    inds = tuple(Indicator(
        key=i["key"], label=i.get("label", i["key"]), unit=i.get("unit", "µg/m³"),
        **{a: _marked(f"{i['key']}.{a}", i[a], where) for a in ("weight", "target", "rate")
           if a in i}) for i in data.get("indicators", []))
    reg = data.get("region_coefficients", {})
    region = {c["code"]: _marked(c["code"], c, where) for c in reg.get("cities", [])}
    names = {c["code"]: c.get("name", c["code"]) for c in reg.get("cities", [])}
    awards = tuple(Award(a["key"], a["indicator"], a["grade"],
                         _marked(a["key"], a["amount"], where)) for a in data.get("awards", []))
    two = {k: _marked(k, v, where) for k, v in data.get("two_year_award", {}).items()}
    ops = {k: OpenPoint(k, v["default"], v["mark"], v["question"])
           for k, v in data.get("open_points", {}).items()}
    return RuleSet(
        id=data["id"], scheme=data["scheme"], title=data["title"], document=data["document"],
        valid_from=data["valid_from"], valid_to=data.get("valid_to"), status=data["status"],
        unit=data.get("unit", "万元"), sources=tuple(data.get("sources", ())), terms=terms,
        indicators=inds,
        region_default=_marked("default", reg["default"], where) if "default" in reg else None,
        region=region, region_names=names, awards=awards, two_year=two, open_points=ops)


@lru_cache(maxsize=1)
def _all() -> tuple[RuleSet, ...]:
    base = resources.files(__package__)
    out = []
    for f in sorted(base.iterdir(), key=lambda p: p.name):
        if f.name.endswith(".toml"):
            rs = _parse(tomllib.loads(f.read_text(encoding="utf-8")), f.name)
            if rs.id != f.name.removesuffix(".toml"):
                raise RuleSetError(f"{f.name}: id {rs.id!r} differs from the file name")
            out.append(rs)
    return tuple(sorted(out, key=lambda r: (r.scheme, r.valid_from)))


def rulesets(scheme: str | None = None) -> list[RuleSet]:
    """Every rule set (of ``scheme``), oldest first."""
    return [r for r in _all() if scheme is None or r.scheme == scheme]


def ruleset(rid: str) -> RuleSet:
    """The rule set called ``rid`` (e.g. ``sd-air-2017``)."""
    for r in _all():
        if r.id == rid:
            return r
    raise RuleSetError(f"no rule set {rid!r}; known: {', '.join(r.id for r in _all())}")


def rules_for(d: date, scheme: str = "air") -> RuleSet:
    """The version of ``scheme`` in force on day ``d`` (the first day of a settlement period).

    Raises :class:`RuleSetError` before the first version, and for a version whose terms were
    not retrieved (``status = "unknown"``: the slot after 2019-03-31 of the air scheme) — the
    caller may then name a known version explicitly (``ruleset("sd-air-2017")``).
    """
    if not isinstance(d, date):
        raise TypeError("rules_for needs a date")
    found = [r for r in rulesets(scheme) if r.in_force(d)]
    if not found:
        first = rulesets(scheme)[0].valid_from if rulesets(scheme) else None
        raise RuleSetError(f"no {scheme} compensation rules in force on {d} (the first version "
                           f"starts {first})")
    r = found[-1]
    if not r.known:
        raise RuleSetError(
            f"the {scheme} compensation rules in force on {d} ({r.id}: {r.title}) were not "
            f"retrieved; name a known version to apply it as an assumption (e.g. --rules "
            f"{rulesets(scheme)[-2].id if len(rulesets(scheme)) > 1 else r.id})")
    return r
