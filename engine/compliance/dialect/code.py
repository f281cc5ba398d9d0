"""Dialect rules on executable code attached to a diagram: scripts, service task implementations,
listeners, and Camunda settings our runtime ignores."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import BpmnDocument
from engine.compliance.document.namespaces import camunda_attributes, camunda_children, line_of
from engine.compliance.findings import Finding
from engine.external_tasks.rules import person_must_decide

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
                    "服务任务不支持 camunda:expression（会调用任意方法）；请改为外部任务或 "
                    'delegateExpression="${名称}"',
                    "camunda:expression on a service task (it calls arbitrary methods) is not supported; use "
                    'an external task or delegateExpression="${name}"',
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
                    "camunda:connector (HTTP/SOAP connectors) is not supported; use an external task handled "
                    "by a webhook",
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


def _runs(mapping: etree._Element, node: etree._Element) -> bool:
    """Whether the runtime runs every part of this ``camunda:inputOutput``: only output parameters with a
    text value on a user task do (``engine.runner.user_tasks.instances``)."""
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
                "不支持此 camunda:inputOutput：只有人工任务上文本值的输出参数会运行，"
                "输入参数及脚本、列表、映射值的局部变量作用域不运行；"
                "请删除这些映射，用表单字段、sanxiang-expression 脚本任务或处理程序传递数据",
                "this camunda:inputOutput is not supported: only text output parameters of user tasks run; "
                "input parameters and script, list or map values (a local variable scope) do not; remove "
                "them and pass data through form fields, a sanxiang-expression script task or a handler",
                element_id=ident,
                line=line_of(mapping) or line,
            )
        attrs = camunda_attributes(node)
        if any(attrs.get(key, "").strip() == "true" for key in ("asyncBefore", "asyncAfter", "async")):
            yield finding(
                "SX-D127",
                "camunda:asyncBefore/asyncAfter 会被忽略（每一步都在一个事务中完成）；可以删除",
                "camunda:asyncBefore/asyncAfter is ignored (each step runs in one transaction); you may "
                "remove it",
                element_id=ident,
                line=line,
                warning=True,
            )


def workers_never_decide(doc: BpmnDocument) -> Iterator[Finding]:
    """SX-D180: an external task (a worker does it) on a step a person must do: legal review,
    collective discussion, decision, on-site enforcement, hearing (the three systems)."""
    for process in doc.checked:
        for el in process.with_tag("serviceTask"):
            refused = person_must_decide(el.id, el.role) if el.camunda.get("type") == "external" else None
            if refused is not None:
                zh, en = refused
                yield finding(
                    "SX-D180",
                    f"{zh}；请改为用户任务（userTask），由有权人员办理",
                    f"{en}; make it a user task (userTask) done by a person who may",
                    element_id=el.id,
                    line=el.line,
                )


CHECKS = (
    scripts_are_safe,
    no_java_classes,
    no_service_expressions,
    no_connectors,
    service_tasks_are_runnable,
    workers_never_decide,
    ignored_settings,
)
