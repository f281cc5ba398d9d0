"""Every job the scheduler runs is wired and runs against a real database without error."""

from __future__ import annotations

from engine.kernel.context import AppContext
from engine.scheduler import JOBS
from tests.integration.api_driver import REVIEW_FILES, deploy, open_case


def test_the_periodic_jobs_of_every_area_are_registered() -> None:
    names = {job.func.__name__ for job in JOBS}
    assert {"scan_for_alerts", "deliver_outbox", "publish_due_disclosures", "export_signed_head"} <= names


def test_each_job_runs_once_on_a_live_database(ctx: AppContext, client) -> None:  # type: ignore[no-untyped-def]
    deploy(client, *REVIEW_FILES)
    open_case(client)
    for job in JOBS:
        job.func(ctx)
    exported = [p for p in (ctx.settings.var_dir / "heads").glob("*.json")]
    assert len(exported) == 1
