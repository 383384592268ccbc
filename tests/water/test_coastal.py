"""GB 3097-1997 coastal classes and the excellent share by point count and by area
(spec/water.md §3, §3.1); expected classes read off the spec's table by hand."""

import duckdb
import pandas as pd
import pytest

from qingshan.config import load_province
from qingshan.water.engine.surface import classify_long
from qingshan.water.engine.coastal import assess_coastal_groups, assess_coastal_points
from qingshan.water.ingest.load import ingest_coastal_points, ingest_coastal_samples
from qingshan.store import connect
from qingshan.store.province import sync_province


def _classes(rows):
    df = pd.DataFrame(rows, columns=["parameter", "value"])
    df["water_body"] = "sea"
    df.insert(0, "i", range(len(df)))
    items, _ = classify_long(duckdb.connect(), df, ["i"], standard="gb3097")
    return [int(c) for c in items.sort_values("i")["class"]]


def test_gb3097_item_classes():
    # DIN ≤ 0.20 I, ≤ 0.30 II, ≤ 0.40 III, ≤ 0.50 IV, else 劣四 (5).
    # phosphate 0.030 shared by II and III → II (best class); 0.031 → IV.
    # DO is strict ">": 6 → not > 6 → II (> 5); 6.01 → I; 3 → 劣四.
    # pH 8.6 outside 7.8–8.5 but inside 6.8–8.8 → III; 8.9 → 劣四.
    # petroleum 0.05 → I (shared I/II); 0.3 → III.
    rows = [("din", 0.2), ("din", 0.25), ("din", 0.4), ("din", 0.5), ("din", 0.51),
            ("phosphate", 0.030), ("phosphate", 0.031), ("do", 6.0), ("do", 6.01), ("do", 3.0),
            ("ph", 8.6), ("ph", 8.9), ("ph", 8.1), ("petroleum", 0.05), ("petroleum", 0.3)]
    assert _classes(rows) == [1, 2, 3, 4, 5, 2, 4, 2, 1, 5, 3, 5, 1, 1, 3]


@pytest.fixture()
def coastal(tmp_path):
    con = connect(":memory:")
    sync_province(con, load_province("shandong"))
    pts = tmp_path / "points.csv"
    pts.write_text("code,name,city,zone_class,area_km2\nP1,P1,青岛,2,100\nP2,P2,青岛,2,300\n"
                   "P3,P3,青岛,3,50\nP4,P4,烟台,1,\n", encoding="utf-8")
    smp = tmp_path / "samples.csv"
    smp.write_text(
        "point_code,sample_date,parameter,value\n"
        # P1: DIN 0.15 → I, phosphate 0.02 → II → class II
        "P1,2021-05-10,din,0.15\nP1,2021-05-10,phosphate,0.02\n"
        # P2: DIN from NO3 0.25 + NO2 0.02 + NH3 0.05 = 0.32 → III
        "P2,2021-05-10,no3n,0.25\nP2,2021-05-10,no2n,0.02\nP2,2021-05-10,nh3n,0.05\n"
        # P3: DIN 0.18 (May) and 0.22 (Aug) → mean 0.20 → I; COD 2.5 → II → class II
        "P3,2021-05-10,din,0.18\nP3,2021-08-10,din,0.22\nP3,2021-05-10,cod,2.5\n"
        # P4: DIN 0.6 → 劣四类
        "P4,2021-05-10,din,0.6\n", encoding="utf-8")
    ingest_coastal_points(con, pts)
    ingest_coastal_samples(con, [smp])
    return con


def test_point_classes_and_zone_compliance(coastal):
    p = assess_coastal_points(coastal, "2021").set_index("code")
    assert list(p.class_computed) == [2, 3, 2, 5]
    assert list(p.meets_zone) == [True, False, True, False]
    assert p.loc["P4", "class_name"] == "劣四类"


def test_excellent_share_by_count_and_by_area(coastal):
    # Province: excellent P1, P3 of 4 points = 50 %. Area: (100 + 50) / (100 + 300 + 50) = 33.3 %
    # (P4 has no area and is left out of the area share).
    g = assess_coastal_groups(coastal, "2021", "province").iloc[0]
    assert g.excellent_pct_count == pytest.approx(50.0)
    assert g.excellent_pct_area == pytest.approx(100 * 150 / 450)
    assert (g.count_mode, g.area_mode) == ("point count", "configured point areas")


def test_unverified_limits_can_be_replaced(coastal):
    # If the primary text gave DIN class II as 0.35 instead of 0.30 [M], P2 (DIN 0.32) → II.
    from qingshan.water.engine.surface import gb3097_limits
    lim = gb3097_limits()
    lim.loc[(lim.parameter == "din") & (lim["class"] == 2), "hi"] = 0.35
    p = assess_coastal_points(coastal, "2021", limits=lim)
    assert p.set_index("code").loc["P2", "class_computed"] == 2
