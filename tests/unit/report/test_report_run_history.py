"""The run history: two runs make a trend and a table; bad history files never stop a report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from report_support import outcome, run_report, write_session
from test_report_render import _png_colours, _screenshot

from imednet_live.report.__main__ import main as report_main
from imednet_live.report.html import render_html
from imednet_live.report.merge import build_matrix
from imednet_live.report.run_history import KEEP_RUNS, RunRecord, SessionRun
from imednet_live.report.trend import trend_html

HISTORY = "IMEDNET_LIVE_HISTORY"


def _night(reports: Path, run_id: str, *, broken: bool, wall: float, requests: int) -> None:
    """One night's sessions, written over the last night's, as a fresh `nox` run does."""
    write_session(
        reports,
        "live-readonly-core",
        [
            outcome("ok", "sites"),
            outcome("flaky", "records", "failed" if broken else "passed", message="HTTP 500"),
            outcome("skip", "visits", "skipped", category="no-eligible-data"),
        ],
        run_id=run_id,
        wall_seconds=wall,
        api_requests=requests,
        sdk_version="0.5.0",
    )
    write_session(
        reports,
        "live-exports",
        [outcome("csv", "export.csv")],
        profile="exports",
        run_id=run_id,
        wall_seconds=wall / 2,
        api_requests=requests // 2,
        sdk_version="0.5.0",
    )


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _ok(reports: Path, history: Path) -> subprocess.CompletedProcess[str]:
    done = run_report(reports, **{HISTORY: str(history)})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


def _in_process(
    reports: Path,
    history: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    """The report's main in this process (cheaper than a subprocess); returns its stderr."""
    monkeypatch.setenv(HISTORY, str(history))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert report_main([str(reports)]) == 0
    return capsys.readouterr().err


def test_two_runs_make_a_history_an_svg_trend_and_a_table(tmp_path: Path) -> None:
    reports, history = tmp_path / "reports", tmp_path / "history.jsonl"
    _night(reports, "run-1", broken=False, wall=60.0, requests=100)
    first = _ok(reports, history)
    assert first.stderr == ""  # no earlier run: nothing to compare, nothing to warn about
    _night(reports, "run-2", broken=True, wall=90.0, requests=130)
    second = _ok(reports, history)
    assert f"run appended to the history {history}" in second.stdout

    runs = _lines(history)
    assert [r["verdict"] for r in runs] == ["GREEN", "RED"]
    assert runs[1]["schema_version"] == 1
    assert runs[1]["sdk"] == "imednet 0.5.0"
    assert runs[1]["resolution"] == "locked"
    assert runs[1]["smoke_exit"] is None
    core = next(s for s in runs[1]["sessions"] if s["session"] == "live-readonly-core")  # type: ignore[union-attr]
    assert core == {
        "session": "live-readonly-core", "red": True, "passed": 1, "failed": 1,
        "expected_skips": 1, "unexpected": 0, "known_defects": 0, "surface_changes": 0,
        "violations": 0, "wall_seconds": 90.0, "api_requests": 130,
    }  # fmt: skip

    md = (reports / "summary.md").read_text(encoding="utf-8")
    table = md[md.index("## Last runs") :].split("\n\n")[1].splitlines()
    assert table[0].startswith("| run | verdict | target | SDK | resolution | passed | failed |")
    rows = table[2:]
    assert len(rows) == 2
    assert "🔴 RED" in rows[0]
    assert "| 2 | 1 | 0 | 1 |" in rows[0]
    assert "🟢 GREEN" in rows[1]
    assert "| 2 min 15 s | 195 |" in rows[0]
    # The default --previous is the last run in the history: its kept test states.
    section = md[md.index("## Changed since last run") : md.index("## Last runs")]
    assert "went red (was green): **live-readonly-core** <code>tests/live/test_x.py::flaky" in (
        section
    )
    assert "changes since the last run in the history" in second.stdout

    page = (reports / "summary.html").read_text(encoding="utf-8")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert page.count('<g class="run">') == 2
    assert svg.count("<circle") == 4  # wall time and requests, one point per run each
    assert svg.count('class="t-red"') == 2  # the key's swatch and the red run's mark
    assert re.search(r"<title>\d{4}-\d\d-\d\d \d\d:\d\d UTC · RED · 2 passed, 1 expected", svg)
    assert "<script" not in page
    assert "http" not in svg

    # Reporting the same run again replaces its line, and still compares with run 1.
    _ok(reports, history)
    runs = _lines(history)
    assert [r["verdict"] for r in runs] == ["GREEN", "RED"]
    assert all("tests" in r for r in runs)  # the last two runs keep their test states
    assert "went red (was green)" in (reports / "summary.md").read_text(encoding="utf-8")


def test_the_history_keeps_the_last_runs_and_states_only_for_the_last_two(tmp_path: Path) -> None:
    reports, history = tmp_path / "reports", tmp_path / "history.jsonl"
    old = [_record(n) for n in range(KEEP_RUNS)]
    history.write_text("".join(r.model_dump_json() + "\n" for r in old), encoding="utf-8")
    _night(reports, "run-new", broken=False, wall=60.0, requests=100)
    done = _ok(reports, history)
    # The last fabricated run kept no test states: said in one line, no comparison made.
    assert done.stderr.count("\n") == 1, done.stderr
    assert "kept no test states" in done.stderr
    assert "--previous DIR" in done.stderr
    runs = _lines(history)
    assert len(runs) == KEEP_RUNS
    assert runs[0]["run_ids"] == ["old-1"]  # the oldest run went
    assert runs[-1]["run_ids"] == ["run-new"]
    assert ["tests" in r for r in runs[-3:]] == [False, False, True]


def test_a_last_run_of_another_sdk_build_is_not_compared_test_by_test(tmp_path: Path) -> None:
    reports, history = tmp_path / "reports", tmp_path / "history.jsonl"
    _night(reports, "run-1", broken=False, wall=60.0, requests=100)
    _ok(reports, history)
    _night(reports, "run-2", broken=True, wall=60.0, requests=100)
    for path in reports.glob("*/outcomes.json"):  # the same sessions, on another build
        path.write_text(path.read_text().replace('"0.5.0"', '"0.8.0"'), encoding="utf-8")
    done = _ok(reports, history)
    assert done.stderr.count("\n") == 1, done.stderr
    assert (
        "tested imednet 0.5.0 (locked) on sandbox, this one imednet 0.8.0 (locked) on sandbox"
        in done.stderr
    )
    md = (reports / "summary.md").read_text(encoding="utf-8")
    assert "## Changed since last run" not in md
    assert len(_lines(history)) == 2  # both runs are in the history and its trend


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("{not json", "skipped 1 corrupt line(s) (2; line 2: not an imednet-live-run record)"),
        ('{"format": "imednet-live-run", "schema_version": 1}', "skipped 1 corrupt line(s) (2;"),
        (
            '{"format": "imednet-live-run", "schema_version": 7, "anything": []}',
            "skipped 1 line(s) written by a later imednet-live (schema 7; this one reads 1)",
        ),
    ],
    ids=["not-json", "invalid", "later-schema"],
)
def test_a_line_it_cannot_read_is_one_warning_and_kept(
    tmp_path: Path,
    line: str,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reports, history = tmp_path / "reports", tmp_path / "history.jsonl"
    history.write_text(_record(0).model_dump_json() + "\n" + line + "\n", encoding="utf-8")
    _night(reports, "run-1", broken=False, wall=60.0, requests=100)
    stderr = _in_process(reports, history, monkeypatch, capsys)
    assert "Traceback" not in stderr
    warnings = [w for w in stderr.splitlines() if "history" in w and "skipped" in w]
    assert warnings == [f"report: history {history}: {said}" + warnings[0].split(said, 1)[1]]
    assert str(history) in warnings[0]
    kept = history.read_text(encoding="utf-8").splitlines()
    assert kept[1] == line
    assert len(kept) == 3
    page = (reports / "summary.html").read_text(encoding="utf-8")
    assert page.count('<g class="run">') == 2  # the readable old run and this one


def _not_ours(tmp_path: Path, kind: str) -> Path:
    if kind == "other-json":
        path = tmp_path / "other.json"
        path.write_text('{"some": "other tool"}\n', encoding="utf-8")
    elif kind == "directory":
        path = tmp_path / "a-folder"
        path.mkdir()
    else:  # unwritable: its folder is a file (root ignores permission bits)
        (tmp_path / "file").write_text("x", encoding="utf-8")
        path = tmp_path / "file" / "history.jsonl"
    return path


@pytest.mark.parametrize("kind", ["other-json", "directory", "unwritable"])
def test_a_history_that_is_not_ours_is_one_line_and_the_report_is_written(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reports, history = tmp_path / "reports", _not_ours(tmp_path, kind)
    before = history.read_text(encoding="utf-8") if history.is_file() else None
    _night(reports, "run-1", broken=False, wall=60.0, requests=100)
    stderr = _in_process(reports, history, monkeypatch, capsys)
    assert stderr.count("\n") == 1, stderr
    assert str(history) in stderr
    assert (reports / "summary.html").is_file()
    assert (reports / "summary.md").is_file()
    if before is not None:
        assert history.read_text(encoding="utf-8") == before  # never touched


def _record(n: int, sessions: int = 6) -> RunRecord:
    return RunRecord(
        when=datetime(2026, 1, 1, 3, 17, tzinfo=timezone.utc) + timedelta(days=n),
        verdict="RED" if n % 9 == 0 else "GREEN",
        target="sandbox",
        sdk="imednet 0.5.0",
        resolution="locked",
        sessions=[
            SessionRun(
                session=f"live-readonly(profile='p{i}')",
                red=n % 9 == 0,
                passed=100 + n % 7,
                failed=3 if n % 9 == 0 else 0,
                expected_skips=20,
                unexpected=n % 5 == 0,
                known_defects=2,
                surface_changes=1,
                wall_seconds=60.0 + n,
                api_requests=400 + n,
            )
            for i in range(sessions)
        ],
        drift={"added-field": n % 3},
        smoke_exit=0,
        reports_dir="/ci/reports",
        run_ids=[f"old-{n}"],
    )


def test_four_hundred_runs_keep_the_page_under_one_megabyte() -> None:
    runs = [_record(n) for n in range(KEEP_RUNS)]
    trend = trend_html(runs)
    page = render_html(build_matrix([]), None, None, trend)
    assert trend.count('<g class="run">') == KEEP_RUNS
    assert len(page.encode("utf-8")) < 1_000_000, len(page.encode("utf-8"))


def _dom(page: Path, tmp_path: Path) -> str:
    """The page's DOM as headless Chromium built it (after parsing, CSP applied)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium is not None  # _screenshot skipped before this without it
    done = subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-dom'}", "--dump-dom", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


def test_the_trend_is_drawn_in_headless_chromium(tmp_path: Path) -> None:
    reports, history = tmp_path / "reports", tmp_path / "history.jsonl"
    for n, broken in enumerate((False, True)):
        _night(reports, f"run-{n}", broken=broken, wall=60.0 + 30 * n, requests=100 + n)
        _ok(reports, history)
    page = reports / "summary.html"
    colours = _png_colours(_screenshot(page, tmp_path / "shot.png", "1200,2400"))
    assert bytes.fromhex("2da44e") in colours  # passed bars, styled by the page's own CSS
    assert bytes.fromhex("afb8c1") in colours  # expected skips stacked on them
    dom = _dom(page, tmp_path)
    svg = dom[dom.index('<svg class="trend"') : dom.index("</svg>")]
    assert svg.count('<g class="run">') == 2
    assert svg.count("<circle") == 4
    assert svg.count("<polyline") == 2
    assert svg.count('class="t-red"') == 2  # the key's swatch and the red run's mark
    assert len(re.findall(r"<title>[^<]* UTC · (?:RED|GREEN) · ", svg)) == 6
