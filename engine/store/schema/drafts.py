"""Drafts of task forms: what a person typed and saved before submitting (one per task)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Text

from engine.store.tables import TS, metadata

task_drafts = Table(
    "task_drafts",
    metadata,
    Column("task_id", String(36), ForeignKey("tasks.id"), primary_key=True),
    Column("data", Text, nullable=False),  # JSON text of the form data as saved
    Column("saved_by", String(64), nullable=False),
    Column("saved_at", TS, nullable=False),
)
