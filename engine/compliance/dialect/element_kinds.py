"""Dialect rules on element and event kinds: which events (and event definitions) and which elements
Camunda 7's runtime here supports, with a hint at what to draw instead."""

from __future__ import annotations

from collections.abc import Iterator

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import BpmnDocument, Element
from engine.compliance.findings import Finding

_ALLOWED_EVENTS: dict[str, frozenset[str]] = {
    "startEvent": frozenset(),
    "endEvent": frozenset({"terminateEventDefinition", "errorEventDefinition"}),
    "intermediateCatchEvent": frozenset({"timerEventDefinition", "messageEventDefinition"}),
    "intermediateThrowEvent": frozenset({"messageEventDefinition"}),
    "boundaryEvent": frozenset({"timerEventDefinition", "messageEventDefinition", "errorEventDefinition"}),
}
_NEEDS_DEFINITION = frozenset({"intermediateCatchEvent", "boundaryEvent"})
_EVENT_HINT = {
    "startEvent": (
        "开始事件只能是无类型的（由人发起办件）",
        "a start event must be a none start event (a person starts a case)",
    ),
    "endEvent": ("结束事件只能是无类型、终止或错误", "an end event may only be none, terminate or error"),
    "intermediateCatchEvent": (
        "中间捕获事件只能是定时或消息",
        "an intermediate catch event may only be a timer or a message",
    ),
    "intermediateThrowEvent": (
        "中间抛出事件只能是无类型或消息",
        "an intermediate throw event may only be none or a message",
    ),
    "boundaryEvent": (
        "边界事件只能是定时、消息或错误",
        "a boundary event may only be a timer, a message or an error",
    ),
}
_REFUSED_KINDS = {
    "businessRuleTask": (
        "不运行 DMN 业务规则任务；请改为人工任务或 sanxiang-expression 脚本任务",
        "DMN business rule tasks are not run; use a userTask or a sanxiang-expression scriptTask",
    ),
    "sendTask": (
        "不支持发送任务；请改为消息抛出事件或外部服务任务",
        "send tasks are not supported; use a message throw event or an external service task",
    ),
    "receiveTask": (
        "不支持接收任务；请改为消息捕获事件",
        "receive tasks are not supported; use a message intermediate catch event",
    ),
    "complexGateway": (
        "不支持复杂网关；请改为排他、并行或包容网关",
        "complex gateways are not supported; use an exclusive, parallel or inclusive gateway",
    ),
    "transaction": (
        "不支持事务子流程；请改为普通子流程",
        "transaction subprocesses are not supported; use an embedded subprocess",
    ),
    "adHocSubProcess": (
        "不支持自由子流程；请改为普通子流程",
        "ad-hoc subprocesses are not supported; use an embedded subprocess",
    ),
    "implicitThrowEvent": (
        "不支持此事件；请改为中间抛出事件",
        "this event is not supported; use an intermediateThrowEvent",
    ),
}
_EVENT_SUBPROCESS = (
    "不支持事件子流程；请改为边界事件加普通流程",
    "event subprocesses are not supported; use a boundary event and ordinary flows",
)


def events_are_supported(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.elements.values():
            if el.tag in _ALLOWED_EVENTS:
                yield from _event_findings(el)


def _event_findings(el: Element) -> Iterator[Finding]:
    if el.tag == "startEvent" and el.parent is None and "timerEventDefinition" in el.event_definitions:
        yield finding(
            "SX-D105",
            "不支持定时开始事件：办件由人发起；请改为无类型开始事件",
            "timer start events are not supported: a person starts a case; use a none start event",
            element_id=el.id,
            line=el.line,
        )
    elif _event_refused(el):
        zh, en = _EVENT_HINT[el.tag]
        kinds = ", ".join(el.event_definitions) or "none"
        yield finding(
            "SX-D117",
            f"不支持的事件类型（{kinds}）：{zh}",
            f"unsupported event definition ({kinds}): {en}",
            element_id=el.id,
            line=el.line,
        )


def _event_refused(el: Element) -> bool:
    definitions = el.event_definitions
    if len(definitions) > 1:
        return True
    if not definitions:
        return el.tag in _NEEDS_DEFINITION
    return definitions[0] not in _ALLOWED_EVENTS[el.tag]


def elements_are_supported(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.elements.values():
            if el.tag in _REFUSED_KINDS:
                zh, en = _REFUSED_KINDS[el.tag]
            elif el.triggered_by_event:
                zh, en = _EVENT_SUBPROCESS
            else:
                continue
            yield finding("SX-D116", f"{el.tag}：{zh}", f"{el.tag}: {en}", element_id=el.id, line=el.line)
