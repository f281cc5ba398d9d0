"""Camunda 7 attribute values that are EL *composite* expressions: ``kermit_${loopCounter}``, ``${leader}``.

Camunda 7 reads attributes such as ``camunda:assignee`` and ``<loopCardinality>`` as EL value expressions:
literal text with ``${…}`` (or ``#{…}``) parts. A value that is one whole expression yields that
expression's value itself; a composite joins its parts as text, a null part as the empty text and a
boolean as ``true``/``false`` (the EL 2.2 spec's coercion to String, §1.18.2). Text without any part is
the literal text. Each part is compiled once by the safe expression language (``compile_expression``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.runner.expressions.compiler import CompiledExpression, compile_expression
from engine.runner.expressions.el.coercion import to_string
from engine.runner.expressions.errors import ExpressionError
from engine.runner.expressions.evaluator import Functions
from engine.runner.expressions.meter import Meter

Part = str | CompiledExpression


@dataclass(frozen=True)
class CompiledTemplate:
    source: str
    parts: tuple[Part, ...]

    @property
    def is_literal(self) -> bool:
        return all(isinstance(part, str) for part in self.parts)

    @property
    def names(self) -> frozenset[str]:
        """Variables the template reads."""
        found: set[str] = set()
        for part in self.parts:
            if isinstance(part, CompiledExpression):
                found |= part.names
        return frozenset(found)

    def evaluate(
        self, variables: Mapping[str, Any], functions: Functions | None = None, *, meter: Meter | None = None
    ) -> Any:
        """The value: one whole expression's own value, else the parts joined as text."""
        if len(self.parts) == 1 and isinstance(self.parts[0], CompiledExpression):
            return self.parts[0].evaluate(variables, functions, meter=meter)
        pieces = [
            part if isinstance(part, str) else as_text(part.evaluate(variables, functions, meter=meter))
            for part in self.parts
        ]
        return "".join(pieces)


def as_text(value: Any) -> str:
    """EL's coercion of a value to String (§1.18.2): null is empty, booleans lower case, numbers as Java
    prints them (``el.coercion.to_string``)."""
    return to_string(value)


def compile_template(source: str, *, allowed_functions: frozenset[str] = frozenset()) -> CompiledTemplate:
    """Split ``source`` into literal text and ``${…}`` parts and compile each part; ``ExpressionError`` on a
    part outside the safe language or an unclosed ``${``."""
    parts: list[Part] = []
    for text, is_expression in _split(source):
        parts.append(compile_expression(text, allowed_functions=allowed_functions) if is_expression else text)
    return CompiledTemplate(source, tuple(parts))


def _split(source: str) -> list[tuple[str, bool]]:
    found: list[tuple[str, bool]] = []
    literal_from = index = 0
    while index < len(source) - 1:
        if source[index] in "$#" and source[index + 1] == "{":
            end = _closing(source, index + 2)
            if literal_from < index:
                found.append((source[literal_from:index], False))
            found.append((source[index : end + 1], True))
            index = literal_from = end + 1
        else:
            index += 1
    if literal_from < len(source):
        found.append((source[literal_from:], False))
    return found


def _closing(source: str, start: int) -> int:
    """The index of the ``}`` closing the expression opened before ``start`` (quotes and braces respected)."""
    depth, quote, escaped = 0, "", False
    for index in range(start, len(source)):
        char = source[index]
        if quote:
            if not escaped and char == quote:
                quote = ""
            escaped = not escaped and char == "\\"
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
    raise _unclosed(source)


def _unclosed(source: str) -> ExpressionError:
    return ExpressionError(
        f"表达式“{source[:80]}”中的 ${{ 没有闭合的 }}",
        f"The ${{ in '{source[:80]}' is never closed by }}",
        source=source,
    )
