"""Moving a case to another element (a supervisor's modification), with the law's guard rails.

A move cancels what the case waits at and makes it wait at the target instead (``Workflow.move_to``),
in one step that is saved, projected and recorded (``case.moved``) like any other. Refused, and the
refusal recorded (``case.move-refused``):
- a move past a legal review of a major case: every path from where the case waits to the target goes
  through an element with role ``legal-review`` (the major-check gateway's non-major flows are closed for
  a major case: ``established.is_major`` — major on the record for good, or by the catalogue for the
  current variables, or a legal-review task ever existed in the case; when in doubt, major);
- a move past records capture: every path to the target goes through an element with role
  ``records-capture``; or a move back once records capture completed (the file is closed);
- a case that is not running (suspended: resume it first; completed, cancelled), a case waiting at
  several places at once or inside a sub-process (``engine.runner.modification``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.cases.save_step import (
    StepContext,
    apply_effects,
    record_step,
    save_case,
    step_payload,
    sync_tasks,
)
from engine.compliance import parse_model
from engine.compliance.document.graph import FlowGraph, build_graph, reachable
from engine.errors import Conflict, InvalidInput, ProcedureViolation
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import Actor, CaseRow, RecordDraft, TaskRow, UnitOfWork, present
from engine.record.refusals.record_refusal import refusals_on_record
from engine.review.facts import is_major, restore_case
from engine.supervision.access import load_case, require_reason, require_supervisor

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

REVIEW, CAPTURE = "legal-review", "records-capture"


@dataclass(frozen=True)
class Moved:
    case_id: str
    left: list[str]
    target: str
    tasks: list[TaskRow]


def major_graph(xml: str) -> tuple[Any, FlowGraph]:
    """The diagram and its flow graph as a major case walks it (non-major flows of major checks closed)."""
    return _graph(xml, True)


def _graph(xml: str, major: bool) -> tuple[Any, FlowGraph]:
    model = parse_model(xml.encode("utf-8"))
    if isinstance(model, list):
        raise Conflict(
            "流程图无法读取，不能移动",
            "The diagram cannot be read; the case cannot be moved",
            code="move-diagram-unreadable",
        )
    graph = build_graph(model)
    if major:  # a major case never takes the non-major flows of a major-check gateway
        for gateway in model.with_role("major-check"):
            major_flows = {
                f for f in gateway.outgoing if model.flows[f].properties.get("sanxiang.major") == "true"
            }
            graph.edges[gateway.id] = [
                (t, via) for t, via in graph.edges.get(gateway.id, []) if via in major_flows
            ]
    return model, graph


def _refusal(code: str, zh: str, en: str, **details: JsonValue) -> ProcedureViolation:
    return ProcedureViolation(zh, en, code=code, details=details)


def _passes(graph: FlowGraph, here: list[str], element: str, target: str) -> bool:
    """Every path from ``here`` to ``target`` goes through ``element`` (and one exists)."""
    return (
        element != target
        and target in reachable(graph, here)
        and target not in reachable(graph, here, blocked=[element])
    )


def check_move(
    ctx: AppContext, uow: UnitOfWork, case: CaseRow, workflow: Any, target: str, history: set[str]
) -> None:
    """Raise ``ProcedureViolation`` when the move passes a legal review (major case) or records capture."""
    row = present(uow.processes.get(case.process_id), "process")
    here = sorted({w.element_id for w in workflow.waiting_at()})
    major = is_major(ctx, uow, case, workflow.variables)
    model, graph = _graph(row.xml, major)
    for element in model.with_role(CAPTURE):
        if _passes(graph, here, element.id, target):
            raise _refusal(
                "move-past-records-capture",
                f"不得越过归档记录环节“{element.name}”移动办件",
                f"A case may not be moved past records capture ('{element.name}')",
                element=element.id,
            )
        if element.id in history and target not in reachable(graph, here):
            raise _refusal(
                "move-after-records-capture",
                f"归档记录“{element.name}”已完成，不得将办件移回",
                f"Records capture ('{element.name}') is done; the case may not be moved back",
                element=element.id,
            )
    if not major:
        return
    for element in model.with_role(REVIEW):
        if _passes(graph, here, element.id, target):
            raise _refusal(
                "move-past-legal-review",
                f"重大执法决定不得越过法制审核“{element.name}”移动办件",
                f"A major case may not be moved past its legal review ('{element.name}')",
                element=element.id,
            )


def _history(uow: UnitOfWork, case_id: str) -> set[str]:
    """The elements the case has completed, from its records' paths."""
    done: set[str] = set()
    for entry in uow.records.for_case(case_id):
        done.update(entry.content.payload.get("path") or ())
    return done


@refusals_on_record("case.move", keep={"to": "target", "reason": "reason"})
def move_case(
    ctx: AppContext,
    case_id: str,
    target: str,
    actor: Actor,
    reason: str,
    *,
    leaving: Collection[str] | None = None,
) -> Moved:
    """``leaving``: the elements the caller means to leave (Camunda's cancel instructions); the move is
    refused, changing nothing, unless they are exactly where the case waits."""
    require_supervisor(actor)
    return _move(ctx, case_id, target, actor, require_reason(reason), leaving)


def _left_as_expected(left: list[str], leaving: Collection[str] | None) -> None:
    if leaving is not None and set(leaving) != set(left):
        here, asked = "、".join(left) or "（无）", "、".join(sorted(leaving))
        raise InvalidInput(
            f"办件当前在 {here} 等待，与要取消的环节 {asked} 不符",
            f"The case waits at {', '.join(left) or '(nothing)'}, not at {', '.join(sorted(leaving))}: "
            "cancel exactly where it waits",
            code="move-cancel-mismatch",
            details={"waitingAt": left},
        )


def _move(
    ctx: AppContext,
    case_id: str,
    target: str,
    actor: Actor,
    reason: str,
    leaving: Collection[str] | None = None,
) -> Moved:
    now = ctx.clock()
    with ctx.uow() as uow:
        case = load_case(uow, case_id)
        if case.status != "running":
            raise Conflict(
                f"只能移动在办的办件（当前状态：{case.status}；暂停的请先恢复）",
                f"Only running cases can be moved (this one is {case.status}; resume a suspended one first)",
                code="case-not-running",
            )
        workflow = restore_case(ctx, uow, case)
        left = sorted({w.element_id for w in workflow.waiting_at()})
        _left_as_expected(left, leaving)
        check_move(ctx, uow, case, workflow, target, _history(uow, case_id))
        before = {t.task_id for t in workflow.ready_tasks()}
        result = workflow.move_to(target, now)
        step = StepContext(ctx, uow, case, actor, now)
        save_case(step, workflow)
        new = sync_tasks(step, workflow, before, None)
        apply_effects(step, result)
        record_step(
            step,
            workflow,
            RecordDraft(
                action="case.moved",
                actor=actor.user_id,
                actor_role="supervisor",
                case_id=case.id,
                element_id=target,
                payload=step_payload(result, new, reason=reason, left=left, to=target),
            ),
        )
        uow.commit()
    return Moved(case_id, left, target, new)
