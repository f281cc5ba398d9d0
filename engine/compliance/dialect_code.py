"""Dialect rules on executable code attached to a diagram: scripts, service task implementations,
listeners, and Camunda settings our runtime ignores."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from engine.compliance.bpmn_document import BpmnDocument
from engine.compliance.catalogue import finding
from engine.compliance.findings import Finding
from engine.compliance.namespaces import camunda_attributes, camunda_children, line_of

SCRIPT_FORMATS = frozenset({"sanxiang-expression", "juel"})
_DELEGATE = re.compile(r"^\$\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}$")
_TASKS_WITH_EXPRESSION = frozenset({"serviceTask", "sendTask", "businessRuleTask"})


def _items(doc: BpmnDocument) -> Iterator[tuple[str, int | None, etree._Element]]:
    """(id, line, node) of every process, flow node and sequence flow the rules look at."""
    for process in doc.checked:
        if process.node is not None:
            yield process.id, process.line, process.node
        for item in process.items():
            if item.node is not None:
                yield item.id, item.line, item.node


def _has_connector(node: etree._Element | None) -> bool:
    return node is not None and next(camunda_children(node, "connector"), None) is not None


def scripts_are_safe(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.with_tag("scriptTask"):
            script_format = (el.node.get("scriptFormat") if el.node is not None else None) or ""
            external = el.camunda.get("resource")
            if script_format.strip().lower() in SCRIPT_FORMATS and not external:
                continue
            shown = (script_format or "unspecified") + (" (external resource)" if external else "")
            yield finding(
                "SX-D109",
                f"不运行 {shown} 脚本；请把 scriptFormat 设为 sanxiang-expression 并只写安全表达式，"
                "或改为外部服务任务",
                f"{shown} scripts are not run; set scriptFormat to sanxiang-expression with a safe "
                "expression, or use an external service task",
                element_id=el.id,
                line=el.line,
            )


def no_java_classes(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.elements.values():
            if "class" in el.camunda:
                name = el.camunda["class"]
                yield finding(
                    "SX-D110",
                    f"不支持 Java 类 camunda:class=“{name}”；请改为外部任务"
                    '（camunda:type="external" 加 topic）或 delegateExpression="${名称}"',
                    f"Java class camunda:class='{name}' is not supported; use an external task "
                    '(camunda:type="external" with a topic) or delegateExpression="${name}"',
                    element_id=el.id,
                    line=el.line,
                )


def no_service_expressions(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.elements.values():
            if el.tag in _TASKS_WITH_EXPRESSION and "expression" in el.camunda:
                yield finding(
                    "SX-D111",
                    "服务任务不支持 camunda:expression（会调用任意方法）；"
                    '请改为外部任务或 delegateExpression="${名称}"',
                    "camunda:expression on a service task (it calls arbitrary methods) is not supported; "
                    'use an external task or delegateExpression="${name}"',
                    element_id=el.id,
                    line=el.line,
                )


def no_connectors(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.elements.values():
            if _has_connector(el.node):
                yield finding(
                    "SX-D112",
                    "不支持 camunda:connector（HTTP/SOAP 连接器）；请改为外部任务，由 webhook 处理",
                    "camunda:connector (HTTP/SOAP connectors) is not supported; use an external task "
                    "handled by a webhook",
                    element_id=el.id,
                    line=el.line,
                )


def service_tasks_are_runnable(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.with_tag("serviceTask"):
            problem = _service_problem(el.camunda, _has_connector(el.node))
            if problem is not None:
                zh, en = problem
                yield finding(
                    "SX-D113",
                    f'{zh}；请设 camunda:type="external" 加 camunda:topic，'
                    '或 camunda:delegateExpression="${名称}"',
                    f'{en}; set camunda:type="external" with a camunda:topic, '
                    'or camunda:delegateExpression="${name}"',
                    element_id=el.id,
                    line=el.line,
                )


def _service_problem(attrs: dict[str, str], connector: bool) -> tuple[str, str] | None:
    if {"class", "expression"} & attrs.keys() or connector:
        return None  # reported by SX-D110 / SX-D111 / SX-D112
    if attrs.get("type") == "external":
        if attrs.get("topic", "").strip():
            return None
        return "外部任务缺少 camunda:topic", "external task without a camunda:topic"
    delegate = attrs.get("delegateExpression")
    if delegate is None:
        return "服务任务没有实现，会永远停在运行中", "service task without an implementation runs for ever"
    if _DELEGATE.match(delegate.strip()):
        return None
    return (
        f"delegateExpression “{delegate}” 必须写成 ${{名称}}",
        f"delegateExpression '{delegate}' must be written ${{name}}",
    )


def listeners_are_safe(doc: BpmnDocument) -> Iterator[Finding]:
    for ident, line, node in _items(doc):
        for kind in ("taskListener", "executionListener"):
            for listener in camunda_children(node, kind):
                where = line_of(listener) or line
                scripted = next(_children_named(listener, "script"), None) is not None
                if listener.get("class") is not None or scripted:
                    yield finding(
                        "SX-D114",
                        f"{kind} 使用了 Java 类或脚本，不会运行；请删除它，改用外部服务任务",
                        f"{kind} with a Java class or a script is not run; remove it and use an external "
                        "service task",
                        element_id=ident,
                        line=where,
                    )
                elif listener.get("expression") is not None or listener.get("delegateExpression") is not None:
                    yield finding(
                        "SX-D115",
                        f"{kind} 表达式监听器会被忽略；如需执行，请改为流程中的任务",
                        f"{kind} with an expression is ignored; model the work as a task instead",
                        element_id=ident,
                        line=where,
                        warning=True,
                    )


def _children_named(node: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children of a camunda extension element by local name (listeners hold ``camunda:script``)."""
    for child in node:
        if isinstance(child.tag, str) and etree.QName(child.tag).localname == tag:
            yield child


def _runs(mapping: etree._Element, node: etree._Element) -> bool:
    """Whether the runtime runs every part of this ``camunda:inputOutput``: only output parameters with a
    text value on a user task do (``engine.runner.instances``)."""
    parts = [child for child in mapping if isinstance(child.tag, str)]
    return etree.QName(node).localname == "userTask" and all(
        etree.QName(part).localname == "outputParameter" and not len(part) for part in parts
    )


def ignored_settings(doc: BpmnDocument) -> Iterator[Finding]:
    for ident, line, node in _items(doc):
        for mapping in camunda_children(node, "inputOutput"):
            if _runs(mapping, node):
                continue
            yield finding(
                "SX-D126",
                "camunda:inputOutput 映射会被忽略（只有人工任务上文本值的输出参数会运行）；"
                "请用表单字段或表达式传递数据",
                "camunda:inputOutput mappings are ignored (only text output parameters of user tasks run); "
                "pass data through form fields or expressions",
                element_id=ident,
                line=line_of(mapping) or line,
                warning=True,
            )
        attrs = camunda_attributes(node)
        if any(attrs.get(key, "").strip() == "true" for key in ("asyncBefore", "asyncAfter", "async")):
            yield finding(
                "SX-D127",
                "camunda:asyncBefore/asyncAfter 会被忽略（每一步都在一个事务中完成）；可以删除",
                "camunda:asyncBefore/asyncAfter is ignored (each step runs in one transaction); "
                "you may remove it",
                element_id=ident,
                line=line,
                warning=True,
            )


CHECKS = (
    scripts_are_safe,
    no_java_classes,
    no_service_expressions,
    no_connectors,
    service_tasks_are_runnable,
    listeners_are_safe,
    ignored_settings,
)
