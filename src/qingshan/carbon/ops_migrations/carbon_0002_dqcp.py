"""carbon: data-quality-control plans (one row per unit × plan version × parameter)

Revision ID: carbon_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "carbon_0002"
down_revision = "carbon_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    unit_fk = sa.Column("unit_id", sa.String(40), sa.ForeignKey("carbon_unit.unit_id"),
                        nullable=False)
    op.create_table(
        "carbon_dqcp_item", sa.Column("id", sa.Integer, primary_key=True), unit_fk,
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("parameter", sa.String(24), nullable=False),
        sa.Column("source", sa.String(200)), sa.Column("instrument", sa.String(200)),
        sa.Column("accuracy_class", sa.String(20)),
        sa.Column("calibration_interval_months", sa.Integer),
        sa.Column("last_calibration", sa.Date),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("method_standard", sa.String(200)), sa.Column("department", sa.String(200)),
        sa.UniqueConstraint("unit_id", "version", "parameter"),
    )


def downgrade() -> None:
    op.drop_table("carbon_dqcp_item")
