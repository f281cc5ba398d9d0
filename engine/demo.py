"""Demo users for the quick start: the people of the journeys, with API tokens to try the API.

Their passwords and tokens are published (README, ``sanxiang up``): only ``sanxiang up`` creates them,
never ``serve``, and both warn while any of them can still get in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.kernel.context import AppContext
from engine.people.staff import hasher


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    name: str
    groups: tuple[str, ...]
    register: dict[str, str] = field(default_factory=dict)  # the staff register line (post, department…)

    @property
    def token(self) -> str:
        return f"demo-{self.user_id}"

    @property
    def password(self) -> str:
        return f"{self.user_id}-demo"


DEMO_USERS = (
    DemoUser(
        "wang",
        "王窗口（窗口受理）",
        ("window-clerk",),
        {"post": "窗口受理员", "department": "政务服务科", "window": "综合受理3号窗口"},
    ),
    DemoUser(
        "zhao",
        "赵承办（承办人）",
        ("handler",),
        {
            "post": "审批科员",
            "department": "市场准入审批科",
            "certificate_no": "鲁执37010220240017",
            "certificate_issuer": "济南市人民政府",
            "certificate_valid_until": "2029-12-31",
        },
    ),
    DemoUser(
        "feng",
        "冯执法（承办人）",
        ("handler",),  # the second inspector of a co-signed on-site check
        {
            "post": "审批科员",
            "department": "社会事务审批科",
            "certificate_no": "鲁执37010220240023",
            "certificate_issuer": "济南市人民政府",
            "certificate_valid_until": "2029-12-31",
        },
    ),
    DemoUser(
        "qian", "钱法审（法制审核）", ("legal-reviewer",), {"post": "法制审核员", "department": "法制审核科"}
    ),
    DemoUser("sun", "孙局长（负责人）", ("approver",), {"post": "局长", "department": "局领导"}),
    DemoUser("zhou", "周督查（督查室）", ("supervisor",), {"post": "督查专员", "department": "督查室"}),
    DemoUser("li", "李设计（流程设计）", ("designer",), {"post": "信息化专员", "department": "信息化科"}),
    DemoUser("admin", "管理员", ("admin", "designer", "supervisor"), {"department": "信息化科"}),
)


def _register_values(user: DemoUser) -> dict[str, str | date | None]:
    values: dict[str, str | date | None] = dict(user.register)
    until = user.register.get("certificate_valid_until")
    values["certificate_valid_until"] = date.fromisoformat(until) if until else None
    return values


def ensure_demo_users(ctx: AppContext) -> list[DemoUser]:
    """Create (or refresh) the demo users, their tokens, register lines and passwords; idempotent. A demo
    user an administrator disabled stays disabled, a revoked demo token stays revoked."""
    now = ctx.clock()
    with ctx.uow() as uow:
        people: Any = uow.people
        for user in DEMO_USERS:
            uow.users.upsert(user.user_id, user.name, list(user.groups), now)
            if uow.users.token(user.token) is None:  # a revoked demo token stays revoked
                uow.users.add_token(user.user_id, user.token, "demo", now)
            people.put_staff(user.user_id, now, **_register_values(user))
            if people.password_hash(user.user_id) is None:
                people.set_password(
                    user.user_id, hasher(ctx.settings.password_hash_profile).hash(user.password), now
                )
        uow.commit()
    return list(DEMO_USERS)


def open_demo_users(ctx: AppContext) -> list[DemoUser]:
    """The demo users who can still get in with a published secret: active, with a valid demo token or
    the demo password (checked with the configured hash: about 0.15 s a user in production)."""
    from engine.people.staff import verify_password
    from engine.people.tokens import token_actor

    found = []
    for user in DEMO_USERS:
        if token_actor(ctx, user.token) is not None:
            found.append(user)
            continue
        with ctx.uow(readonly=True) as uow:
            active = uow.users.get(user.user_id) is not None
            stored = uow.people.password_hash(user.user_id) if active else None
        if stored is not None and verify_password(ctx, stored, user.password):
            found.append(user)
    return found
