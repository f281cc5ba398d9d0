"""Accounts: a bounded security log replaces login_attempts; API tokens get an id, an expiry and revocation.

Revision ID: 0012_i13_accounts
Revises: 0011_i13_record_heads
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_i13_accounts"
down_revision = "0011_i13_record_heads"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "security_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("remote", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_security_log"),
    )
    op.create_index("ix_security_log_at", "security_log", ["at"])
    op.create_index("ix_security_log_login_client_at", "security_log", ["login", "client", "at"])
    op.create_index("ix_security_log_client_at", "security_log", ["client", "at"])
    op.drop_index("ix_login_attempts_login_at", table_name="login_attempts")
    op.drop_table("login_attempts")  # throttle state only: the failures of the last minutes
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id", sa.String(12), nullable=True))
        batch_op.add_column(sa.Column("expires_at", TS, nullable=True))
        batch_op.add_column(sa.Column("revoked_at", TS, nullable=True))
    op.execute("UPDATE api_tokens SET id = substr(token_hash, 1, 12)")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("id", existing_type=sa.String(12), nullable=False)
        batch_op.create_unique_constraint("uq_api_tokens_id", ["id"])


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint("uq_api_tokens_id", type_="unique")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("id")
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("remote", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_login_at", "login_attempts", ["login", "at"])
    for index in ("ix_security_log_client_at", "ix_security_log_login_client_at", "ix_security_log_at"):
        op.drop_index(index, table_name="security_log")
    op.drop_table("security_log")
