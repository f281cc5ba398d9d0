"""Camunda Modeler's Deploy button against /engine-rest, replayed byte for byte.

The request shapes come from Camunda Modeler 5.x's source (camunda/camunda-modeler):
- client/src/plugins/camunda-plugin/shared/CamundaAPI.js (read at commit
  00ff8ffc14ee1808d485f41044a4fa345c054ad5): ``deployDiagram`` appends to a browser FormData, in this
  order, ``deployment-name``, ``deployment-source`` = "Camunda Modeler", ``enable-duplicate-filtering``
  = "true", ``tenant-id`` (only when set), the diagram as ``Blob([contents], {type: 'text/xml'})``
  under its file name, then each attachment as an untyped ``Blob`` under its file name; it never
  sends ``deploy-changed-only`` (its CamundaAPISpec asserts so). ``checkConnection`` is
  ``GET /deployment?maxResults=0``; ``getVersion`` is ``GET /version``. Every request carries
  ``accept: application/json`` and ``authorization: Basic base64(user:password)`` or ``Bearer <token>``
  (shared/RestAPI.js). A refusal is recognised as a diagram error when ``message`` starts with
  "ENGINE-09005 Could not parse BPMN process." and ``message`` is what the Modeler logs.
- client/src/plugins/camunda-plugin/deployment-tool/DeploymentTool.js (commit
  b47e39a243646d64a06782da354aa0560aeb04bf): the deployment name defaults to the file name without
  its extension; ``GET /version`` is asked before the deployment.
The multipart body is Chromium's (Electron's fetch with FormData): boundary
``----WebKitFormBoundary`` + 16 characters, CRLF line ends, ``Content-Type`` only on file parts
(``application/octet-stream`` for an untyped Blob).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.support import ROOT, MovableClock

PROCESS = "outdoor_advertising"
FORMS = (
    "acceptance",
    "supplement",
    "material-review",
    "handler-review",
    "legal-review",
    "contest",
    "proposal-revision",
    "coordination",
    "decision",
    "delivery",
    "archive",
)
BOUNDARY = "----WebKitFormBoundaryq3Xz7LmN2pRtK8vW"
LEGAL_REVIEW_ROLE = '<camunda:property name="sanxiang.role" value="legal-review" />'


@pytest.fixture
def full_ctx(settings: Settings, clock: MovableClock) -> Iterator[AppContext]:
    """The full compliance rules, as every real deployment runs them."""
    context = make_context(settings, clock)
    yield context
    context.database.dispose()


@pytest.fixture
def modeler(full_ctx: AppContext) -> Any:
    from engine.app import create_app

    app = create_app(full_ctx)
    app.config["TESTING"] = True
    return app.test_client()


def basic(user: str, secret: str | None = None) -> dict[str, str]:
    pair = f"{user}:{secret or 'demo-' + user}".encode()
    return {"accept": "application/json", "authorization": "Basic " + base64.b64encode(pair).decode()}


def modeler_body(diagram: bytes, attachments: list[tuple[str, bytes]], tenant: str | None = None) -> bytes:
    """What Chromium's FormData serialises for CamundaAPI.deployDiagram."""

    def text(name: str, value: str) -> bytes:
        return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()

    def blob(name: str, content: bytes, content_type: str) -> bytes:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        return head.encode() + content + b"\r\n"

    parts = [
        text("deployment-name", PROCESS),
        text("deployment-source", "Camunda Modeler"),
        text("enable-duplicate-filtering", "true"),
    ]
    if tenant:
        parts.append(text("tenant-id", tenant))
    parts.append(blob(f"{PROCESS}.bpmn", diagram, "text/xml"))
    parts += [blob(name, content, "application/octet-stream") for name, content in attachments]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def forms() -> list[tuple[str, bytes]]:
    return [(f"{name}.form", (ROOT / "forms" / f"{name}.form").read_bytes()) for name in FORMS]


def shipped_diagram() -> bytes:
    return (ROOT / "processes" / f"{PROCESS}.bpmn").read_bytes()


def deploy(client: Any, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(
        "/engine-rest/deployment/create",
        data=body,
        headers={**headers, "content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


def test_the_modeler_connection_check_and_version_answer_like_camunda(modeler: Any) -> None:
    assert modeler.get("/engine-rest/version", headers=basic("li")).get_json() == {"version": "7.21.0"}
    check = modeler.get("/engine-rest/deployment?maxResults=0", headers=basic("li"))
    assert check.status_code == 200 and check.get_json() == []
    assert modeler.get("/engine-rest/deployment/count", headers=basic("li")).get_json() == {"count": 0}


def test_wrong_or_missing_credentials_are_refused_as_the_modeler_expects(modeler: Any) -> None:
    assert modeler.get("/engine-rest/deployment?maxResults=0").status_code == 401
    assert modeler.get("/engine-rest/version", headers=basic("li", "demo-wang")).status_code == 401
    bearer = {"accept": "application/json", "authorization": "Bearer demo-li"}
    assert modeler.get("/engine-rest/deployment?maxResults=0", headers=bearer).status_code == 200
    refused = deploy(modeler, modeler_body(shipped_diagram(), forms()), basic("wang"))
    assert refused.status_code == 403  # the Modeler shows "not permitted to deploy"
    assert refused.get_json()["type"] == "AuthorizationException"
    assert "只有流程设计人员可以部署" in refused.get_json()["message"]


def test_a_modeler_deployment_answers_camundas_json(modeler: Any) -> None:
    response = deploy(modeler, modeler_body(shipped_diagram(), forms()), basic("li"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["name"] == PROCESS and body["source"] == "Camunda Modeler" and body["tenantId"] is None
    assert body["deploymentTime"] == "2026-11-27T09:00:00.000+0800"
    assert body["links"] == [
        {"method": "GET", "href": f"http://localhost/engine-rest/deployment/{body['id']}", "rel": "self"}
    ]
    ((definition_id, definition),) = body["deployedProcessDefinitions"].items()
    key, version, uuid = definition_id.split(":")
    assert (key, version, len(uuid)) == (PROCESS, "1", 36)
    assert definition["deploymentId"] == body["id"] and definition["version"] == 1
    assert definition["name"] == "户外广告设施设置审批"
    assert body["deployedCaseDefinitions"] is None and body["deployedDecisionDefinitions"] is None
    listed = modeler.get(f"/engine-rest/process-definition/key/{PROCESS}", headers=basic("li")).get_json()
    assert listed["id"] == definition_id
    again = modeler.get(f"/engine-rest/deployment/{body['id']}", headers=basic("li")).get_json()
    assert again["id"] == body["id"]
    assert modeler.get("/engine-rest/deployment/count", headers=basic("li")).get_json() == {"count": 1}


def test_deploying_the_same_files_again_answers_the_existing_deployment(modeler: Any) -> None:
    body = modeler_body(shipped_diagram(), forms())
    first = deploy(modeler, body, basic("li")).get_json()
    again = deploy(modeler, body, basic("li"))
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"]
    assert again.get_json()["deployedProcessDefinitions"] is None  # Camunda: nothing new deployed
    assert modeler.get("/engine-rest/deployment/count", headers=basic("li")).get_json() == {"count": 1}


def test_a_refused_diagram_lists_every_violation_in_camundas_parse_error_shape(
    modeler: Any, full_ctx: AppContext
) -> None:
    diagram = shipped_diagram().decode().replace(LEGAL_REVIEW_ROLE, "").encode()
    expected = [f for f in full_ctx.lint(diagram, f"{PROCESS}.bpmn") if f.severity.value == "error"]
    assert len(expected) >= 2
    response = deploy(modeler, modeler_body(diagram, forms()), basic("li"))
    assert response.status_code == 400
    body = response.get_json()
    assert body["type"] == "ParseException"
    assert body["message"].startswith("ENGINE-09005 Could not parse BPMN process. Errors: ")
    errors = body["details"][f"{PROCESS}.bpmn"]["errors"]
    assert len(errors) == len(expected)
    for finding, problem in zip(expected, errors, strict=True):
        assert problem["mainElementId"] == finding.element_id
        assert problem["elementIds"] == [finding.element_id]
        assert problem["line"] == finding.line
        assert finding.message_zh in problem["message"] and finding.message_en in problem["message"]
        assert f"{problem['message']} | resource {PROCESS}.bpmn | line {finding.line}" in body["message"]
    assert modeler.get("/engine-rest/deployment/count", headers=basic("li")).get_json() == {"count": 0}


def test_a_diagram_without_its_forms_is_refused_with_the_reason(modeler: Any) -> None:
    response = deploy(modeler, modeler_body(shipped_diagram(), []), basic("li"))
    assert response.status_code == 400
    body = response.get_json()
    assert body["type"] == "ParseException"
    (problem,) = body["details"][f"{PROCESS}.bpmn"]["errors"]
    assert "未部署的表单" in problem["message"] and "not deployed" in problem["message"]


def test_a_tenant_is_refused_because_sanxiang_has_none(modeler: Any) -> None:
    response = deploy(modeler, modeler_body(shipped_diagram(), forms(), tenant="bureau-a"), basic("li"))
    assert response.status_code == 400
    assert response.get_json()["type"] == "InvalidRequestException"
    assert "Tenant ID" in response.get_json()["message"]
