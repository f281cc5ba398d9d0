"""JSON API for 事实更正: an approver's recorded, reasoned correction of a case's facts
(``engine.review.corrections``)."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import Dict, Integer, List, Nested, String
from apiflask.validators import Length
from flask import current_app
from flask.typing import ResponseReturnValue

from engine.cases.api import _task
from engine.cases.api_schemas import TaskOut
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.review import corrections as fact_corrections
from engine.web.auth import current_actor, token_auth
from engine.web.permissions import requires

corrections_api = APIBlueprint("corrections_api", __name__, url_prefix="/api/v1", tag="Fact corrections")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


class CorrectionIn(Schema):
    facts = Dict(
        keys=String(),
        required=True,
        metadata={"description": 'fact name -> corrected value, e.g. {"hearingHeld": false}'},
    )
    reason = String(
        required=True,
        validate=Length(2, 500),
        metadata={"description": "why the recorded fact was wrong (recorded)"},
    )


class CorrectionOut(Schema):
    case_id = String()
    seq = Integer(metadata={"description": "the case's record entry fact.corrected"})
    facts = Dict(keys=String(), metadata={"description": "fact -> {from, to}"})
    lowered = List(
        String(), metadata={"description": "requirements the correction lowered (legal-review, whole-video)"}
    )
    sent_to_review = String(
        allow_none=True, metadata={"description": "the legal-review element the case was moved to, if it was"}
    )
    tasks = List(Nested(TaskOut))


@corrections_api.post("/cases/<case_id>/corrections")
@requires(Permission.CASE_CORRECT)
@corrections_api.auth_required(token_auth)
@corrections_api.input(CorrectionIn, arg_name="body")
@corrections_api.output(CorrectionOut)
@corrections_api.doc(
    summary="事实更正: an approver corrects facts of a running case, with a reason; the case then needs a "
    "legal review (recorded as fact.corrected)",
    responses={
        200: "corrected; the case now needs a legal review",
        400: "no fact, not a fact (a review or decision field), no reason, or nothing changes",
        403: "not an approver, or the decision is made (recorded on the case)",
        404: "no such case",
        409: "the case is not running, or changed meanwhile",
    },
)
def correct(case_id: str, body: JsonObject) -> ResponseReturnValue:
    done = fact_corrections.correct_facts(_ctx(), case_id, body["facts"], body["reason"], current_actor())
    return {
        "case_id": done.case_id,
        "seq": done.seq,
        "facts": done.facts,
        "lowered": done.lowered,
        "sent_to_review": done.sent_to_review,
        "tasks": [_task(t) for t in done.tasks],
    }
