"""Emission-accounting parameters of the MEE power-generation guideline (spec/carbon-accounting.md
§2): fuel defaults by tier, the coal default carbon content by reporting year, oxidation rates,
grid emission factors by year **and purpose** (ETS reporting vs MEE/NBS statistics).

Fuel units: coal, fuel oil, diesel in t (NCV GJ/t); natural gas in 10^4 Nm3 (NCV GJ/10^4 Nm3).
Carbon content per unit heat (CC) in tC/GJ; oxidation rates as fractions.
"""

from __future__ import annotations

from qingshan.carbon.standards.provenance import Value, m, v

__all__ = ["GUIDELINE", "FUELS", "FUEL_UNITS", "coal_default_cc", "OXIDATION", "NCV_DEFAULT", "CC_DEFAULT",
           "GRID_FACTORS", "grid_factor", "MIN_MEASURED_MONTHS", "C_TO_CO2", "HEAT_DEFAULT_EF"]

#: the guideline the accounting follows (spec/carbon-accounting.md §1; number [V] only via a peer
#: repository's reference list, date [M])
GUIDELINE = m("企业温室气体排放核算与报告指南 发电设施 (环办气候函〔2022〕485号)",
              "spec/carbon-accounting.md §1")

#: 44/12, the ratio of the molar masses of CO2 and C
C_TO_CO2 = 44.0 / 12.0

FUELS = ("coal", "natural_gas", "fuel_oil", "diesel")
FUEL_UNITS = {"coal": "t", "natural_gas": "10^4 Nm3", "fuel_oil": "t", "diesel": "t"}

_CL = "chemlinked.com on the June-2022 parameter adjustment (spec/carbon-accounting.md §2.1)"
_A = "spec/carbon-accounting.md §2.1 [M]"

#: fewer months of measured element carbon than this in a year → default CC for the missing
#: months (2021/2022 reporting) [V: chemlinked.com]
MIN_MEASURED_MONTHS = v(3, _CL)

OXIDATION: dict[str, Value] = {
    "coal": m(0.99, "2022 revision (§2.1); 2026 consultation pending (switch coal_oxidation)"),
    "natural_gas": m(0.99, _A), "fuel_oil": m(0.98, _A), "diesel": m(0.98, _A)}
#: NCV defaults (coal has none: it is always measured per batch/day)
NCV_DEFAULT: dict[str, Value] = {
    "natural_gas": m(389.31, _A + " (NDRC guideline annex)"), "fuel_oil": m(41.816, _A),
    "diesel": m(42.652, _A)}
CC_DEFAULT: dict[str, Value] = {
    "natural_gas": m(0.01532, _A), "fuel_oil": m(0.0211, _A), "diesel": m(0.0202, _A)}


def coal_default_cc(year: int, from_2023: float = 0.03085) -> Value:
    """Default coal carbon content per unit heat for months without measured element carbon:
    0.03356 tC/GJ before the 2021 reporting year, 0.03085 for 2021 and 2022 [V] ("regardless of
    coal type"), and for 2023 on the switch ``coal_cc_default_from_2023`` (default 0.03085, [M]:
    the spec confirms the value only for 2021 and 2022 reporting)."""
    if year < 2021:
        return v(0.03356, _CL + " (the value before the adjustment)")
    if year <= 2022:
        return v(0.03085, _CL)
    return m(from_2023, "switch coal_cc_default_from_2023 (confirmed only for 2021–22)")


#: purchased heat default, tCO2/GJ (§3 [M]) — other sectors
HEAT_DEFAULT_EF = m(0.11, "spec/carbon-accounting.md §3 [M]")

_PEER = "value in peer apps (spec/carbon-accounting.md §2.2)"
_NBS = "daydaynews.cc report of the 2024-12-26 MEE/NBS announcement (§2.2)"
_NBS21 = "MEE/NBS 公告2024年第12号, announced 2024-04-12 (§2.2)"

#: (purpose, year) → tCO2/MWh. purpose "ets" = the ETS reporting parameter; "nbs" = the MEE/NBS
#: statistical 电力二氧化碳排放因子 series (national average unless a region/province suffix)
GRID_FACTORS: dict[tuple[str, int], Value] = {
    ("ets", 2019): m(0.6101, "ETS reporting 2019–2020 [M]; " + _PEER),
    ("ets", 2020): m(0.6101, "ETS reporting 2019–2020 [M]; " + _PEER),
    ("ets", 2021): m(0.5810, "June-2022 adjustment [M]; " + _PEER),
    ("ets", 2022): m(0.5703, "Feb-2023 notice for 2023–2025 reporting [M]; " + _PEER),
    ("ets", 2023): m(0.5703, "Feb-2023 notice for 2023–2025 reporting [M]"),
    ("ets", 2024): m(0.5703, "Feb-2023 notice for 2023–2025 reporting [M]"),
    ("ets", 2025): m(0.5703, "Feb-2023 notice for 2023–2025 reporting [M]"),
    ("nbs", 2021): v(0.5568, _NBS21),
    ("nbs", 2022): v(0.5366, _NBS),
    ("nbs-fossil", 2021): v(0.8426, _NBS21),
    ("nbs-fossil", 2022): v(0.8325, _NBS),
    ("nbs-excl-market-nonfossil", 2022): v(0.5856, _NBS),
    ("nbs-north", 2022): v(0.6776, _NBS),
    ("nbs-east", 2022): v(0.5617, _NBS),
}


def grid_factor(year: int, purpose: str = "ets") -> Value:
    """The grid emission factor of ``year`` for ``purpose`` (``"ets"``: the ETS reporting
    parameter; ``"nbs"``: the MEE/NBS statistical national average). Raises ValueError when the
    year has none — no silent fallback to another year."""
    try:
        return GRID_FACTORS[(purpose, year)]
    except KeyError:
        have = sorted(y for p, y in GRID_FACTORS if p == purpose)
        raise ValueError(f"no {purpose!r} grid emission factor for {year}; years with one: "
                         f"{have}") from None
