"""转办, 委派 and 交还, 催办, 撤回, and on-site tasks only with a valid certificate — each recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine.errors import Conflict, InvalidInput, NotAllowed, ProcedureViolation
from engine.kernel.context import AppContext
from engine.people import staff as people
from engine.tasks import actions as task_actions
from engine.tasks import claim_and_complete as tasks
from tests.integration.evidence_cases import ON_SITE, actor, case_at_on_site
from tests.integration.form_data import form_data
from tests.integration.pages_driver import actions, deploy_shipped, food_case, waiting_task
from tests.integration.recordings import attach_recording
from tests.support import auth


@pytest.fixture
def acceptance(ctx: AppContext) -> Any:
    deploy_shipped(ctx)
    case = food_case(ctx)
    return waiting_task(ctx, case.case.id, "Task_Acceptance")


def add_clerk(ctx: AppContext, user_id: str = "ma") -> None:
    people.add_user(ctx, people.NewUser(user_id, "马窗口", ["window-clerk"]))


def test_transfer_hands_the_task_to_another_candidate_with_a_reason_and_notifies_them(
    ctx: AppContext, acceptance: Any
) -> None:
    add_clerk(ctx)
    tasks.claim_task(ctx, acceptance.id, actor(ctx, "wang"))
    moved = task_actions.transfer_task(ctx, acceptance.id, "ma", "王窗口今日外出", actor(ctx, "wang"))
    assert moved.assignee == "ma"
    assert actions(ctx, acceptance.case_id)[-1] == "task.transferred"
    with ctx.uow(readonly=True) as uow:
        note = uow.work.notifications_for([acceptance.id])[acceptance.id][-1]
    assert (note.kind, note.user_id, note.message) == ("transfer", "ma", "王窗口今日外出")


def test_transfer_needs_a_reason_a_candidate_and_the_holder(ctx: AppContext, acceptance: Any) -> None:
    tasks.claim_task(ctx, acceptance.id, actor(ctx, "wang"))
    with pytest.raises(InvalidInput):
        task_actions.transfer_task(ctx, acceptance.id, "zhao", " ", actor(ctx, "wang"))
    with pytest.raises(NotAllowed, match="candidate"):
        task_actions.transfer_task(ctx, acceptance.id, "zhao", "不是窗口人员", actor(ctx, "wang"))
    with pytest.raises(NotAllowed):
        task_actions.transfer_task(ctx, acceptance.id, "wang", "他人不能转办", actor(ctx, "zhao"))


def test_delegate_then_the_delegate_gives_it_back_and_only_the_owner_completes(
    ctx: AppContext, acceptance: Any
) -> None:
    wang, zhao = actor(ctx, "wang"), actor(ctx, "zhao")
    with pytest.raises(NotAllowed):  # claim first
        task_actions.delegate_task(ctx, acceptance.id, "zhao", "请协助核对材料", wang)
    tasks.claim_task(ctx, acceptance.id, wang)
    assert task_actions.delegate_task(ctx, acceptance.id, "zhao", "请协助核对材料", wang).assignee == "zhao"
    with pytest.raises(NotAllowed) as refused:  # a delegated task is not completed by the delegate
        tasks.complete_task(ctx, acceptance.id, form_data("acceptance"), zhao)
    assert refused.value.code == "task-delegated"
    with pytest.raises(Conflict):
        task_actions.delegate_task(ctx, acceptance.id, "sun", "again", zhao)
    back = task_actions.resolve_task(ctx, acceptance.id, "材料已核对，无误", zhao)
    assert back.assignee == "wang"
    assert actions(ctx, acceptance.case_id)[-5:] == [  # the refusals are on record too
        "task.delegate-refused",
        "task.claimed",
        "task.delegated",
        "task.refused",
        "task.resolved",
    ]
    with ctx.uow(readonly=True) as uow:
        assert uow.work.delegation(acceptance.id).state == "resolved"


def test_urge_notifies_the_assignee_or_the_groups_and_is_for_overseers_and_clerks(
    ctx: AppContext, acceptance: Any
) -> None:
    task_actions.urge_task(ctx, acceptance.id, "申请人来电催问", actor(ctx, "zhou"))
    tasks.claim_task(ctx, acceptance.id, actor(ctx, "wang"))
    task_actions.urge_task(ctx, acceptance.id, "", actor(ctx, "sun"))
    with ctx.uow(readonly=True) as uow:
        notes = uow.work.notifications_for([acceptance.id])[acceptance.id]
    assert [(n.group_name, n.user_id) for n in notes] == [("window-clerk", None), (None, "wang")]
    assert notes[-1].message == "请尽快办理"
    with pytest.raises(NotAllowed):
        task_actions.urge_task(ctx, acceptance.id, "", actor(ctx, "zhao"))
    assert actions(ctx, acceptance.case_id).count("task.urged") == 2


def test_the_applicant_withdraws_before_the_decision_and_the_waiting_tasks_are_cancelled(
    ctx: AppContext, acceptance: Any
) -> None:
    with pytest.raises(NotAllowed):
        task_actions.withdraw_case(ctx, acceptance.case_id, "申请人书面申请撤回", actor(ctx, "zhao"))
    case = task_actions.withdraw_case(ctx, acceptance.case_id, "申请人书面申请撤回", actor(ctx, "wang"))
    assert case.status == "withdrawn" and case.ended_at is not None
    with ctx.uow(readonly=True) as uow:
        assert uow.tasks.get(acceptance.id).status == "cancelled"
    assert "case.withdrawn" in actions(ctx, acceptance.case_id)  # (other areas react to it after)
    with pytest.raises(Conflict):
        task_actions.withdraw_case(ctx, acceptance.case_id, "again", actor(ctx, "wang"))
    with pytest.raises(Conflict):
        tasks.complete_task(ctx, acceptance.id, {}, actor(ctx, "wang"))


def test_a_decided_case_cannot_be_withdrawn(ctx: AppContext) -> None:
    case_id, on_site = case_at_on_site(ctx)
    attach_recording(ctx, case_id, on_site.id, "zhao")
    tasks.complete_task(ctx, on_site.id, ON_SITE, actor(ctx, "zhao"))
    proposal = waiting_task(ctx, case_id, "Task_Proposal")
    tasks.complete_task(ctx, proposal.id, form_data("handler-review"), actor(ctx, "zhao"))
    decision = waiting_task(ctx, case_id, "Task_Decision")
    granted = form_data("decision", licenceValidUntil="2031-11-26")
    tasks.complete_task(ctx, decision.id, granted, actor(ctx, "sun"))
    with pytest.raises(ProcedureViolation) as refused:
        task_actions.withdraw_case(ctx, case_id, "决定已作出后申请撤回", actor(ctx, "wang"))
    assert refused.value.code == "withdraw-after-decision"


def test_on_site_inspection_is_refused_without_a_valid_certificate_and_passes_with_one(
    ctx: AppContext,
) -> None:
    case_id, on_site = case_at_on_site(ctx)
    people.add_user(ctx, people.NewUser("liu", "刘承办", ["handler"]))  # no certificate
    people.add_user(
        ctx,
        people.NewUser(
            "ma", "马承办", ["handler"], certificate_no="鲁执0001", certificate_valid_until=date(2026, 11, 26)
        ),
    )  # expired yesterday
    for user, code in (("liu", "certificate-missing"), ("ma", "certificate-expired")):
        attach_recording(ctx, case_id, on_site.id, user)
        with pytest.raises(ProcedureViolation) as refused:
            tasks.complete_task(ctx, on_site.id, ON_SITE, actor(ctx, user))
        assert refused.value.code == code
    attach_recording(ctx, case_id, on_site.id, "zhao")
    assert tasks.complete_task(ctx, on_site.id, ON_SITE, actor(ctx, "zhao")).status == "completed"


def test_the_actions_api_takes_tokens_and_answers_problem_details(
    client: Any, ctx: AppContext, acceptance: Any
) -> None:
    base = f"/api/v1/tasks/{acceptance.id}"
    assert client.post(f"{base}/claim", headers=auth("wang")).status_code == 200
    refused = client.post(f"{base}/transfer", json={"to": "zhao", "reason": "x"}, headers=auth("wang"))
    assert refused.status_code == 403 and refused.get_json()["code"] == "transfer-target-not-candidate"
    delegated = client.post(f"{base}/delegate", json={"to": "zhao", "reason": "协助"}, headers=auth("wang"))
    assert delegated.status_code == 200 and delegated.get_json()["assignee"] == "zhao"
    assert (
        client.post(f"{base}/resolve", json={"note": "好了"}, headers=auth("zhao")).get_json()["assignee"]
        == "wang"
    )
    assert client.post(f"{base}/urge", json={}, headers=auth("zhou")).status_code == 200
    missing = client.post(f"/api/v1/cases/{acceptance.case_id}/withdraw", json={}, headers=auth("wang"))
    assert missing.status_code == 400
    withdrawn = client.post(
        f"/api/v1/cases/{acceptance.case_id}/withdraw", json={"reason": "申请人撤回"}, headers=auth("wang")
    )
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
