"""Co-signatures of multi-instance tasks (会签/或签/票签) on the case's record and in its views.

The rules are ``engine.tasks.rules``. A completion of one instance of a multi-instance task records
its signature in the ``task.completed`` entry (``signature``: the activation's body, the instance's
``loopCounter``, ``nrOfInstances``, the signer's choice and opinion; who and when are the entry's own);
instances a completion condition ended are on the same entry as ``cancelled``. ``signs_once`` is the guard
that each signer signs an activation once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.record.chain import Entry
    from engine.tasks.claim_and_complete import Completion

from collections.abc import Iterable, Mapping
from typing import Any

from engine.errors import ProcedureViolation
from engine.kernel.json_types import JsonObject, JsonValue
from engine.tasks.rules import has_signed, signature, signature_fields

COMPLETED = "task.completed"


def signature_payload(
    element: Any, instance: Any, data: Mapping[str, JsonValue], still_open: Iterable[Any]
) -> JsonObject:
    """The ``signature`` of a completion's record entry, or nothing for a task that is no instance;
    ``still_open``: the ready tasks after the step (``last``: no instance of this activation waits)."""
    if instance is None:
        return {}
    fields = signature_fields(element.properties, element.role)
    last = not any(t.instance is not None and t.instance.body == instance.body for t in still_open)
    return {
        "signature": {
            "body": instance.body,
            "loopCounter": instance.loop_counter,
            "nrOfInstances": instance.nr_of_instances,
            "sequential": instance.sequential,
            "last": last,
            **signature(fields, data),
        }
    }


def _signature_of(entry: Entry) -> JsonObject | None:
    if entry.content.action != COMPLETED:
        return None
    found = entry.content.payload.get("signature")
    return found if isinstance(found, dict) else None


def signers(entries: Iterable[Entry], body: str) -> list[str]:
    """Who signed the activation ``body`` so far, in record order."""
    return [e.content.actor for e in entries if (_signature_of(e) or {}).get("body") == body]


def signs_once(completion: Completion) -> None:
    """A guard: one person completes one instance of an activation of a multi-instance task."""
    instance = getattr(completion, "instance", None)
    if instance is None:
        return
    user = completion.actor.user_id
    if has_signed(signers(completion.uow.records.for_case(completion.case.id), instance.body), user):
        name = completion.element.name or completion.element.element_id
        raise ProcedureViolation(
            f"用户 {user} 已在“{name}”签署过，每人只能签署一次（会签须由不同人员签署）",
            f"User {user} already signed '{name}'; each signer signs once (co-signers "
            "must be different people)",
            code="co-signer-signed-already",
            details={"element": completion.element.element_id, "body": instance.body},
        )


def signatures(entries: Iterable[Entry], names: Mapping[str, str] | None = None) -> list[JsonObject]:
    """Every signature of the case in record order: who, when, which task and instance, choice, opinion."""
    found = []
    for entry in entries:
        sign = _signature_of(entry)
        if sign is None:
            continue
        content = entry.content
        found.append(
            {
                "seq": entry.case_seq,
                "at": content.recorded_at.isoformat(),
                "signer": content.actor,
                "signerName": (names or {}).get(content.actor, content.actor),
                "task": content.task_id,
                "element": content.element_id,
                **sign,
            }
        )
    return found
