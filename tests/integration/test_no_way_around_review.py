"""Issue 13, items 1 and 2, through the real HTTP server: the legal review cannot be skipped by changing a
fact after it was established, nor by handing the case to a reviewer through delegation and drafts.

Each attack is replayed as a client would send it (JSON over a socket to the running application, the
shipped processes and forms deployed with the full rules); each now gets a clear refusal (403 with a
problem code in Chinese and English), the case does not move, and the refusal is on the case's record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.integration.form_data import AT, form_data, review
from tests.integration.live_server import Http, serving
from tests.integration.recordings import attach_recording
from tests.support import ROOT, MovableClock

HEARING_HELD = {
    "hearingHeld": True,
    "hearingAt": AT,
    "hearingHost": "法制科科长",
    "hearingParticipants": "申请人、周边居民代表三名",
    "hearingRecord": "听证会依法举行，听取了各方意见",
}
PERMIT = "construction_planning_permit"
ADVERTISING = "outdoor_advertising"


@pytest.fixture
def live(settings: Settings, clock: MovableClock) -> Iterator[tuple[Http, AppContext]]:
    """The production wiring (all rules), the shipped files deployed over HTTP, and xu: a member of staff
    who is both handler (承办人) and legal reviewer (法制审核人员)."""
    ctx = make_context(settings, clock)
    with ctx.uow() as uow:
        uow.users.upsert("xu", "徐双岗", ["handler", "legal-reviewer"], ctx.clock())
        uow.users.add_token("xu", "demo-xu", "test", ctx.clock())
        uow.commit()
    with serving(ctx) as base:
        http = Http(base)
        http.deploy(sorted((ROOT / "forms").glob("*.form")))
        http.deploy([ROOT / "processes" / f"{PERMIT}.bpmn", ROOT / "processes" / f"{ADVERTISING}.bpmn"])
        yield http, ctx
    ctx.database.dispose()


def case_json(http: Http, case_id: str) -> dict[str, Any]:
    body: dict[str, Any] = http.ok("GET", f"/api/v1/cases/{case_id}", "zhou")
    return body


def task_at(http: Http, case_id: str, element: str) -> dict[str, Any]:
    ready = [t for t in case_json(http, case_id)["tasks"] if t["status"] == "ready"]
    assert [t["element_id"] for t in ready] == [element], ready
    return ready[0]


def complete(http: Http, case_id: str, element: str, user: str, data: dict[str, Any]) -> tuple[int, Any]:
    task = task_at(http, case_id, element)
    return http.call("POST", f"/api/v1/tasks/{task['id']}/complete", user, {"variables": data})


def walk(http: Http, ctx: AppContext, case_id: str, steps: list[tuple[str, str, dict[str, Any]]]) -> None:
    for element, user, data in steps:
        task = task_at(http, case_id, element)
        if task["role"] in ("hearing", "on-site", "delivery"):
            attach_recording(ctx, case_id, task["id"], user)
        status, answer = complete(http, case_id, element, user, data)
        assert status == 200, (element, answer)


def refused(
    http: Http, case_id: str, element: str, user: str, data: dict[str, Any], code: str
) -> dict[str, Any]:
    """A 403 with ``code``, the case unchanged, the refusal the case's latest record; returns its payload."""
    before = case_json(http, case_id)
    status, problem = complete(http, case_id, element, user, data)
    assert status == 403 and problem["code"] == code, problem
    assert problem["detail_zh"] and problem["detail_en"] and problem["status"] == 403
    after = case_json(http, case_id)
    assert after["version"] == before["version"] and task_at(http, case_id, element)
    [entry] = [h for h in after["history"] if h not in before["history"]]
    assert entry["action"].endswith(".refused") and (entry["element"], entry["actor"]) == (element, user)
    return entry


def record_payload(ctx: AppContext, case_id: str, seq: int) -> dict[str, Any]:
    with ctx.uow(readonly=True) as uow:
        [entry] = [e for e in uow.records.for_case(case_id) if e.case_seq == seq]
    return dict(entry.content.payload)


def permit_after_hearing(http: Http, ctx: AppContext) -> str:
    """A construction planning permit whose 听证 recorded hearingHeld=true; it waits at 拟办意见."""
    case_id: str = http.ok("POST", "/api/v1/cases", "wang", {"process": PERMIT})["id"]
    walk(
        http,
        ctx,
        case_id,
        [
            ("Task_Acceptance", "wang", form_data("acceptance")),
            ("Task_Review", "zhao", form_data("material-review")),
            ("Task_Hearing", "zhao", form_data("hearing", **HEARING_HELD)),
            ("Task_ExpertReview", "zhao", form_data("expert-review")),
        ],
    )
    return case_id


def test_a_hearing_held_cannot_be_unset_by_the_proposal_to_skip_the_review(
    live: tuple[Http, AppContext],
) -> None:
    http, ctx = live
    case_id = permit_after_hearing(http, ctx)
    attack = form_data("handler-review", hearingHeld=False)
    entry = refused(http, case_id, "Task_Proposal", "zhao", attack, "established-fact-lowered")
    payload = record_payload(ctx, case_id, entry["seq"])
    details = payload["details"]
    assert details["lowered"] == ["legal-review"] and details["changed"] == ["hearingHeld"]
    assert details["establishedBy"][0]["element"] == "Task_Hearing"
    assert "“听证”" in payload["reason_zh"] and "Task_Hearing" not in payload["reason_zh"]
    assert payload["data"]["hearingHeld"] is False, "the attempted submission is on record"
    walk(http, ctx, case_id, [("Task_Proposal", "zhao", form_data("handler-review", hearingHeld=True))])
    task_at(http, case_id, "Task_LegalReview")  # the major path: the review comes before the decision


def test_a_corrected_hearing_still_goes_to_legal_review(live: tuple[Http, AppContext]) -> None:
    http, ctx = live
    case_id = permit_after_hearing(http, ctx)
    wrong = {"facts": {"hearingHeld": False}, "reason": "当事人放弃听证，听证环节误勾选“已举行听证”"}
    status, problem = http.call("POST", f"/api/v1/cases/{case_id}/corrections", "zhao", wrong)
    assert status == 403 and problem["code"] == "correction-forbidden"  # a handler may not correct
    done = http.ok("POST", f"/api/v1/cases/{case_id}/corrections", "sun", wrong)
    assert done["facts"] == {"hearingHeld": {"from": True, "to": False}}
    assert done["lowered"] == ["legal-review"]
    assert done["sent_to_review"] is None, "the review is still ahead of the proposal"
    correction = record_payload(ctx, case_id, done["seq"])
    assert correction["reason"] == wrong["reason"] and correction["corrects"]["hearingHeld"] > 0
    walk(http, ctx, case_id, [("Task_Proposal", "zhao", form_data("handler-review"))])  # no major fact now …
    task_at(http, case_id, "Task_LegalReview")  # … but the correction itself goes to review
    walk(
        http,
        ctx,
        case_id,
        [("Task_LegalReview", "qian", review("pass")), ("Task_Decision", "sun", form_data("decision"))],
    )


def test_a_correction_at_the_decision_sends_the_case_back_to_legal_review(
    live: tuple[Http, AppContext],
) -> None:
    http, ctx = live
    case_id: str = http.ok("POST", "/api/v1/cases", "wang", {"process": ADVERTISING})["id"]
    walk(
        http,
        ctx,
        case_id,
        [
            ("Task_Acceptance", "wang", form_data("acceptance")),
            ("Task_Review", "zhao", form_data("material-review")),
            ("Task_Proposal", "zhao", form_data("handler-review", investment=20_000)),
        ],
    )
    task_at(http, case_id, "Task_Decision")  # a minor case, at its decision
    fix = {"facts": {"investment": 200_000}, "reason": "投资额漏填一位，依据项目备案证明更正"}
    done = http.ok("POST", f"/api/v1/cases/{case_id}/corrections", "sun", fix)
    assert done["sent_to_review"] == "Task_LegalReview" and done["lowered"] == []
    assert [t["element_id"] for t in done["tasks"]] == ["Task_LegalReview"]
    history = [h["action"] for h in case_json(http, case_id)["history"]]
    assert history[-1] == "fact.corrected"
    walk(
        http,
        ctx,
        case_id,
        [("Task_LegalReview", "qian", review("pass")), ("Task_Decision", "sun", form_data("decision"))],
    )


def delegate_then_draft(http: Http, task_id: str, owner: str, delegate: str) -> None:
    http.ok("POST", f"/api/v1/tasks/{task_id}/claim", owner)
    http.ok("POST", f"/api/v1/tasks/{task_id}/delegate", owner, {"to": delegate, "reason": "请协助起草"})
    http.ok("PUT", f"/api/v1/tasks/{task_id}/draft", delegate, {"data": {"facts": "草稿：申请材料齐全"}})
    http.ok("POST", f"/api/v1/tasks/{task_id}/resolve", delegate, {"note": "草稿已写好，交还"})


def test_a_delegate_who_drafted_the_proposal_may_not_review_it(live: tuple[Http, AppContext]) -> None:
    http, ctx = live
    case_id: str = http.ok("POST", "/api/v1/cases", "wang", {"process": ADVERTISING})["id"]
    walk(
        http,
        ctx,
        case_id,
        [
            ("Task_Acceptance", "wang", form_data("acceptance")),
            ("Task_Review", "zhao", form_data("material-review")),
        ],
    )
    delegate_then_draft(http, task_at(http, case_id, "Task_Proposal")["id"], "zhao", "xu")
    walk(http, ctx, case_id, [("Task_Proposal", "zhao", form_data("handler-review", publicInterest=True))])
    entry = refused(http, case_id, "Task_LegalReview", "xu", review("pass"), "reviewer-handled-case")
    payload = record_payload(ctx, case_id, entry["seq"])
    assert entry["action"] == "review.refused"
    assert {h["how"] for h in payload["details"]["how"]} == {"delegated", "drafted"}
    assert "受委派办理" in payload["reason_zh"] and "wrote a draft" in payload["reason_en"]
    walk(
        http,
        ctx,
        case_id,
        [("Task_LegalReview", "qian", review("pass")), ("Task_Decision", "sun", form_data("decision"))],
    )


def test_a_decision_cannot_rest_on_a_review_by_someone_who_then_handled_the_case(
    live: tuple[Http, AppContext],
) -> None:
    http, ctx = live
    with ctx.uow() as uow:  # zheng: a legal reviewer who is also an approver
        uow.users.upsert("zheng", "郑双岗", ["approver", "legal-reviewer"], ctx.clock())
        uow.users.add_token("zheng", "demo-zheng", "test", ctx.clock())
        uow.commit()
    case_id: str = http.ok("POST", "/api/v1/cases", "wang", {"process": ADVERTISING})["id"]
    walk(
        http,
        ctx,
        case_id,
        [
            ("Task_Acceptance", "wang", form_data("acceptance")),
            ("Task_Review", "zhao", form_data("material-review")),
            ("Task_Proposal", "zhao", form_data("handler-review", publicInterest=True)),
            ("Task_LegalReview", "zheng", review("pass")),
        ],
    )
    delegate_then_draft(http, task_at(http, case_id, "Task_Decision")["id"], "sun", "zheng")
    entry = refused(http, case_id, "Task_Decision", "sun", form_data("decision"), "review-by-handler")
    assert entry["action"] == "decision.refused"
    assert record_payload(ctx, case_id, entry["seq"])["details"]["reviewer"] == "zheng"
