"""`sanxiang audit verify` names the first entry that was changed, deleted or moved."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine.config import Settings
from engine.kernel.context import AppContext
from engine.record import verify as audit
from engine.record.heads import sign_head_now
from engine.store import tables as t
from tests.integration.record_tampering import (
    CASES,
    change,
    forged_value,
    remove,
    row,
    sanxiang,
    tamperer,
    write_entries,
)
from tests.support import MovableClock

COLUMNS = [c.name for c in t.records.columns]


@pytest.fixture
def written(ctx: AppContext, clock: MovableClock) -> AppContext:
    write_entries(ctx, clock)
    return ctx


def test_an_untouched_record_verifies(written: AppContext, settings: Settings) -> None:
    assert sign_head_now(written, "demand") is not None  # as the scheduler does every N entries / M minutes
    result = sanxiang(settings, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "完整：已校验 6 条" in result.output and "intact: 6 entries checked" in result.output
    assert audit.verify_records(written, CASES[0]).ok


@pytest.mark.parametrize(
    "statement", ["UPDATE records SET actor = 'mallory' WHERE seq = 2", "DELETE FROM records WHERE seq = 2"]
)
def test_the_database_itself_refuses_update_and_delete(written: AppContext, statement: str) -> None:
    with pytest.raises(DBAPIError) as refused, written.database.begin() as conn:
        conn.execute(text(statement))
    assert "append-only" in str(refused.value)
    with written.database.connect() as conn:
        assert conn.execute(text("SELECT actor FROM records WHERE seq = 2")).scalar_one() == "qian"


@pytest.mark.parametrize("column", COLUMNS)
def test_changing_any_field_of_any_entry_fails_at_that_entry(
    written: AppContext, settings: Settings, column: str
) -> None:
    for seq in (1, 3, 6):
        with tamperer(written) as conn:
            original = row(conn, seq)
            change(conn, seq, column, forged_value(column, original[column]))
        result = audit.verify_records(written)
        assert (result.ok, result.first_bad_sequence) == (False, seq), (column, seq, result)
        if seq == 3:
            cli = sanxiang(settings, "audit", "verify")
            assert cli.exit_code == 1
            assert "第 3 条" in cli.output and "fails at entry 3" in cli.output
        with tamperer(written) as conn:
            where = original["seq"] + 100 if column == "seq" else seq
            change(conn, where, "seq", seq)
            for name, value in original.items():
                change(conn, seq, name, value)
        assert audit.verify_records(written).ok


def test_changing_an_entry_fails_its_case_chain_at_its_case_sequence(
    written: AppContext, settings: Settings
) -> None:
    with tamperer(written) as conn:  # global entry 3 is the second entry of the first case
        change(conn, 3, "payload", '{"data":{"n":0}}')
    result = sanxiang(settings, "audit", "verify", "--case", CASES[0])
    assert result.exit_code == 1
    assert "第 2 条" in result.output and "fails at entry 2" in result.output
    assert sanxiang(settings, "audit", "verify", "--case", CASES[1]).exit_code == 0


@pytest.mark.parametrize("seq", [1, 4, 5])
def test_deleting_an_entry_fails_at_that_entry(written: AppContext, settings: Settings, seq: int) -> None:
    with tamperer(written) as conn:
        remove(conn, seq)
    result = audit.verify_records(written)
    assert (result.ok, result.first_bad_sequence) == (False, seq)
    assert f"entry {seq} is missing" in result.reason_en
    cli = sanxiang(settings, "audit", "verify")
    assert cli.exit_code == 1 and f"第 {seq} 条记录缺失" in cli.output


def test_reordering_two_entries_fails_at_the_first_of_them(written: AppContext, settings: Settings) -> None:
    with tamperer(written) as conn:
        change(conn, 2, "seq", -2)
        change(conn, 3, "seq", 2)
        change(conn, -2, "seq", 3)
    result = audit.verify_records(written)
    assert (result.ok, result.first_bad_sequence) == (False, 2)
    cli = sanxiang(settings, "audit", "verify")
    assert cli.exit_code == 1 and "fails at entry 2" in cli.output
