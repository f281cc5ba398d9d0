"""Issue 13, items 3 and 4, through the real HTTP server: a window clerk cannot withdraw a case she may not
read, an approver's early attempts to decide are refused on every channel, and every refused attempt is
on the case's record (who, channel, what, why, code) — bounded per actor and case — while
``sanxiang audit verify`` still passes."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from engine.config import Settings
from engine.errors import NotAllowed
from engine.kernel.context import AppContext
from engine.record.chain import Entry
from engine.record.heads import sign_head_now
from engine.record.refusals.record_refusal import close_refusal_windows
from engine.tasks.claim_and_complete import claim_task
from tests.integration.deadline_driver import PEOPLE
from tests.integration.form_data import form_data
from tests.integration.live_server import serving
from tests.integration.record_tampering import sanxiang
from tests.integration.supervision_driver import (
    deploy_files,
    deploy_fixture,
    deploy_shipped,
    drive_major_case_to_proposal,
    finish,
    start,
    task_at,
)
from tests.support import ROOT, MovableClock, auth

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def server(ctx: AppContext) -> Iterator[str]:
    with serving(ctx) as url:
        yield url


def entries(ctx: AppContext, case_id: str) -> list[Entry]:
    with ctx.uow(readonly=True) as uow:
        return list(uow.records.for_case(case_id))


def all_entries(ctx: AppContext) -> int:
    with ctx.uow(readonly=True) as uow:
        return sum(1 for _ in uow.records.all())


def refusals(ctx: AppContext, case_id: str) -> list[Any]:
    return [e.content for e in entries(ctx, case_id) if e.content.action.endswith("refused")]


def signed_in(server: str, user: str) -> tuple[requests.Session, str]:
    """A browser-like session of the work pages, and the CSRF token of its forms."""
    session = requests.Session()
    page = session.get(f"{server}/login").text
    form = {"login": user, "password": f"{user}-demo", "csrf_token": CSRF.findall(page)[0], "next": "/tasks"}
    assert session.post(f"{server}/login", data=form, allow_redirects=False).status_code == 302
    return session, CSRF.findall(session.get(f"{server}/tasks").text)[0]


def audit_verifies(ctx: AppContext, settings: Settings, case_id: str) -> None:
    """``sanxiang audit verify`` passes, for the whole record and the case (after a signed head, as the
    scheduler signs one every N entries / M minutes)."""
    assert sign_head_now(ctx, "demand") is not None
    for args in (("audit", "verify"), ("audit", "verify", "--case", case_id)):
        result = sanxiang(settings, *args)
        assert result.exit_code == 0, result.output


@pytest.fixture
def unreadable(ctx: AppContext) -> str:
    """A case wang (window clerk) may not read: opened by the supervisor, waiting at the handler's
    proposal, no window clerk ever had a task in it."""
    forms = ("handler-review.form", "legal-review.form", "decision.form")
    deploy_files(ctx, *[ROOT / "forms" / f for f in forms])
    deploy_fixture(ctx, "bypass_review.bpmn")
    return start(ctx, "bypass_review", user="zhou", skipReview=False)


def test_a_window_clerk_cannot_withdraw_a_case_she_may_not_read_on_any_channel(
    ctx: AppContext, settings: Settings, server: str, unreadable: str
) -> None:
    case_id, before = unreadable, len(entries(ctx, unreadable))
    read = requests.get(f"{server}/api/v1/cases/{case_id}", headers=auth("wang"), timeout=30)
    assert (read.status_code, read.json()["code"]) == (403, "case-forbidden")
    api = requests.post(
        f"{server}/api/v1/cases/{case_id}/withdraw",
        json={"reason": "申请人撤回"},
        headers=auth("wang"),
        timeout=30,
    )
    assert api.status_code == 403 and api.headers["Content-Type"].startswith("application/problem+json")
    assert api.json()["code"] == "case-forbidden" and api.json()["detail_en"] == read.json()["detail_en"]
    session, token = signed_in(server, "wang")
    page = session.post(
        f"{server}/tasks/{task_at(ctx, case_id, 'Task_Proposal').id}/withdraw",
        data={"case_id": case_id, "reason": "申请人撤回", "csrf_token": token},
        timeout=30,
    )
    assert page.status_code == 403 and "无权查看该办件" in page.text
    case = requests.get(f"{server}/api/v1/cases/{case_id}", headers=auth("zhou"), timeout=30).json()
    assert case["status"] == "running" and [t["element_id"] for t in case["tasks"]] == ["Task_Proposal"]
    recorded = refusals(ctx, case_id)
    assert len(entries(ctx, case_id)) == before + 2
    assert [
        (r.action, r.actor, r.payload["channel"], r.payload["attempt"], r.payload["code"]) for r in recorded
    ] == [
        ("case.withdraw-refused", "wang", "api", "case.withdraw", "case-forbidden"),
        ("case.withdraw-refused", "wang", "pages", "case.withdraw", "case-forbidden"),
    ]
    said = recorded[0].payload
    assert (said["reason"], said["reason_zh"], said["details"]) == (
        "申请人撤回",
        "无权查看该办件",
        {"permission": "case.withdraw"},
    )
    audit_verifies(ctx, settings, case_id)
    done = requests.post(
        f"{server}/api/v1/cases/{case_id}/withdraw",
        json={"reason": "申请人书面撤回"},
        headers=auth("zhou"),
        timeout=30,
    )
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"


def test_nothing_is_recorded_for_a_case_that_does_not_exist(
    ctx: AppContext, server: str, unreadable: str
) -> None:
    before = all_entries(ctx)
    for user in ("wang", "zhou"):
        missing = requests.post(
            f"{server}/api/v1/cases/2026-999999/withdraw",
            json={"reason": "撤回"},
            headers=auth(user),
            timeout=30,
        )
        assert (missing.status_code, missing.json()["code"]) == (404, "case-not-found")
    gone = requests.post(
        f"{server}/api/v1/tasks/no-such-task/complete",
        json={"variables": {}},
        headers=auth("sun"),
        timeout=30,
    )
    assert gone.status_code == 404
    assert all_entries(ctx) == before


@pytest.fixture
def at_legal_review(ctx: AppContext) -> str:
    """A major food business licence case waiting at its legal review (法制审核)."""
    deploy_shipped(ctx)
    case_id = drive_major_case_to_proposal(ctx)
    finish(ctx, case_id, "Task_Proposal", "zhao", "handler-review", publicInterest=True)
    assert task_at(ctx, case_id, "Task_LegalReview")
    return case_id


def test_an_approvers_early_attempts_to_decide_are_refused_and_on_the_record(
    ctx: AppContext, settings: Settings, server: str, at_legal_review: str
) -> None:
    case_id = at_legal_review
    review = task_at(ctx, case_id, "Task_LegalReview")
    version = requests.get(f"{server}/api/v1/cases/{case_id}", headers=auth("sun"), timeout=30).json()[
        "version"
    ]
    decide = form_data("decision")
    api = requests.post(
        f"{server}/api/v1/tasks/{review.id}/complete",
        json={"variables": decide},
        headers=auth("sun"),
        timeout=30,
    )
    assert (api.status_code, api.json()["code"]) == (403, "task-forbidden")
    rest = requests.post(
        f"{server}/engine-rest/task/{review.id}/complete",
        headers=auth("sun"),
        timeout=30,
        json={"variables": {k: {"value": v} for k, v in decide.items()}},
    )
    assert rest.status_code == 403 and rest.json()["type"] == "AuthorizationException"
    session, token = signed_in(server, "sun")
    console = session.post(
        f"{server}/console/cases/{case_id}/move",
        timeout=30,
        data={"to": "Task_Decision", "reason": "直接决定", "csrf_token": token},
    )
    assert console.status_code == 403 and "只有督查人员或管理员" in console.text
    moved = requests.post(
        f"{server}/api/v1/console/cases/{case_id}/move",
        headers=auth("sun"),
        timeout=30,
        json={"to": "Task_Decision", "reason": "直接决定"},
    )
    assert (moved.status_code, moved.json()["code"]) == (403, "supervisor-only")
    after = requests.get(f"{server}/api/v1/cases/{case_id}", headers=auth("sun"), timeout=30).json()
    assert after["version"] == version, "every refused step rolled back"
    assert [t["element_id"] for t in after["tasks"] if t["status"] == "ready"] == ["Task_LegalReview"]
    seen = [
        (r.action, r.actor, r.payload["channel"], r.payload["attempt"], r.payload["code"])
        for r in refusals(ctx, case_id)
    ]
    assert seen == [
        ("review.refused", "sun", "api", "task.complete", "task-forbidden"),
        ("review.refused", "sun", "engine-rest", "task.complete", "task-forbidden"),
        ("case.move-refused", "sun", "console", "case.move", "supervisor-only"),
        ("case.move-refused", "sun", "api", "case.move", "supervisor-only"),
    ]
    first, _, third, _ = refusals(ctx, case_id)
    assert first.payload["data"]["decision"] == "grant", "the attempted decision is on record"
    assert (first.task_id, first.element_id, first.actor_role) == (
        review.id,
        "Task_LegalReview",
        "legal-review",
    )
    assert third.payload["to"] == "Task_Decision" and third.payload["reason"] == "直接决定"
    history = [h["action"] for h in after["history"]]
    assert history[-4:] == ["review.refused", "review.refused", "case.move-refused", "case.move-refused"]
    audit_verifies(ctx, settings, case_id)


ATTEMPTS = 200


def test_two_hundred_refused_attempts_add_a_bounded_number_of_entries(
    ctx: AppContext, settings: Settings, clock: MovableClock, server: str, at_legal_review: str
) -> None:
    case_id, limit = at_legal_review, ctx.settings.refusals_per_window
    review = task_at(ctx, case_id, "Task_LegalReview")
    before = len(entries(ctx, case_id))
    with requests.Session() as http:
        answers = [
            http.post(
                f"{server}/api/v1/tasks/{review.id}/complete",
                headers=auth("sun"),
                timeout=30,
                json={"variables": form_data("decision")},
            )
            for _ in range(ATTEMPTS)
        ]
    assert {(a.status_code, a.json()["code"], a.json()["detail_en"]) for a in answers} == {
        (403, "task-forbidden", answers[0].json()["detail_en"])
    }, "recorded or counted: the same answer"
    assert len(entries(ctx, case_id)) == before + limit
    assert close_refusal_windows(ctx) == 0, "the window is still open"
    clock.advance(seconds=ctx.settings.refusal_window_seconds)
    assert close_refusal_windows(ctx) == 1
    added = entries(ctx, case_id)[before:]
    assert len(added) == limit + 1
    assert [e.content.action for e in added] == ["review.refused"] * limit + ["refusals.suppressed"]
    summary = added[-1].content
    assert summary.actor == "sun" and summary.payload["suppressed"] == ATTEMPTS - limit
    assert summary.payload["tally"] == {"task.complete task-forbidden": ATTEMPTS - limit}
    assert summary.payload["recorded"] == limit and summary.payload["limit"] == limit
    assert close_refusal_windows(ctx) == 0, "summarised once"
    audit_verifies(ctx, settings, case_id)


def test_the_bound_holds_when_refusals_arrive_at_once(
    ctx: AppContext, server: str, at_legal_review: str
) -> None:
    case_id, limit = at_legal_review, ctx.settings.refusals_per_window
    review = task_at(ctx, case_id, "Task_LegalReview")
    before = len(entries(ctx, case_id))
    barrier, statuses = threading.Barrier(3 * limit), []

    def attempt() -> None:
        barrier.wait()
        statuses.append(
            requests.post(
                f"{server}/api/v1/tasks/{review.id}/claim", headers=auth("sun"), timeout=60
            ).status_code
        )

    threads = [threading.Thread(target=attempt) for _ in range(3 * limit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [403] * (3 * limit)
    assert [e.content.action for e in entries(ctx, case_id)[before:]] == ["task.claim-refused"] * limit
    with ctx.uow(readonly=True) as uow:
        window = uow.refusals.lock(case_id, "sun", ctx.clock())
    assert window is not None and (window.recorded, window.suppressed) == (limit, 2 * limit)


def test_the_next_refusal_after_a_window_writes_its_summary_first(
    ctx: AppContext, clock: MovableClock, at_legal_review: str
) -> None:
    case_id, limit = at_legal_review, ctx.settings.refusals_per_window
    review, sun = task_at(ctx, case_id, "Task_LegalReview"), PEOPLE["sun"]
    for _ in range(limit + 2):
        with pytest.raises(NotAllowed):
            claim_task(ctx, review.id, sun)
    clock.advance(seconds=ctx.settings.refusal_window_seconds + 1)
    with pytest.raises(NotAllowed):
        claim_task(ctx, review.id, sun)
    tail = [e.content for e in entries(ctx, case_id)[-2:]]
    assert [(c.action, c.payload.get("suppressed")) for c in tail] == [
        ("refusals.suppressed", 2),
        ("task.claim-refused", None),
    ]
    assert tail[1].payload["channel"] == "direct"
    assert close_refusal_windows(ctx) == 0


def test_a_supervisors_move_past_the_legal_review_is_shown_on_the_case_page_and_recorded(
    ctx: AppContext, server: str, at_legal_review: str
) -> None:
    case_id = at_legal_review
    session, token = signed_in(server, "zhou")
    moved = session.post(
        f"{server}/console/cases/{case_id}/move",
        timeout=30,
        data={"to": "Task_Decision", "reason": "加快办理", "csrf_token": token},
    )
    assert moved.status_code == 200 and moved.url.endswith(f"/console/cases/{case_id}")
    assert "法制审核" in moved.text and "flash-error" in moved.text
    [refusal] = refusals(ctx, case_id)
    assert (refusal.action, refusal.actor, refusal.payload["channel"], refusal.payload["code"]) == (
        "case.move-refused",
        "zhou",
        "console",
        "move-past-legal-review",
    )
    assert task_at(ctx, case_id, "Task_LegalReview")
