"""The carbon Excel templates: one workbook per kind, one sheet per table, the field keys in the
header row (a Chinese label is accepted too), a 说明 (README) sheet naming each field, its unit and
its rule. ``qingshan carbon template`` writes them (:func:`write_template`).

Units of measure are part of the field (``capacity_mw``, ``supply_mwh``, ``heat_gj``); fuel
quantities carry their unit in a column (``unit``) checked against the fuel (coal/oil: t, gas:
10^4 Nm3, spec/carbon-accounting.md §2). Unified social credit codes (统一社会信用代码) are checked
with the GB 32100-2015 check character.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qingshan.carbon.standards.accounting import FUEL_UNITS, FUELS
from qingshan.carbon.standards.dqcp import FREQUENCIES, PARAMETERS
from qingshan.carbon.standards.footprint import BOUNDARIES, STAGES, STANDARDS
from qingshan.carbon.standards.industry import SECTORS
from qingshan.carbon.standards.power import UNIT_TYPES

__all__ = ["Field", "TEMPLATES", "uscc_valid", "uscc_check_char", "write_template",
           "USCC_CHARS"]

#: GB 32100-2015 code characters (no I, O, S, V, Z)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_W = [pow(3, i, 31) for i in range(17)]


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a unified social credit code (GB 32100-2015 §4.3)."""
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _W))
    return USCC_CHARS[(31 - s % 31) % 31]


def uscc_valid(code: str) -> bool:
    """Whether ``code`` is 18 code characters with the right check character."""
    return (isinstance(code, str) and len(code) == 18 and all(c in USCC_CHARS for c in code)
            and uscc_check_char(code[:17]) == code[17])


@dataclass(frozen=True)
class Field:
    key: str
    label: str                      # Chinese label (accepted as header too)
    kind: str                       # text | code | enum | float | int | date | uscc | city | county
    required: bool = True
    unit: str = ""
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_len: int = 200
    note: str = ""


_E = tuple(SECTORS)
_UT = tuple(k for k in UNIT_TYPES if k not in ("I", "II", "III", "IV"))

#: template → sheet → fields
TEMPLATES: dict[str, dict[str, tuple[Field, ...]]] = {
    "enterprises": {"enterprises": (
        Field("credit_code", "统一社会信用代码", "uscc", note="18 characters, GB 32100-2015"),
        Field("name", "企业名称", "text"),
        Field("city_code", "所在城市代码", "city", note="6-digit code of a city of the province"),
        Field("county_code", "所在区县代码", "county", required=False),
        Field("sector", "行业", "enum", choices=_E),
        Field("synthetic", "合成数据", "enum", required=False, choices=("yes", "no"),
              note="yes for demonstration data"),
        Field("net_sales_t", "2019–2024年净出售配额", "float", unit="t", required=False,
              note="sales − purchases 2019–2024, for the carry-over limit (may be negative)"),
    )},
    "units": {"units": (
        Field("unit_id", "机组编号", "code", max_len=40),
        Field("credit_code", "统一社会信用代码", "uscc"),
        Field("name", "机组名称", "text", required=False),
        Field("unit_type", "机组类别", "enum", choices=_UT,
              note="coal_gt300 (I), coal_le300 (II), coal_unconventional (III), gas (IV); "
                   "process_line (steel, cement, aluminium)"),
        Field("capacity_mw", "装机容量", "float", unit="MW", min=0.001, max=5000),
        Field("cooling", "冷却方式", "enum", choices=("water", "air"), required=False),
        Field("generation_type", "发电类型", "enum", choices=("condensing", "chp", "none"),
              note="none for a process line"),
    )},
    "activity": {
        "annual": (
            Field("unit_id", "机组编号", "code", max_len=40),
            Field("year", "年度", "int", min=2013, max=2100),
            Field("generation_mwh", "发电量", "float", unit="MWh", min=0, required=False),
            Field("supply_mwh", "供电量", "float", unit="MWh", min=0, required=False),
            Field("heat_gj", "供热量", "float", unit="GJ", min=0, required=False),
            Field("heat_ratio", "供热比", "float", min=0, max=1, required=False,
                  note="fraction 0–1"),
            Field("load_factor", "负荷（出力）系数", "float", min=0, max=1.2, required=False,
                  note="fraction, e.g. 0.82"),
            Field("hours", "运行小时数", "float", unit="h", min=0, max=8784, required=False),
        ),
        "fuel": (
            Field("unit_id", "机组编号", "code", max_len=40),
            Field("year", "年度", "int", min=2013, max=2100),
            Field("month", "月份", "int", min=1, max=12),
            Field("fuel", "燃料品种", "enum", choices=FUELS),
            Field("consumption", "消耗量", "float", min=0),
            Field("unit", "计量单位", "enum", choices=tuple(sorted(set(FUEL_UNITS.values()))),
                  note="coal/fuel oil/diesel: t; natural gas: 10^4 Nm3"),
            Field("ncv", "低位发热量", "float", unit="GJ/t or GJ/10^4 Nm3", min=0.001,
                  max=1000, required=False),
            Field("carbon_ar", "元素碳含量（收到基）", "float", unit="tC/t", min=0, max=1,
                  required=False),
            Field("cc", "单位热值含碳量", "float", unit="tC/GJ", min=0, max=0.1,
                  required=False),
            Field("oxidation_pct", "碳氧化率", "float", unit="%", min=0.001, max=100,
                  required=False),
            Field("lab", "检测机构资质", "text", required=False, note="CNAS/CMA number"),
            Field("reported_on", "报送日期", "date", required=False),
        ),
        "electricity": (
            Field("unit_id", "机组编号", "code", max_len=40),
            Field("year", "年度", "int", min=2013, max=2100),
            Field("month", "月份", "int", min=1, max=12),
            Field("purchased_mwh", "购入电量", "float", unit="MWh", min=0),
        ),
    },
    "dqcp": {"plan": (
        Field("unit_id", "机组编号", "code", max_len=40),
        Field("version", "计划版本", "text", max_len=40),
        Field("parameter", "参数", "enum", choices=PARAMETERS),
        Field("source", "数据来源", "text", required=False),
        Field("instrument", "计量器具", "text", required=False),
        Field("accuracy_class", "准确度等级", "text", required=False, max_len=20),
        Field("calibration_interval_months", "检定/校准周期", "int", unit="months", min=1,
              max=120, required=False),
        Field("last_calibration", "最近检定/校准日期", "date", required=False),
        Field("frequency", "监测频次", "enum", choices=tuple(FREQUENCIES)),
        Field("method_standard", "检测方法标准", "text", required=False,
              note="NCV: GB/T 213; element carbon: GB/T 476 or GB/T 30733"),
        Field("department", "负责部门", "text", required=False),
    )},
    "products": {
        "products": (
            Field("product_id", "产品编号", "code", max_len=40),
            Field("credit_code", "统一社会信用代码", "uscc"),
            Field("name", "产品名称", "text"),
            Field("declared_unit", "声明单位", "text", max_len=60, note="e.g. 1 tyre, 1 kg"),
            Field("boundary", "系统边界", "enum", choices=tuple(BOUNDARIES)),
            Field("standard", "核算标准", "enum", choices=STANDARDS),
            Field("synthetic", "合成数据", "enum", required=False, choices=("yes", "no")),
        ),
        "bom": (
            Field("product_id", "产品编号", "code", max_len=40),
            Field("stage", "生命周期阶段", "enum", choices=STAGES),
            Field("input_id", "输入编号", "code", max_len=60,
                  note="product:<id> for another product"),
            Field("input_name", "输入名称", "text"),
            Field("amount", "数量（每声明单位）", "float", min=0),
            Field("unit", "单位", "text", required=False, max_len=20),
            Field("factor_id", "排放因子编号", "text", required=False, max_len=60,
                  note="an id of the shipped factor library (footprint_factors.csv)"),
            Field("allocation_share", "分配比例", "float", min=0, max=1, required=False),
        ),
    },
    "compliance": {
        "verified": (
            Field("unit_id", "机组编号", "code", max_len=40),
            Field("vintage", "履约年度", "enum",
                  choices=("2019-2020", "2021", "2022", "2023", "2024", "2025")),
            Field("verified_direct_t", "核查直接排放量", "float", unit="tCO2", min=0),
            Field("verified_indirect_t", "核查间接排放量", "float", unit="tCO2", min=0,
                  required=False),
            Field("verifier", "核查机构", "text", required=False),
        ),
        "surrenders": (
            Field("credit_code", "统一社会信用代码", "uscc"),
            Field("vintage", "履约年度", "enum",
                  choices=("2019-2020", "2021", "2022", "2023", "2024", "2025")),
            Field("date", "清缴日期", "date"),
            Field("cea_t", "清缴配额", "float", unit="t", min=0),
            Field("ccer_t", "抵销CCER", "float", unit="t", min=0, required=False),
        ),
    },
}


def write_template(kind: str, path: str | Path) -> Path:
    """Write the empty template ``kind`` (a key of :data:`TEMPLATES`) as .xlsx: a header row of
    field keys with the Chinese label as a cell comment, drop-down lists for the choices, and a
    说明 sheet describing every field."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind not in TEMPLATES:
        raise ValueError(f"unknown template {kind!r}; one of {sorted(TEMPLATES)}")
    wb = Workbook()
    wb.remove(wb.active)
    readme = wb.create_sheet("说明")
    readme.append(["sheet", "field", "label", "required", "unit", "allowed / range", "note"])
    for sheet, flds in TEMPLATES[kind].items():
        ws = wb.create_sheet(sheet)
        for j, f in enumerate(flds, start=1):
            c = ws.cell(row=1, column=j, value=f.key)
            c.comment = Comment(f"{f.label}{f' [{f.unit}]' if f.unit else ''}", "qingshan")
            if f.choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"',
                                    allow_blank=not f.required)
                ws.add_data_validation(dv)
                col = c.column_letter
                dv.add(f"{col}2:{col}10000")
            rng = ", ".join(f.choices) if f.choices else (
                f"{'' if f.min is None else f.min} … {'' if f.max is None else f.max}"
                if (f.min is not None or f.max is not None) else "")
            readme.append([sheet, f.key, f.label, "yes" if f.required else "no", f.unit, rng,
                           f.note])
    p = Path(path)
    wb.save(p)
    return p
