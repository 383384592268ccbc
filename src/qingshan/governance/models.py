"""Operational tables of the governance domain (SQLAlchemy 2 models on
:class:`qingshan.store.ops.Base`; schema by the Alembic revision ``governance_0001``).

One generic ledger core serves every case type (spec/governance.md §11.2): a case row with its
derived state, ledger fields as JSON, clocks and signatures; an append-only event log (the
timeline, and the input of every rate); the org units a case involves (primary + co-units,
§1.1) for scoping; content-addressed evidence files (§1.3) linked to cases; per-series counters
for the public numbers ``{type}-{city}-{yyyy}-{seq:06d}`` (§1.3 [D]).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.store.ops import Base

__all__ = ["Case", "CaseUnit", "CaseEvent", "Evidence", "CaseEvidence", "Counter", "RegisterRow"]


class Case(Base):
    __tablename__ = "governance_case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_no: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    city_code: Mapped[str] = mapped_column(String(16), index=True)
    primary_org_unit: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    title: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    personal: Mapped[dict] = mapped_column(JSON, default=dict)
    clocks: Mapped[dict] = mapped_column(JSON, default=dict)
    signatures: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseUnit(Base):
    """Every org unit a case involves (primary and co-units): the scoping join."""

    __tablename__ = "governance_case_unit"

    case_id: Mapped[int] = mapped_column(ForeignKey("governance_case.id"), primary_key=True)
    unit: Mapped[str] = mapped_column(String(32), primary_key=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseEvent(Base):
    """One step of a case (append-only; the timeline and the rates' event log)."""

    __tablename__ = "governance_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("governance_case.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[str] = mapped_column(String(10))          # the local date the step counts on
    transition: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_state: Mapped[str] = mapped_column(String(32))
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    rule_version: Mapped[str] = mapped_column(String(64))


class Evidence(Base):
    """A content-addressed file (SHA-256); the bytes live at ``<root>/ab/cd/<sha256>``."""

    __tablename__ = "governance_evidence"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    first_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class CaseEvidence(Base):
    __tablename__ = "governance_case_evidence"

    case_id: Mapped[int] = mapped_column(ForeignKey("governance_case.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("governance_evidence.sha256"),
                                        primary_key=True)
    criterion: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    name: Mapped[str] = mapped_column(String(255), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(64))


class Counter(Base):
    """Last sequence number of a public-number series ``{type}-{city}-{yyyy}``."""

    __tablename__ = "governance_counter"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)




class RegisterRow(Base):
    """One row of a project register (§9: rural sewage by administrative village, …)."""

    __tablename__ = "governance_register"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    register: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    city_code: Mapped[str] = mapped_column(String(16), index=True)
    unit: Mapped[str] = mapped_column(String(32))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
