"""The app in a process of its own, for measuring what an upload costs it in memory.

Run as ``python -m tests.integration.evidence_server``; settings come from the environment (as
``sanxiang serve``); prints the port it listens on, then serves one request at a time until killed.
"""

from __future__ import annotations

from werkzeug.serving import make_server

from engine.app import create_app
from engine.bootstrap import bootstrap
from engine.config import from_env


def main() -> None:
    ctx = bootstrap(from_env())
    server = make_server("127.0.0.1", 0, create_app(ctx), threaded=False)
    print(server.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
