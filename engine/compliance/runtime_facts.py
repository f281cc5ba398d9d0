"""What the linter cannot know by reading a file, handed in by the composition root (or the CLI).

The linter never runs a diagram, and never imports the runner. Some rules still need the runtime's
answer: whether an attribute's text (``${starter}``, ``group-${region}``, ``P2D``) compiles in the
runner's expression language, and which handlers this installation registered for service tasks and
listeners. ``RuntimeFacts`` carries those answers as plain callables and sets; without it (a bare
``lint_bpmn`` call) the rules that need it check only what the text itself shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# an attribute's text -> why the runner cannot compile it (zh, en), or None
TextCheck = Callable[[str], "tuple[str, str] | None"]
# (process key, binding, version or None) -> whether a call activity could call it (known at deploy)
ProcessCheck = Callable[[str, str, "int | None"], bool]
# (process key, binding, version or None) -> the sanxiang.role values of that process's elements, or None
ProcessRoles = Callable[[str, str, "int | None"], "frozenset[str] | None"]


@dataclass(frozen=True)
class RuntimeFacts:
    text_check: TextCheck | None = None
    handlers: frozenset[str] | None = None  # names a delegateExpression / external topic may use
    called_process: ProcessCheck | None = None  # SX-D175 (``compliance.calls``): set by the deploy
    called_roles: ProcessRoles | None = None  # SX-D174 (``compliance.calls``): set by the deploy
