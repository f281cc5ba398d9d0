"""A parsed, read-only view of a BPMN file, for the rules here and for the rest of the engine.

    parse_document(data) -> BpmnDocument | Finding     every process of the file, plus its DI references
    parse_model(data)    -> ProcessModel | list[Finding]   the one executable process, or why not

A `ProcessModel` holds every flow node of a process by id, *including those inside embedded
subprocesses* (``Element.parent`` names the enclosing subprocess), and every sequence flow by id.
Incoming/outgoing flows come from the flows' ``sourceRef``/``targetRef`` (not from the optional
``<incoming>``/``<outgoing>`` children). Camunda attributes and properties are read from the
Camunda namespace and from the legacy Activiti namespace alike. Nothing here runs the diagram.
"""

from __future__ import annotations

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import (
    TIMER_KINDS,
    BpmnDocument,
    Element,
    Flow,
    ProcessModel,
    Timer,
)
from engine.compliance.document.namespaces import (
    BPMN,
    BPMNDI,
    CONTAINERS,
    FLOW_NODES,
    bpmn_children,
    bpmn_tag,
    camunda_attributes,
    camunda_properties,
    line_of,
    split,
    text_of,
)
from engine.compliance.document.xmlsafe import DEFAULT_MAX_BYTES, parse_xml
from engine.compliance.findings import Finding


def parse_document(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> BpmnDocument | Finding:
    """Every process of a BPMN file and the ids its diagram (DI) draws, or the input finding."""
    root = parse_xml(data, max_bytes=max_bytes)
    if isinstance(root, Finding):
        return root
    refused = _not_bpmn(root)
    if refused is not None:
        return refused
    processes = [build_process(node) for node in bpmn_children(root, "process")]
    refs: set[str] = set()
    has_diagram = False
    for node in root.iter(f"{{{BPMNDI}}}*"):
        local = split(node)[1]
        has_diagram = has_diagram or local == "BPMNDiagram"
        if local in ("BPMNShape", "BPMNEdge") and node.get("bpmnElement"):
            refs.add(str(node.get("bpmnElement")))
    return BpmnDocument(root, processes, refs, has_diagram)


def parse_model(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ProcessModel | list[Finding]:
    """The single executable process of a BPMN file, or the findings that say why there is none."""
    document = parse_document(data, max_bytes=max_bytes)
    if isinstance(document, Finding):
        return [document]
    executable = document.executable
    if len(executable) == 1:
        return executable[0]
    return [_not_one_executable(executable)]


def _not_one_executable(executable: list[ProcessModel]) -> Finding:
    if not executable:
        return finding(
            "SX-D102",
            "文件中没有可执行流程；请在流程属性中勾选 Executable",
            "no executable process in the file; tick 'Executable' on the process",
        )
    ids = ", ".join(p.id for p in executable)
    return finding(
        "SX-D103",
        f"一个文件只能有一个可执行流程，这里有 {len(executable)} 个（{ids}）",
        f"one executable process per file, found {len(executable)} ({ids})",
    )


def _not_bpmn(root: etree._Element) -> Finding | None:
    namespace, local = split(root)
    if namespace == BPMN and local == "definitions":
        return None
    if namespace and "DMN" in namespace.upper():
        zh, en = "这是 DMN 决策表文件，不是 BPMN 流程", "this is a DMN decision file, not a BPMN process"
    elif local.lower() == "html":
        zh, en = "这是 HTML 网页，不是 BPMN 流程", "this is an HTML page, not a BPMN process"
    else:
        zh, en = (
            f"根元素是 {local}（{namespace}），不是 BPMN definitions",
            (f"the root element is {local} ({namespace}), not BPMN definitions"),
        )
    return finding(
        "SX-X005",
        f"{zh}；请上传 Camunda Modeler 保存的 .bpmn 文件",
        f"{en}; upload a .bpmn file saved by Camunda Modeler",
        line=line_of(root),
    )


def build_process(node: etree._Element) -> ProcessModel:
    model = ProcessModel(
        id=node.get("id") or "",
        name=node.get("name"),
        line=line_of(node),
        executable=(node.get("isExecutable") or "true").strip() == "true",
        properties=camunda_properties(node),
        node=node,
    )
    _collect(model, node)
    _link(model)
    return model


def _collect(model: ProcessModel, node: etree._Element) -> None:
    """Every flow node and sequence flow of the process, those of embedded subprocesses too."""
    pending: list[tuple[etree._Element, str | None]] = [(node, None)]
    while pending:
        container, parent = pending.pop()
        for child in bpmn_children(container):
            tag = bpmn_tag(child)
            if tag in FLOW_NODES:
                element = _element(child, tag, parent)
                model.elements.setdefault(element.id, element)
                if tag in CONTAINERS:
                    pending.append((child, element.id))
            elif tag == "sequenceFlow":
                flow = _flow(child, parent)
                model.flows.setdefault(flow.id, flow)


def _element(node: etree._Element, tag: str, parent: str | None) -> Element:
    definitions = tuple(
        local for child in bpmn_children(node) if (local := bpmn_tag(child)).endswith("EventDefinition")
    )
    return Element(
        id=_id(node, tag),
        tag=tag,
        name=node.get("name"),
        line=line_of(node),
        parent=parent,
        camunda=camunda_attributes(node),
        properties=camunda_properties(node),
        event_definitions=definitions,
        timer=_timer(node),
        attached_to=node.get("attachedToRef"),
        cancel_activity=(node.get("cancelActivity") or "true").strip() != "false",
        default_flow=node.get("default"),
        triggered_by_event=(node.get("triggeredByEvent") or "").strip() == "true",
        node=node,
    )


def _timer(node: etree._Element) -> Timer | None:
    for definition in bpmn_children(node, "timerEventDefinition"):
        for child in bpmn_children(definition):
            kind = bpmn_tag(child)
            if kind in TIMER_KINDS:
                value = text_of(child)
                return Timer(kind if value else None, value, line_of(child))
        return Timer(None, "", line_of(definition))
    return None


def _flow(node: etree._Element, parent: str | None) -> Flow:
    condition: str | None = None
    language: str | None = None
    for expression in bpmn_children(node, "conditionExpression"):
        condition = text_of(expression) or None
        language = expression.get("language")
        break
    return Flow(
        id=_id(node, "sequenceFlow"),
        source=node.get("sourceRef") or "",
        target=node.get("targetRef") or "",
        line=line_of(node),
        name=node.get("name"),
        parent=parent,
        condition=condition,
        condition_language=language,
        properties=camunda_properties(node),
        node=node,
    )


def _link(model: ProcessModel) -> None:
    for flow in model.flows.values():
        if flow.source in model.elements:
            model.elements[flow.source].outgoing.append(flow.id)
        if flow.target in model.elements:
            model.elements[flow.target].incoming.append(flow.id)
    for element in model.elements.values():
        if element.attached_to in model.elements:
            model.elements[element.attached_to].boundaries.append(element.id)


def _id(node: etree._Element, tag: str) -> str:
    return (node.get("id") or "").strip() or f"@{tag}:{line_of(node)}"
