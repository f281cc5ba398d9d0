"""Deadlines of a case over the API: read them with their provenance, extend the decision limit."""

from __future__ import annotations

import dataclasses

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Date, DateTime, Integer, List, Nested, String
from apiflask.validators import Range
from flask import current_app
from flask.typing import ResponseReturnValue

from engine.deadlines import requests as deadline_requests
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.web.auth import current_actor, token_auth
from engine.web.permissions import requires

deadlines_api = APIBlueprint("deadlines", __name__, url_prefix="/api/v1", tag="Deadlines")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


class StopOut(Schema):
    reason = String(metadata={"description": "supplement | hearing | expert-review | testing"})
    stoppedOn = Date()
    resumedOn = Date(allow_none=True)


class DeadlineOut(Schema):
    kind = String(
        metadata={"description": "acceptance-notice | decision | delivery | disclosure | legal-review"}
    )
    basis = String(metadata={"description": "the legal basis, e.g. 《行政许可法》第四十二条"})
    status = String(metadata={"description": "open | met | cancelled"})
    level = String(metadata={"description": "green | yellow (≤ N working days left) | red (overdue)"})
    started_on = Date(metadata={"description": "counting starts the working day after this day"})
    limit_days = Integer()
    extension_days = Integer()
    extension_reason = String(allow_none=True)
    due_on = Date(allow_none=True, metadata={"description": "null while the clock stands still"})
    due_at = DateTime(allow_none=True, metadata={"description": "the close of the due day, Asia/Shanghai"})
    provenance = String(
        allow_none=True,
        metadata={
            "description": "official, or estimated when a day counted is not yet in an official schedule"
        },
    )
    remaining = Integer(allow_none=True, metadata={"description": "working days left after today"})
    stopped = Boolean()
    stops = List(Nested(StopOut))
    ref = String(allow_none=True)
    opened_at = DateTime()
    closed_at = DateTime(allow_none=True)


class ExtensionIn(Schema):
    reason = String(
        required=True, metadata={"description": "why the limit is extended (told to the applicant)"}
    )
    days = Integer(load_default=10, validate=Range(min=1, max=10))


def _out(view: deadline_requests.DeadlineView) -> JsonObject:
    return dataclasses.asdict(view)


@deadlines_api.get("/cases/<case_id>/deadlines")
@requires(Permission.CASE_READ)
@deadlines_api.auth_required(token_auth)
@deadlines_api.output(DeadlineOut(many=True))
@deadlines_api.doc(summary="A case's deadlines in working days, with legal basis, level and provenance")
def list_deadlines(case_id: str) -> ResponseReturnValue:
    return [_out(v) for v in deadline_requests.list_deadlines(_ctx(), case_id, current_actor())]


@deadlines_api.post("/cases/<case_id>/extension")
@requires(Permission.CASE_EXTEND)
@deadlines_api.auth_required(token_auth)
@deadlines_api.input(ExtensionIn, arg_name="body")
@deadlines_api.output(DeadlineOut)
@deadlines_api.doc(summary="Extend the decision limit once by up to 10 working days (approvers only)")
def extend(case_id: str, body: JsonObject) -> ResponseReturnValue:
    view = deadline_requests.extend_decision(_ctx(), case_id, current_actor(), body["reason"], body["days"])
    return _out(view)
