"""/engine-rest/user and /engine-rest/group: the staff register (执法人员名录) as Camunda's identity service
shows it — active users (``UserProfileDto``: the name as ``firstName``; no e-mail is kept) and the groups
they are in (``GroupDto``, type ``WORKFLOW``). Read-only: people are managed with ``sanxiang users``."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint
from flask.typing import ResponseReturnValue

from engine.camunda_rest.queries.in_memory import count_rows, select_rows
from engine.camunda_rest.routes.request import ctx, listing_of
from engine.camunda_rest.wire.params import Filters
from engine.kernel.json_types import JsonObject, JsonValue
from engine.people.staff import staff_register

identity = Blueprint("identity", __name__)

USER_FILTERS = Filters(
    params={
        "id": ("id", "eq"),
        "idIn": ("id", "in"),
        "firstName": ("name", "eq"),
        "firstNameLike": ("name", "like"),
        "memberOfGroup": ("groups", "has"),
        "withoutTenantId": ("tenant", "always"),
    },
    sorts={"userId": "id", "firstName": "name"},
)
GROUP_FILTERS = Filters(
    params={
        "id": ("id", "eq"),
        "idIn": ("id", "in"),
        "name": ("name", "eq"),
        "nameLike": ("name", "like"),
        "type": ("type", "eq"),
        "member": ("members", "has"),
    },
    sorts={"id": "id", "name": "name", "type": "type"},
)


def _users() -> list[JsonObject]:
    return [{"id": e.user_id, "name": e.name, "groups": e.groups} for e in staff_register(ctx()) if e.active]


def _groups() -> list[JsonObject]:
    members: dict[str, list[str]] = {}
    for user in _users():
        for group in user["groups"]:
            members.setdefault(group, []).append(user["id"])
    return [{"id": g, "name": g, "type": "WORKFLOW", "members": m} for g, m in sorted(members.items())]


def _user(row: Mapping[str, JsonValue]) -> JsonObject:
    return {"id": row["id"], "firstName": row["name"], "lastName": "", "email": None}


def _group(row: Mapping[str, JsonValue]) -> JsonObject:
    return {"id": row["id"], "name": row["name"], "type": row["type"]}


@identity.get("/user")
def users() -> ResponseReturnValue:
    return [_user(row) for row in select_rows(_users(), listing_of(USER_FILTERS), "id")]


@identity.get("/user/count")
def count_users() -> ResponseReturnValue:
    return {"count": count_rows(_users(), listing_of(USER_FILTERS, counting=True))}


@identity.get("/group")
def groups() -> ResponseReturnValue:
    return [_group(row) for row in select_rows(_groups(), listing_of(GROUP_FILTERS), "id")]


@identity.get("/group/count")
def count_groups() -> ResponseReturnValue:
    return {"count": count_rows(_groups(), listing_of(GROUP_FILTERS, counting=True))}
