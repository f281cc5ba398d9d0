"""Submissions validated on the server against the task's deployed form, and drafts, through the API."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from engine.kernel.context import AppContext
from tests.integration.api_driver import deploy, open_case, waiting
from tests.support import FIXTURES, ROOT, auth
from tests.unit.form_submissions import SHIPPED

FORMS = ROOT / "forms"
GOOD_ACCEPTANCE = SHIPPED["acceptance"][0]
GOOD_ITEMS = {
    "caseRef": "C-1",
    "site": {"address": "建国路 1 号", "area": 120.5},
    "items": [
        {"name": "消防通道", "result": "ok"},
        {"name": "排烟", "result": "bad", "remedy": "十日内整改"},
    ],
}


def _deploy_form_checks(client: Any) -> None:
    assert deploy(client, "acceptance.form", folder=FORMS).status_code == 201
    response = deploy(client, "form_checks.bpmn", "test-inspection-items.form", folder=FIXTURES)
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def deployed(client: Any) -> Any:
    _deploy_form_checks(client)
    return client


def _task(client: Any, case_id: str, element: str) -> str:
    return str(next(t["id"] for t in waiting(client, case_id) if t["element_id"] == element))


def _complete(client: Any, task_id: str, user: str, variables: Any, **headers: str) -> Any:
    return client.post(
        f"/api/v1/tasks/{task_id}/complete", json={"variables": variables}, headers={**auth(user), **headers}
    )


def _accept(client: Any, case_id: str) -> None:
    response = _complete(client, _task(client, case_id, "Task_Accept"), "wang", GOOD_ACCEPTANCE)
    assert response.status_code == 200, response.get_json()


def _case(client: Any, case_id: str) -> Any:
    return client.get(f"/api/v1/cases/{case_id}", headers=auth("zhou")).get_json()


def test_bad_data_is_refused_with_every_field_error_in_chinese_and_english_and_nothing_changes(
    deployed: Any,
) -> None:
    case = open_case(deployed, process="form_checks")
    task = _task(deployed, case["id"], "Task_Accept")
    before = _case(deployed, case["id"])
    bad = {**GOOD_ACCEPTANCE, "applicantPhone": "12345", "applicantType": "alien", "accepted": "yes"}
    del bad["applicantName"]
    response = _complete(deployed, task, "wang", bad, **{"Accept-Language": "en"})
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["code"] == "form-invalid" and problem["title"] == "InvalidInput"
    assert "4 error" in problem["detail"] and "4 处错误" in problem["detail_zh"]
    fields = problem["details"]["fields"]
    assert {k: [e["code"] for e in v] for k, v in fields.items()} == {
        "applicantName": ["required"],
        "applicantType": ["not-an-option"],
        "applicantPhone": ["pattern-mismatch"],
        "accepted": ["not-a-boolean"],
    }
    assert fields["applicantName"][0]["message_zh"] == "此项为必填项"
    assert fields["applicantName"][0]["message_en"] == "This field is required"
    assert (problem["details"]["form"], problem["details"]["formVersion"]) == ("acceptance", 1)
    assert _case(deployed, case["id"]) == before


def test_good_data_completes_the_task(deployed: Any) -> None:
    case = open_case(deployed, process="form_checks")
    response = _complete(deployed, _task(deployed, case["id"], "Task_Accept"), "wang", GOOD_ACCEPTANCE)
    assert response.status_code == 200, response.get_json()
    after = _case(deployed, case["id"])
    assert [t["element_id"] for t in after["tasks"] if t["status"] == "ready"] == ["Task_Inspect"]
    assert after["variables"]["applicantId"] == GOOD_ACCEPTANCE["applicantId"]


def test_keys_the_form_does_not_have_are_refused(deployed: Any) -> None:
    case = open_case(deployed, process="form_checks")
    response = _complete(
        deployed, _task(deployed, case["id"], "Task_Accept"), "wang", {**GOOD_ACCEPTANCE, "approved": True}
    )
    assert response.status_code == 400
    assert response.get_json()["details"]["fields"]["approved"][0]["code"] == "unknown-field"


def test_groups_dynamic_lists_conditions_and_read_only_fields_are_checked_on_the_server(
    deployed: Any,
) -> None:
    case = open_case(deployed, process="form_checks", caseRef="C-1")
    _accept(deployed, case["id"])
    task = _task(deployed, case["id"], "Task_Inspect")
    bad = {
        "caseRef": "C-2",
        "site": {"address": "", "area": 1.234},
        "items": [{"name": "排烟", "result": "bad"}, {"name": "照明", "result": "ok", "extra": 1}],
    }
    response = _complete(deployed, task, "zhao", bad)
    assert response.status_code == 400
    fields = response.get_json()["details"]["fields"]
    assert {k: [e["code"] for e in v] for k, v in fields.items()} == {
        "caseRef": ["readonly-field"],
        "site.address": ["required"],
        "site.area": ["too-many-decimals"],
        "items[0].remedy": ["required"],
        "items[1].extra": ["unknown-field"],
    }
    assert _complete(deployed, task, "zhao", GOOD_ITEMS).status_code == 200


def test_a_task_without_a_form_accepts_any_json_variables(deployed: Any) -> None:
    case = open_case(deployed, process="form_checks", caseRef="C-1")
    _accept(deployed, case["id"])
    inspect = _task(deployed, case["id"], "Task_Inspect")
    assert _complete(deployed, inspect, "zhao", GOOD_ITEMS).status_code == 200
    free = _task(deployed, case["id"], "Task_Free")
    shown = deployed.get(f"/api/v1/tasks/{free}/form", headers=auth("zhao")).get_json()
    assert (shown["task_id"], shown["form"], shown["draft"]) == (free, None, None)
    response = _complete(deployed, free, "zhao", {"anything": [1, {"a": None}]})
    assert response.status_code == 200
    assert _case(deployed, case["id"])["status"] == "completed"


def test_a_running_case_keeps_the_form_version_bound_when_its_process_was_deployed(deployed: Any) -> None:
    case = open_case(deployed, process="form_checks")
    stricter = json.loads((FORMS / "acceptance.form").read_text(encoding="utf-8"))
    stricter["components"].append(
        {"type": "textfield", "key": "newField", "label": "新字段", "validate": {"required": True}}
    )
    body = json.dumps(stricter, ensure_ascii=False).encode("utf-8")
    upload = {"file": (io.BytesIO(body), "acceptance.form")}
    response = deployed.post(
        "/api/v1/deployments", data=upload, headers=auth("li"), content_type="multipart/form-data"
    )
    assert response.status_code == 201 and response.get_json()["items"][0]["version"] == 2
    task = _task(deployed, case["id"], "Task_Accept")
    shown = deployed.get(f"/api/v1/tasks/{task}/form", headers=auth("wang")).get_json()
    assert (shown["form"]["id"], shown["form"]["version"]) == ("acceptance", 1)
    assert all(c.get("key") != "newField" for c in shown["form"]["schema"]["components"])
    assert _complete(deployed, task, "wang", GOOD_ACCEPTANCE).status_code == 200


def test_a_draft_is_saved_and_loaded_by_the_tasks_candidates_without_form_validation(deployed: Any) -> None:
    case = open_case(deployed, process="form_checks")
    task = _task(deployed, case["id"], "Task_Accept")
    half = {"applicantName": "某某", "applicantPhone": "1"}  # invalid for submission, fine as a draft
    none_yet = deployed.get(f"/api/v1/tasks/{task}/draft", headers=auth("wang"))
    assert (none_yet.status_code, none_yet.get_json()["code"]) == (404, "draft-not-found")
    saved = deployed.put(f"/api/v1/tasks/{task}/draft", json={"data": half}, headers=auth("wang"))
    assert saved.status_code == 200, saved.get_json()
    assert (saved.get_json()["data"], saved.get_json()["saved_by"]) == (half, "wang")
    loaded = deployed.get(f"/api/v1/tasks/{task}/draft", headers=auth("wang")).get_json()
    assert loaded["data"] == half and loaded["saved_at"].startswith("2026-11-27T01:00")
    shown = deployed.get(f"/api/v1/tasks/{task}/form", headers=auth("wang")).get_json()
    assert shown["form"]["schema"]["id"] == "acceptance" and shown["draft"]["data"] == half
    again = deployed.put(
        f"/api/v1/tasks/{task}/draft", json={"data": {"applicantName": "另一家"}}, headers=auth("wang")
    )
    assert again.status_code == 200
    assert deployed.get(f"/api/v1/tasks/{task}/draft", headers=auth("wang")).get_json()["data"] == {
        "applicantName": "另一家"
    }
    assert all(h["action"] != "draft.saved" for h in _case(deployed, case["id"])["history"])


@pytest.mark.parametrize(("method", "path"), [("put", "draft"), ("get", "draft"), ("get", "form")])
def test_only_the_assignee_or_a_candidate_may_touch_a_draft(deployed: Any, method: str, path: str) -> None:
    case = open_case(deployed, process="form_checks")
    task = _task(deployed, case["id"], "Task_Accept")
    call = getattr(deployed, method)
    body = {"json": {"data": {"applicantName": "某某"}}} if method == "put" else {}
    outsider = call(f"/api/v1/tasks/{task}/{path}", headers=auth("zhao"), **body)
    assert (outsider.status_code, outsider.get_json()["code"]) == (403, "task-forbidden")
    assert call(f"/api/v1/tasks/{task}/{path}", headers=auth("wang"), **body).status_code in (200, 404)
    assert call("/api/v1/tasks/no-such-task/" + path, headers=auth("wang"), **body).status_code == 404
    assert call(f"/api/v1/tasks/{task}/{path}", **body).status_code == 401


@pytest.mark.parametrize(("data", "code"), [([1, 2], 400), ({"big": "长" * 90_000}, "draft-too-large")])
def test_a_draft_must_be_a_json_object_of_bounded_size(deployed: Any, data: Any, code: Any) -> None:
    case = open_case(deployed, process="form_checks")
    task = _task(deployed, case["id"], "Task_Accept")
    response = deployed.put(f"/api/v1/tasks/{task}/draft", json={"data": data}, headers=auth("wang"))
    assert response.status_code == 400
    assert code == 400 or response.get_json()["code"] == code


def test_the_draft_survives_a_refused_submission_and_is_gone_after_completion(
    deployed: Any, ctx: AppContext
) -> None:
    case = open_case(deployed, process="form_checks")
    task = _task(deployed, case["id"], "Task_Accept")
    assert (
        deployed.put(
            f"/api/v1/tasks/{task}/draft", json={"data": {"applicantName": "某某"}}, headers=auth("wang")
        ).status_code
        == 200
    )
    assert _complete(deployed, task, "wang", {"applicantName": "某某"}).status_code == 400
    assert deployed.get(f"/api/v1/tasks/{task}/draft", headers=auth("wang")).status_code == 200
    assert _complete(deployed, task, "wang", GOOD_ACCEPTANCE).status_code == 200
    with ctx.uow(readonly=True) as uow:
        assert uow.drafts.get(task) is None
    gone = deployed.get(f"/api/v1/tasks/{task}/draft", headers=auth("wang"))
    assert (gone.status_code, gone.get_json()["code"]) == (409, "task-not-ready")


def test_once_claimed_only_the_assignee_may_save_the_draft(deployed: Any, ctx: AppContext) -> None:
    with ctx.uow() as uow:  # a second handler: a candidate of the same task
        uow.users.upsert("ma", "马承办（承办人）", ["handler"], ctx.clock())
        uow.users.add_token("ma", "demo-ma", "test", ctx.clock())
        uow.commit()
    case = open_case(deployed, process="form_checks")
    _accept(deployed, case["id"])
    task = _task(deployed, case["id"], "Task_Inspect")
    draft = {"data": {"site": {"address": "建国路"}}}
    assert deployed.put(f"/api/v1/tasks/{task}/draft", json=draft, headers=auth("ma")).status_code == 200
    assert deployed.post(f"/api/v1/tasks/{task}/claim", headers=auth("zhao")).status_code == 200
    assert deployed.get(f"/api/v1/tasks/{task}/draft", headers=auth("zhao")).get_json()["saved_by"] == "ma"
    assert deployed.put(f"/api/v1/tasks/{task}/draft", json=draft, headers=auth("ma")).status_code == 403
    assert deployed.put(f"/api/v1/tasks/{task}/draft", json=draft, headers=auth("zhao")).status_code == 200
