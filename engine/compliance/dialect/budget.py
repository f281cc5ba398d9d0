"""Dialect rules on what a diagram would cost the server, known before any case runs it.

- SX-D129 / SX-D130: a timer cycle repeating more often than the floor, or without a bounded count
  (``R/PT0S``, ``R999999999/PT1S``, ``R5/PT0.001S``): it would flood the case with tasks and records.
- SX-D131: a timer duration (or a cycle's period) longer than 100 years (``P99999999Y``).
- SX-D132: a condition or script line whose constant part fails in every case: a value over the
  value-size budget (``[[[1]*1000]*1000]*1000``), a number too large (``10**10**10``), a division by
  zero. Knowing it means evaluating the constant parts, which the linter never does itself: the
  composition root passes a ``ConstantCheck`` (the runner's ``engine.runner.expressions.static``).

The limits are the deployment's ``EvaluationBudget`` (``engine.kernel.budgets``); the run-time side of
the same budget is in ``engine.runner``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from engine.compliance.catalogue import finding
from engine.compliance.dialect.expressions import condition_problem, timer_problem
from engine.compliance.document.bpmn_view import BpmnDocument, Element
from engine.compliance.document.namespaces import bpmn_children, line_of, text_of
from engine.compliance.findings import Finding
from engine.kernel.budgets import EvaluationBudget, cycle_problems, duration_problem

# every expression of one diagram (a condition, or a script's whole text) -> for each, why a constant part
# of it fails in every case (zh, en), or None; all of them checked within one evaluation's budget
ConstantCheck = Callable[[Sequence[tuple[str, str]]], list[tuple[str, str] | None]]
Located = tuple[str, str, str, int | None]  # kind ("condition" | "script"), text, element id, line


def budget_findings(
    doc: BpmnDocument, budget: EvaluationBudget, constant_check: ConstantCheck | None = None
) -> Iterator[Finding]:
    """Every SX-D129…SX-D131 finding of the document under ``budget``; SX-D132 with a ``constant_check``."""
    for process in doc.checked:
        for element in process.elements.values():
            if element.timer is not None:
                yield from _timer_findings(element, budget)
    if constant_check is not None:
        yield from _constant_findings(doc, constant_check)


def _constant_findings(doc: BpmnDocument, constant_check: ConstantCheck) -> Iterator[Finding]:
    """SX-D132: the constant parts of the document's expressions that fail in every case."""
    located = list(_expressions(doc))
    for (_kind, text, element_id, line), failure in zip(
        located, constant_check([(kind, text) for kind, text, _, _ in located]), strict=True
    ):
        if failure is not None:
            zh, en = failure
            yield finding(
                "SX-D132",
                f"“{_short(text)}”中的常量部分在任何办件中都会失败：{zh}",
                f"a constant part of '{_short(text)}' fails in every case: {en}",
                element_id=element_id,
                line=line,
            )


def _expressions(doc: BpmnDocument) -> Iterator[Located]:
    for process in doc.checked:
        for flow in process.flows.values():
            condition = flow.condition
            if condition is not None and condition_problem(condition, flow.condition_language) is None:
                yield "condition", condition, flow.id, flow.line
        for element in process.with_tag("scriptTask"):
            if element.node is not None:
                for script in bpmn_children(element.node, "script"):
                    yield "script", text_of(script), element.id, line_of(script) or element.line


def _timer_findings(element: Element, budget: EvaluationBudget) -> Iterator[Finding]:
    timer = element.timer
    assert timer is not None
    if timer_problem(timer) is not None or timer.value.startswith(("$", "#")):
        return  # not runnable (SX-D120…SX-D122) or computed at run time (checked then)
    problems: tuple[tuple[str, str, str], ...] = ()
    if timer.kind == "timeCycle":
        problems = cycle_problems(timer.value, budget)
    elif timer.kind == "timeDuration":
        problems = tuple(p for p in [duration_problem(timer.value)] if p is not None)
    for code, zh, en in problems:
        yield finding(code, zh, en, element_id=element.id, line=timer.line or element.line)


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."
