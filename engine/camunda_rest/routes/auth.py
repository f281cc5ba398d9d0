"""Who calls /engine-rest: HTTP Basic or Bearer, as Camunda Modeler and Camunda clients send them.

- ``Authorization: Bearer <API token>``.
- ``Authorization: Basic base64(<user id>:<secret>)``. Sanxiang has no passwords yet, so the secret is
  the user's API token (``li:demo-li`` for the demo designer); the token must belong to that user.
  When passwords arrive, ``basic_actor`` is the one place to accept them too.
"""

from __future__ import annotations

import base64
import binascii

from engine.kernel.context import AppContext
from engine.kernel.ports import Actor
from engine.people.tokens import token_actor


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
