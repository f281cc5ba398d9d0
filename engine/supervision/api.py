"""JSON API of the supervisor console (督查台), for supervisors and administrators: the findings with
their reasons, one case's overlays, timeline and variables, and the actions (each with a reason)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Float, List, String
from apiflask.validators import Length, OneOf, Range
from flask import current_app

from engine.cases.moves import move_case
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.processes.migrate_versions import MigrationReport, migrate_cases
from engine.supervision import actions as actions
from engine.supervision import retries
from engine.supervision.case_view import case_console
from engine.supervision.dashboard import dashboard, scan_alerts_now
from engine.supervision.rows import STATUSES, Finding, SupervisionFilter
from engine.web.auth import current_actor, token_auth
from engine.web.bounds import MAX_ID, QueryText, whole_number
from engine.web.openapi import STEP_FAILED
from engine.web.permissions import requires

console_api = APIBlueprint("console_api", __name__, url_prefix="/api/v1/console", tag="Supervisor console")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


class QueryIn(Schema):
    item = QueryText("process key (approval item)")
    department = QueryText("a lane name or candidate group")
    assignee = QueryText("user id; '-' for unassigned")
    minAgeDays = Float(
        load_default=None,
        validate=Range(min=0, max=36600),
        metadata={"description": "only findings at least this many days old"},
    )
    status = String(load_default=None, validate=OneOf(STATUSES))
    case = QueryText("case id")


class ReasonIn(Schema):
    reason = String(required=True, validate=Length(1, 500))


class MoveIn(ReasonIn):
    to = String(required=True, validate=Length(1, 200), metadata={"description": "the target element id"})


class ReassignIn(ReasonIn):
    assignee = String(required=True, validate=Length(1, 64))


class MigrateIn(Schema):
    process = String(required=True, validate=Length(1, 200))
    reason = String(load_default="", validate=Length(0, 500))
    dryRun = Boolean(load_default=True)
    cases = List(String(), load_default=None)


def finding_json(finding: Finding, now: datetime) -> JsonObject:
    return {
        "caseId": finding.case_id,
        "processKey": finding.process_key,
        "status": finding.status,
        "code": finding.code,
        "reason_zh": finding.reason_zh,
        "reason_en": finding.reason_en,
        "elementId": finding.element_id,
        "elementName": finding.element_name,
        "message": finding.message,
        "since": finding.since.isoformat(),
        "ageSeconds": int(finding.age(now).total_seconds()),
        "ref": finding.ref,
        "assignee": finding.assignee,
        "groups": list(finding.groups),
        "lane": finding.lane,
        "subject": finding.subject,
    }


def migration_json(report: MigrationReport) -> JsonObject:
    return {
        "process": report.process_key,
        "toVersion": report.to_version,
        "dryRun": report.dry_run,
        "cases": [asdict(c) for c in report.cases],
        "movable": report.movable,
        "moved": report.moved,
    }


@console_api.get("")
@requires(Permission.CASE_SUPERVISE)
@console_api.auth_required(token_auth)
@console_api.input(QueryIn, location="query", arg_name="query")
@console_api.doc(summary="督查台: counts; overdue, near-due, stuck and failed cases with their reasons")
def board(query: JsonObject) -> JsonObject:
    found = dashboard(
        _ctx(),
        current_actor(),
        SupervisionFilter(
            process_key=query["item"],
            department=query["department"],
            assignee=query["assignee"],
            min_age_days=query["minAgeDays"],
            status=query["status"],
            case_id=query["case"],
        ),
    )
    return {
        "now": found.now.isoformat(),
        "casesByStatus": found.cases_by_status,
        "casesByItem": found.cases_by_item,
        "findingsByStatus": found.findings_by_status,
        "findingsByItem": found.findings_by_item,
        "items": found.items,
        "findings": [finding_json(f, found.now) for f in found.findings],
    }


@console_api.get("/cases/<case_id>")
@requires(Permission.CASE_SUPERVISE)
@console_api.auth_required(token_auth)
@console_api.doc(summary="One case: path, where it waits, failures, time at each step, timeline, variables")
def case_view(case_id: str) -> JsonObject:
    view = case_console(_ctx(), case_id, current_actor())
    now = _ctx().clock()
    return {
        "id": view.case.id,
        "status": view.case.status,
        "processKey": view.case.process_key,
        "processVersion": view.process_version,
        "path": view.path,
        "failed": view.failed,
        "waiting": [
            {
                "elementId": w.element_id,
                "name": w.name,
                "kind": w.kind,
                "since": w.since.isoformat(),
                "taskId": w.task.id if w.task else None,
            }
            for w in view.waiting
        ],
        "secondsAt": view.seconds,
        "findings": [finding_json(f, now) for f in view.findings],
        "timeline": [
            {
                "seq": t.seq,
                "at": t.at.isoformat(),
                "action": t.action,
                "actor": t.actor,
                "elementId": t.element_id,
                "summary": t.summary,
            }
            for t in view.timeline
        ],
        "variables": view.variables,
        "redacted": view.redacted,
    }


def _case(case: Any) -> JsonObject:
    return {
        "id": case.id,
        "status": case.status,
        "version": case.version,
        "endedAt": case.ended_at.isoformat() if case.ended_at else None,
    }


@console_api.post("/cases/<case_id>/<any(suspend, resume, cancel):verb>")
@requires(Permission.CASE_SUPERVISE)
@console_api.auth_required(token_auth)
@console_api.input(ReasonIn, arg_name="body")
@console_api.doc(summary="Suspend, resume or cancel (terminate) a case, with a reason (recorded)")
def case_action(case_id: str, verb: str, body: JsonObject) -> JsonObject:
    act = {"suspend": actions.suspend_case, "resume": actions.resume_case, "cancel": actions.cancel_case}[
        verb
    ]
    return _case(act(_ctx(), case_id, current_actor(), body["reason"]))


@console_api.post("/cases/<case_id>/move")
@requires(Permission.CASE_SUPERVISE)
@console_api.auth_required(token_auth)
@console_api.input(MoveIn, arg_name="body")
@console_api.doc(
    summary="Move a case to another element (never past a major case's legal review or records capture)",
    responses={200: "the case moved: the tasks it now waits at", 422: STEP_FAILED},
)
def move(case_id: str, body: JsonObject) -> JsonObject:
    moved = move_case(_ctx(), case_id, body["to"], current_actor(), body["reason"])
    return {
        "caseId": moved.case_id,
        "left": moved.left,
        "to": moved.target,
        "tasks": [{"id": t.id, "elementId": t.element_id, "name": t.name} for t in moved.tasks],
    }


@console_api.post("/tasks/<task_id>/reassign")
@requires(Permission.CASE_SUPERVISE)
@console_api.auth_required(token_auth)
@console_api.input(ReassignIn, arg_name="body")
@console_api.doc(summary="Reassign a waiting task to one of its candidates, with a reason (recorded)")
def reassign(task_id: str, body: JsonObject) -> JsonObject:
    task = actions.reassign_task(_ctx(), task_id, body["assignee"], current_actor(), body["reason"])
    return {"id": task.id, "caseId": task.case_id, "elementId": task.element_id, "assignee": task.assignee}


@console_api.post("/retries/<any(due, webhook, failure):kind>/<ref>")
@requires(Permission.CASE_SUPERVISE)
@console_api.auth_required(token_auth)
@console_api.input(ReasonIn, arg_name="body")
@console_api.doc(
    summary="Retry: a failed timer (due row) now, a dead webhook event, or a failed step",
    responses={200: "retried", 422: STEP_FAILED},
)
def retry(kind: str, ref: str, body: JsonObject) -> JsonObject:
    ctx, actor, reason = _ctx(), current_actor(), body["reason"]
    if kind == "webhook":
        event = retries.retry_webhook(ctx, ref, actor, reason)
        return {"kind": kind, "ref": ref, "status": event.status}
    number = _number(ref)
    if kind == "due":
        item = retries.retry_due_item(ctx, number, actor, reason)
        return {"kind": kind, "ref": ref, "firedAt": item.fired_at.isoformat() if item.fired_at else None}
    retries.retry_failed_step(ctx, number, actor, reason)
    return {"kind": kind, "ref": ref}


def _number(ref: str) -> int:
    return whole_number("ref", ref or "?", 0, most=MAX_ID)


@console_api.post("/migrations")
@requires(Permission.CASE_SUPERVISE)
@console_api.auth_required(token_auth)
@console_api.input(MigrateIn, arg_name="body")
@console_api.doc(
    summary="Migrate live cases to the latest version (dryRun: which can move and why not)",
    responses={
        200: "the report: each case, whether it can move and why not",
        404: "no such process deployed",
        409: "a case changed meanwhile",
        422: STEP_FAILED,
    },
)
def migrate(body: JsonObject) -> JsonObject:
    report = migrate_cases(
        _ctx(),
        body["process"],
        current_actor(),
        body["reason"],
        dry_run=body["dryRun"],
        case_ids=body["cases"],
    )
    return migration_json(report)


@console_api.post("/alerts/scan")
@requires(Permission.CASE_SUPERVISE)
@console_api.auth_required(token_auth)
@console_api.doc(summary="Record the new stuck and failed conditions now (the scheduler: every minute)")
def scan() -> JsonObject:
    return {"recorded": scan_alerts_now(_ctx(), current_actor())}
