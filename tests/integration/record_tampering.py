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
from engine.kernel.context import AppContext
from engine.kernel.ports import RecordDraft
from engine.record.append import record
from engine.record.chain import Content
from engine.record.store import RecordRepository
from engine.store import tables as t
from tests.support import MovableClock

CASES = ("2026-000101", "2026-000102")
EVIDENCE = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def write_entries(ctx: AppContext, clock: MovableClock, count: int = 6) -> None:
    """``count`` entries alternating between two cases, some with evidence and a correction."""
    for i in range(count):
        clock.advance(minutes=7)
        with ctx.uow() as uow:
            record(
                ctx,
                uow,
                RecordDraft(
                    action="task.completed",
                    actor=("zhao", "qian")[i % 2],
                    actor_role="handler",
                    case_id=CASES[i % 2],
                    task_id=f"task-{i}",
                    element_id=f"Task_{i}",
                    payload={"path": [f"Task_{i}"], "created": [], "data": {"n": i, "意见": "同意"}},
                    evidence=(EVIDENCE,) if i == 2 else (),
                    corrects=1 if i == 4 else None,
                ),
                clock(),
            )
            uow.commit()


@contextmanager
def tamperer(ctx: AppContext) -> Iterator[Connection]:
    """A connection with the append-only triggers of records and kept heads switched off,
    committed on exit."""
    with ctx.database.begin() as conn:
        for table in ("records", "record_heads"):
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
            else:
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
        yield conn
        for table in ("records", "record_heads"):
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))


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


def sanxiang(settings: Settings, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run the CLI on the test's database; ``env``: further settings (e.g. SANXIANG_HEAD_EVERY_ENTRIES)."""
    environment = {**cli_env(settings), **(env or {})}
    return CliRunner().invoke(main, list(args), env=environment, catch_exceptions=False)


def _draft(content: Content) -> RecordDraft:
    return RecordDraft(
        action=content.action,
        actor=content.actor,
        actor_role=content.actor_role or "",
        case_id=content.case_id,
        task_id=content.task_id,
        element_id=content.element_id,
        payload=content.payload,
        evidence=content.evidence,
        corrects=content.corrects,
    )


def rewrite_consistently(ctx: AppContext, forge_seq: int) -> None:
    """Forge one entry's payload and recompute every hash of both chains, as a tamperer could."""
    with ctx.uow(readonly=True) as uow:
        entries = list(uow.records.all())
    with tamperer(ctx) as conn:
        conn.execute(delete(t.records))
        repository = RecordRepository(conn)
        for entry in entries:
            draft = _draft(entry.content)
            if entry.global_seq == forge_seq:
                draft = RecordDraft(**{**_fields(draft), "payload": {"data": {"意见": "不同意"}, "path": []}})
            repository.append(draft, entry.content.recorded_at)


def _fields(draft: RecordDraft) -> dict[str, object]:
    return {name: getattr(draft, name) for name in RecordDraft.__slots__}
