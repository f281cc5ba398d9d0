"""Accounts through the real HTTP server: refused logins never touch the record chain, the throttle counts
per login name and address, disabled users and revoked or expired tokens are refused at once, the
session cookie's flags, and the trusted-proxy setting (issue #13, items 4 and 11)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from engine.config import Settings
from engine.kernel.context import AppContext
from engine.people import staff as people
from engine.people import tokens
from engine.people.rules import ADDRESS_FAILURES, FREE_FAILURES
from tests.conftest import make_context
from tests.integration.live_http import CSRF, browser_at, page_login, serving
from tests.support import MovableClock


def chain_length(ctx: AppContext) -> int:
    with ctx.uow(readonly=True) as uow:
        return sum(1 for _ in uow.records.all())


def security_rows(ctx: AppContext) -> int:
    with ctx.uow(readonly=True) as uow:
        return int(uow.security_log.count())


def failing_logins(
    client: requests.Session, url: str, names: list[str], headers: dict[str, str] | None = None
) -> list[int]:
    """One wrong password per name, all with the login page's CSRF token; the status codes."""
    token = CSRF.search(client.get(f"{url}/login", headers=headers, timeout=30).text)
    assert token
    return [
        client.post(
            f"{url}/login",
            data={"login": name, "password": "not-the-password", "csrf_token": token.group(1)},
            headers=headers,
            allow_redirects=False,
            timeout=30,
        ).status_code
        for name in names
    ]


@pytest.fixture
def server(ctx: AppContext) -> Iterator[str]:
    with serving(ctx) as url:
        yield url


def test_two_hundred_anonymous_failures_add_nothing_to_the_chain_and_few_security_rows(
    ctx: AppContext, server: str
) -> None:
    before = chain_length(ctx)
    names = [f"guess{i}" for i in range(100)] + ["wang"] * 100
    codes = failing_logins(browser_at("127.0.0.2"), server, names)
    assert codes[:ADDRESS_FAILURES] == [401] * ADDRESS_FAILURES
    assert set(codes[ADDRESS_FAILURES:]) == {429}  # refused before the password is even checked
    assert chain_length(ctx) == before
    assert security_rows(ctx) == ADDRESS_FAILURES
    assert page_login(browser_at("127.0.0.1"), server, "wang").status_code == 302  # wang is not locked out


def test_the_security_log_never_holds_more_rows_than_its_bound(
    settings: Settings, clock: MovableClock
) -> None:
    ctx = make_context(settings.with_(security_log_max_rows=50), clock, rules="dialect")
    with serving(ctx) as url:
        for address in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
            failing_logins(browser_at(address), url, [f"x{i}" for i in range(ADDRESS_FAILURES)])
        assert security_rows(ctx) == 50
        with ctx.uow(readonly=True) as uow:
            newest = uow.security_log.recent(1)[0]
        assert (newest.kind, newest.login, newest.client) == (
            "login-failed",
            f"x{ADDRESS_FAILURES - 1}",
            "127.0.0.4",
        )
    ctx.database.dispose()


def test_an_attacker_cannot_lock_the_real_user_out_from_another_address(
    ctx: AppContext, server: str, clock: MovableClock
) -> None:
    attacker, zhao = browser_at("127.0.0.2"), browser_at("127.0.0.3")
    assert failing_logins(attacker, server, ["zhao"] * FREE_FAILURES) == [401] * FREE_FAILURES
    refused = page_login(attacker, server, "zhao", "zhao-demo")  # even the right password waits now
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert page_login(zhao, server, "zhao").status_code == 302
    assert zhao.get(f"{server}/tasks", timeout=30).status_code == 200
    clock.advance(seconds=61)  # the attacker's pair waits one minute, then two, four …
    assert failing_logins(attacker, server, ["zhao"]) == [401]
    assert page_login(attacker, server, "zhao", "zhao-demo").headers["Retry-After"] == "120"


def test_a_disabled_user_is_refused_at_once_everywhere(ctx: AppContext, server: str) -> None:
    browser = browser_at()
    assert page_login(browser, server, "sun").status_code == 302
    api = {"Authorization": "Bearer demo-sun"}
    assert requests.get(f"{server}/api/v1/processes", headers=api, timeout=30).status_code == 200
    assert people.set_user_active(ctx, "sun", False, by="admin") == 1  # his one login session ends
    assert requests.get(f"{server}/api/v1/processes", headers=api, timeout=30).status_code == 401
    assert requests.get(f"{server}/engine-rest/task", auth=("sun", "demo-sun"), timeout=30).status_code == 401
    assert browser.get(f"{server}/tasks", allow_redirects=False, timeout=30).status_code == 302  # to /login
    assert page_login(browser_at(), server, "sun").status_code == 401
    people.set_user_active(ctx, "sun", True, by="admin")
    assert requests.get(f"{server}/api/v1/processes", headers=api, timeout=30).status_code == 200
    assert chain_length(ctx) >= 2 and _actions(ctx)[-2:] == ["user.disabled", "user.enabled"]


def _actions(ctx: AppContext) -> list[str]:
    with ctx.uow(readonly=True) as uow:
        return [e.content.action for e in uow.records.all()]


def test_a_revoked_token_is_refused_on_the_next_request(ctx: AppContext, server: str) -> None:
    issued = tokens.issue_token(ctx, "li", label="modeler")
    bearer = {"Authorization": f"Bearer {issued.token}"}
    assert requests.get(f"{server}/api/v1/processes", headers=bearer, timeout=30).status_code == 200
    basic = ("li", issued.token)  # Camunda Modeler's way: the token as the password
    assert requests.get(f"{server}/engine-rest/version", auth=basic, timeout=30).status_code == 200
    tokens.revoke_token(ctx, issued.id, by="admin")
    assert requests.get(f"{server}/api/v1/processes", headers=bearer, timeout=30).status_code == 401
    assert requests.get(f"{server}/engine-rest/version", auth=basic, timeout=30).status_code == 401
    assert (
        requests.get(
            f"{server}/api/v1/processes", headers={"Authorization": "Bearer demo-li"}, timeout=30
        ).status_code
        == 200
    )  # his other tokens still work
    assert _actions(ctx)[-2:] == ["token.issued", "token.revoked"]


def test_an_expired_token_is_refused_on_the_injected_clock(
    ctx: AppContext, server: str, clock: MovableClock
) -> None:
    issued = tokens.issue_token(ctx, "zhou", tokens.expiry_from("12h", clock.now))
    bearer = {"Authorization": f"Bearer {issued.token}"}
    clock.advance(hours=11, minutes=59)
    assert requests.get(f"{server}/api/v1/console", headers=bearer, timeout=30).status_code == 200
    clock.advance(minutes=1)
    problem = requests.get(f"{server}/api/v1/console", headers=bearer, timeout=30)
    assert problem.status_code == 401 and problem.json()["code"] == "unauthenticated"


def _session_cookie(response: requests.Response) -> str:
    return next(h for k, h in response.raw.headers.items() if k.lower() == "set-cookie" and "session" in h)


def test_the_session_cookie_is_secure_only_when_configured(
    settings: Settings, clock: MovableClock, server: str
) -> None:
    plain = _session_cookie(page_login(browser_at(), server, "wang"))
    assert plain.startswith("sanxiang_session=") and "HttpOnly" in plain and "SameSite=Lax" in plain
    assert "Secure" not in plain
    ctx = make_context(settings.with_(secure_cookies=True), clock, rules="dialect")
    with serving(ctx) as url:  # the first page already sets the cookie (it holds the CSRF token)
        secure = _session_cookie(requests.get(f"{url}/login", timeout=30))
    assert secure.startswith("__Host-sanxiang_session=") and "Path=/" in secure and "Domain" not in secure
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= {part.strip() for part in secure.split(";")}
    ctx.database.dispose()


def _query(url: str, forwarded_for: str) -> int:
    return requests.post(
        f"{url}/query",
        data={"case": "SX-2026-000001", "code": "ABCDEFGH"},
        headers={"X-Forwarded-For": forwarded_for},
        timeout=30,
    ).status_code


def test_a_forged_x_forwarded_for_changes_nothing_without_the_proxy_setting(
    ctx: AppContext, server: str
) -> None:
    assert [_query(server, f"203.0.113.{i}") for i in range(11)] == [404] * 10 + [429]
    forged, other = {"X-Forwarded-For": "198.51.100.7"}, {"X-Forwarded-For": "198.51.100.8"}
    failing_logins(browser_at(), server, ["qian"] * FREE_FAILURES, headers=forged)
    assert page_login(browser_at(), server, "qian", headers=other).status_code == 429
    with ctx.uow(readonly=True) as uow:
        assert {e.remote for e in uow.security_log.recent(10)} == {"127.0.0.1"}


def test_behind_a_trusted_proxy_each_forwarded_client_counts_on_its_own(
    settings: Settings, clock: MovableClock
) -> None:
    ctx = make_context(settings.with_(trusted_proxies=1), clock, rules="dialect")
    with serving(ctx) as url:
        assert [_query(url, "203.0.113.1") for _ in range(11)] == [404] * 10 + [429]
        assert _query(url, "203.0.113.2") == 404  # another citizen behind the same proxy
        assert _query(url, "203.0.113.2, 203.0.113.1") == 429  # a forged first hop: the proxy's entry counts
        attacker = {"X-Forwarded-For": "198.51.100.7"}
        failing_logins(browser_at(), url, ["qian"] * FREE_FAILURES, headers=attacker)
        assert page_login(browser_at(), url, "qian", headers=attacker).status_code == 429
        other = {"X-Forwarded-For": "198.51.100.8"}
        assert page_login(browser_at(), url, "qian", headers=other).status_code == 302
        with ctx.uow(readonly=True) as uow:
            assert {e.remote for e in uow.security_log.recent(10)} == {"198.51.100.7", "198.51.100.8"}
    ctx.database.dispose()
