"""SYNTHETIC demo data of the carbon domain: Weihai's 12 power companies (the bureau's statement
"guided 12 power generation companies to complete quota payment and performance in the second
performance cycle") and three companies with 11 products ("organized three companies to complete
carbon footprint evaluations of 11 products"). Every name says （合成示例） / SYNTHETIC, every
enterprise row has ``synthetic = True``; no figure is real.

Activity 2018–2024 and monthly fuel 2019–2024 are drawn with a fixed seed; verified emissions are
the accounted emissions of the synthetic fuel data (the engine's own accounting), and surrenders
are generated from the engine's obligations so that the 2021–2022 period is complied by all 12
(one company late in 2019–2020).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from qingshan.carbon.data import COLUMNS, CarbonData
from qingshan.carbon.engine import accounting as acc
from qingshan.carbon.ingest.templates import uscc_check_char

__all__ = ["demo_data", "CITY", "SYNTHETIC_LABEL"]

CITY = "371000"
COUNTIES = ("371002", "371003", "371082", "371083")
SYNTHETIC_LABEL = "（合成示例）"


def _code(county: str, n: int) -> str:
    body = f"91{county}MA3{n:06d}"
    return body + uscc_check_char(body)


# (name, [(unit type, MW, cooling, generation type)]) — synthetic
_POWER = [
    ("威海热电A", [("coal_le300", 135, "water", "chp"), ("coal_le300", 135, "water", "chp")]),
    ("威海发电B", [("coal_gt300", 660, "water", "condensing"), ("coal_gt300", 660, "water",
                                                                 "condensing")]),
    ("文登热电C", [("coal_le300", 300, "air", "chp")]),
    ("荣成热电D", [("coal_unconventional", 50, "water", "chp"), ("coal_le300", 150, "water",
                                                                 "chp")]),
    ("乳山发电E", [("coal_gt300", 350, "water", "condensing")]),
    ("环翠热电F", [("coal_le300", 60, "water", "chp")]),
    ("威海燃气G", [("gas", 400, "", "chp")]),
    ("文登热电H", [("coal_le300", 25, "water", "chp"), ("coal_le300", 25, "water", "chp")]),
    ("荣成热电I", [("coal_le300", 100, "air", "chp")]),
    ("乳山热电J", [("coal_unconventional", 30, "water", "chp")]),
    ("威海热电K", [("coal_le300", 200, "water", "chp")]),
    ("威海电力L", [("coal_gt300", 600, "air", "condensing")]),
]

# three companies, 11 products: (company, [(product, declared unit, bill)]); bill lines
# (stage, input, amount, factor)
_PRODUCTS = [
    ("威海轮胎企业", [
        ("PCR 乘用车轮胎 205/55R16", "1 tyre", [("raw_materials", "天然橡胶", 3.2, "natural_rubber"),
                                                ("raw_materials", "炭黑", 2.4, "carbon_black"),
                                                ("raw_materials", "钢丝", 1.1, "steel_sheet"),
                                                ("production", "电力", 9.0, "elec_north_2022"),
                                                ("production", "天然气", 0.00012,
                                                 "natural_gas_combustion")]),
        ("TBR 载重轮胎 12R22.5", "1 tyre", [("raw_materials", "天然橡胶", 22.0, "natural_rubber"),
                                             ("raw_materials", "炭黑", 14.0, "carbon_black"),
                                             ("raw_materials", "钢丝", 9.5, "steel_sheet"),
                                             ("production", "电力", 48.0, "elec_north_2022")]),
        ("SUV 轮胎 235/65R17", "1 tyre", [("raw_materials", "天然橡胶", 4.5, "natural_rubber"),
                                           ("raw_materials", "炭黑", 3.1, "carbon_black"),
                                           ("raw_materials", "钢丝", 1.5, "steel_sheet"),
                                           ("production", "电力", 12.0, "elec_north_2022")]),
        ("工程轮胎 17.5R25", "1 tyre", [("raw_materials", "天然橡胶", 60.0, "natural_rubber"),
                                         ("raw_materials", "炭黑", 38.0, "carbon_black"),
                                         ("production", "电力", 150.0, "elec_north_2022")]),
    ]),
    ("威海水产企业", [
        ("冷冻鲅鱼 1 kg", "1 kg", [("raw_materials", "饲料/捕捞投入", 0.2, "fish_feed"),
                                   ("raw_materials", "柴油（渔船）", 0.0004, "diesel_combustion"),
                                   ("production", "电力（冷冻）", 1.6, "elec_north_2022"),
                                   ("production", "纸箱", 0.08, "corrugated_board")]),
        ("海参 500 g", "500 g", [("raw_materials", "饲料", 0.9, "fish_feed"),
                                 ("production", "电力", 2.5, "elec_north_2022"),
                                 ("production", "玻璃瓶", 0.35, "glass")]),
        ("即食海带 200 g", "200 g", [("raw_materials", "养殖投入", 0.05, "fish_feed"),
                                     ("production", "电力", 0.4, "elec_north_2022"),
                                     ("production", "PET 包装", 0.02, "pet_resin")]),
        ("牡蛎罐头 250 g", "250 g", [("raw_materials", "养殖投入", 0.1, "fish_feed"),
                                     ("production", "电力", 0.6, "elec_north_2022"),
                                     ("production", "马口铁罐", 0.05, "steel_sheet")]),
    ]),
    ("威海渔具企业", [
        ("渔网 1 kg", "1 kg", [("raw_materials", "PET 纤维", 1.05, "pet_resin"),
                               ("production", "电力", 3.0, "elec_north_2022")]),
        ("钓竿", "1 piece", [("raw_materials", "树脂", 0.3, "pet_resin"),
                             ("production", "电力", 1.2, "elec_north_2022"),
                             ("production", "纸箱", 0.15, "corrugated_board")]),
        ("渔具套装", "1 set", [("raw_materials", "product:PRD10", 1.0, ""),
                               ("raw_materials", "product:PRD09", 0.5, ""),
                               ("production", "电力", 0.5, "elec_north_2022")]),
    ]),
]


def _units(rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    ents, units = [], []
    for i, (name, us) in enumerate(_POWER, start=1):
        county = COUNTIES[i % len(COUNTIES)]
        code = _code(county, i)
        ents.append(dict(credit_code=code, name=f"{SYNTHETIC_LABEL}{name}有限公司",
                         city_code=CITY, county_code=county, sector="power", synthetic=True,
                         net_sales_t=float(rng.integers(-20_000, 60_000))))
        for j, (ut, mw, cool, gt) in enumerate(us, start=1):
            cat = {"coal_gt300": "I", "coal_le300": "II", "coal_unconventional": "III",
                   "gas": "IV"}[ut]
            units.append(dict(unit_id=f"WH{i:02d}-{j}", credit_code=code,
                              name=f"{SYNTHETIC_LABEL}{j}号机组", unit_type=ut, category=cat,
                              capacity_mw=float(mw), cooling=cool or None, generation_type=gt))
    return pd.DataFrame(ents), pd.DataFrame(units)


def _activity(units: pd.DataFrame, rng) -> pd.DataFrame:
    years = np.arange(2018, 2025)
    g = units.merge(pd.DataFrame({"year": years}), how="cross")
    n = len(g)
    lf = rng.uniform(0.66, 0.92, n)
    hours = rng.uniform(6_800, 8_000, n)
    gen = g["capacity_mw"].to_numpy() * hours * lf
    chp = g["generation_type"].to_numpy() == "chp"
    ratio = np.where(chp, rng.uniform(0.15, 0.45, n), 0.0)
    heat = np.where(chp, gen * ratio / (1 - ratio) * 3.6 * 1.8, 0.0)
    return pd.DataFrame({"unit_id": g["unit_id"], "year": g["year"], "generation_mwh": gen,
                         "supply_mwh": gen * rng.uniform(0.91, 0.95, n), "heat_gj": heat,
                         "heat_ratio": ratio, "load_factor": lf, "hours": hours})


def _fuel(units: pd.DataFrame, annual: pd.DataFrame, rng) -> pd.DataFrame:
    a = annual[annual["year"] >= 2019].merge(units[["unit_id", "category"]], on="unit_id")
    m = a.merge(pd.DataFrame({"month": np.arange(1, 13)}), how="cross")
    n = len(m)
    gas = (m["category"] == "IV").to_numpy()
    # heat input ≈ generation / efficiency (coal ≈ 44 %, gas ≈ 56 %) plus the heat supplied
    eff = np.where(gas, 0.56, 0.44)
    gj = (m["generation_mwh"].to_numpy() * 3.6 / eff + m["heat_gj"].to_numpy() / 0.9) / 12
    ncv = np.where(gas, np.nan, rng.uniform(18.5, 22.5, n))
    cons = np.where(gas, gj / 389.31, gj / np.where(gas, 1, ncv)) * rng.uniform(0.9, 1.1, n)
    measured = ~gas & (rng.uniform(0, 1, n) > 0.1)        # ~10 % of coal months use the default
    car = np.where(measured, ncv * rng.uniform(0.0262, 0.0282, n), np.nan)
    rep = (pd.to_datetime(dict(year=m["year"], month=m["month"], day=1))
           + pd.offsets.MonthEnd(0) + pd.to_timedelta(rng.integers(5, 45, n), unit="D"))
    return pd.DataFrame({"unit_id": m["unit_id"], "year": m["year"], "month": m["month"],
                         "fuel": np.where(gas, "natural_gas", "coal"), "consumption": cons,
                         "unit": np.where(gas, "10^4 Nm3", "t"), "ncv": ncv, "carbon_ar": car,
                         "cc": np.nan, "oxidation": np.where(gas, np.nan, 0.99),
                         "lab": np.where(measured, "CNAS L0000（合成）", ""),
                         "reported_on": rep.dt.date})


def _products(ents: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    prods, bom = [], []
    k = 0
    for i, (company, plist) in enumerate(_PRODUCTS, start=1):
        code = _code("371002", 100 + i)
        ents.append(dict(credit_code=code, name=f"{SYNTHETIC_LABEL}{company}", city_code=CITY,
                         county_code="371002", sector="other", synthetic=True, net_sales_t=None))
        for name, du, lines in plist:
            k += 1
            pid = f"PRD{k:02d}"
            prods.append(dict(product_id=pid, credit_code=code, name=f"{SYNTHETIC_LABEL}{name}",
                              declared_unit=du, boundary="cradle-to-gate",
                              standard="GB/T 24067-2024", synthetic=True))
            for j, (stage, inp, amount, fid) in enumerate(lines, start=1):
                bom.append(dict(product_id=pid, stage=stage,
                                input_id=inp if inp.startswith("product:") else f"{pid}-{j}",
                                input_name=inp, amount=amount, unit="", factor_id=fid,
                                allocation_share=1.0))
    return pd.DataFrame(prods), pd.DataFrame(bom)


def _plans(units: pd.DataFrame) -> pd.DataFrame:
    """A version-1 plan per unit (synthetic): belt scale / gas meter calibrated yearly (unit
    WH06-1's last calibration 2021-06-30, so it lapses mid-2022), NCV by GB/T 213, element carbon
    by GB/T 476, generation by the gateway meter."""
    rows = []
    for uid, cat in zip(units["unit_id"], units["category"]):
        gas = cat == "IV"
        last = "2021-06-30" if uid == "WH06-1" else "2022-01-15"
        rows += [dict(unit_id=uid, version="v1", parameter="consumption",
                      source="（合成）入炉计量", instrument="gas flow meter" if gas else "belt scale",
                      accuracy_class="0.5", calibration_interval_months=12, last_calibration=last,
                      frequency="daily", method_standard="", department="fuel"),
                 dict(unit_id=uid, version="v1", parameter="ncv", source="（合成）化验",
                      instrument="", accuracy_class="", calibration_interval_months=None,
                      last_calibration=None, frequency="per_batch",
                      method_standard="GB/T 213", department="lab"),
                 dict(unit_id=uid, version="v1", parameter="generation_mwh",
                      source="（合成）关口表", instrument="energy meter", accuracy_class="0.2S",
                      calibration_interval_months=60, last_calibration="2019-05-01",
                      frequency="monthly", method_standard="", department="power")]
        if not gas:
            rows.append(dict(unit_id=uid, version="v1", parameter="carbon_ar",
                             source="（合成）化验", instrument="", accuracy_class="",
                             calibration_interval_months=None, last_calibration=None,
                             frequency="monthly", method_standard="GB/T 476", department="lab"))
    return pd.DataFrame(rows, columns=COLUMNS["dqcp"])


def demo_data(seed: int = 7) -> CarbonData:
    """The synthetic Weihai ledger (see the module docstring)."""
    from qingshan.carbon import service

    rng = np.random.default_rng(seed)
    ents, units = _units(rng)
    annual = _activity(units, rng)
    fuel = _fuel(units, annual, rng)
    elec = annual[annual["year"] >= 2019][["unit_id", "year"]].merge(
        pd.DataFrame({"month": np.arange(1, 13)}), how="cross")
    elec["purchased_mwh"] = rng.uniform(50, 400, len(elec))
    comb = acc.combustion(fuel)
    ann = acc.annual(comb, acc.electricity(elec))
    ann["vintage"] = np.where(ann["year"] <= 2020, "2019-2020", ann["year"].astype(str))
    ver = ann.groupby(["unit_id", "vintage"]).agg(verified_direct_t=("direct_t", "sum"),
                                                  verified_indirect_t=("indirect_t", "sum")
                                                  ).reset_index()
    ver["verifier"] = "（合成）核查机构"
    e_list = ents.to_dict(orient="records")
    prods, bom = _products(e_list)
    d = CarbonData(enterprises=pd.DataFrame(e_list), units=units, annual=annual, fuel=fuel,
                   electricity=elec, verified=ver, products=prods, bom=bom, dqcp=_plans(units),
                   prices=pd.DataFrame([dict(month="2023-11", avg_price_cny=70.0,
                                             source="SYNTHETIC demo price")]))
    surr = []
    for v, dl, late in (("2019-2020", date(2021, 12, 31), 5), ("2021", date(2023, 12, 31), None),
                        ("2022", date(2023, 12, 31), None)):
        p = service.position_table(d, v, today=date(2021, 1, 1) if v == "2019-2020"
                                   else date(2023, 1, 1))
        for i, (code, ob, lim) in enumerate(zip(p["credit_code"], p["obligation_t"],
                                                p["ccer_limit_t"])):
            # whole tonnes, as allowances are issued: CCER rounded down, CEA up
            ccer = float(np.floor(min(lim, 0.03 * ob))) if i % 3 == 0 else 0.0
            day = date(dl.year + 1, 1, 20) if late == i else date(dl.year, 11, 1 + i)
            surr.append(dict(credit_code=code, vintage=v, date=day,
                             cea_t=float(np.ceil(ob - ccer)), ccer_t=ccer))
    d.surrenders = pd.DataFrame(surr, columns=COLUMNS["surrenders"])
    return d
