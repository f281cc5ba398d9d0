"""Save draft: what a person typed into a task's form, kept until they submit it.

A draft belongs to the task (not to one person): whoever may work on the task — its assignee, or
while it is unclaimed its candidates — may save and read it. Drafts are checked only for being a
JSON object within ``MAX_DRAFT_BYTES``, never against the form: half-filled forms are the point.
Saving a draft is not a step of the case and its content is not recorded (the submission that follows
is); but who wrote a draft handled the case (separation of duties: ``engine.review.separation_of_duties``),
so each person's first draft of a task appends ``draft.authored`` (one entry per task and person, however
often they save). The draft is deleted in
the completing transaction (the ``task.completed`` record listener ``discard_draft_of_completed_task``);
a task cancelled by the engine (a timer, a gateway) keeps its row, which nobody can read any more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.kernel.repositories.tasks import DraftRepositoryPort
    from engine.record.chain import Entry

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.errors import Conflict, InvalidInput, NotFound
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, FormRow, RecordDraft, TaskRow, UnitOfWork
from engine.people.permissions import Permission, authorize
from engine.record.append import record
from engine.record.refusals.record_refusal import refusals_on_record
from engine.tasks.forms.stored import form_definition
from engine.tasks.forms.validation import task_form

MAX_DRAFT_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class DraftRow:
    task_id: str
    data: JsonObject
    saved_by: str
    saved_at: datetime


@dataclass(frozen=True)
class TaskFormView:
    """What the task page needs to show a form: the deployed definition and the saved draft."""

    task: TaskRow
    form: FormRow | None
    definition: JsonObject | None
    draft: DraftRow | None


def _drafts(uow: UnitOfWork) -> DraftRepositoryPort:
    """The draft repository (``engine.tasks.drafts_store``), registered on the unit of work."""
    return uow.drafts


def _workable_task(uow: UnitOfWork, task_id: str, actor: Actor) -> TaskRow:
    task: TaskRow | None = uow.tasks.get(task_id)
    if task is None:
        raise NotFound("任务不存在", f"No task {task_id}", code="task-not-found")
    authorize(uow, Permission.TASK_DRAFT, actor, task=task)
    if task.status != "ready":
        raise Conflict(
            "任务已办结或已取消", f"Task {task_id} is {task.status}, no longer waiting", code="task-not-ready"
        )
    return task


def draft_json(data: Any) -> str:
    """The draft as JSON text; refuses anything but a JSON object of JSON values within the size limit."""
    if not isinstance(data, Mapping) or not all(isinstance(k, str) for k in data):
        raise InvalidInput("草稿必须是 JSON 对象", "A draft must be a JSON object", code="invalid-draft")
    try:
        text = json.dumps(dict(data), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidInput(
            "草稿只能包含 JSON 数据（文本、数字、是否、列表、对象）",
            f"A draft may hold only JSON values (text, numbers, booleans, lists, objects): {exc}",
            code="invalid-draft",
        ) from exc
    if len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise InvalidInput(
            f"草稿超过 {MAX_DRAFT_BYTES // 1024} KB",
            f"The draft is larger than {MAX_DRAFT_BYTES // 1024} KB",
            code="draft-too-large",
        )
    return text


@refusals_on_record("task.draft")
def save_draft(ctx: AppContext, task_id: str, data: Mapping[str, JsonValue], actor: Actor) -> DraftRow:
    text = draft_json(data)
    now = ctx.clock()
    with ctx.uow() as uow:
        task = _workable_task(uow, task_id, actor)
        _drafts(uow).save(task_id, text, actor.user_id, now)
        _record_author(ctx, uow, task, actor)
        uow.commit()
    return DraftRow(task_id, json.loads(text), actor.user_id, now)


def _record_author(ctx: AppContext, uow: UnitOfWork, task: TaskRow, actor: Actor) -> None:
    authored = ("draft.authored", task.id, actor.user_id)
    if any(
        (e.content.action, e.content.task_id, e.content.actor) == authored
        for e in uow.records.for_case(task.case_id)
    ):
        return
    record(
        ctx,
        uow,
        RecordDraft(
            action="draft.authored",
            actor=actor.user_id,
            actor_role=task.role or "",
            case_id=task.case_id,
            task_id=task.id,
            element_id=task.element_id,
        ),
        ctx.clock(),
    )


def get_draft(ctx: AppContext, task_id: str, actor: Actor) -> DraftRow | None:
    with ctx.uow(readonly=True) as uow:
        _workable_task(uow, task_id, actor)
        draft: DraftRow | None = _drafts(uow).get(task_id)
    return draft


def get_task_form(ctx: AppContext, task_id: str, actor: Actor) -> TaskFormView:
    """The form the task's submission is validated against, with the draft saved for it."""
    with ctx.uow(readonly=True) as uow:
        task = _workable_task(uow, task_id, actor)
        case = uow.cases.get(task.case_id)
        assert case is not None
        parsed = ctx.processes.get(uow, case.process_id)
        form = task_form(uow, case.process_id, parsed, parsed.elements[task.element_id])
        draft = _drafts(uow).get(task_id)
    return TaskFormView(task, form, form_definition(form) if form is not None else None, draft)


def discard_draft_of_completed_task(uow: UnitOfWork, entry: Entry) -> None:
    """Record listener: the completing transaction deletes the task's draft."""
    content = entry.content
    if content.action == "task.completed" and content.task_id:
        _drafts(uow).delete(content.task_id)
