"""Syntax-tree nodes for JUEL semantics that Python's own tree cannot express.

The Python parser never produces these, so only translated JUEL can contain them.
"""

from __future__ import annotations

import ast


class EmptyTest(ast.expr):
    """JUEL ``empty x``: true for null, an empty string and an empty list or map."""

    _fields = ("operand",)

    def __init__(self, operand: ast.expr) -> None:
        super().__init__()
        self.operand = operand


class StrictBool(ast.expr):
    """A JUEL logical operand: true/false, with null read as false; anything else is an error."""

    _fields = ("operand",)

    def __init__(self, operand: ast.expr) -> None:
        super().__init__()
        self.operand = operand
