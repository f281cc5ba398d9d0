"""In Chromium, against a real server: the clerk, the handler, the legal reviewer and the approver walk a
major food business licence case through the work pages; validation, lockout and CSRF as a person meets
them. Screenshots go to tests/e2e/browser/artifacts/ (a few to docs/screenshots/)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.e2e.browser.conftest import LiveServer
from tests.e2e.browser.pages import (
    choose,
    field,
    field_id,
    fill_in,
    log_in,
    log_out,
    open_task,
    shot,
    submit,
    type_into,
)
from tests.integration.evidence_cases import ON_SITE, mp4_bytes
from tests.integration.form_data import form_data
from tests.integration.pages_driver import actions, deploy_shipped, food_case, waiting_task

APPLICANT = "济南泉城餐饮管理有限公司"
VIDEO_MB = 48


def accept_by_typing(page: Any) -> None:
    """The clerk types the acceptance form as she reads the application."""
    type_into(page, "applicantName", APPLICANT)
    choose(page, "applicantType", "organisation")
    type_into(page, "applicantId", "91370102MA3C8G2K1X")
    type_into(page, "applicantPhone", "0531-86001234")
    type_into(page, "applicantAddress", "济南市历下区泉城路188号")
    field(page, "materialsComplete").click()
    field(page, "accepted").click()
    type_into(page, "acceptanceNote", "材料齐全，当场受理")


def upload_video(page: Any, tmp_path: Path) -> dict[str, Any]:
    video = tmp_path / "现场核查录像.mp4"
    with video.open("wb") as out:
        out.write(mp4_bytes(b"\0" * (VIDEO_MB * 1024 * 1024)))
    page.check("#covers-whole")
    started = time.perf_counter()
    page.set_input_files("#evidence-file", str(video))
    page.wait_for_selector("#uploads .upload.done", timeout=120_000)
    row = page.locator("#uploads .upload.done")
    return {
        "seconds": time.perf_counter() - started,
        "events": int(row.get_attribute("data-progress-events") or 0),
        "value": page.locator("#uploads progress").get_attribute("value"),
    }


def clerk_accepts(page: Any, live: LiveServer, case_id: str) -> None:
    log_in(page, live.url, "wang")
    page.wait_for_selector(f'tr[data-case="{case_id}"]')
    assert "等待窗口受理人员认领" in page.text_content(f'tr[data-case="{case_id}"]')
    shot(page, "01-task-list-clerk", docs=True)
    page.click(f'tr[data-case="{case_id}"] a.case-link')
    page.wait_for_selector(".fjs-form")
    page.click("#submit-form")  # empty: the browser's own checks, in Chinese
    assert "此项为必填项。" in page.text_content(".fjs-form")
    accept_by_typing(page)
    shot(page, "02-acceptance-form", docs=True)
    submit(page)
    assert "任务已办结" in page.text_content(".flash-ok")
    log_out(page)


def handler_inspects_on_site(page: Any, live: LiveServer, case_id: str, tmp_path: Path) -> dict[str, Any]:
    log_in(page, live.url, "zhao")
    open_task(page, live.url, waiting_task(live.ctx, case_id, "Task_Review").id)
    fill_in(page, form_data("material-review"))
    submit(page)
    open_task(page, live.url, waiting_task(live.ctx, case_id, "Task_OnSite").id)
    assert page.is_visible("#certificate-ok")
    upload = upload_video(page, tmp_path)
    assert upload["value"] == "100" and upload["events"] >= 1, upload  # a fast upload may report once
    fill_in(page, ON_SITE)
    shot(page, "03-on-site-with-video", docs=True)
    submit(page)
    open_task(page, live.url, waiting_task(live.ctx, case_id, "Task_Proposal").id)
    fill_in(page, form_data("handler-review", publicInterest=True, firstOfKind=True))  # major
    submit(page)
    log_out(page)
    return upload


def reviewer_passes(page: Any, live: LiveServer, case_id: str) -> None:
    log_in(page, live.url, "qian")
    open_task(page, live.url, waiting_task(live.ctx, case_id, "Task_LegalReview").id)
    for item in range(1, 11):
        choose(page, f"check{item}", "pass")
    choose(page, "reviewConclusion", "pass")
    type_into(page, "reviewOpinion", "经审核，主体合法，事实清楚，证据充分，程序合法，同意拟办意见")
    shot(page, "04-legal-review-checklist", docs=True)
    submit(page)
    log_out(page)


def approver_decides(page: Any, live: LiveServer, case_id: str) -> None:
    log_in(page, live.url, "sun")
    open_task(page, live.url, waiting_task(live.ctx, case_id, "Task_Decision").id)
    assert "法制审核" in page.text_content("#timeline")
    fill_in(page, form_data("decision"))
    shot(page, "05-decision", docs=True)
    submit(page)


def test_a_major_case_walks_through_the_pages_from_acceptance_to_decision(
    live: LiveServer, page: Any, tmp_path: Path
) -> None:
    deploy_shipped(live.ctx)
    case_id = food_case(live.ctx, APPLICANT).case.id
    clerk_accepts(page, live, case_id)
    upload = handler_inspects_on_site(page, live, case_id, tmp_path)
    reviewer_passes(page, live, case_id)
    approver_decides(page, live, case_id)
    assert waiting_task(live.ctx, case_id, "Task_DeliverLicence")
    recorded = actions(live.ctx, case_id)
    assert recorded.count("task.completed") == 6 and "evidence.added" in recorded
    print(
        f"\nvideo upload through the page: {VIDEO_MB} MB in {upload['seconds']:.2f} s, "
        f"{upload['events']} progress events"
    )


def test_a_file_dropped_on_the_page_is_uploaded_with_progress(live: LiveServer, page: Any) -> None:
    deploy_shipped(live.ctx)
    task = waiting_task(live.ctx, food_case(live.ctx).case.id, "Task_Acceptance")
    log_in(page, live.url, "wang")
    open_task(page, live.url, task.id)
    page.evaluate(
        """bytes => {
        const file = new File([new Uint8Array(bytes)], '营业执照.mp4', {type: 'video/mp4'});
        const transfer = new DataTransfer();
        transfer.items.add(file);
        const zone = document.getElementById('dropzone');
        zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: transfer, bubbles: true}));
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true}));
    }""",
        list(mp4_bytes(b"scan")),
    )
    page.wait_for_selector("#uploads .upload.done")
    assert "营业执照.mp4" in page.text_content("#evidence-list")
    assert "evidence.added" in actions(live.ctx, task.case_id)


def test_bad_data_posted_past_the_browser_is_refused_with_the_error_next_to_the_field(
    live: LiveServer, page: Any
) -> None:
    deploy_shipped(live.ctx)
    task = waiting_task(live.ctx, food_case(live.ctx).case.id, "Task_Acceptance")
    log_in(page, live.url, "wang")
    open_task(page, live.url, task.id)
    bad = json.dumps(form_data("acceptance") | {"applicantPhone": "12345"})
    page.evaluate(
        """([url, variables]) => {          // a hand-made form post: no form-js checks on the way
        const form = document.createElement('form');
        form.method = 'post'; form.action = url;
        const token = document.querySelector('input[name=csrf_token]').value;
        for (const [name, value] of [['variables', variables], ['csrf_token', token]]) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
        }
        document.body.appendChild(form); form.submit();
    }""",
        [f"/tasks/{task.id}/complete", bad],
    )
    page.wait_for_selector(".fjs-form .fjs-form-field-error")
    message = page.locator(f'[id$="-{field_id(page, "applicantPhone")}-error-message"]').inner_text()
    assert message.strip() and "联系电话" in page.text_content("#server-errors")
    assert field(page, "applicantPhone").input_value() == "12345"
    shot(page, "06-server-field-error", docs=True)
    assert waiting_task(live.ctx, task.case_id, "Task_Acceptance").id == task.id


def test_five_wrong_passwords_make_this_browser_wait(live: LiveServer, page: Any) -> None:
    before = actions(live.ctx)
    for _ in range(5):
        log_in(page, live.url, "sun", "guess-guess")
        assert "用户名或密码错误" in page.text_content("#login-error")
    log_in(page, live.url, "sun")
    assert "请 1 分 0 秒后再试" in page.text_content("#login-error")
    shot(page, "07-login-throttled")
    assert actions(live.ctx) == before  # refused logins are in the security log, not in the record
    with live.ctx.uow(readonly=True) as uow:
        assert [e.kind for e in uow.security_log.recent(10)] == ["login-failed"] * 5


def test_a_form_without_its_csrf_token_is_refused(live: LiveServer, page: Any) -> None:
    deploy_shipped(live.ctx)
    task = waiting_task(live.ctx, food_case(live.ctx).case.id, "Task_Acceptance")
    log_in(page, live.url, "wang")
    page.wait_for_selector(f'tr[data-task="{task.id}"]')
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(i => i.value = 'forged')")
    page.click(f'tr[data-task="{task.id}"] button.claim')
    assert "CSRF" in page.text_content("#error-message")
    shot(page, "08-csrf-refused")
    with live.ctx.uow(readonly=True) as uow:
        assert uow.tasks.get(task.id).assignee is None


def test_the_pages_switch_to_english(live: LiveServer, page: Any) -> None:
    deploy_shipped(live.ctx)
    food_case(live.ctx)
    log_in(page, live.url, "wang")
    page.click("#language-switch")
    page.wait_for_selector("text=My tasks")
    assert "Waiting for one of Window clerks to claim it" in page.text_content("#task-table")
    shot(page, "09-task-list-english")


def test_a_saved_draft_comes_back_when_the_task_is_opened_again(live: LiveServer, page: Any) -> None:
    deploy_shipped(live.ctx)
    task = waiting_task(live.ctx, food_case(live.ctx).case.id, "Task_Acceptance")
    log_in(page, live.url, "wang")
    open_task(page, live.url, task.id)
    type_into(page, "applicantName", APPLICANT)
    page.click("#save-draft")
    page.wait_for_function("() => document.getElementById('draft-status').textContent.includes('草稿已于')")
    open_task(page, live.url, task.id)
    page.wait_for_function("() => document.getElementById('draft-status').textContent.includes('已载入')")
    assert field(page, "applicantName").input_value() == APPLICANT
