"""The open windows that bound how many refusals of one actor on one case are recorded
(``engine.record.refusals.rules``): one row per actor and case while a window is open."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from engine.store.tables import TS, metadata

refusal_windows = Table(
    "refusal_windows",
    metadata,
    Column("case_id", String(32), ForeignKey("cases.id"), primary_key=True),
    Column("actor", String(64), primary_key=True),
    Column("started_at", TS, nullable=False),
    Column("recorded", Integer, nullable=False, default=0),
    Column("suppressed", Integer, nullable=False, default=0),
    Column("last_at", TS, nullable=True),
    Column("tally", Text, nullable=False, default="{}"),  # JSON {"<attempt> <code>": count}
)
ix_refusal_windows_started_at = Index("ix_refusal_windows_started_at", refusal_windows.c.started_at)
