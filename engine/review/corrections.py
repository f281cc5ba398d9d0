"""事实更正 (fact correction): the one way to change an established fact — recorded, reasoned, by a
responsible person, and itself a case for legal review.

A later step may not unset a fact that raised what the law requires (``engine.review.fact_rules``).
When such a fact was recorded wrongly, a **correction** changes it:

- by staff of the ``approver`` group (负责人, ``Permission.CASE_CORRECT``), never anyone else; whoever
  corrects a case has handled it
  (separation of duties: they may not review it);
- with a reason (2–500 characters), on a running case whose decision is not yet made, changing at least
  one fact; the procedure's own fields (the review's checklist and conclusion, the collective decision,
  the decision form) are never facts to correct;
- in one step: the values change where the case waits; ``fact.corrected`` records each fact's old and new
  value, the entries that had set them (``corrects``), the reason, what it lowered and what the facts
  now raise;
- afterwards the case needs a legal review for good: its major-check gateways take their major flows, and
  when the case could reach its decision without passing a legal review (it waits at the decision, or at
  a collective decision after a rejected review) it is moved to the legal review (``sentToReview``).

Every refusal (403: not an approver; the law: after the decision, a diagram without a legal review) is
recorded on the case (``fact.correction-refused``, ``engine.record.refusals.record_refusal``), from its
own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.cases.moves import major_graph
from engine.cases.opening import check_variables
from engine.cases.save_step import (
    StepContext,
    apply_effects,
    jsonable,
    record_step,
    save_case,
    step_payload,
    sync_tasks,
)
from engine.compliance.document.graph import reachable
from engine.errors import Conflict, InvalidInput, ProcedureViolation
from engine.kernel.json_types import JsonObject, JsonValue
from engine.kernel.ports import Actor, CaseRow, RecordDraft, TaskRow, UnitOfWork, present
from engine.people.permissions import Permission, authorize
from engine.record.refusals.record_refusal import refusals_on_record
from engine.review import fact_rules as rule
from engine.review.facts import holding, latest_mark, restore_case
from engine.review.gate import COORDINATION_FIELDS, procedure_fields
from engine.review.rules import REVIEW_KEYS
from engine.supervision.access import load_case, require_reason

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

NOT_FACTS = frozenset({*REVIEW_KEYS, *COORDINATION_FIELDS, "minutes"})


@dataclass(frozen=True)
class Corrected:
    case_id: str
    seq: int  # the case's record entry ``fact.corrected``
    facts: dict[str, JsonObject]  # fact -> {"from": old, "to": new}
    lowered: list[str]  # requirements the correction lowered
    sent_to_review: str | None  # the legal-review element the case was moved to
    tasks: list[TaskRow]  # the tasks that appeared


def _refuse(code: str, zh: str, en: str, **details: JsonValue) -> ProcedureViolation:
    return ProcedureViolation(zh, en, code=code, details=details)


def _check_request(values: Mapping[str, JsonValue]) -> JsonObject:
    checked = check_variables(values)
    if not checked:
        raise InvalidInput("请填写要更正的事实", "Name at least one fact to correct", code="correction-empty")
    return checked


def _check_case(
    uow: UnitOfWork, case: CaseRow, values: Mapping[str, JsonValue], forbidden: frozenset[str]
) -> None:
    if case.status != "running":
        raise Conflict(
            f"只能更正在办办件的事实（当前状态：{case.status}）",
            f"Only a running case's facts can be corrected (this one is {case.status})",
            code="case-not-running",
        )
    if any(t.role == "decision" and t.status == "completed" for t in uow.tasks.for_case(case.id)):
        raise _refuse(
            "correction-after-decision",
            "已作出决定的办件不能更正事实（须依法撤销或变更决定）",
            "The decision is made: its facts can no longer be corrected (the decision itself "
            "must be revoked or changed by law)",
        )
    procedure = sorted(k for k in values if k in forbidden)
    if procedure:
        raise InvalidInput(
            f"{'、'.join(procedure)} 是审核或决定程序本身的内容，不是可更正的事实",
            f"{', '.join(procedure)}: part of the review or decision procedure, not a fact to correct",
            code="correction-not-a-fact",
            details={"fields": procedure},
        )


def _review_target(xml: str, here: list[str]) -> str | None:
    """The legal review to send the case to, when it could reach a decision without one from ``here``."""
    model, graph = major_graph(xml)
    reviews: list[str] = [e.id for e in model.with_role("legal-review")]
    decisions: set[str] = {e.id for e in model.with_role("decision")}
    if not reviews:
        raise _refuse(
            "correction-without-review",
            "该流程没有法制审核环节，更正后无法送审",
            "The process has no legal review to send the corrected case to",
        )
    if set(here) & set(reviews) or not decisions & reachable(graph, here, blocked=reviews):
        return None
    return next((r for r in reviews if decisions & reachable(graph, [r])), reviews[0])


def _corrects(uow: UnitOfWork, case_id: str, keys: set[str]) -> tuple[dict[str, int], int | None]:
    """Per fact, the case entry that last set it; and the global sequence of the latest of them."""
    latest: dict[str, int] = {}
    newest: tuple[int, int] | None = None
    for entry in uow.records.for_case(case_id):
        payload = entry.content.payload
        for source in ("variables", "data", "facts"):
            written = payload.get(source)
            for key in keys & set(written if isinstance(written, dict) else ()):
                latest[key] = entry.case_seq or 0
                newest = (entry.case_seq or 0, entry.global_seq)
    return latest, newest[1] if newest else None


@refusals_on_record("fact.correction", keep={"facts": "values", "reason": "reason"})
def correct_facts(
    ctx: AppContext, case_id: str, values: Mapping[str, JsonValue], reason: str, actor: Actor
) -> Corrected:
    """Correct facts of a case (see the module; ``Permission.CASE_CORRECT``); every refusal (403) is
    recorded on the case (``fact.correction-refused``)."""
    return _correct(ctx, case_id, _check_request(values), require_reason(reason), actor)


def _correct(ctx: AppContext, case_id: str, values: JsonObject, reason: str, actor: Actor) -> Corrected:
    now = ctx.clock()
    with ctx.uow() as uow:
        case = load_case(uow, case_id)
        authorize(uow, Permission.CASE_CORRECT, actor, case=case)
        parsed = ctx.processes.get(uow, case.process_id)
        _check_case(uow, case, values, NOT_FACTS | procedure_fields(uow, parsed, case.process_id))
        workflow = restore_case(ctx, uow, case)
        before, ready = workflow.variables, {t.task_id for t in workflow.ready_tasks()}
        changes = {k: {"from": before.get(k), "to": v} for k, v in values.items() if before.get(k) != v}
        if not changes:
            raise InvalidInput(
                "更正的事实与现有记录相同",
                "The correction changes nothing",
                code="correction-changes-nothing",
            )
        target = _review_target(
            present(uow.processes.get(case.process_id), "process").xml,
            sorted({w.element_id for w in workflow.waiting_at()}),
        )
        workflow.hold_routes(ctx.catalogues.get(uow, case.process_id).major_routes())
        result = workflow.set_variables(values, now)
        if target is not None:
            moved = workflow.move_to(target, now)
            result.completed_elements += moved.completed_elements
            result.effects += moved.effects
        previous = latest_mark(uow, case.id) or rule.NO_MARK
        lowered = sorted(previous.in_force - holding(ctx, uow, case.process_id, workflow.variables))
        step = StepContext(ctx, uow, case, actor, now)
        save_case(step, workflow)
        new = sync_tasks(step, workflow, ready, None)
        apply_effects(step, result)
        points, corrects = _corrects(uow, case.id, set(changes))
        entry = record_step(
            step,
            workflow,
            RecordDraft(
                action=rule.CORRECTION,
                actor=actor.user_id,
                actor_role="approver",
                case_id=case.id,
                element_id=target,
                corrects=corrects,
                payload=step_payload(
                    result,
                    new,
                    facts=jsonable(changes),
                    reason=reason,
                    lowered=lowered,
                    corrects=points,
                    sentToReview=target,
                ),
            ),
            may_lower=True,
        )
        uow.commit()
    return Corrected(case_id, entry.case_seq or 0, jsonable(changes), lowered, target, new)
