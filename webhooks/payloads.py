"""The outbound event envelope and the catalogue of event types.

Every event body follows the Standard Webhooks shape::

    {"type": "decision.made", "timestamp": "2026-03-02T08:00:00.000Z", "data": {...}}

``timestamp`` is when the event happened (UTC, ISO 8601 with milliseconds and ``Z``); the
sending time is in the ``webhook-timestamp`` header instead. The case id, when given, is put in
``data.caseId`` (keys are camelCase, as in the inbound application schema).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from webhooks.errors import UnknownEventType

CASE_STARTED = "case.started"
TASK_CREATED = "task.created"
TASK_COMPLETED = "task.completed"
REVIEW_COMPLETED = "review.completed"
DECISION_MADE = "decision.made"
DISCLOSURE_PUBLISHED = "disclosure.published"
DISCLOSURE_WITHDRAWN = "disclosure.withdrawn"
DEADLINE_WARNING = "deadline.warning"
DEADLINE_OVERDUE = "deadline.overdue"
CASE_STUCK = "case.stuck"
CASE_FAILED = "case.failed"
AUDIT_HEAD_EXPORTED = "audit.head-exported"

EVENT_TYPES: frozenset[str] = frozenset(
    {
        CASE_STARTED,
        TASK_CREATED,
        TASK_COMPLETED,
        REVIEW_COMPLETED,
        DECISION_MADE,
        DISCLOSURE_PUBLISHED,
        DISCLOSURE_WITHDRAWN,
        DEADLINE_WARNING,
        DEADLINE_OVERDUE,
        CASE_STUCK,
        CASE_FAILED,
        AUDIT_HEAD_EXPORTED,
    }
)


def is_event_type(name: str) -> bool:
    """Whether ``name`` is in the catalogue :data:`EVENT_TYPES`."""
    return name in EVENT_TYPES


def check_event_type(name: str) -> None:
    """Raise :class:`UnknownEventType` unless ``name`` is in :data:`EVENT_TYPES`."""
    if not is_event_type(name):
        raise UnknownEventType(f"未知的事件类型：{name!r}", f"unknown event type: {name!r}")


def make_event(
    event_type: str,
    data: Mapping[str, Any],
    *,
    occurred_at: datetime,
    case_id: str | None = None,
) -> dict[str, Any]:
    """The envelope for one event; ``occurred_at`` must be timezone-aware.

    Raises :class:`UnknownEventType` for a type outside the catalogue and ``ValueError`` for a
    naive ``occurred_at`` or a ``data.caseId`` that contradicts ``case_id``.
    """
    check_event_type(event_type)
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise ValueError("occurred_at must be timezone-aware")
    body = dict(data)
    if case_id is not None:
        if body.get("caseId", case_id) != case_id:
            raise ValueError("data.caseId differs from case_id")
        body["caseId"] = case_id
    stamp = occurred_at.astimezone(UTC).isoformat(timespec="milliseconds")
    return {"type": event_type, "timestamp": stamp.replace("+00:00", "Z"), "data": body}
