"""The production server (gunicorn) on a seeded database, for the API fuzzer (``scripts/fuzz-api``).

    python -m tests.fuzz.seeded_server DATABASE_URL VAR_DIR PORT

Seeds what a bureau's database holds after a few days, through the API as people would: the shipped
processes and forms (all rules), the demo users, cases at several steps (a fresh application, one at
legal review, one decided with its disclosure pending and a query code issued, one withdrawn), evidence,
a draft, an outbound webhook subscription and its events. Then serves until it is stopped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from engine.app import create_app
from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.demo import ensure_demo_users
from engine.server import serve
from engine.store.migrate import upgrade
from tests.integration import disclosure_driver as drive
from tests.integration.form_data import form_data
from tests.support import auth

INBOUND_SECRET = "whsec_" + "c2FueGlhbmctZnV6ei1pbmJvdW5kLXNlY3JldA=="  # the inbound routes answer, refusing


def seed(client: Any) -> None:
    drive.deploy_shipped(client, drive.PROCESS, "construction_planning_permit")
    drive.open_case(client)  # waiting for acceptance
    at_review = drive.open_case(client)
    drive.accept(client, at_review)
    drive.review_and_propose(client, at_review)  # waiting for the decision
    task = drive.waiting(client, at_review)[0]
    _ok(client.put(f"/api/v1/tasks/{task['id']}/draft", json={"data": {}}, headers=auth("sun")))
    decided = drive.case_to_disclosure(client)  # decided, delivered, disclosure pending
    drive.issue_code(client, decided)
    withdrawn = drive.open_case(client)
    _ok(
        client.post(
            f"/api/v1/cases/{withdrawn}/withdraw", json={"reason": "申请人书面申请撤回"}, headers=auth("wang")
        )
    )
    _ok(
        client.post(
            "/api/v1/webhooks/subscriptions",
            headers=auth("admin"),
            json={"url": "http://127.0.0.1:9/hooks", "eventTypes": ["*"]},
        )
    )
    drive.complete(
        client,
        at_review,
        drive.waiting(client, at_review)[0]["element_id"],
        "sun",
        form_data("decision", licenceValidUntil="2031-11-26"),
    )


def fuzz_config(client: Any) -> str:
    """schemathesis.toml: the seeded ids as dictionaries, so that most generated paths name real cases,
    tasks, disclosures, events, files (the rest stay random: 404s are tested too)."""

    def listed(path: str) -> list[Any]:
        response = client.get(path, headers=auth("admin"))
        _ok(response)
        return list(response.get_json())

    tasks = [
        t
        for status in ("ready", "completed", "cancelled")
        for t in listed(f"/api/v1/tasks?scope=all&status={status}&limit=500")
    ]
    cases = sorted({t["case_id"] for t in tasks})
    values = {
        "case_id": cases,
        "task_id": [t["id"] for t in tasks],
        "disclosure_id": [d["id"] for d in listed("/api/v1/disclosures?limit=500")],
        "event_id": [e["id"] for e in listed("/api/v1/webhooks/events?limit=500")],
        "subscription_id": [s["id"] for s in listed("/api/v1/webhooks/subscriptions")],
        "sha256": [e["sha256"] for case in cases for e in listed(f"/api/v1/cases/{case}/evidence")],
    }
    lines = []
    for name, found in values.items():
        if found:
            lines += [f"[dictionaries.{name}]", f"values = {json.dumps(found)}", ""]
    lines.append("[parameters]")
    lines += [
        f'"path.{name}" = {{ dictionary = "{name}", probability = 0.8 }}'
        for name, found in values.items()
        if found
    ]
    return "\n".join(lines) + "\n"


def _ok(response: Any) -> None:
    assert response.status_code in (200, 201, 204), (response.status_code, response.get_data(as_text=True))


def main() -> None:
    url, var_dir, port = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    ctx = bootstrap(
        Settings(
            database_url=url,
            var_dir=var_dir,
            secret_key="fuzz",
            password_hash_profile="test",
            scheduler=False,
            webhook_allow=("127.0.0.0/8",),
            inbound_secret=INBOUND_SECRET,
        )
    )
    upgrade(ctx.database)
    ensure_demo_users(ctx)
    app = create_app(ctx)
    client = app.test_client()
    seed(client)
    (var_dir / "schemathesis.toml").write_text(fuzz_config(client), "utf-8")
    print(f"seeded; serving on 127.0.0.1:{port}", flush=True)
    serve(app, "127.0.0.1", port, database=ctx.database, accesslog=None)


if __name__ == "__main__":
    main()
