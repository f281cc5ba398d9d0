"""A supervisor's actions on a case: suspend and resume, cancel, move (with the law's guard rails) and migrate
to a newer process version in a batch — each with a reason, each on record."""

from __future__ import annotations

import pytest

from engine.cases.moves import move_case
from engine.deadlines.timers import fire_due_timers
from engine.errors import Conflict, InvalidInput, NotAllowed, ProcedureViolation
from engine.kernel.context import AppContext
from engine.processes.deploy import deploy
from engine.processes.migrate_versions import migrate_cases
from engine.supervision.actions import cancel_case, resume_case, suspend_case
from tests.integration.deadline_driver import PEOPLE
from tests.integration.supervision_driver import (
    ZHOU,
    actions,
    deploy_fixture,
    deploy_shipped,
    drive_major_case_to_proposal,
    finish,
    last_record,
    ready,
    start,
)
from tests.support import ROOT, MovableClock

REVIEW = ("c7_review.bpmn", "test-acceptance.form", "test-review.form")


def _case(ctx: AppContext, case_id: str) -> tuple[str, int]:
    with ctx.uow(readonly=True) as uow:
        case = uow.cases.get(case_id)
        row = uow.processes.get(case.process_id)
    return case.status, row.version


def _waiting(ctx: AppContext, case_id: str) -> list[str]:
    return [t.element_id for t in ready(ctx, case_id)]


def test_every_action_wants_a_reason_and_a_supervisor(ctx: AppContext) -> None:
    deploy_fixture(ctx, *REVIEW)
    case_id = start(ctx, "c7_review")
    with pytest.raises(InvalidInput) as missing:
        suspend_case(ctx, case_id, ZHOU, " ")
    assert missing.value.code == "reason-required"
    with pytest.raises(NotAllowed):
        suspend_case(ctx, case_id, PEOPLE["zhao"], "我想暂停")
    assert _case(ctx, case_id)[0] == "running"


def test_a_suspended_case_refuses_completions_and_its_timers_wait_until_it_is_resumed(
    ctx: AppContext, clock: MovableClock
) -> None:
    deploy_fixture(ctx, *REVIEW)
    case_id = start(ctx, "c7_review")
    finish(ctx, case_id, "Task_Apply", "wang", amount=5000, major=True)  # Task_Review, 1-hour boundary timer
    suspend_case(ctx, case_id, ZHOU, "申请人涉嫌提供虚假材料，暂停核查")
    assert _case(ctx, case_id)[0] == "suspended"
    with pytest.raises(Conflict) as refused:
        finish(ctx, case_id, "Task_Review", "qian", result="pass")
    assert refused.value.code == "case-suspended"
    clock.advance(hours=2)
    fire_due_timers(ctx, "node-a")  # the boundary timer comes due: nothing happens
    assert _waiting(ctx, case_id) == ["Task_Review"]
    resume_case(ctx, case_id, ZHOU, "核查完毕，恢复办理")
    assert _case(ctx, case_id)[0] == "running"
    assert fire_due_timers(ctx, "node-a").fired == 1  # the timer that came due meanwhile fires now
    assert _waiting(ctx, case_id) == ["Task_Escalate"]
    assert last_record(ctx, case_id, "case.suspended").payload["reason"] == "申请人涉嫌提供虚假材料，暂停核查"
    assert last_record(ctx, case_id, "case.resumed").actor == "zhou"


def test_a_cancelled_case_has_nothing_waiting_and_its_deadlines_are_closed(ctx: AppContext) -> None:
    deploy_shipped(ctx)
    case_id = start(ctx, "food_business_licence")
    finish(ctx, case_id, "Task_Acceptance", "wang", "acceptance")
    cancel_case(ctx, case_id, ZHOU, "申请人书面撤回申请")
    assert _case(ctx, case_id)[0] == "cancelled" and ready(ctx, case_id) == []
    with ctx.uow(readonly=True) as uow:
        assert [d.status for d in uow.deadlines.for_case(case_id)] == ["met", "cancelled"]
        assert uow.due.pending(case_id) == []
    assert actions(ctx, case_id)[-2:] == ["case.cancelled", "deadline.cancelled"]
    with pytest.raises(Conflict):
        cancel_case(ctx, case_id, ZHOU, "再终止一次")


def test_a_case_moves_back_and_forth_and_the_move_is_a_recorded_step(ctx: AppContext) -> None:
    deploy_fixture(ctx, *REVIEW)
    case_id = start(ctx, "c7_review")
    moved = move_case(ctx, case_id, "Task_Approve", ZHOU, "金额小，直接决定")
    assert (moved.left, [t.element_id for t in moved.tasks]) == (["Task_Apply"], ["Task_Approve"])
    assert _waiting(ctx, case_id) == ["Task_Approve"]
    move_case(ctx, case_id, "Task_Review", ZHOU, "仍需法制审核")
    assert _waiting(ctx, case_id) == ["Task_Review"]
    with ctx.uow(readonly=True) as uow:
        assert len(uow.due.pending(case_id, "bpmn-timer")) == 1  # the boundary timer is armed again
    entry = last_record(ctx, case_id, "case.moved")
    assert (entry.element_id, entry.payload["left"], entry.payload["reason"]) == (
        "Task_Review",
        ["Task_Approve"],
        "仍需法制审核",
    )
    assert entry.payload["created"][0]["element"] == "Task_Review"
    with pytest.raises(InvalidInput) as gateway:
        move_case(ctx, case_id, "Gateway_Major", ZHOU, "移到网关")
    assert gateway.value.code == "move-target-kind"


def test_a_major_case_cannot_be_moved_past_its_legal_review_and_the_attempt_is_recorded(
    ctx: AppContext,
) -> None:
    deploy_shipped(ctx)
    case_id = drive_major_case_to_proposal(ctx)
    finish(ctx, case_id, "Task_Proposal", "zhao", "handler-review", publicInterest=True)
    assert _waiting(ctx, case_id) == ["Task_LegalReview"]
    for target in ("Task_Decision", "Task_Coordination", "Task_DeliverLicence"):
        with pytest.raises(ProcedureViolation) as refused:
            move_case(ctx, case_id, target, ZHOU, "加快办理")
        assert refused.value.code == "move-past-legal-review"
    assert _waiting(ctx, case_id) == ["Task_LegalReview"]
    refusal = last_record(ctx, case_id, "case.move-refused")
    assert (refusal.payload["code"], refusal.payload["to"]) == (
        "move-past-legal-review",
        "Task_DeliverLicence",
    )
    move_case(ctx, case_id, "Task_Proposal", ZHOU, "退回承办人补充拟办意见")  # going back is allowed
    with pytest.raises(ProcedureViolation):
        move_case(ctx, case_id, "Task_Decision", ZHOU, "加快办理")  # a legal-review task existed: major


def test_no_case_is_moved_past_records_capture(ctx: AppContext) -> None:
    deploy_shipped(ctx)
    case_id = drive_major_case_to_proposal(ctx)
    finish(ctx, case_id, "Task_Proposal", "zhao", "handler-review")
    finish(ctx, case_id, "Task_Decision", "sun", "decision")
    with pytest.raises(ProcedureViolation) as refused:
        move_case(ctx, case_id, "EndEvent_Closed", ZHOU, "直接办结")
    assert refused.value.code == "move-past-records-capture" and "归档" in refused.value.message_zh
    move_case(ctx, case_id, "Task_Archive", ZHOU, "已当场送达并公示，直接归档")
    assert _waiting(ctx, case_id) == ["Task_Archive"]


def test_a_minor_case_may_be_moved_to_its_decision_but_one_of_unknown_facts_counts_as_major(
    ctx: AppContext,
) -> None:
    deploy_shipped(ctx)
    case_id = drive_major_case_to_proposal(ctx)
    with pytest.raises(ProcedureViolation):  # no facts yet: when in doubt, the case is major
        move_case(ctx, case_id, "Task_Decision", ZHOU, "拟办意见已口头确认")
    finish(ctx, case_id, "Task_Proposal", "zhao", "handler-review")  # minor facts: straight to decision
    assert _waiting(ctx, case_id) == ["Task_Decision"]
    move_case(ctx, case_id, "Task_Proposal", ZHOU, "拟办意见需补充")
    move_case(ctx, case_id, "Task_Decision", ZHOU, "补充完毕，非重大案件，回到决定")
    assert _waiting(ctx, case_id) == ["Task_Decision"]


def _version_two() -> bytes:
    """Version 2 of the food business licence: the material review is now Task_MaterialReview."""
    text = (ROOT / "processes" / "food_business_licence.bpmn").read_text(encoding="utf-8")
    return (
        text.replace("Task_Review", "Task_MaterialReview").replace('name="审查"', 'name="材料审查"').encode()
    )


def test_cases_migrate_to_version_two_in_a_batch_and_those_that_cannot_are_named_with_the_reason(
    ctx: AppContext, clock: MovableClock
) -> None:
    deploy_shipped(ctx)
    at_acceptance = start(ctx, "food_business_licence")
    at_review = start(ctx, "food_business_licence")
    finish(ctx, at_review, "Task_Acceptance", "wang", "acceptance")
    at_onsite = start(ctx, "food_business_licence")
    finish(ctx, at_onsite, "Task_Acceptance", "wang", "acceptance")
    finish(ctx, at_onsite, "Task_Review", "zhao", "material-review")
    suspend_case(ctx, at_onsite, ZHOU, "等待现场核查安排")
    deploy(ctx, [("food_business_licence.bpmn", _version_two())], PEOPLE["li"])
    clock.advance(minutes=5)

    dry = migrate_cases(ctx, "food_business_licence", ZHOU)
    assert (dry.dry_run, dry.to_version, dry.movable) == (True, 2, [at_acceptance, at_onsite])
    [stays] = [c for c in dry.cases if not c.can_move]
    assert stays.case_id == at_review and "Task_Review" in stays.reason_en and "不存在" in stays.reason_zh
    assert {_case(ctx, c)[1] for c in (at_acceptance, at_review, at_onsite)} == {
        1
    }  # a dry run changes nothing

    done = migrate_cases(ctx, "food_business_licence", ZHOU, "事项流程调整，迁移在办件", dry_run=False)
    assert done.moved == [at_acceptance, at_onsite]
    assert [_case(ctx, c) for c in (at_acceptance, at_review, at_onsite)] == [
        ("running", 2),
        ("running", 1),
        ("suspended", 2),
    ]
    entry = last_record(ctx, at_acceptance, "case.migrated")
    assert (entry.payload["fromVersion"], entry.payload["toVersion"], entry.payload["reason"]) == (
        1,
        2,
        "事项流程调整，迁移在办件",
    )
    assert "case.migrated" not in actions(ctx, at_review)
    finish(ctx, at_acceptance, "Task_Acceptance", "wang", "acceptance")
    assert _waiting(ctx, at_acceptance) == ["Task_MaterialReview"]  # it runs on version 2 now
    assert migrate_cases(ctx, "food_business_licence", ZHOU).cases == [stays]
