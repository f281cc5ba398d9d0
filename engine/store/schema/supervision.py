"""Indexes the supervisor console reads with (migration 0009): failed steps are found among the records
by action, newest first, without scanning the whole record table."""

from __future__ import annotations

from sqlalchemy import Index

from engine.store.tables import records

ix_records_action_recorded_at = Index(
    "ix_records_action_recorded_at", records.c.action, records.c.recorded_at
)
