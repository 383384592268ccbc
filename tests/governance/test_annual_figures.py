"""The annual report's air, water and carbon figures from those domains' services, found
through the domain registry (``parts["annual_figures"]``), pre-filled, locked to their source
and flagged when the source is not valid (issue 18; spec/governance.md §7.3 §2, §8)."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from qingshan.accounts.authz import Actor
from qingshan.config import load_province
from qingshan.governance import annual
from qingshan.governance.annual.domain_figures import providers
from qingshan.store.ops import session_scope, upgrade

PROV = load_province("shandong")
STAFF = Actor(1, "wh_staff", "city_staff", "371000")


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """One Weihai air station with constant concentrations for all of 2023 and the first 100
    days of 2024; two Weihai water sections, one sampled in 2023 (NH3-N 0.1 mg/L: class I),
    one never sampled."""
    from qingshan.store import connect
    from qingshan.store.province import sync_province
    from qingshan.water.ingest.load import ingest_water_samples, ingest_water_sections

    c = connect(":memory:")
    c.execute("INSERT INTO station (code, name, raw_name, publication_city, prefecture, "
              "province, is_control, is_stopped, batch_id) VALUES ('W1', '站W1', '站W1', '威海', "
              "'威海', '山东省', false, false, 0)")
    sync_province(c, PROV)
    hours = [datetime(2023, 1, 1) + timedelta(hours=i + 1) for i in range((365 + 100) * 24)]
    df = pd.DataFrame({"station_code": "W1", "time": hours, "so2": 10.0, "no2": 35.0,
                       "co": 1.2, "o3": 120.0, "pm10": 90.0, "pm25": 50.0})
    c.register("src", df)
    c.execute("INSERT INTO air_hourly (station_code, time, so2, no2, co, o3, pm10, pm25, "
              "batch_id) SELECT station_code, time, so2, no2, co, o3, pm10, pm25, 0 FROM src")
    c.unregister("src")
    d = tmp_path_factory.mktemp("annual_fig")
    (d / "s.csv").write_text("code,name,water_body,city,drinking_source,supply_volume,"
                             "target_class\nWH1,WH1,river,威海,,,3\nWH2,WH2,river,威海,,,3\n",
                             encoding="utf-8")
    (d / "m.csv").write_text("section_code,sample_date,parameter,value\n"
                             "WH1,2023-06-15,nh3n,0.1\n", encoding="utf-8")
    ingest_water_sections(c, d / "s.csv")
    ingest_water_samples(c, [d / "m.csv"])
    yield c
    c.close()


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    """An operational store holding the carbon domain's SYNTHETIC Weihai demo ledger."""
    from qingshan.carbon import ledger
    from qingshan.carbon.demo import demo_data

    u = f"sqlite:///{tmp_path_factory.mktemp('annual_ops')}/ops.sqlite"
    upgrade(u)
    ledger.save(demo_data(), Actor.system("carbon-demo"), u, action="demo")
    return u


@pytest.fixture(scope="module")
def figs(con, url):
    """auto_figures of Weihai for 2023 and 2024 (each reads every provider once)."""
    with session_scope(url) as s:
        return {y: annual.auto_figures(s, "371000", y, con=con, province=PROV)
                for y in (2023, 2024)}


def test_providers_come_from_the_registry():
    assert {"air", "water", "carbon"} <= set(providers())


def test_air_figures_locked_and_flagged(figs):
    a23, a24 = figs[2023], figs[2024]
    # constant 50 μg/m³ all year → annual PM2.5 50.0; every day AQI ≤ 100 (IAQI of PM2.5 50 =
    # 50 + 15 × 50/40 ≈ 69, PM10 90 → 70, O3-8h 120 → 67): good days 100 %; composite index
    # Σ C/S = 50/35 + 90/70 + 10/60 + 35/40 + 1.2/4 + 120/160 = 4.806 → 4.81
    assert (a23["air:pm25"]["value"], a23["air:good_days_pct"]["value"],
            a23["air:composite_index"]["value"]) == (50.0, 100.0, 4.81)
    assert a23["air:pm25"]["valid"] and a23["air:pm25"]["text"] == "50.0 μg/m³"
    # 2024 has 100 of 366 days: the same values, but not valid, and the text says so
    p = a24["air:pm25"]
    assert p["value"] == 50.0 and not p["valid"] and "not valid: 100 of 366 days valid" in \
        p["text"]


def test_water_figures_partial_when_a_section_has_no_class(figs):
    w = figs[2023]
    # WH1 class I (excellent), WH2 no sample: 1 of 1 classified sections excellent = 100.0 %,
    # flagged partial (1 of 2 sections have no class); no drinking-water source: no value
    g = w["water:sections_good_pct"]
    assert g["value"] == 100.0 and not g["valid"] and "1 of 2 sections have no class" in g["text"]
    assert w["water:drinking_water_pct"]["value"] is None
    assert not w["water:drinking_water_pct"]["valid"]


def test_carbon_figures_weihai_t18(url, figs):
    with session_scope(url) as s:
        c22 = annual.auto_figures(s, "371000", 2022)
    c23 = figs[2023]
    # T18 [V SEED]: Weihai's 12 ETS (power) firms and 11 product footprints (synthetic demo)
    assert c22["carbon:ets_firms"]["value"] == 12 and c22["carbon:ets_firms"]["valid"]
    assert c22["carbon:footprints"]["value"] == 11
    assert "synthetic" in c22["carbon:ets_firms"]["provenance"]
    # 2023's allocation needs the 2023 benchmark table, not supplied: flagged, no value
    e = c23["carbon:ets_complied"]
    assert e["value"] is None and not e["valid"] and "no value" in e["text"]
    # without an analytic store the air figures are there, flagged, never blank zeros
    assert c22["air:pm25"]["value"] is None and not c22["air:pm25"]["valid"]


def test_report_prefills_and_locks_domain_figures(figs, url):
    from qingshan.governance.annual.report import _blank_sections
    from qingshan.governance.workflows import TransitionError

    sec = _blank_sections(figs[2023])              # what create_report stores
    pm = sec["2"]["figures"]["pm25"]
    assert pm["locked"] and pm["value"] == 50.0 and pm["provenance"].startswith("air: ")
    assert sec["8"]["figures"]["ets_firms"]["locked"]
    assert not sec["2"]["figures"]["sections_good_pct"]["valid"]
    with session_scope(url) as s:                  # a report made without the analytic store
        row = annual.create_report(s, STAFF, "371000", 2023, date(2024, 1, 20))
        f = row.fields["sections"]["2"]["figures"]["pm25"]
        assert f["locked"] and f["value"] is None and "no analytic store" in f["text"]
        with pytest.raises(TransitionError, match="locked"):
            annual.fill_report(s, STAFF, row.public_no, today=date(2024, 1, 20), section="2",
                               figures={"pm25": ("40", "公报")})


def test_figures_of_a_synthetic_store_say_so(con):
    """A store `qingshan demo` made carries the synthetic flag (store_meta); the air and water
    figures pre-filled from it name it in their source (carbon does so from its ledger's own
    flag, test above). Runs last in this module: it flags the module's store."""
    from qingshan.air.annual_figures import figures as air_figures
    from qingshan.store.meta import SYNTHETIC, get_meta, mark_synthetic
    from qingshan.water.annual_figures import figures as water_figures

    assert get_meta(con, SYNTHETIC) is None
    before = air_figures("371000", 2023, con=con, province=PROV)
    assert before["pm25"]["value"] == 50.0 and "synthetic" not in before["pm25"]["source"]
    mark_synthetic(con, "test: generated")
    a = air_figures("371000", 2023, con=con, province=PROV)
    w = water_figures("371000", 2023, con=con, province=PROV)
    assert all(f["source"].endswith("(synthetic)") for f in a.values())
    assert any(f["source"].endswith("(synthetic)") for f in w.values())
