"""The Flask application factory: nothing happens at import time."""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask
from flask import Response
from werkzeug.middleware.proxy_fix import ProxyFix

from engine import __version__
from engine.camunda_rest.api import engine_rest
from engine.cases.api import api
from engine.deadlines.api import deadlines_api
from engine.disclosure.api import disclosures_api
from engine.disclosure.portal.open_data import open_data
from engine.disclosure.portal.pages import portal
from engine.errors import SanxiangError
from engine.integration.api import webhooks_api
from engine.integration.inbound_api import inbound
from engine.kernel.context import AppContext
from engine.record.evidence.api import evidence
from engine.review.api import corrections_api
from engine.supervision.api import console_api
from engine.supervision.console import console
from engine.supervision.metrics_api import metrics
from engine.tasks.actions_api import task_actions_api
from engine.tasks.drafts_api import drafts
from engine.tasks.pages import pages
from engine.web import bounds, openapi, request_log, request_text
from engine.web.problems import from_error, problem

# One line per area of the web edge, in the order they are registered.
BLUEPRINTS: tuple[APIBlueprint, ...] = (
    api,
    deadlines_api,
    engine_rest,
    webhooks_api,
    inbound,
    evidence,
    pages,
    task_actions_api,
    corrections_api,
    disclosures_api,
    portal,
    open_data,
    drafts,
    console_api,
    console,
    metrics,
)


def trust_proxies(app: APIFlask, hops: int) -> None:
    """Behind ``hops`` reverse proxies, believe their X-Forwarded-For and X-Forwarded-Proto (the last
    ``hops`` values, which they set themselves): ``request.remote_addr`` is then the client's, for the
    result-query rate limit, the login throttle, the security log and /metrics' local check. Without
    the setting the headers are ignored: a client cannot choose its own address."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def create_app(ctx: AppContext) -> APIFlask:
    app = APIFlask(
        "sanxiang",
        title="Sanxiang 三项 API",
        version=__version__,
        spec_path="/api/v1/openapi.json",
        docs_path=None,
    )
    app.config.update(
        OPENAPI_VERSION="3.1.0",
        MAX_CONTENT_LENGTH=ctx.settings.max_diagram_bytes * 4,
        JSON_SORT_KEYS=False,
        SECRET_KEY=ctx.settings.secret_key or None,
        VALIDATION_ERROR_STATUS_CODE=400,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["sanxiang"] = ctx
    app.info = {"description": "三项制度审批引擎 API：公示、全过程记录、重大执法决定法制审核。"}
    app.security_schemes = {"BearerAuth": {"type": "http", "scheme": "bearer"}}
    openapi.install(app)  # every error as a problem body, every status an operation can give

    trust_proxies(app, ctx.settings.trusted_proxies)
    request_log.install(app)  # first: every later hook's lines carry the request id
    bounds.install(app)  # <int:…> is bounded in every route: before the blueprints
    request_text.install(app)  # NUL and lone surrogates refused in every request
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    @app.errorhandler(SanxiangError)
    def _domain_error(error: SanxiangError) -> Response:
        return from_error(error)

    @app.error_processor
    def _http_error(error):  # type: ignore[no-untyped-def]
        detail = error.detail if isinstance(error.detail, dict) else {}
        return problem(
            error.status_code,
            f"http-{error.status_code}",
            error.message,
            error.message,
            str(error.message),
            str(error.message),
            errors=detail,
        )

    @app.get("/healthz")
    @app.doc(hide=True)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
