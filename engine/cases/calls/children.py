"""Open a child case for a call activity, and take the parent on when the child completes.

Camunda 7 starts the called process as a process instance of its own (``CallableElementActivityBehavior``)
and continues the caller when it ends (``passOutputVariables``, then ``leave``). Here:

- ``start_child`` is the effect handler of ``call.start`` (``engine.runner.calls.call_activity``): in the
  caller's step and transaction it resolves the called version by its binding, opens the child case with
  the ``camunda:in`` variables and business key, links it (``case_calls``) and records ``case.started`` on
  the child with its parent named (and ``call.started`` on the parent);
- ``call_listener`` is a record listener: when a child case records ``case.completed`` it restores the
  parent, hands it the child's variables (``complete_call`` runs the ``camunda:out`` mappings) and records
  the parent's step ``call.returned`` — in the same transaction as the child's last step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.cases.save_step import (
    StepContext,
    apply_effects,
    jsonable,
    record_step,
    save_case,
    step_payload,
    sync_tasks,
)
from engine.errors import Conflict, StepFailed
from engine.kernel.ports import SYSTEM, CaseRow, RecordDraft, UnitOfWork, present
from engine.record.append import record
from engine.review.facts import restore_case

MAX_DEPTH = 8  # child of a child…: a process that calls itself at once must not open cases without end
CALL_STARTED = "call.started"
CALL_RETURNED = "call.returned"


def _called_version(step: StepContext, payload: dict[str, Any]) -> int:
    uow, key, binding = step.uow, str(payload["called_element"]), payload.get("binding") or "latest"
    found: int | None
    if binding == "version":
        found = uow.calls.process_version(key, int(payload["version"]))
    elif binding == "deployment":
        found = uow.calls.process_deployed_with(key, step.case.process_id)
    else:
        latest = uow.processes.latest(key)
        found = latest.id if latest else None
    if found is None:  # deploy refuses a call to a process that is not there (SX-D175)
        raise StepFailed(
            f"调用活动要调用的流程 {key}（{binding}）未部署",
            f"The process {key} ({binding}) the call activity calls is not deployed",
            code="called-process-missing",
        )
    return found


def _business_key(step: StepContext, payload: dict[str, Any]) -> str | None:
    if payload.get("inherits_business_key"):
        return step.case.business_key
    value = payload.get("business_key")
    return None if value is None else str(value)


def _check_depth(uow: UnitOfWork, case_id: str) -> None:
    depth, link = 1, uow.calls.parent_of(case_id)
    while link is not None and depth <= MAX_DEPTH:
        depth, link = depth + 1, uow.calls.parent_of(link.parent_case_id)
    if depth > MAX_DEPTH:
        raise StepFailed(
            f"调用活动嵌套超过 {MAX_DEPTH} 层（流程可能在调用自身）",
            f"Call activities nest deeper than {MAX_DEPTH} levels (a process may be calling itself)",
            code="call-depth-exceeded",
        )


def start_child(step: StepContext, effect: Any) -> None:
    """The ``call.start`` effect handler: open the child case in the caller's transaction."""
    payload = dict(effect.payload)
    ctx, uow, now = step.app, step.uow, step.now
    _check_depth(uow, step.case.id)
    process_id = _called_version(step, payload)
    parsed = ctx.processes.get(uow, process_id)
    row = present(uow.processes.get(process_id), f"process {process_id}")
    variables = dict(payload.get("variables") or {})
    workflow, result = ctx.runner.start(parsed, variables, now, initiator=step.actor.user_id)
    child = CaseRow(
        id=uow.cases.next_number(now.year),
        process_id=process_id,
        process_key=row.key,
        business_key=_business_key(step, payload),
        status="running",
        applicant=dict(step.case.applicant),
        state="",
        version=0,
        started_by=step.actor.user_id,
        started_at=now,
        updated_at=now,
        ended_at=None,
    )
    uow.cases.add(child)
    uow.calls.add(child.id, step.case.id, str(payload["task_id"]), effect.element_id, now)
    _record_call(step, effect.element_id, child.id, row)
    child_step = StepContext(ctx, uow, child, step.actor, now)
    save_case(child_step, workflow)
    new = sync_tasks(child_step, workflow, set(), None)
    apply_effects(child_step, result)
    started = step_payload(
        result,
        new,
        process=row.key,
        version=row.version,
        variables=jsonable(variables),
        businessKey=child.business_key,
        parentCase=step.case.id,
        parentElement=effect.element_id,
    )
    draft = RecordDraft(action="case.started", actor=step.actor.user_id, case_id=child.id, payload=started)
    record_step(child_step, workflow, draft)


def _record_call(step: StepContext, element_id: str, child_id: str, row: Any) -> None:
    draft = RecordDraft(
        action=CALL_STARTED,
        actor=step.actor.user_id,
        case_id=step.case.id,
        element_id=element_id,
        payload={"child": child_id, "process": row.key, "version": row.version},
    )
    record(step.app, step.uow, draft, step.now)


def return_to_parent(ctx: Any, uow: UnitOfWork, child_id: str) -> None:
    """The child case ``child_id`` completed: its parent's call activity takes its variables and goes on."""
    link = uow.calls.parent_of(child_id)
    if link is None or link.returned_at is not None:
        return
    parent = uow.cases.get(link.parent_case_id)
    child = uow.cases.get(child_id)
    if parent is None or child is None or parent.status not in ("running", "suspended"):
        return
    now = ctx.clock()
    ended = ctx.runner.restore(ctx.processes.get(uow, child.process_id), child.state)
    workflow = restore_case(ctx, uow, parent)
    if not workflow.waits_for_call(link.parent_task_id):  # interrupted (a boundary event) or moved away
        uow.calls.returned(child_id, now)
        return
    before = {t.task_id for t in workflow.ready_tasks()}
    result, error = _go_on(workflow, link.parent_task_id, ended, now)
    uow.calls.returned(child_id, now)
    step = StepContext(ctx, uow, parent, SYSTEM, now)
    save_case(step, workflow)
    new = sync_tasks(step, workflow, before, None)
    apply_effects(step, result)
    payload = step_payload(result, new, child=child_id, **error)
    draft = RecordDraft(
        action=CALL_RETURNED,
        actor=SYSTEM.user_id,
        case_id=parent.id,
        element_id=link.element_id,
        payload=payload,
    )
    record_step(step, workflow, draft)


def _go_on(workflow: Any, task_id: str, ended: Any, now: Any) -> tuple[Any, dict[str, str]]:
    """The parent's step: the child's error end event caught on the call activity (or an enclosing scope),
    else — no error, or nothing catches it (then it ended the child like a none end) — the out mappings."""
    thrown = ended.thrown_error()
    if thrown is not None:
        code, message = thrown
        try:
            result = workflow.raise_error(task_id, code, message, now)
            return result, {"errorCode": code, "errorMessage": message}
        except Conflict as uncaught:
            if uncaught.code != "bpmn-error-uncaught":
                raise
    return workflow.complete_call(task_id, ended.variables, now), {}


def call_listener(ctx: Any) -> Callable[[UnitOfWork, Any], None]:
    """A record listener (``AppContext.listeners``): a completed child case returns to its parent."""

    def follow(uow: UnitOfWork, entry: Any) -> None:
        content = entry.content
        if content.action == "case.completed" and content.case_id:
            return_to_parent(ctx, uow, content.case_id)

    return follow
