"""Expectations of the carbon domain's routes (README.md of this folder).

Compliance figures, allocations, accounting and footprints are public reads like the air and
water figures; the matrix store has no carbon ledger, so an allowed caller gets 404 ("no
enterprises in the carbon ledger", never a page of zeros) — the deadlines table is rules only
(200). Importing a template is a monitoring-data write: province staff or the staff of the
enterprise's city (``qingshan.carbon.ledger.WRITE_ROLES``), anonymous 401, everyone else 403.
"""

import io

from tests.security.authz import Case


def _enterprise_file() -> bytes:
    """A filled enterprises template: one (synthetic) Weihai enterprise."""
    import tempfile
    from pathlib import Path

    from openpyxl import load_workbook

    from qingshan.carbon.ingest import write_template
    from qingshan.carbon.ingest.templates import uscc_check_char
    body = "91371002MA3888888"
    with tempfile.TemporaryDirectory() as d:
        p = write_template("enterprises", Path(d) / "e.xlsx")
        wb = load_workbook(p)
        wb["enterprises"].append([body + uscc_check_char(body), "（合成示例）矩阵企业", "371000",
                                  "371002", "other", "yes"])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()


EXPECT = {
    ("GET", "/carbon"): Case("public", "/carbon"),
    ("GET", "/carbon/enterprise/{code}"): Case("public", "/carbon/enterprise/NOPE", ok=404),
    ("GET", "/carbon/footprints"): Case("public", "/carbon/footprints"),
    ("GET", "/carbon/footprint/{product}"): Case("public", "/carbon/footprint/NOPE", ok=404),
    ("GET", "/api/v1/carbon/positions"): Case("public", "/api/v1/carbon/positions?period=2022",
                                              ok=404),
    ("GET", "/api/v1/carbon/summary"): Case("public", "/api/v1/carbon/summary?period=2021-2022",
                                            ok=404),
    ("GET", "/api/v1/carbon/enterprises/{credit_code}"): Case(
        "public", "/api/v1/carbon/enterprises/NOPE", ok=404),
    ("GET", "/api/v1/carbon/allocations"): Case("public", "/api/v1/carbon/allocations?vintage=2022",
                                                ok=404),
    ("GET", "/api/v1/carbon/accounting"): Case("public", "/api/v1/carbon/accounting?year=2022",
                                               ok=404),
    ("GET", "/api/v1/carbon/footprints"): Case("public", "/api/v1/carbon/footprints", ok=404),
    ("GET", "/api/v1/carbon/deadlines"): Case("public", "/api/v1/carbon/deadlines"),
    ("POST", "/api/v1/carbon/import"): Case(
        "monitoring_write", "/api/v1/carbon/import", data={"kind": "enterprises"},
        files={"file": ("carbon_enterprises.xlsx", _enterprise_file())}),
}
