"""What a person does in the browser on the work pages, as small functions over Playwright's page."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from tests.integration.pages_driver import artifacts
from tests.support import ROOT

DOCS = ROOT / "docs" / "screenshots"


def shot(page: Any, name: str, *, docs: bool = False) -> Path:
    """A full-page screenshot into the (gitignored) artifacts; with SANXIANG_DOCS_SCREENSHOTS=1 the ones
    marked ``docs`` are also copied to docs/screenshots/ (refreshed by hand, not by every test run)."""
    path = artifacts() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if docs and os.environ.get("SANXIANG_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"work-{path.name}")
    return path


def log_in(page: Any, url: str, user: str, password: str | None = None) -> None:
    page.goto(f"{url}/login")
    page.fill("#login", user)
    page.fill("#password", password or f"{user}-demo")
    page.click("form.stack button.primary")


def log_out(page: Any) -> None:
    page.click("header form button")
    page.wait_for_url("**/login?done=1")


def open_task(page: Any, url: str, task_id: str) -> None:
    page.goto(f"{url}/tasks/{task_id}")
    page.wait_for_selector(".fjs-form")


def field_id(page: Any, key: str) -> str:
    """The form-js field id of a form key, from the schema the page carries."""
    schema = json.loads(page.text_content("#form-schema"))
    stack = list(schema["components"])
    while stack:
        component = stack.pop()
        if component.get("key") == key:
            return str(component["id"])
        stack += component.get("components") or []
    raise AssertionError(f"no field {key}")


def field(page: Any, key: str, option: int | None = None) -> Any:
    suffix = field_id(page, key) + ("" if option is None else f"-{option}")
    return page.locator(f'.fjs-form [id$="-{suffix}"]')


def type_into(page: Any, key: str, value: str) -> None:
    """Type into a text field and wait until form-js took it (it debounces typing, as people pause)."""
    field(page, key).fill(value)
    page.wait_for_function("([k, v]) => window.sanxiangForm._getState().data[k] === v", arg=[key, value])


def choose(page: Any, key: str, value: str) -> None:
    """Click the radio option of ``key`` whose value is ``value``."""
    schema = json.loads(page.text_content("#form-schema"))
    component = next(c for c in schema["components"] if c.get("key") == key)
    index = [v["value"] for v in component["values"]].index(value)
    field(page, key, index).click()


def fill_in(page: Any, data: dict[str, Any]) -> None:
    """Put data into the form-js form through its API (dates, selects), as a person would pick them."""
    page.evaluate(
        """data => {
        const form = window.sanxiangForm;
        const schema = JSON.parse(document.getElementById('form-schema').textContent);
        return form.importSchema(schema, Object.assign({}, form._getState().data, data));
    }""",
        data,
    )


def submit(page: Any) -> None:
    """Press 提交 and land on the task list; a refusal fails with what the page says."""
    page.click("#submit-form")
    page.wait_for_function("""() => location.pathname === '/tasks' || (
        !document.getElementById('form-problem').hidden &&
        !document.getElementById('form-problem').textContent.includes('…'))""")
    if not page.url.endswith("/tasks"):
        shot(page, "refused-submission")
        errors = page.locator(".fjs-form-field-error").all_inner_texts()
        raise AssertionError(f"{page.text_content('#form-problem')} {errors}")
