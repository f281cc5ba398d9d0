"""/engine-rest/process-instance/{id}: variables, delete, modification — pycamunda over real HTTP, through
the use cases of the JSON API and the console: fact correction, withdrawal, a supervisor's move; every
refusal (role, the law's guard rails) on the case's record; every response valid against Camunda 7.21's
OpenAPI document."""

from __future__ import annotations

from typing import Any

import pycamunda
import pycamunda.processinst
import pycamunda.task
import pytest

from engine.kernel.context import AppContext
from tests.integration.engine_rest_live import Live
from tests.integration.test_engine_rest_history import opened
from tests.integration.test_engine_rest_pycamunda import STEPS
from tests.support import MovableClock


def record(ctx: AppContext, case_id: str) -> list[Any]:
    with ctx.uow(readonly=True) as uow:
        return [e.content for e in uow.records.for_case(case_id)]


def complete_steps(live: Live, clock: MovableClock, case_id: str, count: int) -> None:
    """Claim and complete the shipped process's steps 2..count (the first is done by ``opened``)."""
    for user, element, _, variables in STEPS[1:count]:
        clock.advance(hours=1)
        (task,) = live.call(pycamunda.task.GetList(live.url, process_instance_id=case_id), user)
        assert task.task_definition_key == element
        if task.assignee is None:
            live.call(pycamunda.task.Claim(live.url, id_=task.id_, user_id=user), user)
        complete = pycamunda.task.Complete(live.url, id_=task.id_)
        for name, typed in variables.items():
            complete.add_variable(name, typed["value"], typed["type"])
        live.call(complete, user)


def test_variables_are_read_typed_and_modified_only_as_a_reasoned_fact_correction(
    live: Live, clock: MovableClock
) -> None:
    live.deploy()
    case_id, _ = opened(live, clock)
    variables = live.call(
        pycamunda.processinst.VariablesGetList(live.url, process_instance_id=case_id), "zhao"
    )
    assert variables["applicantName"].value == "济南泉城广告传媒有限公司"
    assert variables["materialsComplete"].type_ == "Boolean"
    one = live.call(
        pycamunda.processinst.VariablesGet(live.url, process_instance_id=case_id, var_name="applicantPhone"),
        "zhao",
    )
    assert one.value == "0531-86001234"

    correct = pycamunda.processinst.VariablesModify(live.url, process_instance_id=case_id)
    correct.add_variable("applicantPhone", "0531-86009999", "String")
    with pytest.raises(pycamunda.Forbidden, match="correct"):
        live.call(correct, "zhao", reason="电话登记错误")  # not an approver: refused, on the record
    live.call(correct, "sun", reason="电话登记错误，按申请书更正")
    after = live.call(pycamunda.processinst.VariablesGetList(live.url, process_instance_id=case_id), "sun")
    assert after["applicantPhone"].value == "0531-86009999"
    corrected = [c for c in record(live.ctx, case_id) if c.action == "fact.corrected"]
    assert corrected[0].payload["reason"] == "电话登记错误，按申请书更正"
    assert corrected[0].payload["facts"]["applicantPhone"] == {"from": "0531-86001234", "to": "0531-86009999"}
    refused = [c for c in record(live.ctx, case_id) if c.action == "fact.correction-refused"]
    assert refused[0].actor == "zhao" and refused[0].payload["channel"] == "engine-rest"

    delete = pycamunda.processinst.VariablesModify(live.url, process_instance_id=case_id, deletions=["note"])
    with pytest.raises(pycamunda.BadRequest, match="deletions"):
        live.call(delete, "sun", reason="删除")


def test_delete_is_a_reasoned_withdrawal_and_refused_once_the_decision_is_made(
    live: Live, clock: MovableClock
) -> None:
    live.deploy()
    withdrawn, _ = opened(live, clock, "HW-1")
    delete = pycamunda.processinst.Delete(live.url, id_=withdrawn)
    with pytest.raises(pycamunda.BadRequest, match="reason"):
        live.call(delete, "wang")  # no reason: nothing happens
    with pytest.raises(pycamunda.Forbidden, match="window clerks"):
        live.call(delete, "zhao", reason="撤回")  # handlers may not withdraw
    live.call(delete, "wang", reason="申请人书面申请撤回")
    assert [c.payload["reason"] for c in record(live.ctx, withdrawn) if c.action == "case.withdrawn"] == [
        "申请人书面申请撤回"
    ]
    with pytest.raises(pycamunda.NotFound):
        live.call(pycamunda.processinst.Get(live.url, id_=withdrawn), "wang")  # no longer a process instance

    decided, _ = opened(live, clock, "HW-2")
    complete_steps(live, clock, decided, 4)  # review, proposal, decision
    with pytest.raises(pycamunda.Forbidden, match="decision is made"):
        live.call(pycamunda.processinst.Delete(live.url, id_=decided), "wang", reason="申请人要求撤回")
    refused = [c for c in record(live.ctx, decided) if c.action == "case.withdraw-refused"]
    assert refused[0].payload["code"] == "withdraw-after-decision" and refused[0].payload["reason"]
    gone = pycamunda.processinst.Delete(live.url, id_="2026-999999", fail_if_not_exists=False)
    live.call(gone, "wang", reason="不存在")


def test_modification_is_the_consoles_move_within_its_guard_rails(live: Live, clock: MovableClock) -> None:
    live.deploy()
    case_id, _ = opened(live, clock)
    back = pycamunda.processinst.Modify(live.url, id_=case_id, annotation="受理材料需补正，退回受理")
    back.add_cancel_activity_instruction("Task_Review")
    back.add_before_activity_instruction("Task_Acceptance")
    with pytest.raises(pycamunda.Forbidden, match="supervisors"):
        live.call(back, "zhao")
    live.call(back, "zhou")
    (task,) = live.call(pycamunda.task.GetList(live.url, process_instance_id=case_id), "wang")
    assert task.task_definition_key == "Task_Acceptance"
    moved = [c for c in record(live.ctx, case_id) if c.action == "case.moved"]
    assert moved[0].payload["reason"] == "受理材料需补正，退回受理" and moved[0].payload["left"] == [
        "Task_Review"
    ]

    wrong = pycamunda.processinst.Modify(live.url, id_=case_id, annotation="跳过")
    wrong.add_cancel_activity_instruction("Task_Review")  # it waits at acceptance now
    wrong.add_before_activity_instruction("Task_Archive")
    with pytest.raises(pycamunda.BadRequest, match="waits at Task_Acceptance"):
        live.call(wrong, "zhou")
    past = pycamunda.processinst.Modify(live.url, id_=case_id, annotation="直接决定")
    past.add_cancel_activity_instruction("Task_Acceptance")
    past.add_before_activity_instruction("Task_Decision")
    with pytest.raises(pycamunda.Forbidden, match="legal review"):
        live.call(past, "zhou")
    refused = [
        (c.actor, c.payload["code"]) for c in record(live.ctx, case_id) if c.action == "case.move-refused"
    ]
    assert refused == [("zhao", "supervisor-only"), ("zhou", "move-past-legal-review")]
    parallel = pycamunda.processinst.Modify(live.url, id_=case_id, annotation="并行")
    parallel.add_before_activity_instruction("Task_Review")
    with pytest.raises(pycamunda.BadRequest, match="parallel"):
        live.call(parallel, "zhou")
