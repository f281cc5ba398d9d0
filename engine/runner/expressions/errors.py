"""The one error of the expression language, with a Chinese and an English message."""

from __future__ import annotations

import reprlib
from typing import Any

from engine.errors import InvalidExpression

_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxtuple, _SHORT.maxlist, _SHORT.maxdict = 2, 4, 4, 4
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 44


class ExpressionError(InvalidExpression):
    """A diagram expression outside the safe language, or one that failed while evaluating."""

    def __init__(
        self, message_zh: str, message_en: str, *, source: str | None = None, position: int | None = None
    ) -> None:
        details: dict[str, Any] = {}
        if source is not None:
            details["source"] = source
        if position is not None:
            details["position"] = position
        super().__init__(message_zh, message_en, details=details)
        self.source = source
        self.position = position

    def located(self, source: str) -> ExpressionError:
        """Attach the expression text if the raiser did not know it; return self."""
        if self.source is None:
            self.source = source
            self.details["source"] = source
        return self


def describe(value: object) -> str:
    """A short, safe rendering of a value for an error message (never the whole of a large value)."""
    text = _SHORT.repr(value)
    return f"{type(value).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"
