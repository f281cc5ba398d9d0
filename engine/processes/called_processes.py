"""At deploy, every call activity must name a process that it can call (SX-D175): never a run-time failure;
and a call activity carrying a legal role must call a process that does that step (SX-D174).

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

from engine.compliance.calls.call_activities import call_findings
from engine.compliance.document.bpmn_document import parse_document
from engine.compliance.findings import Finding
from engine.compliance.runtime_facts import RuntimeFacts
from engine.errors import InvalidDiagram
from engine.kernel.ports import UnitOfWork

DEPLOY_CODES = frozenset({"SX-D174", "SX-D175"})  # what only the deploy knows (the other processes)


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

    def roles(key: str, binding: str, version: int | None) -> frozenset[str] | None:
        if key in keys and version is None:
            return _roles(files[key][1], key)
        found = uow.calls.process_version(key, version) if version is not None else None
        row = uow.processes.get(found) if found is not None else uow.processes.latest(key)
        return _roles(row.xml.encode("utf-8"), key) if row is not None else None

    facts = RuntimeFacts(called_process=exists, called_roles=roles)
    for item in deployed:
        name, data = files[item.key]
        document = parse_document(data)
        if isinstance(document, Finding):  # the linter read it already: cannot happen
            continue
        found = [
            dataclasses.replace(f, file=name)
            for f in call_findings(document, facts)
            if f.code in DEPLOY_CODES
        ]
        if found:
            raise InvalidDiagram(
                f"{name}：调用活动调用的流程未部署或不做所标环节",
                f"{name}: a call activity calls a process that is not deployed or lacks its role",
                findings=found,
            )


def _roles(data: bytes, key: str) -> frozenset[str] | None:
    document = parse_document(data)
    if isinstance(document, Finding):
        return None
    return frozenset(
        el.role
        for process in document.checked
        if process.id == key
        for el in process.elements.values()
        if el.role
    )


def _process_calls(data: bytes) -> tuple[set[str], set[str]]:
    """(process ids defined, process keys called) of one file."""
    document = parse_document(data)
    if isinstance(document, Finding):
        return set(), set()
    defined = {process.id for process in document.checked}
    called = {
        (el.node.get("calledElement") or "").strip()
        for process in document.checked
        for el in process.with_tag("callActivity")
        if el.node is not None
    }
    return defined, called


def callees_first(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The process files of one deployment with every called process before its callers (depth first, in
    the given order otherwise; a cycle keeps the given order): the ``deployment`` binding reads that order."""
    shapes = [_process_calls(data) for _name, data in files]
    order: list[int] = []
    visiting: set[int] = set()

    def visit(index: int) -> None:
        if index in order or index in visiting:
            return
        visiting.add(index)
        for other, (defined, _called) in enumerate(shapes):
            if other != index and defined & shapes[index][1]:
                visit(other)
        order.append(index)

    for index in range(len(files)):
        visit(index)
    return [files[index] for index in order]
