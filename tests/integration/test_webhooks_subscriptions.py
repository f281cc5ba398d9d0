"""Subscriptions through the API and the command line: SSRF-safe targets, secrets shown once."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.config import Settings
from tests.support import auth

PUBLIC = "https://93.184.215.14/hooks"  # a literal public address: nothing is resolved, nothing is called


@pytest.mark.parametrize(
    ("url", "zh", "en"),
    [
        ("http://127.0.0.1:8080/hook", "回环地址", "a loopback address"),
        ("http://10.1.2.3/hook", "私有地址", "a private address"),
        ("http://192.168.1.20/hook", "私有地址", "a private address"),
        ("http://169.254.169.254/latest/meta-data", "云元数据地址", "a cloud metadata address"),
        ("http://[::1]/hook", "回环地址", "a loopback address"),
        ("ftp://example.com/hook", "只允许 http 或 https 网址", "only http and https URLs are allowed"),
    ],
)
def test_a_subscription_to_a_private_address_is_refused_with_a_clear_message(
    client: Any, url: str, zh: str, en: str
) -> None:
    response = client.post(
        "/api/v1/webhooks/subscriptions",
        headers=auth("admin"),
        json={"url": url, "eventTypes": ["decision.made"]},
    )
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["code"] == "webhook-target-refused"
    assert zh in problem["detail_zh"] and en in problem["detail_en"]
    assert "SANXIANG_WEBHOOK_ALLOW" in problem["detail_en"]
    assert client.get("/api/v1/webhooks/subscriptions", headers=auth("admin")).get_json() == []


def test_the_secret_is_shown_once_and_only_managers_may_subscribe(client: Any) -> None:
    denied = client.post(
        "/api/v1/webhooks/subscriptions", headers=auth("wang"), json={"url": PUBLIC, "eventTypes": ["*"]}
    )
    assert denied.status_code == 403
    made = client.post(
        "/api/v1/webhooks/subscriptions",
        headers=auth("zhou"),
        json={"url": PUBLIC, "eventTypes": ["decision.made", "case.started"]},
    ).get_json()
    assert made["secret"].startswith("whsec_") and made["eventTypes"] == ["case.started", "decision.made"]
    listed = client.get("/api/v1/webhooks/subscriptions", headers=auth("admin")).get_json()
    assert [s["id"] for s in listed] == [made["id"]] and "secret" not in listed[0]
    unknown = client.post(
        "/api/v1/webhooks/subscriptions",
        headers=auth("admin"),
        json={"url": PUBLIC, "eventTypes": ["case.exploded"]},
    )
    assert unknown.status_code == 400 and "case.exploded" in unknown.get_json()["detail_en"]
    removed = client.delete(f"/api/v1/webhooks/subscriptions/{made['id']}", headers=auth("admin"))
    assert removed.status_code == 200 and removed.get_json()["active"] is False
    assert client.get("/api/v1/webhooks/subscriptions", headers=auth("admin")).get_json() == []
    again = client.delete(f"/api/v1/webhooks/subscriptions/{made['id']}", headers=auth("admin"))
    assert again.status_code == 404


def _cli(settings: Settings, *args: str) -> Any:
    env = {"SANXIANG_DATABASE_URL": settings.database_url, "SANXIANG_VAR_DIR": str(settings.var_dir)}
    return CliRunner().invoke(main, ["webhooks", *args], env=env, catch_exceptions=False)


def test_the_command_line_adds_lists_and_removes_subscriptions(ctx: Any, settings: Settings) -> None:
    refused = _cli(settings, "add", "http://192.168.1.20/hook", "--event", "decision.made")
    assert refused.exit_code == 1
    assert "私有地址" in refused.output and "a private address" in refused.output
    added = _cli(settings, "add", PUBLIC, "--event", "decision.made", "--event", "disclosure.published")
    assert added.exit_code == 0, added.output
    subscription_id = added.output.split()[3]
    secret = added.output.strip().splitlines()[-1].split()[-1]
    assert secret.startswith("whsec_")
    listed = _cli(settings, "list")
    assert subscription_id in listed.output and "decision.made, disclosure.published" in listed.output
    assert secret not in listed.output
    assert _cli(settings, "remove", subscription_id).exit_code == 0
    assert subscription_id not in _cli(settings, "list").output
    assert subscription_id in _cli(settings, "list", "--all").output
