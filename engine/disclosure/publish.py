"""Publication of decisions (事后公开): scheduled when a case passes its 公示 task, published by a clerk
or — on its due working day at the latest — by the scheduler, withdrawn when the decision falls.

- ``schedule_disclosure`` is the effect handler of ``disclosure.schedule`` (``AppContext.effect_handlers``):
  in the step's transaction it drafts the text from the case's record, redacts it, and stores a pending
  disclosure due ``sanxiang.disclosureDays`` (7) working days after the decision day; record
  ``disclosure.scheduled``.
- ``publish_disclosure``: a window clerk or approver confirms the redacted preview, or sends an edited
  text that is redacted again; record ``disclosure.published`` with the published text and the rules.
- ``publish_due_disclosures``: the scheduler's job; publishes the preview of every pending disclosure
  whose due day has come (actor ``system``).
- ``withdraw_disclosure``: a decision revoked, confirmed unlawful or ordered to be redone; due within
  ``sanxiang.withdrawalDays`` (3) working days of that day (a later one is done and marked late);
  record ``disclosure.withdrawn``. The public page keeps the entry, says when, hides the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.kernel.repositories.disclosure import DisclosureRepositoryPort

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from engine.disclosure.draft import draft_text, local_day, parse_days, read_facts
from engine.disclosure.redaction import Redacted, redact
from engine.disclosure.rows import (
    PENDING,
    STATUSES,
    DisclosureRow,
    NewDisclosure,
    Publication,
)
from engine.disclosure.rules import disclosure_days, disclosure_due
from engine.errors import Conflict, InvalidInput, NotFound
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import SYSTEM, Actor, RecordDraft, TaskRow, UnitOfWork
from engine.kernel.workdays import WorkdayCalendar
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record

STATUTORY_DAYS = 20
MAX_TEXT = 20_000
__all__ = [
    "MAX_TEXT",
    "STATUSES",
    "get_disclosure",
    "list_disclosures",
    "publish_disclosure",
    "publish_due_disclosures",
    "schedule_disclosure",
]


def _calendar(ctx: AppContext, uow: UnitOfWork) -> WorkdayCalendar:
    calendar: WorkdayCalendar = ctx.calendar.refresh(uow)
    return calendar


def _rules(redacted: Redacted) -> list[JsonObject]:
    return [asdict(hit) for hit in redacted.applied]


def _repo(uow: UnitOfWork) -> DisclosureRepositoryPort:
    return uow.disclosures


# -- the effect: a case passed its 公示 task ---------------------------------------------------------
def schedule_disclosure(step: Any, effect: Any) -> None:
    """The ``disclosure.schedule`` effect handler (runs in the step's transaction)."""
    uow, case = step.uow, step.case
    process = uow.processes.get(case.process_id)
    props: dict[str, str] = dict(process.properties) if process else {}
    facts = read_facts(
        uow.records.for_case(case.id), case, decision=effect.payload.get("decision"), now=step.now
    )
    calendar = _calendar(step.app, uow)
    decided_on, accepted_on = local_day(facts.decided_at), local_day(facts.accepted_at)
    due = disclosure_due(calendar, decided_on, disclosure_days(props.get("sanxiang.disclosureDays")))
    limit = parse_days(props.get("sanxiang.promisedDays"), None) or parse_days(
        props.get("sanxiang.statutoryDays"), STATUTORY_DAYS
    )
    taken = calendar.workdays_between(accepted_on, decided_on)
    draft = draft_text(facts, case_id=case.id, properties=props)
    preview = redact(draft)
    row = _repo(uow).add(
        NewDisclosure(
            case_id=case.id,
            process_key=case.process_key,
            item_code=props.get("sanxiang.itemCode", ""),
            item_name=props.get("sanxiang.itemName") or case.process_key,
            decision=facts.decision[:20],
            decision_no=facts.decision_no[:100],
            decided_at=facts.decided_at,
            decided_on=decided_on,
            due_on=due.date,
            due_provenance=str(due.provenance),
            draft_text=draft,
            preview_text=preview.text,
            preview_rules=_rules(preview),
            accepted_on=accepted_on,
            working_days=taken,
            limit_days=limit,
            on_time=None if limit is None else taken <= limit,
            created_at=step.now,
        )
    )
    record(
        step.app,
        uow,
        RecordDraft(
            action="disclosure.scheduled",
            actor=SYSTEM.user_id,
            actor_role="disclosure",
            case_id=case.id,
            element_id=effect.element_id,
            payload={
                "disclosure": row.id,
                "decision": row.decision,
                "decidedOn": decided_on.isoformat(),
                "dueOn": due.date.isoformat(),
                "provenance": row.due_provenance,
                "preview": preview.text,
                "rules": row.preview_rules,
            },
        ),
        step.now,
    )


# -- publication -------------------------------------------------------------------------------------
def _pending(uow: UnitOfWork, disclosure_id: int) -> DisclosureRow:
    row: DisclosureRow | None = _repo(uow).get(disclosure_id)
    if row is None:
        raise NotFound("公示不存在", f"No disclosure {disclosure_id}", code="disclosure-not-found")
    if row.status != PENDING:
        raise Conflict(
            f"该公示已{'发布' if row.status == 'published' else '撤回'}，不能再发布",
            f"The disclosure is already {row.status}",
            code="disclosure-not-pending",
        )
    return row


def _publish(
    ctx: AppContext,
    uow: UnitOfWork,
    row: DisclosureRow,
    edited: Redacted | None,
    actor: Actor,
    now: dt.datetime,
) -> bool:
    """Publish the preview, or the clerk's edited text (redacted again), with the rules that masked it."""
    text, rules = (row.preview_text, row.preview_rules) if edited is None else (edited.text, _rules(edited))
    if not _repo(uow).publish(row.id, Publication(text, rules, now, actor.user_id)):
        return False
    record(
        ctx,
        uow,
        RecordDraft(
            action="disclosure.published",
            actor=actor.user_id,
            actor_role="disclosure",
            case_id=row.case_id,
            payload={
                "disclosure": row.id,
                "text": text,
                "rules": rules,
                "edited": edited is not None,
                "automatic": actor.user_id == SYSTEM.user_id,
                "dueOn": row.due_on.isoformat(),
                "onTime": local_day(now) <= row.due_on,
                "item": row.process_key,
                "decision": row.decision,
                "decisionNo": row.decision_no,
            },
        ),
        now,
    )
    return True


def _checked_text(text: str) -> str:
    text = text.strip()
    if not 5 <= len(text) <= MAX_TEXT:
        raise InvalidInput(
            f"公示文本须为 5 至 {MAX_TEXT} 个字符",
            f"The text must have 5 to {MAX_TEXT} characters",
            code="invalid-disclosure-text",
        )
    return text


def _disclosure_case(uow: UnitOfWork, args: Mapping[str, JsonValue]) -> tuple[str, TaskRow | None] | None:
    row: DisclosureRow | None = _repo(uow).get(int(args["disclosure_id"]))
    return (row.case_id, None) if row is not None else None


@refusals_on_record("disclosure.publish", locate=_disclosure_case)
def publish_disclosure(
    ctx: AppContext, disclosure_id: int, actor: Actor, text: str | None = None
) -> DisclosureRow:
    """The clerk confirms the redacted preview (or an edited text, redacted again) and publishes it."""
    authorize(None, Permission.DISCLOSURE_PUBLISH, actor)
    now = ctx.clock()
    with ctx.uow() as uow:
        row = _pending(uow, disclosure_id)
        edited = redact(_checked_text(text)) if text is not None else None
        if not _publish(ctx, uow, row, edited, actor, now):
            raise Conflict(
                "该公示已被同时发布",
                "The disclosure was published at the same time",
                code="disclosure-not-pending",
            )
        uow.commit()
    return get_disclosure(ctx, disclosure_id, actor)


def publish_due_disclosures(ctx: AppContext) -> int:
    """The scheduler's job: publish every pending disclosure whose due day has come. Returns how many."""
    now = ctx.clock()
    published = 0
    with ctx.uow() as uow:
        for row in _repo(uow).due(local_day(now)):
            published += _publish(ctx, uow, row, None, SYSTEM, now)
        uow.commit()
    return published


# -- staff reads -------------------------------------------------------------------------------------
def get_disclosure(ctx: AppContext, disclosure_id: int, actor: Actor) -> DisclosureRow:
    authorize(None, Permission.DISCLOSURE_READ, actor)
    with ctx.uow(readonly=True) as uow:
        row: DisclosureRow | None = _repo(uow).get(disclosure_id)
    if row is None:
        raise NotFound("公示不存在", f"No disclosure {disclosure_id}", code="disclosure-not-found")
    return row


def list_disclosures(
    ctx: AppContext,
    actor: Actor,
    *,
    status: str | None = None,
    case_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[DisclosureRow]:
    """Staff list by status; ``status="overdue"``: pending ones past their due day (for supervisors)."""
    authorize(None, Permission.DISCLOSURE_READ, actor)
    if status not in (None, "overdue", *STATUSES):
        raise InvalidInput("未知的公示状态", f"Unknown status {status}", code="invalid-status")
    with ctx.uow(readonly=True) as uow:
        if case_id:
            rows: list[DisclosureRow] = _repo(uow).for_case(case_id)
            return [r for r in rows if status in (None, r.status)]
        overdue = local_day(ctx.clock()) if status == "overdue" else None
        return list(
            _repo(uow).listing(
                status=None if overdue else status, overdue_on=overdue, limit=limit, offset=offset
            )
        )
