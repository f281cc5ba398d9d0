"""In Chromium, against a real server: supervisor Zhou's morning (journey 4). The console lists a stuck
case; she reassigns its task with a reason; she opens a major case and sees its diagram drawn by bpmn-js
with the path taken, where it waits and how long at each step, and a failed step marked on another.
Screenshots go to tests/e2e/browser/artifacts/ (console-case.png also to docs/screenshots/)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from engine.app import create_app
from engine.config import Settings
from engine.errors import StepFailed
from engine.runner.script_engine import HandlerCall
from tests.conftest import make_context
from tests.e2e.browser.conftest import LiveServer
from tests.e2e.browser.pages import log_in, shot
from tests.integration.supervision_driver import (
    advance,
    attach_video,
    deploy_shipped,
    drive_major_case_to_proposal,
    finish,
    last_record,
)
from tests.support import MovableClock

DIAGRAM = "#diagram[data-ready=yes]"


def _major_case_at_legal_review(live: LiveServer) -> str:
    ctx, clock = live.ctx, live.clock
    deploy_shipped(ctx)
    case_id = drive_major_case_to_proposal(ctx)
    advance(ctx, clock, hours=5)
    finish(ctx, case_id, "Task_Proposal", "zhao", "handler-review", publicInterest=True)
    advance(ctx, clock, days=6)  # the review waits: stuck, and its deadline is due
    return case_id


def _marked(page: Any, marker: str) -> list[str]:
    return sorted(
        page.eval_on_selector_all(
            f".djs-element.{marker}", "els => els.map(e => e.getAttribute('data-element-id'))"
        )
    )


def test_zhou_sees_the_stuck_case_reassigns_it_and_reads_its_diagram(live: LiveServer, page: Any) -> None:
    case_id = _major_case_at_legal_review(live)
    log_in(page, live.url, "zhou")
    page.goto(f"{live.url}/console")
    row = page.locator(f'tr.finding[data-case="{case_id}"][data-code="task-unclaimed"]')
    assert row.count() == 1 and "法制审核" in row.inner_text()
    shot(page, "console-board")
    row.locator('select[name="assignee"]').select_option("qian")
    row.locator('input[name="reason"]').fill("钱法审今日在岗，请优先审核")
    row.locator('button:has-text("改派")').click()
    page.wait_for_selector(".flash-ok")
    assert "钱法审" in page.inner_text(".flash-ok") or "qian" in page.inner_text(".flash-ok")
    assert last_record(live.ctx, case_id, "task.reassigned").payload["reason"] == "钱法审今日在岗，请优先审核"

    page.goto(f"{live.url}/console/cases/{case_id}")
    page.wait_for_selector(DIAGRAM, timeout=30_000)
    assert page.is_hidden("#diagram-fallback")
    assert _marked(page, "sx-current") == ["Task_LegalReview"]
    done = _marked(page, "sx-done")
    assert {"Task_Acceptance", "Task_Review", "Task_OnSite", "Task_Proposal", "Gateway_MajorCheck"} <= set(
        done
    )
    assert "Task_Decision" not in done
    badges = page.locator(".sx-badge").all_inner_texts()
    assert any(text.startswith("等待") for text in badges) and any(text.startswith("用时") for text in badges)
    assert page.is_visible(".bjs-powered-by")  # the bpmn.io watermark stays, as its licence asks
    assert "承办人" in page.inner_text("#timeline") or "task.completed" in page.inner_text("#timeline")
    shot(page, "console-case", docs=True)


@pytest.fixture
def failing_live(settings: Settings, clock: MovableClock) -> Iterator[LiveServer]:
    """The real application whose disclosure handler is down (the publication service fails)."""

    def publication_down(call: HandlerCall) -> None:
        raise RuntimeError("provincial publication service unavailable")

    ctx = make_context(settings, clock, rules="dialect", handlers={"disclosure.schedule": publication_down})
    server = make_server("127.0.0.1", 0, create_app(ctx), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", ctx, clock)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        ctx.database.dispose()


def test_a_failed_step_is_marked_on_the_diagram_and_the_svg_stands_in_without_javascript(
    failing_live: LiveServer, page: Any, browser: Any
) -> None:
    live, ctx = failing_live, failing_live.ctx
    deploy_shipped(ctx)
    case_id = drive_major_case_to_proposal(ctx)
    finish(ctx, case_id, "Task_Proposal", "zhao", "handler-review")
    finish(ctx, case_id, "Task_Decision", "sun", "decision")
    attach_video(ctx, case_id, "Task_DeliverLicence", "wang")
    with pytest.raises(StepFailed):
        finish(ctx, case_id, "Task_DeliverLicence", "wang", "delivery")
    log_in(page, live.url, "zhou")
    page.goto(f"{live.url}/console/cases/{case_id}")
    page.wait_for_selector(DIAGRAM, timeout=30_000)
    assert _marked(page, "sx-failed") == ["Task_Disclosure"]
    assert _marked(page, "sx-current") == ["Task_DeliverLicence"]
    assert "失败" in page.inner_text("#case-findings")
    shot(page, "console-failed")

    no_js = browser.new_context(
        java_script_enabled=False, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    try:
        plain = no_js.new_page()
        log_in(plain, live.url, "zhou")
        plain.goto(f"{live.url}/console/cases/{case_id}")
        assert plain.is_visible("#diagram-fallback svg") and plain.is_hidden("#diagram")
        assert plain.locator("#diagram-fallback .failed").count() >= 1
        shot(plain, "console-case-no-js")
    finally:
        no_js.close()
