"""The water rules in force on a day: one object, :func:`rules_for` (``rules_for(date)``).

Every place that needs to know "which standard, which limits, which method and which [M]
thresholds" for water asks this module (the service does, for the first day of the period).

Versions by date (each text's own date of entry into force):

=========================  =========================  ==========================  ==============
day                        surface-water classes      assessment method           coastal water
=========================  =========================  ==========================  ==============
any day qingshan assesses  GB 3838-2002 Table 1       环办〔2011〕22号 (试行)       GB 3097-1997
=========================  =========================  ==========================  ==============

- GB 3838-2002 《地表水环境质量标准》: in force 2002-06-01 (its foreword; replaced GB 3838-88 and
  GHZB 1-1999). Limits in :mod:`qingshan.water.standards.gb3838_2002`.
- 《地表水环境质量评价办法（试行）》, 环办〔2011〕22号: issued 2011-03-09. Parameters in
  :mod:`qingshan.water.standards.water_method_2011` ([V]/[M] marked there).
- GB 3097-1997 《海水水质标准》: in force 1998-07-01. Limits in
  :mod:`qingshan.water.standards.gb3097_1997`.

No earlier or later version is transcribed, so every day gets the same rules: a series that
starts before 2011-03-09 is assessed retrospectively by the 2011 method (a choice, stated here;
a new version adds a row to the table and a branch to :func:`rules_for`).

The configurable [M] thresholds of the method (spec/water.md §2) are fields of
:class:`WaterRules`; a caller may override any of them (``dataclasses.replace(rules_for(d), …)``
or ``WaterRules(…)``).

Periods (spec/water.md §2.2 [M]): a month, a quarter and a year are assessed by the arithmetic
mean of the period's samplings, a quarter needing ≥ 2 samplings (``min_samples``). The method
names no other period; **choice**: a half-year and a run of months are assessed the same way (the
mean of their samplings) with no minimum beyond one sampling, like a month and a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qingshan.water.standards import water_method_2011 as m11

__all__ = ["WaterRules", "rules_for", "GB3838_IN_FORCE", "METHOD_2011_ISSUED", "GB3097_IN_FORCE"]

#: GB 3838-2002 in force (foreword)
GB3838_IN_FORCE = date(2002, 6, 1)
#: 环办〔2011〕22号 issued
METHOD_2011_ISSUED = date(2011, 3, 9)
#: GB 3097-1997 in force (foreword)
GB3097_IN_FORCE = date(1998, 7, 1)


@dataclass(frozen=True)
class WaterRules:
    """What applies to water data of one day. Build with :func:`rules_for`.

    Defaults come from :mod:`qingshan.water.standards.water_method_2011`; every field whose
    default is marked [M] there may be overridden by the caller.
    """

    assessed_items: tuple[str, ...] = m11.ASSESSED_ITEMS
    reference_items: tuple[str, ...] = m11.REFERENCE_ITEMS
    non_detect_rule: str = m11.NON_DETECT_RULE
    main_pollutant_max: int = m11.MAIN_POLLUTANT_MAX
    main_pollutant_above_class: int = m11.MAIN_POLLUTANT_ABOVE_CLASS
    always_listed: tuple[str, ...] = m11.ALWAYS_LISTED_ITEMS
    no_exceedance: tuple[str, ...] = m11.NO_EXCEEDANCE_ITEMS
    excellent_max_class: int = m11.EXCELLENT_MAX_CLASS
    proportion_min_sections: int = m11.PROPORTION_MIN_SECTIONS
    proportion_grades: tuple = m11.PROPORTION_GRADES
    change_thresholds: tuple[float, float] = m11.CHANGE_THRESHOLDS
    change_boundary_inclusive: bool = m11.CHANGE_BOUNDARY_INCLUSIVE
    drinking_max_class: int = m11.DRINKING_COMPLIANT_MAX_CLASS
    exceed_decimals: int = 2
    #: spec §2.2 [M]: samplings a section needs in a period of this kind ("季度：≥ 2 次");
    #: kinds not listed need one
    min_samples: tuple[tuple[str, int], ...] = (("quarter", 2),)
    surface_standard: str = "GB 3838-2002"
    method: str = "环办〔2011〕22号"
    coastal_standard: str = "GB 3097-1997"

    @property
    def non_detect_factor(self) -> float:
        """Fraction of the detection limit a non-detect enters means at (spec §1 rule 4 [M])."""
        if self.non_detect_rule not in m11.NON_DETECT_RULES:
            raise ValueError(f"unknown non-detect rule {self.non_detect_rule!r}; "
                             f"known: {sorted(m11.NON_DETECT_RULES)}")
        return m11.NON_DETECT_RULES[self.non_detect_rule]

    def min_samples_for(self, kind: str) -> int:
        """Samplings a section needs in a period of ``kind`` (spec §2.2; 1 when not listed)."""
        return int(dict(self.min_samples).get(kind, 1))

    def label(self) -> str:
        """E.g. ``"GB 3838-2002/环办〔2011〕22号/GB 3097-1997"`` — names the versions used."""
        return f"{self.surface_standard}/{self.method}/{self.coastal_standard}"


_RULES = WaterRules()


def rules_for(d: date) -> WaterRules:
    """The water rules in force on day ``d`` (see the module table): one object for every day
    qingshan holds a version for — GB 3838-2002, 环办〔2011〕22号 and GB 3097-1997."""
    if not isinstance(d, date):
        raise TypeError("rules_for needs a date")
    return _RULES
