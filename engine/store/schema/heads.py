"""Signed heads of the global record chain, kept so that verification can use the newest one."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table

from engine.store.tables import TS, metadata

record_heads = Table(
    "record_heads",
    metadata,
    Column("global_seq", Integer, primary_key=True, autoincrement=False),  # one head per position
    Column("head_hash", String(64), nullable=False),
    Column("signed_at", TS, nullable=False),
    Column("key_fingerprint", String(64), nullable=False),
    Column("signature", String(128), nullable=False),  # Ed25519, base64 (88 characters)
    Column("reason", String(16), nullable=False),  # entries | minutes | export | case-file | demand
    Index("ix_record_heads_key_fingerprint_global_seq", "key_fingerprint", "global_seq"),
)
