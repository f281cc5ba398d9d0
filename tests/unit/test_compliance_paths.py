"""How the path rules read a diagram: parallel joins, embedded subprocesses, boundary events.

Diagrams are written in a small notation, e.g. ``build("s=startEvent d=userTask/decision e=endEvent",
"s>d d>e")``: nodes are ``id=tag[/role][@parent][^host|^^host]`` (``^`` an interrupting boundary
timer on host, ``^^`` a non-interrupting one), flows are ``a>b[:name=value]`` (a ``sanxiang.`` property).
"""

from __future__ import annotations

import re

import pytest

from engine.compliance import ProcessModel, lint_bpmn, parse_model
from engine.compliance.document.graph import build_graph, reachable

PATH_CODES = {
    "SX-C201",
    "SX-C202",
    "SX-C203",
    "SX-C204",
    "SX-C205",
    "SX-C206",
    "SX-C208",
    "SX-C210",
    "SX-C211",
    "SX-C212",
    "SX-C219",
}
NODE = re.compile(r"(\w+)=(\w+)(?:/([\w-]+))?(?:@(\w+))?(?:(\^\^?)(\w+))?")
TIMER = "<bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>"


def _props(props: dict[str, str]) -> str:
    inner = "".join(f'<camunda:property name="sanxiang.{k}" value="{v}"/>' for k, v in props.items())
    return (
        f"<bpmn:extensionElements><camunda:properties>{inner}</camunda:properties></bpmn:extensionElements>"
    )


def build(nodes: str, flows: str) -> bytes:
    children: dict[str | None, list[str]] = {}
    parent_of: dict[str, str | None] = {}
    for token in nodes.split():
        match = NODE.fullmatch(token)
        assert match, token
        ident, tag, role, parent, hat, host = match.groups()
        parent_of[ident] = parent
        attrs = f' attachedToRef="{host}" cancelActivity="{str(hat == "^").lower()}"' if host else ""
        body = (_props({"role": role}) if role else "") + (TIMER if tag == "boundaryEvent" else "")
        element = f'<bpmn:{tag} id="{ident}"{attrs}>{body}{{{ident}}}</bpmn:{tag}>'
        children.setdefault(parent, []).append(element)
    for index, token in enumerate(flows.split()):
        edge, _, prop = token.partition(":")
        source, target = edge.split(">")
        body = _props(dict([prop.split("=")])) if prop else ""
        flow = f'<bpmn:sequenceFlow id="f{index}" sourceRef="{source}" targetRef="{target}">'
        children.setdefault(parent_of[source], []).append(f"{flow}{body}</bpmn:sequenceFlow>")

    def render(parent: str | None) -> str:
        return "".join(
            item.replace(f"{{{ident}}}", render(ident) if ident in children else "")
            for item in children.get(parent, [])
            for ident in [re.findall(r'id="(\w+)"', item)[0]]
        )

    return (
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs">'
        f'<bpmn:process id="p" isExecutable="true">{render(None)}</bpmn:process>'
        "</bpmn:definitions>"
    ).encode()


def path_codes(nodes: str, flows: str) -> set[str]:
    return {f.code for f in lint_bpmn(build(nodes, flows), rules="compliance") if f.code in PATH_CODES}


def model(nodes: str, flows: str) -> ProcessModel:
    parsed = parse_model(build(nodes, flows))
    assert isinstance(parsed, ProcessModel), parsed
    return parsed


BASE = (
    "s=startEvent m=exclusiveGateway/major-check r=userTask/legal-review "
    "o=exclusiveGateway/review-outcome c=userTask/coordination d=userTask/decision dl=userTask/delivery "
    "ds=userTask/disclosure "
    "a=userTask/records-capture e=endEvent"
)
BASE_FLOWS = (
    "s>m m>r:major=true m>d:major=false r>o o>d:outcome=pass o>r:outcome=return o>c:outcome=reject c>d a>e"
)
TAIL = "d>dl dl>ds ds>a"
PARALLEL = " sp=parallelGateway jn=parallelGateway"
SUBPROCESS = " sub=subProcess ss=startEvent@sub se=endEvent@sub"


@pytest.mark.parametrize(
    ("extra_nodes", "flows", "expected"),
    [
        pytest.param("", TAIL, set(), id="the base process is lawful"),
        pytest.param(PARALLEL, "d>sp sp>dl sp>ds dl>jn ds>jn jn>a", set(), id="delivery beside disclosure"),
        pytest.param(
            PARALLEL, "d>sp sp>jn sp>ds ds>jn jn>a", {"SX-C211"}, id="a parallel branch is no delivery"
        ),
        pytest.param(
            SUBPROCESS.replace("@sub", "@sub dl2=userTask/delivery@sub"),
            "d>sub ss>dl2 dl2>se sub>ds ds>a",
            set(),
            id="delivery inside an embedded subprocess",
        ),
        pytest.param(
            SUBPROCESS, "d>sub ss>se sub>ds ds>a", {"SX-C211"}, id="an empty subprocess is no delivery"
        ),
        pytest.param(
            " t=boundaryEvent^r",
            f"{TAIL} t>d",
            {"SX-C202", "SX-C203", "SX-C204"},
            id="a review that times out straight to the decision",
        ),
        pytest.param(
            " t=boundaryEvent^^r",
            f"{TAIL} t>d",
            {"SX-C202", "SX-C203", "SX-C204"},
            id="a decision while the review is still open",
        ),
        pytest.param(
            " t=boundaryEvent^^d n=userTask e2=endEvent",
            f"{TAIL} t>n n>e2",
            set(),
            id="a reminder branch off the decision does not end the case",
        ),
        pytest.param(
            " t=boundaryEvent^dl e2=endEvent",
            f"{TAIL} t>e2",
            {"SX-C210", "SX-C211", "SX-C212"},
            id="an interrupted delivery ends the case",
        ),
        pytest.param(" x=userTask", f"{TAIL} s>x x>d", {"SX-C201"}, id="a second way to the decision"),
    ],
)
def test_path_rules(extra_nodes: str, flows: str, expected: set[str]) -> None:
    assert path_codes(BASE + extra_nodes, f"{BASE_FLOWS} {flows}") == expected


def test_parallel_join_waits_for_every_branch() -> None:
    graph = build_graph(
        model(
            "s=startEvent sp=parallelGateway a=userTask b=userTask jn=parallelGateway e=endEvent",
            "s>sp sp>a sp>b a>jn b>jn jn>e",
        )
    )
    assert "e" in reachable(graph, ["s"])
    assert "e" not in reachable(graph, ["s"], ["a"])
    assert reachable(graph, ["b"], ["a"]) == {"b", "jn", "e"}  # a's token was started before b


def test_subprocess_is_entered_and_left() -> None:
    graph = build_graph(
        model(
            "s=startEvent sub=subProcess ss=startEvent@sub t=userTask@sub se=endEvent@sub e=endEvent",
            "s>sub ss>t t>se sub>e",
        )
    )
    assert reachable(graph, ["s"]) == {"s", "sub", "ss", "t", "se", "e"}
    assert reachable(graph, ["s"], ["t"]) == {"s", "sub", "ss"}


def test_boundary_events_fire_from_inside_a_subprocess_and_from_blocked_tasks() -> None:
    graph = build_graph(
        model(
            "s=startEvent sub=subProcess ss=startEvent@sub t=userTask@sub se=endEvent@sub "
            "b=boundaryEvent^sub n=boundaryEvent^^sub e=endEvent x=endEvent y=endEvent",
            "s>sub ss>t t>se sub>e b>x n>y",
        )
    )
    assert {"x", "y"} <= reachable(graph, ["s"], ["t"])
    assert "y" not in reachable(graph, ["s"], ["t"], spawned=False)
    assert "e" not in reachable(graph, ["s"], ["t"])
