"""What a client writes in a URL, bounded before it reaches a handler or the database.

- ``<int:…>`` in every route of the app is ``BoundedInt`` (registered once, by ``install``): at most
  10 digits and at most ``MAX_ID`` (the id columns are ``Integer``: 32 bits on PostgreSQL), else the
  route does not match: 404.
- ``<name>`` (the default converter) is ``BoundedText``: one path segment of at most ``MAX_SEGMENT``
  characters (ids, keys, hashes are far shorter), else 404.
- ``PageQuery`` is the one paging parser of the JSON API: ``limit`` 1…``MAX_LIMIT``, ``offset``
  0…``MAX_OFFSET``; anything else is a 400 problem naming the parameter.
- ``whole_number`` reads any other integer parameter within bounds (``/engine-rest`` paging, console
  references, the open-data months), raising ``InvalidInput`` (400) otherwise.

Python's integers have no size: without these bounds ``/api/v1/disclosures/3260305751996261990400``
or ``offset=36716212633657737216`` reached the database driver and failed there (500).
"""

from __future__ import annotations

from apiflask import APIFlask, Schema
from apiflask.fields import Integer, String
from apiflask.validators import Length, Range
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from engine.errors import InvalidInput
from engine.kernel.json_types import JsonValue

MAX_ID = 2**31 - 1  # the id columns (SQLAlchemy Integer): PostgreSQL integer, the narrowest
MAX_OFFSET = 2**31 - 1
MAX_LIMIT = 500
MAX_SEGMENT = 200  # characters of one path segment
MAX_QUERY_TEXT = 100  # characters of a text query parameter (a key, an id, a name)


class BoundedInt(IntegerConverter):
    """``<int:name>``: 1 to 10 digits, 0 ≤ value ≤ MAX_ID (``min``/``max`` may narrow it further)."""

    regex = r"\d{1,10}"

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


class BoundedText(UnicodeConverter):
    """``<name>``: one path segment of 1 to ``MAX_SEGMENT`` characters (unless the rule says otherwise)."""

    def __init__(
        self, map: Map, minlength: int = 1, maxlength: int | None = MAX_SEGMENT, length: int | None = None
    ) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.maxlength = maxlength if length is None else length


def install(app: APIFlask) -> None:
    """Make ``int`` and the default converter bounded in every route registered after this call."""
    app.url_map.converters["int"] = BoundedInt
    app.url_map.converters["default"] = BoundedText
    app.url_map.converters["string"] = BoundedText


def QueryText(description: str = "") -> String:  # noqa: N802 - a field, named like one
    """An optional text query parameter (a key, an id, a name) of at most ``MAX_QUERY_TEXT`` characters."""
    return String(
        load_default=None,
        validate=Length(max=MAX_QUERY_TEXT),
        metadata={"description": description} if description else {},
    )


class PageQuery(Schema):
    """``limit`` and ``offset`` of every listing of the JSON API (subclass it for a listing's filters)."""

    limit = Integer(
        load_default=100,
        validate=Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"at most {MAX_LIMIT} rows"},
    )
    offset = Integer(load_default=0, validate=Range(min=0, max=MAX_OFFSET))


def whole_number(name: str, value: JsonValue, default: int, *, least: int = 0, most: int = MAX_OFFSET) -> int:
    """An integer parameter (text or number) between ``least`` and ``most``; ``default`` when absent."""
    if value is None or value == "":
        return default
    text = str(value).strip()
    digits = text.lstrip("+-")
    if not digits.isdigit() or not digits.isascii() or len(digits) > 20:
        raise InvalidInput(
            f"参数 {name} 应为整数：{text[:40]!r}",
            f"Parameter {name} must be an integer: {text[:40]!r}",
            code="invalid-parameter",
            details={"parameter": name},
        )
    return _within(name, int(text), least, most)


def _within(name: str, number: int, least: int, most: int) -> int:
    if not least <= number <= most:
        raise InvalidInput(
            f"参数 {name} 应在 {least} 到 {most} 之间",
            f"Parameter {name} must be from {least} to {most}",
            code="invalid-parameter",
            details={"parameter": name},
        )
    return number
