"""The report names each session's resolution, what differs from the lock, and the breaks."""

from __future__ import annotations

from pathlib import Path

from report_support import outcome, run_report, write_session

from imednet_live.charter.outcomes import LockDifference

BREAK = "dependency break: click 8.5.1 (lock: 8.1.8) breaks SDK 0.5.0's typer CLI"


def test_resolution_and_dependency_breaks_are_listed_and_the_run_stays_green(
    tmp_path: Path,
) -> None:
    write_session(
        tmp_path,
        "live-readonly-core",
        [
            outcome("test_ok", "studies"),
            outcome(
                "test_cli", "sdk.surface", "skipped", category="dependency-break", message=BREAK
            ),
        ],
        resolution="latest",
        lock_differences=[LockDifference(name="click", locked="8.1.8", installed="8.5.1")],
    )
    write_session(
        tmp_path,
        "live-readonly-exports",
        [outcome("test_ok", "studies")],
        profile="exports",
        resolution="latest",
    )
    write_session(tmp_path, "live-mutating", [outcome("test_ok", "studies")], profile="mutating")
    done = run_report(tmp_path)
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert md.splitlines()[0].startswith("GREEN")
    # Counted apart in the verdict, as known SDK defects are, not among the plain skips.
    assert "0 expected skips · 1 dependency break · 3 passed" in md.splitlines()[0]
    assert "## Dependency breaks (1)" in md
    assert BREAK in md
    section = md.split("## Dependency resolution", 1)[1].split("\n## ", 1)[0]
    assert "live-readonly-core** · latest: 1 differing from the lock: click 8.1.8 -&gt; 8.5.1" in (
        section
    )
    assert "live-readonly-exports** · latest: resolves exactly the lock" in section
    assert "live-mutating" not in section  # locked and as locked: nothing to say
    assert 'id="dependency-breaks"' in page
    assert 'id="resolution"' in page
    assert "click 8.1.8 -&gt; 8.5.1" in page
