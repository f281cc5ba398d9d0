"""Compile expression text once (at deploy time) into a ``CompiledExpression``."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from engine.errors import SanxiangError
from engine.runner.expressions.checker import Checker, juel_locator, parse_python, python_locator
from engine.runner.expressions.el.juel import parse_juel
from engine.runner.expressions.errors import ExpressionError, describe
from engine.runner.expressions.evaluator import Functions, Program, Scope, build
from engine.runner.expressions.limits import MAX_SOURCE_LENGTH, MISSING_MODES
from engine.runner.expressions.meter import Meter

Missing = Literal["error", "none"]
_NO_FUNCTIONS: Functions = {}


@dataclass(frozen=True)
class CompiledExpression:
    """A checked expression, ready to evaluate many times."""

    source: str
    names: frozenset[str]  # variables referenced
    functions: frozenset[str]  # function names referenced
    program: Program = field(repr=False, compare=False)

    def evaluate(
        self, variables: Mapping[str, Any], functions: Functions | None = None, *, meter: Meter | None = None
    ) -> Any:
        """Evaluate against case variables under ``meter`` (default: a new one on the default budget);
        any failure is an ``ExpressionError`` (``BudgetExceeded`` when a budget ran out)."""
        try:
            return self.program(Scope(variables, functions or _NO_FUNCTIONS, meter or Meter()))
        except ExpressionError as exc:
            exc.located(self.source)
            raise
        except SanxiangError:
            raise
        except Exception as exc:
            raise ExpressionError(
                f"表达式求值失败：{exc}", f"The expression failed: {exc}", source=self.source
            ) from exc


def is_expression_syntax(source: str) -> bool:
    """True if the text is one JUEL expression wrapped in ``${ }`` or ``#{ }``."""
    text = source.strip()
    return len(text) >= 3 and text[:2] in ("${", "#{") and text.endswith("}")


def compile_expression(
    source: str, *, allowed_functions: frozenset[str] = frozenset(), missing: Missing = "error"
) -> CompiledExpression:
    """Compile JUEL (``${...}``) or the Python form; raise ``ExpressionError`` if outside the language.

    ``missing``: "error" (default) raises on an unknown variable or key, "none" reads it as None/null.
    """
    return _compile(source, frozenset(allowed_functions), missing, condition=False)


def compile_condition(
    source: str, *, allowed_functions: frozenset[str] = frozenset(), missing: Missing = "error"
) -> CompiledExpression:
    """Like ``compile_expression``, but evaluation must yield a bool (``"false"`` is not truthy)."""
    return _compile(source, frozenset(allowed_functions), missing, condition=True)


@lru_cache(maxsize=1024)
def _compile(
    source: str, allowed_functions: frozenset[str], missing: str, *, condition: bool
) -> CompiledExpression:
    if missing not in MISSING_MODES:
        raise ValueError(f"missing must be 'error' or 'none', not {missing!r}")
    tree, checker = _check(source, allowed_functions)
    program = build(tree, missing=missing, juel=is_expression_syntax(source.strip()))
    if condition:
        program = _must_be_bool(program)
    return CompiledExpression(source, frozenset(checker.names), frozenset(checker.functions), program)


def _check(source: str, allowed_functions: frozenset[str]) -> tuple[ast.expr, Checker]:
    if not isinstance(source, str):
        raise ExpressionError("表达式必须是文本", f"An expression must be text, not {type(source).__name__}")
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(
            f"表达式过长（{len(source)} 个字符，上限 {MAX_SOURCE_LENGTH}）；请拆分或简化",
            f"The expression is too long ({len(source)} characters, limit "
            f"{MAX_SOURCE_LENGTH}); split or simplify it",
            source=source,
        )
    text = source.strip()
    if not text:
        raise ExpressionError(
            "表达式为空；请写条件，例如 ${approved}",
            "The expression is empty; write a condition, e.g. ${approved}",
            source=source,
        )
    juel = is_expression_syntax(text)
    try:
        tree = parse_juel(text) if juel else parse_python(text)
        locate = juel_locator if juel else python_locator(text)
        checker = Checker(allowed_functions, locate, python_form=not juel)
        checker.check(tree)
    except ExpressionError as exc:
        if exc.position is not None:  # positions were counted in the stripped text
            exc.position += len(source) - len(source.lstrip())
            exc.details["position"] = exc.position
        raise exc.located(source) from None
    return tree, checker


def _must_be_bool(program: Program) -> Program:
    def condition(scope: Scope) -> bool:
        result = program(scope)
        if type(result) is not bool:
            raise ExpressionError(
                f"条件的结果必须是 true/false，却得到 {describe(result)}；请写出比较，例如 "
                "${status == 'pass'}",
                f"A condition must yield true/false, got {describe(result)}; write a "
                "comparison, e.g. ${status == 'pass'}",
            )
        return result

    return condition
