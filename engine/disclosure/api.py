"""Disclosures (公示) and query codes in the JSON API: thin handlers over ``engine.disclosure.publish``
and ``engine.disclosure.query_codes``."""

from __future__ import annotations

import dataclasses

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Date, DateTime, Dict, Integer, List, String
from apiflask.validators import Length, OneOf
from flask import current_app
from flask.typing import ResponseReturnValue

from engine.disclosure import publish as service
from engine.disclosure import query_codes, withdrawal
from engine.disclosure.draft import local_day
from engine.disclosure.rows import DisclosureRow
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.web.auth import current_actor, token_auth
from engine.web.bounds import PageQuery, QueryText
from engine.web.permissions import requires

disclosures_api = APIBlueprint("disclosures_api", __name__, url_prefix="/api/v1", tag="Disclosures")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


class DisclosureOut(Schema):
    id = Integer()
    case_id = String()
    process_key = String()
    item_name = String()
    item_code = String()
    decision = String()
    decision_no = String()
    decided_at = DateTime()
    decided_on = Date()
    due_on = Date()
    due_provenance = String()
    status = String()
    overdue = Boolean()
    draft_text = String(metadata={"description": "unredacted: staff only"})
    preview_text = String(metadata={"description": "the draft, redacted: what publishing confirms"})
    preview_rules = List(Dict())
    published_text = String(allow_none=True)
    published_rules = List(Dict())
    published_at = DateTime(allow_none=True)
    published_by = String(allow_none=True)
    withdrawn_at = DateTime(allow_none=True)
    withdrawn_by = String(allow_none=True)
    withdrawal_kind = String(allow_none=True)
    withdrawal_reason = String(allow_none=True)
    withdrawal_due_on = Date(allow_none=True)
    withdrawal_late = Boolean(allow_none=True)
    working_days = Integer(allow_none=True)
    limit_days = Integer(allow_none=True)
    on_time = Boolean(allow_none=True)
    created_at = DateTime()


class DisclosureQuery(PageQuery):
    status = String(load_default=None, validate=OneOf(["pending", "published", "withdrawn", "overdue"]))
    case = QueryText("case id")


class PublishIn(Schema):
    text = String(
        load_default=None,
        validate=Length(max=service.MAX_TEXT),
        metadata={"description": "an edited text (redacted again); omit to publish the preview"},
    )


class WithdrawIn(Schema):
    kind = String(required=True, validate=OneOf(list(withdrawal.WITHDRAWAL_KINDS)))
    reason = String(required=True, validate=Length(min=2, max=5000))
    fell_on = Date(
        load_default=None,
        data_key="fellOn",
        metadata={"description": "the day the decision was revoked, found unlawful or sent back"},
    )


class QueryCodeOut(Schema):
    case_id = String()
    query_code = String(metadata={"description": "shown this once; only a salted hash is kept"})
    issued_at = DateTime()
    replaced = Boolean()


def _out(row: DisclosureRow) -> JsonObject:
    values = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    today = local_day(_ctx().clock())
    values["overdue"] = row.status == "pending" and row.due_on < today
    return values


@disclosures_api.get("/disclosures")
@requires(Permission.DISCLOSURE_READ)
@disclosures_api.auth_required(token_auth)
@disclosures_api.input(DisclosureQuery, location="query", arg_name="query")
@disclosures_api.output(DisclosureOut(many=True))
@disclosures_api.doc(summary="Disclosures by status; status=overdue lists pending ones past their due day")
def list_disclosures(query: JsonObject) -> ResponseReturnValue:
    rows = service.list_disclosures(
        _ctx(),
        current_actor(),
        status=query["status"],
        case_id=query["case"],
        limit=query["limit"],
        offset=query["offset"],
    )
    return [_out(r) for r in rows]


@disclosures_api.get("/disclosures/<int:disclosure_id>")
@requires(Permission.DISCLOSURE_READ)
@disclosures_api.auth_required(token_auth)
@disclosures_api.output(DisclosureOut)
@disclosures_api.doc(summary="One disclosure with its draft and redacted preview")
def get_disclosure(disclosure_id: int) -> ResponseReturnValue:
    return _out(service.get_disclosure(_ctx(), disclosure_id, current_actor()))


@disclosures_api.post("/disclosures/<int:disclosure_id>/publish")
@requires(Permission.DISCLOSURE_PUBLISH)
@disclosures_api.auth_required(token_auth)
@disclosures_api.input(PublishIn, arg_name="body")
@disclosures_api.output(DisclosureOut)
@disclosures_api.doc(summary="Publish the redacted preview (or an edited text, redacted again)")
def publish(disclosure_id: int, body: JsonObject) -> ResponseReturnValue:
    return _out(service.publish_disclosure(_ctx(), disclosure_id, current_actor(), body["text"]))


@disclosures_api.post("/disclosures/<int:disclosure_id>/withdraw")
@requires(Permission.DISCLOSURE_WITHDRAW)
@disclosures_api.auth_required(token_auth)
@disclosures_api.input(WithdrawIn, arg_name="body")
@disclosures_api.output(DisclosureOut)
@disclosures_api.doc(summary="Withdraw the disclosure of a decision revoked, found unlawful or to be redone")
def withdraw(disclosure_id: int, body: JsonObject) -> ResponseReturnValue:
    return _out(
        withdrawal.withdraw_disclosure(
            _ctx(),
            disclosure_id,
            current_actor(),
            kind=body["kind"],
            reason=body["reason"],
            fell_on=body["fell_on"],
        )
    )


@disclosures_api.post("/cases/<case_id>/query-code")
@requires(Permission.CASE_QUERY_CODE)
@disclosures_api.auth_required(token_auth)
@disclosures_api.output(QueryCodeOut, status_code=201)
@disclosures_api.doc(summary="Issue the applicant's query code (shown once; issuing again replaces it)")
def issue_query_code(case_id: str) -> ResponseReturnValue:
    issued = query_codes.issue_query_code(_ctx(), case_id, current_actor())
    return {
        "case_id": issued.case_id,
        "query_code": issued.code,
        "issued_at": issued.issued_at,
        "replaced": issued.replaced,
    }
