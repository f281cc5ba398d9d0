"""A case's deadlines follow the law (《行政许可法》 art. 32, 42, 44, 45, 82) on the real 2026 calendar,
with the clock moved by hand: acceptance, clock stops and resumption, extension, warnings, decision,
delivery, disclosure — each change a record of the case.

2026 around the National Day: 25–27 Sep 中秋 off, 1–7 Oct 国庆 off, Sat 10 Oct an adjusted working day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from engine.deadlines.calendar import close_day, load_schedule
from engine.deadlines.requests import extend_decision, list_deadlines
from engine.errors import NotAllowed, ProcedureViolation
from engine.tasks.actions import withdraw_case
from tests.integration.deadline_driver import GRANT, PASSED_REVIEW, PEOPLE, DeadlineCase, at
from tests.support import auth

D = dt.date.fromisoformat


def _of(records: list[tuple[str, dict[str, Any]]], kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(action, payload) for action, payload in records if payload.get("kind") == kind]


def _brief(records: list[tuple[str, dict[str, Any]]], *keys: str) -> list[tuple[Any, ...]]:
    return [(action, *(payload.get(k) for k in keys)) for action, payload in records]


def test_acceptance_notice_runs_from_each_arrival_at_the_window(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-09-24")  # Thursday before 中秋
    case.complete("Task_Accept", "wang", "2026-09-24T10", materialsComplete=False)
    case.complete("Task_Supplement", "wang", "2026-09-28")  # materials arrive on Monday
    notices = _of(case.records(), "acceptance-notice")
    assert _brief(notices, "startedOn", "due", "onTime") == [
        ("deadline.opened", "2026-09-24", "2026-10-09", None),  # 28, 29, 30 Sep, 8, 9 Oct
        ("deadline.met", None, "2026-10-09", True),
        ("deadline.opened", "2026-09-28", "2026-10-10", None),  # 29, 30 Sep, 8, 9, Sat 10 Oct (调休)
    ]
    assert [p["provenance"] for a, p in notices if a == "deadline.opened"] == ["official", "official"]
    assert not _of(case.records(), "decision")  # nothing accepted yet: no decision clock


def test_decision_clock_stops_resumes_extends_and_is_met_exactly(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-09-28")
    case.complete("Task_Accept", "wang", "2026-09-28T11", materialsComplete=True)
    assert case.open("decision").due_on == D("2026-10-23")  # 15 promised days after Mon 28 Sep
    case.complete("Task_Review", "zhao", "2026-09-29T10", outcome="expert")
    stopped = case.open("decision")
    assert (stopped.due_on, stopped.stops[0].stopped_on) == (None, D("2026-09-29"))
    case.complete("Task_Expert", "zhao", "2026-10-12T10")
    assert case.open("decision").due_on == D("2026-11-02")  # 29 Sep–12 Oct never counted
    view = extend_decision(ctx, case.id, PEOPLE["sun"], "专家评审意见需补充论证")
    assert (view.due_on, view.extension_days, view.provenance) == (D("2026-11-16"), 10, "official")
    with pytest.raises(ProcedureViolation):
        extend_decision(ctx, case.id, PEOPLE["sun"], "再次延期")
    case.complete("Task_LegalReview", "qian", "2026-10-14T10", **PASSED_REVIEW)
    case.complete("Task_Decide", "sun", "2026-10-19T10", **GRANT)
    decision = _of(case.records(), "decision")
    assert _brief(decision, "due", "on", "reason") == [
        ("deadline.opened", "2026-10-23", None, None),
        ("deadline.clock-stopped", None, "2026-09-29", "expert-review"),
        ("deadline.clock-resumed", "2026-11-02", "2026-10-12", "expert-review"),  # told the new due day
        ("deadline.extended", "2026-11-16", None, "专家评审意见需补充论证"),
        ("deadline.met", "2026-11-16", "2026-10-19", None),
    ]
    resumed = decision[2][1]
    assert (resumed["stoppedOn"], resumed["calendarDays"], resumed["workdays"]) == ("2026-09-29", 14, 6)
    extended = [p for a, p in case.records() if a == "deadline.extended"]
    assert [(p["previousDue"], p["due"], p["days"], p["reason"], p["notify"]) for p in extended] == [
        ("2026-11-02", "2026-11-16", 10, "专家评审意见需补充论证", ["applicant"])
    ]
    assert decision[4][1]["onTime"] is True


def test_after_a_grant_delivery_and_disclosure_run_from_the_decision_day(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-10-12")
    case.complete("Task_Accept", "wang", "2026-10-12T10", materialsComplete=True)
    case.complete("Task_Review", "zhao", "2026-10-13T10", outcome="fine")
    case.complete("Task_LegalReview", "qian", "2026-10-14T10", **PASSED_REVIEW)
    case.complete("Task_Decide", "sun", "2026-10-19T10", **GRANT)
    assert case.open("disclosure").due_on == D("2026-10-28")  # 7 working days after the decision day
    assert case.open("delivery").due_on == D("2026-11-02")  # 10 working days after a grant
    case.complete("Task_Deliver", "wang", "2026-10-20T10")
    delivery = _of(case.records(), "delivery")
    assert _brief(delivery, "due", "onTime") == [
        ("deadline.opened", "2026-11-02", None),
        ("deadline.met", "2026-11-02", True),
    ]
    assert [r.kind for r in case.deadlines() if r.status == "open"] == ["disclosure"]


def test_supplement_after_acceptance_stops_the_clock_until_the_materials_arrive(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-10-12")
    case.complete("Task_Accept", "wang", "2026-10-12T10", materialsComplete=True)  # due 2 Nov
    case.complete("Task_Review", "zhao", "2026-10-14T10", outcome="supplement")
    case.complete("Task_MoreMaterials", "wang", "2026-10-16T15")
    case.complete("Task_Review", "zhao", "2026-10-19T10", outcome="fine")
    decision = _of(case.records(), "decision")
    assert _brief(decision, "reason", "on") == [
        ("deadline.opened", None, None),
        ("deadline.clock-stopped", "supplement", "2026-10-14"),
        ("deadline.clock-resumed", "supplement", "2026-10-16"),
    ]
    assert case.open("decision").due_on == D("2026-11-05")  # 14, 15, 16 Oct did not count


def test_legal_review_limit_warns_yellow_at_once_then_red_when_overdue(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-10-12")
    case.complete("Task_Accept", "wang", "2026-10-12T10", materialsComplete=True)
    case.complete("Task_Review", "zhao", "2026-10-12T11", outcome="fine")
    review = case.open("legal-review")
    assert (review.due_on, review.level) == (D("2026-10-15"), "yellow")  # 3 days, all within yellow
    assert case.fire(at("2026-10-15", 23)) == 0  # still due today
    assert case.fire(at("2026-10-16", 0) + dt.timedelta(seconds=1)) == 1
    case.complete("Task_LegalReview", "qian", "2026-10-16T10", **PASSED_REVIEW)
    assert _brief(_of(case.records(), "legal-review"), "level", "due", "onTime") == [
        ("deadline.opened", None, "2026-10-15", None),
        ("deadline.warning", "yellow", "2026-10-15", None),
        ("deadline.overdue", "red", "2026-10-15", None),
        ("deadline.met", None, "2026-10-15", False),
    ]


def test_decision_turns_yellow_three_days_before_and_red_after_the_due_day(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-10-12")
    case.complete("Task_Accept", "wang", "2026-10-12T10", materialsComplete=True)  # due Mon 2 Nov
    with ctx.uow(readonly=True) as uow:
        wake = [i.due_at for i in uow.due.pending(case.id) if i.kind == "deadline-warning"]
    assert wake == [at("2026-10-28", 0)]  # 29, 30 Oct and 2 Nov left after the 28th
    assert case.fire(at("2026-10-27", 23)) == 0
    assert case.fire(at("2026-10-28", 8)) == 1
    assert case.fire(at("2026-11-02", 23)) == 0
    assert case.fire(at("2026-11-03", 8)) == 1
    levels = [(a, p["level"], p["remaining"]) for a, p in _of(case.records(), "decision") if "level" in p]
    assert levels == [("deadline.warning", "yellow", 3), ("deadline.overdue", "red", -1)]
    assert [v.level for v in list_deadlines(ctx, case.id, PEOPLE["zhou"]) if v.kind == "decision"] == ["red"]


def test_an_extension_needs_an_approver_and_a_reason(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-10-12")
    case.complete("Task_Accept", "wang", "2026-10-12T10", materialsComplete=True)
    with pytest.raises(NotAllowed):
        extend_decision(ctx, case.id, PEOPLE["zhao"], "承办人自行延期")
    with pytest.raises(Exception, match="reason"):
        extend_decision(ctx, case.id, PEOPLE["sun"], "  ")
    assert case.open("decision").extension_days == 0


def test_deadline_into_an_estimated_year_is_recomputed_when_the_schedule_is_loaded(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-12-21")
    case.complete("Task_Accept", "wang", "2026-12-21T10", materialsComplete=True)
    estimated = case.open("decision")
    assert (estimated.due_on, estimated.provenance) == (D("2027-01-12"), "estimated")  # 1 Jan off (estimate)
    change = load_schedule(
        ctx, "year 2027\n2027-01-01 off 元旦\n2027-01-04 off 元旦调休（假设）\n", PEOPLE["admin"]
    )
    official = case.open("decision")
    assert (official.due_on, official.provenance) == (D("2027-01-13"), "official")  # and 4 Jan off
    assert [(r.case_id, r.previous_due, r.due) for r in change.recomputed] == [
        (case.id, D("2027-01-12"), D("2027-01-13"))
    ]
    recomputed = [p for a, p in case.records() if a == "deadline.recomputed"]
    assert [
        (p["previousDue"], p["due"], p["previousProvenance"], p["provenance"], p["cause"]) for p in recomputed
    ] == [("2027-01-12", "2027-01-13", "estimated", "official", "calendar.loaded")]


def test_a_closure_moves_every_open_deadline_that_counts_the_day(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-10-12")
    case.complete("Task_Accept", "wang", "2026-10-12T10", materialsComplete=True)
    other = DeadlineCase(ctx, clock, "2026-11-03")  # counts from 4 Nov: not touched
    before = other.open("acceptance-notice").due_on
    change = close_day(ctx, D("2026-10-30"), "办公系统升级，暂停办公", PEOPLE["admin"])
    assert case.open("decision").due_on == D("2026-11-03")
    assert other.open("acceptance-notice").due_on == before
    assert [(r.case_id, r.kind) for r in change.recomputed] == [(case.id, "decision")]
    with pytest.raises(NotAllowed):
        close_day(ctx, D("2026-10-29"), "无权限", PEOPLE["zhou"])


def test_the_api_shows_deadlines_with_provenance_and_takes_one_extension(client, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-12-21")
    case.complete("Task_Accept", "wang", "2026-12-21T10", materialsComplete=True)
    listed = client.get(f"/api/v1/cases/{case.id}/deadlines", headers=auth("wang"))
    assert listed.status_code == 200
    by_kind = {d["kind"]: d for d in listed.get_json()}
    decision = by_kind["decision"]
    assert (decision["status"], decision["due_on"], decision["due_at"], decision["provenance"]) == (
        "open",
        "2027-01-12",
        "2027-01-12T23:59:59+08:00",
        "estimated",
    )
    assert (decision["level"], decision["remaining"], decision["limit_days"]) == ("green", 15, 15)
    assert "第四十二条" in decision["basis"]
    assert (by_kind["acceptance-notice"]["status"], by_kind["acceptance-notice"]["provenance"]) == (
        "met",
        "official",
    )
    url = f"/api/v1/cases/{case.id}/extension"
    assert client.post(url, json={"reason": "自行延期"}, headers=auth("zhao")).status_code == 403
    assert client.post(url, json={}, headers=auth("sun")).status_code == 400
    extended = client.post(url, json={"reason": "需组织专家论证"}, headers=auth("sun"))
    assert extended.status_code == 200, extended.get_json()
    body = extended.get_json()
    assert (body["due_on"], body["extension_days"]) == ("2027-01-26", 10)  # estimated days, + 10
    assert body["extension_reason"] == "需组织专家论证"
    again = client.post(url, json={"reason": "再次延期"}, headers=auth("sun"))
    assert (again.status_code, again.get_json()["code"]) == (403, "procedure-violation")
    assert client.get(f"/api/v1/cases/{case.id}/deadlines", headers=auth("li")).status_code == 403
    assert client.get("/api/v1/cases/2026-999999/deadlines", headers=auth("zhou")).status_code == 404


def test_a_withdrawn_case_cancels_every_open_deadline_and_its_warning(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    case = DeadlineCase(ctx, clock, "2026-10-12")
    case.complete("Task_Accept", "wang", "2026-10-12T10", materialsComplete=True)
    case.complete("Task_Review", "zhao", "2026-10-13T10", outcome="fine")  # legal review now waits
    clock.now = at("2026-10-13T15")
    withdraw_case(ctx, case.id, "申请人书面申请撤回", PEOPLE["wang"])
    assert [(r.kind, r.status) for r in case.deadlines()] == [
        ("acceptance-notice", "met"),
        ("decision", "cancelled"),
        ("legal-review", "cancelled"),
    ]
    with ctx.uow(readonly=True) as uow:
        assert [i.kind for i in uow.due.pending(case.id)] == []
