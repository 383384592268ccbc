"""National ETS power-sector allocation rules, one :class:`PowerRules` per vintage (spec/carbon-ets.md
§1).

==========  ===========  ==========  =============================================================
vintage     period       output      document
==========  ===========  ==========  =============================================================
2019-2020   1st          supply      国环规气候〔2020〕3号 (2020-12-29) [V]
2021        2nd          supply      2021、2022年度…实施方案（发电行业）, 国环规气候〔2023〕1号 [M number],
2022        2nd          supply      released 2023-03-15 [V]
2023        2023–2024    generation  2023、2024年度…配额总量和分配方案, final 2024-10-15 [V]
2024        2023–2024    generation  same
==========  ===========  ==========  =============================================================

Formula (§1, [V]): ``A_unit = B_e × Q_e × F + B_h × Q_h``; ``Q_e`` is 供电量 (supply) up to 2022 and
发电量 (generation) from 2023 (§1, [V]). Unit categories I–IV (§1 table, [V]).

Benchmarks (§1.1): 2019–2020, 2021 and 2022 [V]; 2023 and 2024 **not found** (open item 1) — the
:class:`~qingshan.carbon.standards.switches.Switches` field ``benchmarks_2023_2024`` must supply
them (marked [U]); until then the allocation of those vintages is refused.

Correction factors (§1.2, all [M]): cooling (air-cooled 1.05), heat-supply ratio (coal 1 − 0.22 ×
ratio, gas 1 − 0.6 × ratio; removed from 2023 [V]), load coefficient (conventional coal, piecewise,
:data:`LOAD_PIECES`; 2019–20 pure-condensing only, 2021–22 extended — to CHP units by the switch
``load_factor_chp_2021_2022``, open item 2).

Pre-allocation 70 % (§1.3 [V]) of the base year's output (2019–20: 2018 [V]; later vintages: the
previous year [M]); relief (§1.4): gas units capped at their allocation ([V] 2019–20, [M] retained),
20 % gap cap ([V] 2021–22, [M] 2019–20), borrowing 2021–22 only ([V]); CCER ≤ 5 % (§1.5 [V]);
carry-over from 2023–24 (§1.7 [V]); deadlines (§1.6, §1.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qingshan.carbon.standards.provenance import Value, d, m, v

__all__ = ["CATEGORIES", "UNIT_TYPES", "Deadline", "PowerRules", "RULES", "PERIODS",
           "LOAD_PIECES", "rules", "vintages_of"]

#: unit categories (§1 table [V]): code → (Chinese, English)
CATEGORIES = {
    "I": ("300MW等级以上常规燃煤机组", "conventional coal, > 300 MW class"),
    "II": ("300MW等级及以下常规燃煤机组", "conventional coal, ≤ 300 MW class"),
    "III": ("燃煤矸石、煤泥、水煤浆等非常规燃煤机组（含燃煤循环流化床机组）",
            "unconventional coal (gangue, slime, coal-water slurry; incl. CFB)"),
    "IV": ("燃气机组", "natural-gas units"),
}
#: unit types accepted in templates → category (``process_line``: a production line of steel,
#: cement or aluminium, allocated by :mod:`qingshan.carbon.standards.industry`)
UNIT_TYPES = {"coal_gt300": "I", "coal_le300": "II", "coal_unconventional": "III", "gas": "IV",
              "process_line": "P", "I": "I", "II": "II", "III": "III", "IV": "IV"}

_S_ICAP731 = "ICAP node/731; LGRblog (spec/carbon-ets.md §1.1)"
_S_LGR = "LGR2/LGRblog ChineseETSredraft.md table (spec/carbon-ets.md §1.1)"
_S_CF = "spec/carbon-ets.md §1.2 [M]"

#: load (output) coefficient F_l by load factor f (fraction), §1.2 [M]:
#: f ≥ 0.85 → 1; 0.80 ≤ f < 0.85 → 1 + 0.0014 × (85 − 100f);
#: 0.75 ≤ f < 0.80 → 1.007 + 0.0016 × (80 − 100f); f < 0.75 → 1.015^(16 − 20f)
LOAD_PIECES = m((0.85, 0.80, 0.75, 0.0014, 1.007, 0.0016, 1.015), _S_CF)


@dataclass(frozen=True)
class Deadline:
    """A dated step of a vintage (surrender, verification …)."""

    key: str
    day: date
    mark: str
    source: str
    share: float = 1.0  # the share of entities due by this day (95 % steps)


def _bench(e: tuple, h: tuple, mark: str, source: str) -> tuple[dict, dict]:
    mk = v if mark == "V" else m
    return ({c: mk(x, source) for c, x in zip(CATEGORIES, e)},
            {c: mk(x, source) for c, x in zip(CATEGORIES, h)})


@dataclass(frozen=True)
class PowerRules:
    """Allocation and compliance rules of one vintage of the power sector."""

    vintage: str
    period: str
    years: tuple[int, ...]
    version: str
    document: str
    basis: str                                  # "supply" | "generation"
    benchmark_e: dict[str, Value] | None        # tCO2/MWh by category
    benchmark_h: dict[str, Value] | None        # tCO2/GJ by category
    cooling_air: Value | None
    heat_corr_coal: Value | None
    heat_corr_gas: Value | None
    load_factor: bool
    load_chp: Value
    preallocation_share: Value
    preallocation_base: dict[int, int]          # output year → base year of the pre-allocation
    preallocation_base_mark: str
    include_indirect: Value
    gas_relief: Value
    gap_cap: Value | None
    borrowing_threshold: Value | None
    borrowing_share: Value | None
    ccer_max_share: Value
    carry_over: Value | None                    # (fixed t, × net sales)
    deadlines: tuple[Deadline, ...]

    @property
    def surrender_deadline(self) -> Deadline:
        """The final (100 %) surrender deadline."""
        return next(x for x in self.deadlines if x.key == "surrender")


_S_PRE = "ICAP node/731 (spec/carbon-ets.md §1.3)"
_S_CC = "climatecooperation.cn (spec/carbon-ets.md §1.3–1.4)"
_S_CCER = "LGRblog; 管理办法（试行）Art. 29 [M] (spec/carbon-ets.md §1.5)"
_S_2324 = "ICAP 2023–2024 final page (spec/carbon-ets.md §1, §1.2, §1.7)"

_E1920, _H1920 = _bench((0.877, 0.979, 1.146, 0.392), (0.126, 0.126, 0.126, 0.059), "V",
                        _S_ICAP731)
_E21, _H21 = _bench((0.8218, 0.8773, 0.9350, 0.3920), (0.1111, 0.1111, 0.1111, 0.0560), "V",
                    _S_LGR)
_E22, _H22 = _bench((0.8177, 0.8729, 0.9303, 0.3901), (0.1105, 0.1105, 0.1105, 0.0557), "V",
                    _S_LGR)

_COMMON = dict(
    cooling_air=m(1.05, _S_CF), preallocation_share=v(0.70, _S_PRE),
    ccer_max_share=v(0.05, _S_CCER),
)

_D2122 = (
    Deadline("preallocation_submission", date(2023, 4, 30), "V", "ICAP 2021–22 final (§1.3)"),
    Deadline("verification", date(2023, 6, 30), "V", "ICAP 2021–22 final (§1.3)"),
    Deadline("final_allocation", date(2023, 7, 15), "V", "ICAP 2021–22 final (§1.3)"),
    Deadline("surrender_95", date(2023, 11, 15), "V", "ICAP 2021–22 final (§1.6)", 0.95),
    Deadline("surrender", date(2023, 12, 31), "V", "ICAP 2021–22 final (§1.6)"),
)


def _r2122(year: int, e: dict, h: dict) -> PowerRules:
    return PowerRules(
        vintage=str(year), period="2021-2022", years=(year,),
        version=f"power-{year}@国环规气候〔2023〕1号",
        document="2021、2022年度全国碳排放权交易配额总量设定与分配实施方案（发电行业）",
        basis="supply", benchmark_e=e, benchmark_h=h,
        heat_corr_coal=m(0.22, _S_CF), heat_corr_gas=m(0.6, _S_CF), load_factor=True,
        load_chp=m(True, "spec/carbon-ets.md §1.2 extension [V], to CHP [M] (open item 2)"),
        preallocation_base={year: year - 1}, preallocation_base_mark="M",
        include_indirect=v(True, "hsujglq.cn reprint of the MEE notice (§1)"),
        gas_relief=m(True, "ICAP node/731, retained 2021–22 [M] (§1.4)"),
        gap_cap=v(0.20, _S_CC), borrowing_threshold=v(0.10, _S_CC),
        borrowing_share=v(0.50, _S_CC), carry_over=None, deadlines=_D2122, **_COMMON)


def _r2324(year: int, deadline: date) -> PowerRules:
    return PowerRules(
        vintage=str(year), period="2023-2024", years=(year,),
        version=f"power-{year}@2023、2024年度发电行业配额方案(2024-10-15)",
        document="2023、2024年度全国碳排放权交易发电行业配额总量和分配方案",
        basis="generation", benchmark_e=None, benchmark_h=None,
        heat_corr_coal=None, heat_corr_gas=None, load_factor=True,
        load_chp=m(True, "as 2021–22 (switch corrections_2023_2024)"),
        preallocation_base={year: year - 1}, preallocation_base_mark="M",
        include_indirect=v(False, _S_2324),
        gas_relief=m(True, "not stated for 2023–24 (switch relief_2023_2024)"),
        gap_cap=m(0.20, "not stated for 2023–24 (switch relief_2023_2024)"),
        borrowing_threshold=None, borrowing_share=None,
        carry_over=v((10_000.0, 1.5), _S_2324),
        deadlines=(Deadline("surrender", deadline, "V",
                            "jijunzs.com reprint of People's Daily 2025-01-05 (§1.6)"),),
        **_COMMON)


RULES: dict[str, PowerRules] = {
    "2019-2020": PowerRules(
        vintage="2019-2020", period="2019-2020", years=(2019, 2020),
        version="power-2019-2020@国环规气候〔2020〕3号",
        document="2019-2020年全国碳排放权交易配额总量设定与分配实施方案（发电行业）",
        basis="supply", benchmark_e=_E1920, benchmark_h=_H1920,
        heat_corr_coal=m(0.22, _S_CF), heat_corr_gas=m(0.6, _S_CF), load_factor=True,
        load_chp=m(False, "2019–20: pure-condensing units only (§1.2 [M])"),
        preallocation_base={2019: 2018, 2020: 2018}, preallocation_base_mark="V",
        include_indirect=v(True, "hsujglq.cn reprint of the MEE notice (§1)"),
        gas_relief=v(True, "ICAP node/731 (§1.4)"),
        gap_cap=m(0.20, "first introduced 2019–20 [M] (§1.4)"),
        borrowing_threshold=None, borrowing_share=None, carry_over=None,
        deadlines=(Deadline("surrender_95", date(2021, 12, 15), "M", "spec/carbon-ets.md §1.6",
                            0.95),
                   Deadline("surrender", date(2021, 12, 31), "V", "zhoutailaw.com (§1.6)")),
        **_COMMON),
    "2021": _r2122(2021, _E21, _H21),
    "2022": _r2122(2022, _E22, _H22),
    "2023": _r2324(2023, date(2024, 12, 31)),
    "2024": _r2324(2024, date(2025, 12, 31)),
}

#: compliance periods → their vintages
PERIODS: dict[str, tuple[str, ...]] = {"2019-2020": ("2019-2020",), "2021-2022": ("2021", "2022"),
                                       "2023-2024": ("2023", "2024")}


def vintages_of(label: str) -> tuple[str, ...]:
    """The vintages of a period or vintage label (``"2021-2022"`` → 2021, 2022; ``"2023"`` →
    2023)."""
    if label in PERIODS:
        return PERIODS[label]
    if label in RULES:
        return (label,)
    raise ValueError(f"unknown vintage or compliance period {label!r}; known: "
                     f"{sorted(set(RULES) | set(PERIODS))}")


def rules(vintage: str, switches=None) -> PowerRules:
    """The rules of ``vintage`` with the switches applied (2023/2024 benchmarks from
    ``switches.benchmarks_2023_2024`` [U], their corrections and relief by the switches; the
    2021–22 CHP load factor by ``load_factor_chp_2021_2022``).

    Raises ValueError for an unknown vintage."""
    from dataclasses import replace

    from qingshan.carbon.standards.switches import DEFAULT
    sw = switches or DEFAULT
    if vintage not in RULES:
        raise ValueError(f"unknown power vintage {vintage!r}; known: {list(RULES)}")
    r = RULES[vintage]
    if r.period == "2021-2022":
        r = replace(r, load_chp=m(sw.load_factor_chp_2021_2022, r.load_chp.source))
    if r.period == "2023-2024":
        table = (sw.benchmarks_2023_2024 or {}).get(vintage)
        if table:
            src = f"user-supplied {vintage} benchmark table (switch benchmarks_2023_2024)"
            r = replace(r, benchmark_e={c: Value(float(table[c][0]), "U", src) for c in table},
                        benchmark_h={c: Value(float(table[c][1]), "U", src) for c in table})
        if sw.corrections_2023_2024 == "none":
            r = replace(r, cooling_air=None, load_factor=False)
        if not sw.relief_2023_2024:
            r = replace(r, gas_relief=d(False, "switch relief_2023_2024"), gap_cap=None)
    return r
