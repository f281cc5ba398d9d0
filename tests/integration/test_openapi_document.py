"""The OpenAPI document says what the server answers (docs/api-testing.md): every operation has a success,
every error is a problem body, the statuses any operation can give are there, and path parameters are
described as the server accepts them. ``scripts/fuzz-api`` checks the running server against it."""

from __future__ import annotations

from typing import Any

import pytest

from engine.web.bounds import MAX_ID, MAX_SEGMENT

METHODS = ("get", "post", "put", "delete", "patch")


@pytest.fixture
def spec(client: Any) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/api/v1/openapi.json").get_json()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in spec["paths"].items()
        for method in METHODS
        if method in item
    ]


def test_every_error_is_a_problem_body_and_every_operation_has_a_success(spec: dict[str, Any]) -> None:
    problem = spec["components"]["schemas"]["Problem"]
    assert {"code", "detail_zh", "detail_en", "errors", "findings"} <= set(problem["properties"])
    found = operations(spec)
    assert len(found) > 40
    for path, method, operation in found:
        responses = operation["responses"]
        assert any(status.startswith("2") for status in responses), (method, path)
        for status, response in responses.items():
            if status[0] in "45":
                assert response["content"] == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (method, path, status)


def test_the_statuses_every_operation_of_its_kind_can_give_are_documented(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        statuses = set(operation["responses"])
        assert "400" in statuses, (method, path)  # NUL, lone surrogates: any request
        assert "{" not in path or "404" in statuses, (method, path)
        assert "{" not in path or method == "get" or "409" in statuses, (method, path)
        assert "requestBody" not in operation or "413" in statuses, (method, path)
        assert not operation.get("security") or "401" in statuses, (method, path)
    complete = spec["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "413", "422"} <= set(complete)


def test_path_parameters_and_paging_are_described_as_the_server_accepts_them(spec: dict[str, Any]) -> None:
    def parameter(path: str, method: str, name: str) -> dict[str, Any]:
        return next(p for p in spec["paths"][path][method]["parameters"] if p["name"] == name)

    assert parameter("/api/v1/disclosures/{disclosure_id}", "get", "disclosure_id")["schema"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_ID,
    }
    assert parameter("/api/v1/cases/{case_id}", "get", "case_id")["schema"]["maxLength"] == MAX_SEGMENT
    assert parameter("/api/v1/console/cases/{case_id}/{verb}", "post", "verb")["schema"] == {
        "type": "string",
        "enum": ["cancel", "resume", "suspend"],
    }
    for listing in ("/api/v1/tasks", "/api/v1/disclosures", "/api/v1/webhooks/events"):
        assert parameter(listing, "get", "limit")["schema"]["maximum"] == 500
        assert parameter(listing, "get", "offset")["schema"]["maximum"] == 2**31 - 1


def test_files_are_documented_as_files(spec: dict[str, Any]) -> None:
    upload = spec["paths"]["/api/v1/cases/{case_id}/evidence"]["post"]
    assert set(upload["requestBody"]["content"]) == {"application/octet-stream", "multipart/form-data"}
    assert {"413", "415", "503", "507"} <= set(upload["responses"])
    assert {p["name"] for p in upload["parameters"]} >= {"X-Filename", "task", "coversWhole"}
    download = spec["paths"]["/api/v1/cases/{case_id}/evidence/{sha256}"]["get"]["responses"]["200"]
    assert list(download["content"]) == ["*/*"]
    export = spec["paths"]["/api/v1/cases/{case_id}/export"]["get"]["responses"]["200"]
    assert list(export["content"]) == ["application/zip"]
    deploy = spec["paths"]["/api/v1/deployments"]["post"]
    assert list(deploy["requestBody"]["content"]) == ["multipart/form-data"]
