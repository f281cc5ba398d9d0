"""Every setting the engine reads from the environment is in README's settings table."""

from __future__ import annotations

import re

from tests.support import ROOT


def test_every_setting_of_engine_config_is_documented_in_the_readme() -> None:
    read = set(re.findall(r'"(SANXIANG_[A-Z0-9_]+)"', (ROOT / "engine" / "config.py").read_text("utf-8")))
    table = (ROOT / "README.md").read_text("utf-8").split("### Settings", 1)[1]
    documented = set(re.findall(r"`(SANXIANG_[A-Z0-9_]+)`", table))
    assert len(read) > 20
    assert sorted(read - documented) == []
