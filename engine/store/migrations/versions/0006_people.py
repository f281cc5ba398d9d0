"""People and access: staff register, passwords, login attempts and sessions, delegations, notifications.

Revision ID: 0006
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    _access_tables()
    _work_tables()


def _access_tables() -> None:
    op.create_table(
        "staff",
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("post", sa.String(200), nullable=False),
        sa.Column("department", sa.String(200), nullable=False),
        sa.Column("window", sa.String(200), nullable=False),
        sa.Column("certificate_no", sa.String(100), nullable=False),
        sa.Column("certificate_issuer", sa.String(200), nullable=False),
        sa.Column("certificate_valid_until", sa.Date(), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_staff_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_staff"),
    )
    op.create_table(
        "passwords",
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(500), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_passwords_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_passwords"),
    )
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
    op.create_table(
        "login_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("remote", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_login_sessions_user_id_users"),
        sa.PrimaryKeyConstraint("id_hash", name="pk_login_sessions"),
    )
    op.create_index("ix_login_sessions_user_id", "login_sessions", ["user_id"])


def _work_tables() -> None:
    op.create_table(
        "task_delegations",
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("delegate", sa.String(64), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name="fk_task_delegations_task_id_tasks"),
        sa.PrimaryKeyConstraint("task_id", name="pk_task_delegations"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(64), nullable=True),
        sa.Column("group_name", sa.String(64), nullable=True),
        sa.Column("case_id", sa.String(32), nullable=True),
        sa.Column("task_id", sa.String(36), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
    )
    op.create_index("ix_notifications_user_id", "notifications", ["user_id"])
    op.create_index("ix_notifications_group_name", "notifications", ["group_name"])
    op.create_index("ix_notifications_task_id", "notifications", ["task_id"])


def downgrade() -> None:
    for index, table in (
        ("ix_notifications_task_id", "notifications"),
        ("ix_notifications_group_name", "notifications"),
        ("ix_notifications_user_id", "notifications"),
        ("ix_login_sessions_user_id", "login_sessions"),
        ("ix_login_attempts_login_at", "login_attempts"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "notifications",
        "task_delegations",
        "login_sessions",
        "login_attempts",
        "passwords",
        "staff",
    ):
        op.drop_table(table)
