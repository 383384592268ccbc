"""carbon: enterprises, units, activity data, verified emissions, surrenders, prices, products

Revision ID: carbon_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "carbon_0001"
down_revision = None
branch_labels = ("carbon",)
depends_on = "accounts_0001"


def _n(name):
    return sa.Column(name, sa.Numeric(24, 8), nullable=True)


def upgrade() -> None:
    op.create_table(
        "carbon_enterprise",
        sa.Column("credit_code", sa.String(18), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("city_code", sa.String(6), nullable=False),
        sa.Column("county_code", sa.String(6)),
        sa.Column("sector", sa.String(16), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
        _n("net_sales_t"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "carbon_unit",
        sa.Column("unit_id", sa.String(40), primary_key=True),
        sa.Column("credit_code", sa.String(18), sa.ForeignKey("carbon_enterprise.credit_code"),
                  nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("unit_type", sa.String(24), nullable=False),
        sa.Column("category", sa.String(4), nullable=False),
        _n("capacity_mw"),
        sa.Column("cooling", sa.String(8)),
        sa.Column("generation_type", sa.String(12), nullable=False),
    )
    unit_fk = lambda: sa.Column("unit_id", sa.String(40),  # noqa: E731
                                sa.ForeignKey("carbon_unit.unit_id"), nullable=False)
    op.create_table(
        "carbon_unit_year", sa.Column("id", sa.Integer, primary_key=True), unit_fk(),
        sa.Column("year", sa.Integer, nullable=False),
        *[_n(c) for c in ("generation_mwh", "supply_mwh", "heat_gj", "heat_ratio", "load_factor",
                          "hours")],
        sa.UniqueConstraint("unit_id", "year"),
    )
    op.create_table(
        "carbon_fuel_month", sa.Column("id", sa.Integer, primary_key=True), unit_fk(),
        sa.Column("year", sa.Integer, nullable=False), sa.Column("month", sa.Integer, nullable=False),
        sa.Column("fuel", sa.String(16), nullable=False), _n("consumption"),
        sa.Column("unit", sa.String(12), nullable=False),
        *[_n(c) for c in ("ncv", "carbon_ar", "cc", "oxidation")],
        sa.Column("lab", sa.String(200)), sa.Column("reported_on", sa.Date),
        sa.UniqueConstraint("unit_id", "year", "month", "fuel"),
    )
    op.create_table(
        "carbon_electricity_month", sa.Column("id", sa.Integer, primary_key=True), unit_fk(),
        sa.Column("year", sa.Integer, nullable=False), sa.Column("month", sa.Integer, nullable=False),
        _n("purchased_mwh"), sa.UniqueConstraint("unit_id", "year", "month"),
    )
    op.create_table(
        "carbon_verified", sa.Column("id", sa.Integer, primary_key=True), unit_fk(),
        sa.Column("vintage", sa.String(9), nullable=False),
        _n("verified_direct_t"), _n("verified_indirect_t"), sa.Column("verifier", sa.String(200)),
        sa.UniqueConstraint("unit_id", "vintage"),
    )
    op.create_table(
        "carbon_surrender", sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("credit_code", sa.String(18), sa.ForeignKey("carbon_enterprise.credit_code"),
                  nullable=False),
        sa.Column("vintage", sa.String(9), nullable=False),
        sa.Column("date", sa.Date, nullable=False), _n("cea_t"), _n("ccer_t"),
    )
    op.create_table(
        "carbon_price", sa.Column("month", sa.String(7), primary_key=True),
        _n("avg_price_cny"), sa.Column("source", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "carbon_product", sa.Column("product_id", sa.String(40), primary_key=True),
        sa.Column("credit_code", sa.String(18), sa.ForeignKey("carbon_enterprise.credit_code"),
                  nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("declared_unit", sa.String(60), nullable=False),
        sa.Column("boundary", sa.String(16), nullable=False),
        sa.Column("standard", sa.String(40), nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "carbon_bom_line", sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("product_id", sa.String(40), sa.ForeignKey("carbon_product.product_id"),
                  nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("input_id", sa.String(60), nullable=False),
        sa.Column("input_name", sa.String(200), nullable=False),
        _n("amount"), sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("factor_id", sa.String(60), nullable=False, server_default=""),
        _n("allocation_share"),
    )


def downgrade() -> None:
    for t in ("carbon_bom_line", "carbon_product", "carbon_price", "carbon_surrender",
              "carbon_verified", "carbon_electricity_month", "carbon_fuel_month",
              "carbon_unit_year", "carbon_unit", "carbon_enterprise"):
        op.drop_table(t)
