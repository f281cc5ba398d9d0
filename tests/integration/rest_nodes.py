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


def wait_ready(url: str, deadline: float = 60.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Until ``url``/engine-rest/version answers (the server imported, bound and forked its worker); with
    ``process``, fails as soon as that server has exited (e.g. it could not bind its port)."""
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if process is not None and process.poll() is not None:
            raise ServerExited(f"the server for {url} exited with {process.returncode}")
        try:
            answered = requests.get(f"{url}/engine-rest/version", headers=auth("bank"), timeout=2).ok
            if answered and (process is None or process.poll() is None):  # ours, not another's on that port
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


class ServerExited(AssertionError):
    """The server process ended before it answered."""


def start_ready(settings: Settings, log: Path, attempts: int = 3) -> tuple[subprocess.Popen[bytes], str]:
    """A production server on a free port, answering; its process and URL. A port taken between choosing
    and binding it (the tests run in parallel) makes gunicorn give up: then another port is tried."""
    for attempt in range(attempts):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = start_server(settings, port, log.with_name(f"{log.stem}-{attempt}{log.suffix}"))
        try:
            wait_ready(url, process=process)
            return process, url
        except ServerExited:
            stop(process)
        except BaseException:
            stop(process)
            raise
    raise AssertionError(f"no server came up in {attempts} attempts (logs beside {log})")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
