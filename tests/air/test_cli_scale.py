"""`qingshan air scale` (engine chain over exported Parquet, selectable backend) gives the same
city ranking as the services used by the CLI, web pages and reports."""

import pandas as pd
from typer.testing import CliRunner

from qingshan.cli import app
from qingshan.config import load_province
from qingshan.air.ingest import ingest_cnemc, ingest_stations
from qingshan.air.service import city_ranking
from qingshan.store import connect
from qingshan.air.export import export_hourly
from tests.conftest import shared_path


def test_scale_on_duckdb_equals_services(tmp_path):
    db = tmp_path / "s.duckdb"
    con = connect(db)
    prov = load_province("shandong")
    ingest_stations(con, shared_path("data", "stations", "NewSiteList.csv"), prov)
    ingest_cnemc(con, sorted(shared_path("data", "cnemc-sites-2019H1-shandong")
                             .glob("china_sites_201903*.csv"))
                 + [shared_path("data", "cnemc-sites-2019H1-shandong", "china_sites_20190401.csv")])
    export_hourly(con, tmp_path / "pq", "parquet")
    expected = city_ranking(con, "2019-03", prov).set_index("code")
    con.close()
    out = tmp_path / "rank.csv"
    r = CliRunner().invoke(app, ["air", "scale", "--db", str(db), "--hourly",
                                 str(tmp_path / "pq"), "--period", "2019-03", "-o", str(out)])
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out, dtype={"code": str}).set_index("code")
    assert len(got) == 16
    for code, row in expected.iterrows():
        assert got.loc[code, "composite_index"] == row.composite_index, code
        assert got.loc[code, "rank"] == row["rank"], code
        assert got.loc[code, "pm25"] == row.pm25, code
