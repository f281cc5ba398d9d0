"""The legal-review gate holds at run time, whatever the diagram allows.

``tests/fixtures/bypass_review.bpmn`` (deployed with the dialect rules only, as the compliance rules would
refuse it) lets a major case skip the review, ignores the review's conclusion, offers the review to
approvers too, and on every path lets the handler amend the facts (Task_Amend) just before the
decision. Every decision that the law forbids is refused (403 with a problem code) and the refusal
stays in the case's record although the step rolled back.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.kernel.context import AppContext
from tests.integration.api_driver import deploy, open_case, waiting
from tests.integration.form_data import form_data, review
from tests.support import FIXTURES, ROOT, auth

FORMS = ("handler-review.form", "legal-review.form", "decision.form")
ALL_FORMS = sorted(p.name for p in (ROOT / "forms").glob("*.form"))
MAJOR = {"publicInterest": True}
DECIDE = ("Task_Decision", "sun")
CONTESTED = {"contest": True, "contestReason": "承办人有异议，提请集体讨论"}


@pytest.fixture
def bypass(client: Any) -> Any:
    assert deploy(client, *FORMS, folder=ROOT / "forms").status_code == 201
    response = deploy(client, "bypass_review.bpmn", folder=FIXTURES)
    assert response.status_code == 201, response.get_json()
    return client


def _complete(client: Any, case_id: str, element: str, user: str, data: dict[str, Any]) -> Any:
    task = next(t for t in waiting(client, case_id) if t["element_id"] == element)
    return client.post(f"/api/v1/tasks/{task['id']}/complete", json={"variables": data}, headers=auth(user))


def _ok(response: Any) -> None:
    assert response.status_code == 200, response.get_json()


def _case(client: Any, *, skip_review: bool, **facts: Any) -> str:
    case_id: str = open_case(client, "bypass_review", skipReview=skip_review)["id"]
    _ok(_complete(client, case_id, "Task_Proposal", "zhao", form_data("handler-review", **facts)))
    return case_id


def _amend(client: Any, case_id: str, **facts: Any) -> None:
    """The handler submits the proposal form again just before the decision (the same facts by default)."""
    _ok(_complete(client, case_id, "Task_Amend", "zhao", form_data("handler-review", **facts)))


def _case_json(client: Any, case_id: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/api/v1/cases/{case_id}", headers=auth("zhou")).get_json()
    return body


def _refused(
    client: Any, case_id: str, who: tuple[str, str], data: dict[str, Any], code: str
) -> dict[str, Any]:
    """Assert a 403 with ``code``, nothing changed, and the refusal on record; return the refusal record."""
    element, user = who
    before = _case_json(client, case_id)
    response = _complete(client, case_id, element, user, data)
    assert response.status_code == 403, response.get_json()
    problem = response.get_json()
    assert problem["code"] == code and problem["detail_zh"] and problem["detail_en"]
    after = _case_json(client, case_id)
    assert after["version"] == before["version"], "the step rolled back"
    assert [t["element_id"] for t in waiting(client, case_id)] == [element], "the task still waits"
    [refusal] = [h for h in after["history"] if h not in before["history"]]
    assert refusal["action"].endswith(".refused")
    assert (refusal["element"], refusal["actor"]) == (element, user)
    ctx: AppContext = client.application.extensions["sanxiang"]
    with ctx.uow(readonly=True) as uow:
        entry = uow.records.for_case(case_id)[-1].content
    assert entry.payload["code"] == code and entry.payload["reason_zh"] == problem["detail_zh"]
    return dict(entry.payload, action=entry.action)


def test_a_major_case_routed_around_the_review_cannot_be_decided(bypass: Any) -> None:
    case_id = _case(bypass, skip_review=True, **MAJOR)
    _amend(bypass, case_id, **MAJOR)
    refusal = _refused(bypass, case_id, DECIDE, form_data("decision"), "decision-without-review")
    assert refusal["action"] == "decision.refused"
    assert refusal["data"]["decision"] == "grant", "the attempted decision is on record"


def test_an_ordinary_case_is_decided_without_review(bypass: Any) -> None:
    case_id = _case(bypass, skip_review=True)
    _amend(bypass, case_id)
    _ok(_complete(bypass, case_id, "Task_Decision", "sun", form_data("decision")))


def test_the_catalogue_reads_the_current_facts_not_the_path_taken(bypass: Any) -> None:
    case_id = _case(bypass, skip_review=True)  # not major when the gateway was passed …
    _amend(bypass, case_id, investment=80_000_000)  # … but major by the facts at the decision
    _refused(bypass, case_id, DECIDE, form_data("decision"), "decision-without-review")


@pytest.mark.parametrize("conclusion", ["return", "reject"])
def test_no_decision_after_a_review_that_did_not_pass(bypass: Any, conclusion: str) -> None:
    case_id = _case(bypass, skip_review=False, **MAJOR)
    _ok(_complete(bypass, case_id, "Task_LegalReview", "qian", review(conclusion)))
    _amend(bypass, case_id, **MAJOR)
    refusal = _refused(bypass, case_id, DECIDE, form_data("decision"), "decision-after-failed-review")
    assert refusal["details"]["conclusion"] == conclusion


def test_a_later_step_cannot_make_a_major_case_minor(bypass: Any) -> None:
    case_id = _case(bypass, skip_review=False, **MAJOR)
    _ok(_complete(bypass, case_id, "Task_LegalReview", "qian", review("return")))
    unset = form_data("handler-review", publicInterest=False)
    refusal = _refused(bypass, case_id, ("Task_Amend", "zhao"), unset, "established-fact-lowered")
    details = refusal["details"]
    assert details["lowered"] == ["legal-review"] and details["changed"] == ["publicInterest"]
    assert details["establishedBy"][0]["element"] == "Task_Proposal"
    _amend(bypass, case_id, **MAJOR)
    _refused(bypass, case_id, DECIDE, form_data("decision"), "decision-after-failed-review")


def test_a_review_does_not_cover_facts_changed_after_it(bypass: Any) -> None:
    case_id = _case(bypass, skip_review=False, **MAJOR)
    _ok(_complete(bypass, case_id, "Task_LegalReview", "qian", review("pass")))
    _amend(bypass, case_id, **MAJOR, investment=3_000_000, facts="补充了新的投资事实")
    refusal = _refused(bypass, case_id, DECIDE, form_data("decision"), "review-outdated")
    assert refusal["details"]["changed"] == ["facts", "investment"]


def test_the_reviewer_who_handled_the_case_may_not_review_it(bypass: Any) -> None:
    ctx: AppContext = bypass.application.extensions["sanxiang"]
    with ctx.uow() as uow:  # a member of staff who is both handler and legal reviewer
        uow.users.upsert("zheng", "郑双岗", ["handler", "legal-reviewer"], ctx.clock())
        uow.users.add_token("zheng", "demo-zheng", "test", ctx.clock())
        uow.commit()
    case_id = open_case(bypass, "bypass_review", skipReview=False)["id"]
    _ok(_complete(bypass, case_id, "Task_Proposal", "zheng", form_data("handler-review", **MAJOR)))
    refusal = _refused(bypass, case_id, ("Task_LegalReview", "zheng"), review(), "reviewer-handled-case")
    assert refusal["action"] == "review.refused" and refusal["details"]["handled"] == ["Task_Proposal"]
    _ok(_complete(bypass, case_id, "Task_LegalReview", "qian", review("pass")))


def test_only_legal_staff_may_review_even_when_the_diagram_offers_the_review_to_others(bypass: Any) -> None:
    case_id = _case(bypass, skip_review=False, **MAJOR)
    _refused(bypass, case_id, ("Task_LegalReview", "sun"), review("pass"), "reviewer-not-legal-staff")


@pytest.mark.parametrize(
    ("change", "code"),
    [  # what the form itself cannot say (the rest: unit tests)
        ({"check5": "fail", "note5": " "}, "review-fail-without-note"),
        ({"check5": "fail", "note5": "裁量明显不当"}, "review-pass-with-failed-item"),
        ({"check5": "fail", "note5": "裁量明显不当", "check9": "fail"}, "review-fail-without-note"),
    ],
)
def test_a_failed_checklist_item_needs_a_note_and_forbids_a_pass(
    bypass: Any, change: dict[str, Any], code: str
) -> None:
    case_id = _case(bypass, skip_review=False, **MAJOR)
    data = {k: v for k, v in (review("pass") | change).items() if v is not None}
    response = _complete(bypass, case_id, "Task_LegalReview", "qian", data)
    assert response.status_code == 400 and response.get_json()["code"] == code
    assert [t["element_id"] for t in waiting(bypass, case_id)] == ["Task_LegalReview"]


def test_a_passed_review_of_the_current_facts_allows_the_decision(bypass: Any) -> None:
    case_id = _case(bypass, skip_review=False, **MAJOR)
    _ok(_complete(bypass, case_id, "Task_LegalReview", "qian", review("pass", note1="主体为本局，合法")))
    _amend(bypass, case_id, **MAJOR)  # the same facts again
    _ok(_complete(bypass, case_id, "Task_Decision", "sun", form_data("decision")))
    case = bypass.get(f"/api/v1/cases/{case_id}", headers=auth("sun")).get_json()
    assert case["status"] == "completed"
    ctx: AppContext = bypass.application.extensions["sanxiang"]
    with ctx.uow(readonly=True) as uow:
        [entry] = [e.content for e in uow.records.for_case(case_id) if e.content.action == "review.completed"]
    assert entry.actor == "qian" and entry.payload["reviewer"] == "qian"
    assert entry.payload["conclusion"] == "pass" and entry.payload["opinion"].startswith("经审核")
    assert [i["label"] for i in entry.payload["checklist"]][:2] == ["主体合法", "事实清楚"]
    first = {"item": 1, "label": "主体合法", "result": "pass", "note": "主体为本局，合法"}
    assert entry.payload["checklist"][0] == first
    assert len(entry.payload["dataHash"]) == 64 and "publicInterest" in entry.payload["facts"]
    assert "reviewConclusion" not in entry.payload["facts"] and "decision" not in entry.payload["facts"]


def test_a_contested_rejection_taken_to_a_collective_decision_allows_the_decision(client: Any) -> None:
    assert deploy(client, *ALL_FORMS, folder=ROOT / "forms").status_code == 201
    assert deploy(client, "outdoor_advertising.bpmn", folder=ROOT / "processes").status_code == 201
    case_id = open_case(client, "outdoor_advertising")["id"]
    for element, user, data in [
        ("Task_Acceptance", "wang", form_data("acceptance")),
        ("Task_Review", "zhao", form_data("material-review")),
        ("Task_Proposal", "zhao", form_data("handler-review", **MAJOR)),
        ("Task_LegalReview", "qian", review("reject")),
        ("Task_Contest", "zhao", form_data("contest", **CONTESTED)),
    ]:
        _ok(_complete(client, case_id, element, user, data))
    _ok(_complete(client, case_id, "Task_Coordination", "sun", form_data("coordination")))
    _ok(_complete(client, case_id, "Task_Decision", "sun", form_data("decision")))
    history = [h["action"] for h in _case_json(client, case_id)["history"]]
    assert history.index("review.completed") < history.index("coordination.completed")
    assert not [a for a in history if a.endswith(".refused")]


def test_a_collective_decision_needs_minutes_whatever_form_the_diagram_shows(client: Any) -> None:
    assert deploy(client, "contest.form", folder=ROOT / "forms").status_code == 201
    assert deploy(client, "coordination_without_minutes.bpmn", folder=FIXTURES).status_code == 201
    case_id = open_case(client, "coordination_without_minutes")["id"]
    response = _complete(client, case_id, "Task_Coordination", "sun", form_data("contest", **CONTESTED))
    assert response.status_code == 400 and response.get_json()["code"] == "coordination-without-minutes"
    assert [t["element_id"] for t in waiting(client, case_id)] == ["Task_Coordination"]
