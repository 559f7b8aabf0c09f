"""The live suite's writes wait for their jobs together, in one process, each test failing alone.

A real subprocess of the real tests/live write modules (``test_records_create.py``,
``test_workflows_write.py``) against a sandbox whose every job ends FAILED after a second:
in one pytest process (no xdist) the jobs must be awaited at the same time (the sandbox's
audit shows their polls interleaved), each write must be made exactly once, and every
writing test must fail on its own, naming its own batch; the test that writes nothing
still passes.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path

from plugin_support import most_at_once, run_real_live_suite

from imednet_live import sandbox

WRITERS = {
    "test_register_subject_at_write_site",
    "test_new_record_for_write_subject",
    "test_scheduled_record_for_write_subject",
    "test_create_or_update_records",
    "test_create_new_record",
    "test_register_subject_then_update_its_scheduled_record",
    "test_register_subjects",
}
JOB_PATH = re.compile(r"/jobs/([^/]+)$")


def _most_jobs_awaited_at_once(audit: list[dict[str, object]]) -> int:
    """The most batches whose polls (first to last GET of each) spanned one moment."""
    seen: dict[str, list[datetime]] = {}
    for entry in audit:
        found = JOB_PATH.search(str(entry["path"]))
        if found and entry["method"] == "GET":
            seen.setdefault(found.group(1), []).append(
                datetime.fromisoformat(str(entry["timestamp"]))
            )
    return most_at_once((min(times), max(times)) for times in seen.values())


def test_writes_await_their_jobs_together_and_each_test_fails_on_its_own(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    audit_path = tmp_path / "audit.jsonl"
    with sandbox.running(scenario="failing-jobs", job_seconds=1.0, audit_path=audit_path) as sb:
        done = run_real_live_suite(
            sb.env, reports, "-p", "no:xdist", "test_records_create.py", "test_workflows_write.py",
            IMEDNET_ALLOW_MUTATION="1",
            IMEDNET_LIVE_PROFILE="mutating",
            IMEDNET_LIVE_RUN_ID=uuid.uuid4().hex,
            IMEDNET_LIVE_CACHE_DIR=str(tmp_path / "cache"),
        )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    tests = json.loads((reports / "outcomes.json").read_text(encoding="utf-8"))["tests"]
    outcomes = {t["nodeid"].split("::")[-1].split("@")[0]: t for t in tests}
    failed = {name for name, t in outcomes.items() if t["outcome"] == "failed"}
    assert failed == WRITERS, output
    assert outcomes["test_register_subjects_rejects_unknown_site_before_writing"]["outcome"] == (
        "passed"
    )
    batches = set()
    for name in WRITERS:
        message = outcomes[name]["message"]
        found = re.search(r"job (\S+) ended FAILED", message)
        assert found, (name, message)
        batches.add(found.group(1))
    assert len(batches) == len(WRITERS), "each test names its own job"

    audit = [json.loads(line) for line in audit_path.read_text(encoding="utf-8").splitlines()]
    posts = [a for a in audit if a["method"] == "POST"]
    assert len(posts) == len(WRITERS), [a["path"] for a in posts]  # each write made once
    # one process, jobs of a second each: awaited one after another, they would never overlap
    assert _most_jobs_awaited_at_once(audit) >= 3, "the jobs were awaited one after another"
