"""governance: cases, units, events (append-only), evidence files, public-number counters

Revision ID: governance_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "governance_0001"
down_revision = None
branch_labels = ("governance",)
depends_on = "accounts_0001"

#: the event log is append-only, like audit_event (spec/governance.md §8.3, §11.2)
PG_GUARD = """
CREATE FUNCTION governance_event_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'governance_event is append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER governance_event_no_update BEFORE UPDATE OR DELETE ON governance_event
FOR EACH ROW EXECUTE FUNCTION governance_event_append_only();
"""
SQLITE_GUARD = [
    "CREATE TRIGGER governance_event_no_update BEFORE UPDATE ON governance_event "
    "BEGIN SELECT RAISE(ABORT, 'governance_event is append-only'); END",
    "CREATE TRIGGER governance_event_no_delete BEFORE DELETE ON governance_event "
    "BEGIN SELECT RAISE(ABORT, 'governance_event is append-only'); END",
    "CREATE TRIGGER governance_evidence_no_update BEFORE UPDATE ON governance_evidence "
    "BEGIN SELECT RAISE(ABORT, 'governance_evidence is immutable'); END",
]


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "governance_case",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("public_no", sa.String(40), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("city_code", sa.String(16), nullable=False),
        sa.Column("primary_org_unit", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("is_public", sa.Boolean, nullable=False),
        sa.Column("synthetic", sa.Boolean, nullable=False),
        sa.Column("external_id", sa.String(64), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("personal", sa.JSON, nullable=False),
        sa.Column("clocks", sa.JSON, nullable=False),
        sa.Column("signatures", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("updated_at", tz, nullable=False),
    )
    op.create_index("ix_governance_case_kind", "governance_case", ["kind"])
    op.create_index("ix_governance_case_city_code", "governance_case", ["city_code"])
    op.create_table(
        "governance_case_unit",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("governance_case.id"), primary_key=True),
        sa.Column("unit", sa.String(32), primary_key=True),
        sa.Column("is_primary", sa.Boolean, nullable=False),
    )
    op.create_index("ix_governance_case_unit_unit", "governance_case_unit", ["unit"])
    op.create_table(
        "governance_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("governance_case.id"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("ts", tz, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("transition", sa.String(64), nullable=False),
        sa.Column("from_state", sa.String(32), nullable=True),
        sa.Column("to_state", sa.String(32), nullable=False),
        sa.Column("actor_username", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("rule_version", sa.String(64), nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_governance_event_case_seq"),
    )
    op.create_index("ix_governance_event_case_id", "governance_event", ["case_id"])
    op.create_table(
        "governance_evidence",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("first_name", sa.String(255), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "governance_case_evidence",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("governance_case.id"), primary_key=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("governance_evidence.sha256"),
                  primary_key=True),
        sa.Column("criterion", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("added_at", tz, nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "governance_counter",
        sa.Column("series", sa.String(40), primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(PG_GUARD)
    elif bind.dialect.name == "sqlite":
        for stmt in SQLITE_GUARD:
            op.execute(stmt)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS governance_event_no_update ON governance_event")
        op.execute("DROP FUNCTION IF EXISTS governance_event_append_only()")
    for t in ("governance_counter", "governance_case_evidence", "governance_evidence",
              "governance_event", "governance_case_unit", "governance_case"):
        op.drop_table(t)
