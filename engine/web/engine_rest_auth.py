"""Who calls /engine-rest: HTTP Basic or Bearer, as Camunda Modeler and Camunda clients send them.

- ``Authorization: Bearer <API token>``.
- ``Authorization: Basic base64(<user id>:<secret>)``. Sanxiang has no passwords yet, so the secret is
  the user's API token (``li:demo-li`` for the demo designer); the token must belong to that user.
  When passwords arrive, ``basic_actor`` is the one place to accept them too.
"""

from __future__ import annotations

import base64
import binascii
import time

from flask import current_app

from engine.services.context import AppContext
from engine.services.ports import Actor
from engine.web.auth import TOKEN_TTL_SECONDS

CACHE = "sanxiang.engine_rest.tokens"


def token_actor(ctx: AppContext, token: str) -> Actor | None:
    """The token's user; remembered for TOKEN_TTL_SECONDS like /api/v1's tokens (a revoked token or a
    changed group reaches a running worker within that time)."""
    if not token:
        return None
    known: dict[str, tuple[Actor, float]] = current_app.extensions.setdefault(CACHE, {})
    hit = known.get(token)
    if hit is not None and hit[1] > time.monotonic():
        return hit[0]
    with ctx.uow(readonly=True) as uow:
        actor = uow.users.by_token(token)
    if not isinstance(actor, Actor):
        known.pop(token, None)
        return None
    if len(known) > 10_000:
        known.clear()
    known[token] = (actor, time.monotonic() + TOKEN_TTL_SECONDS)
    return actor


def basic_actor(ctx: AppContext, user_id: str, secret: str) -> Actor | None:
    actor = token_actor(ctx, secret)
    return actor if actor is not None and actor.user_id == user_id else None


def authenticate(ctx: AppContext, header: str | None) -> Actor | None:
    """The actor the Authorization header names, or None."""
    scheme, _, credentials = (header or "").strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return token_actor(ctx, credentials)
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user_id, colon, secret = decoded.partition(":")
    return basic_actor(ctx, user_id, secret) if colon else None
