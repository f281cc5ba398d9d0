"""What Camunda Modeler can write on a task marker and the runtime does not run is refused by name at lint and
deploy (SX-D160…SX-D166), each with the element id, its line and what to do instead — never accepted and
then run differently. The Camunda 7 behaviour each refusal stands for is cited per case."""

from __future__ import annotations

import io
from typing import Any

import pytest

from engine.compliance import lint_bpmn
from tests.support import auth

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
    '20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="x">\n'
    '<bpmn:process id="marker" isExecutable="true">\n<bpmn:startEvent id="S" />\n'
    '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="A" />\n'
)
TAIL = (
    '<bpmn:sequenceFlow id="F2" sourceRef="A" targetRef="E" />\n<bpmn:endEvent id="E" />\n'
    "</bpmn:process>\n</bpmn:definitions>\n"
)
TWO = "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
LIST = ' camunda:collection="${list}" camunda:elementVariable="x"'


def diagram(activity: str) -> bytes:
    return (HEAD + activity + "\n" + TAIL).encode()


def marked(tag: str, attrs: str = LIST, body: str = "", extra: str = "") -> str:
    """An activity ``tag`` with multi-instance characteristics (``attrs`` on them, ``body`` inside)."""
    loop = f"<bpmn:multiInstanceLoopCharacteristics{attrs}>{body}</bpmn:multiInstanceLoopCharacteristics>"
    return f'<bpmn:{tag} id="A"{extra}>{loop}</bpmn:{tag}>'


def user_task(attrs: str = LIST, body: str = "") -> str:
    return marked("userTask", attrs, body, ' camunda:assignee="${x}"')


def condition(text: str) -> str:
    return user_task(body=f"<bpmn:completionCondition>{text}</bpmn:completionCondition>")


RETRY = (
    "<bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R5/PT5M</camunda:failedJobRetryTimeCycle>"
    "</bpmn:extensionElements>"
)
CASES: dict[str, tuple[str, str]] = {
    # docs, Task Markers: these activities can be multi-instance in Camunda 7; the runtime runs user tasks
    "subprocess": ("SX-D160", marked("subProcess", "", TWO)),
    "call activity": ("SX-D160", marked("callActivity", extra=' calledElement="child"')),
    "service task": ("SX-D160", marked("serviceTask", "", TWO, ' camunda:type="external" camunda:topic="t"')),
    # BpmnParse: "Either loopCardinality or loopDataInputRef/activiti:collection must been set"
    "no count": ("SX-D161", user_task(attrs="")),
    # BpmnParse: "loopCardinality must be defined for a multiInstanceLoopCharacteristics definition"
    "empty cardinality": ("SX-D161", user_task("", "<bpmn:loopCardinality> </bpmn:loopCardinality>")),
    # BpmnParse: "LoopDataInputRef/activiti:collection must be set when using inputDataItem or
    # activiti:elementVariable"
    "element variable alone": ("SX-D162", user_task(' camunda:elementVariable="x"', TWO)),
    # BpmnParse reads no loopDataOutputRef/outputDataItem: Camunda 7 would ignore them
    "output collection": ("SX-D163", user_task(body="<bpmn:loopDataOutputRef>rs</bpmn:loopDataOutputRef>")),
    "output item": ("SX-D163", user_task(body='<bpmn:outputDataItem name="result" />')),
    # docs, Task Markers, Camunda Extensions: camunda:asyncBefore/asyncAfter on the multi-instance body
    "async before": ("SX-D164", user_task(attrs=' camunda:asyncBefore="true"' + LIST)),
    "retry cycle": ("SX-D164", user_task(body=RETRY)),
    # MultiInstanceActivityBehavior.completionConditionSatisfied: a value that is no Boolean fails
    "condition without ${}": ("SX-D165", condition("nrOfCompletedInstances &gt;= 1")),
    "unbalanced condition": ("SX-D165", condition("${(nrOfCompletedInstances")),
    "composite cardinality": ("SX-D165", user_task("", "<bpmn:loopCardinality>n${c}</bpmn:loopCardinality>")),
    # docs, Task Markers, Loops: "The loop marker is not natively supported by the engine."
    "loop marker": (
        "SX-D166",
        '<bpmn:userTask id="A"><bpmn:standardLoopCharacteristics loopMaximum="3" /></bpmn:userTask>',
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_unsupported_marker_setting_is_refused_by_name(case: str) -> None:
    code, activity = CASES[case]
    findings = [f for f in lint_bpmn(diagram(activity), rules="dialect") if f.code.startswith("SX-D16")]
    assert [(f.code, f.element_id, f.severity.value) for f in findings] == [(code, "A", "error")]
    [found] = findings
    assert found.line is not None and found.message_zh and found.message_en


def test_what_runs_is_not_refused() -> None:
    for activity in (
        user_task("", "<bpmn:loopCardinality>3</bpmn:loopCardinality>"),
        user_task(),
        condition("${nrOfCompletedInstances/nrOfInstances &gt;= 2/3}"),
    ):
        assert not [f for f in lint_bpmn(diagram(activity), rules="dialect") if f.code.startswith("SX-D16")]


def test_a_refused_marker_is_refused_at_deploy_with_its_finding(client: Any) -> None:
    data = {"file0": (io.BytesIO(diagram(CASES["call activity"][1])), "marker.bpmn")}
    response = client.post(
        "/api/v1/deployments", data=data, headers=auth("li"), content_type="multipart/form-data"
    )
    assert response.status_code == 400, response.get_json()
    codes = [f["code"] for f in response.get_json()["findings"]]
    assert "SX-D160" in codes
