"""The test servers in subprocesses (``rest_nodes``): a port taken between choosing and binding it."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from engine.config import Settings
from tests.conftest import make_context
from tests.integration import rest_nodes
from tests.integration.engine_rest_live import staff
from tests.support import MovableClock, auth


def test_a_server_whose_port_was_taken_meanwhile_starts_on_another(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = make_context(settings, MovableClock(datetime.now(UTC)))
    staff(ctx, "bank", "征信系统", "integration")
    with socket.socket() as taken:  # somebody else listens on the first port the helper chooses
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = int(taken.getsockname()[1])
        chosen = iter([busy])
        free = rest_nodes.free_port
        monkeypatch.setattr(rest_nodes, "free_port", lambda: next(chosen, None) or free())
        process, url = rest_nodes.start_ready(settings, tmp_path / "server.log")
        try:
            assert not url.endswith(f":{busy}")
            assert requests.get(f"{url}/engine-rest/version", headers=auth("bank"), timeout=5).ok
            assert "Address already in use" in (tmp_path / "server-0.log").read_text(errors="replace")
        finally:
            rest_nodes.stop(process)
    ctx.database.dispose()
