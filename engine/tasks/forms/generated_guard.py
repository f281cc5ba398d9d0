"""Camunda 7 generated forms (``camunda:formData``) in the running engine: the completion guard, the start
form of a case, and the form-js schema the task page renders.

The rules (constraints, types, defaults) are ``engine.tasks.forms.generated_rules``; here the case's
variables and the runner's expression language come in: a ``defaultValue`` or ``label`` written as
``${...}`` is evaluated against the case (``runner.evaluate_text``). A refused submission is
``InvalidInput`` with code ``form-invalid`` and every field's errors in ``details["fields"]``, like a Camunda
Form's; an accepted one is replaced by its converted values (a long as a whole number, a date as a
date-time…) before the step runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from engine.errors import InvalidInput
from engine.kernel.bureau import ZONE
from engine.kernel.form_fields import FormField, GeneratedForm
from engine.kernel.json_types import JsonObject, JsonValue
from engine.tasks.forms.generated_rules import Submission, convert, submit
from engine.tasks.forms.generated_schema import form_schema
from engine.tasks.forms.validation import field_errors

if TYPE_CHECKING:
    from engine.kernel.context import AppContext
    from engine.tasks.claim_and_complete import Completion


def default_of(ctx: AppContext, variables: Mapping[str, JsonValue]) -> Callable[[FormField], Any]:
    def default(item: FormField) -> Any:
        return ctx.runner.evaluate_text(item.default, variables) if item.default is not None else None

    return default


def checked(
    ctx: AppContext,
    form: GeneratedForm,
    name: str,
    data: Mapping[str, JsonValue],
    variables: Mapping[str, JsonValue],
) -> Submission:
    """The submission converted, or ``InvalidInput`` (``form-invalid``) naming every field's error."""
    result = submit(form, data, variables, default_of(ctx, variables), ZONE)
    if result.errors:
        fields = field_errors(result.errors)
        shown = "、".join(list(fields)[:5])
        raise InvalidInput(
            f"表单“{name}”有 {len(result.errors)} 处错误（{shown}），请修改后再提交",
            f"The form '{name}' has {len(result.errors)} error(s) "
            f"({', '.join(list(fields)[:5])}); correct them and submit again",
            code="form-invalid",
            details={"fields": fields, "form": name, "generated": True},
        )
    return result


def generated_form_guard(ctx: AppContext) -> Callable[[Completion], None]:
    """The completion guard of tasks with a ``camunda:formData``: check, convert, add defaults."""

    def guard(completion: Completion) -> None:
        form = getattr(completion.element, "generated_form", None)
        if form is None or not form.fields:
            return
        result = checked(ctx, form, completion.element.element_id, completion.data, completion.variables)
        completion.data.clear()
        completion.data.update(result.values)

    return guard


def start_values(
    ctx: AppContext, parsed: Any, variables: Mapping[str, JsonValue], business_key: str | None
) -> tuple[JsonObject, str | None]:
    """A new case's variables through its start event's ``camunda:formData`` (checked, converted, defaults),
    and its business key: the caller's, else the value of the field ``businessKey`` names."""
    form = getattr(parsed, "start_form", None)
    if form is None or not form.fields:
        return dict(variables), business_key
    values = checked(ctx, form, parsed.process_id, variables, {}).values
    if business_key is None and form.business_key and values.get(form.business_key) is not None:
        business_key = str(values[form.business_key])
    return values, business_key


def task_schema(ctx: AppContext, element: Any, variables: Mapping[str, JsonValue]) -> JsonObject | None:
    """The form-js schema of a task's ``camunda:formData`` (None for a task without one); a label or default
    that cannot be evaluated here is left out (the submission says why, if it matters then)."""
    form = getattr(element, "generated_form", None)
    if form is None or not form.fields:
        return None
    labels, defaults = {}, {}
    for item in form.fields:
        labels[item.id] = _quietly(ctx, item.label, variables) if item.label else None
        default = _quietly(ctx, item.default, variables) if item.default is not None else None
        try:
            defaults[item.id] = convert(item, default, ZONE) if default is not None else None
        except ValueError:
            defaults[item.id] = None
    shown = {key: str(value) for key, value in labels.items() if value is not None}
    return form_schema(
        form,
        f"generated:{element.element_id}",
        shown,
        {key: value for key, value in defaults.items() if value is not None},
    )


def _quietly(ctx: AppContext, source: str, variables: Mapping[str, JsonValue]) -> Any:
    try:
        return ctx.runner.evaluate_text(source, variables)
    except InvalidInput:
        return None
