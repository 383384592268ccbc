"""Steel, cement and aluminium in the national ETS (spec/carbon-ets.md §2).

- 2024 vintage: allowances = verified 2024 emissions (grandfathering, zero net obligation) [V];
  direct emissions only (purchased electricity/heat excluded) [V]; surrendered at the first
  clearance, end 2025 — the exact day is [M] (31 Dec 2025 assumed).
- 2025 vintage: intensity-based, formula and benchmarks **not retrieved** (open item 3): refused
  unless the switch ``industrial_2025`` supplies them; its pre-allocation is 70 % of the 2024
  verified emissions [V].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qingshan.carbon.standards.power import Deadline
from qingshan.carbon.standards.provenance import Value, m, v

__all__ = ["SECTORS", "IndustryRules", "RULES", "GASES"]

SECTORS = {"power": ("发电", "power generation"), "steel": ("钢铁", "steel (BF-BOF)"),
           "cement": ("水泥", "cement clinker"), "aluminium": ("铝冶炼", "aluminium smelting"),
           "other": ("其他（非全国碳市场行业）", "other (not an ETS sector)")}
#: greenhouse gases covered (§2 [V])
GASES = {"steel": ("CO2",), "cement": ("CO2",), "aluminium": ("CO2", "CF4", "C2F6")}

_S = "ICAP 2024–2025 industrial plan news; policycn.com (spec/carbon-ets.md §2)"


@dataclass(frozen=True)
class IndustryRules:
    vintage: str
    version: str
    grandfathered: bool
    preallocation_share: Value
    include_indirect: Value
    ccer_max_share: Value
    deadlines: tuple[Deadline, ...]

    @property
    def surrender_deadline(self) -> Deadline:
        return next(x for x in self.deadlines if x.key == "surrender")


RULES = {
    "2024": IndustryRules(
        "2024", "industry-2024@2024、2025年度钢铁、水泥、铝冶炼配额方案(2025-11-16)", True,
        v(0.0, _S), v(False, _S), v(0.05, "as power (spec/carbon-ets.md §1.5) [M for industry]"),
        (Deadline("surrender", date(2025, 12, 31), "M", "first clearance end 2025 (§1.6)"),)),
    "2025": IndustryRules(
        "2025", "industry-2025@2024、2025年度钢铁、水泥、铝冶炼配额方案(2025-11-16)", False,
        v(0.70, "reportify.ai summary of the 2025 draft (§1.3)"), v(False, _S),
        m(0.05, "as power (§1.5)"),
        (Deadline("surrender", date(2026, 12, 31), "M", "annual compliance, not stated"),)),
}
