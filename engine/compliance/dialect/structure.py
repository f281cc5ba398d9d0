"""Dialect rules on the shape of the file: which engine it was drawn for, processes, ids, references,
layout (element and event kinds: ``element_kinds``). Each rule is a function of the document yielding
findings."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.dialect.element_kinds import elements_are_supported, events_are_supported
from engine.compliance.document.bpmn_view import BpmnDocument, Element, Flow, ProcessModel
from engine.compliance.document.namespaces import ACTIVITIES, BPMN, BPMNDI, MODELER, ZEEBE, line_of, split
from engine.compliance.findings import Finding

_RESERVED_IDS = frozenset({"Start", "End"})


def is_camunda8(doc: BpmnDocument) -> Iterator[Finding]:
    hit = _zeebe_evidence(doc.root)
    if hit is not None:
        yield finding(
            "SX-D101",
            "这是 Camunda 8 文件；请在 Camunda Modeler 中以 Camunda 7 模式重新绘制",
            "this is a Camunda 8 file; draw it in Camunda 7 mode in Camunda Modeler",
            line=line_of(hit),
        )


def _zeebe_evidence(root: etree._Element) -> etree._Element | None:
    platform = (root.get(f"{{{MODELER}}}executionPlatform") or "").strip().lower()
    if platform == "camunda cloud" or ZEEBE in root.nsmap.values():
        return root
    hit = next(root.iter(f"{{{ZEEBE}}}*"), None)
    if hit is not None:
        return hit
    attributes = root.xpath("//@*[namespace-uri()=$ns]", ns=ZEEBE)
    if isinstance(attributes, list) and attributes:
        owner = getattr(attributes[0], "getparent", lambda: None)()
        return owner if isinstance(owner, etree._Element) else root
    return None


def has_one_executable_process(doc: BpmnDocument) -> Iterator[Finding]:
    executable = doc.executable
    if not executable:
        yield finding(
            "SX-D102",
            "文件中没有可执行流程（isExecutable 都是 false）；请在流程属性中勾选 Executable",
            "no executable process (isExecutable is false everywhere); tick 'Executable' on the process",
            line=line_of(doc.root),
        )
    for extra in executable[1:]:
        yield finding(
            "SX-D103",
            f"一个文件只能有一个可执行流程；请把流程 {extra.id} 设为不可执行或移到另一个文件",
            f"one executable process per file; make process {extra.id} non-executable or move it to "
            "its own file",
            element_id=extra.id,
            line=extra.line,
        )


def has_start_event(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.executable:
        starts = process.starts
        if not starts:
            yield finding(
                "SX-D104",
                f"流程 {process.id} 没有开始事件；请加一个无类型开始事件",
                f"process {process.id} has no start event; add a none start event",
                element_id=process.id,
                line=process.line,
            )
        for extra in [s for s in starts if not s.event_definitions][1:]:
            yield finding(
                "SX-D128",
                "流程只能有一个无类型开始事件；请删除多余的开始事件",
                "a process may have only one none start event; remove the extra one",
                element_id=extra.id,
                line=extra.line,
            )


def ids_are_not_reserved(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for item in process.items():
            if item.id in _RESERVED_IDS or item.id.endswith(".EndJoin"):
                yield finding(
                    "SX-D106",
                    f"id “{item.id}” 与 SpiffWorkflow 内部名称冲突，流程会被解析成空流程；请改名",
                    f"id '{item.id}' collides with a SpiffWorkflow internal name and the process would "
                    "parse as empty; rename it",
                    element_id=item.id,
                    line=item.line,
                )


def ids_are_unique(doc: BpmnDocument) -> Iterator[Finding]:
    seen: set[str] = set()
    for node in doc.root.iter():
        if split(node)[0] not in (BPMN, BPMNDI):
            continue  # ids of extensions (camunda:formField, tool data) are not BPMN ids
        ident = node.get("id")
        if ident is None:
            continue
        if ident in seen:
            yield finding(
                "SX-D107",
                f"id “{ident}” 重复；请给这个元素换一个唯一的 id",
                f"duplicate id '{ident}'; give this element a unique id",
                element_id=ident,
                line=line_of(node),
            )
        seen.add(ident)


def references_resolve(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        yield from _flow_references(process)
        yield from _element_references(process)


def _flow_references(process: ProcessModel) -> Iterator[Finding]:
    elements = process.elements
    for flow in process.flows.values():
        missing = [ref or "(none)" for ref in (flow.source, flow.target) if ref not in elements]
        if missing:
            shown = ", ".join(missing)
            yield _bad_ref(
                flow.id,
                flow.line,
                f"顺序流指向不存在的元素 {shown}",
                f"sequence flow points at unknown id {shown}",
            )
        elif elements[flow.source].parent != elements[flow.target].parent:
            yield _bad_ref(
                flow.id, flow.line, "顺序流跨越了子流程边界", "sequence flow crosses a subprocess border"
            )


def _element_references(process: ProcessModel) -> Iterator[Finding]:
    elements = process.elements
    for el in elements.values():
        if el.default_flow and el.default_flow not in el.outgoing:
            yield _bad_ref(
                el.id,
                el.line,
                f"默认流 {el.default_flow} 不是本元素的出口",
                f"default flow {el.default_flow} is not an outgoing flow of this element",
            )
        host = elements.get(el.attached_to or "")
        if el.tag == "boundaryEvent" and (host is None or host.tag not in ACTIVITIES):
            yield _bad_ref(
                el.id,
                el.line,
                f"边界事件附着的活动 {el.attached_to or '(none)'} 不存在",
                f"boundary event is attached to unknown activity {el.attached_to or '(none)'}",
            )


def _bad_ref(element_id: str, line: int | None, zh: str, en: str) -> Finding:
    return finding(
        "SX-D108",
        f"{zh}；请在 Camunda Modeler 中重新连线",
        f"{en}; reconnect it in Camunda Modeler",
        element_id=element_id,
        line=line,
    )


def elements_have_layout(doc: BpmnDocument) -> Iterator[Finding]:
    if not doc.has_diagram:
        yield finding(
            "SX-D125",
            "文件没有图形信息（DI），无法显示流程图；请用 Camunda Modeler 打开并保存",
            "the file has no diagram layout (DI), so no flowchart can be shown; open and save it in "
            "Camunda Modeler",
            line=line_of(doc.root),
            warning=True,
        )
        return
    for process in doc.checked:
        yield from (_not_drawn(item) for item in process.items() if item.id not in doc.diagram_refs)


def _not_drawn(item: Element | Flow) -> Finding:
    return finding(
        "SX-D125",
        "该元素没有图形信息（DI），流程图中不可见；请在 Camunda Modeler 中重新绘制",
        "this element has no diagram layout (DI) and is invisible in the flowchart; draw it "
        "again in Camunda Modeler",
        element_id=item.id,
        line=item.line,
        warning=True,
    )


CHECKS = (
    is_camunda8,
    has_one_executable_process,
    has_start_event,
    events_are_supported,
    elements_are_supported,
    ids_are_not_reserved,
    ids_are_unique,
    references_resolve,
    elements_have_layout,
)
