"""Timers and deadlines: the bureau's calendar days, due moments (claimed with a lease), case deadlines.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PENDING = sa.text("fired_at IS NULL")


def upgrade() -> None:
    _calendar_days()
    _due_items()
    _case_deadlines()
    op.bulk_insert(
        sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.Integer)),
        [{"name": "calendar.version", "value": 0}],
    )


def _calendar_days() -> None:
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_days")),
    )


def _due_items() -> None:
    op.create_table(
        "due_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_owner", sa.String(length=120), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_due_items_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_items")),
    )
    with op.batch_alter_table("due_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_due_items_pending_due_at",
            ["due_at"],
            unique=False,
            postgresql_where=PENDING,
            sqlite_where=PENDING,
        )
        batch_op.create_index("ix_due_items_case_id_kind", ["case_id", "kind"], unique=False)


def _case_deadlines() -> None:
    op.create_table(
        "case_deadlines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("stops", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("provenance", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_deadlines_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_deadlines")),
    )
    with op.batch_alter_table("case_deadlines", schema=None) as batch_op:
        batch_op.create_index("ix_case_deadlines_case_id_status", ["case_id", "status"], unique=False)
        batch_op.create_index("ix_case_deadlines_status_due_on", ["status", "due_on"], unique=False)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM counters WHERE name = 'calendar.version'"))
    with op.batch_alter_table("case_deadlines", schema=None) as batch_op:
        batch_op.drop_index("ix_case_deadlines_status_due_on")
        batch_op.drop_index("ix_case_deadlines_case_id_status")
    op.drop_table("case_deadlines")
    with op.batch_alter_table("due_items", schema=None) as batch_op:
        batch_op.drop_index("ix_due_items_case_id_kind")
        batch_op.drop_index("ix_due_items_pending_due_at")
    op.drop_table("due_items")
    op.drop_table("calendar_days")
