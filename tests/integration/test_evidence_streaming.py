"""A 500 MB upload through a real HTTP server raises the server's peak memory by less than 50 MB.

The server runs in its own process (werkzeug, as ``sanxiang serve`` would run the same app); its peak
resident set (VmHWM in /proc/<pid>/status) is read after a small warm-up upload and after the big one.
The client generates the file as it sends it: a real MP4 header, then zeros.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from engine.config import Settings
from engine.kernel.context import AppContext
from tests.integration.evidence_cases import case_at_on_site
from tests.support import ROOT

SIZE = 500 * 1024 * 1024
CHUNK = 1024 * 1024
BUDGET = 50 * 1024 * 1024


@pytest.fixture
def server(ctx: AppContext, settings: Settings) -> Iterator[tuple[int, int]]:
    env = {
        **os.environ,
        "SANXIANG_DATABASE_URL": settings.database_url,
        "SANXIANG_VAR_DIR": str(settings.var_dir),
        "SANXIANG_SCHEDULER": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.evidence_server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield process.pid, port
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(settings.evidence_root, ignore_errors=True)  # 500 MB of test data, not evidence


def peak_rss(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def video_stream(size: int, digest: Any) -> Iterator[bytes]:
    header = (
        struct.pack(">I", 24) + b"ftypisom\x00\x00\x02\x00isommp41" + struct.pack(">I", size - 24) + b"mdat"
    )
    digest.update(header)
    yield header
    left, zeros = size - len(header), bytes(CHUNK)
    while left:
        chunk = zeros[: min(CHUNK, left)]
        digest.update(chunk)
        left -= len(chunk)
        yield chunk


BOUNDARY = "sanxiang-evidence-boundary"


def framed(size: int, digest: Any, multipart: bool) -> tuple[dict[str, str], int, Iterator[bytes]]:
    """Headers, body length and body chunks: the raw file, or the file as one multipart part."""
    if not multipart:
        return {"Content-Type": "video/mp4", "X-Filename": "site.mp4"}, size, video_stream(size, digest)
    opening = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="coversWhole"\r\n\r\ntrue\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="site.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    closing = f"\r\n--{BOUNDARY}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield opening
        yield from video_stream(size, digest)
        yield closing

    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    return headers, len(opening) + size + len(closing), chunks()


def upload(
    port: int, case_id: str, task_id: str, size: int, multipart: bool
) -> tuple[int, dict[str, Any], str]:
    digest = hashlib.sha256()
    headers, length, body = framed(size, digest, multipart)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", f"/api/v1/cases/{case_id}/evidence?task={task_id}")
    for name, value in {
        **headers,
        "Authorization": "Bearer demo-zhao",
        "Content-Length": str(length),
    }.items():
        connection.putheader(name, value)
    connection.endheaders()
    for chunk in body:
        connection.send(chunk)
    response = connection.getresponse()
    answer = json.loads(response.read())
    connection.close()
    return response.status, answer, digest.hexdigest()


@pytest.mark.parametrize("multipart", [False, True], ids=["raw-body", "multipart"])
def test_a_500_mb_upload_raises_peak_memory_by_less_than_50_mb(
    ctx: AppContext, server: tuple[int, int], multipart: bool
) -> None:
    pid, port = server
    case_id, task = case_at_on_site(ctx)
    status, _, _ = upload(port, case_id, task.id, 64 * 1024, multipart)  # warm-up: every module loaded
    assert status == 201
    before = peak_rss(pid)
    status, body, sha = upload(port, case_id, task.id, SIZE, multipart)
    after = peak_rss(pid)
    assert status == 201, body
    assert (body["sha256"], body["size"], body["kind"], body["covers_whole"]) == (
        sha,
        SIZE,
        "video",
        multipart,
    )
    print(
        f"\n{'multipart' if multipart else 'raw body'}: peak RSS before {before / 2**20:.1f} MiB, after "
        f"{after / 2**20:.1f} MiB, increase {(after - before) / 2**20:.1f} MiB "
        f"for a {SIZE / 2**20:.0f} MiB upload"
    )
    assert after - before < BUDGET
