"""Test doubles that are real things: a clock you move, paths to shared fixtures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"


class MovableClock:
    """The injected clock: tests move time, never sleep."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{user}"}
