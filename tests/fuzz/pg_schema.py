"""A PostgreSQL schema of its own for one fuzz run (as the tests' fixtures do for each test).

python -m tests.fuzz.pg_schema create URL NAME   # prints the URL that uses the new schema
python -m tests.fuzz.pg_schema drop URL NAME
"""

from __future__ import annotations

import re
import sys

from sqlalchemy import create_engine, text

from tests.conftest import _with_schema


def main() -> None:
    verb, url, name = sys.argv[1:4]
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise SystemExit(f"not a schema name: {name!r}")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if verb == "create":
            conn.execute(text(f"CREATE SCHEMA {name}"))
            print(_with_schema(url, name))
        else:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
    admin.dispose()


if __name__ == "__main__":
    main()
