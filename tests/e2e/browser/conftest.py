"""Browser tests: Debian's Chromium driven by Playwright (never `playwright install`), against a real
server (werkzeug in a thread) on this test's database — SQLite, or PostgreSQL when
SANXIANG_TEST_DATABASE_URL is set. ``scripts/setup --test`` installs chromium and fonts-noto-cjk."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.serving import make_server

from engine.app import create_app
from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.support import MovableClock

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Debian's chromium is missing: run scripts/setup --test"
    return found


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": chromium(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 900},
    }


@dataclass
class LiveServer:
    url: str
    ctx: AppContext
    clock: MovableClock


@pytest.fixture
def live(settings: Settings, clock: MovableClock) -> Iterator[LiveServer]:
    """The real application (bootstrap, migrations, demo users) served on 127.0.0.1 by werkzeug."""
    ctx = make_context(settings, clock, rules="dialect")
    server = make_server("127.0.0.1", 0, create_app(ctx), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", ctx, clock)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        ctx.database.dispose()
