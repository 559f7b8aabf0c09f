"""Conformance: the live suite's own record tests catch a duplicate write.

Against ``processed-then-503`` (the first POST of each body is applied and answered 503,
its retry applied again), SDK 0.5.0 retries the POST and a created record exists twice.
Every write test reads its unique tag back: a test that created a record must be red
naming the duplicate, never pass silently. The real tests/live modules run in a pytest
subprocess, as nox runs them.
"""

from __future__ import annotations

import json
from pathlib import Path

from plugin_support import run_real_live_suite

from imednet_live import sandbox

# Writes that create a record: applied twice, they leave two.
CREATING_TESTS = ("test_register_subject_at_write_site", "test_new_record_for_write_subject")
# A scheduled write updates the subject's record at that interval: applied twice, the
# second application rewrites the same record, so one record carries the tag.
UPSERT_TEST = "test_scheduled_record_for_write_subject"
RECORD_TESTS = (*CREATING_TESTS, UPSERT_TEST)


def _run_live(sb: sandbox.SandboxHandle, report_dir: Path, *args: str) -> dict:
    run_real_live_suite(sb.env, report_dir, *args, IMEDNET_ALLOW_MUTATION="1")
    return json.loads((report_dir / "outcomes.json").read_text(encoding="utf-8"))


def test_record_tests_are_red_naming_the_duplicate(tmp_path: Path) -> None:
    with sandbox.running(scenario="processed-then-503") as sb:
        outcomes = _run_live(sb, tmp_path, "test_records_create.py")
    tests = {t["nodeid"].rsplit("::", 1)[-1]: t for t in outcomes["tests"]}
    for name in CREATING_TESTS:
        assert tests[name]["outcome"] == "failed", (name, tests[name])
        assert "duplicate write: 2 records carry" in tests[name]["message"], tests[name]
    assert tests[UPSERT_TEST]["outcome"] == "passed", tests[UPSERT_TEST]


def test_the_same_tests_pass_when_every_post_is_applied_once(tmp_path: Path) -> None:
    with sandbox.running(scenario="default") as sb:
        outcomes = _run_live(sb, tmp_path, "test_records_create.py")
    assert {t["nodeid"].rsplit("::", 1)[-1]: t["outcome"] for t in outcomes["tests"]} == {
        name: "passed" for name in RECORD_TESTS
    }
