"""JSON API for the approval actions: 转办 transfer, 委派 delegate, 交还 give back, 催办 urge,
撤回 withdraw."""

from __future__ import annotations

from apiflask import APIBlueprint, Schema
from apiflask.fields import DateTime, Integer, String
from apiflask.validators import Length
from flask import current_app
from flask.typing import ResponseReturnValue

from engine.cases.api import _fields, _task
from engine.cases.api_schemas import TaskOut
from engine.kernel.context import AppContext
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.tasks import actions as task_actions
from engine.web.auth import current_actor, token_auth
from engine.web.permissions import requires

task_actions_api = APIBlueprint("task_actions_api", __name__, url_prefix="/api/v1", tag="Task actions")


def _ctx() -> AppContext:
    ctx: AppContext = current_app.extensions["sanxiang"]
    return ctx


class HandOverIn(Schema):
    to = String(required=True, validate=Length(1, 64), metadata={"description": "user id"})
    reason = String(required=True, validate=Length(1, 1000))


class NoteIn(Schema):
    note = String(load_default="", validate=Length(0, 1000))


class UrgeIn(Schema):
    message = String(load_default="", validate=Length(0, 1000))


class WithdrawnOut(Schema):
    id = String()
    process_key = String()
    status = String(metadata={"description": "withdrawn"})
    version = Integer()
    updated_at = DateTime()
    ended_at = DateTime()


class WithdrawIn(Schema):
    reason = String(required=True, validate=Length(1, 1000))


@task_actions_api.post("/tasks/<task_id>/transfer")
@requires(Permission.TASK_TRANSFER)
@task_actions_api.auth_required(token_auth)
@task_actions_api.input(HandOverIn, arg_name="body")
@task_actions_api.output(TaskOut)
@task_actions_api.doc(summary="转办: hand the task to another candidate, with a reason (recorded)")
def transfer(task_id: str, body: JsonObject) -> ResponseReturnValue:
    return _task(task_actions.transfer_task(_ctx(), task_id, body["to"], body["reason"], current_actor()))


@task_actions_api.post("/tasks/<task_id>/delegate")
@requires(Permission.TASK_DELEGATE)
@task_actions_api.auth_required(token_auth)
@task_actions_api.input(HandOverIn, arg_name="body")
@task_actions_api.output(TaskOut)
@task_actions_api.doc(summary="委派: lend a claimed task to a colleague who gives it back (recorded)")
def delegate(task_id: str, body: JsonObject) -> ResponseReturnValue:
    return _task(task_actions.delegate_task(_ctx(), task_id, body["to"], body["reason"], current_actor()))


@task_actions_api.post("/tasks/<task_id>/resolve")
@requires(Permission.TASK_RESOLVE)
@task_actions_api.auth_required(token_auth)
@task_actions_api.input(NoteIn, arg_name="body")
@task_actions_api.output(TaskOut)
@task_actions_api.doc(summary="交还: give a delegated task back to its owner (recorded)")
def resolve(task_id: str, body: JsonObject) -> ResponseReturnValue:
    return _task(task_actions.resolve_task(_ctx(), task_id, body["note"], current_actor()))


@task_actions_api.post("/tasks/<task_id>/urge")
@requires(Permission.TASK_URGE)
@task_actions_api.auth_required(token_auth)
@task_actions_api.input(UrgeIn, arg_name="body")
@task_actions_api.output(TaskOut)
@task_actions_api.doc(summary="催办: notify the assignee or the candidate groups (recorded)")
def urge(task_id: str, body: JsonObject) -> ResponseReturnValue:
    return _task(task_actions.urge_task(_ctx(), task_id, body["message"], current_actor()))


@task_actions_api.post("/cases/<case_id>/withdraw")
@requires(Permission.CASE_WITHDRAW)
@task_actions_api.auth_required(token_auth)
@task_actions_api.input(WithdrawIn, arg_name="body")
@task_actions_api.output(WithdrawnOut)
@task_actions_api.doc(
    summary="撤回: the applicant withdraws before the decision; waiting tasks are cancelled"
)
def withdraw(case_id: str, body: JsonObject) -> ResponseReturnValue:
    return _fields(task_actions.withdraw_case(_ctx(), case_id, body["reason"], current_actor()))
