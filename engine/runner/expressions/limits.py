"""Fixed limits of the expression language (guards against abuse by a diagram author).

The limits a deployment may set (operations, time and value size of an evaluation, and more) are the
evaluation budget: ``engine.kernel.budgets``.
"""

MAX_SOURCE_LENGTH = 2_000  # characters of expression text
MAX_DEPTH = 64  # nesting depth of the syntax tree
MAX_INT_BITS = 4_096  # largest integer any literal or operation may produce (~1,233 digits)
MAX_SEQUENCE_LENGTH = 100_000  # longest string/list that + or * may produce
MAX_SCRIPT_LINES = 200  # "name = expression" lines of one script task
MISSING_MODES = frozenset({"error", "none"})
