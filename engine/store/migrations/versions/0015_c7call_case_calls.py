"""Child cases of call activities (Camunda 7 call activities run as their own cases).

Revision ID: 0015_c7call_case_calls
Revises: 0014_c7tasks_task_dates
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_c7call_case_calls"
down_revision = "0014_c7tasks_task_dates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_calls",
        sa.Column("child_case_id", sa.String(length=32), nullable=False),
        sa.Column("parent_case_id", sa.String(length=32), nullable=False),
        sa.Column("parent_task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_case_id"], ["cases.id"], name=op.f("fk_case_calls_child_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["parent_case_id"], ["cases.id"], name=op.f("fk_case_calls_parent_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("child_case_id", name=op.f("pk_case_calls")),
    )
    op.create_index("ix_case_calls_parent_case_id", "case_calls", ["parent_case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_calls_parent_case_id", table_name="case_calls")
    op.drop_table("case_calls")
