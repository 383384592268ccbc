"""The carbon domain's tables as one bundle of DataFrames (:class:`CarbonData`), whatever they
were read from (the operational store, validated templates, the synthetic demo)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from qingshan.carbon.standards.power import UNIT_TYPES

__all__ = ["CarbonData", "COLUMNS", "from_templates"]

#: columns of every table
COLUMNS: dict[str, tuple[str, ...]] = {
    "enterprises": ("credit_code", "name", "city_code", "county_code", "sector", "synthetic",
                    "net_sales_t"),
    "units": ("unit_id", "credit_code", "name", "unit_type", "category", "capacity_mw",
              "cooling", "generation_type"),
    "annual": ("unit_id", "year", "generation_mwh", "supply_mwh", "heat_gj", "heat_ratio",
               "load_factor", "hours"),
    "fuel": ("unit_id", "year", "month", "fuel", "consumption", "unit", "ncv", "carbon_ar", "cc",
             "oxidation", "lab", "reported_on"),
    "electricity": ("unit_id", "year", "month", "purchased_mwh"),
    "verified": ("unit_id", "vintage", "verified_direct_t", "verified_indirect_t", "verifier"),
    "surrenders": ("credit_code", "vintage", "date", "cea_t", "ccer_t"),
    "prices": ("month", "avg_price_cny", "source"),
    "products": ("product_id", "credit_code", "name", "declared_unit", "boundary", "standard",
                 "synthetic"),
    "bom": ("product_id", "stage", "input_id", "input_name", "amount", "unit", "factor_id",
            "allocation_share"),
    "dqcp": ("unit_id", "version", "parameter", "source", "instrument", "accuracy_class",
             "calibration_interval_months", "last_calibration", "frequency", "method_standard",
             "department"),
}


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLUMNS[name]))


@dataclass
class CarbonData:
    """Every carbon table (missing ones empty, with their columns)."""

    enterprises: pd.DataFrame = field(default_factory=lambda: _empty("enterprises"))
    units: pd.DataFrame = field(default_factory=lambda: _empty("units"))
    annual: pd.DataFrame = field(default_factory=lambda: _empty("annual"))
    fuel: pd.DataFrame = field(default_factory=lambda: _empty("fuel"))
    electricity: pd.DataFrame = field(default_factory=lambda: _empty("electricity"))
    verified: pd.DataFrame = field(default_factory=lambda: _empty("verified"))
    surrenders: pd.DataFrame = field(default_factory=lambda: _empty("surrenders"))
    prices: pd.DataFrame = field(default_factory=lambda: _empty("prices"))
    products: pd.DataFrame = field(default_factory=lambda: _empty("products"))
    bom: pd.DataFrame = field(default_factory=lambda: _empty("bom"))
    dqcp: pd.DataFrame = field(default_factory=lambda: _empty("dqcp"))

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def synthetic(self) -> bool:
        """Whether any enterprise is synthetic demo data."""
        s = self.enterprises.get("synthetic")
        return bool(s is not None and len(s) and s.fillna(False).astype(bool).any())

    def unit_activity(self) -> pd.DataFrame:
        """Units joined to their annual activity: the input of the allocation engine."""
        u = self.units[["unit_id", "credit_code", "category", "cooling", "generation_type",
                        "capacity_mw"]]
        return self.annual.merge(u, on="unit_id", how="inner")


def from_templates(read: dict[str, dict[str, pd.DataFrame]]) -> CarbonData:
    """The tables of validated workbooks (:func:`qingshan.carbon.ingest.read_workbooks`) in the
    form of :class:`CarbonData`: unit types → categories, oxidation % → fraction, yes/no → bool."""
    d = CarbonData()
    if "enterprises" in read:
        e = read["enterprises"]["enterprises"].copy()
        e["synthetic"] = e["synthetic"].eq("yes")
        d.enterprises = e.reindex(columns=COLUMNS["enterprises"])
    if "units" in read:
        u = read["units"]["units"].copy()
        u["category"] = u["unit_type"].map(UNIT_TYPES)
        d.units = u.reindex(columns=COLUMNS["units"])
    if "activity" in read:
        a = read["activity"]
        d.annual = a["annual"].reindex(columns=COLUMNS["annual"])
        f = a["fuel"].copy()
        f["oxidation"] = pd.to_numeric(f["oxidation_pct"], errors="coerce") / 100.0
        d.fuel = f.reindex(columns=COLUMNS["fuel"])
        d.electricity = a["electricity"].reindex(columns=COLUMNS["electricity"])
    if "dqcp" in read:
        d.dqcp = read["dqcp"]["plan"].reindex(columns=COLUMNS["dqcp"])
    if "products" in read:
        pr = read["products"]["products"].copy()
        pr["synthetic"] = pr["synthetic"].eq("yes")
        d.products = pr.reindex(columns=COLUMNS["products"])
        b = read["products"]["bom"].copy()
        b["factor_id"] = b["factor_id"].fillna("")
        b["unit"] = b["unit"].fillna("")
        b["allocation_share"] = pd.to_numeric(b["allocation_share"]).fillna(1.0)
        d.bom = b.reindex(columns=COLUMNS["bom"])
    if "compliance" in read:
        d.verified = read["compliance"]["verified"].reindex(columns=COLUMNS["verified"])
        d.surrenders = read["compliance"]["surrenders"].reindex(columns=COLUMNS["surrenders"])
    for name, df in d.tables().items():
        setattr(d, name, df.reset_index(drop=True))
    return d
