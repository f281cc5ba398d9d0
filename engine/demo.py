"""Demo users for the quick start: the people of the journeys, with API tokens to try the API."""

from __future__ import annotations

from dataclasses import dataclass

from engine.services.context import AppContext


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    name: str
    groups: tuple[str, ...]

    @property
    def token(self) -> str:
        return f"demo-{self.user_id}"


DEMO_USERS = (
    DemoUser("wang", "王窗口（窗口受理）", ("window-clerk",)),
    DemoUser("zhao", "赵承办（承办人）", ("handler",)),
    DemoUser("qian", "钱法审（法制审核）", ("legal-reviewer",)),
    DemoUser("sun", "孙局长（负责人）", ("approver",)),
    DemoUser("zhou", "周督查（督查室）", ("supervisor",)),
    DemoUser("li", "李设计（流程设计）", ("designer",)),
    DemoUser("admin", "管理员", ("admin", "designer", "supervisor")),
)


def ensure_demo_users(ctx: AppContext) -> list[DemoUser]:
    """Create (or refresh) the demo users and their tokens; idempotent."""
    now = ctx.clock()
    with ctx.uow() as uow:
        for user in DEMO_USERS:
            uow.users.upsert(user.user_id, user.name, list(user.groups), now)
            if uow.users.by_token(user.token) is None:
                uow.users.add_token(user.user_id, user.token, "demo", now)
        uow.commit()
    return list(DEMO_USERS)
