"""Monotonic facts at run time, for every channel (``engine.domain.established_facts`` holds the rule).

Every step that changes a case ends in ``steps.record_step``, which calls ``mark_step``: the step's record
gets ``raised`` (what its facts hold afterwards), and an ordinary step that would lower what the previous
step held is refused (``ProcedureViolation`` ``established-fact-lowered``; a completion's refusal is
recorded on the case by ``tasks.complete_task``). Only a correction (``fact_corrections``) may lower.
``lowering_guard`` says the same before a completion runs, naming the submitted facts.

Every channel restores a case through ``restore_case``: once the case needs a legal review for good
(``needs_legal_review``), its major-check gateways take their major flows whatever the facts say now.
``is_major`` is the one answer for the decision gate, case moves and the property tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.domain import established_facts as rule
from engine.domain.established_facts import Mark, mark_of
from engine.errors import ProcedureViolation
from engine.services.ports import CaseRow, RecordDraft, UnitOfWork

REVIEW_ROLE = "legal-review"


def holding(ctx: Any, uow: UnitOfWork, process_id: int, facts: Mapping[str, Any]) -> frozenset[str]:
    """The requirements ``facts`` raise under the catalogue of process version ``process_id``."""
    catalogue = ctx.catalogues.get(uow, process_id)
    return rule.requirements_holding(catalogue.establishes_major(facts, ctx.runner.evaluate_condition), facts)


def case_marks(uow: UnitOfWork, case_id: str) -> list[Mark]:
    marks = []
    for entry in uow.records.for_case(case_id):
        c = entry.content
        mark = mark_of(entry.case_seq or 0, c.action, c.actor, c.element_id, c.payload)
        if mark is not None:
            marks.append(mark)
    return marks


def refuse_lowering(marks: list[Mark], lowered: frozenset[str], changed: list[str],
                    names: Mapping[str, str]) -> ProcedureViolation:
    """The refusal of a step that would lower ``lowered``; ``names``: element id -> its name."""
    names_zh = "；".join(rule.REQUIREMENTS[r][0] for r in sorted(lowered))
    names_en = "; ".join(rule.REQUIREMENTS[r][1] for r in sorted(lowered))
    origins = [m for m in (rule.established_by(marks, r) for r in sorted(lowered)) if m is not None]
    where = "、".join(f"“{names.get(m.element or '', m.element or m.action)}”（记录第 {m.seq} 条）"
                     for m in origins)
    where_en = ", ".join(f"'{names.get(m.element or '', m.element or m.action)}' (entry {m.seq})"
                         for m in origins)
    facts = f"（{'、'.join(changed)}）" if changed else ""
    return ProcedureViolation(
        f"本案已由{where}确定：{names_zh}。后续环节提交的事实{facts}不得取消该要求；"
        "确属错误的，须由负责人提出附理由的事实更正（更正后须经法制审核）",
        f"This case was established by {where_en} as needing {names_en}; a later step's facts"
        f"{' (' + ', '.join(changed) + ')' if changed else ''} may not unset it. A wrong fact is corrected "
        "only by an approver's reasoned fact correction, which then goes to legal review",
        code="established-fact-lowered",
        details={"lowered": sorted(lowered), "changed": changed,
                 "establishedBy": [{"seq": m.seq, "element": m.element, "actor": m.actor} for m in origins]})


def _names(ctx: Any, uow: UnitOfWork, process_id: int) -> dict[str, str]:
    return {e.element_id: e.name or e.element_id for e in ctx.processes.get(uow, process_id).elements.values()}


def mark_step(ctx: Any, uow: UnitOfWork, case: CaseRow, variables: Mapping[str, Any], draft: RecordDraft,
              *, may_lower: bool = False, process_id: int | None = None) -> RecordDraft:
    """``draft`` with ``raised``; refuses an ordinary step that lowers what the previous step held.

    ``may_lower``: a correction (which lowers on purpose, and makes the case need a review for good), or a
    migration to a version whose catalogue differs (what was in force stays in force: ``in_force``)."""
    held = holding(ctx, uow, process_id or case.process_id, variables)
    if not may_lower:
        marks = case_marks(uow, case.id)
        lowered = rule.lowered(marks, held)
        if lowered:
            raise refuse_lowering(marks, lowered, [], _names(ctx, uow, case.process_id))
    return RecordDraft(draft.action, draft.actor, draft.actor_role, draft.case_id, draft.task_id,
                       draft.element_id, {**draft.payload, "raised": sorted(held)}, draft.evidence,
                       draft.corrects)


def lowering_guard(ctx: Any) -> Any:
    """A completion guard: refuse before running a step whose submitted facts lower an established one."""
    def guard(c: Any) -> None:
        variables = c.variables
        facts = {**variables, **c.data}
        marks = case_marks(c.uow, c.case.id)
        lowered = rule.lowered(marks, holding(ctx, c.uow, c.case.process_id, facts))
        if lowered:
            changed = [k for k, v in c.data.items() if variables.get(k) != v]
            culprits = [k for k in changed if lowered - rule.lowered(marks, holding(
                ctx, c.uow, c.case.process_id, {**facts, k: variables.get(k)}))]
            raise refuse_lowering(marks, lowered, sorted(culprits or changed),
                                  _names(ctx, c.uow, c.case.process_id))
    return guard


def needs_review_for_good(uow: UnitOfWork, case_id: str) -> bool:
    return rule.needs_legal_review(case_marks(uow, case_id)) or any(
        t.role == REVIEW_ROLE for t in uow.tasks.for_case(case_id))


def is_major(ctx: Any, uow: UnitOfWork, case: CaseRow, facts: Mapping[str, Any]) -> bool:
    """Major: established on the record (or a legal review was ever opened), or the catalogue says so for
    ``facts`` now — when in doubt, major."""
    if needs_review_for_good(uow, case.id):
        return True
    return bool(ctx.catalogues.get(uow, case.process_id).is_major(facts, ctx.runner.evaluate_condition))


def whole_video_in_force(uow: UnitOfWork, case_id: str) -> list[str]:
    """The site flags established on the record for a case whose whole verification needs video."""
    return [rule.WHOLE_VIDEO] if rule.WHOLE_VIDEO in rule.in_force(case_marks(uow, case_id)) else []


def restore_case(ctx: Any, uow: UnitOfWork, case: CaseRow) -> Any:
    """The case's workflow, steered: a case major for good takes the major flows of its major checks."""
    workflow = ctx.runner.restore(ctx.processes.get(uow, case.process_id), case.state)
    if needs_review_for_good(uow, case.id):
        workflow.hold_routes(ctx.catalogues.get(uow, case.process_id).major_routes())
    return workflow
