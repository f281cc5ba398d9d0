"""Issue 13, item 7, through the real HTTP server on real small filesystems: a full or read-only disk broke
evidence uploads for good (the partial file stayed in the staging folder, abort raised again, the upload
answered 500, and every later upload failed until someone emptied the folder by hand).

Now: the staging file is removed on every failure; a full store answers 507 and a read-only one 503, each
a problem body in Chinese and English; nothing is recorded; the next upload works as soon as there is
space (or the store is writable) again. The store is a 1 MiB tmpfs mounted for each test (we are root),
unmounted by the fixture whatever the test did.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from engine.config import Settings
from engine.kernel.context import AppContext
from tests.conftest import make_context
from tests.integration.evidence_cases import case_at_on_site, mp4_bytes
from tests.integration.live_server import serving
from tests.support import MovableClock, auth

MiB = 1024 * 1024


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs; unmounted afterwards (lazily if something still holds it), never left behind."""
    mount = tmp_path / "evidence"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=True)
        assert not os.path.ismount(mount)


@pytest.fixture
def live(settings: Settings, clock: MovableClock, small_disk: Path) -> Iterator[tuple[str, AppContext, str]]:
    ctx = make_context(settings.with_(evidence_dir=small_disk), clock, rules="dialect")
    case_id, _task = case_at_on_site(ctx)
    with serving(ctx) as base:
        yield base, ctx, case_id
    ctx.database.dispose()


def upload(base: str, case_id: str, video: bytes, *, multipart: bool = False) -> tuple[int, dict[str, Any]]:
    url, headers = f"{base}/api/v1/cases/{case_id}/evidence", auth("zhao")
    if multipart:
        response = requests.post(
            url, files={"file": ("现场.mp4", video, "video/mp4")}, headers=headers, timeout=60
        )
    else:
        response = requests.post(
            url,
            data=video,
            timeout=60,
            headers={**headers, "X-Filename": "onsite.mp4", "Content-Type": "video/mp4"},
        )
    return response.status_code, response.json()


def video(size: int, seed: bytes) -> bytes:
    return mp4_bytes(hashlib.sha256(seed).digest() * (size // 32))


def staged(disk: Path) -> list[Path]:
    return list((disk / ".incoming").glob("*")) if (disk / ".incoming").exists() else []


def kept(ctx: AppContext, case_id: str) -> tuple[list[str], list[str]]:
    """The case's evidence rows and its evidence.added record entries."""
    with ctx.uow(readonly=True) as uow:
        rows = [row.sha256 for row in uow.evidence.for_case(case_id)]
        entries = [
            e.content.evidence[0]
            for e in uow.records.for_case(case_id)
            if e.content.action == "evidence.added"
        ]
    return rows, entries


def free_bytes(disk: Path) -> int:
    info = os.statvfs(disk)
    return info.f_bavail * info.f_frsize


@pytest.mark.parametrize("multipart", [False, True], ids=["raw body", "multipart"])
def test_a_full_disk_answers_507_keeps_nothing_and_the_next_upload_works(
    live: tuple[str, AppContext, str], small_disk: Path, multipart: bool
) -> None:
    base, ctx, case_id = live
    status, problem = upload(base, case_id, video(int(1.5 * MiB), b"too big"), multipart=multipart)
    assert (status, problem["code"], problem["status"]) == (507, "evidence-storage-full", 507)
    assert "空间已满" in problem["detail_zh"] and "full" in problem["detail_en"]
    assert staged(small_disk) == [] and kept(ctx, case_id) == ([], [])
    assert free_bytes(small_disk) > 0.9 * MiB  # the partial file is gone: space is back
    small = video(64 * 1024, b"fits")
    status, body = upload(base, case_id, small, multipart=multipart)
    assert status == 201, body
    assert kept(ctx, case_id) == ([body["sha256"]], [body["sha256"]])


def test_uploads_work_again_as_soon_as_space_is_freed(
    live: tuple[str, AppContext, str], small_disk: Path
) -> None:
    base, ctx, case_id = live
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (free_bytes(small_disk) - 16 * 1024))  # someone else filled the disk
    for attempt in (b"first", b"second"):
        status, problem = upload(base, case_id, video(200 * 1024, attempt))
        assert (status, problem["code"]) == (507, "evidence-storage-full")
        assert staged(small_disk) == []
    filler.unlink()
    status, body = upload(base, case_id, video(200 * 1024, b"second"))
    assert status == 201, body
    assert kept(ctx, case_id) == ([body["sha256"]], [body["sha256"]])


def test_a_read_only_store_answers_503_and_uploads_resume_when_it_is_writable(
    live: tuple[str, AppContext, str], small_disk: Path
) -> None:
    base, ctx, case_id = live
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        status, problem = upload(base, case_id, video(10 * 1024, b"read-only"))
        assert (status, problem["code"], problem["status"]) == (503, "evidence-storage-unavailable", 503)
        assert "只读" in problem["detail_zh"] and "read-only" in problem["detail_en"]
        assert kept(ctx, case_id) == ([], [])
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    status, body = upload(base, case_id, video(10 * 1024, b"read-only"))
    assert status == 201, body
    assert staged(small_disk) == [] and kept(ctx, case_id) == ([body["sha256"]], [body["sha256"]])
