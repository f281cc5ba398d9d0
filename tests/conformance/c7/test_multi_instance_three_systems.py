"""The three systems hold inside multi-instance bodies (``diagrams/mi_legal_review.bpmn``, dialect rules
only): a co-signed legal review counts every signer, a signer who handled the case cannot sign its review,
and a decision co-signed inside a multi-instance body still needs the passed review of a major case.
Camunda 7 has no such rules; they are Sanxiang's (docs/legal-review.md), applied to each instance as to
any task."""

from __future__ import annotations

from typing import Any

import pytest

from engine.integration.outbox import events_for
from engine.kernel.context import AppContext
from tests.conformance.c7.driver import Diagram, add_users
from tests.integration.form_data import form_data, review
from tests.support import ROOT

FORMS = ("handler-review.form", "legal-review.form", "decision.form")
USERS = {"xu": ("handler", "legal-reviewer"), "lu": ("legal-reviewer",), "zheng": ("approver",)}
MAJOR = {"publicInterest": True}


@pytest.fixture
def diagram(client: Any, ctx: AppContext) -> Diagram:
    add_users(ctx, USERS)
    return Diagram(client, "mi_legal_review", forms=FORMS, forms_folder=ROOT / "forms")


def _proposed(diagram: Diagram, handler: str = "zhao", **variables: Any) -> str:
    case_id = diagram.start(approvers=["sun", "zheng"], skipReview=False, **variables)
    [task] = diagram.ready(case_id, "Task_Proposal")
    response = diagram.complete(task, handler, **form_data("handler-review", **MAJOR))
    assert response.status_code == 200, response.get_json()
    return case_id


def _refused(diagram: Diagram, case_id: str, user: str, data: dict[str, Any], code: str) -> None:
    [task] = [t for t in diagram.ready(case_id) if t["assignee"] == user]
    response = diagram.complete(task, user, **data)
    assert response.status_code == 403, response.get_json()
    assert response.get_json()["code"] == code
    assert any(t["id"] == task["id"] for t in diagram.ready(case_id)), "the task still waits"


def test_a_co_signed_review_counts_every_signer(diagram: Diagram, ctx: AppContext) -> None:
    case_id = _proposed(diagram, reviewers=["qian", "lu"])
    diagram.sign(case_id, "qian", **review(reviewConclusion="reject", reviewOpinion="主要证据不足，不予通过"))
    diagram.sign(case_id, "lu", **review())  # the last signer passes: the variable says "pass"
    assert diagram.case(case_id)["variables"]["reviewConclusion"] == "pass"
    _refused(diagram, case_id, "sun", form_data("decision"), "decision-after-failed-review")
    with ctx.uow(readonly=True) as uow:
        reviews = [
            e.content.payload for e in uow.records.for_case(case_id) if e.content.action == "review.completed"
        ]
    assert [r["reviewer"] for r in reviews] == ["qian", "lu"] and len({r["body"] for r in reviews}) == 1


def test_a_review_every_signer_passed_grounds_the_co_signed_decision(
    diagram: Diagram, ctx: AppContext
) -> None:
    case_id = _proposed(diagram, reviewers=["qian", "lu"])
    diagram.sign(case_id, "lu", **review())
    diagram.sign(case_id, "qian", **review())
    diagram.sign(case_id, "zheng", **form_data("decision"))
    diagram.sign(case_id, "sun", **form_data("decision"))
    case = diagram.case(case_id)
    assert case["status"] == "completed"
    assert [(s["element"], s["signer"], s["choice"]) for s in case["signatures"]] == [
        ("Task_LegalReview", "lu", "pass"),
        ("Task_LegalReview", "qian", "pass"),
        ("Task_Decision", "zheng", "grant"),
        ("Task_Decision", "sun", "grant"),
    ]
    assert [s["last"] for s in case["signatures"]] == [False, True, False, True]
    with ctx.uow(readonly=True) as uow:  # the decision is made once, when its last signer signs
        made = [
            kind
            for e in uow.records.for_case(case_id)
            for kind, _ in events_for(e.content)
            if kind == "decision.made"
        ]
        kinds = [row.kind for row in uow.deadlines.for_case(case_id)]
    assert len(made) == 1 and kinds.count("disclosure") == 1 and kinds.count("delivery") == 1


def test_a_signer_who_handled_the_case_cannot_sign_its_review(diagram: Diagram) -> None:
    case_id = _proposed(diagram, handler="xu", reviewers=["xu", "qian"])
    _refused(diagram, case_id, "xu", review(), "reviewer-handled-case")
    diagram.sign(case_id, "qian", **review())
    assert [t["assignee"] for t in diagram.ready(case_id)] == ["xu"], "the review waits for its other signer"


def test_a_decision_inside_a_multi_instance_body_needs_the_passed_review(diagram: Diagram) -> None:
    case_id = diagram.start(approvers=["sun", "zheng"], reviewers=["qian"], skipReview=True)
    [task] = diagram.ready(case_id, "Task_Proposal")
    assert diagram.complete(task, "zhao", **form_data("handler-review", **MAJOR)).status_code == 200
    for approver in ("sun", "zheng"):
        _refused(diagram, case_id, approver, form_data("decision"), "decision-without-review")
