"""BPMN → SVG on the server: every corpus diagram draws, overlays land where asked, input is hardened."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.diagram import Overlays, render_svg
from engine.diagram.text_wrap import text_width, wrap
from engine.errors import InvalidDiagram, NotFound

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SVG = "http://www.w3.org/2000/svg"
NS = {"s": SVG}
FONT = "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"
WITH_DI = sorted(
    p for p in [*CORPUS.glob("miwg/*.bpmn"), *CORPUS.glob("c7/*.bpmn")] if b"BPMNShape" in p.read_bytes()
)


def _svg(text: str) -> etree._Element:
    return etree.fromstring(text.encode())


def _plane(path: Path, index: int = 0) -> tuple[etree._Element, dict[str, etree._Element]]:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    elements: dict[str, etree._Element] = {}
    for element in root.iter(f"{{{BPMN}}}*"):
        if element.get("id"):
            elements.setdefault(element.get("id") or "", element)
    return root.findall(".//{*}BPMNPlane")[index], elements


def _expected(path: Path, tag: str, index: int = 0) -> dict[str, str]:
    """DI'd element id -> name, for shapes with bounds (or edges with two waypoints) of a known element."""
    plane, elements = _plane(path, index)
    found: dict[str, str] = {}
    for di in plane.iterfind(f"{{*}}{tag}"):
        element = elements.get(di.get("bpmnElement") or "")
        drawable = di.find("{*}Bounds") is not None or len(di.findall("{*}waypoint")) >= 2
        if element is not None and drawable:
            found[element.get("id") or ""] = (element.get("name") or "").strip()
    return found


def _groups(svg: etree._Element, cls: str) -> dict[str, etree._Element]:
    return {
        g.get("data-element-id") or "": g
        for g in svg.iter(f"{{{SVG}}}g")
        if cls in (g.get("class") or "").split()
    }


def _text(group: etree._Element) -> str:
    return "".join(str(t) for t in group.itertext())


def _title(group: etree._Element) -> str:
    return group.findtext("s:title", default="", namespaces=NS)


def _lines(group: etree._Element) -> list[str]:
    return [t.text or "" for t in group.iter(f"{{{SVG}}}tspan")]


@pytest.mark.parametrize("path", WITH_DI, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_diagram_renders_a_well_formed_standalone_svg(path: Path) -> None:
    text = render_svg(path.read_bytes())
    svg = _svg(text)
    assert svg.tag == f"{{{SVG}}}svg"
    x, y, width, height = (float(v) for v in svg.get("viewBox", "").split())
    assert width > 0 and height > 0
    assert svg.get("font-family") == FONT
    assert not list(svg.iter(f"{{{SVG}}}script"))
    assert "href" not in text and "url(" not in text and "@import" not in text


@pytest.mark.parametrize("path", WITH_DI, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_di_shape_and_edge_is_drawn_once_with_its_name_as_tooltip(path: Path) -> None:
    svg = _svg(render_svg(path.read_bytes()))
    shapes, edges = _groups(svg, "bpmn-shape"), _groups(svg, "bpmn-edge")
    expected_shapes = _expected(path, "BPMNShape")
    assert set(shapes) == set(expected_shapes)
    assert set(edges) == set(_expected(path, "BPMNEdge"))
    for element_id, name in expected_shapes.items():
        title = _title(shapes[element_id])
        assert title
        if name:
            assert title.strip() == name


def test_a_chosen_process_draws_its_own_diagram_and_an_unknown_one_is_not_found() -> None:
    path = CORPUS / "miwg" / "C.5.0.bpmn"
    plane, _ = _plane(path, 1)
    svg = _svg(render_svg(path.read_bytes(), process_id=plane.get("bpmnElement")))
    assert set(_groups(svg, "bpmn-shape")) == set(_expected(path, "BPMNShape", 1))
    with pytest.raises(NotFound):
        render_svg(path.read_bytes(), process_id="no-such-process")


def test_overlays_put_state_classes_and_badges_on_the_right_elements() -> None:
    path = CORPUS / "c7" / "exclusive_test.bpmn"
    overlays = Overlays(
        completed=frozenset({"StartEvent_1", "Activity_16zxyvt", "Flow_0jzlgt4"}),
        current=frozenset({"Activity_07urao8"}),
        failed=frozenset({"Activity_0sqpfbh"}),
        badges={"Activity_07urao8": "2.5 工作日"},
    )
    svg = _svg(render_svg(path.read_bytes(), overlays=overlays))
    shapes, edges = _groups(svg, "bpmn-shape"), _groups(svg, "bpmn-edge")
    assert "completed" in shapes["StartEvent_1"].get("class", "").split()
    assert "completed" in shapes["Activity_16zxyvt"].get("class", "").split()
    assert "current" in shapes["Activity_07urao8"].get("class", "").split()
    assert "failed" in shapes["Activity_0sqpfbh"].get("class", "").split()
    untouched = [
        g
        for i, g in {**shapes, **edges}.items()
        if i not in overlays.completed | overlays.current | overlays.failed
    ]
    assert untouched and all(
        not {"completed", "current", "failed"} & set(g.get("class", "").split()) for g in untouched
    )
    badges = {i: _text(g) for i, g in _groups(svg, "bpmn-badge").items()}
    assert badges == {"Activity_07urao8": "2.5 工作日", "Activity_0sqpfbh": "失败"}


def test_a_flow_on_the_path_taken_is_drawn_thicker_and_coloured() -> None:
    path = CORPUS / "c7" / "exclusive_test.bpmn"
    svg = _svg(render_svg(path.read_bytes(), overlays=Overlays(completed=frozenset({"Flow_0jzlgt4"}))))
    edges = _groups(svg, "bpmn-edge")
    done = edges["Flow_0jzlgt4"].find("s:polyline", NS)
    other = next(g for i, g in edges.items() if i != "Flow_0jzlgt4").find("s:polyline", NS)
    assert done is not None and other is not None
    assert float(done.get("stroke-width", "0")) > float(other.get("stroke-width", "0"))
    assert done.get("stroke") != other.get("stroke")
    assert "completed" in edges["Flow_0jzlgt4"].get("class", "").split()


def test_the_waiting_marker_speaks_the_requested_language() -> None:
    path = CORPUS / "c7" / "exclusive_test.bpmn"
    overlays = Overlays(current=frozenset({"Activity_07urao8"}))
    svg = _svg(render_svg(path.read_bytes(), overlays=overlays, lang="en"))
    assert _text(_groups(svg, "bpmn-badge")["Activity_07urao8"]) == "Now"


def _sample(task_name: str, badge_target: str = "t1") -> bytes:
    escaped = task_name.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{BPMN}" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d">
  <process id="p1" name="许可">
    <startEvent id="s"/>
    <userTask id="t1" name="{escaped}"/>
    <userTask id="hidden" name="没有图形"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>
  </process>
  <process id="p2" name="无图"/>
  <bpmndi:BPMNDiagram id="dg"><bpmndi:BPMNPlane id="pl" bpmnElement="p1">
    <bpmndi:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="100" y="100" width="36" height="36"/>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="t_di" bpmnElement="t1"><dc:Bounds x="200" y="78" width="100" height="80"/>
    </bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="f_di" bpmnElement="f1"><di:waypoint x="136" y="118"/><di:waypoint x="200" y="118"/>
    </bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>""".encode()


def test_chinese_labels_wrap_inside_the_task_and_are_escaped() -> None:
    name = '法制审核<重大>&"复核"：核对申请材料与法律依据'
    text = render_svg(_sample(name))
    svg = _svg(text)
    task = _groups(svg, "bpmn-shape")["t1"]
    lines = _lines(task)
    assert len(lines) > 1
    assert "".join(lines) == name
    assert all(text_width(line, 12) <= 90 + 12 for line in lines)  # a closing mark may hang
    assert "<重大>" not in text and "&lt;重大&gt;" in text
    assert _title(task) == name


def test_elements_without_di_are_left_out_and_a_process_without_di_draws_a_note() -> None:
    svg = _svg(render_svg(_sample("受理")))
    assert "hidden" not in _groups(svg, "bpmn-shape")
    assert set(_groups(svg, "bpmn-shape")) == {"s", "t1"}
    assert _title(_groups(svg, "bpmn-shape")["s"]) == "开始事件"  # unnamed: its type, in Chinese
    empty = _svg(render_svg(_sample("受理"), process_id="p2"))
    assert not _groups(empty, "bpmn-shape")
    assert "没有图形布局" in _text(empty)


def test_badges_from_callers_are_escaped_and_stripped_of_control_characters() -> None:
    text = render_svg(_sample("受理"), overlays=Overlays(badges={"t1": "<b>\x00&2天"}))
    assert _text(_groups(_svg(text), "bpmn-badge")["t1"]) == "<b>&2天"


@pytest.mark.parametrize(
    "hostile",
    [
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" name="&x;"/>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" name="&b;"/>',
        b'<!DOCTYPE definitions SYSTEM "http://example.invalid/x.dtd">'
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
        b"<definitions",
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    ],
    ids=["external-entity", "entity-expansion", "external-dtd", "truncated", "empty", "not-bpmn"],
)
def test_hostile_or_broken_input_is_refused_as_an_invalid_diagram(hostile: bytes) -> None:
    with pytest.raises(InvalidDiagram) as caught:
        render_svg(hostile)
    assert caught.value.message_zh and caught.value.message_en and caught.value.findings == []


def test_cjk_breaks_anywhere_latin_at_spaces_and_punctuation_follows_the_rules() -> None:
    assert wrap("行政许可审批流程", 4 * 12, 12) == ["行政许可", "审批流程"]
    assert wrap("legal review step", 80, 12) == ["legal review", "step"]
    punctuated = wrap("甲乙丙，丁戊己。庚辛（壬癸）", 36, 12)
    assert all(not line.startswith(("，", "。", "）")) for line in punctuated)
    assert all(not line.endswith(("（", "《")) for line in wrap("甲乙（丙丁）戊己《庚辛》", 36, 12))
    assert wrap("第一行\n第二行", 200, 12) == ["第一行", "第二行"]
    assert all(text_width(line, 12) <= 40 for line in wrap("Supercalifragilistic", 40, 12))
    cut = wrap("一二三四五六七八九十", 24, 12, max_lines=2)
    assert len(cut) == 2 and cut[-1].endswith("…")
