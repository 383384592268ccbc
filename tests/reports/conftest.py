"""Fixtures of the bulletin tests: a synthetic 3-city store (2018–2019, with synthetic water
data of 2018–2019) and the real 2019-H1 archive, each ingested once per session, and the bulletins
built from them (once each)."""

from __future__ import annotations


import pytest

from tests._built import built_once, private_copy, real_h1_store



@pytest.fixture(scope="session")
def synth_province():
    """Shandong's first three cities (济南, 青岛, 淄博): synthetic data, real codes and map."""
    from qingshan.config import load_province

    prov = load_province("shandong")
    return prov.model_copy(update={"cities": prov.cities[:3]})


def _build_synth(path, province) -> None:
    """Synthetic hourly data 2018–2019 (seed 7) through the real ingest path, and synthetic
    water of 2019 (and 2018) through the water ingest: the bulletins of 2019 and of its months
    get their water section (~20 s)."""
    from qingshan.air.demo import load_demo
    from qingshan.store import connect
    from qingshan.store.province import sync_province
    from qingshan.water.service import generate_water_demo

    work = path.parent / f"{path.name}.files"
    con = connect(str(path))
    try:
        sync_province(con, province)
        load_demo(con, province, work / "air", [2018, 2019], 7)
        generate_water_demo(con, province, 2019, seed=7, folder=work / "water")
        con.execute("CHECKPOINT")
    finally:
        con.close()


@pytest.fixture(scope="session")
def synth_store(tmp_path_factory, synth_province):
    """A private read-write copy of the synthetic 3-city store, built once for the whole run
    (every xdist worker copies the one file: tests/_built.py)."""
    from qingshan.store import connect

    built = built_once("synth-3city-2018-2019.duckdb",
                       lambda path: _build_synth(path, synth_province))
    con = connect(str(private_copy(built, tmp_path_factory.mktemp("synth"))))
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
