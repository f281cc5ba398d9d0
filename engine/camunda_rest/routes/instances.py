"""/engine-rest/process-instance/{id}: its variables, deleting it, modifying it — each through the use case
the JSON API and the console call, so every permission, guard rail and record entry is the same:

- ``GET …/variables`` (and ``…/variables/{name}``): the case's variables, typed (``case.read``).
- ``POST …/variables``: ``modifications`` are a **fact correction** (事实更正, ``case.correct``: approvers,
  before the decision, with a reason; the case then needs a legal review); ``deletions`` are refused (a
  fact is corrected, never deleted).
- ``DELETE``: a **withdrawal** (撤回, ``case.withdraw``) with a reason; a case whose decision is made cannot
  be deleted (``withdraw-after-decision``, on the case's record). ``failIfNotExists=false`` answers 204 for
  a case that does not exist.
- ``POST …/modification``: a supervisor's **move** (``case.supervise``), the console's: exactly one
  ``startBeforeActivity`` and ``cancel`` instructions naming exactly where the case waits; ``annotation``
  is the reason. Never past a legal review of a major case or past records capture (``engine.cases.moves``).

Reasons: Camunda's field where the operation has one (``annotation``), else the ``X-Sanxiang-Reason``
header (``request.reason``)."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from engine.camunda_rest.routes.request import actor, ctx, json_body, no_content, reason
from engine.camunda_rest.wire.params import flag, only
from engine.camunda_rest.wire.variables import from_typed, to_typed
from engine.cases import opening as case_service
from engine.cases.moves import move_case
from engine.errors import InvalidInput, NotFound
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.review.corrections import correct_facts
from engine.tasks.actions import withdraw_case
from engine.web.permissions import requires

instances = Blueprint("instances", __name__, url_prefix="/process-instance")

DESERIALIZE = frozenset({"deserializeValues", "deserializeValue"})
DELETE_FLAGS = frozenset({"skipCustomListeners", "skipIoMappings", "skipSubprocesses", "failIfNotExists"})
MOVE_KEYS = frozenset({"instructions", "annotation", "skipCustomListeners", "skipIoMappings"})
START_KEYS = frozenset({"type", "activityId", "variables"})
CANCEL_KEYS = frozenset({"type", "activityId", "activityInstanceId", "cancelCurrentActiveActivityInstances"})


def refuse(name: str, zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en, code="unsupported-parameter", details={"parameter": name})


@instances.get("/<case_id>/variables")
@requires(Permission.CASE_READ)
def get_variables(case_id: str) -> ResponseReturnValue:
    only(request.args, DESERIALIZE)
    return to_typed(case_service.get_case(ctx(), case_id, actor()).variables)


@instances.get("/<case_id>/variables/<name>")
@requires(Permission.CASE_READ)
def get_variable(case_id: str, name: str) -> ResponseReturnValue:
    only(request.args, DESERIALIZE)
    variables = case_service.get_case(ctx(), case_id, actor()).variables
    if name not in variables:
        raise NotFound(
            f"办件 {case_id} 没有变量 {name}",
            f"process instance variable with name {name} does not exist",
            code="variable-not-found",
        )
    return to_typed({name: variables[name]})[name]


@instances.post("/<case_id>/variables")
@requires(Permission.CASE_CORRECT)
def modify_variables(case_id: str) -> Response:
    body = json_body()
    only(body, frozenset({"modifications", "deletions"}))
    if body.get("deletions"):
        raise refuse(
            "deletions",
            "不能删除办件的事实，只能更正（modifications）",
            "A case's facts are corrected, never deleted: send modifications, not deletions",
        )
    values = from_typed(body.get("modifications"))
    if values:
        correct_facts(ctx(), case_id, values, reason(), actor())
    return no_content()


@instances.delete("/<case_id>")
@requires(Permission.CASE_WITHDRAW)
def delete_instance(case_id: str) -> Response:
    only(request.args, DELETE_FLAGS)
    flags = {name: flag(name, request.args[name]) for name in request.args}
    try:
        withdraw_case(ctx(), case_id, reason(), actor())
    except NotFound:
        if flags.get("failIfNotExists", True):
            raise
    return no_content()


def _leaving(instruction: JsonObject) -> str:
    only(instruction, CANCEL_KEYS)
    element = instruction.get("activityId") or str(instruction.get("activityInstanceId") or "").split(":")[0]
    if not element:
        raise refuse("activityId", "取消指令须给出 activityId", "A cancel instruction names an activityId")
    return str(element)


def _not_a_move() -> InvalidInput:
    return refuse(
        "instructions",
        "三项只支持“移动办件”：一条 startBeforeActivity 指令，加上取消当前等待环节的 cancel 指令",
        "Sanxiang modifies a case only by moving it: one startBeforeActivity instruction, with cancel "
        "instructions for where the case waits",
    )


def _move(body: JsonObject) -> tuple[str, frozenset[str]]:
    """(target, the elements left) of a move written as Camunda's modification instructions."""
    only(body, MOVE_KEYS)
    instructions = [i for i in body.get("instructions") or () if isinstance(i, dict)]
    starts = [i for i in instructions if i.get("type") != "cancel"]
    if len(starts) != 1 or starts[0].get("type") != "startBeforeActivity" or not starts[0].get("activityId"):
        raise _not_a_move()
    only(starts[0], START_KEYS)
    if starts[0].get("variables"):
        raise refuse("variables", "移动办件时不能设置变量", "A move sets no variables")
    leaving = frozenset(_leaving(i) for i in instructions if i.get("type") == "cancel")
    if not leaving:
        raise refuse(
            "instructions",
            "请用 cancel 指令取消办件当前等待的环节（办件只能被移动，不能增加并行分支）",
            "Cancel where the case waits (a cancel instruction): a case is moved, never given a "
            "parallel branch",
        )
    return str(starts[0]["activityId"]), leaving


@instances.post("/<case_id>/modification")
@requires(Permission.CASE_SUPERVISE)
def modify(case_id: str) -> Response:
    body = json_body()
    target, leaving = _move(body)
    move_case(ctx(), case_id, target, actor(), reason(body.get("annotation")), leaving=leaving)
    return no_content()
