"""evaluation: submitted indicator values and their review state

Revision ID: evaluation_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "evaluation_0001"
down_revision = None
branch_labels = ("evaluation",)
depends_on = "accounts_0001"


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "evaluation_submission",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("framework", sa.String(64), nullable=False),
        sa.Column("framework_version", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("value", sa.Numeric(18, 6), nullable=False),
        sa.Column("measure_unit", sa.String(32), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("evidence_note", sa.Text, nullable=False),
        sa.Column("evidence_sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated_at", tz, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("submitted_at", tz, nullable=True),
        sa.Column("submitted_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("reviewed_at", tz, nullable=True),
        sa.Column("reviewed_by", sa.String(64), nullable=False, server_default=""),
        sa.UniqueConstraint("framework", "unit", "year", "indicator",
                            name="uq_evaluation_submission_key"),
    )
    op.create_index("ix_evaluation_submission_state", "evaluation_submission",
                    ["framework", "year", "state"])


def downgrade() -> None:
    op.drop_index("ix_evaluation_submission_state", "evaluation_submission")
    op.drop_table("evaluation_submission")
