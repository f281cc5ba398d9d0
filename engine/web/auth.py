"""Who is calling: API tokens now (Bearer), login sessions come with the work pages."""

from __future__ import annotations

from apiflask import HTTPTokenAuth
from flask import current_app

from engine.services.ports import Actor

token_auth = HTTPTokenAuth(scheme="Bearer", description="API token (`sanxiang users add … --token`)")


@token_auth.verify_token
def _verify(token: str) -> Actor | None:
    ctx = current_app.extensions["sanxiang"]
    with ctx.uow(readonly=True) as uow:
        return uow.users.by_token(token)


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
