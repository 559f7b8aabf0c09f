"""The summary links the drift report when one was written, and says nothing otherwise."""

from __future__ import annotations

import json
from pathlib import Path

from imednet_live.report.drift_link import drift_html, drift_markdown


def test_summary_links_drift_report_with_counts(tmp_path: Path) -> None:
    findings = [{"kind": "added-field"}, {"kind": "added-field"}, {"kind": "type-change"}]
    (tmp_path / "drift.json").write_text(json.dumps({"findings": findings}))
    assert "2 added-field, 1 type-change: [drift.md](drift.md)" in drift_markdown(tmp_path)
    assert '<a href="drift.md">drift.md</a>' in drift_html(tmp_path)


def test_no_drift_report_no_section(tmp_path: Path) -> None:
    assert drift_markdown(tmp_path) == ""
    assert drift_html(tmp_path) == ""
    (tmp_path / "drift.json").write_text("{not json")
    assert drift_markdown(tmp_path) == ""
