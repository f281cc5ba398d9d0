"""Fixtures: every test gets its own database — SQLite by default, PostgreSQL when
SANXIANG_TEST_DATABASE_URL points at a server (a fresh schema per test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, text

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.demo import ensure_demo_users
from engine.kernel.context import AppContext
from engine.store.migrate import upgrade
from tests.support import MovableClock

PG_URL = os.environ.get("SANXIANG_TEST_DATABASE_URL", "")


def _with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'sanxiang.db'}"
        return
    schema = f"t_{uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield _with_schema(PG_URL, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        var_dir=tmp_path / "var",
        secret_key="test-secret",
        password_hash_profile="test",
    )


def make_context(settings: Settings, clock: MovableClock, **options: object) -> AppContext:
    ctx = bootstrap(settings, clock=clock, **options)  # type: ignore[arg-type]
    upgrade(ctx.database)
    ensure_demo_users(ctx)
    return ctx


@pytest.fixture
def ctx(settings: Settings, clock: MovableClock) -> Iterator[AppContext]:
    """Engine-spine tests run the dialect rules only; compliance tests use ``compliant_ctx``."""
    context = make_context(settings, clock, rules="dialect")
    yield context
    context.database.dispose()


@pytest.fixture
def app(ctx: AppContext):  # type: ignore[no-untyped-def]
    from engine.app import create_app

    application = create_app(ctx)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()
