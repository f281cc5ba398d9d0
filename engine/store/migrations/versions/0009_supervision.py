"""The supervisor console: an index on records(action, recorded_at) for failed steps and alerts.

Revision ID: 0009
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_records_action_recorded_at", "records", ["action", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_records_action_recorded_at", table_name="records")
