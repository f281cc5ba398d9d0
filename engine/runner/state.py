"""Save and restore a case's workflow state: small, spec-free, and not growing with history.

Stock SpiffWorkflow saves the whole task tree with a copy of the spec; every loop adds tasks
(≈2.45 KB each) and deepens the tree until recursion fails near 247 loops. We:
- keep the spec out (the parsed spec of the deployed version is cached per worker);
- compact the tree before saving: completed tasks above the lowest common ancestor of all
  unfinished tasks are dropped and that ancestor hangs directly under the root; finished
  subtrees hanging off the dropped trunk go with it. History lives in our own record table.
"""

from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.errors import StepFailed
from engine.runner.expressions.meter import measure

STATE_FORMAT = "sanxiang-1"


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]  # SpiffWorkflow is untyped
    """Leaves the spec out when saving; takes the cached spec objects when restoring."""

    def to_dict(self, workflow):  # type: ignore[no-untyped-def]
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):  # type: ignore[no-untyped-def]
        workflow = self.target_class(dct.pop("spec"), dct.pop("subprocess_specs"), deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry() -> Any:
    config = dict(DEFAULT_CONFIG)
    config[BpmnWorkflow] = _SpecFreeWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    return registry


_local = threading.local()


def _serializer() -> BpmnWorkflowSerializer:
    """One per thread: the registry flips an "encoder mode" flag while saving."""
    serializer = getattr(_local, "serializer", None)
    if serializer is None:
        serializer = _local.serializer = BpmnWorkflowSerializer(_registry())
    return serializer


def _to_json(workflow: BpmnWorkflow) -> str:
    serializer = _serializer()
    serializer.registry._encoder_mode = True  # dates, decimals… are converted by the encoder
    try:
        dct = serializer.to_dict(workflow)
        dct["format"] = STATE_FORMAT
        return json.dumps(dct, cls=serializer._encoder_cls, separators=(",", ":"), ensure_ascii=False)
    finally:
        serializer.registry._encoder_mode = False


def dump_state(workflow: BpmnWorkflow, max_bytes: int | None = None, *, scripts_ran: bool = True) -> str:
    """The compacted state as JSON, refused over ``max_bytes`` (``StepFailed``).

    When a script ran since the state was loaded, the tasks' data is measured first and a state over
    the limit is refused before anything is serialized: a script can alias one large value many times
    (``copy1 = page``…), which costs nothing in memory until it is written out. Without a script, the
    data is the loaded state (within the limit when saved) plus what a request, a message or a handler
    brought (each bounded), so the written text is checked afterwards."""
    compact(workflow)
    workflow.bpmn_events = []
    if max_bytes is not None and scripts_ran:
        _check_size(_data_size(workflow, max_bytes), max_bytes)
    text = _to_json(workflow)
    if max_bytes is not None and len(text) * 4 > max_bytes:  # UTF-8: at most 4 bytes a character
        _check_size(len(text.encode()), max_bytes)
    return text


def _data_size(workflow: Any, limit: int) -> int:
    """≈ characters of every task's data as JSON (each task holds its own copy); stops past ``limit``."""
    total = 0
    for owner in (workflow, *workflow.subprocesses.values()):
        for task in owner.tasks.values():
            total += measure(task.data, limit - total)[0]
            if total > limit:
                return total
    return total


def _check_size(size: int, limit: int) -> None:
    if size > limit:
        raise StepFailed(
            f"办件状态超出预算（约 {size} 字节，上限 {limit}），本步骤未保存；"
            "请检查流程图中的脚本是否构造了大数据",
            f"The case state is over its budget (about {size} bytes, limit {limit}); nothing of "
            "this step was saved; check the diagram's scripts for large data",
            code="budget-exceeded",
            details={"budget": "state-size", "size": size, "limit": limit},
        )


def load_state(text: str, spec: Any, subprocess_specs: Any) -> BpmnWorkflow:
    dct = json.loads(text)
    if dct.pop("format", None) != STATE_FORMAT:
        raise ValueError("unknown state format")
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    return _serializer().from_dict(dct)


# -- compaction ---------------------------------------------------------------------------------


def _live(workflow: Any) -> list[Any]:
    return [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]


def _ancestry(task: Any) -> list[Any]:
    chain = []
    node = task
    while node is not None:
        chain.append(node)
        node = node.parent
    chain.reverse()
    return chain


def _lowest_common_ancestor(tasks: list[Any]) -> Any:
    paths = [_ancestry(t) for t in tasks]
    lca = None
    for nodes in zip(*paths, strict=False):
        if any(n is not nodes[0] for n in nodes):
            break
        lca = nodes[0]
    return lca


def _subtree_ids(task: Any) -> set[UUID]:
    ids: set[UUID] = set()
    stack = [task]
    while stack:
        node = stack.pop()
        ids.add(node.id)
        stack.extend(node.children)
    return ids


def _compact_one(workflow: Any) -> set[UUID]:
    """Compact one (sub)workflow's tree; return the ids of tasks dropped."""
    root = workflow.task_tree
    live = _live(workflow)
    if not live:
        return set()
    lca = _lowest_common_ancestor(live)
    if lca is None or lca is root or lca.parent is root:
        return set()
    keep = _subtree_ids(lca) | {root.id}
    dropped = set(workflow.tasks) - keep
    for task_id in dropped:
        del workflow.tasks[task_id]
    lca._parent = root.id
    root._children = [lca.id]
    if workflow.last_task is not None and workflow.last_task.id in dropped:
        workflow.last_task = None
    return dropped


def compact(workflow: Any) -> None:
    dropped = _compact_one(workflow)
    for sub in list(workflow.subprocesses.values()):
        dropped |= _compact_one(sub)
    known = set(workflow.tasks)
    for sub in workflow.subprocesses.values():
        known |= set(sub.tasks)
    for owner in [tid for tid in workflow.subprocesses if tid not in known]:
        del workflow.subprocesses[owner]
