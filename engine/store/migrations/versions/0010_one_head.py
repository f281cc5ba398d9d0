"""Join the areas' migrations (built in parallel from 0001) into one head; later ones follow 0010.

Revision ID: 0010
Revises: 0002, 0003, 0004, 0005, 0006, 0007, 0009
"""

from __future__ import annotations

revision = "0010"
down_revision = ("0002", "0003", "0004", "0005", "0006", "0007", "0009")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
