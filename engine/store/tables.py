"""The tables. Alembic migrations in ``engine/store/migrations`` create exactly these."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone: we store UTC and re-attach it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


TS = UtcDateTime()

users = Table(
    "users",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", TS, nullable=False),
)

user_groups = Table(
    "user_groups",
    metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("group_name", String(64), primary_key=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the token (the token is never kept)
    Column("id", String(12), nullable=False, unique=True),  # public id (the hash's first 12 hex digits)
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=True),
    Column("revoked_at", TS, nullable=True),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)

processes = Table(
    "processes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(500), nullable=False, default=""),
    Column("sha256", String(64), nullable=False),
    Column("xml", Text, nullable=False),
    Column("properties", Text, nullable=False, default="{}"),
    Column("forms", Text, nullable=False, default="{}"),
    Column("deployed_at", TS, nullable=False),
    Column("deployed_by", String(64), nullable=False),
    UniqueConstraint("key", "version"),
    Index("ix_processes_key_sha256", "key", "sha256"),
)

forms = Table(
    "forms",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("form_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("deployed_at", TS, nullable=False),
    Column("deployed_by", String(64), nullable=False),
    UniqueConstraint("form_id", "version"),
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("process_id", Integer, ForeignKey("processes.id"), nullable=False),
    Column("process_key", String(200), nullable=False),
    Column("business_key", String(200), nullable=True, index=True),
    Column("status", String(20), nullable=False, index=True),
    Column("applicant", Text, nullable=False, default="{}"),
    Column("state", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("started_by", String(64), nullable=False),
    Column("started_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("ended_at", TS, nullable=True),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False, index=True),
    Column("process_key", String(200), nullable=False),
    Column("element_id", String(200), nullable=False),
    Column("name", String(500), nullable=False),
    Column("role", String(40), nullable=True),
    Column("status", String(20), nullable=False),
    Column("assignee", String(64), nullable=True),
    Column("candidate_groups", String(1000), nullable=False, default=""),
    Column("candidate_users", String(1000), nullable=False, default=""),
    Column("form_id", String(200), nullable=True),
    Column("due_at", TS, nullable=True),
    Column("created_at", TS, nullable=False),
    Column("completed_at", TS, nullable=True),
    Column("completed_by", String(64), nullable=True),
    Column("follow_up_at", TS, nullable=True),  # camunda:followUpDate
    Column("priority", Integer, nullable=False, server_default="50"),  # camunda:priority
    Index("ix_tasks_status_assignee", "status", "assignee"),
)

task_candidates = Table(
    "task_candidates",
    metadata,
    Column("task_id", String(36), ForeignKey("tasks.id"), primary_key=True),
    Column("kind", String(5), primary_key=True),  # "group" | "user"
    Column("value", String(64), primary_key=True),
    Index("ix_task_candidates_kind_value", "kind", "value"),
)

records = Table(
    "records",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # global chain position
    Column("case_id", String(32), nullable=True),
    Column("case_seq", Integer, nullable=True),
    Column("task_id", String(36), nullable=True),
    Column("element_id", String(200), nullable=True),
    Column("action", String(64), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("actor_role", String(64), nullable=False, default=""),
    Column("recorded_at", TS, nullable=False),
    Column("payload", Text, nullable=False),
    Column("evidence", Text, nullable=False, default="[]"),
    Column("corrects", Integer, nullable=True),
    Column("content_hash", String(64), nullable=False),
    Column("case_prev", String(64), nullable=True),
    Column("case_link", String(64), nullable=True),
    Column("global_prev", String(64), nullable=False),
    Column("global_link", String(64), nullable=False),
    UniqueConstraint("case_id", "case_seq"),
)
