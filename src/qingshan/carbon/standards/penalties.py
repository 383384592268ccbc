"""Penalties for failing to surrender in full and on time (spec/carbon-ets.md §1.8), all [M]
(open item 4: verify against the decree's articles).

- 《碳排放权交易管理办法（试行）》 (MEE Order 19, effective 2021-02-01 [M]): order to rectify; fine
  CNY 20,000–30,000; unrectified shortfall deducted 1:1 from the next year's allocation.
- 《碳排放权交易管理暂行条例》 (Decree 775, effective 2024-05-01 [M]): order to rectify; fine 5–10 ×
  the market value of the shortfall, the price being the average trading price of the month
  before the deadline; if not rectified, the shortfall is deducted from the next year's
  allocation (and production may be stopped for rectification).

Which applies: the instrument in force on the surrender deadline (switch ``penalty_regime``,
default ``"by_deadline"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["PenaltyRegime", "ORDER_19", "DECREE_775", "regime_for"]


@dataclass(frozen=True)
class PenaltyRegime:
    key: str
    title: str
    in_force: date
    fine_fixed: tuple[float, float] | None     # CNY, min–max
    fine_multiple: tuple[float, float] | None  # × market value of the shortfall
    deduct_next_year: bool
    mark: str = "M"
    source: str = "spec/carbon-ets.md §1.8 [M]"


ORDER_19 = PenaltyRegime("order19", "碳排放权交易管理办法（试行）(生态环境部令第19号)",
                         date(2021, 2, 1), (20_000.0, 30_000.0), None, True)
DECREE_775 = PenaltyRegime("decree775", "碳排放权交易管理暂行条例 (国务院令第775号)",
                           date(2024, 5, 1), None, (5.0, 10.0), True)


def regime_for(deadline: date, switch: str = "by_deadline") -> PenaltyRegime:
    """The penalty regime for a surrender deadline."""
    if switch == "order19":
        return ORDER_19
    if switch == "decree775":
        return DECREE_775
    return DECREE_775 if deadline >= DECREE_775.in_force else ORDER_19
