"""Dialect rules on user-task attributes that the runtime evaluates when a task is created.

- SX-D133: a ``camunda:dueDate`` / ``followUpDate`` written as a value that is neither an ISO 8601 period
  (``P2D``) nor an ISO 8601 date or date-time (a date-time without a zone is read in the bureau's zone);
- SX-D140: an attribute expression (``assignee``, ``candidateUsers``, ``candidateGroups``, ``dueDate``,
  ``followUpDate``, ``priority``) the runner cannot compile (with ``RuntimeFacts.text_check``; without it,
  only an unclosed ``${``);
- SX-D141: a ``camunda:priority`` written as something other than a whole number;
- SX-D142 (warning): a user task nobody could ever be offered: no assignee, no candidate users or groups
  (``camunda:`` attributes, ``humanPerformer``, ``potentialOwner``). At run time such a task, and one whose
  expressions resolve to nobody, is listed in the supervisor console as "no performer".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from engine.compliance.catalogue import finding
from engine.compliance.document.bpmn_view import BpmnDocument, Element
from engine.compliance.document.namespaces import bpmn_children, text_of
from engine.compliance.findings import Finding
from engine.compliance.runtime_facts import RuntimeFacts

_EXPRESSION = re.compile(r"[$#]\{")
_PERIOD = re.compile(
    r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?"
    r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:[.,]\d{1,3})?S)?)?"
)
_INTEGER = re.compile(r"[+-]?\d+")
ATTRIBUTES = ("assignee", "candidateUsers", "candidateGroups", "dueDate", "followUpDate", "priority")


def is_expression(text: str) -> bool:
    return bool(_EXPRESSION.search(text))


def task_findings(doc: BpmnDocument, facts: RuntimeFacts) -> Iterator[Finding]:
    for process in doc.checked:
        for el in process.with_tag("userTask"):
            yield from _attribute_findings(el, facts)
            if not performers(el):
                yield finding(
                    "SX-D142",
                    "用户任务没有可能的办理人（无 assignee、candidateUsers、candidateGroups）；"
                    "运行时将列入督查台“无人可办”；请设 camunda:candidateGroups（岗位）或 camunda:assignee",
                    "user task with no possible performer (no assignee, candidateUsers or candidateGroups); "
                    "at run time it is listed in the supervisor console as 'no performer'; set "
                    "camunda:candidateGroups (a post) or camunda:assignee",
                    element_id=el.id,
                    line=el.line,
                    warning=True,
                )


def performers(el: Element) -> list[str]:
    """Every performer entry written on a user task: camunda attributes, humanPerformer, potentialOwner."""
    found = [
        part.strip()
        for key in ("assignee", "candidateUsers", "candidateGroups")
        for part in (el.camunda.get(key) or "").split(",")
        if part.strip()
    ]
    if el.node is not None:
        for tag in ("humanPerformer", "potentialOwner"):
            for owner in bpmn_children(el.node, tag):
                found += [text_of(owner)] if text_of(owner) else []
    return found


def _attribute_findings(el: Element, facts: RuntimeFacts) -> Iterator[Finding]:
    for name in ATTRIBUTES:
        text = el.camunda.get(name)
        if text is None:
            continue
        if is_expression(text):
            problem = _expression_problem(text, facts)
            if problem is not None:
                zh, en = problem
                yield finding(
                    "SX-D140",
                    f"camunda:{name}“{_short(text)}”无法运行：{zh}",
                    f"camunda:{name} '{_short(text)}' cannot be run: {en}",
                    element_id=el.id,
                    line=el.line,
                )
        elif name in ("dueDate", "followUpDate") and not _is_moment(text):
            yield _not_a_moment(el, name, text)
        elif name == "priority" and not (_INTEGER.fullmatch(text.strip()) and abs(int(text)) < 2**31):
            yield _not_a_priority(el, text)


def _not_a_moment(el: Element, name: str, text: str) -> Finding:
    return finding(
        "SX-D133",
        f"camunda:{name}“{_short(text)}”既不是 ISO 8601 期间（如 P2D），也不是 "
        "ISO 8601 日期或日期时间（如 2026-12-01T17:00:00，未写时区按本局时区）；"
        "请改正或写表达式 ${变量}",
        f"camunda:{name} '{_short(text)}' is neither an ISO 8601 period (e.g. P2D) nor an "
        "ISO 8601 date or date-time (e.g. 2026-12-01T17:00:00; without a zone it is read "
        "in the bureau's zone); correct it or write an expression ${variable}",
        element_id=el.id,
        line=el.line,
    )


def _not_a_priority(el: Element, text: str) -> Finding:
    return finding(
        "SX-D141",
        f"camunda:priority“{_short(text)}”不是整数；请写整数（默认 50）或表达式 ${{变量}}",
        f"camunda:priority '{_short(text)}' is not a whole number; write one (the default "
        "is 50) or an expression ${variable}",
        element_id=el.id,
        line=el.line,
    )


def _expression_problem(text: str, facts: RuntimeFacts) -> tuple[str, str] | None:
    if facts.text_check is not None:
        return facts.text_check(text)
    opened = len(_EXPRESSION.findall(text))
    if text.count("}") < opened:
        return "${ 没有对应的 }", "an expression opens ${ without a closing }"
    return None


def _is_moment(text: str) -> bool:
    value = text.strip()
    if value.startswith("P"):
        return _PERIOD.fullmatch(value) is not None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."
