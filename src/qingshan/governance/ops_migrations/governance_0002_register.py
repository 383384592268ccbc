"""governance: project registers (§9)

Revision ID: governance_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "governance_0002"
down_revision = "governance_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "governance_register",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("register", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("city_code", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.UniqueConstraint("register", "key", name="uq_governance_register_register_key"),
    )
    op.create_index("ix_governance_register_city_code", "governance_register", ["city_code"])


def downgrade() -> None:
    op.drop_table("governance_register")
