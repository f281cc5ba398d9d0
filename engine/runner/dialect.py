"""Read what CamundaParser drops: candidate groups/users, assignee, due date, formRef, properties…"""

from __future__ import annotations

import re

from lxml import etree

from engine.kernel.form_fields import FormField, GeneratedForm
from engine.runner.types import ElementInfo, LoopInfo
from engine.runner.user_tasks.attribute_text import split_list

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


def _resource_expressions(node: etree._Element, tag: str) -> list[str]:
    """The formal expressions of ``bpmn:humanPerformer`` / ``bpmn:potentialOwner`` (the BPMN spec's way)."""
    path = f"{{{BPMN_NS}}}{tag}/{{{BPMN_NS}}}resourceAssignmentExpression/{{{BPMN_NS}}}formalExpression"
    return [(found.text or "").strip() for found in node.iterfind(path)]


def _performers(node: etree._Element) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """Assignee, candidate users and candidate groups as Camunda 7's ``BpmnParse`` reads them: the
    ``camunda:`` attributes plus ``humanPerformer`` (assignee) and ``potentialOwner`` entries
    (``user(x)``, ``group(x)``, or a group)."""
    assignee = _camunda(node, "assignee")
    users = split_list(_camunda(node, "candidateUsers"))
    groups = split_list(_camunda(node, "candidateGroups"))
    for text in _resource_expressions(node, "humanPerformer")[:1]:
        assignee = assignee if assignee is not None else text
    for text in _resource_expressions(node, "potentialOwner"):
        for entry in split_list(text):
            if entry.startswith("user(") and entry.endswith(")"):
                users.append(entry[5:-1].strip())
            elif entry.startswith("group(") and entry.endswith(")"):
                groups.append(entry[6:-1].strip())
            else:
                groups.append(entry)
    return assignee, tuple(users), tuple(groups)


def _properties(node: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for ns in (CAMUNDA_NS, ACTIVITI_NS):
        path = f"{{{BPMN_NS}}}extensionElements/{{{ns}}}properties/{{{ns}}}property"
        for prop in node.iterfind(path):
            name = prop.get("name")
            if name:
                found[name] = prop.get("value", "")
    return found


def _camunda_children(node: etree._Element, tag: str) -> list[etree._Element]:
    return [child for ns in (CAMUNDA_NS, ACTIVITI_NS) for child in node.iterfind(f"{{{ns}}}{tag}")]


def _form_field(node: etree._Element) -> FormField:
    return FormField(
        id=node.get("id", ""),
        type=node.get("type", ""),
        label=node.get("label"),
        default=node.get("defaultValue"),
        values=tuple(
            (v.get("id", ""), v.get("name") or v.get("id") or "") for v in _camunda_children(node, "value")
        ),
        constraints=_constraints(node),
        properties=_field_properties(node),
    )


def _constraints(node: etree._Element) -> tuple[tuple[str, str | None], ...]:
    return tuple(
        (c.get("name", ""), c.get("config"))
        for validation in _camunda_children(node, "validation")
        for c in _camunda_children(validation, "constraint")
    )


def _field_properties(node: etree._Element) -> tuple[tuple[str, str], ...]:
    return tuple(
        (p.get("id", ""), p.get("value", ""))
        for group in _camunda_children(node, "properties")
        for p in _camunda_children(group, "property")
    )


def generated_form(node: etree._Element) -> GeneratedForm | None:
    """``camunda:formData`` of a user task or start event (None without one)."""
    for extensions in node.iterfind(f"{{{BPMN_NS}}}extensionElements"):
        for form in _camunda_children(extensions, "formData"):
            fields = tuple(_form_field(item) for item in _camunda_children(form, "formField"))
            return GeneratedForm(fields, form.get("businessKey"))
    return None


def _lanes(root: etree._Element) -> dict[str, str]:
    lane_of: dict[str, str] = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iterfind(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text:
                lane_of[ref.text.strip()] = lane.get("name") or lane.get("id") or ""
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
    assignee, users, groups = _performers(node) if tag == "userTask" else (None, (), ())
    return ElementInfo(
        element_id=node.get("id", ""),
        tag=tag,
        name=(node.get("name") or "").strip(),
        line=node.sourceline if isinstance(node.sourceline, int) else None,
        candidate_groups=groups,
        candidate_users=users,
        assignee=assignee,
        due_date=_camunda(node, "dueDate"),
        follow_up_date=_camunda(node, "followUpDate"),
        priority=_camunda(node, "priority") or _camunda(node, "taskPriority"),
        initiator=_camunda(node, "initiator") if tag == "startEvent" else None,
        generated_form=generated_form(node) if tag in ("userTask", "startEvent") else None,
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


def read_elements(xml: bytes | etree._Element) -> tuple[dict[str, ElementInfo], dict[str, dict[str, str]]]:
    """Every flow node's Camunda attributes by id, and each process's own properties by process id."""
    root = etree.fromstring(xml, hardened_parser()) if isinstance(xml, bytes) else xml
    lanes = _lanes(root)
    elements: dict[str, ElementInfo] = {}
    for node in root.iter(f"{{{BPMN_NS}}}*"):
        if etree.QName(node).localname in FLOW_NODE_TAGS and node.get("id"):
            elements[node.get("id", "")] = element_info(node, lanes.get(node.get("id", "")))
    processes = {proc.get("id", ""): _properties(proc) for proc in root.iter(f"{{{BPMN_NS}}}process")}
    return elements, processes


def start_events(root: etree._Element, process_id: str) -> list[etree._Element]:
    """The process's own start events (not those of its subprocesses)."""
    return [
        start
        for process in root.iter(f"{{{BPMN_NS}}}process")
        if process.get("id") == process_id
        for start in process.iterfind(f"{{{BPMN_NS}}}startEvent")
    ]


def initiator_of(root: etree._Element, process_id: str) -> str | None:
    """``camunda:initiator`` of the process's own start event: the variable set to the starter's user id."""
    return next(
        (name for start in start_events(root, process_id) if (name := _camunda(start, "initiator"))), None
    )
