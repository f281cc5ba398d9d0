"""Camunda 7 attributes that list entries or hold expressions: ``kermit, ${reviewers}``, ``group-${region}``.

An attribute's text is compiled by ``engine.runner.expressions.template`` (plain text, one ``${...}``, or a
composite joined as text). Candidate lists are split at the commas outside any ``${...}`` first
(``BpmnParse.parseCommaSeparatedList``), each entry then compiled on its own.
"""

from __future__ import annotations

from engine.runner.expressions import ExpressionError
from engine.runner.expressions.template import compile_template


def split_list(source: str | None) -> list[str]:
    """``BpmnParse.parseCommaSeparatedList``: entries split at commas outside ``${...}``, trimmed."""
    entries: list[str] = []
    current: list[str] = []
    inside = False
    for char in source or "":
        if char in "{$":
            inside = True
        elif char == "}":
            inside = False
        if char == "," and not inside:
            entries.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if current:
        entries.append("".join(current).strip())
    return [entry for entry in entries if entry]


def text_problem(source: str, functions: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """Why ``source`` does not compile as an attribute's text (zh, en), or None (the linter's SX-D140)."""
    try:
        compile_template(source, allowed_functions=functions)
    except ExpressionError as exc:
        return exc.message_zh, exc.message_en
    return None
