"""A real Camunda 7 client (pycamunda 0.6.1, from PyPI) drives a shipped process to its end against a
running Sanxiang: deploy, start, list tasks, claim, complete — with the full compliance rules and
every guard, over HTTP Basic with the user id and API token."""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any
from urllib.parse import quote

import pycamunda
import pycamunda.deployment
import pycamunda.processdef
import pycamunda.task
import pytest
import requests
from requests.auth import HTTPBasicAuth
from werkzeug.serving import make_server

from engine.cases import opening as case_service
from engine.config import Settings
from engine.kernel.ports import Actor
from tests.conftest import make_context
from tests.support import ROOT, MovableClock

PROCESS = "outdoor_advertising"
FORMS = (
    "acceptance",
    "supplement",
    "material-review",
    "handler-review",
    "legal-review",
    "contest",
    "proposal-revision",
    "coordination",
    "decision",
    "delivery",
    "archive",
)
AT = "2026-11-27T10:00+08:00"

# (user, element, candidate group, typed variables) along the non-major path: materials complete,
# no hearing, no public interest, investment under 1,000,000, not first of its kind → decided directly.
STEPS: list[tuple[str, str, str, dict[str, dict[str, Any]]]] = [
    (
        "wang",
        "Task_Acceptance",
        "window-clerk",
        {
            "applicantName": {"value": "济南泉城广告传媒有限公司", "type": "String"},
            "applicantType": {"value": "organisation", "type": "String"},
            "applicantId": {"value": "91370102MA3C8G2K1X", "type": "String"},
            "applicantPhone": {"value": "0531-86001234", "type": "String"},
            "applicantAddress": {"value": "济南市历下区泉城路188号", "type": "String"},
            "materialsComplete": {"value": True, "type": "Boolean"},
            "accepted": {"value": True, "type": "Boolean"},
        },
    ),
    (
        "zhao",
        "Task_Review",
        "handler",
        {
            "materialsAuthentic": {"value": True, "type": "Boolean"},
            "conditionsMet": {"value": "met", "type": "String"},
            "reviewFindings": {"value": "申请材料真实齐全，设置地点符合户外广告设置规划", "type": "String"},
        },
    ),
    (
        "zhao",
        "Task_Proposal",
        "handler",
        {
            "facts": {"value": "申请在泉城路188号外墙设置单面广告牌一块，面积12平方米", "type": "String"},
            "legalProvisions": {"value": "《城市市容和环境卫生管理条例》第十一条", "type": "String"},
            "opinion": {"value": "符合设置规划和安全要求，建议准予许可", "type": "String"},
            "hearingHeld": {"value": False, "type": "Boolean"},
            "publicInterest": {"value": False, "type": "Boolean"},
            "investment": {"value": 300000, "type": "Integer"},
            "firstOfKind": {"value": False, "type": "Boolean"},
            "proposal": {"value": "grant", "type": "String"},
            "proposalReason": {"value": "材料齐全，条件符合，结构安全", "type": "String"},
        },
    ),
    (
        "sun",
        "Task_Decision",
        "approver",
        {
            "decision": {"value": "grant", "type": "String"},
            "decisionNo": {"value": "历下审批许〔2026〕88号", "type": "String"},
            "decisionText": {"value": "准予设置户外广告设施，有效期三年", "type": "String"},
            "licenceNo": {"value": "HW-2026-0088", "type": "String"},
        },
    ),
    (
        "wang",
        "Task_DeliverLicence",
        "window-clerk",
        {
            "deliveryMethod": {"value": "direct", "type": "String"},
            "deliveredAt": {"value": AT, "type": "String"},
            "recipient": {"value": "申请人法定代表人", "type": "String"},
            "mediaRecorded": {"value": True, "type": "Boolean"},
        },
    ),
    (
        "zhao",
        "Task_Archive",
        "handler",
        {
            "recordsComplete": {"value": True, "type": "Boolean"},
            "archiveNo": {"value": "LX-HW-2026-0088", "type": "String"},
        },
    ),
]


@pytest.fixture
def engine_rest(settings: Settings, clock: MovableClock) -> Iterator[tuple[str, Any]]:
    """Sanxiang with the full rules, served over HTTP on a free port for the test's duration."""
    from engine.app import create_app

    ctx = make_context(settings, clock)
    server = make_server("127.0.0.1", 0, create_app(ctx), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/engine-rest", ctx
    finally:
        server.shutdown()
        thread.join()
        ctx.database.dispose()


def signed(request: Any, user: str) -> Any:
    request.auth = HTTPBasicAuth(user, f"demo-{user}")
    return request


def mp4(payload: bytes) -> bytes:
    """A real MP4 start: an ftyp box, then an mdat box holding ``payload``."""
    ftyp = struct.pack(">I", 24) + b"ftypisom\x00\x00\x02\x00isommp41"
    return ftyp + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload


def deploy(url: str) -> Any:
    create = signed(pycamunda.deployment.Create(url, name=PROCESS, source="pycamunda"), "li")
    with ExitStack() as files:
        create.add_resource(files.enter_context((ROOT / "processes" / f"{PROCESS}.bpmn").open("rb")))
        for name in FORMS:
            create.add_resource(files.enter_context((ROOT / "forms" / f"{name}.form").open("rb")))
        return create()


def the_task(url: str, user: str, case_id: str, group: str) -> Any:
    found = signed(pycamunda.task.GetList(url, process_instance_id=case_id, candidate_group=group), user)()
    assert len(found) == 1, found
    return found[0]


def record_delivery_video(url: str, case_id: str, task_id: str) -> None:
    """送达 is on record: the delivery task needs audio or video before it completes (/api/v1)."""
    upload = url.replace("/engine-rest", f"/api/v1/cases/{case_id}/evidence")
    response = requests.post(
        upload,
        data=mp4(b"delivery"),
        timeout=10,
        headers={
            "Authorization": "Bearer demo-wang",
            "Content-Type": "video/mp4",
            "X-Filename": quote("送达.mp4"),
            "X-Task-Id": task_id,
        },
    )
    assert response.status_code == 201, response.text


def test_pycamunda_deploys_starts_claims_and_completes_a_shipped_process(
    engine_rest: tuple[str, Any], clock: MovableClock
) -> None:
    url, ctx = engine_rest
    deployment = deploy(url)
    (definition,) = deployment.deployed_process_definitions.values()
    assert (definition.key, definition.version) == (PROCESS, 1)

    start = signed(pycamunda.processdef.StartInstance(url, key=PROCESS, business_key="HW-2026-0088"), "wang")
    instance = start()
    assert instance.definition_id == definition.id_ and instance.business_key == "HW-2026-0088"
    case_id = instance.id_

    for user, element, group, variables in STEPS:
        clock.advance(hours=1)
        task = the_task(url, user, case_id, group)
        assert task.task_definition_key == element and task.follow_up is None
        assert task.process_definition_id == definition.id_ and task.created is not None
        signed(pycamunda.task.Claim(url, id_=task.id_, user_id=user), user)()
        if element == "Task_DeliverLicence":
            record_delivery_video(url, case_id, task.id_)
        complete = signed(pycamunda.task.Complete(url, id_=task.id_), user)
        for name, typed in variables.items():
            complete.add_variable(name, typed["value"], typed["type"])
        complete()

    view = case_service.get_case(ctx, case_id, Actor("zhou", frozenset({"supervisor"})))
    assert view.case.status == "completed"
    assert view.variables["decision"] == "grant" and view.variables["investment"] == 300000
    completed = [(h["element"], h["actor"]) for h in view.history if h["action"] == "task.completed"]
    assert completed == [(element, user) for user, element, _, _ in STEPS]
    claimed = [h["element"] for h in view.history if h["action"] == "task.claimed"]
    assert claimed == [element for _, element, _, _ in STEPS]
    assert view.history[0]["action"] == "case.started" and view.history[-1]["action"] == "case.completed"
    assert not signed(pycamunda.task.GetList(url, process_instance_id=case_id), "zhou")()


def test_the_rules_refuse_through_the_camunda_client_too(engine_rest: tuple[str, Any]) -> None:
    url, _ = engine_rest
    deploy(url)
    case_id = signed(pycamunda.processdef.StartInstance(url, key=PROCESS), "wang")().id_
    task = the_task(url, "wang", case_id, "window-clerk")

    with pytest.raises(pycamunda.Forbidden, match="不是该任务的办理人或候选人"):
        signed(pycamunda.task.Claim(url, id_=task.id_, user_id="zhao"), "zhao")()
    with pytest.raises(pycamunda.Forbidden, match="only claim a task for yourself"):
        signed(pycamunda.task.Claim(url, id_=task.id_, user_id="zhao"), "wang")()
    with pytest.raises(pycamunda.Unauthorized):
        signed(pycamunda.task.GetList(url), "nobody")()

    signed(pycamunda.task.Claim(url, id_=task.id_, user_id="wang"), "wang")()
    with pytest.raises(pycamunda.Forbidden, match="neither the assignee nor a candidate"):
        signed(pycamunda.task.Claim(url, id_=task.id_, user_id="admin"), "admin")()  # wang holds it
    bad = signed(pycamunda.task.Complete(url, id_=task.id_), "wang")
    bad.add_variable("materialsComplete", "maybe", "Boolean")
    with pytest.raises(pycamunda.BadRequest, match="Boolean"):
        bad()
    signed(pycamunda.task.Unclaim(url, id_=task.id_), "wang")()
    assert the_task(url, "wang", case_id, "window-clerk").assignee is None
