"""``camunda:formRefBinding``: deployment, latest and version, as Camunda 7 binds a Camunda Form.

Reference: Camunda 7 docs "User Task Forms" → "Camunda Forms" → "Form reference binding" (deployment: the
form deployed with the diagram; latest: the newest at the time the form is used; version: the given
version); engine test ``api/form/RetrieveCamundaFormRefTest`` (taskFormBindingDeployment, …Latest,
…Version1). Which form a task uses shows in what its completion accepts (the server validates against it)."""

from __future__ import annotations

import io
import json
from typing import Any

from tests.conformance.c7.driver import DIAGRAMS, Case, deployed
from tests.support import auth


def deploy_form(client: Any, version_field: str) -> None:
    body = {
        "id": "c7-binding",
        "type": "default",
        "schemaVersion": 16,
        "components": [
            {
                "id": f"Field_{version_field}",
                "key": version_field,
                "type": "textfield",
                "label": version_field,
                "validate": {"required": True},
            }
        ],
    }
    data = {"file0": (io.BytesIO(json.dumps(body).encode()), "c7-binding.form")}
    response = client.post(
        "/api/v1/deployments", data=data, headers=auth("li"), content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()


def test_each_binding_uses_its_version_of_the_form(client: Any) -> None:
    deploy_form(client, "first")  # version 1
    deploy_form(client, "second")  # version 2: what the diagram is deployed with
    deployed(client, "c7_form_binding.bpmn")
    deploy_form(client, "third")  # version 3: deployed after the diagram
    case = Case(client, "c7_form_binding")
    refused = case.complete("Task_Version", "wang", second="x")
    assert refused.status_code == 400 and "first" in refused.get_json()["details"]["fields"]
    case.done("Task_Version", "wang", first="x")  # version="1"
    assert case.complete("Task_Deployment", "wang", third="x").status_code == 400
    case.done("Task_Deployment", "wang", second="x")  # the version deployed with the diagram
    assert case.complete("Task_Latest", "wang", second="x").status_code == 400
    case.done("Task_Latest", "wang", third="x")  # the newest when the task is worked
    assert case.status == "completed"


def test_a_diagram_bound_to_a_version_that_was_never_deployed_is_refused(client: Any) -> None:
    deploy_form(client, "first")
    xml = (DIAGRAMS / "c7_form_binding.bpmn").read_bytes()
    xml = xml.replace(b'formRefVersion="1"', b'formRefVersion="7"')
    response = client.post(
        "/api/v1/deployments",
        data={"file0": (io.BytesIO(xml), "x.bpmn")},
        headers=auth("li"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "c7-binding@v7" in response.get_json()["detail_en"]
