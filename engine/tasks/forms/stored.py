"""A deployed form read back from the database: the one reader of ``FormRow.body``.

Forms are checked when deployed (UTF-8, valid JSON, a byte-order mark removed: SX-X010/SX-X011), but a
version stored before those checks may start with a byte-order mark, and a row changed by hand may hold
anything. The mark is skipped; anything else that is not a JSON object raises ``DefinitionUnreadable``
with what to do, which the task page shows in place of the form (never a server error).
"""

from __future__ import annotations

import json

from engine.errors import DefinitionUnreadable
from engine.kernel.json_types import JsonObject
from engine.kernel.ports import FormRow

BOM = "\ufeff"


def form_definition(row: FormRow) -> JsonObject:
    """The form-js JSON object of a deployed form version."""
    text = row.body[len(BOM) :] if row.body.startswith(BOM) else row.body
    try:
        definition = json.loads(text)
    except (ValueError, RecursionError):
        definition = None
    if not isinstance(definition, dict):
        raise DefinitionUnreadable(
            f"已部署的表单“{row.form_id}”（第 {row.version} 版）无法读取，任务暂时不能填写；"
            "请流程设计人员用 Camunda Modeler 重新保存并部署该表单与流程",
            f"The deployed form '{row.form_id}' (version {row.version}) cannot be read, so the task cannot "
            "be filled in for now; a process designer must save it again from Camunda Modeler and deploy "
            "the form and the process again",
            code="form-unreadable",
            details={"form": row.form_id, "version": row.version},
        )
    return definition
