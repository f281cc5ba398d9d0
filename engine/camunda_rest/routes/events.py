"""/engine-rest/message and /engine-rest/signal: what other systems tell the cases (``engine.integration.
correlation``). A message is correlated by ``businessKey``, ``processInstanceId`` and ``correlationKeys``
(case variables equal to the typed values); ``processVariables`` become case variables; ``all`` delivers
to every match; ``resultEnabled`` answers what happened (``MessageCorrelationResultWithVariableDto``,
``resultType`` "Execution"), else 204. No tenant: a ``tenantId`` matches no case."""

from __future__ import annotations

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue

from engine.camunda_rest.routes.request import actor, ctx, json_body, no_content
from engine.camunda_rest.wire.params import flag, only
from engine.camunda_rest.wire.variables import from_typed, to_typed
from engine.errors import InvalidInput
from engine.integration.correlation import Delivered, MessageCorrelation, correlate, mismatch, throw_signal
from engine.kernel.json_types import JsonObject
from engine.people.permissions import Permission
from engine.web.permissions import requires

events = Blueprint("events", __name__)

MESSAGE_KEYS = frozenset(
    {
        "messageName",
        "businessKey",
        "processInstanceId",
        "correlationKeys",
        "processVariables",
        "all",
        "resultEnabled",
        "variablesInResultEnabled",
        "tenantId",
        "withoutTenantId",
        # accepted when empty; a value is refused by name (local scopes: our variables are the case's)
        "localCorrelationKeys",
        "processVariablesLocal",
        "processVariablesToTriggeredScope",
    }
)
LOCAL = ("localCorrelationKeys", "processVariablesLocal", "processVariablesToTriggeredScope")
SIGNAL_KEYS = frozenset({"name", "executionId", "variables", "tenantId", "withoutTenantId"})


def _text(body: JsonObject, name: str) -> str | None:
    value = body.get(name)
    return str(value) if value not in (None, "") else None


def _message(body: JsonObject) -> MessageCorrelation:
    only(body, MESSAGE_KEYS)
    for local in LOCAL:
        if body.get(local):
            raise InvalidInput(
                f"不支持 {local}：办件的变量只有一个作用域",
                f"Unsupported {local}: a case's variables have one scope "
                "(use correlationKeys / processVariables)",
                code="unsupported-parameter",
                details={"parameter": local},
            )
    name = _text(body, "messageName")
    if name is None:
        raise InvalidInput("请给出 messageName", "No message name set", code="invalid-body")
    if _text(body, "tenantId") is not None:
        raise mismatch(
            f"无法投递消息“{name}”：三项不区分租户", f"Cannot correlate message '{name}': no tenant has it"
        )
    return MessageCorrelation(
        name=name,
        business_key=_text(body, "businessKey"),
        case_id=_text(body, "processInstanceId"),
        correlation_keys=from_typed(body.get("correlationKeys")),
        variables=from_typed(body.get("processVariables")),
        every=flag("all", body.get("all") or False),
    )


def _result(done: Delivered, with_variables: bool) -> JsonObject:
    """Camunda's MessageCorrelationResultDto (an execution: no ``processInstance``); with the variables
    (…WithVariableDto) only when asked."""
    result: JsonObject = {
        "resultType": "Execution",
        "execution": {
            "id": done.case_id,
            "processInstanceId": done.case_id,
            "ended": False,
            "tenantId": None,
        },
    }
    if with_variables:
        result["variables"] = to_typed(done.variables)
    return result


@events.post("/message")
@requires(Permission.MESSAGE_CORRELATE)
def deliver_message() -> ResponseReturnValue:
    body = json_body()
    delivered = correlate(ctx(), _message(body), actor())
    if not flag("resultEnabled", body.get("resultEnabled") or False):
        return no_content()
    with_variables = flag("variablesInResultEnabled", body.get("variablesInResultEnabled") or False)
    return [_result(done, with_variables) for done in delivered]


@events.post("/signal")
@requires(Permission.MESSAGE_CORRELATE)
def signal() -> Response:
    body = json_body()
    only(body, SIGNAL_KEYS)
    name = _text(body, "name")
    if name is None:
        raise InvalidInput("请给出信号名称 name", "No signal name set", code="invalid-body")
    throw_signal(ctx(), name, _text(body, "executionId"), from_typed(body.get("variables")), actor())
    return no_content()
