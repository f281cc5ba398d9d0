"""People and access: argon2 passwords, login sessions, lockout, records, the staff register, the CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.errors import InvalidInput, NotAllowed
from engine.services import people
from engine.services.context import AppContext
from tests.integration.pages_driver import actions, log_in
from tests.support import MovableClock


def records(ctx: AppContext, action: str) -> list[Any]:
    with ctx.uow(readonly=True) as uow:
        return [e.content for e in uow.records.all() if e.content.action == action]


def test_demo_users_log_in_with_their_demo_password_and_argon2_keeps_only_a_hash(ctx: AppContext) -> None:
    logged = people.login(ctx, "wang", "wang-demo", remote="127.0.0.1")
    assert logged.actor.user_id == "wang" and "window-clerk" in logged.actor.groups
    assert people.session_actor(ctx, logged.session_id) == logged.actor
    with ctx.uow(readonly=True) as uow:
        stored = uow.people.password_hash("wang")
    assert stored.startswith("$argon2id$") and "wang-demo" not in stored
    entry = records(ctx, "user.login")[-1]
    assert entry.actor == "wang" and entry.case_id is None and entry.payload["remote"] == "127.0.0.1"


def test_a_wrong_password_or_unknown_user_is_refused_alike_and_recorded(ctx: AppContext) -> None:
    for name in ("wang", "nobody"):
        with pytest.raises(NotAllowed) as refused:
            people.login(ctx, name, "wrong-password")
        assert refused.value.code == "login-failed"
    failed = records(ctx, "user.login-failed")
    assert [(e.actor, e.payload["login"]) for e in failed] == [("wang", "wang"), ("anonymous", "nobody")]


def test_five_failures_in_fifteen_minutes_lock_the_login_even_for_the_right_password(
    ctx: AppContext, clock: MovableClock
) -> None:
    for _ in range(people.MAX_FAILURES):
        clock.advance(minutes=1)
        with pytest.raises(NotAllowed):
            people.login(ctx, "zhao", "not-his-password")
    assert len(records(ctx, "user.locked")) == 1
    with pytest.raises(NotAllowed) as locked:
        people.login(ctx, "zhao", "zhao-demo")
    assert locked.value.code == "login-locked"
    assert records(ctx, "user.login-refused")[-1].actor == "zhao"
    clock.advance(minutes=11)  # the first of the five failures is now 15 minutes old
    assert people.login(ctx, "zhao", "zhao-demo").actor.user_id == "zhao"


def test_failures_spread_beyond_the_window_or_broken_by_a_success_do_not_lock(
    ctx: AppContext, clock: MovableClock
) -> None:
    for i in range(8):
        clock.advance(minutes=4)
        with pytest.raises(NotAllowed):
            people.login(ctx, "qian", "nope-nope")
        if i == 2:
            people.login(ctx, "qian", "qian-demo")
    assert people.login(ctx, "qian", "qian-demo").actor.user_id == "qian"
    assert records(ctx, "user.locked") == []


def test_logout_ends_the_session_on_the_server_and_sessions_expire(
    ctx: AppContext, clock: MovableClock
) -> None:
    first, second = people.login(ctx, "sun", "sun-demo"), people.login(ctx, "sun", "sun-demo")
    people.logout(ctx, first.session_id)
    assert people.session_actor(ctx, first.session_id) is None
    assert records(ctx, "user.logout")[-1].actor == "sun"
    clock.advance(hours=13)
    assert people.session_actor(ctx, second.session_id) is None


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
    assert people.login(ctx, "liu", "liu-secret-1").actor.groups == frozenset({"handler"})
    with ctx.uow(readonly=True) as uow:
        assert uow.users.by_token("tok-liu").user_id == "liu"
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


def test_every_login_outcome_lands_in_the_global_record_without_a_case(client: Any, ctx: AppContext) -> None:
    log_in(client, "wang", "bad-password")
    log_in(client, "wang")
    assert actions(ctx)[-2:] == ["user.login-failed", "user.login"]
