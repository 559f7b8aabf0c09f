"""The smoke gate in the report: its exit code explained, absent, corrupt, or alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from report_support import outcome, run_report, write_session

from imednet_live.report import smoke_gate
from imednet_live.report.html import render_html
from imednet_live.report.markdown import render_markdown
from imednet_live.report.merge import load_matrix
from imednet_live.report.smoke_gate import SmokeGate, load_smoke_gate
from imednet_live.smoke import run as smoke
from imednet_live.smoke.reporter import ScenarioResult, SmokeReport

IDENTIFIERS = {
    "form_id": 2,
    "form_key": "DEMOG",
    "interval_name": "Screening",
    "site_id": 2,
    "site_name": "Minneapolis Clinic",
    "study_key": "PHARMADEMO",
    "subject_key": "02-002",
}


def _report(exit_code: int, reason: str, scenarios: list[ScenarioResult]) -> SmokeReport:
    return SmokeReport(
        base_url="http://127.0.0.1:34807",
        timeout_s=300.0,
        identifiers=IDENTIFIERS,
        scenarios=scenarios,
        exit_code=exit_code,
        reason=reason,
        duration_s=0.877,
    )


def _done(name: str, batch: str) -> ScenarioResult:
    return ScenarioResult(name, "completed", batch, "job-" + batch, "COMPLETED", 0.625)


def _skipped(name: str, detail: str) -> ScenarioResult:
    return ScenarioResult(name, "skipped", detail=detail)


GREEN = _report(
    smoke.EXIT_GREEN,
    "3 of 3 scenarios reached COMPLETED",
    [
        _done("register subject", "b-1"),
        _done("new record", "b-2"),
        _done("scheduled record", "b-3"),
    ],
)
SKIP = _report(
    smoke.EXIT_SKIP,
    "Study PHARMADEMO and its form exist, but no write scenario has identifiers",
    [
        _skipped("register subject", "No open sites for study PHARMADEMO"),
        _skipped("new record", "No active subjects for study PHARMADEMO"),
        _skipped("scheduled record", "No non-disabled intervals for study PHARMADEMO"),
    ],
)
RED = _report(
    smoke.EXIT_RED,
    "Scenario 'new record' job b-2 ended FAILED, not COMPLETED: record submission failed",
    [
        _done("register subject", "b-1"),
        ScenarioResult("new record", "failed", "b-2", "j-2", "FAILED", 1.5, "ended FAILED"),
        ScenarioResult("scheduled record", "timed-out", "b-3", "j-3", "PROCESSING", 300.0, "slow"),
    ],
)


def _write_smoke(reports: Path, report: SmokeReport | dict[str, Any]) -> Path:
    """Through SmokeReport.to_dict, as the smoke script writes it, so the contract is real."""
    data = report.to_dict() if isinstance(report, SmokeReport) else report
    path = reports / "smoke" / "smoke.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    return path


def _render(reports: Path) -> tuple[str, str]:
    gate = load_smoke_gate(reports)
    matrix = load_matrix(reports, allow_empty=gate is not None)
    return render_markdown(matrix, gate), render_html(matrix, gate)


def test_exit_codes_match_the_smoke_script() -> None:
    """The report repeats them to avoid importing the SDK; they must not drift apart."""
    assert (smoke_gate.EXIT_GREEN, smoke_gate.EXIT_RED, smoke_gate.EXIT_SKIP) == (
        smoke.EXIT_GREEN,
        smoke.EXIT_RED,
        smoke.EXIT_SKIP,
    )


@pytest.mark.parametrize(
    ("report", "icon", "status", "meaning"),
    [
        (GREEN, "✅", "pass", "green: write path confirmed"),
        (SKIP, "⏭️", "expected-skip", "skip: no write scenario had identifiers"),
        (RED, "❌", "fail", "red: the write path is not confirmed"),
    ],
    ids=["green", "skip", "red"],
)
def test_gate_is_explained_in_markdown_and_html(
    tmp_path: Path, report: SmokeReport, icon: str, status: str, meaning: str
) -> None:
    write_session(tmp_path, "live-readonly-core", [outcome("a", "sites")])
    _write_smoke(tmp_path, report)
    md, page = _render(tmp_path)

    assert md.index("## Smoke gate") < md.index("## Live sessions")
    assert f"{icon} **exit {report.exit_code} · {meaning}**" in md
    assert f"- reason: {report.reason}" in md
    assert "- target: http://127.0.0.1:34807" in md
    assert (
        "- identifiers: study_key: PHARMADEMO · form_key: DEMOG · form_id: 2 · "
        "site_name: Minneapolis Clinic · site_id: 2 · subject_key: 02-002 · "
        "interval_name: Screening"
    ) in md
    assert "&#x27;" not in md  # quotes need no escaping in markdown

    assert page.index("<h2>Smoke gate</h2>") < page.index("<h2>Live sessions</h2>")
    assert (
        f'<p class="gate {status}" data-status="{status}"><b>exit {report.exit_code}</b> · '
        f"{meaning}</p>"
    ) in page
    assert "<code>http://127.0.0.1:34807</code>" in page
    assert "site_name <b>Minneapolis Clinic</b>" in page
    for scenario in report.scenarios:
        assert f"| {scenario.name} | " in md
        assert f'<td class="nowrap">{scenario.name}</td>' in page


def test_scenario_rows_show_state_batch_duration_and_detail(tmp_path: Path) -> None:
    write_session(tmp_path, "live-readonly-core", [outcome("a", "sites")])
    _write_smoke(tmp_path, RED)
    md, page = _render(tmp_path)
    assert "| register subject | ✅ completed | b-1 | 0.62 s |  |" in md
    assert "| new record | ❌ failed | b-2 | 1.50 s | ended FAILED |" in md
    assert "| scheduled record | ❌ timed-out (PROCESSING) | b-3 | 300.00 s | slow |" in md
    assert '<td class="nowrap fail" data-status="fail">timed-out (PROCESSING)</td>' in page
    assert '<td class="nowrap pass" data-status="pass">completed</td>' in page
    _write_smoke(tmp_path, SKIP)
    md, page = _render(tmp_path)
    assert "| new record | ⏭️ skipped | - | - | No active subjects for study PHARMADEMO |" in md
    assert 'data-status="expected-skip">skipped</td>' in page


def test_smoke_values_are_escaped(tmp_path: Path) -> None:
    hostile = '<script>alert("x")</script> & | pipe'
    report = _report(1, hostile, [ScenarioResult(hostile, "failed", hostile, detail=hostile)])
    report.base_url = hostile
    report.identifiers = {"study_key": hostile}
    _write_smoke(tmp_path, report)
    md, page = _render(tmp_path)
    assert "<script>" not in md
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; &#124; pipe' in md  # table cells
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; | pipe" in page


def test_extra_keys_and_a_minimal_file_are_tolerated(tmp_path: Path) -> None:
    """Smoke stopped before discovery (bad key): no identifiers, no scenarios, new keys."""
    _write_smoke(
        tmp_path, {"exit_code": 1, "reason": "Authentication failed", "added_later": [1, 2]}
    )
    gate = load_smoke_gate(tmp_path)
    assert gate == SmokeGate(exit_code=1, reason="Authentication failed")
    md, page = _render(tmp_path)
    assert "- identifiers: none discovered" in md
    assert "- target: unknown" in md
    assert "No write scenario ran: smoke stopped before submitting any." in md
    assert "none discovered" in page


def test_an_unknown_exit_code_is_red(tmp_path: Path) -> None:
    _write_smoke(tmp_path, {"exit_code": 3, "reason": "?"})
    gate = load_smoke_gate(tmp_path)
    assert gate is not None
    assert gate.meaning == "red: unknown exit code 3"
    assert gate.status.value == "fail"


def test_absent_smoke_is_one_line_not_an_error(tmp_path: Path) -> None:
    write_session(tmp_path, "live-readonly-core", [outcome("a", "sites")])
    done = run_report(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("report: 1 session(s), no smoke gate -> ")
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "Smoke was not run in this report's folder (no `smoke/smoke.json`)." in md
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "Smoke was not run in this report&#x27;s folder" not in page  # static text
    assert "Smoke was not run in this report's folder" in page


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"{broken", "Invalid JSON"),
        (b"", "Invalid JSON"),
        (b"[]", "(top level): Input should be an object"),
        (b'{"exit_code": "red", "reason": "x"}', "exit_code: Input should be a valid integer"),
        (b'{"reason": "x"}', "exit_code: Field required"),
        (b'{"exit_code": 0, "reason": "x", "scenarios": [{}]}', "scenarios.0.name"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
    ],
)
def test_corrupt_smoke_is_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, content: bytes, detail: str
) -> None:
    write_session(tmp_path, "live-readonly-core", [outcome("a", "sites")])
    (tmp_path / "summary.md").write_text("previous", encoding="utf-8")
    bad = tmp_path / "smoke" / "smoke.json"
    bad.parent.mkdir()
    bad.write_bytes(content)
    done = run_report(tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("report: ")
    assert str(bad) in done.stderr
    assert detail in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == "previous"
    assert not (tmp_path / "summary.html").exists()


def test_unreadable_smoke_names_the_file(tmp_path: Path) -> None:
    write_session(tmp_path, "live-readonly-core", [outcome("a", "sites")])
    (tmp_path / "smoke" / "smoke.json").mkdir(parents=True)  # a directory cannot be read
    done = run_report(tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"report: cannot read {tmp_path / 'smoke' / 'smoke.json'}: ")
    assert not (tmp_path / "summary.md").exists()


def test_only_smoke_still_renders(tmp_path: Path) -> None:
    """Smoke went red and nox aborted the live sessions: the report matters most now."""
    _write_smoke(tmp_path, RED)
    done = run_report(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("report: 0 session(s), smoke exit 1 -> ")
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "❌ **exit 1 · red: the write path is not confirmed**" in md
    assert "No live session outcomes were found (no `*/outcomes.json`)" in md
    assert "| resource |" not in md
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert 'data-status="fail"' in page
    assert "No live session outcomes were found" in page
    assert "resource / feature" not in page


def test_neither_smoke_nor_outcomes_is_still_an_error(tmp_path: Path) -> None:
    done = run_report(tmp_path)
    assert done.returncode == 2
    assert "outcomes.json found" in done.stderr
    assert not (tmp_path / "summary.md").exists()
