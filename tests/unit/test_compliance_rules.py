"""The three-systems rules: a minimal compliant approval process passes; breaking any one rule
(by editing the XML with lxml) makes that rule's code appear, at the element that breaks it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from engine.compliance import RULES, Finding, Severity, lint_bpmn

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
DC = "http://www.omg.org/spec/DD/20100524/DC"

# start -> 受理 -> 现场踏勘 -> 重大? -(重大)-> 法制审核 -> 审核结论 -(通过)-> 作出决定
#                                                         -(退回)-> 补正 -> 法制审核
#                                                         -(不通过, default)-> 协调决策 -> 作出决定
#                                 -(非重大, default)-> 作出决定 -> 送达 -> 公示 -> 归档记录 -> end
COMPLIANT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="definitions" targetNamespace="http://sanxiang.example/bpmn">
  <bpmn:process id="outdoor_ad_permit" name="户外广告设施设置审批" isExecutable="true">
    <bpmn:extensionElements><camunda:properties>
      <camunda:property name="sanxiang.itemName" value="户外广告设施设置审批"/>
      <camunda:property name="sanxiang.itemCode" value="370102-XK-0815"/>
      <camunda:property name="sanxiang.body" value="某区行政审批服务局"/>
      <camunda:property name="sanxiang.legalBasis" value="《城市市容和环境卫生管理条例》第十一条"/>
      <camunda:property name="sanxiang.conditions" value="设置位置符合户外广告设施设置规划"/>
      <camunda:property name="sanxiang.materials" value="申请书；设计图；场地使用证明"/>
      <camunda:property name="sanxiang.statutoryDays" value="20"/>
      <camunda:property name="sanxiang.promisedDays" value="10"/>
      <camunda:property name="sanxiang.fees" value="不收费"/>
      <camunda:property name="sanxiang.office" value="政务服务中心二楼 12 号窗口"/>
      <camunda:property name="sanxiang.hours" value="工作日 9:00-17:00"/>
      <camunda:property name="sanxiang.phone" value="0531-12345678"/>
      <camunda:property name="sanxiang.supervision" value="督查室 0531-12345679"/>
      <camunda:property name="sanxiang.remedy" value="行政复议或行政诉讼"/>
      <camunda:property name="sanxiang.disclosureDays" value="7"/>
      <camunda:property name="sanxiang.majorCatalogue" value="涉及重大公共利益或举行听证的"/>
      <camunda:property name="sanxiang.maxReturns" value="3"/>
    </camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" name="申请"/>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="accept"/>
    <bpmn:userTask id="accept" name="受理" camunda:candidateGroups="window-clerk"
        camunda:formRef="accept_form">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="acceptance"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_accepted" sourceRef="accept" targetRef="onsite"/>
    <bpmn:userTask id="onsite" name="现场踏勘" camunda:candidateGroups="handler"
        camunda:formRef="onsite_form">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="on-site"/>
        <camunda:property name="sanxiang.requiresMedia" value="video"/>
        <camunda:property name="sanxiang.requiresCertificate" value="true"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_inspected" sourceRef="onsite" targetRef="major_check"/>
    <bpmn:exclusiveGateway id="major_check" name="重大执法决定？" default="f_not_major">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="major-check"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_major" name="重大" sourceRef="major_check" targetRef="review">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.major" value="true"/>
      </camunda:properties></bpmn:extensionElements>
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${isMajor}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_not_major" name="非重大" sourceRef="major_check" targetRef="decide">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.major" value="false"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:sequenceFlow>
    <bpmn:userTask id="review" name="法制审核" camunda:candidateGroups="legal-reviewer"
        camunda:formRef="review_form">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="legal-review"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_reviewed" sourceRef="review" targetRef="review_outcome"/>
    <bpmn:exclusiveGateway id="review_outcome" name="审核结论" default="f_reject">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="review-outcome"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_pass" name="通过" sourceRef="review_outcome" targetRef="decide">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.outcome" value="pass"/>
      </camunda:properties></bpmn:extensionElements>
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >${reviewConclusion == 'pass'}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_return" name="退回补正" sourceRef="review_outcome" targetRef="supplement">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.outcome" value="return"/>
      </camunda:properties></bpmn:extensionElements>
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >${reviewConclusion == 'return'}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_reject" name="不通过" sourceRef="review_outcome" targetRef="coordinate">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.outcome" value="reject"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:sequenceFlow>
    <bpmn:userTask id="supplement" name="补正材料" camunda:candidateGroups="handler"
        camunda:formRef="supplement_form"/>
    <bpmn:sequenceFlow id="f_resubmit" sourceRef="supplement" targetRef="review"/>
    <bpmn:userTask id="coordinate" name="协调决策（集体讨论）" camunda:candidateGroups="bureau-head"
        camunda:formRef="coordination_form">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="coordination"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_coordinated" sourceRef="coordinate" targetRef="decide"/>
    <bpmn:userTask id="decide" name="作出决定" camunda:candidateGroups="approver"
        camunda:formRef="decision_form">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="decision"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_decided" sourceRef="decide" targetRef="deliver"/>
    <bpmn:userTask id="deliver" name="送达" camunda:candidateGroups="handler" camunda:formRef="delivery_form">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="delivery"/>
        <camunda:property name="sanxiang.requiresMedia" value="audio-video"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_delivered" sourceRef="deliver" targetRef="disclose"/>
    <bpmn:serviceTask id="disclose" name="公示决定" camunda:type="external" camunda:topic="disclosure">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="disclosure"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f_disclosed" sourceRef="disclose" targetRef="archive"/>
    <bpmn:serviceTask id="archive" name="归档记录" camunda:type="external" camunda:topic="records-capture">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="sanxiang.role" value="records-capture"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f_archived" sourceRef="archive" targetRef="end"/>
    <bpmn:endEvent id="end" name="办结"/>
  </bpmn:process>
</bpmn:definitions>
"""

Mutation = Callable[[etree._Element], None]


def with_layout(root: etree._Element) -> bytes:
    """Serialize, adding a diagram (DI): one shape per flow node, one edge per sequence flow."""
    process = root.find(f"{{{BPMN}}}process")
    assert process is not None
    diagram = etree.SubElement(root, f"{{{BPMNDI}}}BPMNDiagram", id="diagram")
    plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane", id="plane", bpmnElement="outdoor_ad_permit")
    for index, item in enumerate(n for n in process.iter(f"{{{BPMN}}}*") if n.get("id")):
        kind = "BPMNEdge" if etree.QName(item).localname == "sequenceFlow" else "BPMNShape"
        ident = str(item.get("id"))
        di = etree.SubElement(plane, f"{{{BPMNDI}}}{kind}", id=f"{ident}_di", bpmnElement=ident)
        if kind == "BPMNShape":
            etree.SubElement(di, f"{{{DC}}}Bounds", x=str(150 * index), y="100", width="100", height="80")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def lint_mutated(mutate: Mutation | None = None, rules: str = "all") -> list[Finding]:
    root = etree.fromstring(COMPLIANT.encode())
    if mutate is not None:
        mutate(root)
    return lint_bpmn(with_layout(root), filename="outdoor_ad_permit.bpmn", rules=rules)


def node(root: etree._Element, ident: str) -> etree._Element:
    found = root.xpath("//*[@id=$ident]", ident=ident)
    assert isinstance(found, list) and found, ident
    return found[0]  # type: ignore[return-value]


def retarget(flow: str, target: str) -> Mutation:
    return lambda root: node(root, flow).set("targetRef", target)


def drop(ident: str, attribute: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        del node(root, ident).attrib[attribute]

    return mutate


def set_prop(ident: str | None, name: str, value: str | None) -> Mutation:
    """Set (or with None remove) a camunda property of an element, or of the process when ident is None."""

    def mutate(root: etree._Element) -> None:
        owner = node(root, ident) if ident else root.find(f"{{{BPMN}}}process")
        assert owner is not None
        props = owner.find(f"{{{BPMN}}}extensionElements/{{{CAMUNDA}}}properties")
        if props is None:
            ext = etree.SubElement(owner, f"{{{BPMN}}}extensionElements")
            owner.insert(0, ext)
            props = etree.SubElement(ext, f"{{{CAMUNDA}}}properties")
        for prop in props.findall(f"{{{CAMUNDA}}}property[@name='{name}']"):
            props.remove(prop)
        if value is not None:
            etree.SubElement(props, f"{{{CAMUNDA}}}property", name=name, value=value)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: etree._Element) -> None:
        for mutation in mutations:
            mutation(root)

    return mutate


CASES: list[tuple[str, str, Mutation]] = [
    ("SX-C201", "decision reached without major-check", retarget("f_inspected", "decide")),
    ("SX-C202", "major branch skips the legal review", retarget("f_major", "decide")),
    ("SX-C203", "legal review goes straight to the decision", retarget("f_reviewed", "decide")),
    ("SX-C204", "reject goes to the decision without coordination", retarget("f_reject", "decide")),
    ("SX-C205", "a review outcome flow says 'maybe'", set_prop("f_return", "sanxiang.outcome", "maybe")),
    ("SX-C206", "return goes to records capture, not back to the review", retarget("f_return", "archive")),
    ("SX-C207", "maxReturns above 10", set_prop(None, "sanxiang.maxReturns", "12")),
    ("SX-C207", "maxReturns not a number", set_prop(None, "sanxiang.maxReturns", "three")),
    ("SX-C208", "the non-major branch is not marked", set_prop("f_not_major", "sanxiang.major", None)),
    ("SX-C209", "unknown role", set_prop("supplement", "sanxiang.role", "on-stie")),
    ("SX-C209", "role on the wrong element kind", set_prop("end", "sanxiang.role", "delivery")),
    ("SX-C210", "an end reached without records capture", retarget("f_disclosed", "end")),
    ("SX-C211", "decision not followed by delivery", retarget("f_decided", "disclose")),
    ("SX-C212", "decision not followed by disclosure", retarget("f_delivered", "archive")),
    ("SX-C213", "delivery without audio/video", set_prop("deliver", "sanxiang.requiresMedia", "none")),
    ("SX-C214", "on-site without certificate", set_prop("onsite", "sanxiang.requiresCertificate", None)),
    ("SX-C215", "guide without a phone", set_prop(None, "sanxiang.phone", None)),
    ("SX-C215", "guide with an empty item name", set_prop(None, "sanxiang.itemName", " ")),
    ("SX-C216", "statutory days over 20, no special law", set_prop(None, "sanxiang.statutoryDays", "30")),
    ("SX-C216", "promised days over statutory days", set_prop(None, "sanxiang.promisedDays", "25")),
    ("SX-C216", "disclosure later than 7 days", set_prop(None, "sanxiang.disclosureDays", "10")),
    ("SX-C216", "days not an integer", set_prop(None, "sanxiang.statutoryDays", "二十")),
    ("SX-C217", "user task without performer", drop("accept", f"{{{CAMUNDA}}}candidateGroups")),
    ("SX-C218", "user task without a form", drop("accept", f"{{{CAMUNDA}}}formRef")),
    ("SX-C219", "no decision at all", set_prop("decide", "sanxiang.role", None)),
    (
        "SX-C220",
        "an item marked a called procedure holds a decision",
        set_prop(None, "sanxiang.kind", "procedure"),
    ),
    ("SX-C221", "a process kind neither item nor procedure", set_prop(None, "sanxiang.kind", "subprocess")),
    (
        "SX-D118",
        "a gateway flow without a condition",
        lambda root: node(root, "f_major").remove(node(root, "f_major")[-1]),
    ),  # its conditionExpression
]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def test_compliant_process_has_no_findings() -> None:
    assert lint_mutated() == []


@pytest.mark.parametrize(("code", "mutate"), [pytest.param(c, m, id=f"{c} {d}") for c, d, m in CASES])
def test_breaking_one_rule_reports_exactly_that_rule(code: str, mutate: Mutation) -> None:
    findings = errors(lint_mutated(mutate, rules="compliance"))
    assert {f.code for f in findings} == {code}, [str(f) for f in findings]
    assert all(f.element_id and f.line and f.file == "outdoor_ad_permit.bpmn" for f in findings)


def test_every_compliance_rule_has_a_breaking_case() -> None:
    covered = {code for code, _, _ in CASES}
    assert {code for code, info in RULES.items() if info.family == "compliance"} <= covered


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(
            both(
                set_prop("f_pass", "sanxiang.outcome", None), set_prop("f_return", "sanxiang.outcome", None)
            ),
            id="review outcomes given by reviewConclusion conditions",
        ),
        pytest.param(
            both(
                set_prop(None, "sanxiang.statutoryDays", "45"),
                set_prop(None, "sanxiang.specialLaw", "《城乡规划法》第四十条"),
            ),
            id="statutory days over 20 with a special law",
        ),
        pytest.param(set_prop(None, "sanxiang.maxReturns", None), id="maxReturns defaults to 3"),
    ],
)
def test_lawful_variants_stay_compliant(mutate: Mutation) -> None:
    assert errors(lint_mutated(mutate)) == []


def test_all_violations_are_reported_each_at_its_element() -> None:
    mutate = both(retarget("f_major", "decide"), set_prop("deliver", "sanxiang.requiresMedia", "none"))
    findings = errors(lint_mutated(mutate))
    assert {(f.code, f.element_id) for f in findings} == {("SX-C202", "decide"), ("SX-C213", "deliver")}


def test_dialect_only_run_skips_compliance_rules() -> None:
    assert lint_mutated(set_prop(None, "sanxiang.phone", None), rules="dialect") == []
