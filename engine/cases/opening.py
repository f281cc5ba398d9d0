"""Open a case, read a case."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.cases.calls.links import call_links
from engine.cases.save_step import (
    StepContext,
    apply_effects,
    jsonable,
    record_step,
    save_case,
    step_payload,
    sync_tasks,
)
from engine.errors import InvalidInput, NotFound
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, CaseRow, ProcessRow, RecordDraft, TaskRow, UnitOfWork
from engine.kernel.process_kinds import is_procedure
from engine.people.case_access import may_read_case as may_read_case
from engine.people.permissions import Permission, authorize
from engine.tasks.co_signing import signatures
from engine.tasks.forms.generated_guard import start_values

MAX_VARIABLES_BYTES = 256 * 1024


@dataclass(frozen=True)
class CaseView:
    case: CaseRow
    process_version: int
    variables: JsonObject
    tasks: list[TaskRow]
    history: list[JsonObject]
    signatures: list[JsonObject] = field(default_factory=list)  # co-signatures, in record order
    parent: JsonObject | None = None  # the case whose call activity opened this one (``cases.calls``)
    children: list[JsonObject] = field(default_factory=list)  # the cases its call activities opened


def check_variables(variables: Mapping[str, JsonValue]) -> JsonObject:
    if not isinstance(variables, Mapping):
        raise InvalidInput("变量必须是对象", "variables must be a JSON object", code="invalid-variables")
    bad = [k for k in variables if not isinstance(k, str) or not k.isidentifier() or k.startswith("_")]
    if bad:
        raise InvalidInput(
            f"变量名无效：{', '.join(map(str, bad))}",
            f"Invalid variable names (letters, digits, underscore; not starting with _): "
            f"{', '.join(map(str, bad))}",
            code="invalid-variables",
        )
    if len(repr(variables)) > MAX_VARIABLES_BYTES:
        raise InvalidInput("变量过大", "variables are too large", code="invalid-variables")
    return dict(variables)


def refuse_procedure(row: ProcessRow) -> None:
    """A called procedure (``sanxiang.kind=procedure``) runs only as the child case of a call activity."""
    if is_procedure(row.properties):
        raise InvalidInput(
            f"{row.key} 是被调用程序（sanxiang.kind=procedure），只能由审批事项的调用活动启动，不能单独立案",
            f"{row.key} is a called procedure (sanxiang.kind=procedure): only a call activity of an approval "
            "item starts it; it cannot be opened as a case by itself",
            code="process-is-procedure",
        )


def open_case(
    ctx: AppContext,
    process_key: str,
    variables: Mapping[str, JsonValue],
    actor: Actor,
    *,
    business_key: str | None = None,
    applicant: Mapping[str, JsonValue] | None = None,
) -> CaseView:
    authorize(None, Permission.CASE_OPEN, actor)
    variables = check_variables(variables)
    now = ctx.clock()
    with ctx.uow() as uow:
        row = uow.processes.latest(process_key)
        if row is None:
            raise NotFound(
                f"流程 {process_key} 未部署",
                f"No process {process_key} is deployed",
                code="process-not-found",
            )
        refuse_procedure(row)
        parsed = ctx.processes.get(uow, row.id)
        variables, business_key = start_values(ctx, parsed, variables, business_key)  # a start form
        workflow, result = ctx.runner.start(parsed, variables, now, initiator=actor.user_id)
        case = CaseRow(
            id=uow.cases.next_number(now.year),
            process_id=row.id,
            process_key=row.key,
            business_key=business_key,
            status="running",
            applicant=dict(applicant or {}),
            state="",
            version=0,
            started_by=actor.user_id,
            started_at=now,
            updated_at=now,
            ended_at=None,
        )
        uow.cases.add(case)
        step = StepContext(ctx, uow, case, actor, now)
        save_case(step, workflow)
        new = sync_tasks(step, workflow, set(), None)
        apply_effects(step, result)
        record_step(
            step,
            workflow,
            RecordDraft(
                action="case.started",
                actor=actor.user_id,
                case_id=case.id,
                payload=step_payload(
                    result,
                    new,
                    process=row.key,
                    version=row.version,
                    variables=jsonable(variables),
                    businessKey=business_key,
                ),
            ),
        )
        uow.commit()
    return get_case(ctx, case.id, actor)


def readable_case(uow: UnitOfWork, case_id: str, actor: Actor) -> tuple[CaseRow, list[TaskRow]]:
    """The case and its tasks, if the actor may read it (``Permission.CASE_READ``)."""
    case = uow.cases.get(case_id)
    if case is None:
        raise NotFound("办件不存在", f"No case {case_id}", code="case-not-found")
    tasks = uow.tasks.for_case(case_id)
    authorize(uow, Permission.CASE_READ, actor, case=case, tasks=tasks)
    return case, tasks


def get_case(ctx: AppContext, case_id: str, actor: Actor) -> CaseView:
    with ctx.uow(readonly=True) as uow:
        case, tasks = readable_case(uow, case_id, actor)
        process = uow.processes.get(case.process_id)
        parsed = ctx.processes.get(uow, case.process_id)
        variables = ctx.runner.restore(parsed, case.state).variables
        entries = uow.records.for_case(case_id)
        parent, children = call_links(uow, case_id)
        history = [
            {
                "seq": e.case_seq,
                "action": e.content.action,
                "actor": e.content.actor,
                "at": e.content.recorded_at.isoformat(),
                "task": e.content.task_id,
                "element": e.content.element_id,
                "signature": e.content.payload.get("signature"),
            }
            for e in entries
        ]
    version = process.version if process else 0
    return CaseView(case, version, variables, tasks, history, signatures(entries), parent, children)
