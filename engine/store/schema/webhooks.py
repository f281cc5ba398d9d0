"""Webhook tables: subscriptions, the outbox (one row per event and subscription), every delivery
attempt, and the inbound applications already turned into cases. Migration 0003 creates them."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Index, Integer, String, Table, Text

from engine.store.tables import TS, metadata

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("url", String(2048), nullable=False),
    Column("event_types", Text, nullable=False),  # JSON list; ["*"] = every event type
    Column("secret", String(200), nullable=False),  # whsec_…, needed to sign: shown once
    Column("description", String(200), nullable=False, default=""),
    Column("active", Boolean, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("removed_at", TS, nullable=True),
)

webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", String(40), primary_key=True),  # the webhook-id, the same on every retry
    Column("subscription_id", String(40), ForeignKey("webhook_subscriptions.id"), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("stream", String(64), nullable=False),  # the case id ("-" for events of no case)
    Column("sequence", Integer, nullable=False),  # order of the event within its stream
    Column("record_seq", Integer, nullable=False),  # the record entry that caused it
    Column("payload", Text, nullable=False),  # the envelope (webhooks.make_event), JSON
    Column("status", String(12), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", TS, nullable=False),
    Column("lease_owner", String(120), nullable=True),
    Column("lease_until", TS, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_latency_ms", Float, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("created_at", TS, nullable=False),
    Column("delivered_at", TS, nullable=True),
    Index("ix_webhook_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_webhook_outbox_subscription_id_stream_sequence", "subscription_id", "stream", "sequence"),
    Index("ix_webhook_outbox_stream_sequence", "stream", "sequence"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(40), ForeignKey("webhook_outbox.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("attempted_at", TS, nullable=False),
    Column("owner", String(120), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("status", Integer, nullable=True),
    Column("latency_ms", Float, nullable=False),
    Column("error", String(500), nullable=True),
)

inbound_applications = Table(
    "inbound_applications",
    metadata,
    Column("application_id", String(64), primary_key=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("item_code", String(64), nullable=False),
    Column("received_at", TS, nullable=False),
)
