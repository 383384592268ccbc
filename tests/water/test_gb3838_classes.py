"""GB 3838-2002 Table 1 single-factor classes: every limit and boundary, shared limits, DO, pH,
river vs lake TP, TN lakes only. Expected values are read off spec/water.md §1 (the table is
re-typed below from the spec, independently of the module under test)."""

import duckdb
import pandas as pd

from qingshan.water.engine.surface import classify_long

# spec/water.md §1 Table 1, classes I..V (≤), re-typed from the spec
SPEC_UPPER = {
    "codmn": (2, 4, 6, 10, 15), "cod": (15, 15, 20, 30, 40), "bod5": (3, 3, 4, 6, 10),
    "nh3n": (0.15, 0.5, 1.0, 1.5, 2.0), "cu": (0.01, 1.0, 1.0, 1.0, 1.0),
    "zn": (0.05, 1.0, 1.0, 2.0, 2.0), "fluoride": (1.0, 1.0, 1.0, 1.5, 1.5),
    "se": (0.01, 0.01, 0.01, 0.02, 0.02), "as": (0.05, 0.05, 0.05, 0.1, 0.1),
    "hg": (0.00005, 0.00005, 0.0001, 0.001, 0.001), "cd": (0.001, 0.005, 0.005, 0.005, 0.01),
    "cr6": (0.01, 0.05, 0.05, 0.05, 0.1), "pb": (0.01, 0.01, 0.05, 0.05, 0.1),
    "cyanide": (0.005, 0.05, 0.2, 0.2, 0.2), "phenol": (0.002, 0.002, 0.005, 0.01, 0.1),
    "petroleum": (0.05, 0.05, 0.05, 0.5, 1.0), "las": (0.2, 0.2, 0.2, 0.3, 0.3),
    "sulfide": (0.05, 0.1, 0.2, 0.5, 1.0), "fecal_coliform": (200, 2000, 10000, 20000, 40000),
}
TP_RIVER = (0.02, 0.1, 0.2, 0.3, 0.4)
TP_LAKE = (0.01, 0.025, 0.05, 0.1, 0.2)
TN_LAKE = (0.2, 0.5, 1.0, 1.5, 2.0)


def _classes(rows):
    """rows: (parameter, value, water_body) -> list of classes in input order."""
    df = pd.DataFrame(rows, columns=["parameter", "value", "water_body"])
    df.insert(0, "i", range(len(df)))
    items, _ = classify_long(duckdb.connect(), df, ["i"])
    return [None if pd.isna(c) else int(c) for c in items.sort_values("i")["class"]]


def _boundary_cases(param, limits, body):
    """At each limit: the best class sharing that limit (inclusive ≤). Just above a limit: the
    best class with a larger limit, or 6 (劣V) above the class V limit."""
    cases = []
    for lim in sorted(set(limits)):
        best = 1 + min(k for k, x in enumerate(limits) if x == lim)
        above = [k for k, x in enumerate(limits) if x > lim]
        nxt = 1 + min(above) if above else 6
        cases.append((param, lim, body, best))
        cases.append((param, lim * 1.0001, body, nxt))
    return cases


def test_every_upper_limit_and_boundary():
    cases = []
    for p, lim in SPEC_UPPER.items():
        cases += _boundary_cases(p, lim, "river")
    cases += _boundary_cases("tp", TP_RIVER, "river")
    cases += _boundary_cases("tp", TP_LAKE, "lake")
    cases += _boundary_cases("tn", TN_LAKE, "lake")
    got = _classes([c[:3] for c in cases])
    assert got == [c[3] for c in cases]


def test_shared_limits_give_best_class():
    # spec §1 rule 1: COD ≤ 15 → I (not II); Cu in (0.01, 1.0] → II; Cu > 1.0 → 劣V;
    # Se ≤ 0.01 → I, Se 0.015 → IV; fluoride 1.2 → IV; LAS 0.25 → IV; Hg 0.00005 → I.
    rows = [("cod", 15, "river"), ("cod", 14.9, "river"), ("cod", 15.5, "river"),
            ("cu", 0.5, "river"), ("cu", 1.0, "river"), ("cu", 1.01, "river"),
            ("se", 0.01, "river"), ("se", 0.015, "river"), ("fluoride", 1.2, "river"),
            ("las", 0.25, "river"), ("hg", 0.00005, "river"), ("zn", 1.5, "river"),
            ("cyanide", 0.1, "river"), ("cyanide", 0.21, "river")]
    assert _classes(rows) == [1, 1, 3, 2, 2, 6, 1, 4, 4, 4, 1, 4, 3, 6]


def test_tp_river_vs_lake():
    # TP 0.05 mg/L: river column ≤ 0.1 → II; lake column ≤ 0.05 → III.
    # TP 0.15: river ≤ 0.2 → III; lake ≤ 0.2 → V. TP 0.25: river IV, lake 劣V.
    rows = [("tp", 0.05, "river"), ("tp", 0.05, "lake"), ("tp", 0.15, "river"),
            ("tp", 0.15, "lake"), ("tp", 0.25, "river"), ("tp", 0.25, "lake"),
            ("tp", 0.05, None)]  # unknown water body → river limits
    assert _classes(rows) == [2, 3, 3, 5, 4, 6, 2]


def test_tn_only_for_lakes_and_water_temp_unclassified():
    rows = [("tn", 1.2, "lake"), ("tn", 1.2, "river"), ("water_temp", 25.0, "river"),
            ("conductivity", 500.0, "river")]
    assert _classes(rows) == [4, None, None, None]


def test_dissolved_oxygen_is_at_least():
    # DO ≥ 7.5 → I; 6 ≤ DO < 7.5 → II; [5, 6) → III; [3, 5) → IV; [2, 3) → V; < 2 → 劣V.
    rows = [("do", v, "river") for v in (9.0, 7.5, 7.49, 6.0, 5.99, 5.0, 4.99, 3.0, 2.99, 2.0,
                                           1.99, 0.0)]
    assert _classes(rows) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]


def test_ph_edges():
    # pH inside 6–9 inclusive does not constrain (class I); outside → 劣V.
    rows = [("ph", v, "river") for v in (6.0, 7.2, 9.0, 5.99, 9.01)]
    assert _classes(rows) == [1, 1, 1, 6, 6]


def test_missing_value_has_no_class():
    assert _classes([("cod", None, "river")]) == [None]
