"""Drive a shipped process (outdoor_advertising, the non-major grant path) through the API up to its
公示 task, with the real form field names; publish, withdraw and query disclosures as people would."""

from __future__ import annotations

import io
from typing import Any

from tests.integration.api_driver import waiting
from tests.integration.form_data import DENIED, form_data
from tests.support import ROOT, auth

PROCESS = "outdoor_advertising"
_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00\x00\x00\x28mdat"


def deploy_shipped(client: Any, *processes: str) -> None:
    files = [ROOT / "processes" / f"{p}.bpmn" for p in processes or (PROCESS,)]
    files += sorted((ROOT / "forms").glob("*.form"))
    data = {f"file{i}": (io.BytesIO(p.read_bytes()), p.name) for i, p in enumerate(files)}
    response = client.post(
        "/api/v1/deployments", data=data, headers=auth("li"), content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()


def _task(client: Any, case_id: str, element: str) -> dict[str, Any]:
    return next(t for t in waiting(client, case_id) if t["element_id"] == element)


def complete(client: Any, case_id: str, element: str, user: str, data: dict[str, Any]) -> None:
    task = _task(client, case_id, element)
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"variables": data}, headers=auth(user)
    )
    assert response.status_code == 200, response.get_json()


def record_video(client: Any, case_id: str, element: str, user: str) -> None:
    """The delivery is filmed (执法全过程记录): a video on the task, uploaded through the API."""
    task = _task(client, case_id, element)
    body = _MP4 + task["id"].encode("ascii")[:32].ljust(32, b"0")
    response = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        data=body,
        headers={
            **auth(user),
            "X-Filename": "delivery.mp4",
            "X-Task-Id": task["id"],
            "Content-Type": "video/mp4",
        },
    )
    assert response.status_code == 201, response.get_json()


def open_case(client: Any, process: str = PROCESS) -> str:
    response = client.post("/api/v1/cases", json={"process": process, "variables": {}}, headers=auth("wang"))
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def accept(client: Any, case_id: str, **applicant: Any) -> None:
    complete(client, case_id, "Task_Acceptance", "wang", form_data("acceptance", **applicant))


def review_and_propose(client: Any, case_id: str) -> None:
    complete(client, case_id, "Task_Review", "zhao", form_data("material-review"))
    complete(client, case_id, "Task_Proposal", "zhao", form_data("handler-review", investment=80000))


def decide(client: Any, case_id: str, *, grant: bool = True, **decision: Any) -> None:
    grant_data = {"licenceValidUntil": "2031-11-26", **decision}  # the form's field is a date
    chosen = grant_data if grant else {**DENIED, **decision}
    data = form_data("decision", **chosen)
    complete(client, case_id, "Task_Decision", "sun", data)


def deliver(client: Any, case_id: str, *, grant: bool = True) -> None:
    element = "Task_DeliverLicence" if grant else "Task_DeliverDenial"
    record_video(client, case_id, element, "wang")
    complete(client, case_id, element, "wang", form_data("delivery"))


def case_to_disclosure(
    client: Any, *, grant: bool = True, applicant: dict[str, Any] | None = None, **decision: Any
) -> str:
    """A case of outdoor_advertising from application to its 公示 task (now past it, at 归档)."""
    case_id = open_case(client)
    accept(client, case_id, **(applicant or {}))
    review_and_propose(client, case_id)
    decide(client, case_id, grant=grant, **decision)
    deliver(client, case_id, grant=grant)
    return case_id


def disclosure_of(client: Any, case_id: str, user: str = "wang") -> dict[str, Any]:
    response = client.get(f"/api/v1/disclosures?case={case_id}", headers=auth(user))
    assert response.status_code == 200, response.get_json()
    rows = response.get_json()
    assert len(rows) == 1, rows
    return dict(rows[0])


def publish(client: Any, disclosure_id: int, user: str = "wang", **body: Any) -> Any:
    return client.post(f"/api/v1/disclosures/{disclosure_id}/publish", json=body, headers=auth(user))


def withdraw(client: Any, disclosure_id: int, user: str = "sun", **body: Any) -> Any:
    return client.post(f"/api/v1/disclosures/{disclosure_id}/withdraw", json=body, headers=auth(user))


def issue_code(client: Any, case_id: str, user: str = "wang") -> str:
    response = client.post(f"/api/v1/cases/{case_id}/query-code", headers=auth(user))
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["query_code"])


def query(client: Any, case_id: str, code: str, ip: str = "203.0.113.7", **params: Any) -> Any:
    return client.post(
        "/query", data={"case": case_id, "code": code}, query_string=params, environ_base={"REMOTE_ADDR": ip}
    )
