"""What every route declares it needs: ``@requires(Permission.X)`` right under the route decorator.

The declaration is not the check: the use case the route calls checks the permission itself
(``engine.people.permissions.authorize``), so the API, the pages, the console, /engine-rest and the
CLI all get the same answer. The declaration says which permission that is — for the reader, for the
OpenAPI document (a declared permission adds the 403 problem response) and for
``tests/integration/test_route_permissions.py``, which walks ``app.url_map`` and fails on any mutating
route (POST, PUT, PATCH, DELETE) without one, and compares every declaration with docs/permissions.md.

Routes without an actor declare one of the markers instead:
- ``PUBLIC``: anyone; acts on no case (log in, log out, the public result query);
- ``SIGNED``: no actor but the platform's Standard Webhooks signature (inbound webhooks; the secret is
  ``SANXIANG_INBOUND_SECRET``), acting as the platform account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission

PUBLIC = "public"
SIGNED = "signed"
MARKERS = {PUBLIC: "anyone; acts on no case", SIGNED: "a valid inbound webhook signature, no user"}
ATTRIBUTE = "sanxiang_requires"
F = TypeVar("F", bound=Callable[..., Any])

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "detail_zh": {"type": "string"},
        "detail_en": {"type": "string"},
        "details": {"type": "object"},
    },
}


def forbidden_response(permission: Permission) -> JsonObject:
    return {
        "description": f"Refused (recorded on the case when it acts on one): needs `{permission.value}`; "
        "the problem's `code` says why (docs/permissions.md)",
        "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}},
    }


def _document(view: Any, permission: Permission) -> None:
    """Add the 403 response to the view's OpenAPI spec (apiflask's ``_spec``), keeping the others."""
    spec = view.__dict__.setdefault("_spec", {})
    responses = spec.get("responses") or {}
    if isinstance(responses, list):
        responses = {code: "" for code in responses}
    responses = dict(responses)
    if not spec.get("response") and not responses:
        responses[200] = "Successful response"  # apiflask adds it only when no response is declared
    responses[403] = forbidden_response(permission)
    spec["responses"] = responses


def requires(what: Permission | str) -> Callable[[F], F]:
    """Declare what the route needs (a permission, or ``PUBLIC``/``SIGNED``); put it right under the
    route decorator, so that the function Flask registers carries it."""
    declared = what.value if isinstance(what, Permission) else str(what)
    if declared not in MARKERS and declared not in {p.value for p in Permission}:
        raise ValueError(f"unknown permission or marker: {declared}")

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, declared)
        if isinstance(what, Permission):
            _document(view, what)
        return view

    return mark


def declared(view: Any) -> str | None:
    found = getattr(view, ATTRIBUTE, None)
    return str(found) if found is not None else None
