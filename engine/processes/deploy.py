"""Deploy diagrams and forms: lint, compile, version, and refuse with every finding listed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.compliance.findings import Finding

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.compliance.document.xmlsafe import without_bom
from engine.errors import InvalidDiagram
from engine.kernel.context import AppContext
from engine.kernel.ports import Actor, FormRow, ProcessRow, RecordDraft, UnitOfWork
from engine.people.permissions import Permission, authorize
from engine.processes.called_processes import callees_first, check_called_processes
from engine.record.append import record
from engine.tasks.forms.validation import binding_key

FORM_SUFFIXES = (".form",)


@dataclass(frozen=True)
class DeployedItem:
    kind: str  # "process" | "form"
    key: str
    version: int
    id: int
    created: bool  # False when an identical version already existed (duplicate filtering)
    name: str = ""
    warnings: tuple[Finding, ...] = ()  # the linter's warnings on the file (it deployed all the same)


@dataclass(frozen=True)
class DeployOutcome:
    items: list[DeployedItem] = field(default_factory=list)

    @property
    def processes(self) -> list[DeployedItem]:
        return [i for i in self.items if i.kind == "process"]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_form(name: str) -> bool:
    return name.lower().endswith(FORM_SUFFIXES)


def _refuse_if_errors(findings: list[Finding], name: str) -> tuple[Finding, ...]:
    """Refuse a file with an error finding; else its warnings."""
    errors = [f for f in findings if getattr(getattr(f, "severity", None), "value", "error") == "error"]
    if errors:
        raise InvalidDiagram(
            f"{name} 未通过检查，共 {len(errors)} 处问题",
            f"{name} was refused with {len(errors)} finding(s)",
            findings=findings,
        )
    return tuple(findings)


def _deploy_form(
    ctx: AppContext, uow: UnitOfWork, name: str, data: bytes, actor: Actor, now: datetime
) -> DeployedItem:
    warnings = _refuse_if_errors(ctx.lint_form(data, name), name)
    data = without_bom(data)  # UTF-8 checked by the linter (SX-X010); a BOM is never stored (SX-X011)
    form_id = str(json.loads(data)["id"])
    sha = _sha(data)
    latest: FormRow | None = uow.forms.latest(form_id)
    if latest is not None and latest.sha256 == sha:
        return DeployedItem("form", form_id, latest.version, latest.id, False, name, warnings)
    row = uow.forms.add(form_id=form_id, sha256=sha, body=data.decode("utf-8"), now=now, actor=actor.user_id)
    return DeployedItem("form", form_id, row.version, row.id, True, name, warnings)


def _bound_form(uow: UnitOfWork, element: Any, form_id: str) -> tuple[str, FormRow | None]:
    """The element's binding (``form`` or ``form@vN``) and the deployed form it names, if any."""
    key = binding_key(element)
    version = key.rpartition("@v")[2] if key != form_id else ""
    return key, uow.forms.version(form_id, int(version)) if version.isdigit() else uow.forms.latest(form_id)


def _form_bindings(uow: UnitOfWork, parsed: Any, name: str) -> dict[str, int]:
    bindings: dict[str, int] = {}
    missing = []
    for element in parsed.elements.values():
        form_id = element.form_id if element.tag == "userTask" else None
        if not form_id:
            continue
        key, row = _bound_form(uow, element, form_id)
        if row is None:
            missing.append(f"{element.element_id} → {key}")
        else:
            bindings[key] = row.id
    if missing:
        raise InvalidDiagram(
            f"{name} 引用了未部署的表单：{'；'.join(missing)}",
            f"{name} refers to forms that are not deployed: {'; '.join(missing)}",
            findings=[],
        )
    return bindings


def _check_handlers(ctx: AppContext, parsed: Any, name: str) -> None:
    # an external task (a topic) without a handler of this node waits for a worker (/engine-rest
    # external-task): only a delegateExpression must name a registered handler
    unknown = [
        f"{e.element_id} ({e.delegate})"
        for e in parsed.elements.values()
        if e.tag == "serviceTask" and not e.topic and e.delegate not in ctx.runner.handlers
    ]
    if unknown:
        raise InvalidDiagram(
            f"{name}：服务任务的处理程序未注册：{'；'.join(unknown)}",
            f"{name}: no handler is registered for service task(s) {', '.join(unknown)}; known: "
            f"{', '.join(sorted(ctx.runner.handlers)) or 'none'}",
            findings=[],
        )


def _deploy_process(
    ctx: AppContext, uow: UnitOfWork, name: str, data: bytes, actor: Actor, now: datetime
) -> DeployedItem:
    if len(data) > ctx.settings.max_diagram_bytes:
        raise InvalidDiagram(f"{name} 超过大小上限", f"{name} is larger than the limit", findings=[])
    warnings = _refuse_if_errors(ctx.lint(data, name), name)
    data = without_bom(data)
    parsed = ctx.parse(data, None)
    _check_handlers(ctx, parsed, name)
    bindings = _form_bindings(uow, parsed, name)
    sha = _sha(data)
    latest: ProcessRow | None = uow.processes.latest(parsed.process_id)
    if latest is not None and latest.sha256 == sha:
        return DeployedItem("process", latest.key, latest.version, latest.id, False, latest.name, warnings)
    title = parsed.properties.get("sanxiang.itemName") or parsed.spec.description or parsed.process_id
    row = uow.processes.add(
        key=parsed.process_id,
        name=title,
        sha256=sha,
        xml=data.decode("utf-8"),
        properties=dict(parsed.properties),
        forms=bindings,
        now=now,
        actor=actor.user_id,
    )
    return DeployedItem("process", row.key, row.version, row.id, True, row.name, warnings)


def deploy(ctx: AppContext, files: Sequence[tuple[str, bytes]], actor: Actor) -> DeployOutcome:
    """Deploy forms first (diagrams refer to them), then diagrams; all or nothing (designers, admins)."""
    authorize(None, Permission.PROCESS_DEPLOY, actor)
    forms = [f for f in files if _is_form(f[0])]
    ordered = forms + callees_first([f for f in files if not _is_form(f[0])])
    now = ctx.clock()  # one deployment, one moment: the ``deployment`` binding of a call activity reads it
    with ctx.uow() as uow:
        items = [
            (_deploy_form if _is_form(n) else _deploy_process)(ctx, uow, n, d, actor, now) for n, d in ordered
        ]
        sources = {
            i.key: (n, without_bom(d))
            for i, (n, d) in zip(items, ordered, strict=True)
            if i.kind == "process"
        }
        check_called_processes(uow, [i for i in items if i.kind == "process"], sources)
        created = [i for i in items if i.created]
        if created:
            record(
                ctx,
                uow,
                RecordDraft(
                    action="process.deployed",
                    actor=actor.user_id,
                    actor_role="designer",
                    payload={
                        "items": [{"kind": i.kind, "key": i.key, "version": i.version} for i in created]
                    },
                ),
                ctx.clock(),
            )
        uow.commit()
    return DeployOutcome(items)
