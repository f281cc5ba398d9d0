"""Append to the whole-process record — the one way services record anything.

Every entry is appended in the caller's transaction; then each listener of the context sees it in
that same transaction (e.g. the webhook outbox turns ``case.started`` into an outbound event), so a
rolled-back change records nothing and sends nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.kernel.ports import RecordDraft, UnitOfWork


def record(ctx: Any, uow: UnitOfWork, draft: RecordDraft, now: datetime) -> Any:
    entry = uow.records.append(draft, now)
    for listener in ctx.listeners:
        listener(uow, entry)
    return entry
