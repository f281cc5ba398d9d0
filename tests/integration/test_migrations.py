"""The schema is built by Alembic alone, to one head, and matches the tables the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from engine.kernel.context import AppContext
from engine.store.migrate import alembic_config, current
from engine.store.tables import metadata


def test_the_migrations_end_in_one_head_and_the_database_is_at_it(ctx: AppContext) -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == ["0016_c7ext_external_tasks"]
    assert current(ctx.database) == "0016_c7ext_external_tasks"


def test_the_migrated_schema_has_every_declared_table(ctx: AppContext) -> None:
    import engine.store.unit_of_work  # noqa: F401  (imports every area's tables onto the metadata)

    with ctx.database.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    missing = [d for d in diff if d[0] in ("add_table", "add_column")]
    assert missing == []
