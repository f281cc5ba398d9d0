"""Monotonic facts at run time, for every channel (``engine.review.fact_rules`` holds the rule).

Every step that changes a case ends in ``steps.record_step``, which calls ``mark_step``: the step's record
gets its mark (what its facts raise afterwards, folded with the previous mark), and an ordinary step that
would lower what the previous step raised is refused (``ProcedureViolation`` ``established-fact-lowered``;
a completion's refusal is recorded on the case by ``tasks.complete_task``). Only a correction
(``fact_corrections``) may lower; a migration re-marks under the new catalogue, keeping what was in force.
``lowering_guard`` says the same before a completion runs, naming the submitted facts that lower it.

Every channel restores a case through ``restore_case``: once the case needs a legal review for good
(``needs_review_for_good``), its major-check gateways take their major flows whatever the facts say now.
``is_major`` is the one answer for the decision gate and case moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.errors import ProcedureViolation
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import CaseRow, RecordDraft, UnitOfWork
from engine.review import fact_rules as rule
from engine.review.fact_rules import NO_MARK, Mark, Origin, mark_of

if TYPE_CHECKING:
    from engine.kernel.context import AppContext
    from engine.tasks.claim_and_complete import Completion

REVIEW_ROLE = "legal-review"
# the actions whose entries carry a mark: every step (``steps.record_step``) and the migration
MARK_ACTIONS = (
    "case.started",
    "task.completed",
    "message.received",
    "external-task.completed",
    "external-task.bpmn-error",
    "timer.fired",
    "task.error_thrown",
    "call.returned",
    "case.moved",
    "case.migrated",
    rule.CORRECTION,
)


def holding(
    ctx: AppContext, uow: UnitOfWork, process_id: int, facts: Mapping[str, JsonValue]
) -> frozenset[str]:
    """The requirements ``facts`` raise under the catalogue of process version ``process_id``."""
    catalogue = ctx.catalogues.get(uow, process_id)
    return rule.requirements_holding(catalogue.establishes_major(facts, ctx.runner.evaluate_condition), facts)


def latest_mark(uow: UnitOfWork, case_id: str) -> Mark | None:
    """The case's latest mark (None for a case recorded before marks existed)."""
    entry = uow.records.latest_of(case_id, MARK_ACTIONS)
    return mark_of(entry.case_seq or 0, entry.content.payload) if entry is not None else None


def refuse_lowering(
    mark: Mark, lowered: frozenset[str], changed: list[str], names: Mapping[str, str]
) -> ProcedureViolation:
    """The refusal of a step that would lower ``lowered``; ``names``: element id -> its name."""
    names_zh = "；".join(rule.REQUIREMENTS[r][0] for r in sorted(lowered))
    names_en = "; ".join(rule.REQUIREMENTS[r][1] for r in sorted(lowered))
    origins = [mark.established[r] for r in sorted(lowered) if r in mark.established]
    where = "、".join(f"“{_name(o, names)}”（记录第 {o.seq} 条）" for o in origins) or "此前的环节"
    where_en = ", ".join(f"'{_name(o, names)}' (entry {o.seq})" for o in origins) or "an earlier step"
    facts = f"（{'、'.join(changed)}）" if changed else ""
    return ProcedureViolation(
        f"本案已由{where}确定：{names_zh}。后续环节提交的事实{facts}不得取消该要求；"
        "确属错误的，须由负责人提出附理由的事实更正（更正后须经法制审核）",
        f"This case was established by {where_en} as needing {names_en}; a later step's facts"
        f"{' (' + ', '.join(changed) + ')' if changed else ''} may not unset it. A wrong fact is corrected "
        "only by an approver's reasoned fact correction, which then goes to legal review",
        code="established-fact-lowered",
        details={
            "lowered": sorted(lowered),
            "changed": changed,
            "establishedBy": [{"seq": o.seq, "element": o.element, "actor": o.actor} for o in origins],
        },
    )


def _name(origin: Origin, names: Mapping[str, str]) -> str:
    return names.get(origin.element or "", origin.element or origin.action)


def _names(ctx: AppContext, uow: UnitOfWork, process_id: int) -> dict[str, str]:
    elements = ctx.processes.get(uow, process_id).elements.values()
    return {e.element_id: e.name or e.element_id for e in elements}


def mark_step(
    ctx: AppContext,
    uow: UnitOfWork,
    case: CaseRow,
    workflow: Any,
    draft: RecordDraft,
    *,
    may_lower: bool = False,
    process_id: int | None = None,
) -> RecordDraft:
    """``draft`` with its mark; refuses an ordinary step that lowers what the previous step raised.

    ``may_lower``: a correction (``fact.corrected``: lowers on purpose, and the case needs a review for
    good), or a migration to a version whose catalogue differs (what was in force stays in force)."""
    if draft.action not in MARK_ACTIONS:
        raise RuntimeError(f"record_step: add {draft.action!r} to established.MARK_ACTIONS")
    held = holding(ctx, uow, process_id or case.process_id, workflow.variables)
    previous = latest_mark(uow, case.id) or NO_MARK
    lowered = rule.lowered(previous, held)
    if lowered and not may_lower:
        raise refuse_lowering(previous, lowered, [], _names(ctx, uow, case.process_id))
    opened = any(t.element.role == REVIEW_ROLE for t in workflow.ready_tasks())
    mark = rule.next_mark(
        previous,
        Origin(None, draft.action, draft.actor, draft.element_id),
        held,
        correction=draft.action == rule.CORRECTION,
        review_opened=opened,
    )
    return RecordDraft(
        draft.action,
        draft.actor,
        draft.actor_role,
        draft.case_id,
        draft.task_id,
        draft.element_id,
        {**draft.payload, **rule.mark_payload(mark)},
        draft.evidence,
        draft.corrects,
    )


def lowering_guard(ctx: AppContext) -> Any:
    """A completion guard: refuse before running a step whose submitted facts lower an established one."""

    def guard(c: Completion) -> None:
        variables = c.variables
        facts = {**variables, **c.data}
        previous = latest_mark(c.uow, c.case.id) or NO_MARK
        lowered = rule.lowered(previous, holding(ctx, c.uow, c.case.process_id, facts))
        if lowered:
            changed = [k for k, v in c.data.items() if variables.get(k) != v]
            culprits = [
                k
                for k in changed
                if lowered
                - rule.lowered(
                    previous, holding(ctx, c.uow, c.case.process_id, {**facts, k: variables.get(k)})
                )
            ]
            raise refuse_lowering(
                previous, lowered, sorted(culprits or changed), _names(ctx, c.uow, c.case.process_id)
            )

    return guard


def needs_review_for_good(uow: UnitOfWork, case_id: str) -> bool:
    """Major for good: the latest mark says so (or, for a case without marks, a review was ever opened)."""
    mark = latest_mark(uow, case_id)
    if mark is not None:
        return mark.review_for_good
    return any(t.role == REVIEW_ROLE for t in uow.tasks.for_case(case_id))


def is_major(ctx: AppContext, uow: UnitOfWork, case: CaseRow, facts: Mapping[str, JsonValue]) -> bool:
    """Major: established on the record for good, or by the catalogue for ``facts`` now — when in doubt,
    major."""
    if needs_review_for_good(uow, case.id):
        return True
    return bool(ctx.catalogues.get(uow, case.process_id).is_major(facts, ctx.runner.evaluate_condition))


def whole_video_in_force(uow: UnitOfWork, case_id: str) -> bool:
    """The record established that the site touches life and health or major property (not corrected)."""
    mark = latest_mark(uow, case_id)
    return mark is not None and rule.WHOLE_VIDEO in mark.in_force


def restore_case(ctx: AppContext, uow: UnitOfWork, case: CaseRow) -> Any:
    """The case's workflow, steered: a case major for good takes the major flows of its major checks."""
    workflow = ctx.runner.restore(ctx.processes.get(uow, case.process_id), case.state)
    if needs_review_for_good(uow, case.id):
        workflow.hold_routes(ctx.catalogues.get(uow, case.process_id).major_routes())
    return workflow
