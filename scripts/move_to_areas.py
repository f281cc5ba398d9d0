"""Issue #12 stage A: move the engine from layers-first (domain/services/store/web) to areas.

    python scripts/move_to_areas.py --move      git mv every module below, then rewrite references
    python scripts/move_to_areas.py --rewrite   only rewrite references (for a branch made before the
                                                move: after rebasing, run it to carry its imports over)

The table MOVES is the record of where every module went. Rewriting covers dotted module names
(imports, strings), ``from engine.services import a, b`` lines (split per new home) and slashed paths
(docs, tests, pyproject).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MOVES: dict[str, str] = {
    # domain/ -> the area that owns each rule
    "engine/domain/budgets.py": "engine/kernel/budgets.py",
    "engine/domain/deadlines.py": "engine/deadlines/rules.py",
    "engine/domain/established_facts.py": "engine/review/fact_rules.py",
    "engine/domain/form_conditions.py": "engine/tasks/forms/conditions.py",
    "engine/domain/form_patterns.py": "engine/tasks/forms/patterns.py",
    "engine/domain/form_rules.py": "engine/tasks/forms/field_checks.py",
    "engine/domain/form_schema.py": "engine/tasks/forms/schema.py",
    "engine/domain/global_links.py": "engine/record/global_links.py",
    "engine/domain/head_policy.py": "engine/record/head_policy.py",
    "engine/domain/head_signature.py": "engine/record/head_signature.py",
    "engine/domain/identity.py": "cnid/__init__.py",  # shared with webhooks
    "engine/domain/legal_review.py": "engine/review/rules.py",
    "engine/domain/login_throttle.py": "engine/people/rules.py",
    "engine/domain/record_chain.py": "engine/record/chain.py",
    "engine/domain/redaction.py": "engine/disclosure/redaction.py",
    "engine/domain/refusals.py": "engine/record/refusals/rules.py",
    "engine/domain/separation_of_duties.py": "engine/review/separation_of_duties.py",
    "engine/domain/workdays.py": "engine/kernel/workdays.py",
    # services/ -> use cases of each area
    "engine/services/audit.py": "engine/record/verify.py",
    "engine/services/calendar.py": "engine/deadlines/calendar.py",
    "engine/services/case_console.py": "engine/supervision/case_view.py",
    "engine/services/case_file.py": "engine/record/casefile/export.py",
    "engine/services/case_handlers.py": "engine/review/handlers.py",
    "engine/services/case_moves.py": "engine/cases/moves.py",
    "engine/services/cases.py": "engine/cases/opening.py",
    "engine/services/catalogue.py": "engine/review/catalogue.py",
    "engine/services/certificates.py": "engine/people/certificates.py",
    "engine/services/context.py": "engine/kernel/context.py",
    "engine/services/deadline_clock.py": "engine/deadlines/clock.py",
    "engine/services/deadline_requests.py": "engine/deadlines/requests.py",
    "engine/services/deadlines.py": "engine/deadlines/tracking.py",
    "engine/services/deploy.py": "engine/processes/deploy.py",
    "engine/services/disclosure_draft.py": "engine/disclosure/draft.py",
    "engine/services/disclosure_rows.py": "engine/disclosure/rows.py",
    "engine/services/disclosures.py": "engine/disclosure/publish.py",
    "engine/services/drafts.py": "engine/tasks/drafts.py",
    "engine/services/engine_rest.py": "engine/camunda_rest/reads.py",
    "engine/services/established.py": "engine/review/facts.py",
    "engine/services/evidence.py": "engine/record/evidence/receive.py",
    "engine/services/evidence_rules.py": "engine/record/evidence/rules.py",
    "engine/services/expected_time.py": "engine/supervision/expected_time.py",
    "engine/services/fact_corrections.py": "engine/review/corrections.py",
    "engine/services/form_validation.py": "engine/tasks/forms/validation.py",
    "engine/services/inbound.py": "engine/integration/inbound.py",
    "engine/services/legal_review.py": "engine/review/gate.py",
    "engine/services/login.py": "engine/people/login.py",
    "engine/services/metrics.py": "engine/supervision/metrics.py",
    "engine/services/migration.py": "engine/processes/migrate_versions.py",
    "engine/services/outbox.py": "engine/integration/outbox.py",
    "engine/services/people.py": "engine/people/staff.py",
    "engine/services/people_rows.py": "engine/people/rows.py",
    "engine/services/permissions.py": "engine/people/permissions.py",
    "engine/services/portal.py": "engine/disclosure/portal/reads.py",
    "engine/services/ports.py": "engine/kernel/ports.py",
    "engine/services/query_codes.py": "engine/disclosure/query_codes.py",
    "engine/services/record_heads.py": "engine/record/heads.py",
    "engine/services/recording.py": "engine/record/append.py",
    "engine/services/refusals.py": "engine/record/refusals/record_refusal.py",
    "engine/services/signing_key.py": "engine/record/signing_key.py",
    "engine/services/statistics.py": "engine/disclosure/statistics.py",
    "engine/services/step_failures.py": "engine/cases/step_failures.py",
    "engine/services/steps.py": "engine/cases/save_step.py",
    "engine/services/subscriptions.py": "engine/integration/subscriptions.py",
    "engine/services/supervision.py": "engine/supervision/dashboard.py",
    "engine/services/supervision_access.py": "engine/supervision/access.py",
    "engine/services/supervision_actions.py": "engine/supervision/actions.py",
    "engine/services/supervision_detect.py": "engine/supervision/detect.py",
    "engine/services/supervision_rows.py": "engine/supervision/rows.py",
    "engine/services/task_actions.py": "engine/tasks/actions.py",
    "engine/services/tasks.py": "engine/tasks/claim_and_complete.py",
    "engine/services/timer_ports.py": "engine/deadlines/rows.py",
    "engine/services/timers.py": "engine/deadlines/timers.py",
    "engine/services/tokens.py": "engine/people/tokens.py",
    "engine/services/webhook_delivery.py": "engine/integration/delivery.py",
    "engine/services/webhook_ports.py": "engine/integration/rows.py",
    "engine/services/work.py": "engine/tasks/work_view.py",
    # store/ keeps database, unit of work, migrations and the tables; repositories go to their areas
    "engine/store/disclosures.py": "engine/disclosure/store.py",
    "engine/store/drafts.py": "engine/tasks/drafts_store.py",
    "engine/store/engine_rest.py": "engine/camunda_rest/store.py",
    "engine/store/evidence.py": "engine/record/evidence/store.py",
    "engine/store/heads.py": "engine/record/heads_store.py",
    "engine/store/outbox.py": "engine/integration/outbox_store.py",
    "engine/store/people.py": "engine/people/store.py",
    "engine/store/records.py": "engine/record/store.py",
    "engine/store/refusals.py": "engine/record/refusals/store.py",
    "engine/store/repositories.py": "engine/cases/store.py",
    "engine/store/security_log.py": "engine/people/security_log_store.py",
    "engine/store/supervision.py": "engine/supervision/store.py",
    "engine/store/timers.py": "engine/deadlines/store.py",
    "engine/store/users.py": "engine/people/users_store.py",
    "engine/store/webhooks.py": "engine/integration/store.py",
    "engine/store/worklist.py": "engine/tasks/worklist_store.py",
    # web/ keeps what every area shares; each area's routes move home
    "engine/web/api.py": "engine/cases/api.py",
    "engine/web/console": "engine/supervision/console",
    "engine/web/console_api.py": "engine/supervision/api.py",
    "engine/web/corrections_api.py": "engine/review/api.py",
    "engine/web/deadlines.py": "engine/deadlines/api.py",
    "engine/web/disclosures_api.py": "engine/disclosure/api.py",
    "engine/web/drafts.py": "engine/tasks/drafts_api.py",
    "engine/web/engine_rest.py": "engine/camunda_rest/api.py",
    "engine/web/engine_rest_auth.py": "engine/camunda_rest/auth.py",
    "engine/web/engine_rest_deployments.py": "engine/camunda_rest/deployments.py",
    "engine/web/engine_rest_errors.py": "engine/camunda_rest/errors.py",
    "engine/web/engine_rest_json.py": "engine/camunda_rest/json_shapes.py",
    "engine/web/engine_rest_processes.py": "engine/camunda_rest/processes.py",
    "engine/web/engine_rest_request.py": "engine/camunda_rest/request.py",
    "engine/web/engine_rest_tasks.py": "engine/camunda_rest/tasks.py",
    "engine/web/engine_rest_variables.py": "engine/camunda_rest/variables.py",
    "engine/web/evidence.py": "engine/record/evidence/api.py",
    "engine/web/inbound.py": "engine/integration/inbound_api.py",
    "engine/web/metrics.py": "engine/supervision/metrics_api.py",
    "engine/web/pages": "engine/tasks/pages",
    "engine/web/portal": "engine/disclosure/portal",
    "engine/web/task_actions_api.py": "engine/tasks/actions_api.py",
    "engine/web/webhooks_api.py": "engine/integration/api.py",
    "engine/web/app.py": "engine/app.py",
    # evidence/ and casefile/ are parts of the record
    "engine/evidence": "engine/record/evidence",
    "engine/casefile": "engine/record/casefile",
    # names that said nothing
    "engine/record/casefile/model.py": "engine/record/casefile/contents.py",
    "engine/record/evidence/model.py": "engine/record/evidence/rows.py",
    "engine/diagram/model.py": "engine/diagram/drawing.py",
    "engine/diagram/names.py": "engine/diagram/captions.py",
    "engine/diagram/text.py": "engine/diagram/text_wrap.py",
    "engine/compliance/model.py": "engine/compliance/bpmn_document.py",
    # issue #14: the technical libraries split into subpackages (no folder over 15 modules)
    "engine/camunda_rest/auth.py": "engine/camunda_rest/routes/auth.py",
    "engine/camunda_rest/definition_files.py": "engine/camunda_rest/routes/definition_files.py",
    "engine/camunda_rest/deployments.py": "engine/camunda_rest/routes/deployments.py",
    "engine/camunda_rest/events.py": "engine/camunda_rest/routes/events.py",
    "engine/camunda_rest/history.py": "engine/camunda_rest/routes/history.py",
    "engine/camunda_rest/identity.py": "engine/camunda_rest/routes/identity.py",
    "engine/camunda_rest/instances.py": "engine/camunda_rest/routes/instances.py",
    "engine/camunda_rest/processes.py": "engine/camunda_rest/routes/processes.py",
    "engine/camunda_rest/request.py": "engine/camunda_rest/routes/request.py",
    "engine/camunda_rest/task_actions.py": "engine/camunda_rest/routes/task_actions.py",
    "engine/camunda_rest/tasks.py": "engine/camunda_rest/routes/tasks.py",
    "engine/camunda_rest/errors.py": "engine/camunda_rest/wire/errors.py",
    "engine/camunda_rest/json_shapes.py": "engine/camunda_rest/wire/json_shapes.py",
    "engine/camunda_rest/params.py": "engine/camunda_rest/wire/params.py",
    "engine/camunda_rest/variables.py": "engine/camunda_rest/wire/variables.py",
    "engine/camunda_rest/history_shapes.py": "engine/camunda_rest/wire/history_shapes.py",
    "engine/camunda_rest/reads.py": "engine/camunda_rest/queries/reads.py",
    "engine/camunda_rest/store.py": "engine/camunda_rest/queries/store.py",
    "engine/camunda_rest/sql_filters.py": "engine/camunda_rest/queries/sql_filters.py",
    "engine/camunda_rest/in_memory.py": "engine/camunda_rest/queries/in_memory.py",
    "engine/camunda_rest/history_derived.py": "engine/camunda_rest/queries/history_derived.py",
    "engine/camunda_rest/history_reads.py": "engine/camunda_rest/queries/history_reads.py",
    "engine/camunda_rest/history_store.py": "engine/camunda_rest/queries/history_store.py",
    "engine/compliance/budget_rules.py": "engine/compliance/dialect/budget.py",
    "engine/compliance/dialect_code.py": "engine/compliance/dialect/code.py",
    "engine/compliance/dialect_forms.py": "engine/compliance/dialect/forms.py",
    "engine/compliance/dialect_listeners.py": "engine/compliance/dialect/listeners.py",
    "engine/compliance/dialect_multi_instance.py": "engine/compliance/dialect/multi_instance.py",
    "engine/compliance/dialect_structure.py": "engine/compliance/dialect/structure.py",
    "engine/compliance/dialect_tasks.py": "engine/compliance/dialect/tasks.py",
    "engine/compliance/expressions.py": "engine/compliance/dialect/expressions.py",
    "engine/compliance/xmlsafe.py": "engine/compliance/document/xmlsafe.py",
    "engine/compliance/namespaces.py": "engine/compliance/document/namespaces.py",
    "engine/compliance/bpmn_document.py": "engine/compliance/document/bpmn_document.py",
    "engine/compliance/graph.py": "engine/compliance/document/graph.py",
    "engine/runner/attribute_text.py": "engine/runner/user_tasks/attribute_text.py",
    "engine/runner/instances.py": "engine/runner/user_tasks/instances.py",
    "engine/runner/loop_expressions.py": "engine/runner/user_tasks/loop_expressions.py",
    "engine/runner/multi_instance.py": "engine/runner/user_tasks/multi_instance.py",
    "engine/runner/task_attributes.py": "engine/runner/user_tasks/task_attributes.py",
    "engine/runner/task_creation.py": "engine/runner/user_tasks/task_creation.py",
    "engine/runner/calendar_sources.py": "engine/runner/timekeeping/calendar_sources.py",
    "engine/runner/clock.py": "engine/runner/timekeeping/clock.py",
    "engine/runner/workday_functions.py": "engine/runner/timekeeping/workday_functions.py",
    "engine/runner/expressions/juel.py": "engine/runner/expressions/el/juel.py",
    "engine/runner/expressions/juel_tokens.py": "engine/runner/expressions/el/tokens.py",
    "engine/runner/expressions/el_coercion.py": "engine/runner/expressions/el/coercion.py",
    "engine/runner/expressions/el_operations.py": "engine/runner/expressions/el/operations.py",
    "engine/runner/expressions/nodes.py": "engine/runner/expressions/el/nodes.py",
}
GONE = ["engine/domain/__init__.py", "engine/services/__init__.py"]

AREA_DOCS: dict[str, str] = {
    "kernel": "What every area shares: typed ports, the context, the bureau (time zone, working days), "
    "budgets.",
    "cases": "Cases: open one, run a step and save it, move it, its tables' repositories, the case API.",
    "processes": "Deployed processes: deploy diagrams and forms, migrate live cases to a newer version.",
    "tasks": "Tasks: inbox, claim, complete, approval actions, drafts, forms, the work pages.",
    "review": "Legal review (法制审核) of major decisions: checklist, catalogue, gate, established facts.",
    "deadlines": "Deadlines of the Administrative Licensing Law: rules, calendar, tracking, due timers.",
    "disclosure": "Publication of decisions (公示): the rule, redaction, publishing, query codes, "
    "statistics, portal.",
    "record": "The whole-process record (全过程记录): chains, appending, heads, verification, evidence, "
    "case file.",
    "record/refusals": "Refused attempts on a case, on that case's record: the bound, the recording, "
    "the windows.",
    "supervision": "The supervisor console (督查台): detection, actions, the case view, metrics.",
    "people": "People and access: the register, login, tokens, sessions, permissions, certificates.",
    "integration": "Webhooks both ways: the outbox, delivery, subscriptions, inbound applications.",
    "camunda_rest": "/engine-rest: the subset of Camunda 7's REST API for Modeler and Camunda clients.",
    "tasks/forms": "Camunda Forms on the server: the schema, field checks, conditions, patterns, validation.",
    "camunda_rest/routes": "/engine-rest's routes, one module per Camunda resource, and "
    "what every handler reads.",
    "camunda_rest/wire": "Camunda 7's JSON on the wire: errors, dates and ids, typed "
    "variables, query parameters, history DTOs.",
    "camunda_rest/queries": "What /engine-rest reads that the other areas do not: the "
    "queries, listings, derived histories.",
    "compliance/dialect": "Dialect rules: what of Camunda 7 the runtime supports, and "
    "what a diagram would cost it.",
    "compliance/document": "A BPMN file read safely: hardened XML, namespaces, the "
    "read-only document, the flow graph.",
    "runner/user_tasks": "User tasks: attributes resolved at creation, multi-instance "
    "bodies (会签/或签/票签), instances.",
    "runner/timekeeping": "Time as the runner sees it: the injected clock, holiday "
    "calendars, working-day functions.",
    "runner/expressions/el": "JUEL (EL 2.2) as Camunda 7 runs it: tokens, translation, "
    "nodes, coercion, operations.",
}

TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".sh", ".html", ".json", ".yml", ".yaml", ""}


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if (ROOT / line).is_file()]


def module_map() -> dict[str, str]:
    """Old dotted module -> new dotted module, for every moved module and package."""
    return {_dotted(old): _dotted(new) for old, new in MOVES.items()}


def path_map() -> dict[str, str]:
    return {old.removesuffix(".py"): new.removesuffix(".py") for old, new in MOVES.items()}


def _dotted(path: str) -> str:
    return path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _longest_prefix(name: str, table: dict[str, str]) -> str | None:
    """The new name of ``name`` (a module, or something inside one), following chained moves."""
    result = None
    for _ in range(3):
        parts = (result or name).split(".")
        for cut in range(len(parts), 0, -1):
            head = ".".join(parts[:cut])
            if head in table:
                result = ".".join([table[head], *parts[cut:]])
                break
        else:
            return result
    return result


FROM_IMPORT = re.compile(
    r"^(?P<indent>\s*)from (?P<pkg>engine(?:\.\w+)*) import (?P<names>[^()\n#]+?)(?P<tail>\s*#.*)?$",
    re.MULTILINE,
)
DOTTED = re.compile(r"(?<![\w/.])engine(?:\.\w+)+")
SLASHED = re.compile(r"(?<![\w.])engine(?:/\w+)+(?:\.py)?")


def split_from_imports(text: str, modules: dict[str, str]) -> str:
    """``from engine.services import cases, tasks as t`` -> one line per new home of each submodule."""

    def rewrite(match: re.Match[str]) -> str:
        pkg, indent, tail = match["pkg"], match["indent"], match["tail"] or ""
        moved, kept = [], []
        for entry in (n.strip() for n in match["names"].split(",") if n.strip()):
            name, _, alias = (part.strip() for part in entry.partition(" as "))
            if f"{pkg}.{name}" not in modules:
                kept.append(entry)
                continue
            parent, _, leaf = (_longest_prefix(f"{pkg}.{name}", modules) or "").rpartition(".")
            moved.append((parent, leaf, alias or (name if leaf != name else "")))
        if not moved:
            return match.group(0)
        lines = [f"{indent}from {pkg} import {', '.join(kept)}{tail}"] if kept else []
        for parent, leaf, alias in moved:
            as_alias = f" as {alias}" if alias else ""
            lines.append(
                f"{indent}from {parent} import {leaf}{as_alias}"
                if parent
                else f"{indent}import {leaf}{as_alias}"
            )
        return "\n".join(lines)

    def one_line(match: re.Match[str]) -> str:
        """``from engine.x import (\n a,\n b,\n)`` on one line when one of them moved (``ruff format``
        wraps it)."""
        names = [n.strip() for n in match["names"].split(",") if n.strip()]
        if not any(f"{match['pkg']}.{n.partition(' as ')[0].strip()}" in modules for n in names):
            return match.group(0)
        return f"{match['indent']}from {match['pkg']} import {', '.join(names)}"

    return FROM_IMPORT.sub(rewrite, PARENTHESIZED_IMPORT.sub(one_line, text))


PARENTHESIZED_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)from (?P<pkg>engine(?:\.\w+)*) import \((?P<names>[^()#]*)\)[ \t]*$", re.MULTILINE
)


def rewrite_text(text: str, modules: dict[str, str], paths: dict[str, str]) -> str:
    text = split_from_imports(text, modules)
    text = DOTTED.sub(lambda m: _longest_prefix(m.group(0), modules) or m.group(0), text)

    def slashed(match: re.Match[str]) -> str:
        raw = match.group(0)
        suffix = ".py" if raw.endswith(".py") else ""
        moved = _longest_prefix(
            raw.removesuffix(".py").replace("/", "."),
            {k.replace("/", "."): v.replace("/", ".") for k, v in paths.items()},
        )
        return moved.replace(".", "/") + suffix if moved else raw

    return SLASHED.sub(slashed, text)


def expand_file_moves() -> list[tuple[str, str]]:
    """Every file (old, new), with folder moves expanded and later renames applied."""
    files = [str(p.relative_to(ROOT)) for p in tracked_files()]
    result = []
    for path in files:
        new = path
        for old, target in MOVES.items():
            if new == old:
                new = target
            elif new.startswith(old + "/"):
                new = target + new[len(old) :]
        if new != path:
            result.append((path, new))
    return result


def move() -> None:
    for path in (p for p in GONE if (ROOT / p).exists()):
        subprocess.run(["git", "rm", "-q", path], cwd=ROOT, check=True)
    for old, new in expand_file_moves():
        (ROOT / new).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "mv", old, new], cwd=ROOT, check=True)
    for area, doc in AREA_DOCS.items():
        init = ROOT / "engine" / area / "__init__.py"
        if not init.exists():
            init.write_text(f'"""{doc}"""\n', encoding="utf-8")
            subprocess.run(["git", "add", str(init)], cwd=ROOT, check=True)


def rewrite() -> None:
    modules, paths = module_map(), path_map()
    for path in tracked_files():
        if (
            path.suffix not in TEXT_SUFFIXES
            or "node_modules" in path.parts
            or path.name == "move_to_areas.py"
        ):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = rewrite_text(text, modules, paths)
        if new != text:
            path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    if "--move" in sys.argv:
        move()
    rewrite()
