"""A called procedure (``sanxiang.kind=procedure``, processes/service_delivery.bpmn, 送达) is no approval
item: it runs only as the child case of a call activity (private_school_establishment delivers through it),
cannot be opened by itself (API, /engine-rest), is not in the public item list and its child cases are not
counted as applications in the statistics; a decision drawn inside a procedure is SX-C220.

Camunda 7 has no such notion (any deployed process can be started); the refusal is Sanxiang's rule for the
three systems: the item holds the decision, its legal review and its disclosure
(docs/designers.md § Called procedures).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from engine.app import create_app
from engine.compliance import lint_bpmn
from engine.config import Settings
from tests.conftest import make_context
from tests.integration.pages_driver import log_in
from tests.processes.test_shipped_paths import JOURNEYS
from tests.processes.walker import PROCEDURES, Walk
from tests.support import ROOT, MovableClock, auth

DELIVERY = ROOT / "processes" / "service_delivery.bpmn"
FORMS = sorted((ROOT / "forms").glob("*.form"))
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"


@pytest.fixture
def walked(settings: Settings, clock: MovableClock) -> Iterator[tuple[Any, Any, Walk]]:
    """The production wiring, and one private school establishment case granted and delivered through 送达."""
    ctx = make_context(settings, clock)
    app = create_app(ctx)
    app.config["TESTING"] = True
    client = app.test_client()
    walk = Walk(client, ctx, clock, "private_school_establishment")
    for element, overrides in JOURNEYS["grant"]("private_school_establishment"):
        walk.step(element, overrides)
    yield client, ctx, walk
    ctx.database.dispose()


def test_the_shipped_procedure_is_service_delivery() -> None:
    assert PROCEDURES == ["service_delivery"]


def test_a_procedure_cannot_be_opened_as_a_case_by_itself(walked: tuple[Any, Any, Walk]) -> None:
    client, ctx, walk = walked
    response = client.post("/api/v1/cases", json={"process": "service_delivery"}, headers=auth("wang"))
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "process-is-procedure" and "service_delivery" in body["detail"]
    rest = client.post(
        "/engine-rest/process-definition/key/service_delivery/start", json={}, headers=auth("wang")
    )
    assert rest.status_code in (400, 422) and rest.get_json()["sanxiangCode"] == "process-is-procedure"
    year = walk.case_id.split("-")[0]
    with ctx.uow(readonly=True) as uow:
        assert uow.cases.get(f"{year}-000002") is not None  # the child the call activity opened
        assert uow.cases.get(f"{year}-000003") is None, "the refusals opened no case"
    children = walk.case()["children"]
    assert len(children) == 1 and children[0]["status"] == "completed", "a call activity opens it"


def test_the_procedure_is_no_item_of_the_public_list_and_its_cases_are_no_applications(
    walked: tuple[Any, Any, Walk],
) -> None:
    client, _ctx, walk = walked
    home = client.get("/").get_data(as_text=True)
    assert "民办学校设立许可" in home and "service_delivery" not in home
    assert client.get("/items/service_delivery").status_code == 404
    assert client.get("/items/private_school_establishment").status_code == 200
    stats = client.get("/open/statistics.json").get_json()
    assert "service_delivery" not in [i["key"] for i in stats["items"]]
    school = next(i for i in stats["items"] if i["key"] == "private_school_establishment")
    assert school["total"]["applications"] == 1 and school["total"]["grants"] == 1
    assert stats["overall"]["applications"] == 1, "the child case (送达) is a step, not an application"
    assert walk.case(next(iter(walk.children)))["process_key"] == "service_delivery"


def _with_decision_inside(data: bytes) -> bytes:
    """The receipt filing of service_delivery redrawn as a decision task (sanxiang.role=decision)."""
    root = etree.fromstring(data)
    task = root.find(f".//{BPMN}userTask[@id='Task_FileReceipt']")
    assert task is not None
    role = task.find(f".//{CAMUNDA}property[@name='sanxiang.role']")
    assert role is not None
    role.set("value", "decision")
    task.set(f"{CAMUNDA}formRef", "decision")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_decision_inside_a_procedure_is_sx_c220_and_the_clean_procedure_lints_clean() -> None:
    data = DELIVERY.read_bytes()
    assert lint_bpmn(data, filename="service_delivery.bpmn") == []
    found = lint_bpmn(_with_decision_inside(data), filename="service_delivery.bpmn")
    c220 = [f for f in found if f.code == "SX-C220"]
    assert [f.element_id for f in c220] == ["Task_FileReceipt"] and c220[0].line
    assert "决定" in c220[0].message_zh and "decision" in c220[0].message_en
    assert "SX-C219" not in {f.code for f in found}


def test_deploying_a_procedure_with_a_decision_is_refused_by_name(
    settings: Settings, clock: MovableClock
) -> None:
    ctx = make_context(settings, clock)
    app = create_app(ctx)
    app.config["TESTING"] = True
    client = app.test_client()
    try:
        data = {"file0": (io.BytesIO(_with_decision_inside(DELIVERY.read_bytes())), "service_delivery.bpmn")}
        response = client.post(
            "/api/v1/deployments", data=data, headers=auth("li"), content_type="multipart/form-data"
        )
        assert response.status_code == 400, response.get_json()
        codes = {f["code"] for f in response.get_json()["findings"]}
        assert "SX-C220" in codes
    finally:
        ctx.database.dispose()


def test_the_console_shows_the_delivery_child_of_the_item_case(walked: tuple[Any, Any, Walk]) -> None:
    """The supervisor sees the 送达 child case from the item's case page and back (shipped processes, demo
    users' roles); the child's steps are on the child's page."""
    client, _ctx, walk = walked
    child = next(iter(walk.children))
    log_in(client, "zhou")
    page = client.get(f"/console/cases/{walk.case_id}").get_data(as_text=True)
    assert 'id="child-cases"' in page and f"/console/cases/{child}" in page
    page = client.get(f"/console/cases/{child}").get_data(as_text=True)
    assert 'id="parent-case"' in page and f"/console/cases/{walk.case_id}" in page
    assert "Task_DeliverLicence" in page and "送达回证入卷" in page


def test_the_delivery_is_due_within_ten_working_days(walked: tuple[Any, Any, Walk]) -> None:
    """行政许可法 第四十四条/第八十二条: the licence is delivered within 10 working days of the decision
    (``camunda:dueDate="${workdays(10)}"`` on the procedure's delivery task, read in working days)."""
    _client, _ctx, walk = walked
    tasks = walk.case(next(iter(walk.children)))["tasks"]
    deliver = next(t for t in tasks if t["element_id"] == "Task_Deliver")
    created, due = deliver["created_at"], deliver["due_at"]
    # created Friday 27 November (Beijing time): working days 30 Nov … 11 Dec, due at the end of the tenth
    assert created.startswith("2026-11-27") and due == "2026-12-11T15:59:59+00:00", (created, due)


def test_the_linter_follows_the_call_an_item_delivering_through_a_procedure_without_delivery_is_refused(
    settings: Settings, clock: MovableClock
) -> None:
    """SX-D174 on the shipped pair: the item's delivery steps call 送达, so 送达 must deliver."""
    root = etree.fromstring(DELIVERY.read_bytes())
    role = root.find(f".//{BPMN}userTask[@id='Task_Deliver']//{CAMUNDA}property[@name='sanxiang.role']")
    assert role is not None
    role.getparent().remove(role)  # type: ignore[union-attr]
    school = ROOT / "processes" / "private_school_establishment.bpmn"
    ctx = make_context(settings, clock)
    client = create_app(ctx).test_client()
    try:
        forms = {f"form{i}": (io.BytesIO(p.read_bytes()), p.name) for i, p in enumerate(FORMS)}
        assert _deploy(client, forms).status_code == 201
        files = {
            "a": (io.BytesIO(etree.tostring(root, xml_declaration=True, encoding="UTF-8")), DELIVERY.name),
            "b": (io.BytesIO(school.read_bytes()), school.name),
        }
        response = _deploy(client, files)
        assert response.status_code == 400, response.get_json()
        found = {(f["code"], f["element_id"]) for f in response.get_json()["findings"]}
        assert found == {("SX-D174", "Task_DeliverLicence"), ("SX-D174", "Task_DeliverDenial")}
    finally:
        ctx.database.dispose()


def _deploy(client: Any, files: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/deployments", data=files, headers=auth("li"), content_type="multipart/form-data"
    )
