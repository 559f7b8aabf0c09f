"""summary.md / summary.html: content, escaping, atomic writes, exit codes, and a real render."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from report_support import outcome, run_report, write_session

from imednet_live.charter.outcomes import Violation

HOSTILE = '<script>alert("x")</script> & | pipe'


def _sessions(reports: Path) -> None:
    write_session(
        reports,
        "live-readonly-core",
        [
            outcome("ok", "sites"),
            outcome("broken", "sites", "failed", message=HOSTILE, failure_kind="api-error"),
            outcome("skip", "export.csv", "skipped", category="dependency-missing"),
        ],
        violations=[Violation(nodeid="(session)", category="read-only", message="POST /x")],
    )
    write_session(
        reports,
        "live-exports",
        [outcome("odd", "export.csv", "skipped", category="unclassified", expected=False)],
        profile="exports",
    )


def test_report_writes_markdown_and_html_and_exits_zero_despite_failures(tmp_path: Path) -> None:
    _sessions(tmp_path)
    done = run_report(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("report: 2 session(s), no smoke gate -> ")
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert (
        "| resource | live-readonly-core (core, sandbox) | live-exports (exports, sandbox) |" in md
    )
    assert "| `sites` | ❌ 1 pass · 1 fail | - |" in md
    assert "| `export.csv` | ⏭️ 1 skip | ⚠️ 1 unexpected |" in md
    assert "<script>" not in md
    assert "&lt;script&gt;" in md
    assert "- ⚠️ **live-readonly-core** [read-only] <code>(session)</code>: POST /x" in md
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; | pipe" in page
    assert '<td class="cell fail" data-status="fail">1 pass · 1 fail<details>' in page
    assert 'data-status="unexpected-skip"' in page
    assert 'data-status="expected-skip"' in page
    assert "http://" not in page.replace("http://127.0.0.1:1", "")  # no external asset
    assert "default-src 'none'" in page


def test_markdown_keeps_quotes_readable(tmp_path: Path) -> None:
    """nox names parametrized sessions like live-readonly(profile='core'); no &#x27; in md."""
    write_session(
        tmp_path,
        "live-readonly(profile='core')",
        [outcome("q", "sites", "failed", message="No site 'X' | \"Y\"")],
    )
    assert run_report(tmp_path).returncode == 0
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| resource | live-readonly(profile='core') (core, sandbox) |" in md
    assert "No site 'X' | \"Y\"</li>" in md  # inside <details>, not a table cell
    assert "&#x27;" not in md
    assert "&quot;" not in md


def test_markdown_is_appended_to_the_github_step_summary(tmp_path: Path) -> None:
    _sessions(tmp_path / "reports")
    summary = tmp_path / "step_summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    done = run_report(tmp_path / "reports", GITHUB_STEP_SUMMARY=str(summary))
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\nRED · 1 failed · 1 unexpected skip · ")


@pytest.mark.parametrize("content", ["{broken", '{"session": 1}'])
def test_corrupt_input_is_one_line_and_leaves_old_reports_alone(
    tmp_path: Path, content: str
) -> None:
    _sessions(tmp_path)
    (tmp_path / "summary.md").write_text("previous", encoding="utf-8")
    bad = tmp_path / "live-airflow" / "outcomes.json"
    bad.parent.mkdir()
    bad.write_text(content, encoding="utf-8")
    done = run_report(tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert str(bad) in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == "previous"
    assert not (tmp_path / "summary.html").exists()


def test_missing_reports_directory_is_one_line(tmp_path: Path) -> None:
    done = run_report(tmp_path / "nowhere")
    assert done.returncode == 2
    assert done.stderr == f"report: reports directory {tmp_path / 'nowhere'} does not exist\n"


def _png_colours(png: bytes) -> set[bytes]:
    """Distinct pixel colours of an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert (depth, interlace) == (8, 0), header
    assert colour_type in (2, 6), header
    bpp = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(b"".join(chunks)), width * bpp
    previous, colours = bytearray(stride), set()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):  # undo the PNG row filter
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        if row % 8 == 0:  # sampling every 8th row is plenty to see a grid
            colours.update(bytes(line[i : i + 3]) for i in range(0, stride, bpp))
        previous = line
    return colours


def _screenshot(page: Path, shot: Path, size: str = "1200,800") -> bytes:
    """A real headless Chromium's screenshot of ``page``: the viewport only, no scrolling."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={shot.parent / 'chromium-profile'}",
            f"--screenshot={shot}",
            f"--window-size={size}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return shot.read_bytes()


def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    _sessions(tmp_path)
    assert run_report(tmp_path).returncode == 0
    colours = _png_colours(_screenshot(tmp_path / "summary.html", tmp_path / "shot.png"))
    # Background, text, borders and the verdict's colour: far from a blank page.
    assert len(colours) > 8
    assert bytes.fromhex("b3261e") in colours  # the red verdict is on screen


@pytest.mark.parametrize(
    ("failing", "colour"), [(True, "b3261e"), (False, "1a7f37")], ids=["red", "green"]
)
def test_verdict_is_visible_without_scrolling_at_1280x800(
    tmp_path: Path, failing: bool, colour: str
) -> None:
    """Many failures and sessions make a long page; the verdict still opens it."""
    for n in range(4):
        tests = [outcome(f"t{i}", "sites") for i in range(5)]
        if failing:
            tests += [
                outcome(f"f{i}", "records", "failed", message=f"HTTP 500 GET /r/{i}")
                for i in range(6)
            ]
        write_session(tmp_path, f"live-{n}", tests)
    assert run_report(tmp_path).returncode == 0
    page = tmp_path / "summary.html"
    colours = _png_colours(_screenshot(page, tmp_path / "shot.png", "1280,800"))
    assert bytes.fromhex(colour) in colours
    other = "1a7f37" if failing else "b3261e"
    assert bytes.fromhex(other) not in colours


def test_each_session_shows_its_api_request_count(tmp_path: Path) -> None:
    write_session(tmp_path, "live-readonly-core", [outcome("ok", "sites")], api_requests=1234)
    write_session(tmp_path, "live-readonly-old", [outcome("ok", "sites")])  # not counted
    assert run_report(tmp_path).returncode == 0
    markdown = (tmp_path / "summary.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(): line
        for line in markdown.splitlines()
        if "live-readonly-" in line and line.startswith("| ")
    }
    core = next(line for name, line in rows.items() if name.endswith("live-readonly-core"))
    old = next(line for name, line in rows.items() if name.endswith("live-readonly-old"))
    assert core.rstrip().endswith("| 1234 |")
    assert old.rstrip().endswith("| - |")  # not counted: shown as unknown, never as 0
    assert ">1234<" in (tmp_path / "summary.html").read_text(encoding="utf-8")


def test_each_session_shows_the_workers_it_chose_and_why(tmp_path: Path) -> None:
    why = "-n 2: 2 cores, round-trip 100 ms (probe of 3 GETs), 4 session(s) in parallel"
    write_session(tmp_path, "live-readonly-core", [outcome("ok", "sites")], concurrency=why)
    write_session(tmp_path, "live-readonly-old", [outcome("ok", "sites")])  # written before
    assert run_report(tmp_path).returncode == 0
    markdown = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| violations | workers | wall time |" in markdown
    core = next(line for line in markdown.splitlines() if "live-readonly-core |" in line)
    old = next(line for line in markdown.splitlines() if "live-readonly-old |" in line)
    assert f"| {why} |" in core
    assert "| 0 | - | - |" in old  # violations, workers unknown, wall time unknown
    assert f"<td>{why}</td>" in (tmp_path / "summary.html").read_text(encoding="utf-8")


def test_both_reports_name_the_sdk_build(tmp_path: Path) -> None:
    """Sessions of different SDK builds side by side: each column says which it tested."""
    from imednet_live.charter.outcomes import SessionOutcomes
    from imednet_live.report.html import render_html
    from imednet_live.report.markdown import render_markdown
    from imednet_live.report.merge import build_matrix

    def session(name: str, dists: dict[str, str]) -> SessionOutcomes:
        return SessionOutcomes(
            session=name, profile="core", target_kind="sandbox", base_url="http://x",
            sdk_version=dists["imednet"], sdk_distributions=dists, counts={}, tests=[],
        )  # fmt: skip

    matrix = build_matrix(
        [
            session("old", {"imednet": "0.5.6"}),
            session("new", {"imednet": "0.8.0", "imednet-workflows": "0.6.0"}),
        ]
    )
    markdown = render_markdown(matrix, None)
    lines = markdown.splitlines()
    rows = [line for line in lines if line.startswith("| ") and "sandbox" in line]
    assert any(" old" in row and "| imednet 0.5.6 |" in row for row in rows), rows
    assert any(
        " new" in row and "| imednet 0.8.0 + imednet-workflows 0.6.0 |" in row for row in rows
    )
    html = render_html(matrix, None)
    assert "<td>imednet 0.8.0 + imednet-workflows 0.6.0</td>" in html
