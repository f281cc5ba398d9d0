"""A ``Listing`` applied to rows computed in Python (the activity and variable histories, derived from
the record): the same criteria, sorting and paging as ``sql_filters`` gives the SQL listings."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache

from engine.camunda_rest.wire.params import Criterion, Listing
from engine.kernel.json_types import JsonValue


@cache
def _like(pattern: str) -> re.Pattern[str]:
    """SQL LIKE (``%`` any run, ``_`` one character) as a regular expression."""
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.DOTALL)


_TESTS: dict[str, Callable[[JsonValue, JsonValue], bool]] = {
    "eq": lambda have, want: have == want,
    "at": lambda have, want: have == want,
    "int": lambda have, want: have == want,
    "like": lambda have, want: have is not None and bool(_like(str(want)).fullmatch(str(have))),
    "in": lambda have, want: have in want,
    "has": lambda have, want: want in (have or ()),
    "notin": lambda have, want: have not in want,
    "before": lambda have, want: have is not None and have < want,
    "after": lambda have, want: have is not None and have > want,
    "set": lambda have, want: have is not None,
    "unset": lambda have, want: have is None,
    "true": lambda have, want: bool(have),
    "never": lambda have, want: False,
}


def matches(row: Mapping[str, JsonValue], criterion: Criterion) -> bool:
    return _TESTS[criterion.op](row.get(criterion.field), criterion.value)


def _key(value: JsonValue) -> tuple[bool, JsonValue]:
    return (value is None, value if value is not None else 0)


def select_rows(
    rows: Sequence[Mapping[str, JsonValue]], listing: Listing, tiebreak: str
) -> list[Mapping[str, JsonValue]]:
    """The rows every criterion accepts, sorted (``tiebreak`` last, for stable pages), one page of them."""
    found = [row for row in rows if all(matches(row, c) for c in listing.criteria)]
    found.sort(key=lambda row: _key(row.get(tiebreak)))
    for field, descending in reversed(listing.sort):
        found.sort(key=lambda row, f=field: _key(row.get(f)), reverse=descending)  # type: ignore[misc]
    return found[listing.first : listing.first + listing.limit]


def count_rows(rows: Sequence[Mapping[str, JsonValue]], listing: Listing) -> int:
    return sum(1 for row in rows if all(matches(row, c) for c in listing.criteria))
