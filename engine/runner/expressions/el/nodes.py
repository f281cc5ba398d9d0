"""Syntax-tree nodes for JUEL semantics that Python's own tree cannot express (the EL 2.2 rules:
``operations``).

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


class ElBinary(ast.expr):
    """A JUEL comparison (``== != < > <= >=``) or arithmetic (``+ - * / %``) under the EL coercion rules."""

    _fields = ("left", "right")

    def __init__(self, left: ast.expr, symbol: str, right: ast.expr) -> None:
        super().__init__()
        self.left = left
        self.symbol = symbol
        self.right = right


class ElNegate(ast.expr):
    """JUEL unary minus: text and null are coerced to numbers."""

    _fields = ("operand",)

    def __init__(self, operand: ast.expr) -> None:
        super().__init__()
        self.operand = operand


class ElMember(ast.expr):
    """JUEL ``a.b`` / ``a[b]``: null for a null base, a missing map key or a list index out of range."""

    _fields = ("value", "key")

    def __init__(self, value: ast.expr, key: ast.expr) -> None:
        super().__init__()
        self.value = value
        self.key = key
