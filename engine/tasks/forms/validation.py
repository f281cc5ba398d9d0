"""Server-side validation of a task's submission against the task's own form (a completion guard).

Which form: the version bound when the process was deployed (``ProcessRow.forms``: form id → form
row), unless the diagram says ``camunda:formRefBinding="latest"`` (the latest deployed version) or
``"version"`` with ``camunda:formRefVersion`` (that version, bound at deploy: ``binding_key``); when
nothing is bound (a version deployed before bindings were kept), the latest deployed version. A task
without a form accepts any variables (``check_variables`` still applies). Refusal: ``InvalidInput``
with code ``form-invalid`` and every field error in ``details["fields"]``, so nothing about the case
changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.tasks.claim_and_complete import Completion

import threading
from collections.abc import Iterable
from typing import Any

from engine.errors import InvalidInput
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import FormRow, UnitOfWork
from engine.tasks.forms.data_check import validate
from engine.tasks.forms.schema import FieldError, FormRules, read_form
from engine.tasks.forms.stored import form_definition

CACHE_SIZE = 512


class _Memo:
    """Per-worker memory of immutable things: a deployed process's form bindings, a form's rules.

    Bindings are keyed by the parsed process object the context's process cache hands out (held here,
    so its ``id`` cannot be reused while remembered), rules by the form's content hash: never by a
    database row id, which two databases (two contexts in one process) both start at 1."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bindings: dict[int, tuple[Any, dict[str, FormRow]]] = {}
        self._rules: dict[str, FormRules] = {}

    def bindings(self, uow: UnitOfWork, process_id: int, parsed: Any) -> dict[str, FormRow]:
        """The deployed form rows bound to the process version (immutable: read once per worker)."""
        found = self._bindings.get(id(parsed))
        if found is not None and found[0] is parsed:
            return found[1]
        row = uow.processes.get(process_id)
        bindings = {}
        for form_id, row_id in (row.forms if row is not None else {}).items():
            form = uow.forms.get(row_id)
            if form is not None:
                bindings[form_id] = form
        self._remember(self._bindings, id(parsed), (parsed, bindings))
        return bindings

    def rules(self, form: FormRow) -> FormRules:
        found = self._rules.get(form.sha256)
        if found is None:
            found = read_form(form_definition(form))
            self._remember(self._rules, form.sha256, found)
        return found

    def _remember(self, store: dict[Any, Any], key: Any, value: JsonValue) -> None:
        with self._lock:
            if len(store) >= CACHE_SIZE:
                store.clear()
            store[key] = value


_MEMO = _Memo()


def binding_key(element: Any) -> str:
    """Where a process version keeps the form a task is bound to: the form id, or ``id@vN`` for
    ``camunda:formRefBinding="version"`` with ``camunda:formRefVersion="N"`` (Camunda 7's three bindings:
    ``deployment`` — the version deployed with the diagram, the default —, ``latest``, ``version``)."""
    form_id = str(getattr(element, "form_id", "") or "")
    if getattr(element, "form_ref_binding", None) == "version":
        return f"{form_id}@v{str(getattr(element, 'form_ref_version', '') or '').strip()}"
    return form_id


def task_form(uow: UnitOfWork, process_id: int, parsed: Any, element: Any) -> FormRow | None:
    """The deployed form a task shows (see the module docstring), or None for a task without one.
    ``parsed`` is the case's parsed process (from ``ctx.processes``), ``element`` the task's element."""
    form_id = getattr(element, "form_id", None)
    if not form_id:
        return None
    row: FormRow | None = None
    binding = getattr(element, "form_ref_binding", None)
    if binding != "latest":
        row = _MEMO.bindings(uow, process_id, parsed).get(binding_key(element))
    if row is None and binding == "version":
        bound = binding_key(element)
        raise InvalidInput(
            f"任务绑定的表单 {bound} 未部署",
            f"The form {bound} the task is bound to is not deployed",
            code="form-not-deployed",
        )
    return row if row is not None else uow.forms.latest(form_id)


def form_rules(form: FormRow) -> FormRules:
    return _MEMO.rules(form)


def field_errors(errors: Iterable[FieldError]) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for e in errors:
        grouped.setdefault(e.key, []).append(e.to_json())
    return grouped


def form_invalid(form: FormRow, errors: list[FieldError]) -> InvalidInput:
    fields = field_errors(errors)
    shown = list(fields)[:5] + (["…"] if len(fields) > 5 else [])
    return InvalidInput(
        f"表单“{form.form_id}”有 {len(errors)} 处错误（{'、'.join(shown)}），请修改后再提交",
        f"The form '{form.form_id}' has {len(errors)} error(s) ({', '.join(shown)}); "
        "correct them and submit again",
        code="form-invalid",
        details={"fields": fields, "form": form.form_id, "formVersion": form.version},
    )


def validate_form_data(completion: Completion) -> None:
    """The guard: refuse a completion whose data does not satisfy the task's form."""
    form = task_form(completion.uow, completion.case.process_id, completion.process, completion.element)
    if form is None:
        return
    errors = validate(form_rules(form), completion.data, current=completion.variables)
    if errors:
        raise form_invalid(form, errors)
