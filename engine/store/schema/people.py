"""People and access: the staff register, password hashes, the security log, login sessions, and the
state of the approval actions on tasks (delegations, notifications). Migrations 0006 and
0012_i13_accounts create them."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from engine.store.tables import TS, metadata

staff = Table(
    "staff",
    metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("post", String(200), nullable=False, default=""),
    Column("department", String(200), nullable=False, default=""),
    Column("window", String(200), nullable=False, default=""),
    Column("certificate_no", String(100), nullable=False, default=""),
    Column("certificate_issuer", String(200), nullable=False, default=""),
    Column("certificate_valid_until", Date, nullable=True),
    Column("updated_at", TS, nullable=False),
)

passwords = Table(
    "passwords",
    metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("hash", String(500), nullable=False),
    Column("changed_at", TS, nullable=False),
)

security_log = Table(  # accounts and access, never cases; bounded by age and rows (store.security_log)
    "security_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TS, nullable=False, index=True),
    Column("kind", String(20), nullable=False),  # "login" | "login-failed" | "logout"
    Column("login", String(64), nullable=False, default=""),  # what was typed: not necessarily a user
    Column("client", String(64), nullable=False, default=""),  # the address it counts by (IPv6: its /64)
    Column("remote", String(64), nullable=False, default=""),  # the address as seen
    Column("detail", Text, nullable=False, default="{}"),  # JSON: why a login failed
    Index("ix_security_log_login_client_at", "login", "client", "at"),
    Index("ix_security_log_client_at", "client", "at"),
)

login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # SHA-256 of the session id in the cookie
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("ended_at", TS, nullable=True),
    Column("remote", String(64), nullable=False, default=""),
)

task_delegations = Table(
    "task_delegations",
    metadata,
    Column("task_id", String(36), ForeignKey("tasks.id"), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("delegate", String(64), nullable=False),
    Column("state", String(10), nullable=False),  # "pending" | "resolved"
    Column("reason", Text, nullable=False, default=""),
    Column("at", TS, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=True, index=True),
    Column("group_name", String(64), nullable=True, index=True),
    Column("case_id", String(32), nullable=True),
    Column("task_id", String(36), nullable=True, index=True),
    Column("kind", String(20), nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("actor", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
)
