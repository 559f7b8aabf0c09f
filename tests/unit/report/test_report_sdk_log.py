"""A failure's SDK log lines appear under it in summary.md and summary.html, escaped."""

from __future__ import annotations

from pathlib import Path

from report_support import outcome, run_report, write_session

LOGGED = (
    "ERROR imednet.workflows.record_mapper: Failed to fetch records for study 'PHARMADEMO': "
    "<b>500</b> (Status Code: 500)"
)


def test_failure_details_carry_the_sdk_log(tmp_path: Path) -> None:
    swallowed = outcome(
        "test_export_file[csv]",
        "cli",
        "failed",
        message="the SDK swallowed HTTP 500 GET /api/v1/edc/studies/PHARMADEMO/records",
        failure_kind="sdk-swallowed-api-error",
    )
    swallowed.sdk_log = [LOGGED] + [f"WARNING imednet: line {n}" for n in range(1, 8)]
    write_session(tmp_path, "live-readonly-exports", [swallowed, outcome("ok", "sites")])
    done = run_report(tmp_path)
    assert done.returncode == 0, done.stderr

    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "[sdk-swallowed-api-error]" in md
    assert "the SDK logged:<ul><li><code>ERROR imednet.workflows.record_mapper: " in md
    assert "&lt;b&gt;500&lt;/b&gt; (Status Code: 500)</code></li>" in md
    assert "line 4</code>" in md  # the first five lines
    assert "line 5</code>" not in md
    assert "(+3 more in outcomes.json)" in md

    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "<b>500</b>" not in page
    assert (
        "Failed to fetch records for study &#x27;PHARMADEMO&#x27;: &lt;b&gt;500&lt;/b&gt;" in page
    )
    assert page.count('class="sdk-log"') == 6
