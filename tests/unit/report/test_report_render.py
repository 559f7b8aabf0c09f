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
        "| resource | live-exports (exports, sandbox) | live-readonly-core (core, sandbox) |" in md
    )
    assert "| `sites` | - | ❌ 1 pass · 1 fail |" in md
    assert "| `export.csv` | ⚠️ 1 unexpected | ⏭️ 1 skip |" in md
    assert "<script>" not in md
    assert "&lt;script&gt;" in md
    assert "<b>violation</b> [read-only] <code>(session)</code>: POST /x" in md
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
    assert text.startswith("# earlier step\n# imednet-live matrix")


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


def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    _sessions(tmp_path)
    assert run_report(tmp_path).returncode == 0
    shot, profile = tmp_path / "shot.png", tmp_path / "chromium-profile"
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
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--window-size=1200,800",
            (tmp_path / "summary.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    colours = _png_colours(shot.read_bytes())
    # Background, text, borders and the four cell colours: far from a blank page.
    assert len(colours) > 8
    assert bytes.fromhex("f8d0d0") in colours  # the fail cell's colour is on screen


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
    assert "| old (core, sandbox, imednet 0.5.6) |" in markdown
    assert "new (core, sandbox, imednet 0.8.0 + imednet-workflows 0.6.0)" in markdown
    html = render_html(matrix, None)
    assert "imednet 0.8.0 + imednet-workflows 0.6.0</small>" in html
