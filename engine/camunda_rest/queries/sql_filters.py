"""A ``Listing`` (``engine.camunda_rest.wire.params``) as SQL: each field of a listing is a column, or a
function that turns a criterion into a condition (e.g. "had this candidate group": an EXISTS)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, false

from engine.camunda_rest.wire.params import Criterion, Listing
from engine.kernel.json_types import JsonValue

SqlColumn = ColumnElement[Any]  # a column (or a column expression) of any SQL type
Field = SqlColumn | Callable[[Criterion], ColumnElement[bool]]  # a column, or criterion -> condition


_CONDITIONS: dict[str, Callable[[SqlColumn, JsonValue], ColumnElement[bool]]] = {
    "eq": lambda column, value: column == value,
    "at": lambda column, value: column == value,
    "int": lambda column, value: column == value,
    "like": lambda column, value: column.like(value),
    "in": lambda column, value: column.in_(list(value)),
    "notin": lambda column, value: column.is_(None) | ~column.in_(list(value)),
    "before": lambda column, value: column < value,
    "after": lambda column, value: column > value,
    "min": lambda column, value: column >= value,
    "max": lambda column, value: column <= value,
    "set": lambda column, value: column.is_not(None),
    "unset": lambda column, value: column.is_(None),
    "never": lambda column, value: false(),
    "true": lambda column, value: column,
}


def condition(column: SqlColumn, c: Criterion) -> ColumnElement[bool]:
    """The condition ``c`` puts on ``column``."""
    made: ColumnElement[bool] = _CONDITIONS[c.op](column, c.value)
    return made


def apply(query: Select[Any], criteria: Sequence[Criterion], fields: Mapping[str, Field]) -> Select[Any]:
    for c in criteria:
        target = fields[c.field]
        query = query.where(
            target(c) if callable(target) and not isinstance(target, ColumnElement) else condition(target, c)
        )
    return query


def ordered(
    listing: Listing, query: Select[Any], fields: Mapping[str, Field], *tiebreak: SqlColumn
) -> Select[Any]:
    """Sorted as asked, then by ``tiebreak`` (stable pages); offset and limit applied."""
    keys = [
        _column(fields[name]).desc() if descending else _column(fields[name]).asc()
        for name, descending in listing.sort
    ]
    return query.order_by(*keys, *tiebreak).offset(listing.first).limit(listing.limit)


def _column(field: Field) -> SqlColumn:
    """A sortable field is a column (``params`` only lets a listing sort by those)."""
    if isinstance(field, ColumnElement):
        return field
    raise TypeError("only a column can sort a listing")
