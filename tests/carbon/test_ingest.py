"""The Excel templates: written by `qingshan carbon template`, read back; bad templates refused
with file, line and field, nothing returned."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from qingshan.carbon.ingest import TemplateError, read_template, read_workbooks, uscc_valid, \
    write_template
from qingshan.carbon.ingest.templates import uscc_check_char

# a GB 32100-2015 code: 17 characters + the check character computed by hand:
# 91371000MA3C00001 → Σ value × 3^i mod 31 … (the function is tested against a published code)
PUBLISHED = "91350100M000100Y43"   # the worked example of GB 32100-2015 (check char 3)


def test_uscc_check_character():
    assert uscc_valid(PUBLISHED)
    assert not uscc_valid(PUBLISHED[:-1] + "4")
    assert not uscc_valid("91350100M000100Y4")          # 17 characters


def _code(n: int) -> str:
    body = f"91371000MA{n:07d}"
    return body + uscc_check_char(body)


def _fill(tmp: Path, kind: str, sheets: dict[str, list[list]]) -> Path:
    p = write_template(kind, tmp / f"{kind}.xlsx")
    wb = load_workbook(p)
    for sheet, rows in sheets.items():
        for r in rows:
            wb[sheet].append(r)
    wb.save(p)
    return p


def _known():
    return {"cities": {"371000"}, "counties": {"371002", "371003"},
            "county_city": {"371002": "371000", "371003": "371000"}}


def test_round_trip_enterprises_units_activity(tmp_path):
    c1 = _code(1)
    ent = _fill(tmp_path, "enterprises", {"enterprises": [[c1, "威海某电厂", "371000", "371002",
                                                           "power", "yes"]]})
    units = _fill(tmp_path, "units", {"units": [["U1", c1, "测试机组", "coal_gt300", 660,
                                                  "water", "condensing"]]})
    act = _fill(tmp_path, "activity", {
        "annual": [["U1", 2022, 3_100_000, 3_000_000, 0, 0, 0.8, 5000]],
        "fuel": [["U1", 2022, 1, "coal", 100_000, "t", 20, 0.55, None, 99, "CNAS L1", "2022-02-10"]],
        "electricity": [["U1", 2022, 1, 10_000]]})
    out = read_workbooks({"enterprises": ent, "units": units, "activity": act}, _known())
    assert out["units"]["units"].unit_type.tolist() == ["coal_gt300"]
    fuel = out["activity"]["fuel"]
    assert fuel.consumption.tolist() == [100_000] and fuel.index.tolist() == [2]


def test_bad_unit_negative_fuel_unknown_unit_type_named_by_file_line_field(tmp_path):
    c1 = _code(2)
    units = _fill(tmp_path, "units", {"units": [
        ["U1", c1, "", "coal_gt300", 660, "water", "condensing"],
        ["U2", c1, "", "nuclear", 1000, "water", "condensing"]]})       # line 3: unknown type
    with pytest.raises(TemplateError) as e:
        read_template(units, "units", {"credit_codes": {c1}})
    assert (e.value.file, e.value.line, e.value.field) == ("units.xlsx:units", 3, "unit_type")
    assert "not one of" in str(e.value) and "units.xlsx:units:3: field 'unit_type'" in str(e.value)

    act = _fill(tmp_path, "activity", {
        "annual": [["U1", 2022, 1, 1, 0, 0, 0.8, 10]],
        "fuel": [["U1", 2022, 1, "coal", -5, "t"],                       # line 2: negative
                 ["U1", 2022, 2, "natural_gas", 50, "t"]],               # line 3: bad unit
        "electricity": []})
    with pytest.raises(TemplateError) as e:
        read_template(act, "activity", {"unit_ids": {"U1"}})
    got = {(f, line, fld) for f, line, fld, _ in e.value.errors}
    assert ("activity.xlsx:fuel", 2, "consumption") in got
    assert ("activity.xlsx:fuel", 3, "unit") in got
    msgs = " | ".join(e.value.lines())
    assert "negative value" in msgs and "natural_gas is measured in 10^4 Nm3" in msgs


def test_bad_credit_code_city_and_unknown_references(tmp_path):
    good = _code(3)
    ent = _fill(tmp_path, "enterprises", {"enterprises": [
        [good[:-1] + ("0" if good[-1] != "0" else "1"), "A", "371000", None, "power"],
        [good, "B", "370100", None, "power"],                            # city not of the province?
        [good, "C", "371000", "371002", "power"]]})                      # duplicate code
    with pytest.raises(TemplateError) as e:
        read_template(ent, "enterprises", _known())
    got = {(line, fld) for _, line, fld, _ in e.value.errors}
    assert {(2, "credit_code"), (3, "city_code"), (4, "credit_code")} <= got
    units = _fill(tmp_path, "units", {"units": [["U9", good, "", "gas", 400, "", "chp"]]})
    with pytest.raises(TemplateError, match="unknown enterprise"):
        read_template(units, "units", {"credit_codes": set()})


def test_unknown_column_missing_sheet_and_empty(tmp_path):
    p = write_template("units", tmp_path / "u.xlsx")
    with pytest.raises(TemplateError, match="no data rows"):
        read_template(p, "units")
    wb = load_workbook(p)
    wb["units"].cell(row=1, column=8, value="colour")
    wb["units"].append(["U1", _code(4), "", "gas", 400, "", "chp"])
    wb.save(p)
    with pytest.raises(TemplateError) as e:
        read_template(p, "units")
    assert (e.value.line, e.value.field) == (1, "colour")
    with pytest.raises(TemplateError, match="sheet 'annual' missing"):
        read_template(p, "activity")


def test_size_limits_refuse_before_parsing(tmp_path, monkeypatch):
    from qingshan.config import settings as st
    p = _fill(tmp_path, "units", {"units": [["U1", _code(5), "", "gas", 400, "", "chp"]] * 3})
    monkeypatch.setenv("QINGSHAN_MAX_ROWS_PER_FILE", "2")
    st.get_settings.cache_clear() if hasattr(st.get_settings, "cache_clear") else None
    try:
        with pytest.raises(Exception, match="QINGSHAN_MAX_ROWS_PER_FILE"):
            read_template(p, "units")
    finally:
        monkeypatch.delenv("QINGSHAN_MAX_ROWS_PER_FILE")
        st.get_settings.cache_clear() if hasattr(st.get_settings, "cache_clear") else None
    not_xlsx = tmp_path / "x.xlsx"
    not_xlsx.write_bytes(b"hello")
    with pytest.raises(Exception, match="not a zip"):
        read_template(not_xlsx, "units")


def test_products_template_checks_factors_and_links(tmp_path):
    from qingshan.carbon.data import from_templates
    c = _code(6)
    bad = _fill(tmp_path, "products", {
        "products": [["P1", c, "widget", "1 unit", "cradle-to-gate", "GB/T 24067-2024"]],
        "bom": [["P1", "production", "e", "electricity", 3, "kWh", "elec_cn_2022", 1],
                ["P1", "production", "x", "unobtainium", 1, "kg", "unobtainium", 1],   # line 3
                ["P1", "raw_materials", "product:P9", "P9", 1, "", "", 1]]})          # line 4
    with pytest.raises(TemplateError) as e:
        read_template(bad, "products", {"credit_codes": {c}})
    got = {(line, fld) for _, line, fld, _ in e.value.errors}
    assert {(3, "factor_id"), (4, "input_id")} <= got
    good = _fill(tmp_path, "products", {
        "products": [["P1", c, "widget", "1 unit", "cradle-to-gate", "GB/T 24067-2024"]],
        "bom": [["P1", "production", "e", "electricity", 3, "kWh", "elec_cn_2022", None]]})
    d = from_templates({"products": read_template(good, "products", {"credit_codes": {c}})})
    assert d.bom.allocation_share.tolist() == [1.0] and d.bom.factor_id.tolist() == ["elec_cn_2022"]
