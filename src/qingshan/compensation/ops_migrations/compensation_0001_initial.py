"""compensation: stored ledger runs (rule versions, inputs' fingerprint, who ran it) and their rows

Revision ID: compensation_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "compensation_0001"
down_revision = None
branch_labels = ("compensation",)
depends_on = "accounts_0001"


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "compensation_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scheme", sa.String(16), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("rules", sa.JSON, nullable=False),
        sa.Column("switches", sa.JSON, nullable=False),
        sa.Column("exempt", sa.JSON, nullable=True),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("input_file", sa.Text, nullable=True),
        sa.Column("input_sha256", sa.String(64), nullable=True),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("result_sha256", sa.String(64), nullable=False),
        sa.Column("flows", sa.JSON, nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("marks", sa.JSON, nullable=False),
        sa.Column("awards", sa.JSON, nullable=False),
        sa.Column("clearing", sa.JSON, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("rerun_of", sa.Integer, sa.ForeignKey("compensation_run.id"), nullable=True),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("created_by_user_id", sa.Integer, nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_by_role", sa.String(32), nullable=False),
        sa.Column("created_by_unit", sa.String(16), nullable=False),
    )
    op.create_index("ix_compensation_run_period", "compensation_run", ["scheme", "period"])
    op.create_table(
        "compensation_ledger_row",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("compensation_run.id"), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("period", sa.String(32), nullable=False),
        sa.Column("rule_version", sa.String(32), nullable=False),
        sa.Column("amount", sa.Numeric(18, 4), nullable=True),
        sa.Column("direction", sa.String(32), nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("exempt", sa.Boolean, nullable=False),
        sa.Column("terms", sa.JSON, nullable=False),
    )
    op.create_index("ix_compensation_ledger_row_run", "compensation_ledger_row", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_compensation_ledger_row_run", "compensation_ledger_row")
    op.drop_table("compensation_ledger_row")
    op.drop_index("ix_compensation_run_period", "compensation_run")
    op.drop_table("compensation_run")
