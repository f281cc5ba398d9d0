"""At deploy, every call activity must name a process that it can call (SX-D175): never a run-time failure.

The rule chosen (docs/camunda7-conformance.md): ``latest`` (the default) and ``version`` may call a process
deployed before or in the same deployment (that version, for ``version``); ``deployment`` only one of the
same deployment (a process whose file is unchanged counts: duplicate filtering keeps the deployed version).
A process deployed later cannot make an earlier caller deployable: deploy the called process first or with
its caller.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from engine.compliance.calls.call_activities import called_processes_exist
from engine.compliance.document.bpmn_document import parse_document
from engine.compliance.findings import Finding
from engine.compliance.runtime_facts import RuntimeFacts
from engine.errors import InvalidDiagram
from engine.kernel.ports import UnitOfWork


def check_called_processes(
    uow: UnitOfWork, deployed: Sequence[Any], files: Mapping[str, tuple[str, bytes]]
) -> None:
    """Refuse the deployment (``InvalidDiagram`` with SX-D175 findings) when a call activity of one of its
    processes (``deployed``: the process items; ``files``: (file name, bytes) by process key) calls a
    process that is not there."""
    keys = {item.key for item in deployed}

    def exists(key: str, binding: str, version: int | None) -> bool:
        if binding == "deployment":
            return key in keys
        if version is not None:
            return uow.calls.process_version(key, version) is not None
        return key in keys or uow.processes.latest(key) is not None

    facts = RuntimeFacts(called_process=exists)
    for item in deployed:
        name, data = files[item.key]
        document = parse_document(data)
        if isinstance(document, Finding):  # the linter read it already: cannot happen
            continue
        found = [dataclasses.replace(f, file=name) for f in called_processes_exist(document, facts)]
        if found:
            raise InvalidDiagram(
                f"{name}：调用活动调用的流程未部署（SX-D175）",
                f"{name}: a call activity calls a process that is not deployed (SX-D175)",
                findings=found,
            )


def callees_first(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The process files of one deployment with every called process before its callers (a stable order;
    a cycle keeps the given order): the ``deployment`` binding resolves by the order of deployment."""
    defined: dict[int, set[str]] = {}
    called: dict[int, set[str]] = {}
    for index, (_name, data) in enumerate(files):
        document = parse_document(data)
        if isinstance(document, Finding):
            continue
        defined[index] = {process.id for process in document.checked}
        called[index] = {
            (el.node.get("calledElement") or "").strip()
            for process in document.checked
            for el in process.with_tag("callActivity")
            if el.node is not None
        }
    order: list[int] = []
    for _ in range(len(files) + 1):
        for index in range(len(files)):
            waits = any(
                called.get(index, set()) & defined.get(other, set())
                for other in range(len(files))
                if other != index and other not in order
            )
            if index not in order and not waits:
                order.append(index)
    order += [index for index in range(len(files)) if index not in order]  # a cycle
    return [files[index] for index in order]
