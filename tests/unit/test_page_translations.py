"""The work pages speak Chinese by default: every English msgid in templates and page code has a Chinese
translation in engine/web/translations/zh, and the compiled catalogue (messages.mo) matches the .po."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tests.support import ROOT

CATALOGUE = ROOT / "engine" / "web" / "translations" / "zh" / "LC_MESSAGES"
METHODS = [("engine/tasks/pages/**.py", "python"), ("engine/web/templates/pages/**.html", "jinja2")]


def used_msgids() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords={"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def chinese() -> dict[str, str]:
    with (CATALOGUE / "messages.po").open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale="zh") if m.id}


def test_every_msgid_of_the_pages_has_a_chinese_translation() -> None:
    used, translated = used_msgids(), chinese()
    assert len(used) > 150
    missing = sorted(m for m in used if not translated.get(m))
    assert missing == []
    assert all(
        any("\u4e00" <= ch <= "\u9fff" for ch in translated[m])
        for m in used
        if any(c.isalpha() for c in m) and m not in ("English",)
    )


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="zh")
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    fresh = {m.id: m.string for m in read_mo(compiled) if m.id}
    with Path(CATALOGUE / "messages.mo").open("rb") as handle:
        shipped = {m.id: m.string for m in read_mo(handle) if m.id}
    assert shipped == fresh
