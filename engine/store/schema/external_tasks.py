"""External tasks waiting for a worker (``camunda:type="external"``, migration 0015): one row per task
the case's workflow waits at, added and removed in the transaction of the step (``external_tasks.sync``)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from engine.store.tables import TS, metadata

external_tasks = Table(
    "external_tasks",
    metadata,
    Column("id", String(64), primary_key=True),  # the workflow's task id
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("process_key", String(200), nullable=False),
    Column("process_id", Integer, nullable=False),  # the deployed version
    Column("element_id", String(200), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("business_key", String(200), nullable=True),
    Column("worker_id", String(255), nullable=True),
    Column("locked_by", String(64), nullable=True),  # the account that locked it
    Column("lock_expires_at", TS, nullable=True),
    Column("retries", Integer, nullable=True),  # None until a failure sets it; 0: an incident
    Column("retry_at", TS, nullable=True),  # a failure's retryTimeout: not fetched before
    Column("error_message", Text, nullable=True),
    Column("error_details", Text, nullable=True),
    Column("priority", BigInteger, nullable=False, default=0),
    Column("created_at", TS, nullable=False),
    Column("incident_at", TS, nullable=True),
)
ix_external_tasks_topic = Index("ix_external_tasks_topic", external_tasks.c.topic, external_tasks.c.priority)
ix_external_tasks_case_id = Index("ix_external_tasks_case_id", external_tasks.c.case_id)
