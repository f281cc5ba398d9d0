"""Drive a case of ``tests/fixtures/deadline_case.bpmn`` through the services on a movable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from engine.cases.opening import open_case
from engine.deadlines.timers import fire_due_timers
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor
from engine.processes.deploy import deploy
from engine.tasks.claim_and_complete import complete_task
from tests.integration.form_data import VALID
from tests.integration.recordings import attach_recording
from tests.support import FIXTURES, ROOT, MovableClock

PEOPLE = {
    "wang": Actor("wang", frozenset({"window-clerk"})),
    "zhao": Actor("zhao", frozenset({"handler"})),
    "qian": Actor("qian", frozenset({"legal-reviewer"})),
    "sun": Actor("sun", frozenset({"approver"})),
    "zhou": Actor("zhou", frozenset({"supervisor"})),
    "li": Actor("li", frozenset({"designer"})),
    "admin": Actor("admin", frozenset({"admin", "designer", "supervisor"})),
}
PASSED_REVIEW: dict[str, Any] = VALID["legal-review"]
GRANT: dict[str, Any] = VALID["decision"]


def at(moment: str, hour: int = 9) -> datetime:
    """A local moment in Asia/Shanghai ("2026-10-16T15", or a day at ``hour`` o'clock), as aware UTC."""
    local = datetime.fromisoformat(moment)
    if "T" not in moment:
        local = local.replace(hour=hour)
    return local.replace(tzinfo=UTC) - timedelta(hours=8)


class DeadlineCase:
    def __init__(self, ctx: AppContext, clock: MovableClock, opened: str, **variables: Any) -> None:
        self.ctx, self.clock = ctx, clock
        files = [
            FIXTURES / "deadline_case.bpmn",
            ROOT / "forms" / "legal-review.form",
            ROOT / "forms" / "decision.form",
        ]
        deploy(ctx, [(f.name, f.read_bytes()) for f in files], PEOPLE["li"])
        clock.now = at(opened)
        self.id = open_case(ctx, "deadline_case", variables, PEOPLE["wang"]).case.id

    def complete(self, element: str, user: str, when: str | datetime, **data: Any) -> None:
        self.clock.now = at(when) if isinstance(when, str) else when
        with self.ctx.uow(readonly=True) as uow:
            task = next(t for t in uow.tasks.for_case(self.id, status="ready") if t.element_id == element)
        if task.role == "delivery":
            attach_recording(self.ctx, self.id, task.id, user)
        complete_task(self.ctx, task.id, data, PEOPLE[user])

    def fire(self, when: datetime) -> int:
        self.clock.now = when
        return fire_due_timers(self.ctx, "test-node").fired

    def records(self, prefix: str = "deadline.") -> list[tuple[str, dict[str, Any]]]:
        with self.ctx.uow(readonly=True) as uow:
            entries = uow.records.for_case(self.id)
        return [(e.content.action, e.content.payload) for e in entries if e.content.action.startswith(prefix)]

    def deadlines(self) -> list[Any]:
        with self.ctx.uow(readonly=True) as uow:
            return list(uow.deadlines.for_case(self.id))

    def open(self, kind: str) -> Any:
        return next(r for r in self.deadlines() if r.kind == kind and r.status == "open")
