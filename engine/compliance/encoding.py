"""Diagrams and forms are UTF-8 text: what Camunda Modeler writes, what the database keeps, what the
pages and the runner read back. Checked before anything else, whatever the file claims to be.

- a UTF-8 byte-order mark is harmless but not kept: a warning (SX-X011), and ``without_bom`` removes
  it before the file is stored (so a stored file never starts with U+FEFF);
- UTF-16/UTF-32 (with or without a byte-order mark), NUL bytes, bytes that are not UTF-8, and an XML
  declaration naming another encoding (GBK, GB2312, ISO-8859-1 …) over text that is not plain ASCII
  are refused (SX-X010): the file would be read differently at deploy and at run time, or not stored
  at all. (Plain ASCII reads the same in every one of those encodings: such a file is accepted.)
"""

from __future__ import annotations

import re

from engine.compliance.catalogue import finding
from engine.compliance.findings import Finding

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
    refused = _other_encoding(data)
    if refused is not None:
        return None, [refused]
    body = without_bom(data)
    nul = body.find(b"\x00")
    if nul >= 0:
        line = body.count(b"\n", 0, nul) + 1
        return None, [
            _refused(
                f"第 {line} 行含有 NUL 字节（UTF-16 文件？）",
                f"NUL byte at line {line} (a UTF-16 file?)",
                line,
            )
        ]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        return None, [
            _refused(
                f"第 {line} 行的字节不是 UTF-8 编码（可能是 GBK 或其他编码）",
                f"the bytes at line {line} are not UTF-8 (GBK or another encoding?)",
                line,
            )
        ]
    declared = _DECLARED.match(body)
    if (
        declared is not None
        and declared.group(1).decode("ascii").lower() not in _UTF8_NAMES
        and not body.isascii()
    ):
        name = declared.group(1).decode("ascii")
        return None, [
            _refused(
                f"XML 声明的编码是 {name}，只接受 UTF-8",
                f"the XML declaration says {name}; only UTF-8 is accepted",
                1,
            )
        ]
    found = (
        [
            finding(
                "SX-X011",
                "文件以 UTF-8 BOM（字节顺序标记）开头：部署时已去除，其余内容不变",
                "the file starts with a UTF-8 byte-order mark (BOM): it is removed on deploy, the rest "
                "is kept as it is",
                line=1,
                warning=True,
            )
        ]
        if body is not data
        else []
    )
    return text, found


def _other_encoding(data: bytes) -> Finding | None:
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):
            return _refused(f"文件是 {name} 编码", f"the file is {name}-encoded", 1)
    return None


def _refused(zh: str, en: str, line: int) -> Finding:
    return finding("SX-X010", f"{zh}；{_SAVE_AS_UTF8[0]}", f"{en}; {_SAVE_AS_UTF8[1]}", line=line)
