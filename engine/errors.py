"""One exception tree for the whole engine.

    SanxiangError                      base; carries a stable ``code`` and zh/en messages
    ├── InvalidInput                   the caller sent something we refuse (form data, variables, files)
    │   ├── InvalidDiagram             a BPMN/form file that cannot be deployed (carries findings)
    │   └── InvalidExpression          a diagram expression outside the safe language
    ├── NotFound                       no such process, case, task, user
    ├── NotAllowed                     the actor may not do this (role, group, separation of duties)
    │   └── ProcedureViolation         the law forbids it now (e.g. a decision before legal review)
    ├── Conflict                       the state moved under you (version clash, task no longer ready)
    │   └── DefinitionUnreadable       a deployed form the server cannot read back (never a 500)
    ├── StepFailed                     the engine failed while running a step (expression, handler)
    ├── StorageUnavailable             the file store cannot take a file now: it is read-only …
    │   └── StorageFull                … or full (later uploads work as soon as there is space again)
    └── NotConfigured                  a setting the command needs is missing (e.g. no project, no var dir)

Only ``engine.web`` maps these to HTTP status codes and only ``engine.cli`` to exit codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.kernel.json_types import JsonObject


class SanxiangError(Exception):
    code = "sanxiang.error"

    def __init__(
        self,
        message_zh: str,
        message_en: str | None = None,
        *,
        code: str | None = None,
        details: JsonObject | None = None,
    ) -> None:
        super().__init__(message_en or message_zh)
        self.message_zh = message_zh
        self.message_en = message_en or message_zh
        if code is not None:
            self.code = code
        self.details: JsonObject = details or {}


class InvalidInput(SanxiangError):
    code = "invalid-input"


class InvalidDiagram(InvalidInput):
    code = "invalid-diagram"

    def __init__(self, message_zh: str, message_en: str, findings: Sequence[Any]) -> None:
        super().__init__(message_zh, message_en)
        self.findings = list(findings)


class InvalidExpression(InvalidInput):
    code = "invalid-expression"


class NotFound(SanxiangError):
    code = "not-found"


class NotAllowed(SanxiangError):
    code = "not-allowed"


class ProcedureViolation(NotAllowed):
    code = "procedure-violation"


class Conflict(SanxiangError):
    code = "conflict"


class DefinitionUnreadable(Conflict):
    code = "definition-unreadable"


class StepFailed(SanxiangError):
    code = "step-failed"


class StorageUnavailable(SanxiangError):
    code = "storage-unavailable"


class StorageFull(StorageUnavailable):
    code = "storage-full"


class NotConfigured(SanxiangError):
    code = "not-configured"
