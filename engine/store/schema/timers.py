"""Tables of the timers area: the bureau's calendar days, due moments, case deadlines (migration 0002)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, text

from engine.store.tables import TS, metadata

# One row per day the bureau fixed: a closure of its own, or a day of a loaded official schedule.
calendar_days = Table(
    "calendar_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("is_workday", Boolean, nullable=False),
    Column("note", String(200), nullable=True),
    Column("source", String(10), nullable=False),  # "closure" | "schedule"
    Column("loaded_by", String(64), nullable=False),
    Column("loaded_at", TS, nullable=False),
)

# Every due moment is a row: nodes claim due rows with a lease, fire them, mark them fired.
due_items = Table(
    "due_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(40), nullable=False),  # "bpmn-timer" | "deadline-warning" | …
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=True),
    Column("ref", String(64), nullable=True),  # e.g. the SpiffWorkflow task id of the timer
    Column("due_at", TS, nullable=False),
    Column("lease_owner", String(120), nullable=True),
    Column("lease_until", TS, nullable=True),
    Column("fired_at", TS, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500), nullable=True),
    Column("created_at", TS, nullable=False),
    # the claim query walks this partial index in due order and never touches fired rows
    Index(
        "ix_due_items_pending_due_at",
        "due_at",
        postgresql_where=text("fired_at IS NULL"),
        sqlite_where=text("fired_at IS NULL"),
    ),
    Index("ix_due_items_case_id_kind", "case_id", "kind"),
)

# The deadlines of each case, in working days; ``stops`` is a JSON list of clock stops.
case_deadlines = Table(
    "case_deadlines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("kind", String(30), nullable=False),  # engine.deadlines.rules.DeadlineKind
    Column("ref", String(64), nullable=True),  # the task a round belongs to (acceptance, review)
    Column("basis", String(200), nullable=False),
    Column("started_on", Date, nullable=False),  # counting starts the day after
    Column("limit_days", Integer, nullable=False),
    Column("extension_days", Integer, nullable=False, default=0),
    Column("extension_reason", Text, nullable=True),
    Column("stops", Text, nullable=False, default="[]"),
    Column("due_on", Date, nullable=True),  # None while the clock stands still
    Column("provenance", String(10), nullable=True),  # "official" | "estimated"
    Column("status", String(10), nullable=False),  # "open" | "met" | "cancelled"
    Column("level", String(10), nullable=False),  # "green" | "yellow" | "red"
    Column("version", Integer, nullable=False, default=0),
    Column("opened_at", TS, nullable=False),
    Column("closed_at", TS, nullable=True),
    Index("ix_case_deadlines_case_id_status", "case_id", "status"),
    Index("ix_case_deadlines_status_due_on", "status", "due_on"),
)
