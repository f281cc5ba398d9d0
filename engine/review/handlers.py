"""Who handled a case, read from its record and tasks (the rule: ``engine.review.separation_of_duties``).

The one place separation of duties is asked: the legal-review gate refuses a reviewer who handled the
case, and a decision resting on such a reviewer's review.
"""

from __future__ import annotations

from typing import Any

from engine.kernel.ports import CaseRow, UnitOfWork
from engine.review.separation_of_duties import RecordedAct, TaskHolder, Touch, who_handled

REVIEW_ROLE = "legal-review"


def review_elements(process: Any) -> frozenset[str]:
    """The elements of a parsed process whose tasks are legal reviews (not handling)."""
    return frozenset(e.element_id for e in process.elements.values() if e.role == REVIEW_ROLE)


def case_handlers(uow: UnitOfWork, case: CaseRow, process: Any) -> dict[str, tuple[Touch, ...]]:
    """Everyone who handled ``case`` (``process``: its parsed process), with how they did."""
    acts = [
        RecordedAct(
            e.case_seq or 0, e.content.action, e.content.actor, e.content.element_id, e.content.payload
        )
        for e in uow.records.for_case(case.id)
    ]
    reviews = review_elements(process)
    tasks = [
        TaskHolder(t.element_id, t.assignee, t.completed_by)
        for t in uow.tasks.for_case(case.id)
        if t.role != REVIEW_ROLE
    ]
    return who_handled(acts, tasks, case.started_by, reviews)
