"""What a deployed process is: an approval item (审批事项, the default) or a called procedure (被调用程序).

A designer marks a procedure on the process, as Camunda Modeler writes it (General → Extension properties):
``<camunda:property name="sanxiang.kind" value="procedure" />``. A procedure (e.g. 送达 service_delivery) runs
only as the child case of a call activity: it is not an item of the public list, cannot be started by itself,
is not counted in the statistics, and must not hold a decision (the calling item holds the decision and its
legal review). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

KIND_PROPERTY = "sanxiang.kind"
ITEM, PROCEDURE = "item", "procedure"
KINDS = (ITEM, PROCEDURE)


def kind_of(properties: Mapping[str, str]) -> str:
    """The process's kind as written (stripped, lower case); ``item`` when it says nothing."""
    return (properties.get(KIND_PROPERTY) or ITEM).strip().lower() or ITEM


def is_procedure(properties: Mapping[str, str]) -> bool:
    return kind_of(properties) == PROCEDURE
