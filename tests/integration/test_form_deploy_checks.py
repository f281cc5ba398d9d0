"""What the server could not check at submit time is reported when the form is deployed."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from engine.compliance import lint_form
from tests.support import CORPUS, ROOT, auth


def _form(*components: dict[str, Any]) -> bytes:
    return json.dumps({"id": "weird", "type": "default", "components": list(components)}).encode()


@pytest.mark.parametrize(
    ("component", "code"),
    [
        ({"type": "signaturepad", "key": "sig", "label": "签名"}, "SX-F308"),
        ({"type": "textfield", "key": "t", "validate": {"pattern": "(a+)+$"}}, "SX-F309"),
        ({"type": "textfield", "key": "t", "conditional": {"hide": "=some.function(x) > 3"}}, "SX-F310"),
    ],
)
def test_a_form_the_server_cannot_fully_check_is_reported_at_lint(
    component: dict[str, Any], code: str
) -> None:
    assert code in {f.code for f in lint_form(_form(component), filename="weird.form")}


def test_shipped_and_corpus_forms_have_nothing_the_server_cannot_check() -> None:
    files = [*(ROOT / "forms").glob("*.form"), *(CORPUS / "forms").glob("*")]
    for path in files:
        codes = {f.code for f in lint_form(path.read_bytes(), filename=path.name)}
        assert not codes & {"SX-F308", "SX-F309"}, path.name


def test_deploying_a_form_with_an_unknown_component_is_refused(client: Any) -> None:
    data = {"file0": (io.BytesIO(_form({"type": "signaturepad", "key": "sig"})), "weird.form")}
    response = client.post(
        "/api/v1/deployments", data=data, headers=auth("li"), content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert [f["code"] for f in response.get_json()["findings"]] == ["SX-F308"]
