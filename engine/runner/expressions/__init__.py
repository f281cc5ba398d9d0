"""The safe expression language of diagram conditions, scripts and timers.

Two source forms, compiled once at deploy time and evaluated by walking a checked tree
(never ``eval``/``exec``/``compile``):

* JUEL as Camunda 7 users write it, wrapped in ``${...}`` or ``#{...}``: ``${amount > 1000 && major}``,
  ``${result eq 'pass'}``, ``${not empty comment}``, ``${applicant.type}``, ``${items[0]}``, ``a ? b : c``.
  ``a.b`` reads the key ``'b'`` of the map ``a`` (never a Python attribute). Comparisons, arithmetic,
  logic and property access follow the EL 2.2 coercion rules as Camunda 7 runs them (``el.operations``):
  ``'1500' > 1000`` is true, ``'true' == true`` is true, ``'abc' > 1`` is an error.
* The Python form (unwrapped): ``approved == True``, ``result in ['pass', 'return']``, ``x is None``.
  Attribute access ``a.b`` is refused: write ``a['b']``.

Both allow variables, str/int/float/bool/None literals, list/tuple/dict literals, comparisons,
logic, ``+ - * / // % **`` on numbers, ``+`` and ``*`` on strings/lists (bounded), ``in``,
conditional expressions, data subscripts, and calls to allow-listed functions (passed in at
evaluation). No attributes, lambdas, comprehensions, f-strings, walrus, starred or ``__`` names.

Unknown variables or keys raise ``ExpressionError`` (``missing="error"``, the default) or read as
None (``missing="none"``). Fixed limits of the language live in ``limits``; every evaluation also runs
under a ``Meter`` of the deployment's evaluation budget (``meter``, ``engine.kernel.budgets``), which
raises ``BudgetExceeded`` before work or a value over the budget is done or built.
"""

from engine.runner.expressions.compiler import (
    CompiledExpression,
    compile_condition,
    compile_expression,
    is_expression_syntax,
)
from engine.runner.expressions.errors import ExpressionError
from engine.runner.expressions.timers import TIMER_KINDS, compile_timer

__all__ = [
    "TIMER_KINDS",
    "CompiledExpression",
    "ExpressionError",
    "compile_condition",
    "compile_expression",
    "compile_timer",
    "is_expression_syntax",
]
