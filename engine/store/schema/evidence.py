"""Evidence rows: one per upload, each pointing at a content-addressed file and at its record entry."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from engine.store.tables import TS, metadata

evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False, index=True),
    Column("task_id", String(36), nullable=True, index=True),
    Column("element_id", String(200), nullable=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("name", String(500), nullable=False),
    Column("media_type", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # audio | video | image | document
    Column("size", BigInteger, nullable=False),
    Column("covers_whole", Boolean, nullable=False, default=False),
    Column("flags", Text, nullable=False, default="{}"),
    Column("record_seq", Integer, nullable=False),  # the evidence.added entry (global sequence)
    Column("added_by", String(64), nullable=False),
    Column("added_at", TS, nullable=False),
    Index("ix_evidence_case_id_sha256", "case_id", "sha256"),
)
