"""External tasks waiting for a worker (Camunda 7's fetchAndLock).

Revision ID: 0016_c7ext_external_tasks
Revises: 0015_c7call_case_calls
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_c7ext_external_tasks"
down_revision = "0015_c7call_case_calls"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "external_tasks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("process_key", sa.String(length=200), nullable=False),
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("business_key", sa.String(length=200), nullable=True),
        sa.Column("worker_id", sa.String(length=255), nullable=True),
        sa.Column("locked_by", sa.String(length=64), nullable=True),
        sa.Column("lock_expires_at", TS, nullable=True),
        sa.Column("retries", sa.Integer(), nullable=True),
        sa.Column("retry_at", TS, nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_details", sa.Text(), nullable=True),
        sa.Column("priority", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("incident_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_external_tasks_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_tasks")),
    )
    op.create_index("ix_external_tasks_topic", "external_tasks", ["topic", "priority"])
    op.create_index("ix_external_tasks_case_id", "external_tasks", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_external_tasks_case_id", table_name="external_tasks")
    op.drop_index("ix_external_tasks_topic", table_name="external_tasks")
    op.drop_table("external_tasks")
