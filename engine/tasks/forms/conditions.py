"""The small part of FEEL that form conditions use (``conditional.hide``, a FEEL ``readonly``).

Understood: ``=name``, ``=a.b`` (a path into the data), literals (``"text"``, numbers, ``true``,
``false``, ``null``), comparisons ``= != < <= > >=``, ``not(…)``, ``and``, ``or`` and parentheses.
FEEL's three-valued logic is kept: a missing variable is ``null``; ``null = null`` is true; comparing
values of different kinds, ordering ``null`` and ``not`` of a non-boolean give ``null``.

Anything else (function calls, arithmetic, ``in``, lists, contexts…) is *not understood*:
``compile_condition`` returns None and the caller treats the condition as unknown (a field whose
hide condition is unknown counts as visible). A condition hides only when it evaluates to exactly
``true``, as in form-js.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from engine.kernel.json_types import JsonObject, JsonValue

Condition = Callable[[Mapping[str, JsonValue]], Any]

MAX_CONDITION_CHARS = 500
MAX_DEPTH = 20
_TOKEN = re.compile(
    r"""\s*(?:
    (?P<number>-?\d+(?:\.\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<op>!=|<=|>=|=|<|>|\(|\))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
)""",
    re.VERBOSE,
)
_LITERALS: JsonObject = {"true": True, "false": False, "null": None}
_KEYWORDS = frozenset({"and", "or", "not", *_LITERALS})


class _Unsupported(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _Unsupported(text[position:])
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def _kind(value: JsonValue) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    return "string" if isinstance(value, str) else "other"


def _compare(op: str, left: JsonValue, right: JsonValue) -> Any:
    if op in ("=", "!=") and (left is None or right is None):
        same = left is None and right is None
        return same if op == "=" else not same
    kind = _kind(left)
    if kind != _kind(right) or kind == "other" or left is None:
        return None
    if op in ("=", "!="):
        return (left == right) == (op == "=")
    if kind == "boolean":
        return None
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]


def _all(values: list[Any], wanted: bool) -> Any:
    """FEEL ``and`` (wanted=True) / ``or`` (wanted=False) over three-valued operands."""
    if any(v is (not wanted) for v in values):
        return not wanted
    return wanted if all(v is wanted for v in values) else None


def lookup(data: Mapping[str, JsonValue], path: str) -> Any:
    value: JsonValue = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.at, self.depth = tokens, 0, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (value is not None and token[1] != value):
            raise _Unsupported(value or "end")
        self.at += 1
        return token

    def chain(self, word: str, operand: Callable[[], Condition]) -> Condition:
        parts = [operand()]
        while self.peek() == ("name", word):
            self.take()
            parts.append(operand())
        if len(parts) == 1:
            return parts[0]
        wanted = word == "and"
        return lambda data: _all([p(data) for p in parts], wanted)

    def expression(self) -> Condition:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Unsupported("too deep")
        found = self.chain("or", lambda: self.chain("and", self.comparison))
        self.depth -= 1
        return found

    def comparison(self) -> Condition:
        left = self.atom()
        kind, op = self.peek()
        if kind != "op" or op in ("(", ")"):
            return left
        self.take()
        right = self.atom()
        return lambda data: _compare(op, left(data), right(data))

    def atom(self) -> Condition:
        kind, text = self.take()
        if kind == "number":
            number = Decimal(text)
            return lambda data: number
        if kind == "string":
            literal = re.sub(r"\\(.)", r"\1", text[1:-1])
            return lambda data: literal
        if (kind, text) == ("op", "("):
            inner = self.expression()
            self.take(")")
            return inner
        if kind != "name":
            raise _Unsupported(text)
        return self.name(text)

    def name(self, text: str) -> Condition:
        if text in _LITERALS:
            value = _LITERALS[text]
            return lambda data: value
        if text == "not":
            self.take("(")
            inner = self.expression()
            self.take(")")
            return lambda data: (not v) if isinstance(v := inner(data), bool) else None
        if text in _KEYWORDS:
            raise _Unsupported(text)
        if self.peek() == ("op", "("):
            raise _Unsupported(f"function {text}")
        return lambda data: _number(lookup(data, text))


def _number(value: JsonValue) -> Any:
    """Numbers compare as decimals (FEEL has one number type); everything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def compile_condition(source: JsonValue) -> Condition | None:
    """A FEEL condition (``=…``) as a callable over the data, or None when it is not understood."""
    if not isinstance(source, str) or not source.startswith("=") or len(source) > MAX_CONDITION_CHARS:
        return None
    try:
        parser = _Parser(_tokens(source[1:]))
        if not parser.tokens:
            return None
        condition = parser.expression()
        return condition if parser.peek()[0] == "end" else None
    except _Unsupported:
        return None


def holds(condition: Condition | None, data: Mapping[str, JsonValue]) -> bool | None:
    """True or False when the condition can be told; None when it is unknown or FEEL null."""
    if condition is None:
        return None
    value = condition(data)
    return value if isinstance(value, bool) else None
