"""What the work pages show: the work list, and one task with its case, form, evidence and timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import ProcedureViolation

if TYPE_CHECKING:
    from engine.kernel.repositories.people import PeopleRepositoryPort
    from engine.kernel.repositories.tasks import WorkRepositoryPort

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.cases import opening as case_service
from engine.errors import DefinitionUnreadable, NotFound
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import Actor, TaskRow, UnitOfWork, present
from engine.people.certificates import bureau_day, certificate_problem, needs_certificate
from engine.people.rows import CaseDue, Delegation, Notification, StaffEntry, WorkFilter, WorkItem
from engine.tasks.forms.generated_guard import task_schema
from engine.tasks.forms.stored import form_definition
from engine.tasks.forms.validation import binding_key


def _work(uow: UnitOfWork) -> WorkRepositoryPort:
    return uow.work


def _work_people(uow: UnitOfWork) -> PeopleRepositoryPort:
    return uow.people


LEVELS = {"red": "overdue", "yellow": "soon", "green": "ok"}


def due_state(deadline: CaseDue | None, due: datetime | None, now: datetime, yellow_days: int) -> str:
    """ "overdue" (red), "soon" (yellow), "ok" or "none": from the case's deadline (working days, kept by the
    deadlines area) when it has one, else from the task's own BPMN due date (calendar days)."""
    if deadline is not None:
        if deadline.due_on < bureau_day(now):
            return "overdue"
        return LEVELS.get(deadline.level, "ok")
    if due is None:
        return "none"
    if due < now:
        return "overdue"
    return "soon" if due - now <= timedelta(days=yellow_days) else "ok"


def work_list(ctx: AppContext, query: WorkFilter) -> list[tuple[WorkItem, str]]:
    """The work items with their due state, filtered by ``query.due``, most urgent first."""
    now = ctx.clock()
    with ctx.uow(readonly=True) as uow:
        items: list[WorkItem] = _work(uow).worklist(query)
    rows = [
        (item, due_state(item.deadline, item.task.due_at, now, ctx.settings.yellow_days)) for item in items
    ]
    if query.due:
        rows = [(item, state) for item, state in rows if state == query.due]
    rank = {"overdue": 0, "soon": 1, "ok": 2, "none": 3}
    return sorted(rows, key=lambda row: rank[row[1]]) if query.status == "ready" else rows


def item_names(ctx: AppContext) -> dict[str, str]:
    """process key -> item name (latest versions), for filters and headings."""
    with ctx.uow(readonly=True) as uow:
        return {row.key: row.name or row.key for row in uow.processes.list_latest()}


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    action: str
    actor: str
    actor_name: str
    at: datetime
    element_id: str | None
    element_name: str
    payload: JsonObject
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceItem:
    sha256: str
    name: str
    media_type: str
    kind: str
    size: int | None
    added_by: str
    added_at: datetime
    task_id: str | None


@dataclass(frozen=True)
class TaskView:
    task: TaskRow
    case: case_service.CaseView
    item_name: str
    documentation: str
    form_schema: JsonObject | None
    form_problem: DefinitionUnreadable | None  # the deployed form cannot be read: said in its place
    timeline: list[TimelineEntry]
    evidence: list[EvidenceItem]
    delegation: Delegation | None
    notifications: list[Notification]
    needs_certificate: bool
    certificate_problem: ProcedureViolation | None  # None when the viewer may work on site
    deadline: CaseDue | None = None
    names: dict[str, str] = field(default_factory=dict)  # user id -> name, for display
    transfer_targets: list[StaffEntry] = field(default_factory=list)
    delegate_targets: list[StaffEntry] = field(default_factory=list)


def _form_schema(
    uow: UnitOfWork, process: Any, element: Any
) -> tuple[JsonObject | None, DefinitionUnreadable | None]:
    """The task's form definition (by its binding: the deployed version, or the latest), or why it cannot
    be shown."""
    form_id = getattr(element, "form_id", None)
    if not form_id:
        return None, None
    latest = getattr(element, "form_ref_binding", None) == "latest"
    row_id = None if latest else (process.forms if process else {}).get(binding_key(element))
    row = uow.forms.get(row_id) if row_id else None
    row = row or uow.forms.latest(form_id)
    if row is None:
        return None, None
    try:
        return form_definition(row), None
    except DefinitionUnreadable as problem:
        return None, problem


def _timeline(uow: UnitOfWork, parsed: Any, case_id: str, names: dict[str, str]) -> list[TimelineEntry]:
    entries = []
    for e in uow.records.for_case(case_id):
        c = e.content
        element = parsed.elements.get(c.element_id) if c.element_id else None
        entries.append(
            TimelineEntry(
                present(e.case_seq, "case sequence"),
                c.action,
                c.actor,
                names.get(c.actor, c.actor),
                c.recorded_at,
                c.element_id,
                getattr(element, "name", "") or (c.element_id or ""),
                dict(c.payload),
                tuple(c.evidence),
            )
        )
    return entries


def _evidence(uow: UnitOfWork, case_id: str, timeline: list[TimelineEntry]) -> list[EvidenceItem]:
    repository = getattr(uow, "evidence", None)
    if repository is not None:
        return [
            EvidenceItem(r.sha256, r.name, r.media_type, r.kind, r.size, r.added_by, r.added_at, r.task_id)
            for r in repository.for_case(case_id)
        ]
    return [_recorded_evidence(t, h) for t in timeline for h in t.evidence]


def _recorded_evidence(t: TimelineEntry, sha256: str) -> EvidenceItem:
    """Evidence as the record names it (a unit of work without the evidence table)."""
    payload = t.payload
    name, media = str(payload.get("name", sha256[:12])), str(payload.get("mediaType", ""))
    return EvidenceItem(
        sha256, name, media, str(payload.get("kind", "")), payload.get("size"), t.actor, t.at, None
    )


def _documentation(parsed: Any, element_id: str) -> str:
    element = parsed.elements.get(element_id)
    return str(getattr(element, "documentation", "") or "")


def task_view(ctx: AppContext, task_id: str, actor: Actor) -> TaskView:
    """One task for the task page; refuses like ``get_case`` when the viewer may not read the case."""
    with ctx.uow(readonly=True) as uow:
        task = uow.tasks.get(task_id)
        if task is None:
            raise NotFound("任务不存在", f"No task {task_id}", code="task-not-found")
    view = case_service.get_case(ctx, task.case_id, actor)
    with ctx.uow(readonly=True) as uow:
        process = uow.processes.get(view.case.process_id)
        parsed = ctx.processes.get(uow, view.case.process_id)
        register = _work_people(uow).register()
        names = {e.user_id: e.name for e in register}
        timeline = _timeline(uow, parsed, task.case_id, names)
        own = next((e for e in register if e.user_id == actor.user_id), None)
        on_site = needs_certificate(parsed.elements.get(task.element_id))
        dues = _work(uow).open_deadlines([task.case_id]).get(task.case_id, [])
        element = parsed.elements.get(task.element_id)
        form_schema, form_problem = _form_schema(uow, process, element)
        return TaskView(
            task=task,
            case=view,
            item_name=process.name if process else task.process_key,
            documentation=_documentation(parsed, task.element_id),
            form_schema=form_schema or task_schema(ctx, element, view.variables),
            form_problem=form_problem,
            timeline=timeline,
            evidence=_evidence(uow, task.case_id, timeline),
            delegation=_work(uow).delegation(task_id),
            notifications=_work(uow).notifications_for([task_id]).get(task_id, []),
            needs_certificate=on_site,
            certificate_problem=certificate_problem(own, bureau_day(ctx.clock())) if on_site else None,
            deadline=next((d for d in dues if d.ref == task_id), dues[0] if dues else None),
            names=names,
            transfer_targets=[
                e
                for e in register
                if e.active
                and e.user_id not in (actor.user_id, task.assignee)
                and (set(e.groups) & set(task.candidate_groups) or e.user_id in task.candidate_users)
            ],
            delegate_targets=[e for e in register if e.active and e.user_id != actor.user_id],
        )
