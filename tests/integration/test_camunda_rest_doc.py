"""docs/camunda-rest.md's table of supported operations is the truth: every row is an operation of
Camunda 7.21's REST API (its OpenAPI document), and every route Sanxiang serves under /engine-rest is a
row — no undocumented operation, no documented one that is not there."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.camunda_openapi import document, operations
from tests.support import ROOT

DOC = (ROOT / "docs" / "camunda-rest.md").read_text(encoding="utf-8")
PREFIX = "/engine-rest"


def _shape(path: str) -> str:
    """A path with its parameters unnamed: /task/{id}/variables -> /task/{}/variables."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def table() -> list[tuple[str, str]]:
    return re.findall(r"^\| `([A-Z]+)` \| `(/[^`]*)` \|", DOC, flags=re.MULTILINE)


def served(app: Any) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX):
            path = _shape(re.sub(r"<[^>]+>", "{}", rule.rule[len(PREFIX) :]))
            found |= {(m, path) for m in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    return found


def test_the_reference_is_camunda_7_21s_whole_rest_api() -> None:
    assert document()["info"]["version"] == "7.21.0"
    assert len(operations()) == 393


def test_every_row_of_the_table_is_an_operation_of_camunda_7_21() -> None:
    rows = table()
    assert len(rows) == len(set(rows)) > 60
    assert sorted(set(rows) - operations()) == []


def test_every_route_under_engine_rest_is_a_row_of_the_table_and_every_row_is_served(app: Any) -> None:
    documented = {(m, _shape(p)) for m, p in table()}
    assert sorted(served(app) - documented) == []
    assert sorted(documented - served(app)) == []
