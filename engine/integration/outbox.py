"""The transactional outbox: record entries become outbound webhook events in the same transaction.

``queue_events`` is a record listener (``AppContext.listeners``): after every record append it maps
the entry to events (``events_for``) and writes one outbox row per event and matching active
subscription. The rows commit or roll back with the change that caused them, so a rolled-back step
sends nothing; ``webhook_delivery`` sends them later, never while a request waits.

How record actions map to events (``RECORD_EVENTS``; a new record action plugs in with one line):

=========================  ===================================================================
record action              events (in this order)
=========================  ===================================================================
case.started               case.started
task.completed             task.completed; + review.completed when the task's role is
                           ``legal-review``; + decision.made when it is ``decision``
disclosure.published       disclosure.published   (data = the record's payload)
disclosure.withdrawn       disclosure.withdrawn   (data = the record's payload without the
                           unredacted ``reason``; ``shownReason`` is the published one)
deadline.warning           deadline.warning       (data = the record's payload)
deadline.overdue           deadline.overdue       (data = the record's payload)
case.stuck                 case.stuck             (data = the record's payload)
case.failed                case.failed            (data = the record's payload)
audit.head-exported        audit.head-exported    (data = the record's payload)
any entry                  + one task.created per task in the payload's ``created`` list
                           (steps: case.started, task.completed, message.received, timers …)
=========================  ===================================================================

Every event's ``data`` carries ``caseId`` (when it has one), ``sequence`` (increasing per case, not
necessarily contiguous for one subscription), ``recordSeq`` (the record entry's global position)
and ``actor``. Form data is not copied into events (it may hold personal data), except the review
conclusion and the decision, which the receiving platform needs.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from engine.integration.rows import NO_CASE, NewEvent
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import UnitOfWork
from engine.tasks.rules import ends_activation
from webhooks import make_event
from webhooks import payloads as ev

if TYPE_CHECKING:
    from engine.record.chain import Content, Entry

    pass

EventDraft = tuple[str, JsonObject]  # (event type, data)
Mapper = Callable[["Content"], list[EventDraft]]  # record Content -> events

REVIEW_ROLE = "legal-review"
DECISION_ROLE = "decision"


def new_event_id() -> str:
    """A webhook-id: ``msg_`` + 32 hex digits (the same id on every retry of the event)."""
    return f"msg_{uuid.uuid4().hex}"


def _task_fields(content: Content) -> JsonObject:
    return {"taskId": content.task_id, "elementId": content.element_id, "role": content.actor_role}


def _case_started(content: Content) -> list[EventDraft]:
    payload: Mapping[str, JsonValue] = content.payload
    return [
        (
            ev.CASE_STARTED,
            {
                "processKey": payload.get("process"),
                "processVersion": payload.get("version"),
                "businessKey": payload.get("businessKey"),
            },
        )
    ]


def _task_completed(content: Content) -> list[EventDraft]:
    data: Mapping[str, JsonValue] = content.payload.get("data") or {}
    found: list[EventDraft] = [(ev.TASK_COMPLETED, _task_fields(content))]
    if content.actor_role == REVIEW_ROLE:
        found.append(
            (ev.REVIEW_COMPLETED, {**_task_fields(content), "conclusion": data.get("reviewConclusion")})
        )
    if content.actor_role == DECISION_ROLE and ends_activation(content.payload):  # a co-signed one: once
        found.append((ev.DECISION_MADE, {**_task_fields(content), "decision": data.get("decision")}))
    return found


def _payload_as(event_type: str, *, drop: tuple[str, ...] = ()) -> Mapper:
    def mapper(content: Content) -> list[EventDraft]:
        return [(event_type, {k: v for k, v in content.payload.items() if k not in drop})]

    return mapper


RECORD_EVENTS: dict[str, Mapper] = {
    "case.started": _case_started,
    "task.completed": _task_completed,
    ev.DISCLOSURE_WITHDRAWN: _payload_as(ev.DISCLOSURE_WITHDRAWN, drop=("reason",)),  # unredacted
    **{
        name: _payload_as(name)
        for name in (
            ev.DISCLOSURE_PUBLISHED,
            ev.DEADLINE_WARNING,
            ev.DEADLINE_OVERDUE,
            ev.CASE_STUCK,
            ev.CASE_FAILED,
            ev.AUDIT_HEAD_EXPORTED,
        )
    },
}


def events_for(content: Content) -> list[EventDraft]:
    """The events one record entry's content stands for (see the table in the module doc)."""
    mapper = RECORD_EVENTS.get(content.action)
    found = mapper(content) if mapper else []
    for task in content.payload.get("created") or ():
        data = {"taskId": task.get("task"), "elementId": task.get("element"), "name": task.get("name")}
        found.append((ev.TASK_CREATED, data))
    return found


def queue_events(uow: UnitOfWork, entry: Entry) -> None:
    """Record listener: write the entry's events to the outbox, for each matching subscription."""
    content = entry.content
    drafts = events_for(content)
    if not drafts:
        return
    subscriptions = uow.webhooks.active_subscriptions()
    wanted = [(kind, data) for kind, data in drafts if any(s.wants(kind) for s in subscriptions)]
    if not wanted:
        return
    stream = content.case_id or NO_CASE
    sequence = uow.outbox.last_sequence(stream)
    rows: list[NewEvent] = []
    for kind, data in wanted:
        sequence += 1
        body = {**data, "sequence": sequence, "recordSeq": entry.global_seq, "actor": content.actor}
        envelope = make_event(kind, body, occurred_at=content.recorded_at, case_id=content.case_id)
        rows += [
            NewEvent(
                new_event_id(), s.id, kind, stream, sequence, entry.global_seq, envelope, content.recorded_at
            )
            for s in subscriptions
            if s.wants(kind)
        ]
    uow.outbox.add(rows, content.recorded_at)
