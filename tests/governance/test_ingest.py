"""Ledger ingest from the Excel templates: every cell validated with file/line/field, nothing
stored on error, idempotent re-import, size limits (house rules; spec/governance.md §3.3)."""

from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from qingshan.accounts.authz import Actor, Forbidden
from qingshan.core.ingest.errors import IngestError
from qingshan.governance import service
from qingshan.governance.ingest import read_ledger, template, write_template
from qingshan.governance.models import Case, RegisterRow
from qingshan.store.ops import session_scope, upgrade

DISP = Actor(1, "wh_disp", "dispatcher", "371000")
STAFF = Actor(2, "wh_staff", "city_staff", "371000")
HEAD = ["工单编号", "渠道", "受理日期", "办理单位代码", "类别", "污染类型", "诉求内容", "投诉人",
        "联系电话", "公开"]


def _xlsx(path, header, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _good_rows():
    return [["W001", "12345", "2025-09-26", "371002", "投诉", "噪声", "夜间施工噪声", "李四",
             "13900000000", "否"],
            ["W002", "信访", date(2025, 9, 29), "371003", "举报", "大气", "异味", None, None, "是"]]


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    u = f"sqlite:///{tmp_path_factory.mktemp('govi')}/ops.sqlite"
    upgrade(u)
    return u


def test_template_roundtrip(tmp_path):
    p = write_template("complaint", tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(p)
    assert [c.value for c in wb.active[1]] == [c["name"] for c in template("complaint").columns]
    assert "说明" in wb.sheetnames


def test_valid_file_reads_and_keeps_personal_apart(tmp_path):
    data = read_ledger(_xlsx(tmp_path / "c.xlsx", HEAD, _good_rows()), "complaint")
    assert data.lines == [2, 3]
    assert data.rows[0]["received_at"] == "2025-09-26" and data.rows[1]["received_at"] == \
        "2025-09-29"
    assert data.personal[0] == {"name": "李四", "phone": "13900000000"}
    assert "phone" not in data.rows[0] and data.rows[1]["is_public"] is True


@pytest.mark.parametrize("row,line,field,reason", [
    (["W003", "微博", "2025-09-26", "371002", "投诉", None, "x", None, None, None], 4, "渠道",
     "is not one of"),
    (["W003", "12345", "2025-02-30", "371002", "投诉", None, "x", None, None, None], 4, "受理日期",
     "not a date"),
    (["W003", "12345", "2025-09-26", "weihai", "投诉", None, "x", None, None, None], 4,
     "办理单位代码", "not an org unit code"),
    (["W003", "12345", "2025-09-26", "371002", "投诉", None, None, None, None, None], 4, "诉求内容",
     "required value missing"),
    (["W001", "12345", "2025-09-26", "371002", "投诉", None, "x", None, None, None], 4, "工单编号",
     "duplicate of line 2"),
    (["W003", "12345", "2025-09-26", "371002", "投诉", None, "x", None, None, "也许"], 4, "公开",
     "is not 是/否"),
])
def test_bad_cell_named_with_file_line_field(tmp_path, row, line, field, reason):
    p = _xlsx(tmp_path / "bad.xlsx", HEAD, _good_rows() + [row])
    with pytest.raises(IngestError) as e:
        read_ledger(p, "complaint")
    assert (e.value.file, e.value.line, e.value.field) == ("bad.xlsx", line, field)
    assert reason in e.value.reason


def test_header_errors_and_count_of_more(tmp_path):
    p = _xlsx(tmp_path / "h.xlsx", ["工单编号", "渠道x", "受理日期"], [["W1", "12345", "2025-01-01"]])
    with pytest.raises(IngestError) as e:
        read_ledger(p, "complaint")
    assert e.value.line == 1 and e.value.field == "渠道x" and "unknown column" in e.value.reason
    assert e.value.more >= 4                         # 渠道, 办理单位代码, 类别, 诉求内容 missing


def test_not_a_workbook_and_size_limits(tmp_path, monkeypatch):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"not a zip")
    with pytest.raises(IngestError):
        read_ledger(p, "complaint")
    monkeypatch.setenv("QINGSHAN_MAX_ROWS_PER_FILE", "1")
    from qingshan.config import settings as st
    st.get_settings.cache_clear() if hasattr(st.get_settings, "cache_clear") else None
    try:
        with pytest.raises(IngestError, match="more than 1 rows"):
            read_ledger(_xlsx(tmp_path / "c.xlsx", HEAD, _good_rows()), "complaint")
    finally:
        monkeypatch.delenv("QINGSHAN_MAX_ROWS_PER_FILE")
        st.get_settings.cache_clear() if hasattr(st.get_settings, "cache_clear") else None


def test_import_stores_all_or_nothing_and_is_idempotent(url, tmp_path):
    good = _xlsx(tmp_path / "c.xlsx", HEAD, _good_rows())
    with session_scope(url) as s:
        out = service.import_file(s, DISP, good, "complaint", today=date(2025, 10, 1))
    assert len(out.created) == 2 and out.created[0].startswith("TS-371000-2025-")
    with session_scope(url) as s:
        again = service.import_file(s, DISP, good, "complaint", today=date(2025, 10, 1))
        assert again.created == [] and len(again.skipped) == 2
        n = s.scalar(select(func.count()).select_from(Case))
        c = s.scalars(select(Case).where(Case.external_id == "W002")).one()
        assert c.fields["clock_rules"] == {"handle": "xinfang_conclude"} and c.is_public
    # a Rizhao unit in the file of a Weihai dispatcher: refused, and the good row before it
    # is not stored either (one transaction)
    mixed = _xlsx(tmp_path / "m.xlsx", HEAD, [
        ["W010", "12345", "2025-09-26", "371002", "投诉", None, "x", None, None, None],
        ["W011", "12345", "2025-09-26", "371102", "投诉", None, "y", None, None, None]])
    with pytest.raises(Forbidden, match="m.xlsx:3"):
        with session_scope(url) as s:
            service.import_file(s, DISP, mixed, "complaint", today=date(2025, 10, 1))
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == n


def test_village_register_import(url, tmp_path):
    head = [c["name"] for c in template("village").columns]
    rows = [["371002001", "甲村", "镇一", "371002", 300, 900, "村级污水处理站", "是", 2023,
             "2023-11-02"],
            ["371002002", "乙村", "镇一", "371002", 200, 600, None, "否", None, None]]
    p = _xlsx(tmp_path / "v.xlsx", head, rows)
    with session_scope(url) as s:
        out = service.import_file(s, STAFF, p, "village", today=date(2025, 10, 1))
        assert out.created == ["371002001", "371002002"]
        df = service.register_frame(s, STAFF, "rural_sewage")
        from qingshan.governance.rates import sewage_completed, sewage_rates
        r = sewage_rates(df)["371000"]["农村生活污水治理率"]
        assert (r.numerator, r.denominator) == (1, 2)
        assert sewage_completed(df, 2023) == {"371000": 1}
        assert s.scalar(select(func.count()).select_from(RegisterRow)) == 2
    with pytest.raises(Forbidden):
        with session_scope(url) as s:
            service.import_file(s, DISP, p, "village", today=date(2025, 10, 1))


def test_permit_and_penalty_templates(url, tmp_path):
    head = [c["name"] for c in template("permit").columns]
    p = _xlsx(tmp_path / "p.xlsx", head, [["P1", "示例厂", None, "371002", "重点管理", "市级",
                                           "2025-08-01"]])
    with session_scope(url) as s:
        out = service.import_file(s, STAFF, p, "permit", today=date(2025, 10, 1))
        c = s.scalars(select(Case).where(Case.public_no == out.created[0])).one()
        assert c.fields["clock_rules"] == {"decision": "permit_key"}
        assert out.created[0].startswith("PW-371000-2025-")
    head = [c["name"] for c in template("enforcement_case").columns]
    p = _xlsx(tmp_path / "e.xlsx", head, [["E1", "371002", "示例厂", None, "双随机", None,
                                           "2025-08-01"], ["E2", "3710xx", "乙厂", None, "投诉",
                                                           None, "2025-08-01"]])
    with pytest.raises(IngestError) as e:
        read_ledger(p, "enforcement_case")
    assert (e.value.line, e.value.field) == (3, "办案单位代码")


def test_every_template_writes_and_reads_its_own_header(tmp_path):
    from qingshan.governance.ingest import templates
    for name in templates():
        p = write_template(name, tmp_path / f"{name}.xlsx")
        with pytest.raises(IngestError, match="no data rows"):
            read_ledger(p, name)


def test_same_source_key_in_two_cities_is_two_cases(url, tmp_path):
    """工单编号 are numbered per city: Weihai's SAME-1 (unit 371002) and Rizhao's SAME-1 (unit
    371102) are two cases. Rizhao's import stores its own row under a Rizhao number and never
    answers with Weihai's number (review finding: it answered ``skipped=[TS-371000-…]``)."""
    wh = Actor(11, "wh_staff2", "city_staff", "371000")
    rz = Actor(12, "rz_staff", "city_staff", "371100")
    row = ["SAME-1", "12345", "2025-09-26", None, "投诉", "噪声", "x", None, None, "否"]
    with session_scope(url) as s:
        a = service.import_file(s, wh, _xlsx(tmp_path / "w.xlsx", HEAD,
                                             [row[:3] + ["371002"] + row[4:]]),
                                "complaint", today=date(2025, 10, 1))
    with session_scope(url) as s:
        b = service.import_file(s, rz, _xlsx(tmp_path / "r.xlsx", HEAD,
                                             [row[:3] + ["371102"] + row[4:]]),
                                "complaint", today=date(2025, 10, 1))
    assert len(a.created) == 1 and a.created[0].startswith("TS-371000-")
    assert b.skipped == [] and len(b.created) == 1 and b.created[0].startswith("TS-371100-")
    with session_scope(url) as s:
        again = service.import_file(s, rz, _xlsx(tmp_path / "r.xlsx", HEAD,
                                                 [row[:3] + ["371102"] + row[4:]]),
                                    "complaint", today=date(2025, 10, 1))
        cities = sorted(s.scalars(select(Case.city_code).where(Case.external_id == "SAME-1")))
    assert again.created == [] and again.skipped == b.created     # its own number only
    assert cities == ["371000", "371100"]

