"""The `sanxiang` command as a person uses it (click's CliRunner, a real database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from tests.support import CORPUS, FIXTURES, ROOT


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"SANXIANG_DATABASE_URL": database_url, "SANXIANG_VAR_DIR": str(tmp_path / "var")}


def test_lint_reports_every_corpus_file_as_structured_findings_never_a_traceback() -> None:
    result = CliRunner().invoke(main, ["lint", str(CORPUS), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1
    report = json.loads(result.output)
    corpus_files = [p for p in CORPUS.rglob("*") if p.suffix in (".bpmn", ".form")]
    assert len(report) == len(corpus_files) > 40
    for name, findings in report.items():
        if name.endswith(".bpmn"):
            assert findings, name
        for finding in findings:
            assert {"code", "element_id", "line", "message_zh", "message_en", "severity"} <= finding.keys()


def test_lint_passes_the_shipped_processes_and_forms() -> None:
    result = CliRunner().invoke(main, ["lint", str(ROOT / "processes"), str(ROOT / "forms")])
    assert result.exit_code == 0, result.output
    assert "通过 / ok" in result.output


def test_lint_of_junk_is_a_finding_with_exit_1(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bpmn"
    junk.write_bytes(b"\x00\xff not xml at all")
    result = CliRunner().invoke(main, ["lint", str(junk)])
    assert result.exit_code == 1
    assert "SX-" in result.output and "Traceback" not in result.output


def test_db_upgrade_then_deploy_twice_is_one_version(env: dict[str, str]) -> None:
    runner = CliRunner(env=env)
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(main, ["deploy", str(ROOT / "forms"), str(ROOT / "processes")])
    assert first.exit_code == 0, first.output
    assert "process outdoor_advertising v1 新版本 / new" in first.output
    second = runner.invoke(main, ["deploy", str(ROOT / "forms"), str(ROOT / "processes")])
    assert "process outdoor_advertising v1 未变 / unchanged" in second.output


def test_deploy_refuses_a_non_compliant_diagram_listing_every_finding(env: dict[str, str]) -> None:
    result = CliRunner(env=env).invoke(main, ["deploy", str(FIXTURES / "c7_review.bpmn")])
    assert result.exit_code == 1
    assert "拒绝部署 / refused" in result.output
    assert result.output.count("SX-C") >= 3


def test_render_writes_an_svg_of_a_shipped_diagram(tmp_path: Path) -> None:
    out = tmp_path / "x.svg"
    result = CliRunner().invoke(
        main, ["render", str(ROOT / "processes" / "outdoor_advertising.bpmn"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<svg") and "法制审核" in out.read_text(
        encoding="utf-8"
    )


def test_lint_and_deploy_say_a_bom_was_removed_and_refuse_utf16(env: dict[str, str], tmp_path: Path) -> None:
    form = tmp_path / "test-acceptance.form"
    form.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "test-acceptance.form").read_bytes())
    linted = CliRunner().invoke(main, ["lint", str(form)])
    assert linted.exit_code == 0 and "SX-X011 warning" in linted.output, linted.output
    runner = CliRunner(env=env)
    deployed = runner.invoke(main, ["deploy", str(form)])
    assert deployed.exit_code == 0 and "form test-acceptance v1" in deployed.output
    assert "SX-X011" in deployed.output
    form.write_bytes((FIXTURES / "test-acceptance.form").read_text("utf-8").encode("utf-16"))
    refused = CliRunner().invoke(main, ["lint", str(form)])
    assert refused.exit_code == 1 and "SX-X010" in refused.output and "UTF-16" in refused.output


def test_lint_takes_the_form_limits_from_the_settings(tmp_path: Path) -> None:
    form = tmp_path / "big.form"
    form.write_text(json.dumps({"id": "big", "components": [{"type": "text", "text": "说明"}] * 50}), "utf-8")
    assert CliRunner().invoke(main, ["lint", str(form)]).exit_code == 0
    limited = CliRunner(env={"SANXIANG_MAX_FORM_COMPONENTS": "49"}).invoke(main, ["lint", str(form)])
    assert limited.exit_code == 1 and "SX-F311" in limited.output
    limited = CliRunner(env={"SANXIANG_MAX_FORM_BYTES": "100"}).invoke(main, ["lint", str(form)])
    assert limited.exit_code == 1 and "SX-X003" in limited.output
