"""Accounts from the command line (issue #13, item 11): disabling users, API tokens with an expiry, by
id, revoked at once; the command outside the project; `up` warns about the demo users, `serve` never
makes them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from engine.cli import main
from engine.errors import NotAllowed
from engine.kernel.context import AppContext
from engine.people import login
from tests.integration.live_http import serving
from tests.support import ROOT

SANXIANG = Path(sys.executable).with_name("sanxiang")  # the installed command, as a person runs it


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "SANXIANG_DATABASE_URL": database_url,
        "SANXIANG_VAR_DIR": str(tmp_path / "var"),
        "SANXIANG_PASSWORD_HASH_PROFILE": "test",
    }


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any Sanxiang setting, plus ``settings``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("SANXIANG_")}, **settings}


def test_users_disable_ends_the_sessions_and_enable_lets_them_back(
    ctx: AppContext, env: dict[str, str]
) -> None:
    session = login.login(ctx, "sun", "sun-demo")
    runner = CliRunner(env=env)
    disabled = runner.invoke(main, ["users", "disable", "sun"])
    assert disabled.exit_code == 0, disabled.output
    assert "disabled" in disabled.output and "1 个会话已结束" in disabled.output
    assert login.session_actor(ctx, session.session_id) is None
    listed = runner.invoke(main, ["users", "list"]).output.splitlines()
    assert "[停用 disabled]" in next(line for line in listed if line.startswith("sun "))
    assert runner.invoke(main, ["users", "enable", "sun"]).exit_code == 0
    assert login.login(ctx, "sun", "sun-demo").actor.user_id == "sun"
    unknown = runner.invoke(main, ["users", "disable", "nobody"])
    assert unknown.exit_code == 1 and "No user nobody" in unknown.output


def test_tokens_are_listed_by_id_never_in_clear_and_refused_once_revoked(
    ctx: AppContext, env: dict[str, str]
) -> None:
    runner = CliRunner(env=env)
    added = runner.invoke(main, ["tokens", "add", "li", "--expires", "90d", "--label", "modeler"])
    assert added.exit_code == 0, added.output
    token = re.search(r"API token \(shown once\): (sx-\S+)", added.output).group(1)
    token_id = re.search(r"^id ([0-9a-f]{12}) ", added.output, re.M).group(1)
    listed = runner.invoke(main, ["tokens", "list", "li"]).output
    assert token_id in listed and "modeler" in listed and "valid until" in listed and token not in listed
    with ctx.database.connect() as conn:
        assert token not in repr(conn.exec_driver_sql("SELECT * FROM api_tokens").all())
    with serving(ctx) as url:
        bearer = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{url}/api/v1/processes", headers=bearer, timeout=30).status_code == 200
        revoked = runner.invoke(main, ["tokens", "revoke", token_id])
        assert revoked.exit_code == 0 and "revoked" in revoked.output
        assert requests.get(f"{url}/api/v1/processes", headers=bearer, timeout=30).status_code == 401
    assert f"{token_id}  li" in runner.invoke(main, ["tokens", "list"]).output
    assert "revoked" in runner.invoke(main, ["tokens", "list", "li"]).output


@pytest.mark.parametrize("expires", ["yesterday", "0d", "99999d", "2020-01-01", "12x"])
def test_a_bad_or_past_expiry_is_refused_with_a_message(env: dict[str, str], expires: str) -> None:
    result = CliRunner(env=env).invoke(main, ["tokens", "add", "li", "--expires", expires])
    assert result.exit_code == 1 and "Invalid expiry" in result.output and "Traceback" not in result.output


def test_revoking_an_unknown_token_says_so(env: dict[str, str]) -> None:
    result = CliRunner(env=env).invoke(main, ["tokens", "revoke", "000000000000"])
    assert result.exit_code == 1 and "No token 000000000000" in result.output


NO_SETTINGS: dict[str, str | None] = {name: None for name in ("SANXIANG_VAR_DIR", "SANXIANG_DATABASE_URL")}


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SANXIANG), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_outside_the_project_the_command_says_there_is_no_database_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("users", "list", cwd=tmp_path, env=clean_env())  # the installed command, from elsewhere
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "SANXIANG_VAR_DIR" in result.stderr and "Not inside a Sanxiang project" in result.stderr
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env=NO_SETTINGS)
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 2
    assert runner.invoke(main, ["lint", str(ROOT / "forms")]).exit_code == 0  # needs no database
    assert list(tmp_path.iterdir()) == []


def test_outside_the_project_the_configured_database_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere, var = tmp_path / "elsewhere", tmp_path / "configured"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    runner = CliRunner(env={**NO_SETTINGS, "SANXIANG_VAR_DIR": str(var)})
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["users", "list"]).exit_code == 0 and (var / "sanxiang.db").is_file()
    assert list(elsewhere.iterdir()) == []


def test_inside_a_project_any_subfolder_finds_the_project_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "bureau"
    (project / "docs" / "notes").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "sanxiang"\n', encoding="utf-8")
    monkeypatch.chdir(project / "docs" / "notes")
    assert CliRunner(env=NO_SETTINGS).invoke(main, ["db", "upgrade"]).exit_code == 0
    assert (project / "var" / "sanxiang.db").is_file() and not (project / "docs" / "notes" / "var").exists()


@contextmanager
def running(*args: str, env: dict[str, str], cwd: Path) -> Iterator[tuple[str, list[str]]]:
    """Start ``sanxiang <args>`` (gunicorn on a free port); yield its URL and what it printed until then."""
    process = subprocess.Popen(
        [str(SANXIANG), *args, "--port", "0"],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    printed: list[str] = []
    try:
        for line in process.stdout:  # blocks until gunicorn says where it listens (or the command ends)
            printed.append(line)
            found = re.search(r"Listening at: (http://\S+)", line)
            if found:
                yield found.group(1), printed
                break
        else:
            pytest.fail("".join(printed))
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)


def _server_env(tmp_path: Path) -> dict[str, str]:
    return clean_env(
        SANXIANG_VAR_DIR=str(tmp_path / "var"), SANXIANG_SCHEDULER="0", SANXIANG_PASSWORD_HASH_PROFILE="test"
    )


def test_serve_never_creates_the_demo_users(tmp_path: Path) -> None:
    env = _server_env(tmp_path)
    assert CliRunner(env=env).invoke(main, ["db", "upgrade"]).exit_code == 0
    with running("serve", env=env, cwd=tmp_path) as (url, printed):
        assert requests.get(f"{url}/healthz", timeout=30).status_code == 200
        bearer = {"Authorization": "Bearer demo-wang"}
        assert requests.get(f"{url}/api/v1/processes", headers=bearer, timeout=30).status_code == 401
    assert "WARNING" not in "".join(printed)
    assert CliRunner(env=env).invoke(main, ["users", "list"]).output == ""


def test_up_warns_loudly_with_the_passwords_and_serve_warns_until_they_are_disabled(tmp_path: Path) -> None:
    env = _server_env(tmp_path)
    with running("up", env=env, cwd=ROOT) as (url, printed):
        assert (
            requests.get(
                f"{url}/api/v1/processes", headers={"Authorization": "Bearer demo-wang"}, timeout=30
            ).status_code
            == 200
        )
    warning = "".join(printed)
    assert "WARNING: demo users can still get in" in warning and "password=wang-demo" in warning
    with running("serve", env=env, cwd=tmp_path) as (_, printed):
        assert "WARNING: demo users can still get in" in "".join(printed)
        assert "wang-demo" not in "".join(printed)  # serve names them, without their secrets
    disable = re.search(r"sanxiang users disable ([a-z ]+)", warning).group(1).split()  # as the warning says
    assert CliRunner(env=env).invoke(main, ["users", "disable", *disable]).exit_code == 0
    with running("serve", env=env, cwd=tmp_path) as (_, printed):
        assert "WARNING" not in "".join(printed)


def test_users_log_shows_the_security_log_newest_first(ctx: AppContext, env: dict[str, str]) -> None:
    with pytest.raises(NotAllowed):
        login.login(ctx, "wang", "not-the-password", remote="192.0.2.44")
    login.login(ctx, "wang", "wang-demo", remote="192.0.2.44")
    login.login(ctx, "qian", "qian-demo", remote="192.0.2.45")
    shown = CliRunner(env=env).invoke(main, ["users", "log", "--login", "wang"]).output.splitlines()
    assert [line.split()[1:4] for line in shown] == [
        ["login", "wang", "192.0.2.44"],
        ["login-failed", "wang", "192.0.2.44"],
    ]
    assert "wrong-password" in shown[1]
