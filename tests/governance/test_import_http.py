"""HTTP upload of ledgers (issue 18): ``POST /api/v1/governance/import/<template>`` and the
page form run the CLI's reader and loader — errors naming file, line and field, nothing stored
on error, a city user may import only its own city's rows, one audit row per stored import,
the size limit of ``qingshan.api.upload.save_upload``."""

import io

import openpyxl
from sqlalchemy import func, select

from qingshan.accounts.models import AuditEvent
from qingshan.governance.models import Case
from qingshan.store.ops import session_scope

P = "/api/v1/governance"
HEAD = ["工单编号", "渠道", "受理日期", "办理单位代码", "类别", "污染类型", "诉求内容", "投诉人",
        "联系电话", "公开"]


def _xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(key, unit="371002", day="2025-11-03", kind="投诉"):
    return [key, "12345", day, unit, kind, "噪声", "上传测试", "王五", "13800000000", "否"]


def _counts(c, prefix):
    with session_scope(c.app.state.ops_url) as s:
        n = s.scalar(select(func.count()).select_from(Case).where(
            Case.external_id.like(f"{prefix}%")))
        a = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "ingest", AuditEvent.object_id == "complaints.xlsx"))
    return n, a


def _post(c, who, data, name="complaints.xlsx"):
    return c.post(f"{P}/import/complaint", headers=c.h[who] if who else {},
                  files={"file": (name, data)})


def test_upload_stores_once_with_one_audit_row(gov_client):
    c = gov_client
    n0, a0 = _counts(c, "UPA")
    r = _post(c, ("city_staff", "371000"), _xlsx([_row("UPA1"), _row("UPA2", "371003")]))
    assert r.status_code == 200, r.text
    assert len(r.json()["created"]) == 2 and r.json()["created"][0].startswith("TS-371000-2025-")
    assert _counts(c, "UPA") == (n0 + 2, a0 + 1)        # two cases, one audit row
    with session_scope(c.app.state.ops_url) as s:
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == "ingest",
                                                 AuditEvent.object_id == "complaints.xlsx")
                        .order_by(AuditEvent.seq.desc())).first()
        assert row.actor_username == "g_city_staff_371000" and row.client_ip
    r = _post(c, ("city_staff", "371000"), _xlsx([_row("UPA1"), _row("UPA2", "371003")]))
    assert r.status_code == 200 and len(r.json()["skipped"]) == 2 and not r.json()["created"]
    assert _counts(c, "UPA") == (n0 + 2, a0 + 1)        # nothing new, no new audit row
    # another city's staff sending the same file: refused, not told "already imported" (which
    # would hand out Weihai's case numbers)
    r = _post(c, ("city_staff", "371100"), _xlsx([_row("UPA1")]))
    assert r.status_code == 403 and "TS-371000" not in r.text
    # the same 工单编号 for Rizhao's own unit is Rizhao's case (keys are numbered per city)
    r = _post(c, ("city_staff", "371100"), _xlsx([_row("UPA1", "371102")]))
    assert r.status_code == 200 and r.json()["skipped"] == [], r.text
    assert r.json()["created"][0].startswith("TS-371100-") and "TS-371000" not in r.text


def test_invalid_cell_names_file_line_field_and_stores_nothing(gov_client):
    c = gov_client
    before = _counts(c, "UPB")
    r = _post(c, ("city_staff", "371000"), _xlsx([_row("UPB1"), _row("UPB2", kind="抱怨")]))
    assert r.status_code == 422, r.text
    e = r.json()["error"]
    assert e["code"] == "invalid_file" and "nothing stored" in e["message"]
    assert (e["details"][0]["file"], e["details"][0]["line"], e["details"][0]["field"]) == \
        ("complaints.xlsx", 3, "类别")                  # header = line 1, second row = line 3
    assert _counts(c, "UPB") == before                  # the good first row was not stored


def test_city_user_imports_only_its_own_city(gov_client):
    c = gov_client
    before = _counts(c, "UPC")
    # Rizhao's staff (371100) uploading a file whose second row is Weihai's (371002)
    r = _post(c, ("city_staff", "371100"), _xlsx([_row("UPC1", "371102"), _row("UPC2")]))
    assert r.status_code == 403 and "complaints.xlsx:3" in r.json()["error"]["message"]
    assert _counts(c, "UPC") == before
    # a handler may not create complaints: refused before the file is read
    r = _post(c, ("handler", "371002"), b"not even a workbook")
    assert r.status_code == 403 and "needs one of" in r.json()["error"]["message"]
    assert _post(c, None, _xlsx([_row("UPC3")])).status_code == 401
    assert c.post(f"{P}/import/nosuch", headers=c.h[("city_staff", "371000")],
                  files={"file": ("x.xlsx", b"x")}).status_code == 404


def test_upload_size_limit(gov_client):
    c = gov_client
    old = c.app.state.max_upload_bytes
    c.app.state.max_upload_bytes = 1000
    try:
        r = _post(c, ("city_staff", "371000"), _xlsx([_row(f"UPD{i}") for i in range(50)]))
    finally:
        c.app.state.max_upload_bytes = old
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert _counts(c, "UPD")[0] == 0


def test_page_form(gov_client):
    c = gov_client
    wh = c.h[("city_staff", "371000")]
    r = c.get("/governance/import", headers=wh, params={"template": "complaint"})
    assert r.status_code == 200 and 'id="import-form"' in r.text and 'name="csrf_token"' in r.text
    r = c.post("/governance/import", headers=wh, data={"template": "complaint"},
               files={"file": ("complaints.xlsx", _xlsx([_row("UPE1"), _row("UPE2", day="x")]))})
    assert r.status_code == 422 and 'id="import-errors"' in r.text
    assert "complaints.xlsx:3" in r.text and "受理日期" in r.text
    assert _counts(c, "UPE")[0] == 0
    r = c.post("/governance/import", headers=wh, data={"template": "complaint"},
               files={"file": ("complaints.xlsx", _xlsx([_row("UPE1")]))})
    assert r.status_code == 200 and 'id="import-ok"' in r.text and _counts(c, "UPE")[0] == 1


def test_audit_rows_carry_the_server_request_id(gov_client):
    """The audit rows of an import, a new case and a step name the request by the id the
    server assigned (``request.state.request_id``, echoed as the ``x-request-id`` response
    header), never the client's raw header: a malformed one is replaced by the server."""
    c = gov_client
    raw = {"x-request-id": "forged id <script>"}        # fails the server's id pattern
    who = ("city_staff", "371000")

    def audit_rid(action, object_id):
        with session_scope(c.app.state.ops_url) as s:
            return s.scalars(select(AuditEvent.request_id).where(
                AuditEvent.action == action, AuditEvent.object_id == object_id)
                .order_by(AuditEvent.seq.desc())).first()
    r = c.post(f"{P}/import/complaint", headers={**c.h[who], **raw},
               files={"file": ("rid.xlsx", _xlsx([_row("UPR1")]))})
    assert r.status_code == 200, r.text
    rid = r.headers["x-request-id"]
    assert rid != raw["x-request-id"] and audit_rid("ingest", "rid.xlsx") == rid
    r = c.post(f"{P}/cases", headers={**c.h[who], **raw}, json={
        "kind": "interview", "unit": "371002", "date": "2025-09-26",
        "fields": {"level": "city"}})
    assert r.status_code == 201, r.text
    no = r.json()["public_no"]
    assert audit_rid("create", no) == r.headers["x-request-id"] != raw["x-request-id"]
    r = c.post(f"{P}/cases/{no}/transitions", headers={**c.h[who], **raw},
               json={"name": "approve", "date": "2025-09-26"})
    assert r.status_code == 200, r.text
    assert audit_rid("transition", no) == r.headers["x-request-id"] != raw["x-request-id"]
    r = c.post(f"{P}/cases/{no}/evidence", headers={**c.h[who], **raw, "x-filename": "a.txt"},
               content=b"minutes of the interview")
    assert r.status_code == 201, r.text
    assert audit_rid("upload", no) == r.headers["x-request-id"] != raw["x-request-id"]
