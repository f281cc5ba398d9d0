"""The shapes of the JSON API under /api/v1 (``engine.cases.api``): what goes in and what comes out."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, DateTime, Dict, Integer, List, Nested, Raw, String
from apiflask.validators import OneOf

from engine.web.bounds import PageQuery, QueryText


class ProcessOut(Schema):
    key = String()
    version = Integer()
    name = String()
    sha256 = String()
    deployed_at = DateTime()
    deployed_by = String()
    properties = Dict(keys=String(), values=String())


class TaskOut(Schema):
    id = String()
    case_id = String()
    process_key = String()
    element_id = String()
    name = String()
    role = String(allow_none=True)
    status = String()
    assignee = String(allow_none=True)
    candidate_groups = List(String())
    candidate_users = List(String())
    form_id = String(allow_none=True)
    due_at = DateTime(
        allow_none=True,
        metadata={
            "description": "camunda:dueDate of the diagram (not the legal time limit: see the case's "
            "deadlines)"
        },
    )
    follow_up_at = DateTime(allow_none=True, metadata={"description": "camunda:followUpDate"})
    priority = Integer(metadata={"description": "camunda:priority (Camunda 7's default 50)"})
    created_at = DateTime()
    completed_at = DateTime(allow_none=True)
    completed_by = String(allow_none=True)


class SignatureOut(Schema):
    """One co-signature of a multi-instance task (会签/或签/票签)."""

    seq = Integer(allow_none=True)
    at = String(allow_none=True)
    signer = String(allow_none=True)
    signerName = String(allow_none=True)  # noqa: N815 - the JSON name
    task = String(allow_none=True)
    element = String(allow_none=True)
    body = String(metadata={"description": "the activation of the multi-instance task signed"})
    loopCounter = Integer()  # noqa: N815 - Camunda's name
    nrOfInstances = Integer()  # noqa: N815 - Camunda's name
    sequential = Boolean()
    last = Boolean(metadata={"description": "the activation ended with this signature"})
    choice = Raw(allow_none=True)
    opinion = String(allow_none=True)


class HistoryOut(Schema):
    seq = Integer()
    action = String()
    actor = String()
    at = String()
    task = String(allow_none=True)
    element = String(allow_none=True)
    signature = Nested(SignatureOut, allow_none=True)


class CaseOut(Schema):
    id = String()
    process_key = String()
    process_version = Integer()
    business_key = String(allow_none=True)
    status = String()
    version = Integer()
    started_by = String()
    started_at = DateTime()
    updated_at = DateTime()
    ended_at = DateTime(allow_none=True)
    applicant = Dict()
    variables = Dict()
    tasks = List(Nested(TaskOut))
    history = List(Nested(HistoryOut))
    signatures = List(Nested(SignatureOut))
    parent = Dict(
        allow_none=True,
        metadata={"description": "the case whose call activity opened this one: id, element_id, returned"},
    )
    children = List(
        Dict(), metadata={"description": "cases this one's call activities opened: id, element_id, status…"}
    )


class CaseIn(Schema):
    process = String(required=True, metadata={"description": "process key (the BPMN process id)"})
    business_key = String(load_default=None, data_key="businessKey")
    variables = Dict(keys=String(), load_default=dict)
    applicant = Dict(load_default=dict)


class CompleteIn(Schema):
    variables = Dict(keys=String(), load_default=dict)


class TaskQuery(PageQuery):
    scope = String(load_default="all", validate=OneOf(["mine", "groups", "all"]))
    process = QueryText("process key")
    case = QueryText("case id")
    status = String(load_default="ready", validate=OneOf(["ready", "completed", "cancelled"]))


class FindingOut(Schema):
    code = String(metadata={"description": "SX-… rule code (docs/designers.md)"})
    severity = String(metadata={"description": "error | warning"})
    message_zh = String()
    message_en = String()
    element_id = String(allow_none=True)
    line = Integer(allow_none=True)
    file = String(allow_none=True)


class DeployedOut(Schema):
    kind = String()
    key = String()
    version = Integer()
    created = Boolean()
    name = String()
    warnings = List(
        Nested(FindingOut),
        metadata={"description": "the linter's warnings on the file, e.g. SX-X011 (a UTF-8 BOM removed)"},
    )


class DeploymentOut(Schema):
    items = List(Nested(DeployedOut))
