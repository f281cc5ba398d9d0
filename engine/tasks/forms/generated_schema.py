"""A Camunda 7 generated form (``camunda:formData``) as a form-js schema, so the task page renders it with
the same viewer as Camunda Forms: string → textfield, long → number (whole), boolean → checkbox, date →
datetime (a date), enum → select; ``required``, ``min``/``max``, ``minlength``/``maxlength`` become form-js
validation (the server checks again: ``generated_forms.submit``), ``readonly`` a disabled field (shown,
never submitted: Camunda's readonly refuses any submitted value, and form-js leaves disabled fields out), the
field's ``camunda:properties`` its form-js properties, its default value the component's default."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from engine.kernel.form_fields import FormField, GeneratedForm
from engine.kernel.json_types import JsonObject, JsonValue

SCHEMA_VERSION = 16
_COMPONENT = {
    "string": "textfield",
    "long": "number",
    "boolean": "checkbox",
    "date": "datetime",
    "enum": "select",
}
_VALIDATE = {
    "required": "required",
    "min": "min",
    "max": "max",
    "minlength": "minLength",
    "maxlength": "maxLength",
}


def form_schema(
    form: GeneratedForm, form_id: str, labels: Mapping[str, str], defaults: Mapping[str, JsonValue]
) -> JsonObject:
    """The form-js schema of ``form``; ``labels`` and ``defaults`` are the fields' evaluated label and
    default (by field id; a field without one is left out of them)."""
    components = [_component(item, labels.get(item.id), defaults.get(item.id)) for item in form.fields]
    return {
        "id": form_id,
        "type": "default",
        "schemaVersion": SCHEMA_VERSION,
        "generated": "camunda:formData",
        "components": components,
    }


def _component(item: FormField, label: str | None, default: JsonValue) -> JsonObject:
    component: JsonObject = {
        "id": f"Field_{item.id}",
        "key": item.id,
        "type": _COMPONENT[item.type],
        "label": label or item.id,
    }
    if item.type == "long":
        component["decimalDigits"] = 0
    if item.type == "date":
        component.update({"subtype": "date", "dateLabel": label or item.id})
    if item.type == "enum":
        component["values"] = [{"label": name or value, "value": value} for value, name in item.values]
    validate = {
        _VALIDATE[name]: _number(config) if name != "required" else True
        for name, config in item.constraints
        if name in _VALIDATE
    }
    if validate:
        component["validate"] = validate
    if item.constraint("readonly")[0]:
        component["disabled"] = True
    if item.properties:
        component["properties"] = dict(item.properties)
    if default is not None:
        component["defaultValue"] = default.date().isoformat() if isinstance(default, datetime) else default
    return component


def _number(config: str | None) -> int | float:
    text = (config or "0").strip()
    try:
        return int(text)
    except ValueError:
        return float(text)
