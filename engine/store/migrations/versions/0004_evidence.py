"""Evidence files attached to the whole-process record; both tables refuse UPDATE and DELETE.

PostgreSQL: the evidence table gets a statement trigger like the records table's (0001).
SQLite: row triggers that RAISE(ABORT) on UPDATE or DELETE, for records and evidence alike, so that
on the embedded database too the database itself refuses to change what was recorded.

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION sanxiang_evidence_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'evidence is append-only: % refused (证据不可修改或删除)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
PG_TRIGGER = """
CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON evidence
FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_evidence_refuse_change()
"""
SQLITE_TRIGGERS = {
    f"{table}_no_{operation.lower()}": f"""
CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} are append-only: {operation} refused ({zh})'); END
"""
    for table, zh in (("records", "全过程记录不可修改或删除"), ("evidence", "证据不可修改或删除"))
    for operation in ("UPDATE", "DELETE")
}


def _refuse_changes() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    elif dialect == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("covers_whole", sa.Boolean(), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("record_seq", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_evidence_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_task_id"), ["task_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_sha256"), ["sha256"], unique=False)
        batch_op.create_index("ix_evidence_case_id_sha256", ["case_id", "sha256"], unique=False)
    _refuse_changes()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evidence_append_only ON evidence")
        op.execute("DROP FUNCTION IF EXISTS sanxiang_evidence_refuse_change()")
    elif dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_case_id_sha256")
        batch_op.drop_index(batch_op.f("ix_evidence_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_task_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_case_id"))
    op.drop_table("evidence")
