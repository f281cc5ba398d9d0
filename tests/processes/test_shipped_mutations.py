"""Issue 3's acceptance on the shipped diagrams: for every compliance rule (SX-C201 … SX-C221), one
lxml edit of a real process in `processes/` breaks exactly that rule, and the linter reports that
rule's code at the element that breaks it.

Most cases edit `outdoor_advertising.bpmn`; the hearing's audio/video case edits
`construction_planning_permit.bpmn` (the only shipped process with a hearing) and the certificate
case edits `food_business_licence.bpmn` (the outdoor and construction processes have no on-site task).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest
from lxml import etree

from engine.compliance import RULES, Finding, Severity, lint_bpmn
from tests.support import ROOT

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
OUTDOOR = "outdoor_advertising"
CONSTRUCTION = "construction_planning_permit"
FOOD = "food_business_licence"
DELIVERY = "service_delivery"  # a called procedure (sanxiang.kind=procedure)

Mutation = Callable[[etree._Element], None]


def node(root: etree._Element, ident: str) -> etree._Element:
    found = root.xpath("//*[@id=$ident]", ident=ident)
    assert isinstance(found, list) and found, ident
    return found[0]  # type: ignore[return-value]


def retarget(flow_id: str, target: str) -> Mutation:
    """Point a sequence flow at another element, keeping the <bpmn:incoming> references in step."""

    def mutate(root: etree._Element) -> None:
        flow = node(root, flow_id)
        for old in node(root, str(flow.get("targetRef"))).findall(f"{{{BPMN}}}incoming"):
            if old.text == flow_id:
                old.getparent().remove(old)  # type: ignore[union-attr]
        flow.set("targetRef", target)
        etree.SubElement(node(root, target), f"{{{BPMN}}}incoming").text = flow_id

    return mutate


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
            ext = etree.Element(f"{{{BPMN}}}extensionElements")
            owner.insert(0, ext)
            props = etree.SubElement(ext, f"{{{CAMUNDA}}}properties")
        for prop in props.findall(f"{{{CAMUNDA}}}property[@name='{name}']"):
            props.remove(prop)
        if value is not None:
            etree.SubElement(props, f"{{{CAMUNDA}}}property", name=name, value=value)

    return mutate


class Case(NamedTuple):
    code: str
    sentence: str  # the test id: what the edit does to the shipped diagram
    diagram: str  # stem of the file in processes/
    element: str  # where the finding must point
    mutate: Mutation


CASES: list[Case] = [
    Case(
        "SX-C201",
        "a proposal that goes straight to the decision skips the major-check",
        OUTDOOR,
        "Task_Decision",
        retarget("Flow_Proposed", "Task_Decision"),
    ),
    Case(
        "SX-C202",
        "a major branch rerouted straight to the decision skips the legal review",
        OUTDOOR,
        "Task_Decision",
        retarget("Flow_Major", "Task_Decision"),
    ),
    Case(
        "SX-C203",
        "a legal review that leads straight to the decision has no review outcome",
        OUTDOOR,
        "Task_LegalReview",
        retarget("Flow_Reviewed", "Task_Decision"),
    ),
    Case(
        "SX-C204",
        "a rejected review that goes to the decision skips the collective discussion",
        OUTDOOR,
        "Flow_ReviewReject",
        retarget("Flow_ReviewReject", "Task_Decision"),
    ),
    Case(
        "SX-C205",
        "a review outcome flow marked maybe says no clear outcome",
        OUTDOOR,
        "Flow_ReviewReturn",
        set_prop("Flow_ReviewReturn", "sanxiang.outcome", "maybe"),
    ),
    Case(
        "SX-C206",
        "a return sent to the archive never loops back to the legal review",
        OUTDOOR,
        "Flow_ReviewReturn",
        retarget("Flow_ReviewReturn", "Task_Archive"),
    ),
    Case(
        "SX-C207",
        "a limit of twelve returns is above ten",
        OUTDOOR,
        OUTDOOR,
        set_prop(None, "sanxiang.maxReturns", "12"),
    ),
    Case(
        "SX-C207",
        "a limit of three returns written in words is not a number",
        OUTDOOR,
        OUTDOOR,
        set_prop(None, "sanxiang.maxReturns", "three"),
    ),
    Case(
        "SX-C208",
        "a non-major branch without its mark leaves the major-check unmarked",
        OUTDOOR,
        "Flow_NotMajor",
        set_prop("Flow_NotMajor", "sanxiang.major", None),
    ),
    Case(
        "SX-C209",
        "a misspelt role on the review task is unknown",
        OUTDOOR,
        "Task_Review",
        set_prop("Task_Review", "sanxiang.role", "on-stie"),
    ),
    Case(
        "SX-C209",
        "a delivery role on the end event sits on the wrong element kind",
        OUTDOOR,
        "EndEvent_Closed",
        set_prop("EndEvent_Closed", "sanxiang.role", "delivery"),
    ),
    Case(
        "SX-C210",
        "a disclosure that goes straight to the end skips the archive",
        OUTDOOR,
        "EndEvent_Closed",
        retarget("Flow_Disclosed", "EndEvent_Closed"),
    ),
    Case(
        "SX-C211",
        "a granted licence that goes straight to disclosure is never delivered",
        OUTDOOR,
        "Task_Decision",
        retarget("Flow_Grant", "Task_Disclosure"),
    ),
    Case(
        "SX-C212",
        "a delivered licence that goes straight to the archive is never disclosed",
        OUTDOOR,
        "Task_Decision",
        retarget("Flow_LicenceDelivered", "Task_Archive"),
    ),
    Case(
        "SX-C213",
        "a licence delivery with no recording switches the audio and video off",
        OUTDOOR,
        "Task_DeliverLicence",
        set_prop("Task_DeliverLicence", "sanxiang.requiresMedia", "none"),
    ),
    Case(
        "SX-C213",
        "a hearing with no recording switches the audio and video off",
        CONSTRUCTION,
        "Task_Hearing",
        set_prop("Task_Hearing", "sanxiang.requiresMedia", "none"),
    ),
    Case(
        "SX-C214",
        "an on-site inspection without the certificate flag admits uncertified staff",
        FOOD,
        "Task_OnSite",
        set_prop("Task_OnSite", "sanxiang.requiresCertificate", None),
    ),
    Case(
        "SX-C215",
        "a service guide without a phone number is incomplete",
        OUTDOOR,
        OUTDOOR,
        set_prop(None, "sanxiang.phone", None),
    ),
    Case(
        "SX-C215",
        "a service guide without the major decision catalogue is incomplete",
        OUTDOOR,
        OUTDOOR,
        set_prop(None, "sanxiang.majorCatalogue", None),
    ),
    Case(
        "SX-C216",
        "thirty statutory days without a special law exceed the licensing law",
        OUTDOOR,
        OUTDOOR,
        set_prop(None, "sanxiang.statutoryDays", "30"),
    ),
    Case(
        "SX-C216",
        "promised days beyond the statutory days are not sane",
        OUTDOOR,
        OUTDOOR,
        set_prop(None, "sanxiang.promisedDays", "25"),
    ),
    Case(
        "SX-C217",
        "an acceptance task without candidate groups has no performer",
        OUTDOOR,
        "Task_Acceptance",
        drop("Task_Acceptance", f"{{{CAMUNDA}}}candidateGroups"),
    ),
    Case(
        "SX-C218",
        "an acceptance task without a form reference has no form",
        OUTDOOR,
        "Task_Acceptance",
        drop("Task_Acceptance", f"{{{CAMUNDA}}}formRef"),
    ),
    Case(
        "SX-C219",
        "a decision task stripped of its role leaves the process without a decision",
        OUTDOOR,
        OUTDOOR,
        set_prop("Task_Decision", "sanxiang.role", None),
    ),
    Case(
        "SX-C220",
        "an approval item marked a called procedure holds its decision inside a procedure",
        OUTDOOR,
        "Task_Decision",
        set_prop(None, "sanxiang.kind", "procedure"),
    ),
    Case(
        "SX-C221",
        "a process kind that is neither item nor procedure is unknown",
        OUTDOOR,
        OUTDOOR,
        set_prop(None, "sanxiang.kind", "approval"),
    ),
    Case(
        "SX-C210",
        "the delivery procedure's receipt filing stripped of its role ends without records capture",
        DELIVERY,
        "EndEvent_Delivered",
        set_prop("Task_FileReceipt", "sanxiang.role", None),
    ),
]


def lint_shipped(diagram: str, mutate: Mutation | None = None) -> list[Finding]:
    """Lint a shipped diagram (after one edit) with the compliance rules; errors only."""
    root = etree.fromstring((ROOT / "processes" / f"{diagram}.bpmn").read_bytes())
    if mutate is not None:
        mutate(root)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    findings = lint_bpmn(data, filename=f"{diagram}.bpmn", rules="compliance")
    return [f for f in findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("diagram", sorted({case.diagram for case in CASES}))
def test_shipped_diagram_is_compliant_before_it_is_edited(diagram: str) -> None:
    assert lint_shipped(diagram) == [], diagram


@pytest.mark.parametrize("case", [pytest.param(case, id=f"{case.code} {case.sentence}") for case in CASES])
def test_editing_a_shipped_diagram_to_break_one_rule_reports_exactly_that_rule(case: Case) -> None:
    findings = lint_shipped(case.diagram, case.mutate)
    assert {f.code for f in findings} == {case.code}, [str(f) for f in findings]
    assert case.element in {f.element_id for f in findings}, [str(f) for f in findings]
    assert all(f.line and f.file == f"{case.diagram}.bpmn" for f in findings)


def test_every_compliance_rule_has_a_shipped_mutation() -> None:
    compliance = {code for code, info in RULES.items() if info.family == "compliance"}
    assert compliance - {case.code for case in CASES} == set()
