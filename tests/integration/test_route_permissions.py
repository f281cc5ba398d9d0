"""Every mutating route declares what it needs, and docs/permissions.md says the same.

Walks Flask's route table (``app.url_map``): a POST, PUT, PATCH or DELETE route without a declared
permission (``engine.web.permissions.requires``) — or the documented ``public`` / ``signed`` marker —
fails, and so does any difference from the table "Every mutating route and what it declares"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import click

from engine.cli import main
from engine.cli.permissions import COMMANDS, OPERATOR
from engine.people.permissions import RULES, Permission
from engine.web.permissions import MARKERS, declared
from tests.support import ROOT

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
DOC = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")


def mutating_routes(app: Any) -> dict[tuple[str, str], str | None]:
    found = {}
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & MUTATING):
            found[(method, rule.rule)] = declared(app.view_functions[rule.endpoint])
    return found


def documented_routes() -> dict[tuple[str, str], str]:
    rows = re.findall(r"^\| `([A-Z]+)` \| `([^`]+)` \| `([a-z.-]+)` \|$", DOC, flags=re.MULTILINE)
    return {(method, rule): what for method, rule, what in rows}


def test_every_mutating_route_declares_a_permission_or_a_marker(app: Any) -> None:
    routes = mutating_routes(app)
    assert len(routes) > 50
    undeclared = sorted(route for route, what in routes.items() if what is None)
    assert undeclared == []
    known = {p.value for p in Permission} | set(MARKERS)
    assert {what for what in routes.values()} <= known


def test_the_documented_route_table_is_the_route_table(app: Any) -> None:
    assert documented_routes() == mutating_routes(app)


def test_every_permission_has_its_one_check_and_its_line_in_the_documentation() -> None:
    assert set(RULES) == set(Permission)
    table = DOC[DOC.index("## 权限") : DOC.index("## 拒绝")]
    assert {p.value for p in Permission} <= set(re.findall(r"`([a-z]+\.[a-z.-]+)`", table))


def test_the_openapi_document_declares_the_403_of_the_api_routes_that_need_a_permission(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    declared_403 = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            refused = operation["responses"].get("403")
            if refused:
                assert "application/problem+json" in refused["content"], (method, path)
                declared_403.append((method.upper(), path))
    assert ("POST", "/api/v1/cases/{case_id}/withdraw") in declared_403
    assert ("POST", "/api/v1/tasks/{task_id}/complete") in declared_403
    assert ("GET", "/api/v1/cases/{case_id}") in declared_403
    api_routes = [
        (m, r)
        for (m, r), what in mutating_routes(client.application).items()
        if r.startswith("/api/v1") and what not in MARKERS
    ]
    assert len(declared_403) >= len(api_routes)
    withdraw = spec["paths"]["/api/v1/cases/{case_id}/withdraw"]["post"]["responses"]
    assert {"200", "401", "403"} <= set(withdraw)


def commands(group: click.Group, prefix: str = "") -> Iterator[str]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


def test_every_cli_command_declares_what_it_needs_as_the_documentation_says() -> None:
    assert set(commands(main)) == set(COMMANDS)
    assert set(COMMANDS.values()) <= {p.value for p in Permission} | {OPERATOR}
    rows = re.findall(r"^\| `sanxiang ([a-z -]+)` \| `([a-z.-]+)` \|$", DOC, flags=re.MULTILINE)
    assert dict(rows) == COMMANDS
