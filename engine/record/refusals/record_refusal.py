"""Every refused attempt on a case is on that case's record — one mechanism for every use case.

A use case that acts on a case is wrapped in ``@refusals_on_record("<attempt>")``. When it raises
``NotAllowed`` (403: the actor may not, or — ``ProcedureViolation`` — the law forbids it now), its own
transaction has rolled back; the refusal is then appended to the case's record **in a transaction of
its own**: who (actor, their role on the task), through which channel (``Actor.channel``: api, pages,
console, engine-rest, cli), what was attempted (the attempt, task, element, and the arguments the use
case names in ``keep``), why (both messages) and the code. Then the refusal is raised on unchanged.

- Nothing is recorded for a case or task that does not exist (the caller gets 404), nor for input
  errors (400), state races (409) or engine failures (``step.failed``, ``step_failures``).
- Per actor and case the entries are bounded (``engine.record.refusals.rules``): the first
  ``Settings.refusals_per_window`` of a window are appended, later ones counted; one
  ``refusals.suppressed`` entry says how many when the window is over (``close_refusal_windows``,
  a scheduler job, or the actor's next refusal on the case). The caller's answer is the same either way.
- Failing to record never hides the refusal itself (it is logged, and the refusal raised).

The entry's action is ``<attempt>-refused`` (e.g. ``case.withdraw-refused``); a refused completion keeps
the names the law's words give it: ``decision.refused``, ``review.refused``, else ``task.refused``.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from engine.cases.save_step import jsonable
from engine.errors import NotAllowed
from engine.kernel.json_types import JsonValue
from engine.kernel.ports import Actor, RecordDraft, TaskRow, UnitOfWork
from engine.record.append import record
from engine.record.refusals.rules import (
    ATTEMPTS,
    SUMMARY,
    Bound,
    RefusalWindow,
    count_refusal,
    refused_action,
    summary_of,
)

if TYPE_CHECKING:
    from engine.kernel.context import AppContext

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

# (unit of work, the use case's arguments) -> (case id, task) of an existing case, or None
Locate = Callable[[UnitOfWork, Mapping[str, JsonValue]], tuple[str, TaskRow | None] | None]


def by_task(uow: UnitOfWork, args: Mapping[str, JsonValue]) -> tuple[str, TaskRow | None] | None:
    task: TaskRow | None = uow.tasks.get(str(args["task_id"]))
    return (task.case_id, task) if task is not None else None


def by_case(uow: UnitOfWork, args: Mapping[str, JsonValue]) -> tuple[str, TaskRow | None] | None:
    case_id = str(args["case_id"])
    return (case_id, None) if uow.cases.get(case_id) is not None else None


def bound_of(ctx: AppContext) -> Bound:
    settings = ctx.settings
    return Bound(limit=settings.refusals_per_window, span=timedelta(seconds=settings.refusal_window_seconds))


def _locator(
    use_case: Callable[..., Any], attempt: str, locate: Locate | None, keep: Mapping[str, str]
) -> Locate:
    """How to find the case the use case acts on; refuses at import a use case the mechanism cannot serve."""
    names = set(inspect.signature(use_case).parameters)
    where = locate or (by_task if "task_id" in names else by_case if "case_id" in names else None)
    if attempt not in ATTEMPTS or not {"ctx", "actor", *keep.values()} <= names or where is None:
        raise TypeError(f"{use_case.__qualname__}: needs a known attempt, ctx, actor, a case or task")
    return where


def refusals_on_record(
    attempt: str, *, locate: Locate | None = None, keep: Mapping[str, str] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Record every ``NotAllowed`` the use case raises on the case it acts on (see the module's text).

    The use case takes ``ctx`` and ``actor``, and ``task_id`` or ``case_id`` (else give ``locate``);
    ``keep`` maps payload keys to the names of arguments worth keeping (e.g. ``{"data": "data"}``)."""
    kept_names = dict(keep or {})

    def wrap(use_case: Callable[P, R]) -> Callable[P, R]:
        where, signature = _locator(use_case, attempt, locate, kept_names), inspect.signature(use_case)

        @functools.wraps(use_case)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return use_case(*args, **kwargs)
            except NotAllowed as refusal:
                given = signature.bind(*args, **kwargs)
                given.apply_defaults()
                values = given.arguments
                kept = {key: values[name] for key, name in kept_names.items()}
                record_refusal(
                    values["ctx"], values["actor"], attempt, refusal, lambda uow: where(uow, values), kept
                )
                raise

        run.refusal_attempt = attempt  # type: ignore[attr-defined]
        return run

    return wrap


def record_refusal(
    ctx: AppContext,
    actor: Actor,
    attempt: str,
    refusal: NotAllowed,
    locate: Callable[[UnitOfWork], tuple[str, TaskRow | None] | None],
    kept: Mapping[str, JsonValue],
) -> None:
    """Append the refusal (or count it, past the bound) in a transaction of its own."""
    try:
        with ctx.uow() as uow:
            found = locate(uow)
            if found is None:
                return
            case_id, task = found
            now = ctx.clock()
            counted = count_refusal(
                uow.refusals.lock(case_id, actor.user_id, now),
                now,
                bound_of(ctx),
                f"{attempt} {refusal.code}",
            )
            if counted.closed is not None:
                _summarise(ctx, uow, case_id, actor.user_id, counted.closed)
            if counted.record:
                record(ctx, uow, _entry(actor, attempt, refusal, case_id, task, kept), now)
            uow.refusals.save(case_id, actor.user_id, counted.window)
            uow.commit()
    except Exception:  # never hide the refusal behind a failure to record it
        log.exception("could not record the refusal %s of %s (%s)", refusal.code, actor.user_id, attempt)


def _entry(
    actor: Actor,
    attempt: str,
    refusal: NotAllowed,
    case_id: str,
    task: TaskRow | None,
    kept: Mapping[str, JsonValue],
) -> RecordDraft:
    payload = jsonable(
        {
            "attempt": attempt,
            "channel": actor.channel or "direct",
            "code": refusal.code,
            "reason_zh": refusal.message_zh,
            "reason_en": refusal.message_en,
            "details": refusal.details,
            **kept,
        }
    )
    return RecordDraft(
        action=refused_action(attempt, task.role if task else None),
        actor=actor.user_id,
        actor_role=(task.role or "") if task else "",
        case_id=case_id,
        task_id=task.id if task else None,
        element_id=task.element_id if task else None,
        payload=payload,
    )


def _summarise(ctx: AppContext, uow: UnitOfWork, case_id: str, actor: str, window: RefusalWindow) -> None:
    record(
        ctx,
        uow,
        RecordDraft(action=SUMMARY, actor=actor, case_id=case_id, payload=summary_of(window, bound_of(ctx))),
        ctx.clock(),
    )


def close_refusal_windows(ctx: AppContext) -> int:
    """The scheduler's job: summarise every window that is over and had refusals only counted; drop
    every window that is over. Returns how many summaries were appended."""
    bound, now = bound_of(ctx), ctx.clock()
    summaries = 0
    with ctx.uow() as uow:
        for case_id, actor, window in uow.refusals.started_before(now - bound.span):
            if window.suppressed:
                _summarise(ctx, uow, case_id, actor, window)
                summaries += 1
            uow.refusals.drop(case_id, actor)
        uow.commit()
    return summaries
