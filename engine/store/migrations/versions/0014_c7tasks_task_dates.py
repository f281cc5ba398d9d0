"""Tasks keep Camunda 7's follow-up date and priority (camunda:followUpDate, camunda:priority).

Revision ID: 0014_c7tasks_task_dates
Revises: 0013_i13access_refusal_windows
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_c7tasks_task_dates"
down_revision = "0013_i13access_refusal_windows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("follow_up_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="50"))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("priority")
        batch.drop_column("follow_up_at")
