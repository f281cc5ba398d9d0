"""People and access: argon2 passwords, login sessions, the login throttle and the security log, disabling
users, the staff register, the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.errors import InvalidInput, NotAllowed, NotFound
from engine.kernel.context import AppContext
from engine.people import login, tokens
from engine.people import staff as people
from engine.people.rules import ADDRESS_FAILURES, FREE_FAILURES
from tests.integration.pages_driver import actions, log_in
from tests.support import MovableClock


def records(ctx: AppContext, action: str) -> list[Any]:
    with ctx.uow(readonly=True) as uow:
        return [e.content for e in uow.records.all() if e.content.action == action]


def security_log(ctx: AppContext) -> list[Any]:
    with ctx.uow(readonly=True) as uow:
        return list(reversed(uow.security_log.recent(1000)))


def test_demo_users_log_in_with_their_demo_password_and_argon2_keeps_only_a_hash(ctx: AppContext) -> None:
    logged = login.login(ctx, "wang", "wang-demo", remote="127.0.0.1")
    assert logged.actor.user_id == "wang" and "window-clerk" in logged.actor.groups
    assert login.session_actor(ctx, logged.session_id) == logged.actor
    with ctx.uow(readonly=True) as uow:
        stored = uow.people.password_hash("wang")
    assert stored.startswith("$argon2id$") and "wang-demo" not in stored
    entry = security_log(ctx)[-1]
    assert (entry.kind, entry.login, entry.remote) == ("login", "wang", "127.0.0.1")
    assert records(ctx, "user.login") == []  # the whole-process record is for cases, not for logins


def test_a_wrong_password_an_unknown_or_a_disabled_user_are_refused_alike_and_logged(ctx: AppContext) -> None:
    people.set_user_active(ctx, "qian", False)
    for name, password in (("wang", "wrong-password"), ("nobody", "wrong-password"), ("qian", "qian-demo")):
        with pytest.raises(NotAllowed) as refused:
            login.login(ctx, name, password, remote="10.0.0.9")
        assert refused.value.code == "login-failed"
        assert refused.value.message_en == "Wrong user name or password"
    failed = [(e.kind, e.login, e.detail["reason"]) for e in security_log(ctx)]
    assert failed == [
        ("login-failed", "wang", "wrong-password"),
        ("login-failed", "nobody", "unknown-user"),
        ("login-failed", "qian", "disabled"),
    ]


def test_five_failures_make_the_pair_wait_doubling_while_other_addresses_log_in(
    ctx: AppContext, clock: MovableClock
) -> None:
    for _ in range(FREE_FAILURES):
        clock.advance(seconds=10)
        with pytest.raises(NotAllowed):
            login.login(ctx, "zhao", "not-his-password", remote="10.0.0.66")
    with pytest.raises(NotAllowed) as waiting:
        login.login(ctx, "zhao", "zhao-demo", remote="10.0.0.66")
    assert waiting.value.code == "login-throttled" and waiting.value.details == {"retryAfter": 60}
    assert login.login(ctx, "zhao", "zhao-demo", remote="10.0.0.7").actor.user_id == "zhao"
    rows = len(security_log(ctx))
    clock.advance(seconds=60)
    with pytest.raises(NotAllowed):
        login.login(ctx, "zhao", "still-not-it", remote="10.0.0.66")
    with pytest.raises(NotAllowed) as longer:
        login.login(ctx, "zhao", "zhao-demo", remote="10.0.0.66")
    assert longer.value.details == {"retryAfter": 120}
    assert len(security_log(ctx)) == rows + 1  # a refusal while waiting writes nothing
    clock.advance(seconds=120)
    assert login.login(ctx, "zhao", "zhao-demo", remote="10.0.0.66").actor.user_id == "zhao"


def test_one_address_spraying_many_accounts_waits_for_the_window(
    ctx: AppContext, clock: MovableClock
) -> None:
    for i in range(ADDRESS_FAILURES):
        with pytest.raises(NotAllowed):
            login.login(ctx, f"user{i}", "spray-spray", remote="2001:db8:1:2::10")
    with pytest.raises(NotAllowed) as refused:  # same /64: same client
        login.login(ctx, "sun", "sun-demo", remote="2001:db8:1:2::99")
    assert refused.value.code == "login-throttled"
    assert login.login(ctx, "sun", "sun-demo", remote="2001:db8:1:3::1").actor.user_id == "sun"
    clock.advance(minutes=15)
    assert login.login(ctx, "sun", "sun-demo", remote="2001:db8:1:2::99").actor.user_id == "sun"


def test_failures_broken_by_a_success_do_not_make_the_pair_wait(ctx: AppContext, clock: MovableClock) -> None:
    for i in range(8):
        clock.advance(minutes=1)
        with pytest.raises(NotAllowed):
            login.login(ctx, "qian", "nope-nope", remote="10.0.0.5")
        if i in (2, 5):
            login.login(ctx, "qian", "qian-demo", remote="10.0.0.5")
    assert login.login(ctx, "qian", "qian-demo", remote="10.0.0.5").actor.user_id == "qian"


def test_logout_ends_the_session_on_the_server_and_sessions_expire(
    ctx: AppContext, clock: MovableClock
) -> None:
    first, second = login.login(ctx, "sun", "sun-demo"), login.login(ctx, "sun", "sun-demo")
    login.logout(ctx, first.session_id, remote="10.0.0.1")
    assert login.session_actor(ctx, first.session_id) is None
    assert (security_log(ctx)[-1].kind, security_log(ctx)[-1].login) == ("logout", "sun")
    clock.advance(hours=13)
    assert login.session_actor(ctx, second.session_id) is None


def test_disabling_a_user_ends_every_session_and_adding_them_again_does_not_enable_them(
    ctx: AppContext,
) -> None:
    sessions = [login.login(ctx, "sun", "sun-demo") for _ in range(2)]
    assert people.set_user_active(ctx, "sun", False) == 2
    assert [login.session_actor(ctx, s.session_id) for s in sessions] == [None, None]
    people.add_user(ctx, people.NewUser("sun", "孙局长", ["approver"]))
    assert {e.user_id: e.active for e in people.staff_register(ctx)}["sun"] is False
    with pytest.raises(NotFound):
        people.set_user_active(ctx, "nobody", False)


def test_a_new_user_with_password_token_and_certificate_is_in_the_register(ctx: AppContext) -> None:
    entry = people.add_user(
        ctx,
        people.NewUser(
            "liu",
            "刘执法",
            ["handler"],
            password="liu-secret-1",
            token="tok-liu",
            post="执法员",
            department="市场准入审批科",
            certificate_no="鲁执37010220240099",
            certificate_issuer="济南市人民政府",
            certificate_valid_until=date(2027, 6, 30),
        ),
    )
    assert entry.certificate_valid_on(date(2027, 6, 30)) and not entry.certificate_valid_on(date(2027, 7, 1))
    assert login.login(ctx, "liu", "liu-secret-1").actor.groups == frozenset({"handler"})
    assert tokens.token_actor(ctx, "tok-liu").user_id == "liu"
    assert {e.user_id for e in people.staff_register(ctx)} >= {"liu", "wang", "zhao"}
    assert records(ctx, "user.saved")[-1].payload["user"] == "liu"


def test_short_passwords_and_bad_user_ids_are_refused(ctx: AppContext) -> None:
    with pytest.raises(InvalidInput):
        people.add_user(ctx, people.NewUser("liu", "刘", ["handler"], password="short"))
    with pytest.raises(InvalidInput):
        people.add_user(ctx, people.NewUser("Liu Bei", "刘备", ["handler"]))


def test_the_demo_handler_zhao_holds_a_valid_certificate(ctx: AppContext) -> None:
    register = {e.user_id: e for e in people.staff_register(ctx)}
    assert register["zhao"].certificate_valid_on(date(2026, 11, 27))
    assert not register["qian"].certificate_no


def test_cli_users_add_and_list(database_url: str, tmp_path: Path) -> None:
    env = {
        "SANXIANG_DATABASE_URL": database_url,
        "SANXIANG_VAR_DIR": str(tmp_path / "var"),
        "SANXIANG_PASSWORD_HASH_PROFILE": "test",
    }
    runner = CliRunner()
    added = runner.invoke(
        main,
        [
            "users",
            "add",
            "liu",
            "--name",
            "刘执法",
            "--group",
            "handler",
            "--group",
            "legal-reviewer",
            "--password",
            "liu-secret-1",
            "--token",
            "--certificate",
            "鲁执001",
            "--issuer",
            "济南市人民政府",
            "--valid-until",
            "2028-01-31",
        ],
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert "API token (shown once): sx-" in added.output
    listed = runner.invoke(main, ["users", "list"], env=env)
    assert listed.exit_code == 0 and "刘执法" in listed.output and "鲁执001" in listed.output
    assert "handler,legal-reviewer" in listed.output
    bad = runner.invoke(main, ["users", "add", "x1", "--name", "X", "--group", "Bad Group"], env=env)
    assert bad.exit_code == 1 and "invalid" in bad.output.lower()


def test_every_login_outcome_lands_in_the_security_log_not_in_the_record(
    client: Any, ctx: AppContext
) -> None:
    before = actions(ctx)
    log_in(client, "wang", "bad-password")
    log_in(client, "wang")
    assert actions(ctx) == before
    assert [e.kind for e in security_log(ctx)] == ["login-failed", "login"]
