"""What an operator sees first: the verdict line, the failures, the sessions, the changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_support import outcome, run_report, write_session

from imednet_live.charter.outcomes import Violation

API_FAILURE = (
    "ForbiddenError: HTTP 403 GET /api/v1/edc/studies/S1/sites: "
    '{"metadata":{"error":"no access"}}\nsecond line with the full body'
)


def _report(reports: Path, *args: str) -> tuple[str, str]:
    done = run_report(reports, *args)
    assert done.returncode == 0, done.stderr
    md = (reports / "summary.md").read_text(encoding="utf-8")
    page = (reports / "summary.html").read_text(encoding="utf-8")
    return md, page


def _write_smoke(reports: Path, exit_code: int, base_url: str = "http://127.0.0.1:1") -> None:
    path = reports / "smoke" / "smoke.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"exit_code": exit_code, "reason": "r", "target": {"base_url": base_url}}
    path.write_text(json.dumps(data), encoding="utf-8")


def test_red_run_starts_with_red_and_lists_each_failure_first_line(tmp_path: Path) -> None:
    write_session(
        tmp_path,
        "live-readonly-core",
        [
            outcome("ok", "sites"),
            outcome("forbidden", "sites", "failed", message=API_FAILURE, failure_kind="api-error"),
            outcome("skip", "export.csv", "skipped", category="dependency-missing"),
        ],
        wall_seconds=12.5,
        api_requests=169,
        sdk_version="0.5.0",
    )
    write_session(
        tmp_path,
        "live-mutating",
        [
            outcome(
                "export",
                "export.csv",
                "failed",
                message="AssertionError: export csv wrote no rows\nassert 0 > 0",
                failure_kind="sdk-swallowed-api-error",
                sdk_log=["imednet.mapper WARNING Failed to fetch records for study S1: 500"],
            ),
            outcome("writes", "records"),
        ],
        profile="mutating",
    )
    write_session(tmp_path, "live-readonly-exports", [outcome("a", "sites")], profile="exports")
    _write_smoke(tmp_path, 0)
    md, page = _report(tmp_path)

    first = md.splitlines()[0]
    assert first.startswith(
        "RED · 2 failed · 0 unexpected skips · 0 charter violations · 1 expected skip · 3 passed"
    )
    assert "red sessions: **live-readonly-core**, **live-mutating**" in md
    failures = md[md.index("## Failures (2)") : md.index("## Sessions at a glance")]
    assert (
        "1. ❌ **live-readonly-core** · <code>sites</code> · api-error · "
        "<code>tests/live/test_x.py::forbidden</code><br>ForbiddenError: HTTP 403 GET "
        '/api/v1/edc/studies/S1/sites: {"metadata":{"error":"no access"}}'
    ) in failures
    assert "second line with the full body</pre></details>" in failures
    assert (
        "2. ❌ **live-mutating** · <code>export.csv</code> · sdk-swallowed-api-error · "
        "<code>tests/live/test_x.py::export</code><br>AssertionError: export csv wrote no rows"
    ) in failures
    assert "the SDK logged:&#10;imednet.mapper WARNING Failed to fetch records" in failures
    # Verdict, failures, sessions, smoke gate, then the grid.
    order = ["## Failures", "## Sessions at a glance", "## Smoke gate", "## Live sessions"]
    assert [md.index(h) for h in order] == sorted(md.index(h) for h in order)

    assert (
        '<div class="verdict red" id="verdict" data-status="RED"><b class="status">RED</b>2 failed'
        in page
    )
    assert page.index('id="verdict"') < page.index("<h2>Failures (2)</h2>")
    assert page.index("<h2>Failures (2)</h2>") < page.index("<h2>Smoke gate</h2>")
    assert '<a href="#failure-1">details</a>' in page
    assert '<section id="failure-1">' in page
    assert '<a href="live-readonly-core/junit.xml">junit.xml</a>' in page
    assert "<title>RED · imednet-live matrix</title>" in page


def test_green_run(tmp_path: Path) -> None:
    write_session(
        tmp_path,
        "live-readonly-core",
        [outcome("a", "sites"), outcome("b", "export.csv", "skipped", category="dep")],
    )
    _write_smoke(tmp_path, 0)
    md, page = _report(tmp_path)
    assert md.startswith(
        "GREEN · 0 failed · 0 unexpected skips · 0 charter violations · 1 expected skip · 1 passed"
    )
    assert "red sessions: none" in md
    assert "## Failures\n\nNo test failed." in md
    assert '<div class="verdict green" id="verdict" data-status="GREEN">' in page
    assert "<p>No test failed.</p>" in page


def test_all_skipped_run_is_not_run_rather_than_green(tmp_path: Path) -> None:
    disabled = "live suite disabled: IMEDNET_RUN_E2E is not 1"
    write_session(
        tmp_path,
        "live-readonly-core",
        [
            outcome(name, "sites", "skipped", category="suite-disabled", message=disabled)
            for name in ("a", "b")
        ],
    )
    md, page = _report(tmp_path)
    assert md.startswith(
        "NOT RUN · 0 failed · 0 unexpected skips · 0 charter violations · 2 expected"
    )
    assert "- no test ran: every test skipped" in md
    assert 'data-status="NOT RUN"><b class="status">NOT RUN</b>' in page


def test_green_smoke_without_live_sessions_is_not_run_and_red_smoke_is_red(
    tmp_path: Path,
) -> None:
    _write_smoke(tmp_path, 0)
    md, _ = _report(tmp_path)
    assert md.startswith("NOT RUN · ")
    assert "- no live session ran" in md
    _write_smoke(tmp_path, 1)
    md, page = _report(tmp_path)
    assert md.startswith("RED · 0 failed")
    assert "- smoke gate red (exit 1): the write path is not confirmed" in md
    assert 'class="verdict red"' in page


def test_mixed_run_counts_unexpected_skips_and_violations_and_names_red_sessions(
    tmp_path: Path,
) -> None:
    write_session(
        tmp_path,
        "live-readonly-exports",
        [
            outcome("a", "sites"),
            outcome("odd", "export.csv", "skipped", category="dependency-missing", expected=False),
        ],
        profile="exports",
        violations=[
            Violation(
                nodeid="tests/live/test_x.py::odd",
                category="dependency-missing",
                message="skipped as dependency-missing, but profile exports expects it to run",
            )
        ],
    )
    write_session(tmp_path, "live-readonly-core", [outcome("b", "sites")])
    _write_smoke(tmp_path, 2)
    md, page = _report(tmp_path)
    assert md.startswith(
        "RED · 0 failed · 1 unexpected skip · 1 charter violation · 0 expected skips · 2 passed"
    )
    assert "red sessions: **live-readonly-exports**" in md
    assert "- smoke gate skipped (exit 2): the write path was not proved" in md
    assert (
        "- ⚠️ **live-readonly-exports** [dependency-missing] "
        "<code>tests/live/test_x.py::odd</code>: skipped as dependency-missing, "
        "but profile exports expects it to run"
    ) in md
    assert md.index("## Charter violations (1)") < md.index("## Sessions at a glance")
    assert "<b>live-readonly-exports</b>" in page.split('id="verdict"')[1].split("</div>")[0]


def test_sessions_at_a_glance(tmp_path: Path) -> None:
    write_session(
        tmp_path,
        "live-mutating",
        [outcome("a", "records")],
        profile="mutating",
        target_kind="live",
        base_url="https://user:hunter2-secret@edc.example.com?token=abcdefgh123",
        sdk_distributions={"imednet": "0.8.0", "imednet-workflows": "0.6.0"},
        wall_seconds=75.2,
        api_requests=412,
        concurrency="-n 14: 2 cores, round-trip 120 ms (probe of 3 GETs); slow jobs",
    )
    write_session(
        tmp_path,
        "live-readonly-core",
        [outcome("b", "sites", "failed", message="boom")],
        target_kind="replay",
        recording="recordings/nightly.jsonl",
        sdk_version="0.5.0",
        wall_seconds=8.25,
    )
    md, page = _report(tmp_path)
    table = md[md.index("## Sessions at a glance") :].split("\n\n")[1].splitlines()
    assert table[2] == (
        "| 🔴 live-readonly-core | core | replay · recording recordings/nightly.jsonl "
        "| imednet 0.5.0 | 0 | 1 | 0 | 0 | 0 | - | 8.2 s | - |"
    )
    assert table[3] == (
        "| 🟢 live-mutating | mutating | live · https://***@edc.example.com?*** "
        "| imednet 0.8.0 + imednet-workflows 0.6.0 | 1 | 0 | 0 | 0 | 0 "
        "| -n 14: 2 cores, round-trip 120 ms (probe of 3 GETs); slow jobs | 1 min 15 s | 412 |"
    )
    for text in (md, page):
        assert "hunter2" not in text
        assert "abcdefgh123" not in text


def test_previous_run_shows_what_changed(tmp_path: Path) -> None:
    before, now = tmp_path / "before", tmp_path / "now"
    write_session(
        before,
        "live-readonly-core",
        [
            outcome("fixed", "sites", "failed", message="HTTP 500"),
            outcome("broke", "sites"),
            outcome("skips", "visits"),
            outcome("same", "forms"),
        ],
    )
    write_session(
        now,
        "live-readonly-core",
        [
            outcome("fixed", "sites"),
            outcome("broke", "sites", "failed", message="HTTP 403 GET /x\nbody"),
            outcome("skips", "visits", "skipped", category="no-eligible-data", message="No visits"),
            outcome("same", "forms"),
            outcome("new", "users", "failed", message="new and red"),
        ],
    )
    md, page = _report(now, "--previous", str(before))
    section = md[md.index("## Changed since last run") : md.index("## Sessions at a glance")]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    session, test = "**live-readonly-core**", "<code>tests/live/test_x.py::"
    assert lines == [
        f"- ❌ went red (was green): {session} {test}broke</code>: HTTP 403 GET /x",
        f"- ❌ went red (was absent): {session} {test}new</code>: new and red",
        f"- ✅ went green (was red): {session} {test}fixed</code>: passed",
        f"- ⏭️ new skip (was green): {session} {test}skips</code>: No visits",
    ]
    assert "<h2>Changed since last run</h2>" in page
    md, _ = _report(now, "--previous", str(now))
    assert "Nothing changed: no test went red or green, no new skip." in md


@pytest.mark.parametrize("make", [False, True])
def test_bad_previous_folder_is_one_line(tmp_path: Path, make: bool) -> None:
    write_session(tmp_path / "now", "s", [outcome("a", "sites")])
    previous = tmp_path / "old"
    if make:
        previous.mkdir()
    done = run_report(tmp_path / "now", "--previous", str(previous))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert str(previous) in done.stderr
