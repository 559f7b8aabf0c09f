"""Conformance: on a study scaled to 2,000 subjects (about 10,000 records) the SQL export
tests still run, bounded by form, instead of skipping as study-too-large.

The real tests/live SQL export tests (SQLite and the session's PostgreSQL, the CLI's
``--forms``) run in one pytest subprocess against a sandbox seeded with
IMEDNET_LIVE_SANDBOX_SUBJECTS=2000. Only the long format, which SDK 0.5.0 cannot bound,
skips as study-too-large, naming the call that reads everything; and no test reads the
records whole: every records request is a one-item probe or filtered to a form.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import parse_qs

from plugin_support import run_real_live_suite

from imednet_live import sandbox

SUBJECTS = "2000"
SELECTED = (
    "test_exports.py",
    "test_exports_postgres.py",
    "test_cli.py",
    "-k",
    "sql or postgres",
)
BOUNDED_BY_FORM = (
    "test_export_to_sql[",
    "test_export_to_sql_by_form[",
    "test_cli_export_sql_into_postgres",
    "test_postgres_second_export_replaces_the_table",
    "test_postgres_failed_append_leaves_the_table_whole",
    "test_export_sql_by_form",
)
UNBOUNDED = {  # SDK 0.5.0 has no bounded form of these calls
    "test_export_to_long_sql[sqlite]": "export_to_long_sql",
    "test_export_to_long_sql[postgres]": "export_to_long_sql",
    "test_export_sql_long_format": "imednet export sql --long-format",
}


def _name(test: dict) -> str:
    return str(test["nodeid"]).rsplit("::", 1)[-1]


def test_sql_exports_pass_on_a_scaled_study_bounded_by_form(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    with sandbox.running(subjects=int(SUBJECTS)) as sb:
        done = run_real_live_suite(
            sb.env, reports, "-n", "2", *SELECTED,
            IMEDNET_LIVE_PROFILE="exports",
            IMEDNET_LIVE_SANDBOX_SUBJECTS=SUBJECTS,
            IMEDNET_LIVE_RUN_ID=uuid.uuid4().hex,
            IMEDNET_LIVE_CACHE_DIR=str(tmp_path / "cache"),
        )  # fmt: skip
        requests = sb.requests()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    tests = {_name(t): t for t in json.loads((reports / "outcomes.json").read_text())["tests"]}

    bounded = [n for n in tests if n.startswith(BOUNDED_BY_FORM)]
    assert len(bounded) == 8, sorted(tests)
    for name in bounded:
        assert tests[name]["outcome"] == "passed", tests[name]
    for name, reader in UNBOUNDED.items():
        assert tests[name]["category"] == "study-too-large", tests[name]
        assert tests[name]["message"].endswith(f"{reader} reads them all"), tests[name]
    too_large = {n for n, t in tests.items() if t.get("category") == "study-too-large"}
    assert too_large == set(UNBOUNDED)

    for entry in requests:
        if not entry["path"].endswith("/records") or entry["method"] != "GET":
            continue
        query = parse_qs(entry["query"])
        probe = query.get("size") == ["1"]
        by_form = any(f.startswith(("formId==", "formIds==")) for f in query.get("filter", []))
        assert probe or by_form, f"an unbounded records read: {entry['query']}"
