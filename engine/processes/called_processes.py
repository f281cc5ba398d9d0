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
