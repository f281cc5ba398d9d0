"""Untrusted files (diagrams and forms): their size, their text encoding, and hardened XML parsing.
Whatever the bytes, the answer is what was asked for or findings.

- the size is capped before anything is parsed (default 10 MB);
- any DOCTYPE (hence any DTD or entity declaration) is refused: first by a scan of the prolog,
  before libxml2 sees the bytes, then again on the parsed document info;
- libxml2 runs with entity resolution, DTD loading and network access off and without
  ``huge_tree``, so its own depth and size limits stay on.

Text encoding (``read_utf8``, ``without_bom``): diagrams and forms are UTF-8 text, what Camunda
Modeler writes, what the database keeps, what the pages and the runner read back. Checked before
anything else, whatever the file claims to be.

- a UTF-8 byte-order mark is harmless but not kept: a warning (SX-X011), and ``without_bom`` removes
  it before the file is stored (so a stored file never starts with U+FEFF);
- UTF-16/UTF-32 (with or without a byte-order mark), NUL bytes, bytes that are not UTF-8, and an XML
  declaration naming another encoding (GBK, GB2312, ISO-8859-1 …) over text that is not plain ASCII
  are refused (SX-X010): the file would be read differently at deploy and at run time, or not stored
  at all. (Plain ASCII reads the same in every one of those encodings: such a file is accepted.)
"""

from __future__ import annotations

import re

from lxml import etree

from engine.compliance.catalogue import finding
from engine.compliance.findings import Finding

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_PROLOG_SCAN_BYTES = 1 << 20
_SAVE_AGAIN = ("请用 Camunda Modeler 重新保存", "save it again from Camunda Modeler")
_LOOKS_LIKE_JSON = (
    "这像是 JSON（表单？），请按表单检查",
    "this looks like JSON (a form?); lint it as a form",
)
_HTML = re.compile(rb"<!DOCTYPE\s+html", re.IGNORECASE)
_SPACE = re.compile(r"[\s\ufeff]*")
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        attribute_defaults=False,
        collect_ids=False,
    )


def check_size(data: bytes, max_bytes: int) -> Finding | None:
    if len(data) > max_bytes:
        return finding(
            "SX-X003",
            f"文件有 {len(data)} 字节，超过上限 {max_bytes} 字节；请拆分或精简文件",
            f"file has {len(data)} bytes, over the limit of {max_bytes}; split or trim it",
        )
    if not data.strip():
        return finding(
            "SX-X004",
            "文件为空；请在 Camunda Modeler 中重新保存",
            "the file is empty; save it again from Camunda Modeler",
        )
    return None


def parse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element | Finding:
    """Parse untrusted XML bytes; return the root element, or a finding saying why not."""
    refused = check_size(data, max_bytes)
    if refused is not None:
        return refused
    doctype_line = prolog_declaration_line(data)
    if doctype_line is not None:
        return _doctype_refused(doctype_line, html=_HTML.search(data[:_PROLOG_SCAN_BYTES]) is not None)
    try:
        root = etree.fromstring(data, hardened_parser())
    except etree.XMLSyntaxError as exc:
        message = " ".join(str(exc.msg or exc).split())[:200]
        zh, en = _SAVE_AGAIN
        if data.lstrip()[:1] in (b"{", b"["):
            zh, en = _LOOKS_LIKE_JSON
        return finding(
            "SX-X001",
            f"XML 格式不正确（第 {exc.lineno} 行）：{message}；{zh}",
            f"not well-formed XML at line {exc.lineno}: {message}; {en}",
            line=exc.lineno or None,
        )
    except (ValueError, etree.LxmlError) as exc:
        message = " ".join(str(exc).split())[:200]
        return finding("SX-X001", f"XML 无法解析：{message}", f"XML cannot be parsed: {message}")
    info = root.getroottree().docinfo
    if getattr(info, "doctype", "") or info.internalDTD is not None or info.externalDTD is not None:
        return _doctype_refused(1)
    return root


def _doctype_refused(line: int, *, html: bool = False) -> Finding:
    zh, en = (
        ("（这是 HTML 网页，不是 BPMN 文件）", " (this is an HTML page, not a BPMN file)")
        if html
        else ("", "")
    )
    return finding(
        "SX-X002",
        f"第 {line} 行有 DOCTYPE/DTD/实体声明，出于安全原因拒绝{zh}；BPMN 文件不需要它，请删除",
        f"DOCTYPE/DTD/entity declaration at line {line} refused for safety{en}; BPMN files never "
        "need one: remove it",
        line=line,
    )


def prolog_declaration_line(data: bytes) -> int | None:
    """The line of a ``<!DOCTYPE`` (or any ``<!`` declaration) before the root element, if any."""
    text = _prolog_text(data[:_PROLOG_SCAN_BYTES])
    pos = 0
    while True:
        pos = _skip_space(text, pos)
        if text.startswith("<?", pos):
            pos = _after(text, "?>", pos + 2)
        elif text.startswith("<!--", pos):
            pos = _after(text, "-->", pos + 4)
        elif text.startswith("<!", pos):
            return text.count("\n", 0, pos) + 1
        else:
            return None
        if pos < 0:
            return None


def _skip_space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _after(text: str, terminator: str, start: int) -> int:
    end = text.find(terminator, start)
    return end + len(terminator) if end >= 0 else -1


def _prolog_text(head: bytes) -> str:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, "ignore")
    if head[:2] == b"<\x00":
        return head.decode("utf-16-le", "ignore")
    if head[:2] == b"\x00<":
        return head.decode("utf-16-be", "ignore")
    return head.decode("latin-1")


# -- text encoding ----------------------------------------------------------------------------------

UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_DECLARED = re.compile(rb"\A<\?xml[^>]{0,200}?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_SAVE_AS_UTF8 = ("请用 Camunda Modeler 重新保存（UTF-8 编码）", "save it again from Camunda Modeler (UTF-8)")


def without_bom(data: bytes) -> bytes:
    """The bytes without a leading UTF-8 byte-order mark (what is stored and hashed)."""
    return data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data


def read_utf8(data: bytes) -> tuple[str | None, list[Finding]]:
    """The file's text (without a byte-order mark) and the encoding findings; the text is None when the
    file is refused (an SX-X010 error among the findings)."""
    body = without_bom(data)
    refused = _other_encoding(data) or _nul_byte(body)
    if refused is not None:
        return None, [refused]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(body, exc)]
    refused = _declared_other(body)
    if refused is not None:
        return None, [refused]
    return text, [_BOM_REMOVED] if body is not data else []


_BOM_REMOVED = finding(
    "SX-X011",
    "文件以 UTF-8 BOM（字节顺序标记）开头：部署时已去除，其余内容不变",
    "the file starts with a UTF-8 byte-order mark (BOM): it is removed on deploy, the rest is kept as it is",
    line=1,
    warning=True,
)


def _not_utf8(body: bytes, exc: UnicodeDecodeError) -> Finding:
    line = body.count(b"\n", 0, exc.start) + 1
    return _refused(
        f"第 {line} 行的字节不是 UTF-8 编码（可能是 GBK 或其他编码）",
        f"the bytes at line {line} are not UTF-8 (GBK or another encoding?)",
        line,
    )


def _nul_byte(body: bytes) -> Finding | None:
    nul = body.find(b"\x00")
    if nul < 0:
        return None
    line = body.count(b"\n", 0, nul) + 1
    return _refused(
        f"第 {line} 行含有 NUL 字节（UTF-16 文件？）", f"NUL byte at line {line} (a UTF-16 file?)", line
    )


def _declared_other(body: bytes) -> Finding | None:
    """An XML declaration naming another encoding, on a file that is not plain ASCII."""
    declared = _DECLARED.match(body)
    if declared is None or body.isascii():
        return None
    name = declared.group(1).decode("ascii")
    if name.lower() in _UTF8_NAMES:
        return None
    return _refused(
        f"XML 声明的编码是 {name}，只接受 UTF-8",
        f"the XML declaration says {name}; only UTF-8 is accepted",
        1,
    )


def _other_encoding(data: bytes) -> Finding | None:
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):
            return _refused(f"文件是 {name} 编码", f"the file is {name}-encoded", 1)
    return None


def _refused(zh: str, en: str, line: int) -> Finding:
    return finding("SX-X010", f"{zh}；{_SAVE_AS_UTF8[0]}", f"{en}; {_SAVE_AS_UTF8[1]}", line=line)
