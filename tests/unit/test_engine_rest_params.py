"""Camunda's query parameters read strictly (``engine.camunda_rest.wire.params``) and applied to rows
computed in Python (``in_memory``): what a filter table names is applied, anything else is refused by name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.camunda_rest.queries.in_memory import count_rows, select_rows
from engine.camunda_rest.wire.params import Criterion, Filters, listing
from engine.errors import InvalidInput

FILTERS = Filters(
    params={
        "name": ("name", "eq"),
        "nameLike": ("name", "like"),
        "idIn": ("id", "in"),
        "dueBefore": ("due", "before"),
        "assigned": ("assignee", "set"),
        "withoutTenantId": ("tenant", "always"),
        "tenantIdIn": ("tenant", "never"),
        "member": ("groups", "has"),
    },
    sorts={"name": "name", "due": "due"},
)
ROWS = [
    {
        "id": "a",
        "name": "受理",
        "due": datetime(2026, 12, 1, tzinfo=UTC),
        "assignee": "wang",
        "groups": ["x"],
    },
    {"id": "b", "name": "审查", "due": None, "assignee": None, "groups": ["x", "y"]},
    {"id": "c", "name": "审核", "due": datetime(2026, 11, 1, tzinfo=UTC), "assignee": None, "groups": []},
]


def test_a_parameter_no_filter_names_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput) as refused:
        listing(FILTERS, {"name": "受理", "processVariables": "x_eq_1"})
    assert refused.value.code == "unsupported-parameter" and "processVariables" in refused.value.message_en
    with pytest.raises(InvalidInput, match="sortBy=created"):
        listing(FILTERS, {"sortBy": "created", "sortOrder": "asc"})
    with pytest.raises(InvalidInput, match="sortOrder required"):
        listing(FILTERS, {"sortBy": "name"})
    with pytest.raises(InvalidInput, match="firstResult"):
        listing(FILTERS, {"firstResult": "1"}, counting=True)  # a count has no pages


def test_values_are_parsed_and_flags_apply_only_when_true() -> None:
    parsed = listing(
        FILTERS,
        {
            "idIn": "a,b",
            "dueBefore": "2026-11-27T09:00:00.000+0800",
            "assigned": "false",
            "withoutTenantId": "true",
        },
    )
    assert parsed.criteria == (
        Criterion("id", "in", ("a", "b")),
        Criterion("due", "before", datetime(2026, 11, 27, 1, 0, tzinfo=UTC)),
    )
    body = listing(
        FILTERS,
        {"idIn": ["a"], "sorting": [{"sortBy": "due", "sortOrder": "desc"}]},
        paging={"maxResults": "5000"},
    )
    assert body.sort == (("due", True),) and body.limit == 1000
    with pytest.raises(InvalidInput, match="true or false"):
        listing(FILTERS, {"assigned": "yes"})


def test_rows_are_filtered_sorted_and_paged_like_the_sql_listings() -> None:
    like = listing(FILTERS, {"nameLike": "审%", "sortBy": "name", "sortOrder": "asc"})
    assert [r["id"] for r in select_rows(ROWS, like, "id")] == ["b", "c"]  # 审查 < 审核 by code point
    due = listing(FILTERS, {"sortBy": "due", "sortOrder": "asc", "maxResults": "2"})
    assert [r["id"] for r in select_rows(ROWS, due, "id")] == ["c", "a"]  # no due date last
    assert count_rows(ROWS, listing(FILTERS, {"assigned": "true"}, counting=True)) == 1
    assert count_rows(ROWS, listing(FILTERS, {"member": "y"}, counting=True)) == 1
    assert count_rows(ROWS, listing(FILTERS, {"tenantIdIn": "t1"}, counting=True)) == 0
