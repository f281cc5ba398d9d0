"""Signed pushes from the provincial platform: applications open cases once, messages wake cases."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from werkzeug.serving import make_server

from engine.app import create_app
from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.integration.api_driver import complete, deploy
from tests.support import MovableClock, auth
from webhooks import new_secret, sign

SECRET = new_secret()
ITEM = "370102-XK-0901"
MESSAGE_FILES = ("c7_message.bpmn", "test-acceptance.form")


@pytest.fixture
def inbound_ctx(settings: Settings, clock: MovableClock) -> Iterator[AppContext]:
    context = make_context(settings.with_(inbound_secret=SECRET), clock, rules="dialect")
    yield context
    context.database.dispose()


@pytest.fixture
def api(inbound_ctx: AppContext) -> Any:
    app = create_app(inbound_ctx)
    app.config["TESTING"] = True
    client = app.test_client()
    assert deploy(client, *MESSAGE_FILES).status_code == 201
    return client


def application(application_id: str = "SD-2026-0001", **changes: Any) -> bytes:
    body = {
        "applicationId": application_id,
        "itemCode": ITEM,
        "submittedAt": "2026-11-27T08:30:00+08:00",
        "applicant": {
            "type": "organisation",
            "name": "济南某某餐饮有限公司",
            "idNumber": "91350100M000100Y43",
        },
        "materials": [{"name": "营业执照"}],
        "formData": {"amount": 12, "note": "网上申请"},
        **changes,
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def signed(
    body: bytes,
    clock: MovableClock,
    *,
    secret: str = SECRET,
    message_id: str = "msg_platform_1",
    age: timedelta = timedelta(0),
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        **sign(body, secret, message_id=message_id, timestamp=clock() - age),
    }


def counts(ctx: AppContext) -> tuple[int, int]:
    with ctx.uow(readonly=True) as uow:
        cases = len(uow.cases.list(limit=1000))
        records = sum(1 for _ in uow.records.all())
    return cases, records


def test_a_signed_application_opens_a_case_and_a_replay_creates_nothing(
    inbound_ctx: AppContext, api: Any, clock: MovableClock
) -> None:
    body = application()
    first = api.post("/webhooks/applications", data=body, headers=signed(body, clock))
    assert first.status_code == 201, first.get_json()
    case_id = first.get_json()["caseId"]
    assert first.get_json() == {"applicationId": "SD-2026-0001", "caseId": case_id, "created": True}
    case = api.get(f"/api/v1/cases/{case_id}", headers=auth("zhou")).get_json()
    assert (case["business_key"], case["started_by"], case["process_key"]) == (
        "SD-2026-0001",
        "platform",
        "c7_message",
    )
    assert case["applicant"]["idNumber"] == "91350100M000100Y43" and case["variables"]["amount"] == 12
    assert [t["element_id"] for t in case["tasks"]] == ["Task_Apply"]
    before = counts(inbound_ctx)
    replay = api.post("/webhooks/applications", data=body, headers=signed(body, clock))
    clock.advance(minutes=2)
    resent = api.post(
        "/webhooks/applications", data=body, headers=signed(body, clock, message_id="msg_platform_2")
    )
    for response in (replay, resent):
        assert response.status_code == 200
        assert response.get_json() == {"applicationId": "SD-2026-0001", "caseId": case_id, "created": False}
    assert counts(inbound_ctx) == before


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (lambda body, clock: signed(body, clock, secret=new_secret()), "bad_signature"),
        (lambda body, clock: signed(body, clock, age=timedelta(minutes=6)), "timestamp_too_old"),
        (lambda body, clock: signed(body, clock, age=-timedelta(minutes=6)), "timestamp_too_new"),
        (lambda body, clock: {"Content-Type": "application/json"}, "missing_header"),
        (lambda body, clock: {**signed(body, clock), "webhook-signature": "v1"}, "malformed_header"),
    ],
)
def test_a_forged_expired_or_missing_signature_is_refused_401_and_creates_nothing(
    inbound_ctx: AppContext, api: Any, clock: MovableClock, headers: Any, reason: str
) -> None:
    body = application()
    before = counts(inbound_ctx)
    response = api.post("/webhooks/applications", data=body, headers=headers(body, clock))
    assert response.status_code == 401
    assert response.get_json()["code"] == "webhook-signature" and response.get_json()["reason"] == reason
    assert counts(inbound_ctx) == before
    with inbound_ctx.uow(readonly=True) as uow:
        assert uow.webhooks.application_case("SD-2026-0001") is None


def test_a_tampered_body_is_refused(inbound_ctx: AppContext, api: Any, clock: MovableClock) -> None:
    headers = signed(application(), clock)
    tampered = application(itemCode="370102-XK-0001")
    response = api.post("/webhooks/applications", data=tampered, headers=headers)
    assert response.status_code == 401 and counts(inbound_ctx)[0] == 0


def test_an_application_outside_the_schema_is_refused_400_with_every_error(
    inbound_ctx: AppContext, api: Any, clock: MovableClock
) -> None:
    body = application(
        applicant={"type": "person", "name": "张三", "idNumber": "11010519491231002X"},
        materials=[{"url": "ftp://x"}],
        extra=1,
    )
    response = api.post("/webhooks/applications", data=body, headers=signed(body, clock))
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["code"] == "application-invalid"
    assert any("$.materials[0]" in e for e in problem["errors"])
    assert any("extra" in e for e in problem["errors"])
    unknown = application(itemCode="370102-XK-9999")
    response = api.post("/webhooks/applications", data=unknown, headers=signed(unknown, clock))
    assert response.status_code == 400 and response.get_json()["code"] == "unknown-item-code"
    assert counts(inbound_ctx)[0] == 0


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), json.loads(error.read())


def test_concurrent_duplicates_of_one_application_open_exactly_one_case(
    inbound_ctx: AppContext, api: Any, clock: MovableClock
) -> None:
    # Not the year's first case: CaseRepository.next_number races on creating the year's counter row
    # (PostgreSQL: two first cases of a year at once -> UniqueViolation), reported to the lead.
    earlier = application("SD-2026-0776")
    assert api.post("/webhooks/applications", data=earlier, headers=signed(earlier, clock)).status_code == 201
    httpd = make_server("127.0.0.1", 0, create_app(inbound_ctx), threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    body = application("SD-2026-0777")
    barrier = threading.Barrier(12)
    answers: list[tuple[int, dict[str, Any]]] = []

    def push(n: int) -> None:
        headers = signed(body, clock, message_id=f"msg_dup_{n}")
        barrier.wait()
        answers.append(_post(f"http://127.0.0.1:{httpd.server_port}/webhooks/applications", body, headers))

    threads = [threading.Thread(target=push, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    httpd.shutdown()
    assert sorted(status for status, _ in answers) == [200] * 11 + [201]
    assert len({answer["caseId"] for _, answer in answers}) == 1
    assert counts(inbound_ctx)[0] == 2


def test_a_signed_message_wakes_the_case_waiting_for_it_by_business_key(
    inbound_ctx: AppContext, api: Any, clock: MovableClock
) -> None:
    body = application("SD-2026-0042")
    case_id = api.post("/webhooks/applications", data=body, headers=signed(body, clock)).get_json()["caseId"]
    assert complete(api, case_id, "Task_Apply", "wang", amount=12, major=False).status_code == 200
    message = json.dumps({"businessKey": "SD-2026-0042", "variables": {"expertOpinion": "pass"}}).encode()
    forged = api.post(
        "/webhooks/messages/expert-review-done",
        data=message,
        headers=signed(message, clock, secret=new_secret()),
    )
    assert forged.status_code == 401
    woken = api.post("/webhooks/messages/expert-review-done", data=message, headers=signed(message, clock))
    assert woken.status_code == 200, woken.get_json()
    case = api.get(f"/api/v1/cases/{case_id}", headers=auth("zhou")).get_json()
    assert [t["id"] for t in case["tasks"] if t["status"] == "ready"] == woken.get_json()["createdTasks"]
    assert [t["element_id"] for t in case["tasks"] if t["status"] == "ready"] == ["Task_Approve"]
    assert case["variables"]["expertOpinion"] == "pass"
    assert [(h["action"], h["actor"]) for h in case["history"]][-1] == ("message.received", "platform")
    again = api.post("/webhooks/messages/expert-review-done", data=message, headers=signed(message, clock))
    assert again.status_code == 409 and again.get_json()["code"] == "message-not-awaited"
    stranger = json.dumps({"businessKey": "SD-404", "variables": {}}).encode()
    assert (
        api.post(
            "/webhooks/messages/expert-review-done", data=stranger, headers=signed(stranger, clock)
        ).status_code
        == 404
    )


def test_without_a_configured_secret_inbound_pushes_are_refused(client: Any) -> None:
    response = client.post("/webhooks/applications", data=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 503 and response.get_json()["code"] == "inbound-disabled"


def test_the_store_remembers_an_application_once(
    inbound_ctx: AppContext, api: Any, clock: MovableClock
) -> None:
    body = application("SD-2026-0500")
    case_id = api.post("/webhooks/applications", data=body, headers=signed(body, clock)).get_json()["caseId"]
    with inbound_ctx.uow() as uow:
        assert uow.webhooks.claim_application("SD-2026-0500", case_id, ITEM, clock()) is False
        assert uow.webhooks.claim_application("SD-2026-0501", case_id, ITEM, clock()) is True
