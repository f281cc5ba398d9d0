"""Drive the JSON API like a client: deploy, open cases, work tasks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tests.support import FIXTURES, auth

REVIEW_FILES = ("c7_review.bpmn", "test-acceptance.form", "test-review.form")


def deploy(client: Any, *names: str, user: str = "li", folder: Path = FIXTURES) -> Any:
    data = {f"file{i}": (io.BytesIO((folder / n).read_bytes()), n) for i, n in enumerate(names)}
    return client.post(
        "/api/v1/deployments", data=data, headers=auth(user), content_type="multipart/form-data"
    )


def open_case(
    client: Any, process: str = "c7_review", user: str = "wang", **variables: Any
) -> dict[str, Any]:
    response = client.post(
        "/api/v1/cases", json={"process": process, "variables": variables}, headers=auth(user)
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def waiting(client: Any, case_id: str, user: str = "zhou") -> list[dict[str, Any]]:
    case = client.get(f"/api/v1/cases/{case_id}", headers=auth(user)).get_json()
    return [t for t in case["tasks"] if t["status"] == "ready"]


def complete(client: Any, case_id: str, element: str, user: str, **variables: Any) -> Any:
    task = next(t for t in waiting(client, case_id) if t["element_id"] == element)
    return client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"variables": variables}, headers=auth(user)
    )
