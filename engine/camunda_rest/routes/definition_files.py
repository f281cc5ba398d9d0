"""/engine-rest/process-definition/{id | key/{key}}: its BPMN XML, its start form (``FormDto``) and the
deployed start form itself (the Camunda Form JSON), as Camunda Modeler, Tasklist-like clients and
pycamunda read them. By key: the latest version."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from engine.camunda_rest.queries import reads as rest
from engine.camunda_rest.routes.processes import definition_row
from engine.camunda_rest.routes.request import ctx
from engine.camunda_rest.wire.json_shapes import definition_id
from engine.camunda_rest.wire.params import only
from engine.errors import NotFound
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import ProcessRow

definition_files = Blueprint("definition_files", __name__, url_prefix="/process-definition")


def _by_key(key: str) -> ProcessRow:
    return rest.version(ctx(), key)


def _xml(process: ProcessRow) -> JsonObject:
    only(request.args, frozenset())
    return {"id": definition_id(process), "bpmn20Xml": process.xml}


def _form_dto(process: ProcessRow) -> JsonObject:
    """Camunda's FormDto: a Camunda Form by reference (``camundaFormRef``, absent without one), or the
    ``formKey``."""
    only(request.args, frozenset())
    element, _ = rest.start_form(ctx(), process)
    found: JsonObject = {"key": element.form_key if element is not None else None, "contextPath": None}
    if element is not None and element.form_ref:
        version = int(element.form_ref_version) if (element.form_ref_version or "").isdigit() else None
        found["camundaFormRef"] = {
            "key": element.form_ref,
            "binding": element.form_ref_binding or "latest",
            "version": version,
        }
    return found


def _deployed_form(process: ProcessRow) -> Response:
    only(request.args, frozenset())
    _, form = rest.start_form(ctx(), process)
    if form is None:
        raise NotFound(
            f"流程 {process.key} 第 {process.version} 版没有开始表单",
            f"No deployed start form: the start event of {definition_id(process)} names no deployed form",
            code="form-not-found",
        )
    return Response(form.body, mimetype="application/json")


@definition_files.get("/<wanted>/xml")
def xml_by_id(wanted: str) -> ResponseReturnValue:
    return _xml(definition_row(wanted))


@definition_files.get("/key/<key>/xml")
def xml_by_key(key: str) -> ResponseReturnValue:
    return _xml(_by_key(key))


@definition_files.get("/<wanted>/startForm")
def start_form_by_id(wanted: str) -> ResponseReturnValue:
    return _form_dto(definition_row(wanted))


@definition_files.get("/key/<key>/startForm")
def start_form_by_key(key: str) -> ResponseReturnValue:
    return _form_dto(_by_key(key))


@definition_files.get("/<wanted>/deployed-start-form")
def deployed_start_form_by_id(wanted: str) -> Response:
    return _deployed_form(definition_row(wanted))


@definition_files.get("/key/<key>/deployed-start-form")
def deployed_start_form_by_key(key: str) -> Response:
    return _deployed_form(_by_key(key))
