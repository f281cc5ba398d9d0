"""What each ``sanxiang`` command declares it needs (docs/permissions.md, "The CLI").

The CLI is run by an operator who holds the database and the files, so it cannot be refused the way a
web caller is. A command that acts through a use case acts as the user it names (``--as-user``) with
the groups of the permission it declares here, and the use case checks that permission and records
any refusal on the case like on every other channel (``Actor.channel`` = "cli"). ``OPERATOR`` marks
commands that act on no case and as no user (schema, serving, checks, the staff register, API tokens,
the security log).
``tests/integration/test_route_permissions.py`` compares this table with the command tree and the docs.
"""

from __future__ import annotations

from engine.people.permissions import Permission

OPERATOR = "operator"

COMMANDS: dict[str, str] = {
    "audit export-head": OPERATOR,
    "audit public-key": OPERATOR,
    "audit sign-head": OPERATOR,
    "audit verify": OPERATOR,
    "calendar add-workdays": Permission.CALENDAR_MANAGE.value,
    "calendar close": Permission.CALENDAR_MANAGE.value,
    "calendar is-workday": OPERATOR,
    "calendar load": Permission.CALENDAR_MANAGE.value,
    "case correct": Permission.CASE_CORRECT.value,
    "case export": Permission.CASE_READ.value,
    "case verify-export": OPERATOR,
    "db upgrade": OPERATOR,
    "deploy": Permission.PROCESS_DEPLOY.value,
    "lint": OPERATOR,
    "render": OPERATOR,
    "scheduler": OPERATOR,
    "serve": OPERATOR,
    "tokens add": OPERATOR,
    "tokens list": OPERATOR,
    "tokens revoke": OPERATOR,
    "up": OPERATOR,
    "users add": OPERATOR,
    "users disable": OPERATOR,
    "users enable": OPERATOR,
    "users list": OPERATOR,
    "users log": OPERATOR,
    "webhooks add": Permission.WEBHOOKS_MANAGE.value,
    "webhooks deliver": OPERATOR,
    "webhooks list": Permission.WEBHOOKS_MANAGE.value,
    "webhooks remove": Permission.WEBHOOKS_MANAGE.value,
    "webhooks replay": Permission.WEBHOOKS_MANAGE.value,
}
