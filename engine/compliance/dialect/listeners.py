"""Dialect rules on listeners and on the handlers that service tasks and listeners name.

What runs (``engine.runner.listeners``): a ``camunda:taskListener`` on ``create`` or ``complete`` and a
``camunda:executionListener`` on ``start``/``end`` of a flow node or of the process, when it is
``delegateExpression="${name}"`` of a handler registered in this installation,
or an inline ``camunda:script`` in ``sanxiang-expression`` (run like a script task, under the same
evaluation budget). Everything else is refused, the listener named in the finding:
- SX-D114: a Java ``class``, a script in another language, or a script ``resource``;
- SX-D115: an ``expression`` listener (Camunda 7 calls a method through it; ours would compute a value
  and throw it away);
- SX-D143: a ``delegateExpression`` (or a service task's handler name or external topic) that names no
  registered handler (checked when the caller knows the handlers: ``RuntimeFacts.handlers``);
- SX-D144: an event we do not run: ``take`` (a sequence flow is no step of its own here: put the work on
  the source's ``end`` or the target's ``start``), ``assignment``, ``update``, ``delete``, ``timeout`` (a
  claim or a reassignment runs no engine step), or one Camunda 7 itself does not know;
- SX-D145: field injection (``camunda:field``) into a listener.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import BpmnDocument
from engine.compliance.document.namespaces import camunda_children, line_of, split
from engine.compliance.findings import Finding
from engine.compliance.runtime_facts import RuntimeFacts

SCRIPT_FORMATS = frozenset({"sanxiang-expression", "juel"})
TASK_EVENTS = frozenset({"create", "complete"})
_NAMED = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}$")


def _listeners(doc: BpmnDocument) -> Iterator[tuple[str, int | None, str, str, etree._Element]]:
    """(owner id, line, owner kind, listener kind, listener) of every listener: process, nodes, flows."""
    for process in doc.checked:
        owners = [(process.id, process.line, "process", process.node)]
        owners += [(el.id, el.line, el.tag, el.node) for el in process.elements.values()]
        owners += [(flow.id, flow.line, "sequenceFlow", flow.node) for flow in process.flows.values()]
        for ident, line, tag, node in owners:
            if node is None:
                continue
            for kind in ("taskListener", "executionListener"):
                for listener in camunda_children(node, kind):
                    yield ident, line_of(listener) or line, tag, kind, listener


def listener_findings(doc: BpmnDocument, facts: RuntimeFacts) -> Iterator[Finding]:
    for ident, line, owner, kind, listener in _listeners(doc):
        named = describe(kind, listener)
        problem = _event_problem(owner, kind, listener.get("event") or "")
        problem = problem or _implementation_problem(listener, facts)
        if problem is not None:
            code, zh, en = problem
            yield finding(code, f"{named}：{zh}", f"{named}: {en}", element_id=ident, line=line)


def describe(kind: str, listener: etree._Element) -> str:
    """``taskListener event="create" delegateExpression="${x}"``: how a finding names the listener."""
    keys = ("event", "id", "class", "expression", "delegateExpression")
    parts = [kind] + [f'{key}="{listener.get(key)}"' for key in keys if listener.get(key)]
    if _child(listener, "script") is not None:
        parts.append("script")
    return " ".join(parts)


def _event_problem(owner: str, kind: str, event: str) -> tuple[str, str, str] | None:
    if kind == "taskListener":
        allowed = TASK_EVENTS if owner == "userTask" else frozenset()
    else:  # take: a sequence flow is no step of its own in this runtime; put the work on start or end
        allowed = frozenset() if owner == "sequenceFlow" else frozenset({"start", "end"})
    if event in allowed:
        return None
    shown = ", ".join(sorted(allowed)) or "none"
    return (
        "SX-D144",
        f"不运行事件“{event or '(未写)'}”的监听器（此处可用：{shown}）；请改为可用的事件，或把"
        "这项工作画成任务",
        f"a listener on event '{event or '(none)'}' is not run here (supported: {shown}); use a "
        "supported event, or draw the work as a task",
    )


def _implementation_problem(listener: etree._Element, facts: RuntimeFacts) -> tuple[str, str, str] | None:
    if _child(listener, "field") is not None:
        return _FIELD_INJECTION
    script = _child(listener, "script")
    if listener.get("class") is not None or (script is not None and not _runnable_script(script)):
        return _NOT_RUN
    if listener.get("expression") is not None:
        return _EXPRESSION_LISTENER
    delegate = listener.get("delegateExpression")
    if delegate is not None:
        return handler_problem(delegate, facts)
    return _NO_IMPLEMENTATION if script is None else None


_FIELD_INJECTION = (
    "SX-D145",
    "不支持向监听器注入字段（camunda:field）；请让处理程序从流程变量读取所需的值",
    "field injection (camunda:field) into a listener is not supported; let the handler read what "
    "it needs from the case variables",
)
_NOT_RUN = (
    "SX-D114",
    "Java 类或非 sanxiang-expression 脚本不会运行；请注册处理程序并写 "
    'delegateExpression="${名称}"，或改用 sanxiang-expression 脚本',
    "a Java class or a script other than sanxiang-expression is not run; register a handler and "
    'write delegateExpression="${name}", or use a sanxiang-expression script',
)
_EXPRESSION_LISTENER = (
    "SX-D115",
    '表达式监听器不运行（Camunda 7 通过它调用 Java 方法）；请注册处理程序并写 delegateExpression="${名称}"',
    "an expression listener is not run (Camunda 7 calls a Java method through it); register a "
    'handler and write delegateExpression="${name}"',
)
_NO_IMPLEMENTATION = (
    "SX-D114",
    '监听器没有实现；请写 delegateExpression="${名称}"',
    'the listener has no implementation; write delegateExpression="${name}"',
)


def handler_problem(delegate: str, facts: RuntimeFacts) -> tuple[str, str, str] | None:
    """Why ``${name}`` names no registered handler (None when it does, or the handlers are not known)."""
    match = _NAMED.match(delegate.strip())
    if match is None:
        return (
            "SX-D143",
            f"“{delegate}”应写成 ${{处理程序名称}}",
            f"'{delegate}' must be written ${{handler name}}",
        )
    return unknown_handler(match.group(1), facts)


def unknown_handler(name: str, facts: RuntimeFacts) -> tuple[str, str, str] | None:
    if facts.handlers is None or name in facts.handlers:
        return None
    known = ", ".join(sorted(facts.handlers)) or "none"
    return (
        "SX-D143",
        f"没有注册名为“{name}”的处理程序（已注册：{known}）；请注册它，或改用已注册的名称",
        f"no handler is registered as '{name}' (registered: {known}); register it or use a registered name",
    )


def handler_findings(doc: BpmnDocument, facts: RuntimeFacts) -> Iterator[Finding]:
    """SX-D143 for service tasks whose ``delegateExpression`` names no registered handler (an external
    topic nobody handles in-process waits for a worker: ``/engine-rest/external-task``)."""
    for process in doc.checked:
        for el in process.with_tag("serviceTask"):
            attrs = el.camunda
            if attrs.get("type") == "external":
                continue
            delegate = _NAMED.match(attrs.get("delegateExpression", "").strip())
            name = delegate.group(1) if delegate else None
            problem = unknown_handler(name.strip(), facts) if name and name.strip() else None
            if problem is not None:
                code, zh, en = problem
                yield finding(code, f"服务任务：{zh}", f"service task: {en}", element_id=el.id, line=el.line)


def _runnable_script(script: etree._Element) -> bool:
    language = (script.get("scriptFormat") or "").strip().lower()
    external = any(split_name_local(key) == "resource" for key in script.attrib)
    return language in SCRIPT_FORMATS and not external


def split_name_local(key: object) -> str:
    text = str(key)
    return text.rpartition("}")[2]


def _child(node: etree._Element, tag: str) -> etree._Element | None:
    for child in node:
        if isinstance(child.tag, str) and split(child)[1] == tag:
            return child
    return None
