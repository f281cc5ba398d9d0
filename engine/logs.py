"""One log format for the whole engine: a JSON object per line (python-json-logger), with the time,
level, logger, message, and the request id, case id and actor of the request or scheduler job the
line belongs to (``engine.kernel.log_context``). docs/operations.md shows a line and its fields.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from engine.kernel import log_context

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(case_id)s %(actor)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
_MARK = "_sanxiang_json"
QUIET = {"spiff": logging.WARNING, "apscheduler": logging.WARNING}  # a line per task state / job run


class ContextFilter(logging.Filter):
    """Puts the request id, case id and actor of the current request or job on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in log_context.current().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


def json_handler(stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(FORMAT, rename_fields=RENAMED, json_ensure_ascii=False))
    handler.addFilter(ContextFilter())
    setattr(handler, _MARK, True)
    return handler


def configure_logging(level: int | str = logging.INFO, stream: TextIO | None = None) -> logging.Handler:
    """Send every logger's lines through one JSON handler on the root logger (once per process: a
    second call replaces the first handler, e.g. to write to ``stream`` in a test)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
    handler = json_handler(stream)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(quiet)
    return handler
