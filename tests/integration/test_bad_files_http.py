"""Issue 13, item 6, through the real HTTP server: files that were accepted and then broke every page
that showed them. A form saved with a UTF-8 byte-order mark deployed and every task page showing it
answered 500; UTF-16 and GBK files deployed or failed with a server error; a 10 MB form with 20,000
components held a core for a minute and was accepted.

Now: the mark is removed on deploy (said as warning SX-X011), other encodings are refused with SX-X010,
oversized forms at once (SX-X003, SX-F311), and a form stored before these checks, or unreadable, never
makes a page fail: the page says what is wrong in place of the form, nothing of the case is lost.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import text

from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.integration.live_http import browser_at, page_login
from tests.integration.live_server import Http, serving
from tests.support import FIXTURES, MovableClock

BOM = b"\xef\xbb\xbf"
FORM = "test-acceptance.form"
FILES = ("c7_review.bpmn", FORM, "test-review.form")


@pytest.fixture
def live(settings: Settings, clock: MovableClock) -> Iterator[tuple[Http, AppContext, str]]:
    ctx = make_context(settings, clock, rules="dialect")
    with serving(ctx) as base:
        yield Http(base), ctx, base
    ctx.database.dispose()


def deploy(http: Http, **changed: bytes) -> tuple[int, Any]:
    files = {name: changed.get(name, (FIXTURES / name).read_bytes()) for name in FILES}
    return http.upload("/api/v1/deployments", "li", files)


def stored_body(ctx: AppContext) -> str:
    with ctx.uow(readonly=True) as uow:
        row = uow.forms.latest("test-acceptance")
    assert row is not None
    return str(row.body)


def store_as_before(ctx: AppContext, body: str) -> None:
    """What a database may hold from before the checks (or after a hand edit): the row rewritten."""
    with ctx.database.begin() as conn:
        conn.execute(
            text("UPDATE forms SET body = :body, sha256 = :sha WHERE form_id = 'test-acceptance'"),
            {"body": body, "sha": hashlib.sha256(body.encode()).hexdigest()},
        )


def apply_task(http: Http) -> tuple[str, str]:
    case = http.ok("POST", "/api/v1/cases", "wang", {"process": "c7_review", "variables": {}})
    (task,) = [t for t in case["tasks"] if t["status"] == "ready"]
    return case["id"], task["id"]


def task_page(base: str, task_id: str) -> requests.Response:
    browser = browser_at()
    assert page_login(browser, base, "wang").status_code == 302
    return browser.get(f"{base}/tasks/{task_id}", timeout=30)


def test_a_form_saved_with_a_bom_deploys_without_it_with_a_warning(
    live: tuple[Http, AppContext, str],
) -> None:
    http, ctx, base = live
    status, body = deploy(http, **{FORM: BOM + (FIXTURES / FORM).read_bytes()})
    assert status == 201, body
    warnings = {item["key"]: [w["code"] for w in item["warnings"]] for item in body["items"]}
    assert (warnings["test-acceptance"], warnings["test-review"]) == (["SX-X011"], [])
    (warning,) = next(item["warnings"] for item in body["items"] if item["key"] == "test-acceptance")
    assert "BOM" in warning["message_zh"] and warning["severity"] == "warning"
    assert stored_body(ctx) == (FIXTURES / FORM).read_text("utf-8")  # stored without the mark
    case_id, task_id = apply_task(http)
    page = task_page(base, task_id)
    assert page.status_code == 200 and 'id="form-schema"' in page.text
    done = http.ok("POST", f"/api/v1/tasks/{task_id}/complete", "wang", {"variables": {"amount": 5}})
    assert done["status"] == "completed"
    again = deploy(http, **{FORM: (FIXTURES / FORM).read_bytes()})[1]["items"]  # the same form, no mark
    assert [item["created"] for item in again if item["key"] == "test-acceptance"] == [False]


def test_a_form_stored_with_a_bom_before_the_check_still_shows_and_submits(
    live: tuple[Http, AppContext, str],
) -> None:
    http, ctx, base = live
    assert deploy(http)[0] == 201
    store_as_before(ctx, "\ufeff" + stored_body(ctx))
    case_id, task_id = apply_task(http)
    page = task_page(base, task_id)
    assert page.status_code == 200 and 'id="form-schema"' in page.text and "form-unreadable" not in page.text
    form = http.ok("GET", f"/api/v1/tasks/{task_id}/form", "wang")
    assert form["form"]["schema"]["id"] == "test-acceptance"
    refused = http.call("POST", f"/api/v1/tasks/{task_id}/complete", "wang", {"variables": {"amount": -1}})
    assert (refused[0], refused[1]["code"]) == (400, "form-invalid")  # the form is checked as written
    assert http.ok("POST", f"/api/v1/tasks/{task_id}/complete", "wang", {"variables": {"amount": 5}})


def test_an_unreadable_stored_form_is_said_on_the_page_and_nothing_is_lost(
    live: tuple[Http, AppContext, str],
) -> None:
    http, ctx, base = live
    assert deploy(http)[0] == 201
    store_as_before(ctx, '{"id": "test-acceptance", "components": [')  # cut short by hand
    case_id, task_id = apply_task(http)
    page = task_page(base, task_id)
    assert page.status_code == 200 and 'id="form-unreadable"' in page.text
    assert "无法读取" in page.text and 'id="form-schema"' not in page.text
    status, problem = http.call("GET", f"/api/v1/tasks/{task_id}/form", "wang")
    assert (status, problem["code"]) == (409, "form-unreadable")
    assert "test-acceptance" in problem["detail_zh"] and "deploy" in problem["detail_en"]
    status, problem = http.call("POST", f"/api/v1/tasks/{task_id}/complete", "wang", {"variables": {}})
    assert (status, problem["code"]) == (409, "form-unreadable")
    case = http.ok("GET", f"/api/v1/cases/{case_id}", "wang")
    assert [t["status"] for t in case["tasks"]] == ["ready"] and case["status"] == "running"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (FORM, (FIXTURES / FORM).read_text("utf-8").encode("utf-16")),
        (FORM, (FIXTURES / FORM).read_text("utf-8").replace("备注", "備註").encode("gbk")),
        ("c7_review.bpmn", (FIXTURES / "c7_review.bpmn").read_text("utf-8").encode("utf-16")),
        (
            "c7_review.bpmn",
            (FIXTURES / "c7_review.bpmn")
            .read_text("utf-8")
            .replace('encoding="UTF-8"', 'encoding="GBK"')
            .encode("gbk"),
        ),
    ],
    ids=["UTF-16 form", "GBK form", "UTF-16 diagram", "GBK diagram"],
)
def test_a_file_not_in_utf8_is_refused_with_its_code(
    live: tuple[Http, AppContext, str], name: str, data: bytes
) -> None:
    http, ctx, _ = live
    status, problem = deploy(http, **{name: data})
    assert status == 400, problem
    codes = [f["code"] for f in problem["findings"]]
    assert codes == ["SX-X010"] and "UTF-8" in problem["findings"][0]["message_zh"]
    with ctx.uow(readonly=True) as uow:
        assert uow.processes.latest("c7_review") is None and uow.forms.latest("test-acceptance") is None


def big_form(size: int, components: int) -> bytes:
    per = size // components
    items = [
        {"type": "textfield", "key": f"f{i}", "id": f"Field_{i}", "label": "字" * (per // 3 - 30)}
        for i in range(components)
    ]
    return json.dumps({"id": "big", "type": "default", "components": items}, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("size", "components", "code"),
    [
        (10_000_000, 20_000, "SX-X003"),  # the form of the report: 10 MB
        (1_500_000, 3_000, "SX-F311"),  # within the bytes, over the components
    ],
)
def test_an_oversized_form_is_refused_before_it_is_read(
    live: tuple[Http, AppContext, str], size: int, components: int, code: str
) -> None:
    http, ctx, _ = live
    status, problem = http.upload("/api/v1/deployments", "li", {"big.form": big_form(size, components)})
    assert status == 400 and [f["code"] for f in problem["findings"]] == [code]
    with ctx.uow(readonly=True) as uow:
        assert uow.forms.latest("big") is None
