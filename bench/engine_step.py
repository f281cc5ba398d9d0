"""Per-step cost of Sanxiang against stock SpiffWorkflow, and a real server's throughput.

Run by hand:  .venv/bin/python bench/engine_step.py [--pg URL] [--quick]

Prints, in one run:
 (a) stock SpiffWorkflow naive round trip (load JSON, complete a task, save JSON) per step;
 (b) our complete_task through the Flask test client with a real DB commit, per step (SQLite, PostgreSQL);
 (c) the ratio b/a;
 (d) our per-step time after 1, 10, 100 and 500 return-for-correction loops, and 100-loop/1-loop;
 (e) a real server (gunicorn, one worker) driven over HTTP by one client through a process of five
     sequential user tasks: median and p95 per completion, complete cases per second;
 (f) a 5-signer parallel multi-instance task (会签, ``bench_five_signers.bpmn``): per signer's completion
     (the first four, and the fifth, which also ends the body and opens the next task), against (b)'s
     ordinary single user task step measured in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIX = ROOT / "bench" / "fixtures"
TESTS = ROOT / "tests" / "fixtures"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1e3:.3f} ms, p95 {p95(values) * 1e3:.3f} ms (n={len(values)})"
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


# -- (a) stock -----------------------------------------------------------------------------------
def stock_round_trip(cases: int) -> list[float]:
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.camunda.parser import CamundaParser
    from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG
    from SpiffWorkflow.util.task import TaskState

    parser = CamundaParser()
    parser.add_bpmn_file(str(FIX / "bench_five_steps.bpmn"))
    spec = parser.get_spec("bench_five_steps")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    times = []
    for _ in range(cases):
        wf = BpmnWorkflow(spec)
        wf.do_engine_steps()
        state = serializer.serialize_json(wf)
        for step in range(5):
            started = time.perf_counter()
            wf = serializer.deserialize_json(state)
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update({"opinion": f"同意 {step}", "score": step, "ok": True})
            task.run()
            wf.do_engine_steps()
            state = serializer.serialize_json(wf)
            times.append(time.perf_counter() - started)
    return times


# -- (b), (d): our service through the Flask test client ------------------------------------------
class Harness:
    def __init__(self, url: str) -> None:
        from engine.app import create_app
        from engine.bootstrap import bootstrap
        from engine.config import Settings
        from engine.demo import ensure_demo_users
        from engine.kernel.ports import Actor
        from engine.processes.deploy import deploy
        from engine.store.migrate import upgrade

        self.ctx = bootstrap(Settings(database_url=url), rules="dialect")
        upgrade(self.ctx.database)
        ensure_demo_users(self.ctx)
        files = [
            (p.name, p.read_bytes())
            for p in (
                FIX / "bench-form.form",
                FIX / "bench_five_steps.bpmn",
                FIX / "bench_five_signers.bpmn",
                TESTS / "test-acceptance.form",
                TESTS / "test-review.form",
                TESTS / "c7_review.bpmn",
            )
        ]
        deploy(self.ctx, files, Actor("admin", frozenset({"designer"})))
        with self.ctx.uow() as uow:  # the five signers of (f), with API tokens
            for signer in SIGNERS:
                uow.users.upsert(signer, signer, [], self.ctx.clock())
                if uow.users.token(f"demo-{signer}") is None:
                    uow.users.add_token(signer, f"demo-{signer}", "bench", self.ctx.clock())
            uow.commit()
        self.client = create_app(self.ctx).test_client()

    def open(self, process: str, **variables: Any) -> str:
        r = self.client.post(
            "/api/v1/cases",
            json={"process": process, "variables": {"applicant": "张三", **variables}},
            headers={"Authorization": "Bearer demo-wang"},
        )
        return str(r.get_json()["id"])

    def ready(self, case_id: str) -> tuple[str, str]:
        with self.ctx.uow(readonly=True) as uow:
            task = uow.tasks.for_case(case_id, status="ready")[0]
        return task.id, task.element_id

    def complete(self, task_id: str, user: str, variables: dict[str, Any]) -> float:
        started = time.perf_counter()
        r = self.client.post(
            f"/api/v1/tasks/{task_id}/complete",
            json={"variables": variables},
            headers={"Authorization": f"Bearer demo-{user}"},
        )
        elapsed = time.perf_counter() - started
        assert r.status_code == 200, r.get_json()
        return elapsed


SIGNERS = tuple(f"signer_{i}" for i in range(1, 6))
USER = {
    "Task_1": "wang",
    "Task_2": "zhao",
    "Task_3": "zhao",
    "Task_4": "sun",
    "Task_5": "wang",
    "Task_Apply": "wang",
    "Task_Review": "qian",
    "Task_Approve": "sun",
}


def ours_per_step(h: Harness, cases: int) -> list[float]:
    times = []
    for _ in range(cases):
        case_id = h.open("bench_five_steps")
        for step in range(5):
            task_id, element = h.ready(case_id)
            times.append(
                h.complete(task_id, USER[element], {"opinion": f"同意 {step}", "score": step, "ok": True})
            )
    return times


def five_signers(h: Harness, cases: int) -> tuple[list[float], list[float], list[float]]:
    """Per completion of an instance of the 5-signer parallel body — the first four, and the fifth (which also
    ends the body and opens the next task) — and, interleaved case by case so that both see the same load,
    per ordinary step of ``bench_five_steps``."""
    first_four, fifth, ordinary = [], [], []
    for _ in range(cases):
        ordinary += ours_per_step(h, 1)
        case_id = h.open("bench_five_signers", signers=list(SIGNERS))
        task_id, _element = h.ready(case_id)
        h.complete(task_id, "wang", {"opinion": "受理", "score": 1, "ok": True})
        with h.ctx.uow(readonly=True) as uow:
            tasks = {t.assignee: t.id for t in uow.tasks.for_case(case_id, status="ready")}
        for n, signer in enumerate(SIGNERS):
            took = h.complete(tasks[signer], signer, {"opinion": f"{signer} 同意", "score": n, "ok": True})
            (fifth if n == 4 else first_four).append(took)
        task_id, element = h.ready(case_id)
        assert element == "Task_5"
        h.complete(task_id, "wang", {"opinion": "归档", "score": 5, "ok": True})
    return first_four, fifth, ordinary


def loops(h: Harness, marks: list[int], window: int) -> dict[int, list[float]]:
    """One case looping Apply → Review(return); per-step times measured in a window after each mark."""
    case_id = h.open("c7_review")
    results: dict[int, list[float]] = {}
    done = 0
    for mark in marks:
        while done < mark:
            for element_vars in ({"amount": 5000, "major": True}, {"result": "return"}):
                task_id, element = h.ready(case_id)
                h.complete(task_id, USER[element], element_vars)
            done += 1
        sample = []
        for _ in range(window):
            for element_vars in ({"amount": 5000, "major": True}, {"result": "return"}):
                task_id, element = h.ready(case_id)
                sample.append(h.complete(task_id, USER[element], element_vars))
            done += 1
        results[mark] = sample
    return results


# -- (e): a real server ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def real_server(url: str, cases: int) -> tuple[list[float], float]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "serve_for_bench.py"), url, str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        conn = _wait(port)
        completion, started = [], time.perf_counter()
        for _ in range(cases):
            case = _call(
                conn, "POST", "/api/v1/cases", {"process": "bench_five_steps", "variables": {}}, "wang"
            )
            for step in range(5):
                tasks = _call(
                    conn, "GET", f"/api/v1/tasks?case={case['id']}&scope=all", None, USER[f"Task_{step + 1}"]
                )
                t0 = time.perf_counter()
                _call(
                    conn,
                    "POST",
                    f"/api/v1/tasks/{tasks[0]['id']}/complete",
                    {"variables": {"opinion": "同意", "score": step, "ok": True}},
                    USER[f"Task_{step + 1}"],
                )
                completion.append(time.perf_counter() - t0)
        return completion, cases / (time.perf_counter() - started)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait(port: int) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/healthz")
            if conn.getresponse().read() and True:
                return conn
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _call(conn: http.client.HTTPConnection, method: str, path: str, body: Any, user: str) -> Any:
    headers = {"Authorization": f"Bearer demo-{user}", "Content-Type": "application/json"}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=PG_DEFAULT, help="PostgreSQL URL ('' to skip)")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 20 if args.quick else 100
    stock = stock_round_trip(n)
    print(f"(a) stock SpiffWorkflow naive round trip per step: {ms(stock)}")
    backends = {"SQLite": f"sqlite:///{tempfile.mkdtemp(prefix='sanxiang-bench-')}/bench.db"}
    if args.pg:
        backends["PostgreSQL"] = _fresh_pg(args.pg)
    for name, url in backends.items():
        h = Harness(url)
        ours = ours_per_step(h, n)
        ratio = statistics.median(ours) / statistics.median(stock)
        print(f"(b) ours, complete_task via Flask test client + commit, {name}: {ms(ours)}")
        print(f"(c) ratio b/a ({name}): {ratio:.2f}")
        first_four, fifth, interleaved = five_signers(h, n)
        ordinary = statistics.median(interleaved)
        print(
            f"(f) 5-signer parallel multi-instance, {name}: signers 1-4 {ms(first_four)}; signer 5 (ends the "
            f"body) {ms(fifth)}; an ordinary step interleaved with them {ms(interleaved)}; ratios "
            f"{statistics.median(first_four) / ordinary:.2f} and {statistics.median(fifth) / ordinary:.2f}"
        )
        marks = [1, 10, 100, 500]
        per_loop = loops(h, marks, window=5 if args.quick else 20)
        for mark in marks:
            print(f"(d) {name} after {mark:>3} loops: {ms(per_loop[mark])}")
        print(
            f"(d) {name} ratio 100-loop/1-loop: "
            f"{statistics.median(per_loop[100]) / statistics.median(per_loop[1]):.2f}; "
            f"500-loop/1-loop: {statistics.median(per_loop[500]) / statistics.median(per_loop[1]):.2f}"
        )
        h.ctx.database.dispose()
    for name in backends:
        real_url = (
            f"sqlite:///{tempfile.mkdtemp(prefix='sanxiang-bench-')}/real.db"
            if name == "SQLite"
            else _fresh_pg(args.pg)
        )
        completion, rate = real_server(real_url, 20 if args.quick else 100)
        print(
            f"(e) real server (gunicorn, 1 worker), {name}: per completion {ms(completion)}; "
            f"{rate:.1f} complete cases/s"
        )


def _fresh_pg(url: str) -> str:
    from uuid import uuid4

    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid4().hex[:8]}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


if __name__ == "__main__":
    main()
