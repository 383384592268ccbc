"""A footprint hand-computed for a three-input product equals Brightway's (spec/carbon-footprint.md
§4.1), per-stage and per-input contributions add up, a product inside a product, boundaries."""

import os
from pathlib import Path

import pandas as pd
import pytest

from qingshan.carbon.engine.footprint import brightway, linear
from qingshan.carbon.standards.footprint import factors


def _bom(rows):
    return pd.DataFrame(rows, columns=["product_id", "stage", "input_id", "input_name", "amount",
                                       "unit", "factor_id", "allocation_share"])


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    products = pd.DataFrame([dict(product_id="P1", boundary="cradle-to-gate"),
                             dict(product_id="P2", boundary="cradle-to-gate")])
    bom = _bom([
        # three inputs of P1
        ("P1", "raw_materials", "steel", "steel sheet", 2.0, "kg", "steel_sheet", 1.0),
        ("P1", "production", "elec", "electricity", 3.0, "kWh", "elec_cn_2022", 1.0),
        ("P1", "production", "gas", "natural gas", 0.0001, "10^4 Nm3",
         "natural_gas_combustion", 0.5),
        # outside the cradle-to-gate boundary: left out
        ("P1", "distribution", "truck", "road freight", 100.0, "t*km", "road_freight", 1.0),
        # P2 uses one P1 and 1 kWh
        ("P2", "raw_materials", "product:P1", "P1", 1.0, "unit", "", 1.0),
        ("P2", "production", "elec", "electricity", 1.0, "kWh", "elec_cn_2022", 1.0),
    ])
    d = tmp_path_factory.mktemp("bw")
    out = brightway(bom, products, factors(), project_dir=d)
    return out, bom, products, d


def test_three_input_product_equals_hand_calculation(result):
    out, *_ = result
    # steel: 2 × (1.8 + 0.001 × 29.8) = 3.6596 ; electricity: 3 × 0.5366 = 1.6098 ;
    # gas: 0.0001 × 0.5 × 21,650.2 = 1.08251 → total 6.35191 kg CO2e
    hand = 2 * (1.8 + 0.001 * 29.8) + 3 * 0.5366 + 0.0001 * 0.5 * 21650.2
    p1 = out["products"].set_index("product_id").kgco2e["P1"]
    assert p1 == pytest.approx(hand, rel=1e-6)
    st = out["stages"][out["stages"].product_id == "P1"].set_index("stage").kgco2e
    assert st["raw_materials"] == pytest.approx(3.6596, rel=1e-6)
    assert st["production"] == pytest.approx(1.6098 + 1.08251, rel=1e-6)
    assert "distribution" not in st.index
    inp = out["inputs"][out["inputs"].product_id == "P1"]
    assert inp.kgco2e.sum() == pytest.approx(hand, rel=1e-6)
    assert out["products"].set_index("product_id").mark["P1"] == "S"   # synthetic steel factor


def test_product_in_product_and_internal_cross_check(result):
    out, bom, products, d = result
    hand_p1 = 2 * (1.8 + 0.001 * 29.8) + 3 * 0.5366 + 0.0001 * 0.5 * 21650.2
    p2 = out["products"].set_index("product_id").kgco2e["P2"]
    assert p2 == pytest.approx(hand_p1 + 0.5366, rel=1e-6)
    lin = linear(bom[bom.product_id == "P1"], products, factors())
    assert lin.kgco2e.sum() == pytest.approx(hand_p1, rel=1e-9)
    # the project lived in the folder given, never in the home directory
    assert any(Path(d).iterdir())
    assert "BRIGHTWAY2_DIR" not in os.environ or os.environ["BRIGHTWAY2_DIR"] != str(d)


def test_unknown_factor_refused(tmp_path):
    products = pd.DataFrame([dict(product_id="X", boundary="cradle-to-gate")])
    bom = _bom([("X", "production", "u", "unobtainium", 1.0, "kg", "unobtainium", 1.0)])
    with pytest.raises(ValueError, match="unobtainium"):
        brightway(bom, products, factors(), project_dir=tmp_path)
