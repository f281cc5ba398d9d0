"""BPMN, Camunda and Zeebe namespaces and the few lxml look-ups built on them.

The legacy Activiti namespace is what old Camunda 7 files bind the ``camunda:`` prefix to
(Camunda 7 accepts it), so it is read exactly like the Camunda namespace.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ACTIVITI = "http://activiti.org/bpmn"
CAMUNDA_NAMESPACES = (CAMUNDA, ACTIVITI)
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
MODELER = "http://camunda.org/schema/modeler/1.0"

EVENTS = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "implicitThrowEvent",
    }
)
CONTAINERS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITIES = (
    frozenset(
        {
            "task",
            "userTask",
            "manualTask",
            "serviceTask",
            "scriptTask",
            "businessRuleTask",
            "sendTask",
            "receiveTask",
            "callActivity",
        }
    )
    | CONTAINERS
)
GATEWAYS = frozenset(
    {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
)
FLOW_NODES = EVENTS | ACTIVITIES | GATEWAYS


def split(node: etree._Element) -> tuple[str | None, str]:
    """(namespace, local name) of an element; comments, PIs and entities give (None, "")."""
    tag = node.tag
    if not isinstance(tag, str):
        return None, ""
    return split_name(tag)


def split_name(name: str) -> tuple[str | None, str]:
    """(namespace, local name) of a Clark-notation name such as ``{ns}local``."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


_BPMN_PREFIX = f"{{{BPMN}}}"


def bpmn_tag(node: etree._Element) -> str:
    """The local name if the element is in the BPMN model namespace, else ""."""
    tag = node.tag
    return tag[len(_BPMN_PREFIX) :] if isinstance(tag, str) and tag.startswith(_BPMN_PREFIX) else ""


def bpmn_children(node: etree._Element, tag: str | None = None) -> Iterator[etree._Element]:
    """Child elements in the BPMN namespace (with local name `tag`, if given)."""
    return node.iterchildren(f"{_BPMN_PREFIX}{tag or '*'}")


def camunda_children(node: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Camunda extension elements of `node` (under its ``extensionElements``) with local name `tag`."""
    for extensions in node.iterchildren(f"{_BPMN_PREFIX}extensionElements"):
        yield from extensions.iterchildren(*(f"{{{namespace}}}{tag}" for namespace in CAMUNDA_NAMESPACES))


def camunda_attributes(node: etree._Element) -> dict[str, str]:
    """``camunda:*`` (or legacy ``activiti:*``) attributes by local name."""
    found: dict[str, str] = {}
    for key, value in node.attrib.items():
        namespace, local = split_name(str(key))
        if namespace in CAMUNDA_NAMESPACES:
            found[local] = str(value)
    return found


def camunda_properties(node: etree._Element) -> dict[str, str]:
    """``camunda:properties`` of `node` as name -> value (the first of a repeated name wins)."""
    found: dict[str, str] = {}
    for properties in camunda_children(node, "properties"):
        for prop in properties:
            namespace, local = split(prop)
            name = prop.get("name")
            if namespace in CAMUNDA_NAMESPACES and local == "property" and name:
                found.setdefault(name.strip(), (prop.get("value") or "").strip())
    return found


def text_of(node: etree._Element) -> str:
    return "".join(str(part) for part in node.itertext()).strip()


def line_of(node: etree._Element) -> int | None:
    """The source line of an element (None for elements built in memory)."""
    line = node.sourceline
    return line if isinstance(line, int) else None
