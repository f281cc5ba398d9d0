"""/engine-rest: definition XML and start forms, messages, signals, users and groups, and Camunda's error
bodies — pycamunda over real HTTP, each response valid against Camunda 7.21's OpenAPI document."""

from __future__ import annotations

import pycamunda
import pycamunda.deployment
import pycamunda.group
import pycamunda.message
import pycamunda.processdef
import pycamunda.signal
import pycamunda.task
import pycamunda.user
import pytest

from tests.integration.engine_rest_live import PROCESS, Live, staff
from tests.support import ROOT, MovableClock

FIXTURES = ROOT / "tests" / "fixtures"


def deploy_message_process(live: Live, *, start_form: bool = False) -> None:
    """tests/fixtures/c7_message.bpmn (a case waits for message expert-review-done after 受理), with
    the start event optionally naming the test form."""
    xml = (FIXTURES / "c7_message.bpmn").read_text(encoding="utf-8")
    if start_form:
        xml = xml.replace(
            '<bpmn:startEvent id="StartEvent_1" name="申请">',
            '<bpmn:startEvent id="StartEvent_1" name="申请" camunda:formRef="test-acceptance" '
            'camunda:formRefBinding="deployment">',
        )
    create = pycamunda.deployment.Create(live.url, name="c7_message", source="pycamunda")
    create.add_resource(("c7_message.bpmn", xml.encode("utf-8")))
    create.add_resource(("test-acceptance.form", (FIXTURES / "test-acceptance.form").read_bytes()))
    live.call(create, "li")


def waiting_for_message(live: Live, key: str) -> str:
    case_id = live.call(
        pycamunda.processdef.StartInstance(live.url, key="c7_message", business_key=key), "wang"
    ).id_
    (task,) = live.call(pycamunda.task.GetList(live.url, process_instance_id=case_id), "wang")
    live.call(pycamunda.task.Claim(live.url, id_=task.id_, user_id="wang"), "wang")
    complete = pycamunda.task.Complete(live.url, id_=task.id_)
    complete.add_variable("amount", 100, "Integer")
    live.call(complete, "wang")
    return str(case_id)


def test_definition_xml_and_start_forms(live: Live, dialect_live: Live) -> None:
    (definition,) = live.deploy().deployed_process_definitions.values()
    by_id = live.call(pycamunda.processdef.GetXML(live.url, id_=definition.id_), "zhao")
    by_key = live.call(pycamunda.processdef.GetXML(live.url, key=PROCESS), "zhao")
    assert by_id == by_key == (ROOT / "processes" / f"{PROCESS}.bpmn").read_text(encoding="utf-8")
    assert live.missing("zhao", "GET", f"/process-definition/key/{PROCESS}/xml")["id"] == definition.id_
    assert live.missing("zhao", "GET", f"/process-definition/{definition.id_}/startForm") == {
        "key": None,
        "contextPath": None,
    }
    with pytest.raises(pycamunda.NotFound, match="start form"):
        live.missing("zhao", "GET", f"/process-definition/key/{PROCESS}/deployed-start-form")

    live = dialect_live  # a test diagram: the dialect's rules, not the bureau's service guide
    deploy_message_process(live, start_form=True)
    form = live.missing("wang", "GET", "/process-definition/key/c7_message/startForm")
    assert form["camundaFormRef"] == {"key": "test-acceptance", "binding": "deployment", "version": None}
    deployed = live.missing("wang", "GET", "/process-definition/key/c7_message/deployed-start-form")
    assert deployed["id"] == "test-acceptance"
    (message_definition,) = live.call(pycamunda.processdef.GetList(live.url, key="c7_message"), "wang")
    same = live.missing("wang", "GET", f"/process-definition/{message_definition.id_}/deployed-start-form")
    assert same == deployed


def test_a_message_is_correlated_by_business_key_and_refused_to_whom_may_not(
    dialect_live: Live, clock: MovableClock
) -> None:
    live = dialect_live
    staff(live.ctx, "expert-system", "专家评审系统", "integration")
    deploy_message_process(live)
    first, second = waiting_for_message(live, "XK-1"), waiting_for_message(live, "XK-2")

    def message(name: str, **options: object) -> pycamunda.message.CorrelateSingle:
        # pycamunda 0.6.1 reads a JSON answer even when none is asked for (204): always ask for the result
        return pycamunda.message.CorrelateSingle(live.url, name, result_enabled=True, **options)

    with pytest.raises(pycamunda.Forbidden, match="integration"):
        live.call(message("expert-review-done", business_key="XK-1"), "wang")
    with pytest.raises(pycamunda.BadRequest, match="to a single execution"):
        live.call(message("expert-review-done"), "expert-system")
    with pytest.raises(pycamunda.BadRequest, match="No process definition or execution matches"):
        live.call(message("no-such-message"), "expert-system")

    correlate = message("expert-review-done", business_key="XK-1")
    correlate.add_process_variable("expertOpinion", "同意", "String")
    (result,) = live.call(correlate, "expert-system")
    assert result.result_type.value == "Execution" and result.execution.process_instance_id == first
    (next_task,) = live.call(pycamunda.task.GetList(live.url, process_instance_id=first), "sun")
    assert next_task.task_definition_key == "Task_Approve"

    keyed = {
        "messageName": "expert-review-done",
        "correlationKeys": {"amount": {"value": 100, "type": "Integer"}},
        "resultEnabled": True,
        "variablesInResultEnabled": True,
    }
    (done,) = live.missing("expert-system", "POST", "/message", body=keyed)  # only XK-2 still waits
    assert done["execution"]["processInstanceId"] == second and done["variables"]["amount"]["value"] == 100
    assert live.call(pycamunda.task.GetList(live.url, process_instance_id=second), "sun")[
        0
    ].task_definition_key == ("Task_Approve")
    with live.ctx.uow(readonly=True) as uow:
        first_record = [e.content for e in uow.records.for_case(first)]
    received = [c for c in first_record if c.action == "message.received"]
    assert received[0].actor == "expert-system" and received[0].payload["data"] == {"expertOpinion": "同意"}
    refused = [c for c in first_record if c.action == "message.correlate-refused"]
    assert refused[0].actor == "wang" and refused[0].payload["code"] == "correlate-forbidden"


def test_a_signal_reaches_no_case_and_is_recorded(live: Live) -> None:
    staff(live.ctx, "expert-system", "专家评审系统", "integration")
    live.call(pycamunda.signal.EventAll(live.url, name="flood-warning"), "expert-system")
    with live.ctx.uow(readonly=True) as uow:
        thrown = [e.content for e in uow.records.all() if e.content.action == "signal.thrown"]
    assert thrown[0].payload == {"signal": "flood-warning", "variables": [], "delivered": 0}
    with pytest.raises(pycamunda.BadRequest, match="has not subscribed"):
        live.call(
            pycamunda.signal.EventSingle(live.url, name="flood-warning", execution_id="2026-000001"),
            "expert-system",
        )
    with pytest.raises(pycamunda.Forbidden):
        live.call(pycamunda.signal.EventAll(live.url, name="flood-warning"), "zhao")


def test_users_and_groups_are_the_staff_register(live: Live) -> None:
    handlers = live.call(pycamunda.user.GetList(live.url, member_of_group="handler"), "wang")
    assert [(u.id_, u.first_name) for u in handlers] == [
        ("feng", "冯执法（承办人）"),
        ("zhao", "赵承办（承办人）"),
    ]
    assert live.call(pycamunda.user.Count(live.url, member_of_group="approver"), "wang") == 1
    assert len(live.missing("wang", "GET", "/user", params={"idIn": "zhao,sun,nobody"})) == 2
    groups = live.call(
        pycamunda.group.GetList(live.url, member="admin", sort_by="id_", ascending=True), "wang"
    )
    assert [g.id_ for g in groups] == ["admin", "designer", "supervisor"]
    assert live.missing("wang", "GET", "/group/count", params={"nameLike": "%review%"}) == {"count": 1}
    with pytest.raises(pycamunda.BadRequest, match="email"):
        live.call(pycamunda.user.GetList(live.url, email="zhao@example.org"), "wang")


def test_unsupported_filters_are_refused_by_name_in_camundas_error_body(live: Live) -> None:
    unsupported = (
        ("processVariables", "x_eq_1"),
        ("descriptionLike", "%x%"),
        ("followUpBeforeOrNotExistent", "x"),
    )
    for name, value in unsupported:
        with pytest.raises(pycamunda.BadRequest, match=name):
            live.missing("wang", "GET", "/task", params={name: value})
    assert live.missing("wang", "GET", "/task", params={"dueBefore": "2030-01-01T00:00:00.000+0800"}) == []
    assert (
        live.missing("wang", "GET", "/task", params={"followUpBefore": "2030-01-01T00:00:00.000+0800"}) == []
    )
    assert live.missing("wang", "GET", "/task", params={"candidateGroups": "window-clerk,handler"}) == []
