"""Words and small judgements the pages show: labels for roles, groups, statuses and record actions,
the due state of a task (yellow/red), and the field errors of a refused submission."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from engine.kernel.json_types import JsonValue
from engine.record.refusals.rules import ATTEMPTS, refused_attempt
from engine.web.i18n import pick

ROLE_LABELS = {
    "acceptance": _l("Acceptance"),
    "supplement": _l("Supplement of materials"),
    "on-site": _l("On-site inspection"),
    "legal-review": _l("Legal review"),
    "decision": _l("Decision"),
    "delivery": _l("Delivery"),
    "disclosure": _l("Disclosure"),
    "records-capture": _l("Records capture"),
    "hearing": _l("Hearing"),
    "expert-review": _l("Expert review"),
    "coordination": _l("Collective decision"),
}
GROUP_LABELS = {
    "window-clerk": _l("Window clerks"),
    "handler": _l("Handlers"),
    "legal-reviewer": _l("Legal reviewers"),
    "approver": _l("Approvers"),
    "supervisor": _l("Supervisors"),
    "designer": _l("Process designers"),
    "admin": _l("Administrators"),
}
STATUS_LABELS = {
    "ready": _l("Waiting"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "running": _l("In progress"),
    "withdrawn": _l("Withdrawn"),
}
ACTION_LABELS = {
    "case.started": _l("Case opened"),
    "case.completed": _l("Case closed"),
    "task.completed": _l("Task completed"),
    "task.claimed": _l("Task claimed"),
    "task.unclaimed": _l("Task given back to the group"),
    "task.transferred": _l("Task transferred"),
    "task.delegated": _l("Task delegated"),
    "task.resolved": _l("Delegated task given back"),
    "task.urged": _l("Assignee urged"),
    "case.withdrawn": _l("Application withdrawn"),
    "evidence.added": _l("Evidence added"),
    "deadline.opened": _l("Deadline started"),
    "deadline.met": _l("Deadline met"),
    "deadline.warning": _l("Deadline warning"),
    "deadline.overdue": _l("Deadline passed"),
    "deadline.extended": _l("Deadline extended"),
    "deadline.clock-stopped": _l("Clock stopped"),
    "deadline.clock-resumed": _l("Clock resumed"),
    "deadline.recomputed": _l("Deadline recomputed"),
    "deadline.cancelled": _l("Deadline cancelled"),
    "review.completed": _l("Legal review completed"),
    "review.refused": _l("Legal review refused"),
    "decision.refused": _l("Decision refused"),
    "task.refused": _l("Completion refused"),
    "refusals.suppressed": _l("Repeated refusals counted"),
    "disclosure.scheduled": _l("Disclosure scheduled"),
    "disclosure.published": _l("Disclosure published"),
    "disclosure.withdrawn": _l("Disclosure withdrawn"),
    "timer.fired": _l("Timer fired"),
    "call.started": _l("Child case opened"),
    "call.returned": _l("Child case returned"),
    "task.error_thrown": _l("Business error thrown"),
    "query-code.issued": _l("Query code issued"),
    "message.received": _l("Message received"),
    "external-task.completed": _l("External task completed"),
    "external-task.bpmn-error": _l("External task reported a business error"),
    "external-task.failed": _l("External task failed"),
    "external-task.incident": _l("External task incident"),
    "external-task.retries-set": _l("External task retries set"),
    "case.exported": _l("Case file exported"),
}
APPLICANT_LABELS = {
    "name": _l("Name"),
    "creditCode": _l("Unified social credit code"),
    "idNumber": _l("Identity card number"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "type": _l("Type"),
}
DEADLINE_LABELS = {
    "acceptance-notice": _l("Acceptance notice"),
    "decision": _l("Decision limit"),
    "delivery": _l("Delivery"),
    "disclosure": _l("Disclosure"),
    "legal-review": _l("Legal review limit"),
}
KIND_LABELS = {"audio": _l("Audio"), "video": _l("Video"), "image": _l("Image"), "document": _l("Document")}
PAYLOAD_WORDS = (
    "reason",
    "message",
    "note",
    "to",
    "from",
    "owner",
    "delegate",
    "name",
    "code",
    "reason_zh",
    "suppressed",
)


def label(table: Mapping[str, JsonValue], key: str | None) -> str:
    return str(table.get(key or "", key or ""))


def action_label(action: str) -> str:
    """A record entry's action in the page's language; a refused attempt as "Refused: <attempt>"."""
    attempt = refused_attempt(action) if action not in ACTION_LABELS else None
    if attempt is None:
        return label(ACTION_LABELS, action)
    return str(_l("Refused: %(attempt)s", attempt=pick(*ATTEMPTS[attempt])))


def groups_text(groups: tuple[str, ...] | list[str]) -> str:
    return "、".join(label(GROUP_LABELS, g) for g in groups)


def payload_summary(payload: Mapping[str, JsonValue]) -> str:
    parts = []
    for key in PAYLOAD_WORDS:
        value = payload.get(key)
        if value not in (None, "", []):
            parts.append(f"{key}: {'、'.join(map(str, value)) if isinstance(value, list) else value}")
    parts += co_signing_summary(payload)
    return "；".join(parts)


def co_signing_summary(payload: Mapping[str, JsonValue]) -> list[str]:
    """A co-signature (会签) of a multi-instance task and the instances its step cancelled (timeline)."""
    parts = []
    sign = payload.get("signature")
    if isinstance(sign, Mapping):
        which = f"{int(sign.get('loopCounter') or 0) + 1}/{sign.get('nrOfInstances')}"
        said = " — ".join(str(v) for v in (sign.get("choice"), sign.get("opinion")) if v not in (None, ""))
        parts.append(pick(f"会签 {which}：{said}", f"co-signature {which}: {said}"))
    cancelled = payload.get("cancelled")
    if isinstance(cancelled, list) and cancelled:
        parts.append(pick(f"取消未签的 {len(cancelled)} 份", f"{len(cancelled)} unsigned cancelled"))
    return parts


def _message(value: JsonValue) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        zh = value.get("zh") or value.get("message_zh") or value.get("message") or ""
        en = value.get("en") or value.get("message_en") or zh
        return pick(str(zh), str(en))
    if isinstance(value, list | tuple):
        return "；".join(_message(v) for v in value)
    return str(value)


def field_errors(details: Mapping[str, JsonValue] | None) -> dict[str, str]:
    """``details.fields`` of a refused submission as {field key: message in the page's language}.

    Accepts {key: message}, {key: {zh, en}}, {key: [messages]} and [{key|field, message…}]."""
    fields = (details or {}).get("fields")
    if isinstance(fields, Mapping):
        return {str(k): _message(v) for k, v in fields.items()}
    if isinstance(fields, list):
        found: dict[str, str] = {}
        for item in fields:
            if isinstance(item, Mapping):
                key = str(item.get("key") or item.get("field") or item.get("path") or "")
                found[key] = _message(item)
        return found
    return {}
