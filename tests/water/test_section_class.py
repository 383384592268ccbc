"""Section class (worst item), class-setting items, exceedance multiples, main pollutants and
target compliance (spec/water.md §2.3, §2.6), with hand derivations in comments."""

import duckdb
import pandas as pd

from qingshan.water.engine.surface import PARAM_LABELS_ZH, WaterRules, classify_long

SAMPLE = {  # one river sample
    "ph": 7.5,       # 6–9 → I
    "do": 4.0,       # [3, 5) → IV, no multiple
    "cod": 25.0,     # (20, 30] → IV; (25 − 20) / 20 = 0.25
    "codmn": 12.0,   # (10, 15] → V; (12 − 6) / 6 = 1.0
    "nh3n": 2.6,     # > 2.0 → 劣V; (2.6 − 1.0) / 1.0 = 1.6
    "tp": 0.45,      # river > 0.4 → 劣V; (0.45 − 0.2) / 0.2 = 1.25
    "pb": 0.06,      # (0.05, 0.1] → V; (0.06 − 0.05) / 0.05 = 0.2
    "tn": 9.0,       # river: TN not assessed
    "fecal_coliform": 90000.0,  # reference item: never sets the class
}


def _run(sample, body="river", target=None, rules=WaterRules()):
    df = pd.DataFrame({"s": 1, "parameter": list(sample), "value": list(sample.values()),
                       "water_body": body})
    if target is not None:
        df["target_class"] = target
    _, out = classify_long(duckdb.connect(), df, ["s"], target=target is not None,
                           rules=rules, labels=PARAM_LABELS_ZH)
    return out.iloc[0]


def test_worst_class_and_items_setting_it():
    r = _run(SAMPLE)
    assert r.class_computed == 6
    assert r.class_items == "氨氮,总磷"  # both 劣V, in Table 1 order
    assert r.n_assessed == 7  # ph, do, cod, codmn, nh3n, tp, pb (tn, fecal coliform excluded)


def test_exceedance_multiples_against_class_iii():
    r = _run(SAMPLE)
    assert r.exceed == "氨氮:1.6; 总磷:1.25; 高锰酸盐指数:1.0; 化学需氧量:0.25; 铅:0.2"


def test_main_pollutants_worst_classes_ties_by_multiple_plus_heavy_metals():
    # worse than III: nh3n (6, 1.6), tp (6, 1.25), codmn (5, 1.0), pb (5, 0.2), cod (4, 0.25),
    # do (4, –). Rank by class then multiple: nh3n, tp, codmn | pb, cod, do → top 3, and Pb is a
    # heavy metal above class III so it is listed too.
    r = _run(SAMPLE)
    assert r.main_pollutants == "氨氮(1.6),总磷(1.25),高锰酸盐指数(1.0),铅(0.2)"


def test_no_main_pollutants_when_class_iii_or_better():
    r = _run({"ph": 7, "do": 5.5, "cod": 18, "nh3n": 0.8, "tp": 0.15})
    assert r.class_computed == 3 and r.class_items == "溶解氧,化学需氧量,氨氮,总磷"
    assert pd.isna(r.main_pollutants) and pd.isna(r.exceed)


def test_target_compliance_and_exceedance_against_target():
    # target II: cod limit 15 → (25 − 15)/15 = 0.666… → 0.67; nh3n 0.5 → 4.2; tp 0.1 → 3.5;
    # codmn 4 → 2.0; pb 0.01 → 5.0; do 4 is worse than class II → listed without multiple.
    r = _run(SAMPLE, target=2)
    assert not r.meets_target
    assert r.exceed_target == "铅:5.0; 氨氮:4.2; 总磷:3.5; 高锰酸盐指数:2.0; 化学需氧量:0.67; 溶解氧"
    ok = _run({"ph": 7, "do": 5.5, "cod": 18, "nh3n": 0.8, "tp": 0.15}, target=3)
    assert ok.meets_target and pd.isna(ok.exceed_target)


def test_lake_tn_is_reference_only_and_lake_tp_column():
    # lake TP 0.06 → IV (lake column ≤ 0.1); TN 2.5 → 劣V but reference only.
    r = _run({"ph": 7, "do": 8, "tp": 0.06, "tn": 2.5}, body="lake")
    assert r.class_computed == 4 and r.class_items == "总磷"
    assert r.reference_classes == "总氮:6"


def test_reference_items_reported_separately_for_rivers():
    # river: TN has no class; fecal coliform 90000 > 40000 → 6 (reference only)
    assert _run(SAMPLE).reference_classes == "粪大肠菌群:6"


def test_auto_station_subset_only():
    # only the five automatic-station items measured: class from those present
    r = _run({"ph": 8.1, "do": 6.2, "codmn": 3.9, "nh3n": 0.2, "tp": 0.09, "turbidity": 30})
    assert r.class_computed == 2 and r.n_assessed == 5


def test_main_pollutant_count_is_configurable():
    r = _run(SAMPLE, rules=WaterRules(main_pollutant_max=1, always_listed=()))
    assert r.main_pollutants == "氨氮(1.6)"


def test_no_class_without_an_assessed_item():
    # only water temperature, conductivity and turbidity measured → no class at all
    df = pd.DataFrame({"s": [1, 1, 1], "parameter": ["water_temp", "conductivity", "turbidity"],
                       "value": [20.0, 600.0, 10.0], "water_body": "river"})
    _, out = classify_long(duckdb.connect(), df, ["s"])
    assert out.empty
