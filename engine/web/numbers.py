"""Numbers a client writes in a URL: bounded before they reach a handler or the database.

- ``<int:…>`` in every route of the app is ``BoundedInt`` (registered once, by ``install``): at most
  19 digits and at most ``MAX_ID`` (the database's 64-bit integer), else the route does not match: 404.
- ``PageQuery`` is the one paging parser of the JSON API: ``limit`` 1…``MAX_LIMIT``, ``offset``
  0…``MAX_OFFSET``; anything else is a 400 problem naming the parameter.
- ``whole_number`` reads any other integer parameter within bounds (``/engine-rest`` paging, console
  references, the open-data months), raising ``InvalidInput`` (400) otherwise.

Python's integers have no size: without these bounds ``/api/v1/disclosures/3260305751996261990400``
or ``offset=36716212633657737216`` reached the database driver and failed there (500).
"""

from __future__ import annotations

from typing import Any

from apiflask import APIFlask, Schema
from apiflask.fields import Integer
from apiflask.validators import Range
from werkzeug.routing import IntegerConverter, Map

from engine.errors import InvalidInput

MAX_ID = 2**63 - 1  # SQLite INTEGER, PostgreSQL BIGINT
MAX_OFFSET = 2**31 - 1
MAX_LIMIT = 500


class BoundedInt(IntegerConverter):
    """``<int:name>``: 1 to 19 digits, 0 ≤ value ≤ MAX_ID (``min``/``max`` may narrow it further)."""

    regex = r"\d{1,19}"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = None,
        signed: bool = False,
    ) -> None:  # noqa: A002 - werkzeug's names
        bounded = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits, min, bounded, signed)


def install(app: APIFlask) -> None:
    """Make ``int`` mean ``BoundedInt`` in every route registered after this call."""
    app.url_map.converters["int"] = BoundedInt


class PageQuery(Schema):
    """``limit`` and ``offset`` of every listing of the JSON API (subclass it for a listing's filters)."""

    limit = Integer(
        load_default=100,
        validate=Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"at most {MAX_LIMIT} rows"},
    )
    offset = Integer(load_default=0, validate=Range(min=0, max=MAX_OFFSET))


def whole_number(name: str, value: Any, default: int, *, least: int = 0, most: int = MAX_OFFSET) -> int:
    """An integer parameter (text or number) between ``least`` and ``most``; ``default`` when absent."""
    if value is None or value == "":
        return default
    text = str(value).strip()
    digits = text.lstrip("+-")
    if not digits.isdigit() or not digits.isascii() or len(digits) > 19:
        raise InvalidInput(
            f"参数 {name} 应为整数：{text[:40]!r}",
            f"Parameter {name} must be an integer: {text[:40]!r}",
            code="invalid-parameter",
            details={"parameter": name},
        )
    number = int(text)
    if not least <= number <= most:
        raise InvalidInput(
            f"参数 {name} 应在 {least} 到 {most} 之间",
            f"Parameter {name} must be from {least} to {most}",
            code="invalid-parameter",
            details={"parameter": name},
        )
    return number
