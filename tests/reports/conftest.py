"""Fixtures of the bulletin tests: a synthetic 3-city store (2018–2019, with synthetic water
data of 2018–2019) and the real 2019-H1 archive, each ingested once per session, and the bulletins
built from them (once each)."""

from __future__ import annotations


import pytest

from tests._built import private_copy, real_h1_store



@pytest.fixture(scope="session")
def synth_province():
    """Shandong's first three cities (济南, 青岛, 淄博): synthetic data, real codes and map."""
    from qingshan.config import load_province

    prov = load_province("shandong")
    return prov.model_copy(update={"cities": prov.cities[:3]})


@pytest.fixture(scope="session")
def synth_store(tmp_path_factory, synth_province):
    """Synthetic hourly data 2018–2019 (seed 7) through the real ingest path (~20 s)."""
    from qingshan.air.demo import load_demo
    from qingshan.store import connect
    from qingshan.store.province import sync_province

    work = tmp_path_factory.mktemp("synth")
    con = connect(str(work / "synth.duckdb"))
    sync_province(con, synth_province)
    load_demo(con, synth_province, work / "files", [2018, 2019], 7)
    # synthetic water of 2019 (and 2018) through the water ingest: the bulletins of 2019 and
    # of its months get their water section
    from qingshan.water.service import generate_water_demo
    generate_water_demo(con, synth_province, 2019, seed=7, folder=work / "water")
    yield con
    con.close()


@pytest.fixture(scope="session")
def real_db(tmp_path_factory):
    """Path of a private store holding the real 2019-H1 Shandong archive (built once per run)."""
    return private_copy(real_h1_store(), tmp_path_factory.mktemp("real"), "real.duckdb")


@pytest.fixture(scope="session")
def real_store(real_db):
    from qingshan.store import connect

    con = connect(str(real_db))
    yield con
    con.close()


@pytest.fixture(scope="session")
def synth_year_zh(synth_store, synth_province):
    from qingshan.reports import build_air_report

    return build_air_report(synth_store, "2019", lang="zh", province=synth_province)


@pytest.fixture(scope="session")
def synth_quarter_en(synth_store, synth_province):
    from qingshan.reports import build_air_report

    return build_air_report(synth_store, "2019-Q3", city="370200", lang="en",
                            province=synth_province)


@pytest.fixture(scope="session")
def real_march_zh(real_store):
    from qingshan.config import load_province
    from qingshan.reports import build_air_report

    return build_air_report(real_store, "2019-03", lang="zh", province=load_province("shandong"))


@pytest.fixture(scope="session")
def synth_month_en(synth_store, synth_province):
    from qingshan.reports import build_air_report

    return build_air_report(synth_store, "2019-07", lang="en", province=synth_province)
