"""The generated form a diagram declares (``camunda:formData``): plain values, read from the BPMN by the
runner (``engine.runner.dialect``) and judged by the tasks area (``engine.tasks.forms.generated_rules``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FormField:
    """One ``camunda:formField`` as written."""

    id: str
    type: str
    label: str | None = None
    default: str | None = None  # ``defaultValue``: text or an expression
    values: tuple[tuple[str, str], ...] = ()  # enum: (id, name)
    constraints: tuple[tuple[str, str | None], ...] = ()  # (name, config)
    properties: tuple[tuple[str, str], ...] = ()

    def constraint(self, name: str) -> tuple[bool, str | None]:
        for found, config in self.constraints:
            if found == name:
                return True, config
        return False, None


@dataclass(frozen=True, slots=True)
class GeneratedForm:
    fields: tuple[FormField, ...] = ()
    business_key: str | None = None  # ``camunda:formData businessKey`` (start forms)
