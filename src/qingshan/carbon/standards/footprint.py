"""Product carbon footprint standards and the local factor library (spec/carbon-footprint.md).

- Method: GB/T 24067-2024 (effective 2025-03-01 [V]) / ISO 14067:2018; CFP = Σ_stages Σ_i
  AD × EF (kg CO2e per functional unit); cradle-to-gate = the first two stages (partial CFP).
- GWP100 of IPCC AR6 [M] (§2): CO2 1, CH4 fossil 29.8, CH4 non-fossil 27.0, N2O 273, CF4 7,380,
  C2F6 12,400, SF6 25,200. The set used is recorded with every result.
- Factors: ``footprint_factors.csv`` shipped in this package — one row per factor × gas, each
  with its mark and source: grid factors of MEE/NBS 2022 [V], combustion factors derived from the
  accounting defaults [D], analyst aluminium defaults [V]; material and transport factors are
  **synthetic demo values** [S], labelled so wherever they show (replace them with CPCD-2022 or a
  licensed database).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from qingshan.carbon.standards.provenance import m

__all__ = ["STAGES", "STAGE_NAMES", "BOUNDARIES", "GWP", "GWP_SET", "factors", "STANDARDS"]

STAGES = ("raw_materials", "production", "distribution", "use", "end_of_life")
STAGE_NAMES = {"raw_materials": ("原材料获取", "raw material acquisition"),
               "production": ("生产", "production"), "distribution": ("分销", "distribution"),
               "use": ("使用", "use"), "end_of_life": ("废弃处置", "end of life")}
BOUNDARIES = {"cradle-to-gate": STAGES[:2], "cradle-to-grave": STAGES}
STANDARDS = ("GB/T 24067-2024", "ISO 14067:2018")
GWP_SET = "IPCC AR6 GWP100"
GWP = {g: m(x, "spec/carbon-footprint.md §2 [M]") for g, x in {
    "co2": 1.0, "co2e": 1.0, "ch4_fossil": 29.8, "ch4_nonfossil": 27.0, "n2o": 273.0,
    "cf4": 7380.0, "c2f6": 12400.0, "sf6": 25200.0}.items()}


@lru_cache(maxsize=1)
def factors() -> pd.DataFrame:
    """The shipped factor library (one row per factor × gas)."""
    with resources.files("qingshan.carbon.standards").joinpath(
            "footprint_factors.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f)
