"""Operational tables of the evaluation domain: submitted indicator values and their review.

One row per (framework, unit, year, indicator): the value a city submits for a *submitted*
indicator, with who/when/source/evidence at every step; the history of every change is in the
hash-chained audit log (``qingshan.accounts.audit``) written in the same transaction.
States: draft → submitted → returned (with a comment) → submitted … → accepted. Only accepted
values are read by the engine.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qingshan.store.ops import Base

__all__ = ["Submission"]


class Submission(Base):
    __tablename__ = "evaluation_submission"
    __table_args__ = (UniqueConstraint("framework", "unit", "year", "indicator",
                                       name="uq_evaluation_submission_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    framework: Mapped[str] = mapped_column(String(64))
    framework_version: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Numeric(18, 6))
    measure_unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    evidence_note: Mapped[str] = mapped_column(Text)
    evidence_sha256: Mapped[str] = mapped_column(String(64), default="")
    state: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    submitted_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
