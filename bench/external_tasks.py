"""External tasks: worker throughput, and what waiting long polls cost the server.

Run by hand:  .venv/bin/python bench/external_tasks.py [--pg URL] [--cases N] [--polls P]

Against the production server (``sanxiang serve``: gunicorn, one worker process, 8 threads) on a fresh
database (SQLite, or a fresh PostgreSQL schema with --pg), with N cases of
tests/conformance/c7/diagrams/c7_external_tasks.bpmn opened beforehand:
 (a) one real worker (camunda-external-task-client-python3's ExternalTaskClient, maxTasks 10) fetches and
     completes every task: tasks per second (each completion is one step of its case: restore, run,
     save, project, record);
 (b) P polls (asyncResponseTimeout 20 s) wait with nothing to fetch: the server process's memory (RSS)
     and threads before and while they wait, how many polls answered at once (over the bound of
     waiting polls), and — PostgreSQL — the server's database connections (pg_stat_activity, by
     application_name) that are busy (active or in a transaction) while they wait.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PORT = 7210
URL = f"http://127.0.0.1:{PORT}"
APP_NAME = "sx_bench_ext"


def _prepare(url: str, work: Path, cases: int) -> Any:
    from engine.cases.opening import open_case
    from engine.config import Settings
    from engine.kernel.ports import Actor
    from engine.processes.deploy import deploy
    from tests.conftest import make_context
    from tests.integration.engine_rest_live import staff
    from tests.support import MovableClock

    settings = Settings(database_url=url, var_dir=work, password_hash_profile="test", secret_key="bench")
    ctx = make_context(settings, MovableClock(), rules="dialect")
    staff(ctx, "bank", "征信系统", "integration")
    diagram = ROOT / "tests" / "conformance" / "c7" / "diagrams" / "c7_external_tasks.bpmn"
    deploy(ctx, [(diagram.name, diagram.read_bytes())], Actor("li", frozenset({"designer"})))
    for _ in range(cases):
        open_case(ctx, "c7_external_tasks", {"outcome": "ok", "amount": 100}, Actor("wang"))
    return settings


def _serve(settings: Any, url: str, work: Path) -> subprocess.Popen[bytes]:
    from tests.integration.rest_nodes import wait_ready

    env = {
        **os.environ,
        "SANXIANG_DATABASE_URL": url,
        "SANXIANG_VAR_DIR": str(work),
        "SANXIANG_SECRET_KEY": "bench",
    }
    command = [sys.executable, "-m", "engine", "serve", "--host", "127.0.0.1", "--port", str(PORT)]
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_ready(URL)
    return server


def _throughput(cases: int) -> tuple[float, int]:
    from camunda.client.external_task_client import ExternalTaskClient

    config = {
        "auth_basic": {"username": "bank", "password": "demo-bank"},
        "maxTasks": 10,
        "lockDuration": 60_000,
        "asyncResponseTimeout": 0,
    }
    client = ExternalTaskClient("bench-worker", f"{URL}/engine-rest", config)
    done, began = 0, time.perf_counter()
    while done < cases:
        tasks = client.fetch_and_lock("credit-check", variables=["amount"])
        if not tasks:
            break
        for task in tasks:
            client.complete(task["id"], {"creditScore": 700})
            done += 1
    return done / (time.perf_counter() - began), done


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def _process(pid: int) -> tuple[float, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
    return rss / 1024, len(list(Path(f"/proc/{pid}/task").iterdir()))


def _busy_connections(pg: str | None) -> str:
    if pg is None:
        return "-"
    from sqlalchemy import create_engine, text

    engine = create_engine(pg)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT state, count(*) FROM pg_stat_activity WHERE application_name = :a GROUP BY state"),
            {"a": APP_NAME},
        ).all()
    engine.dispose()
    return ", ".join(f"{state}: {n}" for state, n in rows) or "none"


def _long_polls(pid: int, polls: int, pg: str | None) -> None:
    import requests

    from tests.support import auth

    body = {
        "workerId": "w",
        "maxTasks": 1,
        "asyncResponseTimeout": 20_000,
        "topics": [{"topicName": "nothing-here", "lockDuration": 1000}],
    }
    fast: list[float] = []

    def poll() -> None:
        began = time.monotonic()
        requests.post(
            f"{URL}/engine-rest/external-task/fetchAndLock", json=body, headers=auth("bank"), timeout=60
        )
        if time.monotonic() - began < 1.0:
            fast.append(1.0)

    before = _process(pid)
    threads = [threading.Thread(target=poll) for _ in range(polls)]
    for thread in threads:
        thread.start()
    time.sleep(3.0)
    during = _process(pid)
    connections = _busy_connections(pg)
    began = time.monotonic()
    requests.get(f"{URL}/engine-rest/version", headers=auth("bank"), timeout=30)
    other = (time.monotonic() - began) * 1000
    for thread in threads:
        thread.join()
    print(f"  long polls: {polls} sent, {len(fast)} answered at once (over the bound), the rest waited 20 s")
    print(
        f"  server worker process: RSS {before[0]:.1f} MiB -> {during[0]:.1f} MiB while waiting; "
        f"threads {before[1]} -> {during[1]}"
    )
    print(f"  database connections of the server while waiting: {connections}")
    print(f"  another request while they wait: {other:.0f} ms")


def run(url: str, pg_admin: str | None, cases: int, polls: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        settings = _prepare(url, work, cases)
        server = _serve(settings, url, work)
        try:
            rate, done = _throughput(cases)
            print(f"  throughput: {done} tasks, {rate:.1f} tasks/s (one worker, maxTasks 10)")
            _long_polls(_worker_pid(server.pid), polls, pg_admin)
        finally:
            server.terminate()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=None)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--polls", type=int, default=50)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("SQLite:")
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.db", None, args.cases, args.polls)
    if args.pg:
        from sqlalchemy import create_engine, text

        schema = f"bench_{uuid4().hex[:10]}"
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        print("PostgreSQL:")
        try:
            url = f"{args.pg}?options=-csearch_path%3D{schema}&application_name={APP_NAME}"
            run(url, args.pg, args.cases, args.polls)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
