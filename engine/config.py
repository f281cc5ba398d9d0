"""Settings: one frozen object, read from the environment only by the entry points."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///var/sanxiang.db"
    var_dir: Path = Path("var")
    processes_dir: Path = Path("processes")
    forms_dir: Path = Path("forms")
    host: str = "127.0.0.1"
    port: int = 8400
    secret_key: str = field(default="", repr=False)
    max_upload_bytes: int = 2 * 1024**3
    max_diagram_bytes: int = 10 * 1024**2
    yellow_days: int = 3
    scheduler: bool = True
    language: str = "zh"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    var_dir = Path(env.get("SANXIANG_VAR_DIR", "var"))
    return Settings(
        database_url=env.get("SANXIANG_DATABASE_URL", f"sqlite:///{var_dir / 'sanxiang.db'}"),
        var_dir=var_dir,
        processes_dir=Path(env.get("SANXIANG_PROCESSES_DIR", "processes")),
        forms_dir=Path(env.get("SANXIANG_FORMS_DIR", "forms")),
        host=env.get("SANXIANG_HOST", "127.0.0.1"),
        port=int(env.get("SANXIANG_PORT", "8400")),
        secret_key=env.get("SANXIANG_SECRET_KEY", ""),
        max_upload_bytes=int(env.get("SANXIANG_MAX_UPLOAD_BYTES", str(2 * 1024**3))),
        yellow_days=int(env.get("SANXIANG_YELLOW_DAYS", "3")),
        scheduler=env.get("SANXIANG_SCHEDULER", "1") not in ("0", "false", "no"),
        language=env.get("SANXIANG_LANGUAGE", "zh"),
    )
