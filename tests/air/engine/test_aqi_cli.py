"""``qingshan air aqi`` on the small hand-made files tests/data/aqi_*_sample.csv."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from qingshan.cli import app

DATA = Path(__file__).resolve().parents[2] / "data"
runner = CliRunner()


def run(tmp_path, name, *args, out="out.csv"):
    target = tmp_path / out
    res = runner.invoke(app, ["air", "aqi", "--input", str(DATA / name), "--output", str(target),
                              *args])
    assert res.exit_code == 0, res.output
    if out.endswith(".parquet"):
        return pd.read_parquet(target)
    return pd.read_csv(target, keep_default_na=False, na_values=[""])


def test_hourly_2012(tmp_path):
    df = run(tmp_path, "aqi_hourly_sample.csv", "--standard", "hj633-2012")
    # A: IAQIs SO2 2, NO2 10, CO 5, O3 19 (18.75), PM10 40, PM2.5 52 (51.25) -> AQI 52 PM2.5
    # B: SO2 900 > 800 -> 24-h SO2 100 -> 75 (Table 1 note (2)); PM2.5 missing -> AQI 75
    # C: PM10 150 -> 100, PM2.5 75 -> 100: tie
    assert df["aqi"].tolist() == [52, 75, 100]
    assert df["primary_pollutant"].tolist() == ["PM2.5", "SO2", "PM10,PM2.5"]
    assert df["category"].tolist() == ["良", "良", "良"]
    assert df["iaqi_so2"].tolist()[:2] == [2, 75]
    assert df["site"].tolist() == ["A", "B", "C"] and "time" in df.columns


def test_hourly_2026_parquet(tmp_path):
    df = run(tmp_path, "aqi_hourly_sample.csv", "--standard", "hj633-2026", out="o.parquet")
    # B: SO2 1-h > 800 -> 200 (Table 3 note b), AQI 200 > 100 so published despite missing PM2.5
    # C: PM10 150 -> 100 + 50*30/130 = 111.5 -> 112; PM2.5 75 -> 100 + 50*15/55 = 113.6 -> 114
    assert df["aqi"].tolist() == [52, 200, 114]
    assert df["primary_pollutant"].tolist() == ["PM2.5", "SO2", "PM2.5"]
    assert df["colour"].tolist() == ["#FFFF00", "#FF0000", "#FF7E00"]


def test_daily_both_versions(tmp_path):
    df = run(tmp_path, "aqi_daily_sample.csv", "--standard", "hj633-2012", "--mode", "daily")
    # A: SO2 100, NO2 75, CO 63, PM10 75, PM2.5 107, O3-8h 110, O3-1h 105 -> 110 O3_8h
    assert df["aqi"].tolist()[0] == 110 and df["primary_pollutant"][0] == "O3_8h"
    # B: O3 1-h missing; SO2 5 -> 5, NO2 25, CO 13 (12.5), PM10 40, PM2.5 29, O3-8h 30 -> 40
    assert df["aqi"].tolist()[1] == 40
    df = run(tmp_path, "aqi_daily_sample.csv", "--standard", "hj633-2026", "--mode", "daily")
    # A: PM2.5 80 -> 119 (100 + 50*20/55); B complete (6 indicators) -> 40
    assert df["aqi"].tolist() == [119, 40]
    assert "iaqi_o3_1h" not in df.columns


def test_bad_options(tmp_path):
    res = runner.invoke(app, ["air", "aqi", "--input", str(DATA / "aqi_hourly_sample.csv"),
                              "--output", str(tmp_path / "x.csv"), "--standard", "hj633-2026",
                              "--definition", "literal"])
    assert res.exit_code != 0


@pytest.mark.parametrize("flag,expected", [("--round-inputs", 50), ("--no-round-inputs", 51)])
def test_round_inputs_option(tmp_path, flag, expected):
    src = tmp_path / "in.csv"
    src.write_text("so2,no2,co,o3,pm10,pm25\n5,20,0.5,60,40,35.4\n")
    res = runner.invoke(app, ["air", "aqi", "-i", str(src), "-o", str(tmp_path / "o.csv"), flag])
    assert res.exit_code == 0, res.output
    # 2026: 35.4 -> 35 -> 50 (GB/T 8170); unrounded 50 + 50*0.4/25 = 50.8 -> 51
    assert pd.read_csv(tmp_path / "o.csv")["aqi"].tolist() == [expected]


def test_not_in_plan_option(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("so2,no2,co,o3,pm10,pm25\n5,20,0.5,60,,20\n")
    for extra, expected in (([], ""), (["--not-in-plan", "pm10"], "29")):
        res = runner.invoke(app, ["air", "aqi", "-i", str(src), "-o", str(tmp_path / "o.csv"),
                                  *extra])
        assert res.exit_code == 0, res.output
        # 2026 §5.3.1: PM10 missing, AQI 29 <= 100 -> NA; §5.3.2 (not in plan) -> 29 published
        line = (tmp_path / "o.csv").read_text().splitlines()[1].split(",")
        header = (tmp_path / "o.csv").read_text().splitlines()[0].split(",")
        assert line[header.index("aqi")] == expected


def test_calculator_rounds_inputs_like_assess_for_2012(tmp_path):
    # PM2.5 daily 35.4 under HJ 633-2012: rounded (GB/T 8170) to 35 -> IAQI 50, as air assess
    # rounds its daily values; unrounded it would be 50 + 0.4/40·50 = 50.5 -> 51
    src = tmp_path / "d.csv"
    src.write_text("site,date,so2,no2,co,pm10,pm25,o3_8h_max,o3_1h_max\n"
                   "A,2019-01-01,5,20,0.5,40,35.4,60,60\n", encoding="utf-8")
    target = tmp_path / "o.csv"
    args = ["air", "aqi", "--input", str(src), "--output", str(target), "--standard",
            "hj633-2012", "--mode", "daily"]
    assert runner.invoke(app, args).exit_code == 0
    assert pd.read_csv(target)["iaqi_pm25"].tolist() == [50]
    assert runner.invoke(app, args + ["--no-round-inputs"]).exit_code == 0
    assert pd.read_csv(target)["iaqi_pm25"].tolist() == [51]
