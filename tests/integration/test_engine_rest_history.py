"""/engine-rest/history through a real HTTP client: process instances, tasks, activity instances,
variable instances and the user operation log of a case, read from the projections and the record, each
response valid against Camunda 7.21's OpenAPI document."""

from __future__ import annotations

import pycamunda
import pycamunda.processdef
import pycamunda.processinst
import pycamunda.task
import pytest

from tests.integration.engine_rest_live import PROCESS, Live
from tests.integration.test_engine_rest_pycamunda import STEPS
from tests.support import MovableClock

H = "/history"


def opened(live: Live, clock: MovableClock, key: str = "HW-1") -> tuple[str, str]:
    """A case with its acceptance completed by wang and its review claimed by zhao: (case id, review id)."""
    start = pycamunda.processdef.StartInstance(live.url, key=PROCESS, business_key=key)
    case_id = live.call(start, "wang").id_
    for user, _, _, variables in STEPS[:1]:
        clock.advance(hours=1)
        (task,) = live.call(pycamunda.task.GetList(live.url, process_instance_id=case_id), user)
        live.call(pycamunda.task.Claim(live.url, id_=task.id_, user_id=user), user)
        complete = pycamunda.task.Complete(live.url, id_=task.id_)
        for name, typed in variables.items():
            complete.add_variable(name, typed["value"], typed["type"])
        live.call(complete, user)
    clock.advance(hours=1)
    (review,) = live.call(pycamunda.task.GetList(live.url, process_instance_id=case_id), "zhao")
    live.call(pycamunda.task.Claim(live.url, id_=review.id_, user_id="zhao"), "zhao")
    return case_id, review.id_


def test_historic_process_instances_are_every_case_with_its_state_filters_and_counts(
    live: Live, clock: MovableClock
) -> None:
    live.deploy()
    first, _ = opened(live, clock, "HW-1")
    second, _ = opened(live, clock, "HW-2")
    live.call(pycamunda.processinst.Delete(live.url, id_=second), "wang", reason="申请人撤回申请")

    found = live.missing(
        "zhou", "GET", f"{H}/process-instance", params={"sortBy": "startTime", "sortOrder": "desc"}
    )
    assert [(p["id"], p["state"]) for p in found] == [(second, "EXTERNALLY_TERMINATED"), (first, "ACTIVE")]
    assert found[0]["deleteReason"] == "申请人撤回申请" and found[0]["endTime"] is not None
    assert found[1]["startUserId"] == "wang" and found[1]["processDefinitionKey"] == PROCESS
    running = live.missing("zhou", "GET", f"{H}/process-instance", params={"unfinished": True})
    assert [p["id"] for p in running] == [first]
    by_key = live.missing(
        "zhou", "POST", f"{H}/process-instance", body={"processInstanceBusinessKeyLike": "HW-%"}
    )
    assert len(by_key) == 2
    assert live.missing("zhou", "GET", f"{H}/process-instance/count", params={"finished": True}) == {
        "count": 1
    }
    assert live.missing("zhou", "POST", f"{H}/process-instance/count", body={"active": True}) == {"count": 1}
    assert live.missing("qian", "GET", f"{H}/process-instance") == []  # qian may read neither case
    with pytest.raises(pycamunda.BadRequest, match="withIncidents"):
        live.missing("zhou", "GET", f"{H}/process-instance", params={"withIncidents": True})


def test_historic_tasks_activities_and_variables_come_from_the_record(
    live: Live, clock: MovableClock
) -> None:
    live.deploy()
    case_id, review = opened(live, clock)

    tasks = live.missing(
        "zhou",
        "GET",
        f"{H}/task",
        params={"processInstanceId": case_id, "sortBy": "startTime", "sortOrder": "asc"},
    )
    assert [(t["taskDefinitionKey"], t["deleteReason"], t["assignee"]) for t in tasks] == [
        ("Task_Acceptance", "completed", "wang"),
        ("Task_Review", None, "zhao"),
    ]
    assert tasks[0]["duration"] == 3_600_000  # opened, then completed an hour later
    finished = live.missing("zhou", "GET", f"{H}/task", params={"finished": True, "taskAssignee": "wang"})
    assert [t["taskDefinitionKey"] for t in finished] == ["Task_Acceptance"]
    assert live.missing("zhou", "POST", f"{H}/task/count", body={"unfinished": True}) == {"count": 1}
    assert live.missing("zhou", "GET", f"{H}/task/count", params={"taskHadCandidateGroup": "handler"}) == {
        "count": 1
    }

    activities = live.missing("zhou", "GET", f"{H}/activity-instance", params={"processInstanceId": case_id})
    kinds = [(a["activityId"], a["activityType"]) for a in activities]
    assert kinds[0] == ("StartEvent_Applied", "startEvent")
    assert ("Task_Acceptance", "userTask") in kinds and kinds[-1] == ("Task_Review", "userTask")
    open_ones = live.missing("zhou", "GET", f"{H}/activity-instance", params={"unfinished": True})
    assert [(a["activityId"], a["taskId"]) for a in open_ones] == [("Task_Review", review)]
    gateways = live.missing(
        "zhou", "POST", f"{H}/activity-instance/count", body={"activityType": "exclusiveGateway"}
    )
    assert gateways["count"] >= 1

    names = live.missing("zhou", "GET", f"{H}/variable-instance", params={"variableName": "applicantName"})
    assert [(v["value"], v["type"]) for v in names] == [("济南泉城广告传媒有限公司", "String")]
    booleans = live.missing("zhou", "POST", f"{H}/variable-instance", body={"variableTypeIn": ["Boolean"]})
    assert {v["name"] for v in booleans} == {"materialsComplete", "accepted"}
    assert live.missing("zhou", "GET", f"{H}/variable-instance/count", params={"processInstanceId": case_id})[
        "count"
    ] == len(STEPS[0][3])


def test_the_user_operation_log_is_the_record(live: Live, clock: MovableClock) -> None:
    live.deploy()
    case_id, review = opened(live, clock)
    claims = live.missing(
        "zhou",
        "GET",
        f"{H}/user-operation",
        params={"operationType": "Claim", "sortBy": "timestamp", "sortOrder": "asc"},
    )
    assert [(o["userId"], o["property"], o["newValue"]) for o in claims] == [
        ("wang", "assignee", "wang"),
        ("zhao", "assignee", "zhao"),
    ]
    mine = live.missing(
        "zhou", "GET", f"{H}/user-operation", params={"userId": "wang", "processInstanceId": case_id}
    )
    assert [o["operationType"] for o in mine] == ["Create", "Claim", "Complete"]
    assert live.missing("zhou", "GET", f"{H}/user-operation/count", params={"taskId": review}) == {"count": 1}
    assert live.missing(
        "zhou", "GET", f"{H}/user-operation/count", params={"entityType": "ProcessInstance"}
    ) == {"count": 1}
