"""The tables of each area beyond the core ones in ``engine.store.tables`` (one module per area)."""
