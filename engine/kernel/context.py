"""What every service function receives: its ports, wired once by ``engine.bootstrap``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.compliance.findings import Finding
    from engine.record.chain import Entry
    from engine.tasks.claim_and_complete import Completion

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.config import Settings
from engine.errors import NotFound
from engine.kernel.ports import Clock, ProcessRow, UnitOfWork, UnitOfWorkFactory
from engine.review.catalogue import read_catalogue


class ProcessCache:
    """Parsed processes by deployed version, per worker (parsing costs milliseconds; a step, less)."""

    def __init__(self, parse: Callable[[ProcessRow], Any], size: int = 256) -> None:
        self._parse = parse
        self._size = size
        self._items: OrderedDict[int, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, uow: UnitOfWork, process_id: int) -> Any:
        with self._lock:
            parsed = self._items.get(process_id)
            if parsed is not None:
                self._items.move_to_end(process_id)
                return parsed
        row = uow.processes.get(process_id)
        if row is None:
            raise NotFound("流程不存在", f"No process version {process_id}", code="process-not-found")
        parsed = self._parse(row)
        with self._lock:
            self._items[process_id] = parsed
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return parsed


@dataclass
class AppContext:
    settings: Settings
    uow: UnitOfWorkFactory
    runner: Any  # engine.runner.workflow.Runner (a port: start / restore)
    parse: Callable[[bytes, str | None], Any]  # xml, process key -> parsed process (raises InvalidDiagram)
    lint: Callable[[bytes, str], list[Finding]]  # xml, filename -> findings
    lint_form: Callable[[bytes, str], list[Finding]]
    clock: Clock
    guards: tuple[Callable[[Completion], None], ...] = ()  # run before every task completion
    listeners: tuple[Callable[[UnitOfWork, Entry], None], ...] = ()  # after every record append
    effect_handlers: dict[str, Callable[[Any, Any], None]] = field(default_factory=dict)  # (step, effect)
    calendar: Any = None  # engine.deadlines.calendar.BureauCalendar: this node's working days
    database: Any = None  # opaque: for migrations and shutdown only
    processes: ProcessCache = field(init=False)
    catalogues: ProcessCache = field(init=False)  # the major-decision catalogue of each process version

    def __post_init__(self) -> None:
        self.processes = ProcessCache(lambda row: self.parse(row.xml.encode("utf-8"), row.key))
        self.catalogues = ProcessCache(lambda row: read_catalogue(row.xml.encode("utf-8")))
