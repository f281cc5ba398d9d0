"""Start the production server (gunicorn, one worker) on the bench fixtures: `serve_for_bench.py URL PORT`.

The bench's five-step process is no lawful approval item (no legal review, no records capture), so
it is deployed with the dialect rules only — exactly as the engine tests do. Nothing else differs
from `sanxiang up`."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.app import create_app  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.demo import ensure_demo_users  # noqa: E402
from engine.kernel.ports import Actor  # noqa: E402
from engine.processes.deploy import deploy  # noqa: E402
from engine.server import serve  # noqa: E402
from engine.store.migrate import upgrade  # noqa: E402


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    ctx = bootstrap(Settings(database_url=url), rules="dialect")
    upgrade(ctx.database)
    ensure_demo_users(ctx)
    fixtures = ROOT / "bench" / "fixtures"
    deploy(
        ctx,
        [(p.name, p.read_bytes()) for p in sorted(fixtures.iterdir()) if p.suffix in (".bpmn", ".form")],
        Actor("admin", frozenset({"designer"})),
    )
    serve(create_app(ctx), "127.0.0.1", port, database=ctx.database, accesslog=None)


if __name__ == "__main__":
    main()
