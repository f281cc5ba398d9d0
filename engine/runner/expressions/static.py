"""What can be known about an expression's budget before any case runs it (the linter's SX-D132).

The parts of an expression that read no variable and call no function are the same in every case:
``[[[1] * 1000] * 1000] * 1000``, ``10 ** 10 ** 10``, ``'x' * 100000 * 100000``. They are evaluated
here once, and an error they raise (a value too large, a number too large, a division by zero…) is an
error every case would meet: the diagram is refused at deploy. The caller passes one ``Meter`` for a
whole diagram, so that checking it costs at most one evaluation's budget; once that is spent, the
remaining constant parts are left to the run-time budget.

Scripts are checked line by line (``split_script``: the ``name = expression`` lines a script task
runs, the same reading as the runner's).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from engine.kernel.budgets import EvaluationBudget
from engine.runner.expressions.checker import Checker, juel_locator, parse_python
from engine.runner.expressions.compiler import is_expression_syntax
from engine.runner.expressions.el.juel import parse_juel
from engine.runner.expressions.errors import ExpressionError
from engine.runner.expressions.evaluator import Scope, build
from engine.runner.expressions.limits import MAX_SCRIPT_LINES, MAX_SOURCE_LENGTH
from engine.runner.expressions.meter import BudgetExceeded, Meter


def _script_too_long() -> ExpressionError:
    return ExpressionError(
        f"脚本超过 {MAX_SCRIPT_LINES} 行；请拆分为多个脚本任务或改为服务任务",
        f"The script has more than {MAX_SCRIPT_LINES} lines; split it into several "
        "script tasks or use a service task",
    )


def split_script(script: str) -> list[tuple[str, str]]:
    """(name, expression) of each ``name = expression`` line of a script (blank and ``#`` lines skipped);
    raises ``ExpressionError`` on any other line, and past ``MAX_SCRIPT_LINES`` lines."""
    lines: list[tuple[str, str]] = []
    for raw in script.splitlines():
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if len(lines) == MAX_SCRIPT_LINES:
            raise _script_too_long()
        name, sep, source = text.partition("=")
        if not sep or not name.strip().isidentifier() or source.startswith("="):
            raise ExpressionError(
                f"脚本行应为“变量 = 表达式”：{text}", f"A script line must read 'name = expression': {text}"
            )
        lines.append((name.strip(), source.strip()))
    return lines


def constant_failures(
    expressions: Sequence[tuple[str, str]], budget: EvaluationBudget
) -> list[tuple[str, str] | None]:
    """For each (kind, text) of one diagram — kind "condition" (one expression) or "script" (its lines) —
    why a constant part fails in every case (zh, en), or None; all within one evaluation's budget
    (the linter's ``ConstantCheck``, wired by the composition root)."""
    meter = Meter(budget)
    return [_failure(kind, text, meter) for kind, text in expressions]


def _failure(kind: str, text: str, meter: Meter) -> tuple[str, str] | None:
    try:
        sources = [source for _name, source in split_script(text)] if kind == "script" else [text]
    except ExpressionError:
        return None  # not a script of our language: SX-D109 or the compiler says so
    for source in sources:
        error = static_failure(source, meter)
        if error is not None:
            return error.message_zh, error.message_en
    return None


def static_failure(source: str, meter: Meter) -> ExpressionError | None:
    """The error a constant part of ``source`` raises in every case, or None (also when ``source`` is not
    in the language at all: that is the compiler's to report, and when ``meter`` ran out)."""
    tree = _checked_tree(source)
    if tree is None:
        return None
    for part in _constant_parts(tree):
        try:
            build(part, missing="error")(Scope({}, {}, meter))
        except BudgetExceeded as exc:
            if exc.budget in ("operations", "time"):
                return None  # too costly to know here: the run-time budget decides
            return exc.located(source)
        except ExpressionError as exc:
            return exc.located(source)
    return None


def _checked_tree(source: str) -> ast.expr | None:
    text = source.strip() if isinstance(source, str) else ""
    if not text or len(source) > MAX_SOURCE_LENGTH:
        return None
    juel = is_expression_syntax(text)
    try:
        tree = parse_juel(text) if juel else parse_python(text)
        called = frozenset(
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        )
        Checker(called, juel_locator if juel else (lambda node: None), python_form=not juel).check(tree)
    except ExpressionError:
        return None
    return tree


def _constant_parts(node: ast.AST) -> list[ast.expr]:
    """The largest sub-trees that read no variable and call nothing (bare literals left out)."""
    if not isinstance(node, ast.expr):
        return []
    if not any(isinstance(inner, ast.Name | ast.Call) for inner in ast.walk(node)):
        return [] if isinstance(node, ast.Constant) else [node]
    return [part for child in ast.iter_child_nodes(node) for part in _constant_parts(child)]
