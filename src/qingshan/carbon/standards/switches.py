"""The open items of the carbon specs as explicit switches, each with its default stated.

spec/carbon-ets.md §4 and the [M] rules of spec/carbon-accounting.md leave choices open; every one
of them is a field of :class:`Switches` (the CLI takes ``--benchmarks``, ``--ccer-base``,
``--rounding``, ``--chp-load/--no-chp-load``; the API ``ccer_base`` and ``rounding``). The
``marks`` of every allocation and position name the switched rules that entered the figure
(``load_chp[M]``, ``ccer_base[M]``, ``borrowing_gap[D]``, ``penalty[M]``, ``B_e[U]`` for a
supplied table); the city summary lists every switch with its value (:func:`describe`).

================================  ================================  ==============================
switch                            default                           open item / why
================================  ================================  ==============================
``benchmarks_2023_2024``          none — 2023/2024 allocation       ETS §4.1: official generation-
                                  refused until a table is given    based table not found
``corrections_2023_2024``         ``"as_2021_2022"`` (cooling and   ETS §4.1: "simplified" factors
                                  load kept, heat-ratio removed)    unknown
``load_factor_chp_2021_2022``     True                              ETS §4.2 / §1.2: extension
                                                                    "most likely to CHP units"
``relief_2023_2024``              True (gas cap and 20 % cap kept)  not stated for 2023–24 [M]
``ccer_base``                     ``"obligation"`` (应清缴配额)      ETS §1.5: one source says
                                                                    "verified emissions"
``borrowing_gap``                 ``"after_cap"``                   ETS §1.4: which gap the 10 %/
                                                                    50 % rule means [D]
``rounding``                      ``"none"`` (decimals kept)        no rounding rule in the spec;
                                                                    its worked example keeps 0.1 t
``penalty_regime``                ``"by_deadline"``: Order 19 for   ETS §4.4: Decree 775 amounts
                                  deadlines before 2024-05-01,      [M]
                                  Decree 775 from then
``coal_oxidation``                0.99                              accounting §2.1 [M]; 2026
                                                                    consultation (ETS §4.6)
``coal_cc_default_from_2023``     0.03085 tC/GJ                     accounting §2.1: [V] for 2021
                                                                    and 2022 reporting only
``alert_days``                    (60, 30, 7)                       the spec names no alert
                                                                    horizon
``monthly_report_days``           40                                accounting §2.4 [M]
``industrial_2025``               none — refused                    ETS §4.3: formula not found
================================  ================================  ==============================
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

__all__ = ["Switches", "DEFAULT", "describe"]


@dataclass(frozen=True)
class Switches:
    """Open items of the specs; defaults as in the module table."""

    #: {"2023": {"I": (e, h), ...}, "2024": {...}} generation-based benchmarks [U]
    benchmarks_2023_2024: dict[str, dict[str, tuple[float, float]]] | None = None
    corrections_2023_2024: str = "as_2021_2022"
    load_factor_chp_2021_2022: bool = True
    relief_2023_2024: bool = True
    ccer_base: str = "obligation"
    borrowing_gap: str = "after_cap"
    rounding: str = "none"
    penalty_regime: str = "by_deadline"
    coal_oxidation: float = 0.99
    coal_cc_default_from_2023: float = 0.03085
    alert_days: tuple[int, ...] = (60, 30, 7)
    monthly_report_days: int = 40
    #: {"cement": {...}} — the 2025 industrial formula; refused while None
    industrial_2025: dict | None = field(default=None)

    def __post_init__(self):
        choices = {"corrections_2023_2024": ("as_2021_2022", "none"),
                   "ccer_base": ("obligation", "verified"),
                   "borrowing_gap": ("after_cap", "before_cap"),
                   "rounding": ("none", "tonne"),
                   "penalty_regime": ("by_deadline", "order19", "decree775")}
        for k, allowed in choices.items():
            if getattr(self, k) not in allowed:
                raise ValueError(f"switch {k}: {getattr(self, k)!r} is not one of {allowed}")
        if not 0 < self.coal_oxidation <= 1:
            raise ValueError("switch coal_oxidation: a fraction in (0, 1]")


DEFAULT = Switches()


def describe(sw: Switches = DEFAULT) -> dict[str, object]:
    """The switches as plain data (for outputs: which open items were decided how)."""
    out: dict[str, object] = {}
    for f in fields(sw):
        val = getattr(sw, f.name)
        out[f.name] = ("supplied" if val else "not supplied") if f.name in (
            "benchmarks_2023_2024", "industrial_2025") else val
    return out
