"""What a multi-instance activity evaluates (``engine.runner.user_tasks.multi_instance``), compiled at deploy,
and the coercions Camunda 7 applies to the values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.runner.expressions.template import CompiledTemplate, compile_template
from engine.runner.types import LoopInfo


@dataclass(frozen=True)
class CompiledLoop:
    """The expressions of one multi-instance activity, compiled at deploy."""

    cardinality: CompiledTemplate | None
    collection: CompiledTemplate | None  # camunda:collection="${…}"
    collection_variable: str | None  # camunda:collection="name"
    element_variable: str | None
    condition: CompiledTemplate | None
    assignee: CompiledTemplate | None  # camunda:assignee="${x}": evaluated for each instance
    name: CompiledTemplate | None = None  # name="My Task ${loopCounter}": likewise


def compile_loop(
    loop: LoopInfo, assignee: str | None, functions: frozenset[str], name: str | None = None
) -> CompiledLoop:
    """Compile what Camunda 7 evaluates; ``ExpressionError`` on anything outside the safe language."""

    def template(text: str | None) -> CompiledTemplate | None:
        return compile_template(text, allowed_functions=functions) if text else None

    collection = loop.collection or ""
    return CompiledLoop(
        cardinality=template(loop.cardinality),
        collection=template(collection) if "{" in collection else None,
        collection_variable=collection.strip() if collection and "{" not in collection else None,
        element_variable=loop.element_variable,
        condition=template(loop.completion_condition),
        assignee=template(assignee) if assignee and "{" in assignee else None,
        name=template(name) if name and "${" in name else None,
    )


def as_count(value: Any) -> int | None:
    """Camunda's ``resolveLoopCardinality``: a Number's intValue, or ``Integer.parseInt`` of a text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        text = value[1:] if value[:1] in "+-" else value
        return int(value) if text.isascii() and text.isdigit() else None
    return None
