"""The parsed view of a BPMN process that the rest of the engine can reuse (`parse_model`)."""

from __future__ import annotations

from pathlib import Path

from engine.compliance import RULES, Finding, ProcessModel, Timer, parse_model

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SMALL = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
  <bpmn:process id="p" name="Item" isExecutable="true">
    <bpmn:extensionElements><camunda:properties>
      <camunda:property name="sanxiang.statutoryDays" value="20"/>
    </camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <bpmn:userTask id="t" name="Review" camunda:candidateGroups="a, b" camunda:candidateUsers="u1"
        camunda:formRef="review_form">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="legal-review"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P3D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="g"/>
    <bpmn:exclusiveGateway id="g" default="f4"/>
    <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="sub">
      <bpmn:conditionExpression>${ok}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="g" targetRef="e"/>
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="ss"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f5" sourceRef="sub" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>
"""


def parsed(data: bytes) -> ProcessModel:
    model = parse_model(data)
    assert isinstance(model, ProcessModel), model
    return model


def test_elements_flows_and_properties_are_read() -> None:
    model = parsed(SMALL)
    task = model.elements["t"]
    # libxml2 gives the line where a start tag ends (this one spans lines 10-11)
    assert (task.tag, task.name, task.line, task.role) == ("userTask", "Review", 11, "legal-review")
    assert (task.candidate_groups, task.candidate_users, task.assignee) == (["a", "b"], ["u1"], None)
    assert (task.form_ref, task.form_key, task.form) == ("review_form", None, "review_form")
    assert (task.incoming, task.outgoing, task.boundaries) == (["f1"], ["f2"], ["b"])
    assert model.properties == {"sanxiang.statutoryDays": "20"}
    assert model.flows["f3"].condition == "${ok}" and model.flows["f4"].condition is None
    assert model.elements["g"].default_flow == "f4"
    assert model.elements["ss"].parent == "sub" and [s.id for s in model.starts] == ["s"]


def test_boundary_events_carry_host_and_timer() -> None:
    boundary = parsed(SMALL).elements["b"]
    assert (boundary.attached_to, boundary.cancel_activity) == ("t", False)
    assert boundary.timer == Timer("timeDuration", "P3D", 17)


def test_legacy_activiti_namespace_reads_as_camunda() -> None:
    model = parsed((CORPUS / "miwg" / "C.1.0.bpmn").read_bytes())
    assert model.id == "bpmn-miwg-test-case-c.1.0"
    assert model.elements["prepareBankTransfer"].candidate_groups == ["accounting"]
    assert model.elements["approveInvoice"].assignee == "${approver}"
    assert model.elements["approveInvoice"].form_key == "app:approveInvoice.jsf"


def test_why_there_is_no_model() -> None:
    two = SMALL.replace(b"</bpmn:definitions>", b'<bpmn:process id="q"/></bpmn:definitions>')
    none = SMALL.replace(b'isExecutable="true"', b'isExecutable="false"')
    for data, code in ((two, "SX-D103"), (none, "SX-D102"), (b"<x", "SX-X001"), (b"", "SX-X004")):
        findings = parse_model(data)
        assert isinstance(findings, list) and all(isinstance(f, Finding) for f in findings)
        assert [f.code for f in findings] == [code]


def test_catalogue_lists_every_family() -> None:
    assert {info.family for info in RULES.values()} == {"input", "dialect", "compliance", "form"}
    assert all(info.title_zh and info.title_en for info in RULES.values())
