"""English number agreement in the bulletin's counting sentences (review: "Of 1 cities")."""

import pandas as pd

from qingshan.air.report_sections import ranking_paragraphs
from qingshan.config import load_province
from qingshan.reports.labels import tr


def _cities(valid: list[bool]) -> pd.DataFrame:
    codes = ["370100", "370200"][:len(valid)]
    return pd.DataFrame({"code": codes, "name_zh": ["济南市", "青岛市"][:len(valid)],
                         "name_en": ["Jinan", "Qingdao"][:len(valid)],
                         "composite_index": [5.0, 4.0][:len(valid)], "valid": valid,
                         "rank": [1 if v else None for v in valid]})


def test_one_city_is_singular():
    prov = load_province("shandong")
    text = " ".join(ranking_paragraphs(_cities([True]), prov, "en"))
    # one city, one ranked: singular noun and verbs
    assert "Of 1 city, 1 has valid data and is ranked." in text
    assert "cities" not in text


def test_two_cities_one_ranked_one_insufficient():
    prov = load_province("shandong")
    text = " ".join(ranking_paragraphs(_cities([True, False]), prov, "en"))
    # 2 cities (plural noun), 1 of them ranked (singular verb); Qingdao alone is insufficient
    assert "Of 2 cities, 1 has valid data and is ranked." in text
    assert "Qingdao (1) has insufficient valid data" in text
    # the Chinese sentence has no number agreement and is unchanged
    zh = "".join(ranking_paragraphs(_cities([True, False]), prov, "zh"))
    assert "2个设区市中，1个市数据有效参与排名。" in zh


def test_counts_in_other_sentences():
    assert tr("county_rank_sentence_few", "en", n=1, k=1).startswith(
        "Of 1 county-level city (")
    assert tr("county_rank_sentence_few", "en", n=12, k=3).endswith(
        "3 have valid data and are ranked.")
    assert tr("m_gaps", "en", n=16, k=1).startswith("1 of 16 cities has all six statistics")
    assert tr("m_gaps", "en", n=1, k=1).startswith("1 of 1 city has all six statistics")
    assert tr("yoy_counts", "en", pol="PM2.5", down=1, up=0, same=2) == \
        "PM2.5: 1 city lower, 0 higher, 2 unchanged"
    assert tr("city_rank", "en", city="Jinan", ci=5.0, n=1, r=1, back=1) == \
        "Jinan: composite index 5.0, rank 1 of the 1 ranked city of the province (1 from bottom)."
