"""/api/v1/webhooks: subscriptions (administrators, supervisors) and the outbox (supervisors)."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, DateTime, Dict, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf
from flask import current_app
from flask.typing import ResponseReturnValue

from engine.integration import delivery as delivery_service
from engine.integration import subscriptions as subscription_service
from engine.integration.rows import AttemptRow, EventRow, SubscriptionRow
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.web.auth import current_actor, token_auth
from engine.web.bounds import PageQuery, QueryText
from engine.web.permissions import requires

webhooks_api = APIBlueprint("webhooks_api", __name__, url_prefix="/api/v1/webhooks", tag="Webhooks")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


class SubscriptionIn(Schema):
    url = String(required=True, validate=Length(min=1, max=2048))
    event_types = List(
        String(),
        required=True,
        data_key="eventTypes",
        metadata={"description": 'event types, or ["*"] for every type'},
    )
    description = String(load_default="", validate=Length(max=200))


class SubscriptionOut(Schema):
    id = String()
    url = String()
    event_types = List(String(), data_key="eventTypes")
    description = String()
    active = Boolean()
    created_by = String(data_key="createdBy")
    created_at = DateTime(data_key="createdAt")
    removed_at = DateTime(allow_none=True, data_key="removedAt")
    secret = String(metadata={"description": "the signing secret, returned once (at creation)"})


class EventOut(Schema):
    id = String(metadata={"description": "the webhook-id (the same on every retry)"})
    subscription_id = String(data_key="subscriptionId")
    type = String()
    case_id = String(allow_none=True, data_key="caseId")
    sequence = Integer()
    status = String()
    attempts = Integer()
    next_attempt_at = DateTime(data_key="nextAttemptAt")
    last_status = Integer(allow_none=True, data_key="lastStatus")
    last_latency_ms = Float(allow_none=True, data_key="lastLatencyMs")
    last_error = String(allow_none=True, data_key="lastError")
    created_at = DateTime(data_key="createdAt")
    delivered_at = DateTime(allow_none=True, data_key="deliveredAt")
    payload = Dict()


class AttemptOut(Schema):
    number = Integer()
    attempted_at = DateTime(data_key="attemptedAt")
    owner = String()
    ok = Boolean()
    status = Integer(allow_none=True)
    latency_ms = Float(data_key="latencyMs")
    error = String(allow_none=True)


class EventDetailOut(EventOut):
    attempt_log = List(Nested(AttemptOut), data_key="attemptLog")


class EventQuery(PageQuery):
    status = String(load_default=None, validate=OneOf(["pending", "delivered", "dead"]))
    case = QueryText("case id")


class ReplayIn(Schema):
    reason = String(load_default="", validate=Length(max=500))


def _subscription(row: SubscriptionRow, *, with_secret: bool = False) -> JsonObject:
    body = {
        "id": row.id,
        "url": row.url,
        "event_types": list(row.event_types),
        "description": row.description,
        "active": row.active,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "removed_at": row.removed_at,
    }
    if with_secret:
        body["secret"] = row.secret
    return body


def _event(row: EventRow) -> JsonObject:
    return {
        "id": row.id,
        "subscription_id": row.subscription_id,
        "type": row.event_type,
        "case_id": row.case_id,
        "sequence": row.sequence,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "last_status": row.last_status,
        "last_latency_ms": row.last_latency_ms,
        "last_error": row.last_error,
        "created_at": row.created_at,
        "delivered_at": row.delivered_at,
        "payload": row.payload,
    }


def _attempt(row: AttemptRow) -> JsonObject:
    return {
        "number": row.number,
        "attempted_at": row.attempted_at,
        "owner": row.owner,
        "ok": row.ok,
        "status": row.status,
        "latency_ms": row.latency_ms,
        "error": row.error,
    }


@webhooks_api.get("/subscriptions")
@requires(Permission.WEBHOOKS_MANAGE)
@webhooks_api.auth_required(token_auth)
@webhooks_api.output(SubscriptionOut(many=True))
@webhooks_api.doc(summary="List webhook subscriptions (secrets are never listed)")
def list_subscriptions() -> ResponseReturnValue:
    return [_subscription(r) for r in subscription_service.list_subscriptions(_ctx(), current_actor())]


@webhooks_api.post("/subscriptions")
@requires(Permission.WEBHOOKS_MANAGE)
@webhooks_api.auth_required(token_auth)
@webhooks_api.input(SubscriptionIn, arg_name="body")
@webhooks_api.output(SubscriptionOut, status_code=201)
@webhooks_api.doc(summary="Subscribe a URL to events; the response holds the signing secret, shown only once")
def add_subscription(body: JsonObject) -> ResponseReturnValue:
    row = subscription_service.add_subscription(
        _ctx(), body["url"], body["event_types"], current_actor(), description=body["description"]
    )
    return _subscription(row, with_secret=True)


@webhooks_api.delete("/subscriptions/<subscription_id>")
@requires(Permission.WEBHOOKS_MANAGE)
@webhooks_api.auth_required(token_auth)
@webhooks_api.output(SubscriptionOut)
@webhooks_api.doc(summary="Remove a subscription; its pending events are given up")
def remove_subscription(subscription_id: str) -> ResponseReturnValue:
    return _subscription(subscription_service.remove_subscription(_ctx(), subscription_id, current_actor()))


@webhooks_api.get("/events")
@requires(Permission.WEBHOOKS_MANAGE)
@webhooks_api.auth_required(token_auth)
@webhooks_api.input(EventQuery, location="query", arg_name="query")
@webhooks_api.output(EventOut(many=True))
@webhooks_api.doc(summary="Outbound events (e.g. ?status=dead for the dead letters)")
def list_events(query: JsonObject) -> ResponseReturnValue:
    limit, offset = query["limit"], query["offset"]
    rows = delivery_service.list_events(
        _ctx(), current_actor(), status=query["status"], case_id=query["case"], limit=limit, offset=offset
    )
    return [_event(r) for r in rows]


@webhooks_api.get("/events/<event_id>")
@requires(Permission.WEBHOOKS_MANAGE)
@webhooks_api.auth_required(token_auth)
@webhooks_api.output(EventDetailOut)
@webhooks_api.doc(summary="One outbound event with every delivery attempt (status, latency, error)")
def get_event(event_id: str) -> ResponseReturnValue:
    event, attempts = delivery_service.event_attempts(_ctx(), event_id, current_actor())
    return {**_event(event), "attempt_log": [_attempt(a) for a in attempts]}


@webhooks_api.post("/events/<event_id>/replay")
@requires(Permission.WEBHOOKS_MANAGE)
@webhooks_api.auth_required(token_auth)
@webhooks_api.input(ReplayIn, arg_name="body")
@webhooks_api.output(EventOut)
@webhooks_api.doc(summary="Send a dead event again (same webhook-id); recorded with the reason")
def replay_event(event_id: str, body: JsonObject) -> ResponseReturnValue:
    return _event(delivery_service.replay_event(_ctx(), event_id, current_actor(), body["reason"]))
