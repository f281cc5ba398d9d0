"""Drive a conformance diagram through the JSON API: every call is one step, restored from the database and
saved again (the save/restore after every step that the conformance suite asks for). Deployment uses the
rules of the ``client``'s context (the ``ctx`` fixture: the dialect rules only), since a conformance
diagram shows one Camunda 7 construct, not the three systems."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.kernel.context import AppContext
from tests.support import auth

DIAGRAMS = Path(__file__).resolve().parent / "diagrams"


def deploy(client: Any, *names: str, user: str = "li", folder: Path | None = None) -> Any:
    """Deploy files of ``folder`` (default: the conformance diagrams) through the API; the response."""
    folder = folder or DIAGRAMS
    data = {f"file{i}": (io.BytesIO((folder / n).read_bytes()), n) for i, n in enumerate(names)}
    return client.post(
        "/api/v1/deployments", data=data, headers=auth(user), content_type="multipart/form-data"
    )


def deployed(client: Any, *names: str) -> None:
    response = deploy(client, *names)
    assert response.status_code == 201, response.get_json()


def add_users(ctx: AppContext, users: dict[str, Iterable[str]]) -> None:
    """Users (id -> groups) with the API token ``demo-<id>`` (``tests.support.auth``)."""
    now = ctx.clock()
    with ctx.uow() as uow:
        for user, groups in users.items():
            uow.users.upsert(user, user, list(groups), now)
            if uow.users.token(f"demo-{user}") is None:
                uow.users.add_token(user, f"demo-{user}", "test", now)
        uow.commit()


class Diagram:
    """One deployed conformance diagram and the cases opened on it."""

    def __init__(
        self, client: Any, name: str, *, forms: tuple[str, ...] = (), forms_folder: Path | None = None
    ) -> None:
        self.client, self.process = client, name
        if forms:
            assert deploy(client, *forms, folder=forms_folder).status_code == 201
        response = deploy(client, f"{name}.bpmn", folder=DIAGRAMS)
        assert response.status_code == 201, response.get_json()

    def open(self, **variables: Any) -> Any:
        """The response of opening a case with ``variables`` (as window clerk wang)."""
        return self.client.post(
            "/api/v1/cases", json={"process": self.process, "variables": variables}, headers=auth("wang")
        )

    def start(self, **variables: Any) -> str:
        response = self.open(**variables)
        assert response.status_code == 201, response.get_json()
        case_id: str = response.get_json()["id"]
        return case_id

    def case(self, case_id: str) -> dict[str, Any]:
        body: dict[str, Any] = self.client.get(f"/api/v1/cases/{case_id}", headers=auth("zhou")).get_json()
        return body

    def ready(self, case_id: str, element: str | None = None) -> list[dict[str, Any]]:
        """The waiting tasks, in the order the instances were created (their ``created_at``, then id)."""
        tasks = [
            t
            for t in self.case(case_id)["tasks"]
            if t["status"] == "ready" and (element is None or t["element_id"] == element)
        ]
        return tasks

    def tasks(self, case_id: str, status: str) -> list[dict[str, Any]]:
        return [t for t in self.case(case_id)["tasks"] if t["status"] == status]

    def complete(self, task: dict[str, Any], user: str, **variables: Any) -> Any:
        return self.client.post(
            f"/api/v1/tasks/{task['id']}/complete", json={"variables": variables}, headers=auth(user)
        )

    def sign(self, case_id: str, user: str, **variables: Any) -> dict[str, Any]:
        """Complete the waiting task assigned to ``user``; fail the test unless it succeeds."""
        [task] = [t for t in self.ready(case_id) if t["assignee"] == user]
        response = self.complete(task, user, **variables)
        assert response.status_code == 200, response.get_json()
        return task

    def assignees(self, case_id: str) -> list[str | None]:
        return sorted((t["assignee"] for t in self.ready(case_id)), key=lambda a: a or "")


class Case:
    """One case of a deployed conformance process."""

    def __init__(self, client: Any, process: str, user: str = "wang", **variables: Any) -> None:
        self.client = client
        response = client.post(
            "/api/v1/cases", json={"process": process, "variables": variables}, headers=auth(user)
        )
        assert response.status_code == 201, response.get_json()
        self.id: str = response.get_json()["id"]

    def view(self) -> dict[str, Any]:
        body: dict[str, Any] = self.client.get(f"/api/v1/cases/{self.id}", headers=auth("zhou")).get_json()
        return body

    def waiting(self) -> list[dict[str, Any]]:
        return [t for t in self.view()["tasks"] if t["status"] == "ready"]

    def task(self, element: str) -> dict[str, Any]:
        found = [t for t in self.waiting() if t["element_id"] == element]
        assert len(found) == 1, [t["element_id"] for t in self.waiting()]
        return found[0]

    def complete(self, element: str, user: str, **variables: Any) -> Any:
        task = self.task(element)
        return self.client.post(
            f"/api/v1/tasks/{task['id']}/complete", json={"variables": variables}, headers=auth(user)
        )

    def done(self, element: str, user: str, **variables: Any) -> None:
        response = self.complete(element, user, **variables)
        assert response.status_code == 200, response.get_json()

    def findings(self) -> list[dict[str, Any]]:
        """What the supervisor console lists for this case (code, reason in both languages, element)."""
        response = self.client.get(f"/api/v1/console?case={self.id}", headers=auth("zhou"))
        assert response.status_code == 200, response.get_json()
        found: list[dict[str, Any]] = response.get_json()["findings"]
        return found

    @property
    def variables(self) -> dict[str, Any]:
        found: dict[str, Any] = self.view()["variables"]
        return found

    @property
    def status(self) -> str:
        return str(self.view()["status"])
