"""Sanxiang's production server (``sanxiang serve``: gunicorn, gthread, 8 threads) in subprocesses on the
test's database, for tests that need separate server processes (SIGKILL, long polls)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from engine.config import Settings
from tests.support import ROOT, auth


def free_port() -> int:
    """A port nobody listens on now (the tests run in parallel: never a fixed port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(settings: Settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SANXIANG_DATABASE_URL": settings.database_url,
        "SANXIANG_VAR_DIR": str(settings.var_dir),
        "SANXIANG_SECRET_KEY": settings.secret_key or "test-secret",
    }
    command = [sys.executable, "-m", "engine", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wait_ready(url: str, deadline: float = 60.0) -> None:
    """Until ``url``/engine-rest/version answers (the server imported, bound and forked its worker)."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        try:
            if requests.get(f"{url}/engine-rest/version", headers=auth("bank"), timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
