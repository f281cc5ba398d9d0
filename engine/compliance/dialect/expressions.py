"""Dialect rules on what the runtime evaluates: gateway conditions and timer values.

Accepted conditions: Python syntax (checked with ``ast.parse``, never evaluated) or one JUEL
expression ``${…}`` / ``#{…}`` with balanced brackets and quotes (the runner's safe-expression
checker does the deep check at deploy). FEEL (``=x > 1`` or a FEEL ``language``) is refused.
Accepted timers: ISO 8601 literals as Camunda 7 writes them (``P7D``, ``R3/PT1H``,
``2026-05-01T09:00:00+08:00``) or a variable ``${name}``; dates need ``Z`` or ``±HH:MM``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import BpmnDocument, Timer
from engine.compliance.document.namespaces import CAMUNDA_NAMESPACES
from engine.compliance.findings import Finding

_DURATION = (
    r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?"
    r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d+)?S)?)?"
)
_DATETIME = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
_OFFSET = r"(?:Z|[+-]\d{2}:\d{2})"
_DURATION_RE = re.compile(_DURATION)
_DATE_RE = re.compile(f"({_DATETIME})({_OFFSET})?")
_CYCLE_RE = re.compile(f"R\\d*/(?:({_DATETIME})({_OFFSET})?/)?{_DURATION}")
_VARIABLE_RE = re.compile(r"\$\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}")
_WORKDAYS_RE = re.compile(r"\$\{\s*workdays\(\s*\d{1,4}\s*\)\s*\}")  # a working-day timeDate (Asia/Shanghai)
_JUEL_RE = re.compile(r"\s*[$#]\{(.*)\}\s*", re.DOTALL)
_SCRIPT_LANGUAGES = ("groovy", "javascript", "ecmascript", "python", "ruby", "js")
_MAX_CONDITION = 2000
_PAIRS = {")": "(", "]": "[", "}": "{"}

Problem = tuple[str, str, str]  # code, message_zh, message_en


def gateway_flows_have_conditions(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for gateway in process.with_tag("exclusiveGateway", "inclusiveGateway"):
            if len(gateway.outgoing) < 2:
                continue
            for flow_id in gateway.outgoing:
                flow = process.flows[flow_id]
                if flow_id != gateway.default_flow and flow.condition is None:
                    yield finding(
                        "SX-D118",
                        f"网关 {gateway.id} 的出口没有条件；请加条件，或把它设为默认流",
                        f"outgoing flow of gateway {gateway.id} has no condition; add one or make it the "
                        "default flow",
                        element_id=flow.id,
                        line=flow.line,
                    )


def exclusive_gateways_have_default(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for gateway in process.with_tag("exclusiveGateway"):
            if len(gateway.outgoing) >= 2 and not gateway.default_flow:
                yield finding(
                    "SX-D119",
                    "条件可能重叠；SpiffWorkflow 按图中位置选第一个为真的出口——请加一个默认流",
                    "conditions may overlap; SpiffWorkflow picks the first true by diagram position — "
                    "add a default flow",
                    element_id=gateway.id,
                    line=gateway.line,
                    warning=True,
                )


def conditions_are_parseable(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for flow in process.flows.values():
            if flow.condition is None:
                continue
            problem = condition_problem(flow.condition, flow.condition_language)
            if problem is None and flow.node is not None and _has_resource(flow.node):
                problem = (
                    "SX-D124",
                    "条件引用了外部脚本资源；请直接写表达式",
                    "the condition refers to an external script resource; write the expression",
                )
            if problem is not None:
                code, zh, en = problem
                yield finding(code, zh, en, element_id=flow.id, line=flow.line)


def _has_resource(node: etree._Element) -> bool:
    for child in node:
        if isinstance(child.tag, str) and etree.QName(child.tag).localname == "conditionExpression":
            return any(child.get(f"{{{ns}}}resource") for ns in CAMUNDA_NAMESPACES)
    return False


_FIX_ZH = "请写成 Python 或 JUEL 表达式，如 ${amount > 1000}"
_FIX_EN = "write it in Python or JUEL, e.g. ${amount > 1000}"


def _readable(text: str) -> bool:
    """JUEL (``${…}``, not empty, braces balanced) or Python syntax."""
    juel = _JUEL_RE.fullmatch(text)
    if juel is not None:
        return bool(juel.group(1).strip()) and _balanced(juel.group(1))
    return _python_syntax(text.strip())


def condition_problem(text: str, language: str | None) -> Problem | None:
    """Why our runtime cannot evaluate this condition, or None if it is Python or JUEL syntax."""
    lang = (language or "").lower()
    if "feel" in lang or text.lstrip().startswith("="):
        return (
            "SX-D123",
            f"不支持 FEEL 条件“{_short(text)}”（Camunda 8 语法）；{_FIX_ZH}",
            f"FEEL condition '{_short(text)}' (Camunda 8 syntax) is not supported; {_FIX_EN}",
        )
    if any(name in lang for name in _SCRIPT_LANGUAGES):
        return (
            "SX-D124",
            f"不运行脚本条件（{language}）；{_FIX_ZH}",
            f"script conditions ({language}) are not run; {_FIX_EN}",
        )
    if len(text) > _MAX_CONDITION:
        return (
            "SX-D124",
            f"条件超过 {_MAX_CONDITION} 个字符；请简化",
            f"condition longer than {_MAX_CONDITION} characters; simplify it",
        )
    if _readable(text):
        return None
    return (
        "SX-D124",
        f"条件“{_short(text)}”既不是 Python 也不是 JUEL 语法；{_FIX_ZH}",
        f"condition '{_short(text)}' is neither Python nor JUEL syntax; {_FIX_EN}",
    )


def _python_syntax(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return True


def _balanced(text: str) -> bool:
    stack: list[str] = []
    quote: str | None = None
    for char in text:
        if quote is not None:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            stack.append(char)
        elif char in _PAIRS and (not stack or stack.pop() != _PAIRS[char]):
            return False
    return quote is None and not stack


def timers_are_runnable(doc: BpmnDocument) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.elements.values():
            if el.timer is None:
                continue
            problem = timer_problem(el.timer)
            if problem is not None:
                code, zh, en = problem
                yield finding(code, zh, en, element_id=el.id, line=el.timer.line or el.line)


def timer_problem(timer: Timer) -> Problem | None:
    """Why our runtime cannot run this timer value, or None."""
    value, kind = timer.value, timer.kind
    if kind is None:
        return (
            "SX-D120",
            "定时器没有定义；请填写 timeDuration（如 P7D）、timeDate（带时区）或 timeCycle（如 R3/PT1H）",
            "timer without a definition; fill in a timeDuration (e.g. P7D), a timeDate (with offset) "
            "or a timeCycle (e.g. R3/PT1H)",
        )
    if _VARIABLE_RE.fullmatch(value) or (kind == "timeDate" and _WORKDAYS_RE.fullmatch(value)):
        return None
    pattern = {"timeDuration": _DURATION_RE, "timeDate": _DATE_RE, "timeCycle": _CYCLE_RE}[kind]
    match = pattern.fullmatch(value)
    if match is None:
        return (
            "SX-D122",
            f"{kind}“{_short(value)}”无法运行（{_timer_hint(value)}）；"
            "请写 ISO 8601 值，如 P7D、R3/PT1H、2026-05-01T09:00:00+08:00，或变量 ${名称}",
            f"{kind} '{_short(value)}' cannot be run ({_timer_hint(value, en=True)}); write an ISO "
            "8601 value such as P7D, R3/PT1H, 2026-05-01T09:00:00+08:00, or a variable ${name}",
        )
    if kind != "timeDuration" and match.group(1) and not match.group(2):
        return (
            "SX-D121",
            f"时间“{value}”没有时区，会按服务器时区计算；请以 Z 或 +08:00 结尾",
            f"date '{value}' has no UTC offset and would use the server's zone; end it with Z or +08:00",
        )
    return None


def _timer_hint(value: str, *, en: bool = False) -> str:
    if value.startswith("="):
        return "FEEL (Camunda 8)" if en else "FEEL 是 Camunda 8 语法"
    if value[:1] in "'\"":
        return (
            "remove the quotes: that is the SpiffWorkflow dialect"
            if en
            else ("请去掉引号：这是 SpiffWorkflow 写法")
        )
    if len(value.split()) >= 5:
        return "cron expressions are not supported" if en else "不支持 cron 表达式"
    return "not ISO 8601" if en else "不是 ISO 8601 格式"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


CHECKS = (
    gateway_flows_have_conditions,
    exclusive_gateways_have_default,
    conditions_are_parseable,
    timers_are_runnable,
)
