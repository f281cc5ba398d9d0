"""The ``sanxiang`` command. Only ``engine.cli`` knows exit codes.

Each area has its own module of subcommands (``engine/cli/<area>.py``) that defines a click group or
command and is registered at the bottom of this file."""

from __future__ import annotations

import importlib
import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from engine.config import Settings, from_env
from engine.errors import InvalidDiagram, NotConfigured, SanxiangError
from engine.kernel.context import AppContext

if TYPE_CHECKING:
    from engine.demo import DemoUser


def _settings() -> Settings:
    """The environment's settings; outside a project without SANXIANG_VAR_DIR: a clear message, exit 2."""
    try:
        return from_env()
    except NotConfigured as exc:
        click.echo(f"未配置 / not configured: {exc.message_zh}\n{exc.message_en}", err=True)
        sys.exit(2)


def _context(settings: Settings | None = None) -> AppContext:
    from engine.bootstrap import bootstrap

    return bootstrap(settings or _settings())


@click.group()
@click.version_option(package_name="sanxiang")
def main() -> None:
    """三项 Sanxiang：行政审批三项制度流程引擎 / approval workflow engine."""


@main.group()
def db() -> None:
    """Database schema (Alembic)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Bring the schema to the newest version."""
    from engine.store.migrate import current, upgrade

    ctx = _context()
    upgrade(ctx.database)
    click.echo(f"schema at {current(ctx.database)}")


def _files(paths: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".bpmn", ".form") and p.is_file())
        else:
            found.append(path)
    return found


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--rules", type=click.Choice(["all", "dialect", "compliance"]), default="all")
def lint(paths: tuple[str, ...], fmt: str, rules: str) -> None:
    """Check diagrams and forms; exit 1 on any error finding."""
    from engine.bootstrap import DEFAULT_HANDLERS, lint_facts
    from engine.compliance.findings import has_errors
    from engine.compliance.lint import lint_path
    from engine.config import budget_from_env, form_limits_from_env
    from engine.runner.expressions.static import constant_failures
    from engine.runner.timekeeping.workday_functions import FUNCTION_NAMES

    budget = budget_from_env(os.environ)  # the deployment's limits of SX-D129…SX-D132
    constant_check = partial(constant_failures, budget=budget)  # SX-D132: the runner evaluates constants
    limits = form_limits_from_env(os.environ)  # the deployment's limits of a form (SX-X003, SX-F311)
    facts = lint_facts(FUNCTION_NAMES, DEFAULT_HANDLERS)  # what `serve` registers
    report = {
        str(p): lint_path(
            p, rules=rules, budget=budget, constant_check=constant_check, form_limits=limits, facts=facts
        )
        for p in _files(paths)
    }
    if fmt == "json":
        click.echo(
            json.dumps({k: [f.to_json() for f in v] for k, v in report.items()}, ensure_ascii=False, indent=2)
        )
    else:
        for name, findings in report.items():
            click.echo(f"{name}: {'通过 / ok' if not findings else f'{len(findings)} 项 / finding(s)'}")
            for finding in findings:
                click.echo(f"  {finding}")
    sys.exit(1 if any(has_errors(v) for v in report.values()) else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--as-user", default="admin", show_default=True)
def deploy(paths: tuple[str, ...], as_user: str) -> None:
    """Deploy .bpmn and .form files (folders are searched)."""
    from engine.kernel.ports import Actor
    from engine.processes.deploy import deploy as run_deploy
    from engine.store.migrate import upgrade

    ctx = _context()
    upgrade(ctx.database)
    files = [(p.name, p.read_bytes()) for p in _files(paths)]
    try:
        outcome = run_deploy(ctx, files, Actor(as_user, frozenset({"designer"}), channel="cli"))
    except InvalidDiagram as exc:
        _fail("拒绝部署 / refused", exc)
    for item in outcome.items:
        state = "新版本 / new" if item.created else "未变 / unchanged"
        click.echo(f"{item.kind} {item.key} v{item.version} {state}")
        for warning in item.warnings:
            click.echo(f"  {warning}")


def _fail(what: str, exc: SanxiangError) -> NoReturn:
    """The refusal on stderr, each finding of a diagram or form on its own line, and exit status 1."""
    click.echo(f"{what}: {exc.message_zh} / {exc.message_en}", err=True)
    for finding in getattr(exc, "findings", []):
        click.echo(f"  {finding}", err=True)
    sys.exit(1)


def _prepare(ctx: AppContext) -> None:
    from engine.demo import ensure_demo_users, open_demo_users
    from engine.kernel.ports import Actor
    from engine.processes.deploy import deploy as run_deploy
    from engine.store.migrate import upgrade

    upgrade(ctx.database)
    users = ensure_demo_users(ctx)
    folders = (str(ctx.settings.forms_dir), str(ctx.settings.processes_dir))
    files = [(p.name, p.read_bytes()) for p in _files(folders)]
    if files:
        outcome = run_deploy(ctx, files, Actor("admin", frozenset({"designer"}), channel="cli"))
        for item in outcome.processes:
            click.echo(f"  流程 process {item.key} v{item.version}: {item.name}")
    _echo_demo_users(users)
    _warn_demo(open_demo_users(ctx), with_secrets=True)


def _echo_demo_users(users: list[DemoUser]) -> None:
    click.echo("演示用户 / demo users (pages: /login with the password; API: Authorization: Bearer <token>):")
    for user in users:
        click.echo(
            f"  {user.user_id:<6} {','.join(user.groups):<32} password={user.password:<11} "
            f"token={user.token}  {user.name}"
        )


def _warn_demo(users: list[DemoUser], *, with_secrets: bool) -> None:
    """A loud warning on stderr while demo users can get in with their published passwords or tokens."""
    if not users:
        return
    rule = "!" * 100
    lines = [
        rule,
        "!! 警告：演示用户仍可登录，其密码和 API 令牌是公开的，任何人都能冒用他们的身份办件！",
        "!! WARNING: demo users can still get in, with passwords and API tokens that are PUBLIC:",
        "!!          anyone can act as them. Never use these accounts for real cases.",
    ]
    for user in users:
        secret = f"  password={user.password}  token={user.token}" if with_secrets else ""
        lines.append(f"!!   {user.user_id:<6} {','.join(user.groups)}{secret}")
    lines += [
        "!! 停用 / disable: sanxiang users disable " + " ".join(u.user_id for u in users),
        "!! 生产环境 / production: an empty database with `sanxiang db upgrade`, `deploy`, "
        "`users add`, `serve` (never `up`)",
        rule,
    ]
    click.echo("\n".join(lines), err=True)


@main.command()
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
def up(host: str | None, port: int | None) -> None:
    """Quick start: migrate, deploy processes/ and forms/, create demo users (warned about), serve."""
    from engine.app import create_app
    from engine.logs import configure_logging
    from engine.scheduler import start_with_server
    from engine.server import serve

    configure_logging()  # one JSON object per line, with request id, case and actor (docs/operations.md)
    settings = _settings()
    settings = settings.with_(host=host or settings.host, port=settings.port if port is None else port)
    ctx = _context(settings)
    try:
        _prepare(ctx)
    except SanxiangError as exc:
        _fail("启动失败 / cannot start", exc)
    click.echo(
        f"Sanxiang 已启动 / running at http://{settings.host}:{settings.port}/  "
        f"(API: http://{settings.host}:{settings.port}/api/v1/openapi.json)"
    )
    start_with_server(settings)  # due timers and deadline warnings: in this (master) process, once
    serve(create_app(ctx), settings.host, settings.port, database=ctx.database)


@main.command("serve")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--workers", type=int, default=1, show_default=True)
def serve_command(host: str | None, port: int | None, workers: int) -> None:
    """Serve without preparing anything (production: run `sanxiang db upgrade` and deploy first).

    Never creates users; warns when the demo users of `sanxiang up` can still get in."""
    from engine.app import create_app
    from engine.demo import open_demo_users
    from engine.logs import configure_logging
    from engine.scheduler import start_with_server
    from engine.server import serve
    from engine.store.migrate import current

    configure_logging()  # one JSON object per line, with request id, case and actor (docs/operations.md)
    settings = _settings()
    settings = settings.with_(host=host or settings.host, port=settings.port if port is None else port)
    ctx = _context(settings)
    if current(ctx.database) is not None:  # an empty database has no users to warn about
        _warn_demo(open_demo_users(ctx), with_secrets=False)
    start_with_server(settings)  # due timers and deadline warnings: in this (master) process, once
    serve(create_app(ctx), settings.host, settings.port, workers=workers, database=ctx.database)


def _register() -> None:
    for module in SUBCOMMAND_MODULES:
        imported = importlib.import_module(f"engine.cli.{module}")
        main.add_command(imported.command)


SUBCOMMAND_MODULES: tuple[str, ...] = (
    "audit",
    "calendar",
    "case",
    "render",
    "scheduler",
    "tokens",
    "users",
    "webhooks",
)
_register()

if __name__ == "__main__":
    main()
