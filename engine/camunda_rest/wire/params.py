"""Query parameters of Camunda's list and count endpoints, read strictly: each endpoint names the
filters it applies (``Filters``); any other parameter — one Camunda knows but we do not apply, or a typo —
answers 400 naming it, never silently ignored (a client filtering by ``dueBefore`` must not get every task).

A filter maps a Camunda parameter to a ``Criterion``: a field of the listing (the store knows its column),
an operation and the parsed value. Operations:

- ``eq``, ``like`` (Camunda's ``%`` wildcards), ``has`` (a list field holds the value), ``in``,
  ``notin`` (comma-separated, or a JSON list in a
  POST body), ``before``, ``after``, ``at`` (Camunda dates), ``int``, ``min``, ``max`` (integers);
- ``set`` / ``unset``: a flag — ``true`` filters on the field having / lacking a value, ``false`` is no filter
  (as in Camunda);
- ``never``: what no row of ours can match (a tenant: we have none), so the answer is empty; ``always``: a
  flag every row matches (``withoutTenantId``).

Sorting: ``sortBy`` + ``sortOrder`` (GET), or ``sorting: [{sortBy, sortOrder}]`` (POST bodies); paging:
``firstResult``, ``maxResults`` (at most ``MAX_RESULTS``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.camunda_rest.wire.json_shapes import parse_camunda_date
from engine.errors import InvalidInput
from engine.kernel.json_types import JsonValue
from engine.web.bounds import MAX_ID

MAX_RESULTS = 1000
PAGING = ("firstResult", "maxResults")
SORTING = ("sortBy", "sortOrder")
_TEXT_OPS = frozenset({"eq", "like", "has"})
_LIST_OPS = frozenset({"in", "notin"})
_DATE_OPS = frozenset({"before", "after", "at"})
_INT_OPS = frozenset({"int", "min", "max"})
_FLAG_OPS = frozenset({"set", "unset", "always", "true", "false"})


@dataclass(frozen=True)
class Criterion:
    field: str
    op: str
    value: JsonValue = None


@dataclass(frozen=True)
class Listing:
    criteria: tuple[Criterion, ...] = ()
    sort: tuple[tuple[str, bool], ...] = ()  # (field, descending)
    first: int = 0
    limit: int = MAX_RESULTS

    def value(self, field_: str, op: str = "eq") -> JsonValue:
        """The value of the first criterion on ``field_`` with ``op``, or None."""
        return next((c.value for c in self.criteria if c.field == field_ and c.op == op), None)


@dataclass(frozen=True)
class Filters:
    """What one endpoint applies: Camunda parameter -> (field, op); Camunda sort key -> field."""

    params: Mapping[str, tuple[str, str]]
    sorts: Mapping[str, str] = field(default_factory=dict)


def unsupported(name: str) -> InvalidInput:
    return InvalidInput(
        f"不支持参数 {name}：三项不应用该筛选条件（见 docs/camunda-rest.md）",
        f"Unsupported parameter {name}: Sanxiang does not apply it (see docs/camunda-rest.md)",
        code="unsupported-parameter",
        details={"parameter": name},
    )


def _bad(name: str, value: JsonValue, expected_zh: str, expected_en: str) -> InvalidInput:
    return InvalidInput(
        f"参数 {name} 的值 {value!r} 无效：应为{expected_zh}",
        f"Cannot set query parameter '{name}' to value '{value}': expected {expected_en}",
        code="invalid-parameter",
        details={"parameter": name},
    )


def flag(name: str, value: JsonValue) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in ("true", "false"):
        raise _bad(name, value, " true 或 false", "true or false")
    return text == "true"


def integer(name: str, value: JsonValue, *, minimum: int | None = None) -> int:
    """An integer parameter, at most ``MAX_ID`` either way (``engine.web.bounds``: what the database's
    integer columns hold; a larger number failed in the driver)."""
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise _bad(name, value, "整数", "an integer") from exc
    if isinstance(value, bool) or (minimum is not None and number < minimum):
        raise _bad(name, value, f"不小于 {minimum} 的整数", f"an integer of at least {minimum}")
    if abs(number) > MAX_ID:
        raise _bad(name, value, f"绝对值不大于 {MAX_ID} 的整数", f"an integer of at most {MAX_ID}")
    return number


def _listed(value: JsonValue) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(str(i) for i in items if str(i) != "")


def _criterion(name: str, field_: str, op: str, value: JsonValue) -> Criterion | None:
    if op in _TEXT_OPS:
        return Criterion(field_, op, str(value))
    if op in _LIST_OPS:
        return Criterion(field_, op, _listed(value))
    if op in _DATE_OPS:
        if not isinstance(value, str):
            raise _bad(name, value, "日期", "a date")
        return Criterion(field_, op, parse_camunda_date(value))
    if op in _INT_OPS:
        return Criterion(field_, op, integer(name, value))
    if op in _FLAG_OPS:
        given = flag(name, value)
        return Criterion(field_, op) if given and op != "always" else None
    if op == "never":
        return Criterion(field_, op)
    raise ValueError(f"unknown filter operation {op}")  # a programming error in a Filters table


def _sorting(filters: Filters, pairs: list[tuple[JsonValue, JsonValue]]) -> tuple[tuple[str, bool], ...]:
    sort: list[tuple[str, bool]] = []
    for by, order in pairs:
        if by is None or order is None:
            raise InvalidInput(
                "sortBy 和 sortOrder 须同时给出",
                "Only a single sorting parameter specified. sortBy and sortOrder required",
                code="invalid-sorting",
            )
        if str(by) not in filters.sorts:
            raise unsupported(f"sortBy={by}")
        if str(order) not in ("asc", "desc"):
            raise _bad("sortOrder", order, " asc 或 desc", "asc or desc")
        sort.append((filters.sorts[str(by)], str(order) == "desc"))
    return tuple(sort)


def _paging(args: Mapping[str, JsonValue]) -> tuple[int, int]:
    first = integer("firstResult", args["firstResult"], minimum=0) if args.get("firstResult") else 0
    given = args.get("maxResults")
    limit = integer("maxResults", given, minimum=0) if given not in (None, "") else MAX_RESULTS
    return first, min(limit, MAX_RESULTS)


def listing(
    filters: Filters,
    args: Mapping[str, JsonValue],
    *,
    paging: Mapping[str, JsonValue] | None = None,
    counting: bool = False,
    extra: frozenset[str] = frozenset(),
) -> Listing:
    """Parse a GET query string (``args``) or a POST body (``args``, with ``paging`` from the query
    string). Counting endpoints take neither sorting nor paging. ``extra`` names parameters the endpoint
    reads itself (e.g. ``deserializeValues``)."""
    body = paging is not None
    controls = set() if counting else {*PAGING, *SORTING, *(("sorting",) if body else ())}
    criteria: list[Criterion] = []
    for name, value in args.items():
        if name in controls or name in extra or (value is None and body):
            continue
        if name not in filters.params:
            raise unsupported(name)
        found = _criterion(name, *filters.params[name], value)
        if found is not None:
            criteria.append(found)
    if counting:
        return Listing(tuple(criteria))
    if body:
        pairs = [
            (s.get("sortBy"), s.get("sortOrder")) for s in args.get("sorting") or () if isinstance(s, dict)
        ]
    else:
        pairs = (
            [(args.get("sortBy"), args.get("sortOrder"))] if ("sortBy" in args or "sortOrder" in args) else []
        )
    first, limit = _paging(paging if paging is not None else args)
    return Listing(tuple(criteria), _sorting(filters, pairs), first, limit)


def only(args: Mapping[str, JsonValue], allowed: frozenset[str]) -> None:
    """Refuse any parameter but ``allowed`` (endpoints without filters)."""
    for name in args:
        if name not in allowed:
            raise unsupported(name)
