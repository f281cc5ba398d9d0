"""Child cases: a case opened by a call activity of another case (migration 0015)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table

from engine.store.tables import TS, metadata

# One row per child case: its parent case, the parent's call-activity task (the SpiffWorkflow task id that
# waits for it) and element; ``returned_at`` once its variables flowed back and the parent went on.
case_calls = Table(
    "case_calls",
    metadata,
    Column("child_case_id", String(32), ForeignKey("cases.id"), primary_key=True),
    Column("parent_case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("parent_task_id", String(36), nullable=False),
    Column("element_id", String(200), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("returned_at", TS, nullable=True),
    Index("ix_case_calls_parent_case_id", "parent_case_id"),
)
