"""Refusal windows: how many refusals of one actor on one case were recorded or only counted.

Revision ID: 0013_i13access_refusal_windows
Revises: 0012_i13_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_i13access_refusal_windows"
down_revision = "0012_i13_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refusal_windows",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded", sa.Integer(), nullable=False),
        sa.Column("suppressed", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tally", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_refusal_windows_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", "actor", name=op.f("pk_refusal_windows")),
    )
    op.create_index("ix_refusal_windows_started_at", "refusal_windows", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_refusal_windows_started_at", table_name="refusal_windows")
    op.drop_table("refusal_windows")
