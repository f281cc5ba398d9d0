"""JUEL (``${...}`` in Camunda 7 diagrams) translated into a Python syntax tree.

A small Pratt parser. The tree it returns uses Python node types for structure (logic, ``? :``, calls,
literals, names) and the nodes of ``nodes`` for what follows the EL 2.2 rules: ``empty``, logic operands
coerced to Boolean (``StrictBool``), comparisons and arithmetic (``ElBinary``), unary minus (``ElNegate``)
and property access ``a.b`` / ``a[b]`` (``ElMember``). Node ``col_offset`` holds the character offset in
the whole source.
"""

from __future__ import annotations

import ast
from typing import TypeVar

from engine.runner.expressions.el.nodes import ElBinary, ElMember, ElNegate, EmptyTest, StrictBool
from engine.runner.expressions.el.tokens import Token, tokenize
from engine.runner.expressions.errors import ExpressionError
from engine.runner.expressions.limits import MAX_DEPTH

Node = TypeVar("Node", bound=ast.expr)

_TERNARY = 10
_INFIX_POWER = {
    "?": _TERNARY,
    "||": 20,
    "&&": 30,
    "==": 40,
    "!=": 40,
    "<": 50,
    ">": 50,
    "<=": 50,
    ">=": 50,
    "+": 60,
    "-": 60,
    "*": 70,
    "/": 70,
    "%": 70,
    ".": 90,
    "[": 90,
    "(": 90,
}
_PREFIX_POWER = 80
_BINARY = frozenset({"==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"})


def parse_juel(source: str) -> ast.expr:
    """Parse ``${...}`` / ``#{...}`` (already stripped) into a tree; raise ``ExpressionError``."""
    start = 2
    return _Parser(tokenize(source[start:-1], start)).parse()


def _at(node: Node, token: Token) -> Node:
    node.lineno, node.col_offset = 1, token.position
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def parse(self) -> ast.expr:
        if self.peek().kind == "end":
            raise ExpressionError(
                "表达式为空；请在 ${ } 中写条件，例如 ${approved}",
                "The expression is empty; write a condition inside ${ }, e.g. ${approved}",
                position=self.peek().position,
            )
        node = self.expression(0)
        token = self.peek()
        if token.kind != "end":
            raise self.unexpected(token, "运算符或结尾", "an operator or the end")
        return node

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, symbol: str) -> Token:
        token = self.advance()
        if token.kind != "op" or token.text != symbol:
            raise self.unexpected(token, f"'{symbol}'", f"'{symbol}'")
        return token

    def unexpected(self, token: Token, wanted_zh: str, wanted_en: str) -> ExpressionError:
        seen = token.text if token.kind != "end" else "结尾"
        seen_en = token.text if token.kind != "end" else "the end"
        return ExpressionError(
            f"第 {token.position} 个字符处应为{wanted_zh}，却是 {seen}",
            f"Expected {wanted_en} at character {token.position}, found {seen_en}",
            position=token.position,
        )

    def expression(self, min_power: int) -> ast.expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"表达式嵌套过深（上限 {MAX_DEPTH} 层）；请拆分条件",
                f"The expression nests too deeply (limit {MAX_DEPTH}); split the condition",
                position=self.peek().position,
            )
        left = self.prefix(self.advance())
        while True:
            token = self.peek()
            power = _INFIX_POWER.get(token.text) if token.kind == "op" else None
            if power is None or power <= min_power:
                break
            self.advance()
            left = self.infix(token, left, power)
        self.depth -= 1
        return left

    def prefix(self, token: Token) -> ast.expr:
        if token.kind in ("number", "string", "literal"):
            return _at(ast.Constant(value=token.value), token)
        if token.kind == "name":
            return _at(ast.Name(id=token.text, ctx=ast.Load()), token)
        if token.kind == "op" and token.text == "(":
            node = self.expression(0)
            self.expect(")")
            return node
        if token.kind == "op" and token.text in ("-", "!", "empty"):
            operand = self.expression(_PREFIX_POWER)
            if token.text == "-":
                return _at(ElNegate(operand), token)
            if token.text == "!":
                return _at(ast.UnaryOp(op=ast.Not(), operand=_at(StrictBool(operand), token)), token)
            return _at(EmptyTest(operand), token)
        raise self.unexpected(
            token, "一个值（变量、数字、字符串或括号）", "a value (variable, number, string or parenthesis)"
        )

    def infix(self, token: Token, left: ast.expr, power: int) -> ast.expr:
        symbol = token.text
        if symbol == ".":
            return self.property(token, left)
        if symbol == "[":
            key = self.expression(0)
            self.expect("]")
            return _at(ElMember(left, key), token)
        if symbol == "(":
            return self.call(token, left)
        if symbol == "?":
            then = self.expression(0)
            self.expect(":")
            otherwise = self.expression(_TERNARY - 1)
            return _at(ast.IfExp(test=_at(StrictBool(left), token), body=then, orelse=otherwise), token)
        right = self.expression(power)
        if symbol in ("&&", "||"):
            return self.logic(token, left, right)
        assert symbol in _BINARY, symbol
        return _at(ElBinary(left, symbol, right), token)

    def property(self, token: Token, left: ast.expr) -> ast.expr:
        name = self.advance()
        if name.kind not in ("name", "literal") and not (name.kind == "op" and name.value):
            raise self.unexpected(name, "'.' 后的属性名", "a property name after '.'")
        key = name.value if name.kind == "op" else name.text
        return _at(ElMember(left, _at(ast.Constant(value=key), name)), token)

    def call(self, token: Token, callee: ast.expr) -> ast.expr:
        if not isinstance(callee, ast.Name):
            raise ExpressionError(
                "只能调用允许的函数，例如 workdays(7)；不支持方法调用",
                "Only allow-listed functions can be called, e.g. workdays(7); method calls are not allowed",
                position=token.position,
            )
        args: list[ast.expr] = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            args.append(self.expression(0))
            while self.peek().kind == "op" and self.peek().text == ",":
                self.advance()
                args.append(self.expression(0))
        self.expect(")")
        return _at(ast.Call(func=callee, args=args, keywords=[]), token)

    def logic(self, token: Token, left: ast.expr, right: ast.expr) -> ast.expr:
        op: ast.boolop = ast.And() if token.text == "&&" else ast.Or()
        operands: list[ast.expr] = [_at(StrictBool(side), token) for side in (left, right)]
        if isinstance(left, ast.BoolOp) and type(left.op) is type(op):
            operands = [*left.values, operands[1]]
        return _at(ast.BoolOp(op=op, values=operands), token)
