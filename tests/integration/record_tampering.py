"""What someone with database access could do to the record table, done for real.

The database refuses UPDATE and DELETE on ``records`` (PostgreSQL: the trigger of migration 0001;
SQLite: the triggers of migration 0004). A tamperer with the database's own rights switches them
off first — as these helpers do — and then changes rows directly, past the application.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from click.testing import CliRunner, Result
from sqlalchemy import Connection, delete, select, text, update

from engine.cli import main
from engine.config import Settings
from engine.services.context import AppContext
from engine.services.ports import RecordDraft
from engine.services.recording import record
from engine.store import tables as t
from tests.support import MovableClock

CASES = ("2026-000101", "2026-000102")
EVIDENCE = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def write_entries(ctx: AppContext, clock: MovableClock, count: int = 6) -> None:
    """``count`` entries alternating between two cases, some with evidence and a correction."""
    for i in range(count):
        clock.advance(minutes=7)
        with ctx.uow() as uow:
            record(ctx, uow, RecordDraft(
                action="task.completed", actor=("zhao", "qian")[i % 2], actor_role="handler",
                case_id=CASES[i % 2], task_id=f"task-{i}", element_id=f"Task_{i}",
                payload={"path": [f"Task_{i}"], "created": [], "data": {"n": i, "意见": "同意"}},
                evidence=(EVIDENCE,) if i == 2 else (), corrects=1 if i == 4 else None), clock())
            uow.commit()


@contextmanager
def tamperer(ctx: AppContext) -> Iterator[Connection]:
    """A connection with the append-only triggers switched off, committed on exit."""
    with ctx.database.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE records DISABLE TRIGGER records_append_only"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS records_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS records_no_delete"))
        yield conn
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE records ENABLE TRIGGER records_append_only"))


def row(conn: Connection, seq: int) -> dict[str, Any]:
    found = conn.execute(select(t.records).where(t.records.c.seq == seq)).mappings().one()
    return dict(found)


def forged_value(column: str, original: Any) -> Any:
    """A different value of the same column type."""
    if column == "recorded_at":
        assert isinstance(original, datetime)
        return original.replace(microsecond=(original.microsecond + 1) % 1_000_000)
    if column in ("seq", "case_seq"):
        return original + 100
    if column == "corrects":
        return 1 if original is None else None
    if column == "payload":
        return '{"data":{"n":999},"path":["Task_Forged"]}'
    if column == "evidence":
        return "[]" if original != "[]" else f'["{"a" * 64}"]'
    if column in ("content_hash", "case_prev", "case_link", "global_prev", "global_link"):
        return "f" * 64 if original != "f" * 64 else "e" * 64
    return f"{original}-forged"


def change(conn: Connection, seq: int, column: str, value: Any) -> None:
    conn.execute(update(t.records).where(t.records.c.seq == seq).values({column: value}))


def remove(conn: Connection, seq: int) -> None:
    conn.execute(delete(t.records).where(t.records.c.seq == seq))


def cli_env(settings: Settings) -> dict[str, str]:
    return {"SANXIANG_DATABASE_URL": settings.database_url, "SANXIANG_VAR_DIR": str(settings.var_dir)}


def sanxiang(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=cli_env(settings), catch_exceptions=False)
