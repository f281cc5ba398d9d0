"""Withdrawing a published decision (撤回公示): within 3 working days after it was revoked, confirmed
unlawful or ordered redone."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from engine.disclosure.draft import local_day, parse_days
from engine.disclosure.publish import _calendar, _disclosure_case, _repo, get_disclosure
from engine.disclosure.redaction import redact
from engine.disclosure.rows import (
    DisclosureRow,
    Withdrawal,
)
from engine.errors import Conflict, InvalidInput, NotFound
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, RecordDraft
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record

if TYPE_CHECKING:
    pass


WITHDRAWAL_DAYS = 3


WITHDRAWAL_KINDS: dict[str, tuple[str, str]] = {
    "revoked": ("决定被撤销", "the decision was revoked"),
    "unlawful": ("决定被确认违法", "the decision was confirmed unlawful"),
    "redo": ("决定被责令重新作出", "the decision was ordered to be redone"),
}


# -- withdrawal --------------------------------------------------------------------------------------
@refusals_on_record("disclosure.withdraw", locate=_disclosure_case, keep={"kind": "kind", "reason": "reason"})
def withdraw_disclosure(
    ctx: AppContext,
    disclosure_id: int,
    actor: Actor,
    *,
    kind: str,
    reason: str,
    fell_on: dt.date | None = None,
) -> DisclosureRow:
    """Withdraw the disclosure of a decision revoked, confirmed unlawful or ordered to be redone."""
    authorize(None, Permission.DISCLOSURE_WITHDRAW, actor)
    if kind not in WITHDRAWAL_KINDS:
        raise InvalidInput(
            f"撤回类型须为 {'、'.join(WITHDRAWAL_KINDS)}",
            f"kind must be one of {', '.join(WITHDRAWAL_KINDS)}",
            code="invalid-withdrawal",
        )
    if len(reason.strip()) < 2:
        raise InvalidInput("请写明撤回理由", "Give the reason for the withdrawal", code="invalid-withdrawal")
    now = ctx.clock()
    today = local_day(now)
    with ctx.uow() as uow:
        row = _repo(uow).get(disclosure_id)
        if row is None:
            raise NotFound("公示不存在", f"No disclosure {disclosure_id}", code="disclosure-not-found")
        process = uow.processes.latest(row.process_key)
        days = parse_days(
            process.properties.get("sanxiang.withdrawalDays") if process else None, WITHDRAWAL_DAYS
        )
        due = _calendar(ctx, uow).add_workdays(fell_on or today, days or 0).date
        shown = redact(reason.strip())
        done = Withdrawal(now, actor.user_id, kind, shown.text, due, today > due)
        if not _repo(uow).withdraw(row.id, done):
            raise Conflict("该公示已撤回", "The disclosure is already withdrawn", code="disclosure-withdrawn")
        record(
            ctx,
            uow,
            RecordDraft(
                action="disclosure.withdrawn",
                actor=actor.user_id,
                actor_role="disclosure",
                case_id=row.case_id,
                payload={
                    "disclosure": row.id,
                    "kind": kind,
                    "reason": reason.strip(),
                    "shownReason": shown.text,
                    "fellOn": (fell_on or today).isoformat(),
                    "dueOn": due.isoformat(),
                    "late": today > due,
                    "wasPublished": row.published_at is not None,
                    "item": row.process_key,
                },
            ),
            now,
        )
        uow.commit()
    return get_disclosure(ctx, disclosure_id, actor)
