"""The supervisor console speaks Chinese by default: every English msgid in its templates and page code
has a Chinese translation in engine/supervision/console/translations/zh, and messages.mo matches the .po."""

from __future__ import annotations

import io

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from tests.support import ROOT

CATALOGUE = ROOT / "engine" / "supervision" / "console" / "translations" / "zh" / "LC_MESSAGES"
METHODS = [("engine/supervision/console/**.py", "python"), ("engine/web/templates/console/**.html", "jinja2")]


def test_every_msgid_of_the_console_has_a_chinese_translation() -> None:
    used = {
        m if isinstance(m, str) else m[0]
        for _f, _l, m, _c, _x in extract_from_dir(str(ROOT), METHODS, keywords={"_": None, "gettext": None})
    }
    with (CATALOGUE / "messages.po").open("rb") as handle:
        translated = {m.id: m.string for m in read_po(handle, locale="zh") if m.id}
    assert len(used) > 60
    assert sorted(m for m in used if not translated.get(m)) == []
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in translated[m]) for m in used)


def test_the_compiled_console_catalogue_matches_the_po_file() -> None:
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="zh")
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        assert {m.id: m.string for m in read_mo(handle) if m.id} == {
            m.id: m.string for m in read_mo(compiled) if m.id
        }
