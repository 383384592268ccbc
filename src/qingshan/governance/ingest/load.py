"""Store validated ledger rows (one transaction: the caller's session; an error rolls back
every row of the file). Rows already imported (same kind, key — 工单编号, 交办编号 … — and
city: keys are numbered per city) are skipped, so importing a file twice stores it once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from qingshan.accounts import audit
from qingshan.accounts.authz import Actor, Forbidden
from qingshan.governance import repository as repo
from qingshan.governance.bulk import bulk_create
from qingshan.governance.ingest.excel import LedgerRows
from qingshan.governance.models import Case, CaseUnit, RegisterRow
from qingshan.governance.scope import city_of
from qingshan.governance.workflows import machine

__all__ = ["ImportSummary", "import_rows", "HANDLE_RULE"]

#: handling clock by complaint channel (§3.1): 12345 and the provincial hotline 15 wd [V S15];
#: 信访 60 d after acceptance [M]; other channels default to the 12345 rule [D]
HANDLE_RULE = {"12345": "sd12345_handle", "省级热线": "sd12345_handle",
               "信访": "xinfang_conclude"}
_DAY = {"complaint": "received_at", "dc_petition": "batch_date", "inspection": "date_end",
        "eia_application": "submitted", "enforcement_case": "lead_date", "permit": "applied"}
#: who may import registers (§8.1: city staff for their city, province staff)
REGISTER_ROLES = frozenset({"city_staff", "prov_staff"})


@dataclass
class ImportSummary:
    file: str
    template: str
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def import_rows(session: Session, actor: Actor, data: LedgerRows, *, today: date,
                synthetic: bool = False, request_id: str | None = None,
                client_ip: str | None = None) -> ImportSummary:
    """Create the cases (or register rows) of a validated file."""
    tpl = data.template
    out = ImportSummary(data.file, tpl.name)
    key_field = next(c["key"] for c in tpl.columns if c["name"] == tpl.key_column)
    unit_field = next(c["key"] for c in tpl.columns if c["name"] == tpl.unit_column)
    if tpl.kind.startswith("register:"):
        return _registers(session, actor, data, tpl.kind.split(":", 1)[1], key_field,
                          unit_field, synthetic, out, request_id, client_ip)
    m = machine(tpl.kind)
    if not set(actor.roles) & m.create_roles:
        raise Forbidden(f"importing {tpl.name} needs one of {sorted(m.create_roles)}")
    # every row's unit in scope first, the already-imported ones too: a file of another
    # city's rows is refused whole, never answered with "already imported" and their numbers
    for row, line in zip(data.rows, data.lines):
        if not repo.in_scope(actor, [row[unit_field]]):
            raise Forbidden(f"{data.file}:{line}: unit {row[unit_field]} is outside your "
                            f"organisation unit ({actor.unit})")
    items, lines = [], []
    for row, pers, line in zip(data.rows, data.personal, data.lines):
        ext = str(row[key_field])
        # source keys (工单编号 …) are numbered per city: the same key in another city is
        # another case, and a case outside the actor's scope is never named (its source key,
        # which the user sent, stands for it)
        hit = session.execute(select(Case.id, Case.public_no).where(
            Case.kind == tpl.kind, Case.external_id == ext,
            Case.city_code == (city_of(row[unit_field]) or row[unit_field]))).first()
        if hit:
            units = session.scalars(select(CaseUnit.unit).where(CaseUnit.case_id == hit.id))
            out.skipped.append(hit.public_no if repo.in_scope(actor, list(units)) else ext)
            continue
        fields = {k: v for k, v in row.items() if k not in ("unit", "is_public")}
        rules = {}
        if tpl.kind == "complaint":
            rules = {"handle": HANDLE_RULE.get(row.get("channel"), "sd12345_handle")}
        elif tpl.kind == "eia_application":
            rules = {"decision": {"report_book": "eia_report_book",
                                  "report_form": "eia_report_form"}.get(row["doc_class"],
                                                                        "eia_report_form")}
        elif tpl.kind == "permit":
            rules = {"decision": "permit_key" if row["doc_class"] == "key"
                     else "permit_simplified"}
        day = date.fromisoformat(row[_DAY[tpl.kind]]) if tpl.kind in _DAY else today
        items.append({"unit": row[unit_field], "today": day, "fields": fields,
                      "personal": pers, "external_id": ext,
                      "title": str(row.get("description") or row.get("project") or
                                   row.get("problem_text") or "")[:200],
                      "is_public": bool(row.get("is_public", False)), "clock_rules": rules})
        lines.append(line)
    try:
        out.created = bulk_create(session, actor, tpl.kind, items, source=data.file,
                                  synthetic=synthetic, request_id=request_id,
                                  client_ip=client_ip)
    except Forbidden as e:
        msg = str(e)
        if " item " in msg:                  # name the sheet line, not the item number
            i = int(msg.split(" item ", 1)[1].split(":", 1)[0])
            msg = f"{data.file}:{lines[i - 1]}:" + msg.split(":", 1)[1]
        raise Forbidden(msg) from None
    return out


def _registers(session, actor, data, register, key_field, unit_field, synthetic, out,
               request_id=None, client_ip=None):
    if not set(actor.roles) & REGISTER_ROLES:
        raise Forbidden(f"importing a register needs one of {sorted(REGISTER_ROLES)}")
    now = datetime.now(timezone.utc)
    for row, line in zip(data.rows, data.lines):
        unit = row[unit_field]
        if not repo.in_scope(actor, [unit]):
            raise Forbidden(f"{data.file}:{line}: unit {unit} is outside your organisation unit")
        key = str(row[key_field])
        if session.scalars(select(RegisterRow.id).where(RegisterRow.register == register,
                                                        RegisterRow.key == key)).first():
            out.skipped.append(key)
            continue
        r = RegisterRow(register=register, key=key, city_code=city_of(unit) or unit, unit=unit,
                        fields=dict(row), synthetic=synthetic, created_at=now,
                        created_by=actor.username)
        session.add(r)
        out.created.append(key)
    session.flush()
    if out.created:
        audit.record(session, actor, "ingest", f"governance_register_{register}", data.file,
                     after={"rows": len(out.created), "keys": out.created[:50]},
                     rule_version=data.template.version, now=now, request_id=request_id,
                     client_ip=client_ip)
    return out
