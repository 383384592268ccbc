"""The air rules in force on a day: one object, :func:`rules_for` (``rules_for(date)``).

Every place that needs to know "which standard, which limits, which denominators, which validity
thresholds" asks this module; nothing else compares a date with 2026-03-01.

Versions by date (HJ 633-2026 foreword; GB 3095-2026 foreword and §4.4):

=========================  ==============  ==============  =================================
day                        AQI             statistics      limits
=========================  ==============  ==============  =================================
… 2026-02-28               HJ 633-2012     HJ 663-2013     GB 3095-2012
2026-03-01 … 2030-12-31    HJ 633-2026     HJ 663-2026     GB 3095-2026 transition (过渡阶段)
2031-01-01 …               HJ 633-2026     HJ 663-2026     GB 3095-2026 final limits
=========================  ==============  ==============  =================================

Validity (GB 3095-2012/2026 Table 4; HJ 663 §6): a day needs ≥ 20 valid hours, an O3 8-h value
≥ 6 of 8 hours, MDA8 ≥ 14 valid 8-h values (or above the limit), a month ≥ 27 valid days
(February ≥ 25), a year ≥ 324 **and** ≥ 27 valid days in every month (February ≥ 25; GB
3095-2012 Table 4 for the annual mean). **Choice [M]** for the periods GB 3095 Table 4 does not
name (quarter, half-year, run of months): every month must reach its own minimum, which makes
the total at least the sum of the months' minimums (Q1 79, Q2–Q4 81, H1 160, H2 162,
2019-01..2019-05 133) — one rule for every period kind; a year keeps its own 324 (not the 322
of its months). The per-month test is applied by ``engine.statistics.period_stats_sql``
(``months=``); the total is :func:`min_valid_days`. A result that is not valid is never ranked
with the valid ones and its compliance cannot be judged (``qingshan.air.service``).

Periods containing 2026-03-01 (**transition policy**, province config ``[air] transition``,
:class:`qingshan.config.province.AirPolicy`; neither 2026 text has a transition clause for
assessment, spec air-assessment "Version switch": open question). Default ``"period_end"``:

* each day's AQI (and so every AQI day count) by the HJ 633 version in force **that day**
  (HJ 633-2026 foreword: HJ 633-2012 is abolished from 2026-03-01, so a day before it keeps the
  AQI it was published with);
* period statistics and their validity by the HJ 663 version in force on the **last day** of the
  period (the day the assessment is made under);
* compliance against the GB 3095 limits in force on the last day (for 2026: the transition
  limits of GB 3095-2026 §4.4);
* ranking denominators as the province config says (``[air] ranking_denominators``, default
  those of the last day).

``"refuse"`` keeps the former behaviour (ValueError naming the parts). The rules of a period are
:func:`rules_for_period`; their :meth:`AirRules.label` names the versions and the policy.

Ranking denominators (城市环境空气质量排名技术规定, see ``standards.ranking_rule``): the GB 3095-2012
Grade II limits before 2026-03-01; from then on the open-question 2026 set (PM10 60, PM2.5 30),
which is configuration [V3, unofficial] until an official 2026 ranking rule is found.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from qingshan.air.standards import gb3095_2012, gb3095_2026, hj663_2013
from qingshan.air.standards import ranking_rule as rr
from qingshan.core.periods import Period, parse_period

__all__ = ["AirRules", "rules_for", "rules_for_period", "min_valid_days", "SWITCH_2026",
           "FINAL_LIMITS_2031", "FAMILY_2012", "FAMILY_2026", "family_for", "TRANSITION_POLICIES",
           "DENOMINATOR_CHOICES", "aqi_versions"]

#: values of the province config key ``[air] transition`` (default first)
TRANSITION_POLICIES = ("period_end", "refuse")
#: values of ``[air] ranking_denominators`` (default first)
DENOMINATOR_CHOICES = ("period_end", "gb3095_2012", "gb3095_2026")

#: GB 3095-2026, HJ 633-2026, HJ 663-2026 in force (and the 2012/2013 texts abolished)
SWITCH_2026 = date(2026, 3, 1)
#: GB 3095-2026 §4.4: final limits from this day
FINAL_LIMITS_2031 = date(2031, 1, 1)
FAMILY_2012 = "2012"  # GB 3095-2012, HJ 633-2012, HJ 663-2013
FAMILY_2026 = "2026"  # GB 3095-2026, HJ 633-2026, HJ 663-2026


def family_for(d: date) -> str:
    """Family of standards in force on natural day ``d`` (``"2012"`` or ``"2026"``)."""
    return FAMILY_2026 if d >= SWITCH_2026 else FAMILY_2012


@dataclass(frozen=True)
class AirRules:
    """What applies to air data of one day. Build with :func:`rules_for`."""

    day: date
    family: str
    aqi_standard: str
    statistics_standard: str
    limits_standard: str
    limits_phase: str  # "" (2012), "transition" or "final"
    limits: dict = field(repr=False)
    ranking_denominators: dict = field(repr=False)
    min_hours_daily: int = hj663_2013.MIN_HOURS_DAILY
    min_hours_o3_8h: int = hj663_2013.MIN_HOURS_O3_8H
    min_windows_mda8: int = hj663_2013.MIN_WINDOWS_MDA8
    min_days_month: int = hj663_2013.MIN_DAYS_MONTH
    min_days_february: int = hj663_2013.MIN_DAYS_FEBRUARY
    min_days_year: int = hj663_2013.MIN_DAYS_YEAR
    #: the period's first day when it starts under another HJ 633 version than its last day
    #: (a period containing 2026-03-01); None for a single-version period
    aqi_from: date | None = None
    policy: str = ""  # the transition policy that produced these rules ("" = one family)

    @property
    def aqi_version(self) -> str:
        """The engine's HJ 633 version key (``"2012"`` or ``"2026"``)."""
        return self.family

    def limits_label(self, lang: str = "en") -> str:
        """The GB 3095 limits in force, e.g. ``"GB 3095-2026 (transition)"``."""
        if not self.limits_phase:
            return self.limits_standard
        return self.limits_standard + {
            "zh": {"transition": "（过渡阶段）", "final": ""},
            "en": {"transition": " (transition)", "final": " (final)"}}[
            "zh" if lang == "zh" else "en"][self.limits_phase]

    @property
    def mixed(self) -> bool:
        """True for a period whose days fall under both HJ 633 versions."""
        return self.aqi_from is not None

    def label(self, lang: str = "en") -> str:
        """E.g. ``"GB 3095-2012/HJ 663-2013/HJ 633-2012"`` — every output names it; for a period
        containing 2026-03-01 the AQI part names both versions and the policy, e.g.
        ``"GB 3095-2026 (transition)/HJ 663-2026/HJ 633-2012 to 2026-02-28, HJ 633-2026 from
        2026-03-01 (transition policy: period_end)"``."""
        if not self.mixed:
            return f"{self.limits_label(lang)}/{self.statistics_standard}/{self.aqi_standard}"
        last = (SWITCH_2026 - timedelta(days=1)).isoformat()
        if lang == "zh":
            aqi = (f"HJ 633-2012（至{last}）、HJ 633-2026（自{SWITCH_2026.isoformat()}起）"
                   f"（过渡年规则：期末规则）")
        else:
            aqi = (f"HJ 633-2012 to {last}, HJ 633-2026 from {SWITCH_2026.isoformat()} "
                   f"(transition policy: {self.policy})")
        return f"{self.limits_label(lang)}/{self.statistics_standard}/{aqi}"

    def min_days(self, year: int, month: int) -> int:
        """GB 3095 Table 4: valid days a month needs (27; February 25)."""
        return self.min_days_february if month == 2 else self.min_days_month


def rules_for(d: date) -> AirRules:
    """The air rules in force on day ``d`` (see the module table)."""
    if d < SWITCH_2026:
        return AirRules(d, FAMILY_2012, "HJ 633-2012", "HJ 663-2013", gb3095_2012.STANDARD, "",
                        gb3095_2012.LIMITS, rr.DENOMINATORS_2012)
    final = d >= FINAL_LIMITS_2031
    return AirRules(d, FAMILY_2026, "HJ 633-2026", "HJ 663-2026", gb3095_2026.STANDARD,
                    "final" if final else "transition",
                    gb3095_2026.FINAL_LIMITS if final else gb3095_2026.TRANSITION_LIMITS,
                    rr.DENOMINATORS_2026)


def rules_for_period(period: Period | str, policy: str = "period_end",
                     denominators: str = "period_end") -> AirRules:
    """The rules of a period (the module's transition policy for one containing 2026-03-01).

    A period inside one family of standards gets the rules of its days. A period containing
    2026-03-01 gets, with ``policy="period_end"`` (default), the rules of its **last** day
    (HJ 663 statistics and validity, GB 3095 limits) with ``aqi_from`` set, so that each day's
    AQI is computed by the HJ 633 version in force that day (:func:`aqi_versions`); with
    ``policy="refuse"`` a ValueError naming the parts to assess separately.

    ``denominators`` (province ``[air] ranking_denominators``): ``"period_end"`` (default) the
    rules' own set, ``"gb3095_2012"`` / ``"gb3095_2026"`` always that set.
    """
    p = parse_period(period)
    if policy not in TRANSITION_POLICIES:
        raise ValueError(f"transition policy must be one of {', '.join(TRANSITION_POLICIES)}, "
                         f"got {policy!r}")
    if denominators not in DENOMINATOR_CHOICES:
        raise ValueError(f"ranking_denominators must be one of {', '.join(DENOMINATOR_CHOICES)},"
                         f" got {denominators!r}")
    if p.start < SWITCH_2026 <= p.end:
        if policy == "refuse":
            before, after = p.split_at(SWITCH_2026)
            raise ValueError(
                f"{p.label} spans 2026-03-01, when GB 3095-2026, HJ 633-2026 and HJ 663-2026 "
                f"replaced the 2012/2013 standards; assess {before.label} and {after.label} "
                f"separately (province config [air] transition = \"refuse\")")
        r = replace(rules_for(p.end), aqi_from=p.start, policy=policy)
    else:
        r = rules_for(p.end)
    if denominators != "period_end":
        r = replace(r, ranking_denominators=rr.DENOMINATORS_2012 if denominators ==
                    "gb3095_2012" else rr.DENOMINATORS_2026)
    return r


def aqi_versions(start: date, end: date) -> list[tuple[str, date, date]]:
    """``[(HJ 633 version, first day, last day), …]`` of the days start … end, each day under
    the version in force that day (one entry, or two around 2026-03-01)."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if start < SWITCH_2026 <= end:
        return [(FAMILY_2012, start, SWITCH_2026 - timedelta(days=1)),
                (FAMILY_2026, SWITCH_2026, end)]
    return [(rules_for(start).aqi_version, start, end)]


def min_valid_days(period: Period | str, rules: AirRules | None = None) -> int:
    """Valid days a period's statistics need (GB 3095 Table 4; the module's stated choice).

    A month: 27 (February 25); a year: 324; a quarter, half-year or run of months: the sum of
    its months' minimums (Q1 = 27 + 25 + 27 = 79).
    """
    p = parse_period(period)
    r = rules or rules_for(p.end)
    if p.kind == "year":
        return r.min_days_year
    return sum(r.min_days(y, m) for y, m in p.months())
