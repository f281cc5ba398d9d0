"""/engine-rest/task/{id}: assignee, delegate, resolve, variables, deployed form — pycamunda over real HTTP
through the work pages' use cases (claim, transfer 转办, delegate 委派, give back 交还, drafts), every
refusal on the case's record, every response valid against Camunda 7.21's OpenAPI document."""

from __future__ import annotations

from typing import Any

import pycamunda
import pycamunda.task
import pytest

from engine.kernel.context import AppContext
from tests.integration.engine_rest_live import Live, staff
from tests.integration.test_engine_rest_history import opened
from tests.integration.test_engine_rest_pycamunda import STEPS
from tests.support import MovableClock


def actions(ctx: AppContext, case_id: str) -> list[tuple[str, str, Any]]:
    with ctx.uow(readonly=True) as uow:
        return [(e.content.action, e.content.actor, e.content.payload) for e in uow.records.for_case(case_id)]


def the_task(live: Live, case_id: str, user: str = "zhou") -> Any:
    (task,) = live.call(pycamunda.task.GetList(live.url, process_instance_id=case_id), user)
    return task


def test_set_assignee_claims_unclaims_and_transfers_with_a_reason(live: Live, clock: MovableClock) -> None:
    live.deploy()
    staff(live.ctx, "hu", "胡承办（承办人）", "handler")
    case_id, review = opened(live, clock)
    live.call(pycamunda.task.SetAssignee(live.url, id_=review, user_id=None), "zhao")  # unclaim
    assert the_task(live, case_id).assignee is None
    live.call(pycamunda.task.SetAssignee(live.url, id_=review, user_id="zhao"), "zhao")  # claim
    assert the_task(live, case_id).assignee == "zhao"

    to_hu = pycamunda.task.SetAssignee(live.url, id_=review, user_id="hu")
    with pytest.raises(pycamunda.BadRequest, match="reason"):
        live.call(to_hu, "zhao")
    with pytest.raises(pycamunda.Forbidden, match="not a candidate"):
        live.call(pycamunda.task.SetAssignee(live.url, id_=review, user_id="wang"), "zhao", reason="转给窗口")
    live.call(to_hu, "zhao", reason="赵承办休假，转胡承办办理")
    assert the_task(live, case_id).assignee == "hu"
    record = actions(live.ctx, case_id)
    transfers = [p for a, _, p in record if a == "task.transferred"]
    assert transfers == [{"from": "zhao", "to": "hu", "reason": "赵承办休假，转胡承办办理"}]
    assert [p["code"] for a, _, p in record if a == "task.transfer-refused"] == [
        "transfer-target-not-candidate"
    ]


def test_delegate_and_resolve_lend_the_task_and_give_it_back(live: Live, clock: MovableClock) -> None:
    live.deploy()
    staff(live.ctx, "hu", "胡承办（承办人）", "handler")
    case_id, review = opened(live, clock)
    live.call(
        pycamunda.task.Delegate(live.url, id_=review, user_id="hu"), "zhao", reason="请协助审查现场照片"
    )
    assert the_task(live, case_id).assignee == "hu"
    resolve = pycamunda.task.Resolve(live.url, id_=review)
    resolve.add_variable("reviewFindings", "现场照片与申请一致", "String")
    live.call(resolve, "hu")
    assert the_task(live, case_id).assignee == "zhao"
    kinds = [(a, who) for a, who, _ in actions(live.ctx, case_id)]
    assert kinds[-3:] == [("task.delegated", "zhao"), ("draft.authored", "hu"), ("task.resolved", "hu")]
    assert (
        live.missing("zhao", "GET", f"/task/{review}/variables")["reviewFindings"]["value"]
        == "现场照片与申请一致"
    )


def test_task_variables_are_the_draft_submitted_on_completion(live: Live, clock: MovableClock) -> None:
    live.deploy()
    case_id, review = opened(live, clock)
    _, element, _, variables = STEPS[1]
    first, *rest = variables.items()
    live.missing(
        "zhao", "POST", f"/task/{review}/variables", body={"modifications": dict([first]), "deletions": []}
    )
    shown = live.missing("zhao", "GET", f"/task/{review}/variables")
    assert shown[first[0]]["value"] == first[1]["value"]
    assert shown["applicantName"]["value"] == "济南泉城广告传媒有限公司"  # the case's own, under the draft
    complete = pycamunda.task.Complete(live.url, id_=review)
    for name, typed in rest:
        complete.add_variable(name, typed["value"], typed["type"])
    live.call(complete, "zhao")  # the draft's value completes the form
    done = [p for a, _, p in actions(live.ctx, case_id) if a == "task.completed"][-1]
    assert done["data"][first[0]] == first[1]["value"]
    assert the_task(live, case_id).task_definition_key != element


def test_the_deployed_form_is_the_camunda_form_the_task_is_checked_against(
    live: Live, clock: MovableClock
) -> None:
    live.deploy()
    _, review = opened(live, clock)
    form = live.missing("zhao", "GET", f"/task/{review}/deployed-form")
    assert form["id"] == "material-review" and form["components"]
    with pytest.raises(pycamunda.Forbidden):
        live.missing("qian", "GET", f"/task/{review}/deployed-form")
