"""Kept signed heads of the global record chain (a head every N entries or M minutes); append-only.

PostgreSQL: a statement trigger refuses UPDATE, DELETE and TRUNCATE, like the records table's.
SQLite: row triggers that RAISE(ABORT) on UPDATE or DELETE.

Revision ID: 0011_i13_record_heads
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_i13_record_heads"
down_revision = "0010"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION sanxiang_record_heads_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'record heads are append-only: % refused (签名链头不可修改或删除)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
PG_TRIGGER = """
CREATE TRIGGER record_heads_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON record_heads
FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_record_heads_refuse_change()
"""
SQLITE_TRIGGERS = {
    f"record_heads_no_{operation.lower()}": f"""
CREATE TRIGGER record_heads_no_{operation.lower()} BEFORE {operation} ON record_heads
BEGIN SELECT RAISE(ABORT, 'record heads are append-only: {operation} refused (签名链头不可修改或删除)'); END
"""
    for operation in ("UPDATE", "DELETE")
}


def upgrade() -> None:
    op.create_table(
        "record_heads",
        sa.Column("global_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("global_seq", name=op.f("pk_record_heads")),
    )
    with op.batch_alter_table("record_heads", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_heads_key_fingerprint_global_seq", ["key_fingerprint", "global_seq"], unique=False
        )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    elif dialect == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS record_heads_append_only ON record_heads")
        op.execute("DROP FUNCTION IF EXISTS sanxiang_record_heads_refuse_change()")
    elif dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("record_heads", schema=None) as batch_op:
        batch_op.drop_index("ix_record_heads_key_fingerprint_global_seq")
    op.drop_table("record_heads")
