"""Settings: one frozen object, read from the environment only by the entry points."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from engine.errors import NotConfigured
from engine.kernel.budgets import DEFAULT_BUDGET, EvaluationBudget
from engine.record.head_policy import DEFAULT_EVERY_ENTRIES, DEFAULT_EVERY_MINUTES
from engine.tasks.forms.limits import DEFAULT_FORM_LIMITS, FormLimits

# What evidence uploads may be (detected from the bytes, never from the name); "type/*" allows a family.
DEFAULT_EVIDENCE_TYPES: tuple[str, ...] = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/tiff",
    "image/heic",
    "image/bmp",
    "audio/*",
    "video/*",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/rtf",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)


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
    password_hash_profile: str = "default"  # argon2 cost: "default"; "test" is cheap (tests only)
    signing_key_path: Path | None = None  # None: <var_dir>/keys/records-ed25519.pem (made on first use)
    head_every_entries: int = DEFAULT_EVERY_ENTRIES  # sign the record's head at least every N entries …
    head_every_minutes: int = DEFAULT_EVERY_MINUTES  # … or M minutes (engine.record.head_policy)
    evidence_dir: Path | None = None  # None: <var_dir>/evidence
    evidence_types: tuple[str, ...] = DEFAULT_EVIDENCE_TYPES
    webhook_allow: tuple[str, ...] = ()  # outbound targets re-admitted (e.g. "127.0.0.0/8")
    webhook_timeout: float = 10.0  # seconds per connect / read of one delivery
    webhook_max_attempts: int = 10  # then the event is dead (a supervisor may replay it)
    webhook_lease_seconds: int = 120  # a claimed event returns to the queue if its node dies
    inbound_secret: str = field(default="", repr=False)  # whsec_… shared with the provincial platform
    inbound_tolerance_seconds: int = 300  # accepted age of an inbound webhook-timestamp
    expected_default: str = "3"  # a step's expected time without sanxiang.expected: working days, or "4h"
    unclaimed_limit: str = "3"  # a task nobody claimed for this long is stuck (working days, or "8h")
    timer_lag_seconds: int = 60  # a due timer not fired this long after its time is stuck
    metrics_token: str = field(default="", repr=False)  # /metrics: Bearer token; empty = loopback only
    budget: EvaluationBudget = DEFAULT_BUDGET  # what a diagram may cost: engine.kernel.budgets
    form_limits: FormLimits = DEFAULT_FORM_LIMITS  # how large a form may be: engine.tasks.forms.limits
    secure_cookies: bool = False  # the session cookie only over HTTPS (Secure, named __Host-…)
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto are believed
    security_log_days: int = 180  # logins, failures, logouts kept this long (≥ 6 months: 网络安全法 第21条)
    security_log_max_rows: int = 1_000_000  # and never more rows than this (the oldest go first)
    refusals_per_window: int = 10  # refusals of one actor on one case recorded one by one per window …
    refusal_window_seconds: int = 600  # … of this length; further ones are counted, then summarised

    @property
    def signing_key_file(self) -> Path:
        return self.signing_key_path or self.var_dir / "keys" / "records-ed25519.pem"

    @property
    def evidence_root(self) -> Path:
        return self.evidence_dir or self.var_dir / "evidence"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no", "off")


def project_dir(start: Path) -> Path | None:
    """The nearest folder from ``start`` upward that holds Sanxiang's ``pyproject.toml`` (the checkout)."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        try:
            if (
                candidate.is_file()
                and tomllib.loads(candidate.read_text("utf-8")).get("project", {}).get("name") == "sanxiang"
            ):
                return folder
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
    return None


NO_PROJECT_ZH = (
    "这里不是 Sanxiang 项目目录，也没有设置 SANXIANG_VAR_DIR：不知道数据库和密钥在哪里。"
    "请在项目目录（scripts/up 所在处）中运行，或设置 SANXIANG_VAR_DIR（以及 PostgreSQL 的 "
    "SANXIANG_DATABASE_URL）"
)
NO_PROJECT_EN = (
    "Not inside a Sanxiang project and SANXIANG_VAR_DIR is not set: there is no database or key "
    "folder to use. Run from the project (where scripts/up is), or set SANXIANG_VAR_DIR (and "
    "SANXIANG_DATABASE_URL for PostgreSQL)"
)


def var_dir_from(env: Mapping[str, str], cwd: Path) -> tuple[Path, Path | None]:
    """``SANXIANG_VAR_DIR``, else the project's ``var/``; never a new ``var/`` wherever one happens to be."""
    root = project_dir(cwd.resolve())
    if env.get("SANXIANG_VAR_DIR"):
        return Path(env["SANXIANG_VAR_DIR"]), root
    if root is None:
        raise NotConfigured(NO_PROJECT_ZH, NO_PROJECT_EN, code="no-project")
    return root / "var", root


def from_env(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """The settings of the environment; raises NotConfigured outside a project without SANXIANG_VAR_DIR."""
    env = os.environ if env is None else env
    var_dir, root = var_dir_from(env, cwd or Path.cwd())
    home = root or Path()
    return Settings(
        database_url=env.get("SANXIANG_DATABASE_URL", f"sqlite:///{var_dir / 'sanxiang.db'}"),
        var_dir=var_dir,
        processes_dir=Path(env.get("SANXIANG_PROCESSES_DIR", home / "processes")),
        forms_dir=Path(env.get("SANXIANG_FORMS_DIR", home / "forms")),
        host=env.get("SANXIANG_HOST", "127.0.0.1"),
        port=int(env.get("SANXIANG_PORT", "8400")),
        secret_key=env.get("SANXIANG_SECRET_KEY", ""),
        max_upload_bytes=int(env.get("SANXIANG_MAX_UPLOAD_BYTES", str(2 * 1024**3))),
        yellow_days=int(env.get("SANXIANG_YELLOW_DAYS", "3")),
        scheduler=env.get("SANXIANG_SCHEDULER", "1") not in ("0", "false", "no"),
        language=env.get("SANXIANG_LANGUAGE", "zh"),
        password_hash_profile=env.get("SANXIANG_PASSWORD_HASH_PROFILE", "default"),
        signing_key_path=Path(env["SANXIANG_SIGNING_KEY"]) if env.get("SANXIANG_SIGNING_KEY") else None,
        head_every_entries=int(env.get("SANXIANG_HEAD_EVERY_ENTRIES", str(DEFAULT_EVERY_ENTRIES))),
        head_every_minutes=int(env.get("SANXIANG_HEAD_EVERY_MINUTES", str(DEFAULT_EVERY_MINUTES))),
        evidence_dir=Path(env["SANXIANG_EVIDENCE_DIR"]) if env.get("SANXIANG_EVIDENCE_DIR") else None,
        evidence_types=tuple(t.strip() for t in env["SANXIANG_EVIDENCE_TYPES"].split(",") if t.strip())
        if env.get("SANXIANG_EVIDENCE_TYPES")
        else DEFAULT_EVIDENCE_TYPES,
        webhook_allow=tuple(a.strip() for a in env.get("SANXIANG_WEBHOOK_ALLOW", "").split(",") if a.strip()),
        webhook_timeout=float(env.get("SANXIANG_WEBHOOK_TIMEOUT", "10")),
        webhook_max_attempts=int(env.get("SANXIANG_WEBHOOK_MAX_ATTEMPTS", "10")),
        webhook_lease_seconds=int(env.get("SANXIANG_WEBHOOK_LEASE_SECONDS", "120")),
        inbound_secret=env.get("SANXIANG_INBOUND_SECRET", ""),
        inbound_tolerance_seconds=int(env.get("SANXIANG_INBOUND_TOLERANCE_SECONDS", "300")),
        expected_default=env.get("SANXIANG_EXPECTED_DEFAULT", "3"),
        unclaimed_limit=env.get("SANXIANG_UNCLAIMED_LIMIT", "3"),
        timer_lag_seconds=int(env.get("SANXIANG_TIMER_LAG_SECONDS", "60")),
        metrics_token=env.get("SANXIANG_METRICS_TOKEN", ""),
        budget=budget_from_env(env),
        form_limits=form_limits_from_env(env),
        secure_cookies=_flag(env.get("SANXIANG_SECURE_COOKIES", "0")),
        trusted_proxies=int(env.get("SANXIANG_TRUSTED_PROXIES", "0")),
        security_log_days=_positive(env, "SANXIANG_SECURITY_LOG_DAYS", 180),
        security_log_max_rows=_positive(env, "SANXIANG_SECURITY_LOG_MAX_ROWS", 1_000_000),
        refusals_per_window=_positive(env, "SANXIANG_REFUSALS_PER_WINDOW", 10),
        refusal_window_seconds=_positive(env, "SANXIANG_REFUSAL_WINDOW_SECONDS", 600),
    )


Number = TypeVar("Number", int, float)


def budget_from_env(env: Mapping[str, str]) -> EvaluationBudget:
    """The evaluation budget (meanings and defaults: ``engine.kernel.budgets``); a setting left empty keeps
    its default, a setting that is not a positive number stops the start-up rather than being ignored."""
    d = DEFAULT_BUDGET
    return EvaluationBudget(
        operations=_positive(env, "SANXIANG_BUDGET_OPERATIONS", d.operations),
        seconds=_positive(env, "SANXIANG_BUDGET_SECONDS", d.seconds),
        value_size=_positive(env, "SANXIANG_BUDGET_VALUE_SIZE", d.value_size),
        state_bytes=_positive(env, "SANXIANG_BUDGET_STATE_BYTES", d.state_bytes),
        step_tasks=_positive(env, "SANXIANG_BUDGET_STEP_TASKS", d.step_tasks),
        step_seconds=_positive(env, "SANXIANG_BUDGET_STEP_SECONDS", d.step_seconds),
        timer_min_cycle_seconds=_positive(env, "SANXIANG_TIMER_MIN_CYCLE_SECONDS", d.timer_min_cycle_seconds),
        timer_max_cycles=_positive(env, "SANXIANG_TIMER_MAX_CYCLES", d.timer_max_cycles),
    )


def form_limits_from_env(env: Mapping[str, str]) -> FormLimits:
    """The size and component limits of a deployed form (``engine.tasks.forms.limits``)."""
    d = DEFAULT_FORM_LIMITS
    return FormLimits(
        max_bytes=_positive(env, "SANXIANG_MAX_FORM_BYTES", d.max_bytes),
        max_components=_positive(env, "SANXIANG_MAX_FORM_COMPONENTS", d.max_components),
    )


def _positive(env: Mapping[str, str], name: str, default: Number) -> Number:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = type(default)(text)
    except ValueError:
        raise ValueError(f"{name} must be a positive number, not {text!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {text!r}")
    return value
