"""The live suite's resource reads overlap, once per session, each test keeping its outcome.

A real subprocess of the real tests/live ``test_read_resources.py`` against a sandbox that
answers with latency and refuses the users listing: the reads must be in flight together
(the sandbox's audit shows it), issued once although two workers run the tests, and the
refused resource must fail in exactly its own two tests, naming the status and path.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from plugin_support import most_at_once, run_real_live_suite

from imednet_live import sandbox

USERS_403 = "GET /api/v1/edc/studies/*/users=403"
USERS_PATH = "/api/v1/edc/studies/PHARMADEMO/users"
LATENCY_MS = 150


def _in_flight(audit: list[dict[str, object]]) -> int:
    """The most requests the sandbox was serving at one moment."""
    spans = []
    for entry in audit:
        end = datetime.fromisoformat(str(entry["timestamp"]))
        spans.append((end - timedelta(milliseconds=float(str(entry["duration_ms"]))), end))
    return most_at_once(spans)


def test_reads_overlap_once_per_session_and_fail_only_their_own_tests(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    audit_path = tmp_path / "audit.jsonl"
    with sandbox.running(latency_ms=LATENCY_MS, fail=(USERS_403,), audit_path=audit_path) as sb:
        done = run_real_live_suite(
            sb.env, reports, "-n", "2", "--dist", "loadgroup", "test_read_resources.py",
            IMEDNET_LIVE_RUN_ID=uuid.uuid4().hex,
            IMEDNET_LIVE_CACHE_DIR=str(tmp_path / "cache"),
        )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    tests = json.loads((reports / "outcomes.json").read_text(encoding="utf-8"))["tests"]
    failed = {
        t["nodeid"].split("::")[-1].removesuffix("@resource-reads"): t
        for t in tests
        if t["outcome"] == "failed"
    }
    assert set(failed) == {"test_list_and_get[users]", "test_async_list_and_get[users]"}, output
    for test in failed.values():
        assert test["resource"] == "users", test
        assert f"HTTP 403 GET {USERS_PATH}" in test["message"], test
    passed = [t for t in tests if t["outcome"] == "passed"]
    assert len(passed) >= 16, [t["nodeid"] for t in tests]  # the resources with data
    assert {t["resource"] for t in passed} >= {"studies", "sites", "forms", "records"}

    # the sandbox logs a request as it answers it: its start is the answer less its duration
    audit = [json.loads(line) for line in audit_path.read_text(encoding="utf-8").splitlines()]
    revisions = [a for a in audit if str(a["path"]).endswith("/recordRevisions")]
    assert _in_flight(revisions + [a for a in audit if "/forms" in str(a["path"])]) >= 2
    assert _in_flight(audit) >= 8, "the reads were issued one after another"
    # anchor, then list and get, sync and async: once, though two workers ran the tests
    assert len(revisions) == 5, [a["query"] for a in revisions]
