"""Turn a checked tree into nested closures: evaluation walks our own code, never ``eval``.

Each node becomes ``program(scope) -> value``; building happens once, at compile time. The ``Scope``
of one evaluation holds the case variables, the allow-listed functions and the ``Meter`` that every
operation whose work grows with its data pays before it runs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import SanxiangError
from engine.runner.expressions import operations as ops
from engine.runner.expressions.el import operations as el
from engine.runner.expressions.el.coercion import UNSET
from engine.runner.expressions.el.nodes import ElBinary, ElMember, ElNegate, EmptyTest, StrictBool
from engine.runner.expressions.errors import ExpressionError
from engine.runner.expressions.meter import Meter

Functions = Mapping[str, Callable[..., Any]]


@dataclass(slots=True)
class Scope:
    """What one evaluation sees: variables, functions, and its budget."""

    variables: Mapping[str, Any]
    functions: Functions
    meter: Meter


Program = Callable[[Scope], Any]


def build(tree: ast.expr, *, missing: str, juel: bool = False) -> Program:
    """Build the program of a tree already passed by ``Checker`` (``missing``: "error" | "none"; a JUEL tree
    in "none" mode reads an unknown variable as ``UNSET``, the Python form as None)."""
    return _Builder(none_if_missing=missing == "none", unset=UNSET if juel else None).build(tree)


class _Builder:
    def __init__(self, *, none_if_missing: bool, unset: Any = None) -> None:
        self.none_if_missing = none_if_missing
        self.unset = unset

    def build(self, node: ast.expr) -> Program:  # noqa: C901 - one flat dispatch over node types
        match node:
            case ast.Constant():
                return _constant(node.value)
            case ast.Name():
                return self.name(node.id)
            case ast.BoolOp():
                return self.logic(node)
            case ast.BinOp():
                return self.binary(node)
            case ast.UnaryOp():
                return self.unary(node)
            case ast.Compare():
                return self.compare(node)
            case ast.IfExp():
                return self.choice(node)
            case ast.Subscript():
                return self.subscript(node)
            case ast.Call():
                return self.call(node)
            case ast.List() | ast.Tuple() | ast.Dict():
                return self.container(node)
            case EmptyTest() | StrictBool():
                return self.juel(node)
            case ElBinary() | ElNegate() | ElMember():
                return self.el(node)
        kind = type(node).__name__
        raise ExpressionError(f"内部错误：未检查的语法 {kind}", f"Internal error: unchecked node {kind}")

    def name(self, name: str) -> Program:
        if self.none_if_missing:
            unset = self.unset
            return lambda scope: scope.variables.get(name, unset)

        def load(scope: Scope) -> Any:
            try:
                return scope.variables[name]
            except KeyError:
                raise ops.missing(f"流程变量 '{name}' ", f"Case variable '{name}'") from None

        return load

    def logic(self, node: ast.BoolOp) -> Program:
        parts = [self.build(value) for value in node.values]
        stop_when = not isinstance(node.op, ast.And)  # and stops on a falsy value, or on a truthy one

        def run(scope: Scope) -> Any:
            result: Any = None
            for part in parts:
                result = part(scope)
                if bool(result) is stop_when:
                    return result
            return result

        return run

    def binary(self, node: ast.BinOp) -> Program:
        left, right, apply = self.build(node.left), self.build(node.right), ops.BINARY[type(node.op)]
        return lambda scope: apply(left(scope), right(scope), scope.meter)

    def unary(self, node: ast.UnaryOp) -> Program:
        operand = self.build(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda scope: not operand(scope)
        apply = ops.negate if isinstance(node.op, ast.USub) else ops.plus
        return lambda scope: apply(operand(scope))

    def compare(self, node: ast.Compare) -> Program:
        left = self.build(node.left)
        steps = [
            (*ops.COMPARE[type(op)], self.build(right))
            for op, right in zip(node.ops, node.comparators, strict=True)
        ]

        def run(scope: Scope) -> Any:
            current = left(scope)
            result: Any = True
            for symbol, test, charge, right in steps:
                other = right(scope)
                charge(scope.meter, current, other)
                result = _compared(test, symbol, current, other)
                if not result:
                    return result
                current = other
            return result

        return run

    def choice(self, node: ast.IfExp) -> Program:
        test, then, otherwise = self.build(node.test), self.build(node.body), self.build(node.orelse)
        return lambda scope: then(scope) if test(scope) else otherwise(scope)

    def subscript(self, node: ast.Subscript) -> Program:
        value, key, lenient = self.build(node.value), self.build(node.slice), self.none_if_missing
        return lambda scope: ops.index(value(scope), key(scope), lenient)

    def call(self, node: ast.Call) -> Program:
        assert isinstance(node.func, ast.Name)  # guaranteed by Checker
        name = node.func.id
        args = [self.build(arg) for arg in node.args]
        keywords = [(keyword.arg or "", self.build(keyword.value)) for keyword in node.keywords]

        def run(scope: Scope) -> Any:
            function = scope.functions.get(name)
            if function is None:
                raise ExpressionError(f"函数 '{name}' 未提供", f"Function '{name}' was not provided")
            values = [arg(scope) for arg in args]
            named = {key: arg(scope) for key, arg in keywords}
            scope.meter.spend(1)  # the time budget is checked before every call
            return _invoke(name, function, values, named)

        return run

    def container(self, node: ast.List | ast.Tuple | ast.Dict) -> Program:
        if isinstance(node, ast.Dict):
            pairs = [
                (self.build(key), self.build(value))
                for key, value in zip(node.keys, node.values, strict=True)
                if key is not None
            ]
            made: Program = lambda scope: {key(scope): value(scope) for key, value in pairs}  # noqa: E731
        else:
            items = [self.build(item) for item in node.elts]
            kind: Callable[[list[Any]], Any] = list if isinstance(node, ast.List) else tuple
            made = lambda scope: kind([item(scope) for item in items])  # noqa: E731
        parts = [*node.elts] if not isinstance(node, ast.Dict) else [*node.keys, *node.values]
        if all(isinstance(part, ast.Constant) for part in parts):
            return made  # literals only: as large as its source text, which is bounded
        return _admitted(made)

    def juel(self, node: EmptyTest | StrictBool) -> Program:
        operand = self.build(node.operand)
        test = ops.is_empty if isinstance(node, EmptyTest) else el.truth
        return lambda scope: test(operand(scope))

    def el(self, node: ElBinary | ElNegate | ElMember) -> Program:
        """JUEL under the EL 2.2 rules (``el.operations``)."""
        if isinstance(node, ElNegate):
            operand = self.build(node.operand)
            return lambda scope: el.negate(operand(scope))
        if isinstance(node, ElMember):
            value, key = self.build(node.value), self.build(node.key)
            return lambda scope: el.member(value(scope), key(scope))
        left, right, symbol = self.build(node.left), self.build(node.right), node.symbol
        apply = el.compare if symbol in ("==", "!=", "<", ">", "<=", ">=") else el.arithmetic
        return lambda scope: apply(symbol, left(scope), right(scope), scope.meter)


def _admitted(make: Program) -> Program:
    """A list, tuple or map literal: cheap to build (references), refused when what it holds is too large."""

    def run(scope: Scope) -> Any:
        value = make(scope)
        meter = scope.meter
        meter.admit(meter.size(value, meter.budget.value_size))
        return value

    return run


def _constant(value: Any) -> Program:
    return lambda scope: value


def _compared(test: Callable[[Any, Any], Any], symbol: str, a: Any, b: Any) -> Any:
    try:
        return test(a, b)
    except TypeError:
        raise ops.cannot_compare(a, symbol, b) from None


def _invoke(name: str, function: Callable[..., Any], values: list[Any], named: dict[str, Any]) -> Any:
    """An allow-listed function's result; its failure an ``ExpressionError`` (ours pass through)."""
    try:
        return function(*values, **named)
    except SanxiangError:
        raise
    except Exception as exc:
        raise ExpressionError(f"函数 '{name}' 执行失败：{exc}", f"Function '{name}' failed: {exc}") from exc
