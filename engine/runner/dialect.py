"""Read what CamundaParser drops: candidate groups/users, assignee, due date, formRef, properties…"""

from __future__ import annotations

import re

from lxml import etree

from engine.runner.types import ElementInfo, LoopInfo

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ACTIVITI_NS = "http://activiti.org/bpmn"  # old exports; Camunda 7 accepts it as its own
_DELEGATE = re.compile(r"^\s*[$#]\{\s*([A-Za-z_][\w.-]*)\s*\}\s*$")

FLOW_NODE_TAGS = frozenset(
    {
        "userTask",
        "manualTask",
        "task",
        "serviceTask",
        "scriptTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)


def hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def _camunda(node: etree._Element, name: str) -> str | None:
    value = node.get(f"{{{CAMUNDA_NS}}}{name}")
    return value if value is not None else node.get(f"{{{ACTIVITI_NS}}}{name}")


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _properties(node: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for ns in (CAMUNDA_NS, ACTIVITI_NS):
        path = f"{{{BPMN_NS}}}extensionElements/{{{ns}}}properties/{{{ns}}}property"
        for prop in node.iterfind(path):
            name = prop.get("name")
            if name:
                found[name] = prop.get("value", "")
    return found


def _lanes(root: etree._Element) -> dict[str, str]:
    lane_of: dict[str, str] = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iterfind(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text:
                lane_of[ref.text.strip()] = lane.get("name") or lane.get("id", "")
    return lane_of


def _delegate_name(node: etree._Element) -> str | None:
    expr = _camunda(node, "delegateExpression")
    if expr is None:
        return None
    match = _DELEGATE.match(expr)
    return match.group(1) if match else expr


def _text(node: etree._Element | None) -> str | None:
    if node is None:
        return None
    text = (node.text or "").strip()
    return text or None


def read_loop(node: etree._Element) -> LoopInfo | None:
    """The multi-instance characteristics of an activity, as Camunda 7's ``BpmnParse`` reads them."""
    loop = node.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
    if loop is None:
        return None
    item = loop.find(f"{{{BPMN_NS}}}inputDataItem")
    item_name = item.get("name") if item is not None else None
    return LoopInfo(
        sequential=(loop.get("isSequential") or "").strip() == "true",
        cardinality=_text(loop.find(f"{{{BPMN_NS}}}loopCardinality")),
        collection=_text(loop.find(f"{{{BPMN_NS}}}loopDataInputRef")) or _camunda(loop, "collection"),
        element_variable=item_name or _camunda(loop, "elementVariable"),
        completion_condition=_text(loop.find(f"{{{BPMN_NS}}}completionCondition")),
    )


def _outputs(node: etree._Element) -> tuple[tuple[str, str], ...]:
    """``camunda:outputParameter`` mappings whose value is text (an expression or a literal)."""
    found = []
    for ns in (CAMUNDA_NS, ACTIVITI_NS):
        path = f"{{{BPMN_NS}}}extensionElements/{{{ns}}}inputOutput/{{{ns}}}outputParameter"
        for param in node.iterfind(path):
            if param.get("name") and not len(param):
                found.append((param.get("name", ""), (param.text or "").strip()))
    return tuple(found)


def element_info(node: etree._Element, lane: str | None) -> ElementInfo:
    tag = etree.QName(node).localname
    return ElementInfo(
        element_id=node.get("id", ""),
        tag=tag,
        name=(node.get("name") or "").strip(),
        line=node.sourceline,
        candidate_groups=_split(_camunda(node, "candidateGroups")),
        candidate_users=_split(_camunda(node, "candidateUsers")),
        assignee=_camunda(node, "assignee"),
        due_date=_camunda(node, "dueDate"),
        form_ref=_camunda(node, "formRef"),
        form_ref_binding=_camunda(node, "formRefBinding"),
        form_ref_version=_camunda(node, "formRefVersion"),
        form_key=_camunda(node, "formKey"),
        properties=_properties(node),
        topic=_camunda(node, "topic") if _camunda(node, "type") == "external" else None,
        delegate=_delegate_name(node),
        lane=lane,
        loop=read_loop(node),
        outputs=_outputs(node) if tag == "userTask" else (),
    )


def read_elements(xml: bytes) -> tuple[dict[str, ElementInfo], dict[str, dict[str, str]]]:
    """Every flow node's Camunda attributes by id, and each process's own properties by process id."""
    root = etree.fromstring(xml, hardened_parser())
    lanes = _lanes(root)
    elements: dict[str, ElementInfo] = {}
    for node in root.iter(f"{{{BPMN_NS}}}*"):
        if etree.QName(node).localname in FLOW_NODE_TAGS and node.get("id"):
            elements[node.get("id", "")] = element_info(node, lanes.get(node.get("id", "")))
    processes = {proc.get("id", ""): _properties(proc) for proc in root.iter(f"{{{BPMN_NS}}}process")}
    return elements, processes
