"""Every shipped process, deployed with the full compliance rules, runs every path through the JSON API.

Each API call is one step: the case is restored from the database, the task completed with what a
person would type into the real form (``tests.integration.form_data``), and saved again. The paths:
grant, deny, the supplement loop, a legal review returned then passed, a rejection contested and taken
to the collective decision, and a rejection accepted, revised and reviewed again. The hearing and the
expert review of the construction planning permit are walked as tasks (their clock stops are tested
with the deadlines).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

import pytest

from engine.app import create_app
from engine.config import Settings
from tests.conftest import make_context
from tests.integration.form_data import AT, DENIED, form_data
from tests.integration.recordings import attach_recording
from tests.processes.walker import CALLED_STEPS, ITEMS, Step, Walk
from tests.support import MovableClock, auth

PROCESSES = ITEMS  # the approval items; a called procedure (service_delivery) is walked inside its callers
BETWEEN_REVIEW_AND_PROPOSAL = {  # the handler's own steps, in order
    "food_business_licence": ("Task_OnSite",),
    "public_place_hygiene": ("Task_OnSite",),
    "construction_planning_permit": ("Task_Hearing", "Task_ExpertReview"),
    "private_school_establishment": ("Task_OnSite", "Task_ExpertReview"),
    "outdoor_advertising": (),
}
HEARING_HELD = {
    "hearingHeld": True,
    "hearingAt": AT,
    "hearingHost": "法制科科长",
    "hearingParticipants": "申请人、周边居民代表三名",
    "hearingRecord": "听证会依法举行，听取了各方意见",
}
SUPPLEMENT = {
    "materialsComplete": False,
    "accepted": False,
    "missingMaterials": "营业场所平面布局图",
    "acceptanceNote": "一次性告知补正",
}
CONTESTED = {"contest": True, "contestReason": "承办人认为适用条款正确，提请集体讨论"}


def head(process: str, *, major: bool = False, supplement: bool = False) -> list[Step]:
    """From the application to the handler's proposal; a major case by the catalogue's facts."""
    steps: list[Step] = [("Task_Acceptance", SUPPLEMENT), ("Task_Supplement", {})] if supplement else []
    steps += [("Task_Acceptance", {}), ("Task_Review", {})]
    hearing = major and process == "construction_planning_permit"  # 已举行听证: major
    steps += [
        (s, HEARING_HELD if hearing and s == "Task_Hearing" else {})
        for s in BETWEEN_REVIEW_AND_PROPOSAL[process]
    ]
    facts: dict[str, Any] = {}
    if major:
        facts = {"hearingHeld": True} if hearing else {"publicInterest": True, "firstOfKind": True}
    return [*steps, ("Task_Proposal", facts)]


GRANT: list[Step] = [("Task_Decision", {}), ("Task_DeliverLicence", {}), ("Task_Archive", {})]
DENY: list[Step] = [("Task_Decision", DENIED), ("Task_DeliverDenial", {}), ("Task_Archive", {})]
REVIEW = "Task_LegalReview"
REJECT: Step = (REVIEW, {"reviewConclusion": "reject"})
JOURNEYS: dict[str, Any] = {
    "grant": lambda p: [*head(p), *GRANT],
    "deny": lambda p: [*head(p), *DENY],
    "supplement_loop": lambda p: [*head(p, supplement=True), *GRANT],
    "return_then_pass": lambda p: [
        *head(p, major=True),
        (REVIEW, {"reviewConclusion": "return"}),
        ("Task_ProposalRevision", {}),
        (REVIEW, {}),
        *GRANT,
    ],
    "reject_contested_coordination": lambda p: [
        *head(p, major=True),
        REJECT,
        ("Task_Contest", CONTESTED),
        ("Task_Coordination", {}),
        *GRANT,
    ],
    "reject_accepted_revised_reviewed_again": lambda p: [
        *head(p, major=True),
        REJECT,
        ("Task_Contest", {}),
        ("Task_ProposalRevision", {"proposal": "deny"}),
        (REVIEW, {}),
        *DENY,
    ],
}


@pytest.fixture
def compliant(settings: Settings, clock: MovableClock) -> Iterator[tuple[Any, Any]]:
    """The production wiring: bootstrap with the full rules (rules="all"), the real app."""
    ctx = make_context(settings, clock)
    app = create_app(ctx)
    app.config["TESTING"] = True
    yield app.test_client(), ctx
    ctx.database.dispose()


@pytest.mark.parametrize("journey", list(JOURNEYS))
@pytest.mark.parametrize("process", PROCESSES)
def test_every_shipped_process_runs_every_path_through_the_api(
    compliant: tuple[Any, Any], clock: MovableClock, process: str, journey: str
) -> None:
    client, ctx = compliant
    steps = JOURNEYS[journey](process)
    walk = Walk(client, ctx, clock, process)
    for element, overrides in steps:
        walk.step(element, overrides)
    case = walk.case()
    assert case["status"] == "completed" and case["ended_at"]
    assert case["version"] == len(walk.done) + len(walk.called) + 1, "one save per completion and per return"
    with ctx.uow(readonly=True) as uow:
        entries = [e.content for e in uow.records.for_case(walk.case_id)]
    completed = [e.element_id for e in entries if e.action == "task.completed"]
    assert completed == walk.done
    own = [e for e, _ in steps if e not in walk.calls]  # a call activity's tasks are its child's
    assert [e for e, _ in groupby(completed)] == [e for e, _ in groupby(own)]
    stepped = ("task.completed", "call.returned")
    path = [el for e in entries if e.action in stepped for el in e.payload.get("path", ())]
    assert "Task_Disclosure" in path and path[-1] == "EndEvent_Closed"
    actions = [e.action for e in entries]
    assert not [a for a in actions if a.endswith(".refused")]
    reviews = [e.payload["conclusion"] for e in entries if e.action == "review.completed"]
    assert reviews == [o.get("reviewConclusion", "pass") for el, o in steps if el == REVIEW]
    assert actions.count("coordination.completed") == (journey == "reject_contested_coordination")
    assert case["variables"]["decision"] == ("deny" if any(s is DENY[0] for s in steps) else "grant")
    assert walk.called == [e for e, _ in steps if e in walk.calls]
    assert actions.count("call.started") == actions.count("call.returned") == len(walk.called)
    _children_walked(walk, ctx, case)


def _children_walked(walk: Walk, ctx: Any, case: dict[str, Any]) -> None:
    """Each child case (送达) ran its own tasks on its own record, under the parent's business key, with the
    decision passed in and the delivery's facts passed back out to the parent."""
    assert [c["id"] for c in case["children"]] == list(walk.children)
    for link in case["children"]:
        child = walk.case(link["id"])
        called = walk.calls[link["element_id"]]
        assert child["status"] == "completed" and child["process_key"] == called
        assert child["business_key"] == case["business_key"] and child["parent"]["id"] == walk.case_id
        assert child["variables"]["decision"] == case["variables"]["decision"]
        assert child["version"] == len(walk.children[link["id"]]) + 1
        with ctx.uow(readonly=True) as uow:
            entries = [e.content for e in uow.records.for_case(link["id"])]
        completed = [e.element_id for e in entries if e.action == "task.completed"]
        assert completed == walk.children[link["id"]] == [e for e, _ in CALLED_STEPS[called]]
        assert not [e for e in entries if e.action.endswith(".refused")]
    if walk.children:
        assert case["variables"]["deliveryMethod"] == "direct" and case["variables"]["receiptKind"]


def test_two_inspectors_co_sign_the_on_site_check_each_once(
    compliant: tuple[Any, Any], clock: MovableClock
) -> None:
    """public_place_hygiene's on-site check (行政许可法 第三十四条: two or more staff verify on site) is a
    parallel multi-instance task of two: each inspector signs once, with a certificate and a video, and both
    signatures are on the case's record and in its API, in order."""
    client, ctx = compliant
    walk = Walk(client, ctx, clock, "public_place_hygiene")
    for element, overrides in head("public_place_hygiene")[:2]:
        walk.step(element, overrides)
    first, second = [t for t in walk.case()["tasks"] if t["status"] == "ready"]
    assert first["element_id"] == second["element_id"] == "Task_OnSite"
    walk.complete(first, "zhao", {"findings": "经营场所布局合理，卫生设施齐全"})
    attach_recording(ctx, walk.case_id, second["id"], "zhao")
    response = client.post(
        f"/api/v1/tasks/{second['id']}/complete",
        json={"variables": form_data("on-site-inspection")},
        headers=auth("zhao"),
    )
    assert response.status_code == 403 and response.get_json()["code"] == "co-signer-signed-already"
    walk.complete(second, "feng", {"inspectionResult": "rectify", "findings": "通风设施需整改后复查"})
    ready = [t["element_id"] for t in walk.case()["tasks"] if t["status"] == "ready"]
    assert ready == ["Task_Proposal"]
    signatures = walk.case()["signatures"]
    assert [(s["signer"], s["choice"], s["opinion"]) for s in signatures] == [
        ("zhao", "conform", "经营场所布局合理，卫生设施齐全"),
        ("feng", "rectify", "通风设施需整改后复查"),
    ]
    assert sorted(s["loopCounter"] for s in signatures) == [0, 1]
    assert {s["nrOfInstances"] for s in signatures} == {2}
    assert [s["task"] for s in signatures] == [first["id"], second["id"]]
