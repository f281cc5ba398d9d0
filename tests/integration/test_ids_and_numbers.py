"""Issue 13, item 8, through the real HTTP server: bad ids and numbers answered 500. Integers beyond what
the database holds in paths and query strings (``/api/v1/disclosures/3260305751996261990400``,
``offset=36716212633657737216``) reached the driver; ``/cases/<id>/deadlines`` failed once a clock stop
existed; a NUL character or a lone surrogate in a query or a body failed in the database.

Now each gets a clear answer (404 for what cannot exist, 400 with a problem naming the parameter), the
deadlines show their stops, and nothing changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.integration.deadline_driver import DeadlineCase
from tests.integration.live_server import Http, serving
from tests.support import FIXTURES, MovableClock, auth

HUGE = "3260305751996261990400"
OFFSET = "36716212633657737216"


@pytest.fixture
def live(settings: Settings, clock: MovableClock) -> Iterator[tuple[Http, AppContext, str]]:
    ctx = make_context(settings, clock, rules="dialect")
    with serving(ctx) as base:
        http = Http(base)
        http.deploy(
            [FIXTURES / "c7_review.bpmn", FIXTURES / "test-acceptance.form", FIXTURES / "test-review.form"]
        )
        yield http, ctx, base
    ctx.database.dispose()


def record_count(ctx: AppContext) -> int:
    with ctx.uow(readonly=True) as uow:
        return len(list(uow.records.all()))


def problem_of(response: requests.Response) -> dict[str, Any]:
    assert response.headers["Content-Type"] == "application/problem+json", response.text[:200]
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code and body["detail_zh"] and body["detail_en"]
    return body


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/disclosures/{HUGE}",
        "/api/v1/disclosures/2147483648",
        "/api/v1/disclosures/" + "9" * 5000,
        f"/api/v1/cases/{'x' * 201}",
        f"/api/v1/cases/{'x' * 201}/deadlines",
        f"/decisions/{HUGE}",
    ],
)
def test_an_id_beyond_what_the_database_holds_is_not_found(
    live: tuple[Http, AppContext, str], path: str
) -> None:
    http, _, base = live
    response = requests.get(base + path, headers=auth("zhou"), timeout=30)
    assert response.status_code == 404
    if path.startswith("/api/"):
        problem_of(response)
    response = requests.post(
        f"{base}/api/v1/disclosures/{HUGE}/publish", json={}, headers=auth("wang"), timeout=30
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "user", "parameter"),
    [
        (f"/api/v1/tasks?offset={OFFSET}", "zhou", "offset"),
        (f"/api/v1/disclosures?offset={OFFSET}", "zhou", "offset"),
        (f"/api/v1/webhooks/events?offset={OFFSET}", "admin", "offset"),
        ("/api/v1/tasks?limit=0", "zhou", "limit"),
        ("/api/v1/tasks?limit=100000", "zhou", "limit"),
        (f"/api/v1/tasks?limit={HUGE}", "zhou", "limit"),
        ("/api/v1/console?minAgeDays=4.4e16", "zhou", "minAgeDays"),
    ],
)
def test_a_paging_number_out_of_range_is_a_400_naming_it(
    live: tuple[Http, AppContext, str], path: str, user: str, parameter: str
) -> None:
    _, _, base = live
    response = requests.get(base + path, headers=auth(user), timeout=30)
    assert response.status_code == 400
    assert parameter in json.dumps(problem_of(response)["errors"])


def test_numbers_of_engine_rest_and_the_console_are_bounded_too(live: tuple[Http, AppContext, str]) -> None:
    _, _, base = live
    response = requests.get(f"{base}/engine-rest/task?firstResult={OFFSET}", headers=auth("zhou"), timeout=30)
    assert response.status_code == 400 and "firstResult" in response.json()["message"]
    response = requests.post(
        f"{base}/api/v1/console/retries/due/{OFFSET}",
        json={"reason": "重试"},
        headers=auth("zhou"),
        timeout=30,
    )
    assert response.status_code == 400 and problem_of(response)["code"] == "invalid-parameter"


def test_deadlines_with_a_clock_stop_are_shown(
    live: tuple[Http, AppContext, str], clock: MovableClock
) -> None:
    http, ctx, _ = live
    case = DeadlineCase(ctx, clock, "2026-10-12")
    case.complete("Task_Accept", "wang", "2026-10-12T10", materialsComplete=True)
    case.complete("Task_Review", "zhao", "2026-10-14T10", outcome="supplement")  # 补正: the clock stops
    deadlines = http.ok("GET", f"/api/v1/cases/{case.id}/deadlines", "zhou")
    (decision,) = [d for d in deadlines if d["kind"] == "decision"]
    assert (decision["stopped"], decision["due_on"]) == (True, None)
    assert decision["stops"] == [{"reason": "supplement", "stoppedOn": "2026-10-14", "resumedOn": None}]
    case.complete("Task_MoreMaterials", "wang", "2026-10-16T15")
    (decision,) = [
        d for d in http.ok("GET", f"/api/v1/cases/{case.id}/deadlines", "zhou") if d["kind"] == "decision"
    ]
    assert decision["stops"][0]["resumedOn"] == "2026-10-16" and decision["due_on"] == "2026-11-05"


def test_text_that_cannot_be_stored_is_a_400_and_changes_nothing(live: tuple[Http, AppContext, str]) -> None:
    http, ctx, base = live
    case = http.ok("POST", "/api/v1/cases", "wang", {"process": "c7_review", "variables": {}})
    (task,) = [t for t in case["tasks"] if t["status"] == "ready"]
    before = record_count(ctx)
    attacks = [
        ("GET", "/api/v1/tasks?case=%00", None),
        ("GET", "/api/v1/cases/%00", None),
        ("GET", "/engine-rest/task?processInstanceId=a%00b", None),
        ("POST", "/api/v1/cases", {"process": "c7_review", "businessKey": "a\x00b", "variables": {}}),
        ("POST", "/api/v1/cases", {"process": "c7_review", "variables": {"note": "\ud800"}}),
        ("POST", f"/api/v1/tasks/{task['id']}/complete", {"variables": {"note\x00": "x"}}),
        ("PUT", f"/api/v1/tasks/{task['id']}/draft", {"data": {"note": "\udfff"}}),
    ]
    for method, path, body in attacks:
        data = None if body is None else json.dumps(body)  # lone surrogates as \\u escapes
        response = requests.request(
            method,
            base + path,
            data=data,
            timeout=30,
            headers={**auth("wang"), "Content-Type": "application/json"},
        )
        assert response.status_code == 400, (method, path, response.text[:300])
        if not path.startswith("/engine-rest"):
            assert problem_of(response)["code"] == "invalid-characters", path
    deep = requests.post(
        f"{base}/api/v1/cases",
        data="[" * 100_000 + "]" * 100_000,
        timeout=30,
        headers={**auth("wang"), "Content-Type": "application/json"},
    )
    assert deep.status_code == 400 and problem_of(deep)["code"] == "invalid-body"
    named = requests.post(
        f"{base}/api/v1/cases/{case['id']}/evidence",
        data=b"%PDF-1.4",
        timeout=30,
        headers={**auth("wang"), "X-Filename": "a%00.pdf", "Content-Type": "application/pdf"},
    )
    assert named.status_code == 400 and problem_of(named)["code"] == "invalid-characters"
    assert not list((ctx.settings.evidence_root / ".incoming").glob("*"))
    assert record_count(ctx) == before
    after = http.ok("GET", f"/api/v1/cases/{case['id']}", "wang")
    assert [t["status"] for t in after["tasks"]] == ["ready"]
