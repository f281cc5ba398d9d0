"""Task forms and drafts under /api/v1: the form a task shows, and save/load of a draft of it."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Dict, Integer, Nested, String
from flask import current_app
from flask.typing import ResponseReturnValue

from engine.errors import NotFound
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.tasks import drafts as draft_service
from engine.web.auth import current_actor, token_auth
from engine.web.permissions import requires

drafts = APIBlueprint("drafts", __name__, url_prefix="/api/v1", tag="Task forms")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


class DraftIn(Schema):
    data = Dict(keys=String(), required=True, metadata={"description": "the form data typed so far"})


class DraftOut(Schema):
    task_id = String()
    data = Dict()
    saved_by = String()
    saved_at = DateTime()


class FormOut(Schema):
    id = String()
    version = Integer()
    definition = Dict(data_key="schema", metadata={"description": "the Camunda Forms (form-js) JSON"})


class TaskFormOut(Schema):
    task_id = String()
    form = Nested(FormOut, allow_none=True)
    draft = Nested(DraftOut, allow_none=True)


def _draft(row: draft_service.DraftRow | None) -> JsonObject | None:
    if row is None:
        return None
    return {"task_id": row.task_id, "data": row.data, "saved_by": row.saved_by, "saved_at": row.saved_at}


@drafts.put("/tasks/<task_id>/draft")
@requires(Permission.TASK_DRAFT)
@drafts.auth_required(token_auth)
@drafts.input(DraftIn, arg_name="body")
@drafts.output(DraftOut)
@drafts.doc(summary="Save a draft of the task's form (not validated against the form; replaces the last one)")
def save_draft(task_id: str, body: JsonObject) -> JsonObject | None:
    return _draft(draft_service.save_draft(_ctx(), task_id, body["data"], current_actor()))


@drafts.get("/tasks/<task_id>/draft")
@requires(Permission.TASK_DRAFT)
@drafts.auth_required(token_auth)
@drafts.output(DraftOut)
@drafts.doc(
    summary="The draft saved for a task (404 draft-not-found when there is none)",
    responses={409: "the task is no longer waiting"},
)
def get_draft(task_id: str) -> JsonObject | None:
    row = draft_service.get_draft(_ctx(), task_id, current_actor())
    if row is None:
        raise NotFound("该任务没有草稿", f"No draft is saved for task {task_id}", code="draft-not-found")
    return _draft(row)


@drafts.get("/tasks/<task_id>/form")
@requires(Permission.TASK_DRAFT)
@drafts.auth_required(token_auth)
@drafts.output(TaskFormOut)
@drafts.doc(
    summary="The task's form (the deployed version submissions are validated against) and its draft",
    responses={
        409: "the task is no longer waiting, or its deployed form cannot be read "
        "(form-unreadable: a designer must deploy it again)"
    },
)
def get_form(task_id: str) -> ResponseReturnValue:
    view = draft_service.get_task_form(_ctx(), task_id, current_actor())
    form = (
        None
        if view.form is None
        else {"id": view.form.form_id, "version": view.form.version, "definition": view.definition}
    )
    return {"task_id": view.task.id, "form": form, "draft": _draft(view.draft)}
