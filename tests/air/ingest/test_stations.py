"""Station list ingest: GBK/UTF-8 detection, stop markers, control flags, evaluation stations."""

import csv
from datetime import date

import pytest

from qingshan.air.ingest import IngestError, ingest_stations
from qingshan.air.ingest.stations import parse_stop_marker, read_station_list
from tests.conftest import shared_path


@pytest.mark.parametrize("raw,name,stopped,when", [
    ("市监测中心(停运150702)", "市监测中心", True, date(2015, 7, 2)),
    ("职工医院（20181115停运）", "职工医院", True, date(2018, 11, 15)),
    ("草堂寺（已停运）", "草堂寺", True, None),
    ("包百大楼(停用200107)", "包百大楼", True, date(2020, 1, 7)),
    ("定陵(对照点)", "定陵(对照点)", False, None),
    ("万寿西宫", "万寿西宫", False, None),
])
def test_stop_markers(raw, name, stopped, when):
    assert parse_stop_marker(raw) == (name, stopped, when)


def test_gbk_and_utf8_lists_read_identically():
    gbk, meta_gbk = read_station_list(shared_path("data", "stations", "NewSiteList.csv"))
    utf, meta_utf = read_station_list(shared_path("data", "stations", "NewSiteList.utf8.csv"))
    assert meta_gbk["encoding"] == "gbk" and meta_utf["encoding"] == "utf-8"
    assert gbk.equals(utf)
    with open(shared_path("data", "stations", "NewSiteList.utf8.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(gbk) == len(rows) == 2026
    # independent count of stop markers and control stations with plain string tests
    assert int(gbk.is_control.sum()) == sum(r["对照点"] == "Y" for r in rows)
    assert int(gbk.is_stopped.sum()) == sum(("停运" in r["监测点名称"] or "停用" in r["监测点名称"])
                                            for r in rows)


def test_evaluation_stations_per_city(store, province):
    path = shared_path("data", "stations", "NewSiteList.utf8.csv")
    ingest_stations(store, path, province)
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for city in province.cities:
        expected = sorted(r["监测点编码"] for r in rows
                          if r["城市"] in city.station_cities and r["对照点"] == "N")
        got = [r[0] for r in store.execute(
            "SELECT station_code FROM city_station WHERE city_code = ? ORDER BY 1",
            [city.code]).fetchall()]
        assert got == expected, city.name_en
    # county-level stations are kept separately: 章丘 belongs to prefecture 济南市 but is not an
    # evaluation station of Jinan
    zq = store.execute("SELECT publication_city, prefecture FROM station WHERE "
                       "publication_city = '章丘'").fetchall()
    assert zq and all(p == "济南市" for _, p in zq)
    jinan = {r[0] for r in store.execute(
        "SELECT station_code FROM city_station WHERE city_code = '370100'").fetchall()}
    assert not jinan & {r["监测点编码"] for r in rows if r["城市"] == "章丘"}
    assert len(province.cities) == 16


def test_station_list_idempotent(store, province):
    path = shared_path("data", "stations", "NewSiteList.csv")
    first = ingest_stations(store, path, province)
    again = ingest_stations(store, path, province)
    assert first.outcome == "loaded" and again.outcome == "already loaded"
    assert store.execute("SELECT count(*) FROM ingest_batch").fetchall()[0][0] == 1


def test_bad_station_rows(tmp_path, store):
    p = tmp_path / "list.csv"
    p.write_text("监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区\n"
                 "1001A,甲,北京,116.3,39.8,N,北京市,北京市\n"
                 "1002A,乙,北京,east,39.8,N,北京市,北京市\n", encoding="utf-8")
    with pytest.raises(IngestError) as e:
        ingest_stations(store, p)
    assert str(e.value) == "list.csv:3: field '经度' not a number: 'east'"
    assert store.execute("SELECT count(*) FROM station").fetchall()[0][0] == 0


def test_wrong_encoding_is_an_error(tmp_path, store):
    p = tmp_path / "latin.csv"
    p.write_bytes("监测点编码,监测点名称\n".encode("utf-8") + b"\xff\xfe\xfa\n")
    with pytest.raises(IngestError, match=r"latin.csv:2: .*neither UTF-8 nor GBK"):
        ingest_stations(store, p)
