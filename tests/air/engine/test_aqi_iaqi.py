"""IAQI of single concentrations (HJ 633-2012 §4.2 eq. (1), §6.2; HJ 633-2026 §4.2.4, §4.2.6).

Expected values are the published table rows (a concentration exactly on a breakpoint has the
breakpoint's IAQI) or derived by hand from eq. (1) in the comment next to each case.
"""

from __future__ import annotations

import pytest

from qingshan.air.engine.aqi import beyond_range_sql, iaqi_sql
from qingshan.air.standards import hj633_2012
from qingshan.air.standards import hj633_2026

# HJ 633-2012 Table 1 (p.2) re-transcribed here independently of the module, one line per
# indicator: concentrations at IAQI 0, 50, 100, 150, 200, 300, 400, 500.
TABLE1_2012 = """
so2_24h  0 50 150 475 800 1600 2100 2620
so2_1h   0 150 500 650 800
no2_24h  0 40 80 180 280 565 750 940
no2_1h   0 100 200 700 1200 2340 3090 3840
pm10_24h 0 50 150 250 350 420 500 600
co_24h   0 2 4 14 24 36 48 60
co_1h    0 5 10 35 60 90 120 150
o3_1h    0 160 200 300 400 800 1000 1200
o3_8h    0 100 160 215 265 800
pm25_24h 0 35 75 115 150 250 350 500
"""
# HJ 633-2026 Table 3 (printed p.3): identical except PM10 and PM2.5 at IAQI 100.
TABLE3_2026_CHANGES = {"pm10_24h": "0 50 120 250 350 420 500 600",
                       "pm25_24h": "0 35 60 115 150 250 350 500"}
IAQI_ROWS = (0, 50, 100, 150, 200, 300, 400, 500)


def _published(version: str) -> dict[str, list[float]]:
    rows = {ln.split()[0]: ln.split()[1:] for ln in TABLE1_2012.strip().splitlines()}
    if version == "2026":
        rows.update({k: v.split() for k, v in TABLE3_2026_CHANGES.items()})
    return {k: [float(x) for x in v] for k, v in rows.items()}


def evaluate(con, table, values):
    """IAQI of each value (given as decimal strings, cast to DOUBLE as stored data are)."""
    rows = ", ".join(f"({i}, CAST({'NULL' if v is None else repr(str(v))} AS DOUBLE))"
                     for i, v in enumerate(values))
    q = (f"SELECT {iaqi_sql('v', table)}, {beyond_range_sql('v', table)} "
         f"FROM (VALUES {rows}) AS t(i, v) ORDER BY i")
    return [tuple(r) for r in con.sql(q).fetchall()]


@pytest.mark.parametrize("version,module", [("2012", hj633_2012), ("2026", hj633_2026)])
def test_tables_match_published_transcription(version, module):
    pub = _published(version)
    assert set(module.BREAKPOINTS) == set(pub)
    for key, concs in pub.items():
        assert [c for _, c in module.BREAKPOINTS[key]] == concs, key
        assert [i for i, _ in module.BREAKPOINTS[key]] == list(IAQI_ROWS[:len(concs)]), key


@pytest.mark.parametrize("version,module", [("2012", hj633_2012), ("2026", hj633_2026)])
def test_every_breakpoint_gives_its_iaqi(aqi_duck, version, module):
    # eq. (1) at C = BP_Hi gives exactly IAQI_Hi; must not become IAQI_Hi + 1 after ceil.
    for key, concs in _published(version).items():
        got = evaluate(aqi_duck, module.BREAKPOINTS[key], concs)
        assert [g[0] for g in got] == list(IAQI_ROWS[:len(concs)]), key
        assert not any(g[1] for g in got), key


# (table key, concentration, expected IAQI, derivation)
CASES_2012 = [
    ("pm25_24h", "36", 52, "50 + 50*(36-35)/(75-35) = 51.25 -> ceil 52"),
    ("pm25_24h", "80", 107, "100 + 50*(80-75)/40 = 106.25 -> 107"),
    ("pm25_24h", "35.8", 51, "50 + 50*0.8/40 = 51 exactly (no float 51.0000001 -> 52)"),
    ("pm25_24h", "35.4", 51, "50 + 50*0.4/40 = 50.5 -> 51 (2012: no input rounding)"),
    ("pm25_24h", "0.1", 1, "50*0.1/35 = 0.14 -> 1"),
    ("pm25_24h", "75.8", 101, "100 + 50*0.8/40 = 101"),
    ("pm25_24h", "115.7", 151, "150 + 50*0.7/35 = 151"),
    ("pm25_24h", "151", 201, "200 + 100*1/100 = 201"),
    ("pm25_24h", "251", 301, "300 + 100*1/100 = 301"),
    ("pm10_24h", "120", 85, "50 + 50*70/100 = 85"),
    ("co_24h", "2.5", 63, "50 + 50*0.5/2 = 62.5 -> 63"),
    ("co_24h", "3.9", 98, "50 + 50*1.9/2 = 97.5 -> 98"),
    ("co_24h", "2.2", 55, "50 + 50*0.2/2 = 55 exactly"),
    ("co_1h", "5.1", 51, "50 + 50*0.1/5 = 51 exactly"),
    ("co_1h", "0.3", 3, "50*0.3/5 = 3 exactly"),
    ("o3_8h", "170", 110, "100 + 50*10/55 = 109.09 -> 110"),
    ("o3_1h", "160.8", 51, "50 + 50*0.8/40 = 51 exactly"),
    ("no2_1h", "201", 101, "100 + 50*1/500 = 100.1 -> 101"),
    ("no2_1h", "100.2", 51, "50 + 50*0.2/100 = 50.1 -> 51"),
    ("so2_24h", "52", 51, "50 + 50*2/100 = 51 exactly"),
    ("so2_24h", "150", 100, "breakpoint (aqi-hub reports 50 here)"),
    ("so2_1h", "799", 200, "150 + 50*(799-650)/(800-650) = 199.67 -> 200"),
]

CASES_2026 = [
    ("pm25_24h", "36", 52, "2026: 50 + 50*(36-35)/(60-35) = 52 exactly"),
    ("pm25_24h", "61", 101, "100 + 50*(61-60)/(115-60) = 100.9 -> 101"),
    ("pm25_24h", "60", 100, "breakpoint"),
    ("pm10_24h", "121", 101, "100 + 50*1/130 = 100.38 -> 101"),
    ("pm10_24h", "120", 100, "breakpoint"),
    ("pm10_24h", "85", 75, "50 + 50*35/70 = 75 exactly"),
]


@pytest.mark.parametrize("key,conc,expected,why", CASES_2012)
def test_mid_segment_2012(aqi_duck, key, conc, expected, why):
    assert evaluate(aqi_duck, hj633_2012.BREAKPOINTS[key], [conc])[0][0] == expected, why


@pytest.mark.parametrize("key,conc,expected,why", CASES_2026)
def test_mid_segment_2026(aqi_duck, key, conc, expected, why):
    assert evaluate(aqi_duck, hj633_2026.BREAKPOINTS[key], [conc])[0][0] == expected, why


def test_null_negative_and_above_table(aqi_duck):
    t = hj633_2012.BREAKPOINTS["pm25_24h"]
    # NULL → NULL; negative is invalid → NULL; 500 is the top breakpoint → 500 (not beyond);
    # 500.1 and 900 have no segment → capped 500 and flagged beyond range (spec §2 [M]).
    got = evaluate(aqi_duck, t, [None, "-1", "500", "500.1", "900"])
    assert got == [(None, False), (None, False), (500, False), (500, True), (500, True)]


def test_exactness_on_a_dense_grid(aqi_duck):
    # Every 0.1 µg/m³ step of PM2.5 2012 from 35.0 to 75.0: IAQI = ceil(50 + (c-35)*1.25);
    # with c = 35 + k/10 that is 50 + ceil(k/8) (k = 0..400), computed here in integers.
    values = [f"{35 + k / 10:.1f}" for k in range(401)]
    got = [g[0] for g in evaluate(aqi_duck, hj633_2012.BREAKPOINTS["pm25_24h"], values)]
    assert got == [50 + -(-k // 8) for k in range(401)]
