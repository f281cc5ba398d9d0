"""Who is calling: an API token (Bearer), or else the login session of the work pages (then every unsafe
request must carry the session's CSRF token in ``X-CSRFToken``: see ``engine.web.sessions``)."""

from __future__ import annotations

from typing import Any

from apiflask import HTTPTokenAuth
from flask import current_app

from engine.kernel import log_context
from engine.kernel.ports import Actor
from engine.people.tokens import token_actor


class TokenOrSessionAuth(HTTPTokenAuth):
    """Bearer token first; without an Authorization header, the pages' login session (CSRF-checked)."""

    def authenticate(self, auth: Any, stored_password: Any) -> Any:
        if getattr(auth, "token", None):
            return super().authenticate(auth, stored_password)
        from engine.web.sessions import check_csrf, session_actor

        actor = session_actor()
        if actor is not None:
            check_csrf()
        return actor


token_auth = TokenOrSessionAuth(
    scheme="Bearer",
    description="API token (`sanxiang users add … --token`); "
    "the pages' login session is accepted too, with the X-CSRFToken header",
)


@token_auth.verify_token  # type: ignore[untyped-decorator]  # flask-httpauth has no annotations
def _verify(token: str) -> Actor | None:
    """Read from the database on every request (no per-worker cache): a revoked or expired token and a
    disabled user are refused from the next request on, on every worker and node."""
    actor = token_actor(current_app.extensions["sanxiang"], token)
    if actor is not None:
        log_context.bind(actor=actor.user_id)
    return actor


@token_auth.error_processor
def _unauthorised(error):  # type: ignore[no-untyped-def]
    from engine.web.problems import problem

    return problem(
        401,
        "unauthenticated",
        "未认证",
        "Unauthenticated",
        "请提供有效的 API 令牌（Authorization: Bearer …）",
        "Send a valid API token (Authorization: Bearer …)",
    )


def current_actor() -> Actor:
    """The caller of an /api/v1 route (token or session), acting through the API channel."""
    user = token_auth.current_user
    assert isinstance(user, Actor)
    return user.via("api")
