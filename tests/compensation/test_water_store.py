"""The 2019 provincial water ledger from the water services' figures in a small store."""

import pytest

from qingshan.compensation.service import water_compensation

SECTIONS = ("code,name,basin,river,water_body,city,control_level,drinking_source,"
            "supply_volume,target_class,target_2022,lon,lat\n"
            "SD-TEZ,台儿庄大桥,淮河流域,韩庄运河,river,枣庄,national,false,,3,,117.73,34.56\n"
            "SD-LSK,崂山水库,黄河流域,,lake,青岛,provincial,true,1200,2,,120.55,36.22\n")
#: (section, year) → (COD, NH3-N, TP, fluoride) mg/L, sampled in March and September
VALUES = {("SD-TEZ", 2018): (20, 1.0, 0.1, 0.5), ("SD-TEZ", 2019): (18, 0.9, 0.1, 0.5),
          ("SD-LSK", 2018): (20, 0.4, 0.02, 0.5), ("SD-LSK", 2019): (25, 0.4, 0.02, 0.5)}
NAMES = ("化学需氧量", "氨氮", "总磷", "氟化物")


@pytest.fixture(scope="module")
def water_store(tmp_path_factory, province):
    from qingshan.store import connect
    from qingshan.store.province import sync_province
    from qingshan.water.ingest.load import ingest_water_samples, ingest_water_sections
    d = tmp_path_factory.mktemp("wstore")
    (d / "sections.csv").write_text(SECTIONS, encoding="utf-8")
    lines = ["section_code,sample_date,parameter,value,unit,detection_limit"]
    for (code, year), vals in VALUES.items():
        for month in ("03", "09"):
            lines += [f"{code},{year}-{month}-10,{n},{v},mg/L," for n, v in zip(NAMES, vals)]
    (d / "samples.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = connect(":memory:")
    sync_province(con, province)
    ingest_water_sections(con, d / "sections.csv")
    ingest_water_samples(con, [d / "samples.csv"])
    yield con
    con.close()


def test_water_ledger_from_the_store(water_store, province):
    led = water_compensation(water_store, "2019", province=province)
    q = led.quarters.set_index("code")
    zz = q.loc["370400"]          # 枣庄
    # NH3-N 1.0 → 0.9 and COD 20 → 18: 10 % improvement each → 10 × 4 = 40 万元 each
    assert zz.change_nh3n_pct == pytest.approx(10) and zz.nh3n_improvement == pytest.approx(40)
    assert zz.cod_improvement == pytest.approx(40)
    # every section of 枣庄 meets its class III target → the basic term applies, amount unknown
    assert bool(zz.targets_met) and not zz.complete and zz.missing_terms == "basic"
    qd = q.loc["370200"]          # 青岛: COD 20 → 25, 25 % worse; the grading is unknown
    assert qd.change_cod_pct == pytest.approx(-25) and not qd.complete
    assert qd.source == "water.service (store, 2019)"
    assert not led.flows.complete
    # with the unknown rates given (an assumption the notes record): 80 + 1600 = 1680 for 枣庄;
    # 青岛: target class II missed (COD 25 > 15) → no basic; −25 × 10 = −250
    led2 = water_compensation(water_store, "2019", province=province,
                              switches={"basic_amount": 1600, "deterioration_rate": 10})
    q2 = led2.quarters.set_index("code")
    assert q2.loc["370400", "amount"] == 1680 and q2.loc["370200", "amount"] == -250
    assert any("basic_amount = 1600 (set by caller" in n for n in led2.notes)
