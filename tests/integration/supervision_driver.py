"""Make the cases a supervisor meets — through the services, on the injected clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.cases.opening import open_case
from engine.deadlines.timers import fire_due_timers
from engine.kernel.context import AppContext
from engine.kernel.ports import TaskRow
from engine.processes.deploy import deploy
from engine.supervision.dashboard import dashboard
from engine.supervision.rows import Finding, SupervisionFilter
from engine.tasks.claim_and_complete import complete_task
from tests.integration.deadline_driver import PEOPLE
from tests.integration.form_data import form_data
from tests.integration.recordings import attach_recording
from tests.support import FIXTURES, ROOT, MovableClock

FORMS = ROOT / "forms"
ZHOU = PEOPLE["zhou"]


def deploy_files(ctx: AppContext, *paths: Path) -> None:
    deploy(ctx, [(p.name, p.read_bytes()) for p in paths], PEOPLE["li"])


def deploy_fixture(ctx: AppContext, name: str, *forms: str) -> None:
    deploy_files(ctx, *[FIXTURES / f for f in forms], FIXTURES / name)


def deploy_shipped(ctx: AppContext, process: str = "food_business_licence") -> None:
    deploy_files(ctx, *sorted(FORMS.glob("*.form")), ROOT / "processes" / f"{process}.bpmn")


def start(
    ctx: AppContext, process: str, user: str = "wang", business_key: str | None = None, **variables: Any
) -> str:
    case_id: str = open_case(ctx, process, variables, PEOPLE[user], business_key=business_key).case.id
    return case_id


def ready(ctx: AppContext, case_id: str) -> list[TaskRow]:
    with ctx.uow(readonly=True) as uow:
        return list(uow.tasks.for_case(case_id, status="ready"))


def task_at(ctx: AppContext, case_id: str, element: str) -> TaskRow:
    return next(t for t in ready(ctx, case_id) if t.element_id == element)


def finish(
    ctx: AppContext, case_id: str, element: str, user: str, form: str | None = None, **data: Any
) -> None:
    """Complete the task at ``element`` as ``user`` with the form's valid data (``form``) or ``data``."""
    values = form_data(form, **data) if form else data
    complete_task(ctx, task_at(ctx, case_id, element).id, values, PEOPLE[user])


def advance(ctx: AppContext, clock: MovableClock, **delta: float) -> None:
    """Move time on, and let the scheduler fire what came due (deadline warnings, timers)."""
    clock.advance(**delta)
    fire_due_timers(ctx, "scheduler")


def findings(ctx: AppContext, **query: Any) -> list[Finding]:
    return dashboard(ctx, ZHOU, SupervisionFilter(**query)).findings


def reasons(ctx: AppContext, case_id: str) -> list[tuple[str, str, str | None]]:
    """(status, code, element) of every finding of the case."""
    return [(f.status, f.code, f.element_id) for f in findings(ctx, case_id=case_id)]


def actions(ctx: AppContext, case_id: str) -> list[str]:
    with ctx.uow(readonly=True) as uow:
        return [e.content.action for e in uow.records.for_case(case_id)]


def last_record(ctx: AppContext, case_id: str, action: str) -> Any:
    with ctx.uow(readonly=True) as uow:
        return [e.content for e in uow.records.for_case(case_id) if e.content.action == action][-1]


def drive_major_case_to_proposal(ctx: AppContext) -> str:
    """A food business licence case, major (public interest), waiting at the handler's proposal."""
    case_id = start(ctx, "food_business_licence")
    finish(ctx, case_id, "Task_Acceptance", "wang", "acceptance")
    finish(ctx, case_id, "Task_Review", "zhao", "material-review")
    attach_video(ctx, case_id, "Task_OnSite")
    finish(ctx, case_id, "Task_OnSite", "zhao", "on-site-inspection")
    return case_id


def attach_video(ctx: AppContext, case_id: str, element: str, user: str = "zhao") -> None:
    attach_recording(ctx, case_id, task_at(ctx, case_id, element).id, user)
