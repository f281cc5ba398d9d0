"""Serve the app with gunicorn (the production WSGI server) from inside the process."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from engine.kernel.json_types import JsonObject


class _Gunicorn(BaseApplication):
    def __init__(self, app: Any, options: JsonObject) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def serve(
    app: Any,
    host: str,
    port: int,
    *,
    workers: int = 1,
    threads: int = 8,
    database: Any = None,
    accesslog: str | None = "-",
) -> None:
    def post_fork(_server: object, _worker: object) -> None:
        if database is not None:  # connections opened before the fork belong to the master
            database.dispose(close=False)

    # the request line: gunicorn's largest, 8190 bytes; every path segment and text query parameter the app
    # accepts is bounded (engine.web.bounds) so that a request the app would answer fits in it, encoded
    _Gunicorn(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "accesslog": accesslog,
            "timeout": 120,
            "post_fork": post_fork,
            "limit_request_line": 8190,
        },
    ).run()
