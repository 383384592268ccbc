"""The data-quality-control plan (数据质量控制计划) items of spec/carbon-accounting.md §2.5 [M,
structure from the guideline template], stored as versioned structured data per unit and
cross-checked against the monthly submissions (:func:`qingshan.carbon.engine.dqcp.check`)."""

from __future__ import annotations

__all__ = ["SECTIONS", "PARAMETERS", "FREQUENCIES", "SAMPLING_STANDARDS", "LABS",
           "RETENTION_YEARS"]

#: the six sections of a plan (§2.5)
SECTIONS = {
    1: "entity and facility information (units, capacity, fuels, boiler/turbine, cooling, CHP)",
    2: "accounting boundary and emission sources per unit",
    3: "per parameter: data source, instrument (type, accuracy, calibration), method, frequency, "
       "responsible department, record form",
    4: "sampling and testing: standards, lab qualification (CNAS/CMA), retained and monthly "
       "composite samples",
    5: "missing data → defaults; change control of the plan; internal QA/QC; retention",
    6: "verification findings and corrective actions",
}
#: the parameters a plan covers (§2.5 item 3)
PARAMETERS = ("consumption", "ncv", "carbon_ar", "oxidation", "generation_mwh", "supply_mwh",
              "heat_gj", "auxiliary_mwh", "hours", "load_factor", "purchased_mwh")
#: monitoring frequencies accepted in a plan and how many per month they require
FREQUENCIES = {"per_batch": 1, "daily": 1, "monthly": 1, "quarterly": 0, "annual": 0}
#: sampling/testing standards named in §2.5 item 4 [M]
SAMPLING_STANDARDS = {"coal_sampling": ("GB/T 475", "GB/T 19494"), "ncv": ("GB/T 213",),
                      "element_carbon": ("GB/T 476", "GB/T 30733")}
LABS = ("CNAS", "CMA")
#: record retention (§2.5 item 5) [M]
RETENTION_YEARS = 5
