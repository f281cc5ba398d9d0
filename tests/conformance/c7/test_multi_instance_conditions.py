"""Completion conditions of multi-instance user tasks with each of Camunda 7's variables, 或签 (any one
signs) and 票签 (a vote with a threshold), and each signer's signature on the case's record. Cited:
Camunda 7's ``MultiInstanceTest`` and its .bpmn resources, ``ParallelMultiInstanceActivityBehavior`` /
``SequentialMultiInstanceActivityBehavior``, and the Task Markers page of the docs. Every step goes through
the JSON API (restored from the database, saved again)."""

from __future__ import annotations

from typing import Any

import pytest

from engine.kernel.context import AppContext
from tests.conformance.c7.driver import Diagram, add_users
from tests.integration.pages_driver import log_in

HANDLERS = {
    "zhao": ("handler",),
    "feng": ("handler",),
    "ma": ("handler",),
    "niu": ("handler",),
    "yang": ("handler",),
}
MEMBERS = ["sun", "zheng", "wei"]
USERS = {
    **HANDLERS,
    **{f"kermit_{i}": () for i in range(3)},
    "sun": ("approver",),
    "zheng": ("approver",),
    "wei": ("approver",),
}


@pytest.fixture
def api(client: Any, ctx: AppContext) -> Any:
    add_users(ctx, USERS)
    return client


def _complete_as(diagram: Diagram, case_id: str, users: list[str]) -> None:
    for user in users:
        task = diagram.ready(case_id, "miTasks")[0]
        response = diagram.complete(task, user)
        assert response.status_code == 200, response.get_json()


def test_completion_condition_on_nr_of_completed_and_nr_of_instances(api: Any) -> None:
    # MultiInstanceTest.testParallelUserTasksCompletionCondition: five tasks; completing three gives
    # ${nrOfCompletedInstances/nrOfInstances >= 0.5}; the process has ended, the other two are deleted.
    diagram = Diagram(api, "mi_completed_ratio")
    case_id = diagram.start()
    for i, user in enumerate(("zhao", "feng", "ma")):
        assert len(diagram.ready(case_id)) == 5 - i
        _complete_as(diagram, case_id, [user])
    assert diagram.case(case_id)["status"] == "completed"
    assert len(diagram.tasks(case_id, "cancelled")) == 2


def test_completion_condition_on_nr_of_active_instances(api: Any) -> None:
    # ParallelMultiInstanceActivityBehavior.concurrentChildExecutionEnded: nrOfActiveInstances counts down
    # before the condition; four instances, ${nrOfActiveInstances == 1} holds after the third completion.
    diagram = Diagram(api, "mi_active_instances")
    case_id = diagram.start()
    _complete_as(diagram, case_id, ["zhao", "feng"])
    assert len(diagram.ready(case_id)) == 2
    _complete_as(diagram, case_id, ["ma"])
    assert diagram.case(case_id)["status"] == "completed"
    assert len(diagram.tasks(case_id, "cancelled")) == 1


def test_a_sequential_body_keeps_one_active_instance(api: Any) -> None:
    # docs, Task Markers: nrOfActiveInstances "for a sequential multi-instance, this will always be 1";
    # ${nrOfActiveInstances == 1 && nrOfCompletedInstances == 2 && nrOfInstances == 4} holds after two.
    diagram = Diagram(api, "mi_sequential_active")
    case_id = diagram.start()
    _complete_as(diagram, case_id, ["zhao"])
    assert len(diagram.ready(case_id)) == 1
    _complete_as(diagram, case_id, ["feng"])
    assert diagram.case(case_id)["status"] == "completed"


def test_completion_condition_reads_the_ended_instance_loop_counter(api: Any) -> None:
    # ParallelMultiInstanceActivityBehavior evaluates the completion condition on the ended instance's
    # execution, where loopCounter is that instance's index (docs, Task Markers: loopCounter).
    diagram = Diagram(api, "mi_loop_counter")
    case_id = diagram.start()
    diagram.sign(case_id, "kermit_2")
    diagram.sign(case_id, "kermit_0")
    assert diagram.assignees(case_id) == ["kermit_1"], "instances 2 and 0 do not satisfy ${loopCounter == 1}"
    diagram.sign(case_id, "kermit_1")
    assert diagram.case(case_id)["status"] == "completed"


def test_any_one_signs_and_the_other_instances_are_cancelled_on_the_record(api: Any, ctx: AppContext) -> None:
    # 或签: ${nrOfCompletedInstances >= 1}; ParallelMultiInstanceActivityBehavior deletes the remaining
    # instances ("Multi instance completion condition satisfied"), as in
    # testParallelUserTasksCompletionCondition.
    diagram = Diagram(api, "mi_any_one")
    case_id = diagram.start(signers=["zhao", "feng", "ma"])
    task = diagram.sign(case_id, "feng", vote="agree", opinion="同意，材料齐全")
    assert [t["element_id"] for t in diagram.ready(case_id)] == ["Task_After"]
    cancelled = diagram.tasks(case_id, "cancelled")
    assert sorted(t["assignee"] for t in cancelled) == ["ma", "zhao"]
    with ctx.uow(readonly=True) as uow:
        entry = next(e.content for e in uow.records.for_case(case_id) if e.content.task_id == task["id"])
    assert entry.action == "task.completed"
    assert sorted(c["assignee"] for c in entry.payload["cancelled"]) == ["ma", "zhao"]
    assert {c["task"] for c in entry.payload["cancelled"]} == {t["id"] for t in cancelled}
    [signature] = diagram.case(case_id)["signatures"]
    assert (signature["signer"], signature["choice"], signature["opinion"]) == (
        "feng",
        "agree",
        "同意，材料齐全",
    )
    log_in(api, "zhao")  # a handler's work page of the next task shows it on the timeline
    [after] = diagram.ready(case_id)
    page = api.get(f"/tasks/{after['id']}", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert f"会签 {signature['loopCounter'] + 1}/3：agree — 同意，材料齐全" in page
    assert "取消未签的 2 份" in page


@pytest.mark.parametrize(
    ("votes", "signed", "result"),
    [
        ({"sun": "approve", "zheng": "approve"}, 2, "Task_Passed"),  # 2/3 reached: the third is cancelled
        ({"sun": "reject", "zheng": "approve", "wei": "approve"}, 3, "Task_Passed"),
        ({"sun": "approve", "zheng": "reject", "wei": "reject"}, 3, "Task_Failed"),
    ],
)
def test_a_vote_ends_at_its_threshold(api: Any, votes: dict[str, str], signed: int, result: str) -> None:
    # 票签: each member's instance completes with its vote; the output parameter counts approvals into
    # nrOfApproved (Camunda 7 IoMapping on the inner activity, OutputParameter -> setVariable on the outer
    # scope) and ${nrOfApproved/nrOfInstances >= 2/3} ends the vote; the count stays a process variable.
    diagram = Diagram(api, "mi_vote")
    case_id = diagram.start(members=MEMBERS, nrOfApproved=0)
    for member, vote in votes.items():
        diagram.sign(case_id, member, vote=vote, opinion=f"{member} 的意见")
    assert [t["element_id"] for t in diagram.ready(case_id)] == [result]
    case = diagram.case(case_id)
    assert case["variables"]["nrOfApproved"] == sum(v == "approve" for v in votes.values())
    assert len(diagram.tasks(case_id, "cancelled")) == 3 - signed
    signatures = case["signatures"]
    assert [(s["signer"], s["choice"], s["opinion"]) for s in signatures] == [
        (m, v, f"{m} 的意见") for m, v in votes.items()
    ], "every signature, in order"
    assert [s["loopCounter"] for s in signatures] == [MEMBERS.index(m) for m in votes]
    assert {s["nrOfInstances"] for s in signatures} == {3} and len({s["body"] for s in signatures}) == 1
    history = [h for h in case["history"] if h["action"] == "task.completed" and h["signature"]]
    assert [h["actor"] for h in history] == list(votes)


def test_each_signer_signs_an_activation_once(api: Any) -> None:
    # Sanxiang's rule on co-signing (engine.domain.co_signing): one person completes one instance of an
    # activation; Camunda 7 has no such check, but it is a refusal by name, never a silent difference.
    diagram = Diagram(api, "mi_cardinality_number")
    case_id = diagram.start()
    first, second = diagram.ready(case_id)
    assert diagram.complete(first, "zhao").status_code == 200
    response = diagram.complete(second, "zhao")
    assert response.status_code == 403 and response.get_json()["code"] == "co-signer-signed-already"
    assert [t["id"] for t in diagram.ready(case_id)] == [second["id"]]
    assert diagram.complete(second, "feng").status_code == 200


def test_an_instance_cannot_set_the_bodys_counters(api: Any) -> None:
    # Camunda 7 would let a task's variables overwrite the body's nrOf* (setVariable finds them there) and so
    # corrupt the body's bookkeeping; the runner refuses them by name instead.
    diagram = Diagram(api, "mi_completed_ratio")
    case_id = diagram.start()
    task = diagram.ready(case_id)[0]
    response = diagram.complete(task, "zhao", nrOfCompletedInstances=5)
    assert response.status_code == 400 and response.get_json()["code"] == "multi-instance-reserved"
    assert len(diagram.ready(case_id)) == 5
