"""Tokens of JUEL (the expression language of Camunda 7 diagrams), read by hand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engine.runner.expressions.errors import ExpressionError

# Word operators are read as their symbol, so the parser sees one spelling.
WORD_OPERATORS = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "and": "&&",
    "or": "||",
    "not": "!",
    "div": "/",
    "mod": "%",
    "empty": "empty",
}
LITERAL_WORDS: dict[str, Any] = {"true": True, "false": False, "null": None}
_SYMBOLS = (
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "<",
    ">",
    "!",
    "+",
    "-",
    "*",
    "/",
    "%",
    "?",
    ":",
    "(",
    ")",
    "[",
    "]",
    ".",
    ",",
)
_MISTAKES = {
    "=": ("赋值符 '=' 不可用；比较请写 '==' 或 eq", "Assignment '=' is not allowed; compare with '==' or eq"),
    "&": ("请写 '&&' 或 and", "Write '&&' or and"),
    "|": ("请写 '||' 或 or", "Write '||' or or"),
    "}": (
        "一个表达式只能有一对 ${ }；请把条件合并进同一个 ${...}",
        "Only one ${...} per expression; put the whole condition inside a single ${...}",
    ),
    "{": ("不支持 { } 字面量", "Map and set literals { } are not allowed"),
}
_NUMBER = re.compile(r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_ESCAPES = {"\\": "\\", "'": "'", '"': '"'}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "number" | "string" | "literal" | "name" | "op" | "end"
    text: str  # for "op": the canonical symbol (word operators mapped)
    value: Any
    position: int  # character offset in the whole source


def tokenize(body: str, offset: int) -> list[Token]:
    """Split a JUEL body (the text inside ``${ }``) into tokens; ``offset`` locates it in the source."""
    tokens: list[Token] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char.isspace():
            index += 1
            continue
        token, index = _read_token(body, index, offset)
        tokens.append(token)
    tokens.append(Token("end", "", None, offset + len(body)))
    return tokens


def _read_token(body: str, index: int, offset: int) -> tuple[Token, int]:
    char = body[index]
    number = _NUMBER.match(body, index)
    if number and (char.isdigit() or number.end() > index + 1):
        return _number(number.group(), offset + index), number.end()
    if char in "'\"":
        return _string(body, index, offset)
    if char.isalpha() or char == "_":
        end = index + 1
        while end < len(body) and (body[end].isalnum() or body[end] == "_"):
            end += 1
        return _word(body[index:end], offset + index), end
    for symbol in _SYMBOLS:
        if body.startswith(symbol, index):
            return Token("op", symbol, None, offset + index), index + len(symbol)
    zh, en = _MISTAKES.get(char, (f"无法识别的字符 '{char}'", f"Unexpected character '{char}'"))
    raise ExpressionError(zh, en, position=offset + index)


def _number(text: str, position: int) -> Token:
    if any(mark in text for mark in ".eE"):
        return Token("number", text, float(text), position)
    return Token("number", text, int(text), position)


def _word(word: str, position: int) -> Token:
    if word in WORD_OPERATORS:
        return Token("op", WORD_OPERATORS[word], word, position)
    if word in LITERAL_WORDS:
        return Token("literal", word, LITERAL_WORDS[word], position)
    if word == "instanceof":
        raise ExpressionError(
            "不支持 instanceof；请直接比较变量的值",
            "instanceof is not supported; compare the variable's value instead",
            position=position,
        )
    return Token("name", word, word, position)


def _string(body: str, start: int, offset: int) -> tuple[Token, int]:
    quote = body[start]
    chars: list[str] = []
    index = start + 1
    while index < len(body):
        char = body[index]
        if char == quote:
            return Token("string", body[start : index + 1], "".join(chars), offset + start), index + 1
        if char == "\\" and index + 1 < len(body) and body[index + 1] in _ESCAPES:
            chars.append(_ESCAPES[body[index + 1]])
            index += 2
            continue
        chars.append(char)
        index += 1
    raise ExpressionError(
        f"字符串缺少结束引号 {quote}",
        f"String literal is missing its closing {quote}",
        position=offset + start,
    )
