"""Append to the whole-process record — the one way services record anything.

Every entry is appended in the caller's transaction; then each listener of the context sees it in
that same transaction (e.g. the webhook outbox turns ``case.started`` into an outbound event), so a
rolled-back change records nothing and sends nothing. The case recorded on is bound to the log lines
of the request or job from here on (``engine.kernel.log_context``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from engine.kernel import log_context
from engine.kernel.ports import RecordDraft, UnitOfWork

if TYPE_CHECKING:
    from engine.kernel.context import AppContext
    from engine.record.chain import Entry


def record(ctx: AppContext, uow: UnitOfWork, draft: RecordDraft, now: datetime) -> Entry:
    if draft.case_id:
        log_context.bind(case_id=draft.case_id)
    entry = uow.records.append(draft, now)
    for listener in ctx.listeners:
        listener(uow, entry)
    return entry
