"""The ranking sentences' best and worst groups (air.report_sections.best_and_worst): never the
same unit in both, none for a single ranked unit (review finding: a county bulletin with one
valid county named it both 相对较好 and 相对较差)."""

import pandas as pd

from qingshan.air.report_sections import best_and_worst, ranking_paragraphs
from qingshan.config import load_province


def test_groups_by_hand():
    ci = pd.Series([4.12, 6.38, 4.84, 6.31, 5.16, 6.29], index=list("abcdef"))
    ok = pd.Series(True, index=ci.index)
    # 6 ranked: min(3, 6 // 2) = 3 places each; lowest index is best
    assert best_and_worst(ci, ok) == (["a", "c", "e"], ["b", "d", "f"])
    # 3 ranked (d, e, f not valid): min(3, 3 // 2) = 1 place each
    assert best_and_worst(ci, ok & ci.index.isin(list("abc"))) == (["a"], ["b"])
    # 1 ranked: no groups
    assert best_and_worst(ci, ci.index == "a") == ([], [])
    # ties across both groups: 4 units all 5.0 -> all share place 1 of best; none left as worst
    tied = pd.Series(5.0, index=list("wxyz"))
    assert best_and_worst(tied, pd.Series(True, index=tied.index)) == (list("wxyz"), [])


def test_one_ranked_city_is_neither_best_nor_worst():
    prov = load_province("shandong")
    cities = pd.DataFrame({"code": ["370100", "370200"], "name_zh": ["济南市", "青岛市"],
                           "name_en": ["Jinan", "Qingdao"], "composite_index": [5.0, 4.0],
                           "valid": [True, False], "rank": [1, None]})
    text = "".join(ranking_paragraphs(cities, prov, "zh"))
    assert "2个设区市中，1个市数据有效参与排名。" in text
    assert "相对较好" not in text and "相对较差" not in text


def test_no_best_worst_table_for_one_ranked_city():
    from qingshan.air.report_sections import best_worst_tables

    prov = load_province("shandong")
    one = pd.DataFrame({"code": ["370100"], "name_zh": ["济南市"], "name_en": ["Jinan"],
                        "pm25": [30.0]})
    assert [t for t in best_worst_tables(one, prov, "zh") if t.key == "rank_pm25"] == []
