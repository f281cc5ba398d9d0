"""Every request's log fields: its id (the caller's X-Request-Id, or a new one, echoed in the response),
the case in the URL, the actor once authenticated; and one access line when it ends."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from engine.kernel import log_context

HEADER = "X-Request-Id"
log = logging.getLogger("sanxiang.request")


def install(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_end)


def _begin() -> None:
    g.sanxiang_started = time.perf_counter()
    g.sanxiang_request_id = log_context.request_id_from(request.headers.get(HEADER))
    case_id = (request.view_args or {}).get("case_id")
    log_context.start(g.sanxiang_request_id, case_id=str(case_id) if case_id is not None else None)


def _finish(response: Response) -> Response:
    request_id = g.get("sanxiang_request_id") or log_context.request_id_from(None)
    response.headers[HEADER] = request_id
    elapsed = 1000 * (time.perf_counter() - g.get("sanxiang_started", time.perf_counter()))
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed, 1),
        },
    )
    return response


def _end(_error: BaseException | None) -> None:
    log_context.end()
