"""Frameworks as validated data: the bundled ones match the spec, bad files are refused."""

import pytest

from qingshan.evaluation.framework import Framework, FrameworkError, load_framework_file
from qingshan.evaluation.frameworks import framework_path, list_frameworks, load_framework


def test_ndrc_2020_has_the_22_indicators_in_5_categories():
    fw = load_framework("ndrc-2020")
    # spec evaluation.md §1.1: 3 + 3 + 5 + 5 + 6 indicators
    assert len(fw.indicators) == 22
    assert {n: len(fw.children(n)) for n in fw.children("BCI")} == \
        {"air": 3, "water": 3, "soil": 5, "eco": 5, "living": 6}
    assert fw.name("pm25") == "地级及以上城市细颗粒物(PM2.5)浓度"
    assert fw.indicator("pm25").direction == -1 and fw.indicator("rural_toilets").direction == 1
    assert fw.framework.base_year == 2020
    # §1.2 seeds: PM2.5 2035 < 25 [V], 2027 < 28 [M]
    t = {x.year: x for x in fw.indicator("pm25").targets}
    assert (t[2035].value, t[2035].mark, t[2027].value, t[2027].mark) == (25, "V", 28, "M")
    assert fw.indicator("forest_cover").targets[0].value == 26
    assert fw.indicator("pm25").source == "computed" and fw.indicator("forest_cover").source == "submitted"


def test_shandong_marks_unverified_targets():
    fw = load_framework("shandong-2035")
    assert fw.framework.unit_kind == "city"
    wwtp = {t.year: (t.value, t.mark) for t in fw.indicator("wwtp_upgrade").targets}
    assert wwtp == {2025: (60, "V"), 2027: (70, "V")}           # spec §1.5 [V]
    pm = [t for t in fw.indicator("pm25").targets if t.level == "provincial"]
    assert pm and all(t.mark == "M" for t in pm)                 # number not published
    assert fw.indicator("air_composite").compute == "air.composite"


def test_every_bundled_framework_validates_and_levels():
    names = {f["name"] for f in list_frameworks()}
    assert {"ndrc-2020", "shandong-2035"} <= names
    fw = load_framework("ndrc-2020")
    assert fw.levels["BCI"] == 3 and fw.levels["air"] == 2 and fw.levels["pm25"] == 1


def _raw(**change):
    raw = {"framework": {"code": "x", "version": "1"},
           "nodes": [{"code": "I"}, {"code": "A", "parent": "I"}],
           "indicators": [{"code": "a", "parent": "A", "direction": 1}]}
    raw.update(change)
    return raw


@pytest.mark.parametrize("change, msg", [
    ({"nodes": [{"code": "I"}, {"code": "A", "parent": "Z"}]}, "parent 'Z' is not a node"),
    ({"nodes": [{"code": "I"}, {"code": "A", "parent": "I"}, {"code": "E", "parent": "I"}]},
     "node E has no children"),
    ({"nodes": [{"code": "I"}, {"code": "J"}, {"code": "A", "parent": "I"}]}, "exactly one root"),
    ({"indicators": [{"code": "A", "parent": "A", "direction": 1}]}, "duplicate codes"),
    ({"indicators": [{"code": "a", "parent": "A", "direction": 2}]}, "direction"),
    ({"indicators": [{"code": "a", "parent": "A", "direction": 1, "normalise": "softmax"}]},
     "softmax"),
    ({"method": {"aggregation": "median"}}, "median"),
    ({"indicators": [{"code": "a", "parent": "A", "direction": 1,
                      "targets": [{"year": 2027, "value": 1, "source": "s", "mark": "X"}]}]},
     "mark"),
])
def test_invalid_frameworks_are_refused(change, msg):
    with pytest.raises(ValueError, match=msg):
        Framework.model_validate(_raw(**change))


def test_file_errors_name_the_file(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('[framework]\ncode = "x"\n', encoding="utf-8")
    with pytest.raises(FrameworkError, match="bad.toml"):
        load_framework_file(p)
    with pytest.raises(FrameworkError, match="no framework"):
        framework_path("nope")


def test_ndrc_results_do_not_rank_regions():
    # spec §1.3: "评估结果不进行地区排名" -> the framework switches ranking off
    import pandas as pd

    from qingshan.evaluation.engine.pipeline import EngineError, EvalInput, evaluate
    from qingshan.evaluation.engine.sensitivity import run_sensitivity
    fw = load_framework("ndrc-2020")
    assert fw.method.rank is False
    v = pd.DataFrame({c: [1.0, 2.0] for c in fw.indicator_codes}, index=["p", "q"])
    r = evaluate(fw, EvalInput(values=v, year=2025), overrides={"normalise": "minmax"})
    assert r.ranks.isna().all().all() and r.scores["BCI"].notna().all()
    with pytest.raises(EngineError, match="does not rank"):
        run_sensitivity(fw, EvalInput(values=v, year=2025), {"aggregation": ["amean", "min"]})
