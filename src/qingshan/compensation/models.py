"""Operational tables of the compensation domain (mapped on :class:`qingshan.store.ops.Base`).

Created by the Alembic revision ``compensation_0001`` (``ops_migrations/``). A
:class:`LedgerRun` is one stored ledger: its rule versions, switches, the inputs it used (so it
can be re-run to the same result), their fingerprint, the result's hash, and who ran it; its
:class:`LedgerRow` s are the per-city, per-quarter rows with every term (JSON).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.store.ops import Base

__all__ = ["LedgerRun", "LedgerRow"]


class LedgerRun(Base):
    __tablename__ = "compensation_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(32))
    rules: Mapped[list] = mapped_column(JSON)
    switches: Mapped[dict] = mapped_column(JSON)
    exempt: Mapped[list | None] = mapped_column(JSON, nullable=True)
    options: Mapped[dict] = mapped_column(JSON)
    input_file: Mapped[str | None] = mapped_column(Text, nullable=True)
    input_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    inputs: Mapped[list] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    result_sha256: Mapped[str] = mapped_column(String(64))
    flows: Mapped[dict] = mapped_column(JSON)
    notes: Mapped[list] = mapped_column(JSON)
    marks: Mapped[list] = mapped_column(JSON)
    awards: Mapped[list] = mapped_column(JSON)
    clearing: Mapped[list] = mapped_column(JSON)
    complete: Mapped[bool] = mapped_column(Boolean)
    rerun_of: Mapped[int | None] = mapped_column(ForeignKey("compensation_run.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_by_role: Mapped[str] = mapped_column(String(32))
    created_by_unit: Mapped[str] = mapped_column(String(16))


class LedgerRow(Base):
    __tablename__ = "compensation_ledger_row"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("compensation_run.id"))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(32))
    rule_version: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 4), nullable=True)
    direction: Mapped[str] = mapped_column(String(32))
    complete: Mapped[bool] = mapped_column(Boolean)
    exempt: Mapped[bool] = mapped_column(Boolean)
    terms: Mapped[dict] = mapped_column(JSON)
