"""Who is calling: API tokens now (Bearer), login sessions come with the work pages."""

from __future__ import annotations

import time

from apiflask import HTTPTokenAuth
from flask import current_app

from engine.services.ports import Actor

token_auth = HTTPTokenAuth(scheme="Bearer", description="API token (`sanxiang users add … --token`)")


TOKEN_TTL_SECONDS = 10.0   # a revoked token or a changed group reaches a running worker within this time


@token_auth.verify_token
def _verify(token: str) -> Actor | None:
    _known: dict[str, tuple[Actor, float]] = current_app.extensions.setdefault("sanxiang.tokens", {})
    hit = _known.get(token)
    if hit is not None and hit[1] > time.monotonic():
        return hit[0]
    ctx = current_app.extensions["sanxiang"]
    with ctx.uow(readonly=True) as uow:
        actor = uow.users.by_token(token)
    if actor is None:
        _known.pop(token, None)
        return None
    if len(_known) > 10_000:
        _known.clear()
    _known[token] = (actor, time.monotonic() + TOKEN_TTL_SECONDS)
    return actor


@token_auth.error_processor
def _unauthorised(error):  # type: ignore[no-untyped-def]
    from engine.web.problems import problem
    return problem(401, "unauthenticated", "未认证", "Unauthenticated",
                   "请提供有效的 API 令牌（Authorization: Bearer …）",
                   "Send a valid API token (Authorization: Bearer …)")


def current_actor() -> Actor:
    user = token_auth.current_user
    assert isinstance(user, Actor)
    return user
