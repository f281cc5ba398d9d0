"""``camunda:outputParameter`` on a user task, as Camunda 7 runs it (``IoMapping.executeOutputParameters``).

When the task completes, each output parameter whose value is text (an EL expression such as
``${vote == 'approve' ? nrOfApproved + 1 : nrOfApproved}``, or literal text) is evaluated in the task's
scope — what the person submitted, the case variables and, on a multi-instance instance, its
``loopCounter``, element variable and the body's counters — and set as a case variable (Camunda's
``setVariable`` on the enclosing scope). This is how a 票签 counts its votes without Java. Parameters
written as ``camunda:script``, ``camunda:list`` or ``camunda:map``, and input parameters, are refused or
reported by the linter (SX-D126).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.runner.expressions.template import CompiledTemplate, compile_template

OutputMappings = tuple[tuple[str, CompiledTemplate], ...]


def compile_outputs(outputs: tuple[tuple[str, str], ...], functions: frozenset[str]) -> OutputMappings:
    return tuple((name, compile_template(text, allowed_functions=functions)) for name, text in outputs)


def evaluate_outputs(
    mappings: OutputMappings, scope: Mapping[str, Any], engine: Any, element_id: str
) -> dict[str, Any]:
    """The variables the mappings set, each evaluated in ``scope`` (in document order, each seeing the
    ones before it, as Camunda sets them one by one)."""
    produced: dict[str, Any] = {}
    for name, template in mappings:
        produced[name] = (
            engine.evaluate_value(template, {**scope, **produced}, element_id) if template.source else None
        )  # an empty parameter sets null
    return produced
