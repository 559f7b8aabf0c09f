"""Known SDK defects: their own count in the verdict and a short list, never a red run."""

from __future__ import annotations

from pathlib import Path

from report_support import outcome, run_report, write_session

LONG_NAMES = "SDK 0.5.0: export_to_sql silently truncates variable names over 63 characters"
LONG_KEY = "SDK 0.5.0: export_to_sql_by_form raises IdentifierError on a long form key"


def test_known_sdk_defects_are_counted_and_listed_and_leave_the_run_green(
    tmp_path: Path,
) -> None:
    write_session(
        tmp_path,
        "live-readonly-exports",
        [
            outcome("test_ok", "export.sql"),
            outcome(
                "test_names",
                "export.sql",
                "skipped",
                category="known-sdk-defect",
                message=LONG_NAMES,
            ),
            outcome(
                "test_key", "export.sql", "skipped", category="known-sdk-defect", message=LONG_KEY
            ),
            outcome("test_skip", "export.csv", "skipped", category="dependency-missing"),
        ],
        profile="exports",
    )
    done = run_report(tmp_path)
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")

    headline = md.splitlines()[0]
    assert headline.startswith("GREEN · 0 failed · ")
    assert "1 expected skip · 2 known SDK defects · 1 passed" in headline
    assert "2 known SDK defects" in page.split('id="verdict"')[1].split("</div>")[0]

    section = md.split("## Known SDK defects (2)")[1].split("##")[0]
    assert "**live-readonly-exports** · <code>tests/live/test_x.py::test_names</code>" in section
    assert LONG_NAMES in section
    assert LONG_KEY in section
    assert md.index("## Failures") < md.index("## Known SDK defects")
    assert "test_skip" not in section
    row = next(line for line in md.splitlines() if line.startswith("| `export.sql` |"))
    assert row == "| `export.sql` | ✅ 1 pass · 2 known defect |"

    listed = page.split('<ul id="known-defects">')[1].split("</ul>")[0]
    assert listed.count("<li>") == 2
    assert "test_x.py::test_key</code>: SDK 0.5.0: export_to_sql_by_form" in listed


def test_a_run_without_known_defects_has_no_count_and_no_section(tmp_path: Path) -> None:
    write_session(tmp_path, "live-readonly-core", [outcome("test_ok", "sites")])
    done = run_report(tmp_path)
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "known SDK defect" not in md
    assert "known-defects" not in (tmp_path / "summary.html").read_text(encoding="utf-8")


def test_an_unexpected_known_defect_skip_is_red_like_any_unexpected_skip(tmp_path: Path) -> None:
    write_session(
        tmp_path,
        "live-readonly-core",
        [
            outcome("test_ok", "sites"),
            outcome(
                "test_names",
                "export.sql",
                "skipped",
                category="known-sdk-defect",
                expected=False,
                message=LONG_NAMES,
            ),
        ],
    )
    done = run_report(tmp_path)
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("RED · 0 failed · 1 unexpected skip · "), md
    assert "known SDK defect" not in md.splitlines()[0]
