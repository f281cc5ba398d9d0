"""Tables of the disclosure area (公示): decisions to publish, applicants' query codes (migration 0007).

``disclosures`` is also the projection the public reads (the portal, the open data) and the
statistics read (one row per decision: its item, outcome, day and working days taken), so that
no public query ever touches the workflow state or the record table.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text

from engine.store.tables import TS, metadata

disclosures = Table(
    "disclosures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False, index=True),
    Column("process_key", String(200), nullable=False),
    Column("item_name", String(500), nullable=False),
    Column("item_code", String(100), nullable=False, default=""),
    Column("decision", String(20), nullable=False),  # "grant" | "deny" | what the form said
    Column("decision_no", String(100), nullable=False, default=""),
    Column("decided_at", TS, nullable=False),
    Column("decided_on", Date, nullable=False),  # the local (Asia/Shanghai) day of the decision
    Column("due_on", Date, nullable=False),  # publish at the latest on this working day
    Column("due_provenance", String(10), nullable=False),  # "official" | "estimated"
    Column("status", String(12), nullable=False),  # "pending" | "published" | "withdrawn"
    Column("draft_text", Text, nullable=False),  # unredacted: staff only, never public
    Column("preview_text", Text, nullable=False),  # the draft, redacted: what the clerk confirms
    Column("preview_rules", Text, nullable=False, default="[]"),
    Column("published_text", Text, nullable=True),
    Column("published_rules", Text, nullable=False, default="[]"),
    Column("published_at", TS, nullable=True),
    Column("published_by", String(64), nullable=True),
    Column("withdrawn_at", TS, nullable=True),
    Column("withdrawn_by", String(64), nullable=True),
    Column("withdrawal_kind", String(20), nullable=True),  # "revoked" | "unlawful" | "redo"
    Column("withdrawal_reason", Text, nullable=True),  # redacted
    Column("withdrawal_due_on", Date, nullable=True),
    Column("withdrawal_late", Boolean, nullable=True),
    Column("accepted_on", Date, nullable=True),  # statistics: the day counting started
    Column("working_days", Integer, nullable=True),  # statistics: working days acceptance → decision
    Column("limit_days", Integer, nullable=True),  # the promised (else statutory) limit
    Column("on_time", Boolean, nullable=True),
    Column("created_at", TS, nullable=False),
    Index("ix_disclosures_status_due_on", "status", "due_on"),
    Index("ix_disclosures_status_published_at", "status", "published_at"),
    Index("ix_disclosures_process_key_decided_on", "process_key", "decided_on"),
)

# One code per case, kept as a salted hash; the plain code is shown once, when it is issued.
query_codes = Table(
    "query_codes",
    metadata,
    Column("case_id", String(32), ForeignKey("cases.id"), primary_key=True),
    Column("salt", String(32), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("issued_at", TS, nullable=False),
    Column("issued_by", String(64), nullable=False),
)
