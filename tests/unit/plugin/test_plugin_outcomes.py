"""outcomes.json merged from xdist workers, warnings routing, and the read-only guarantee."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from plugin_support import LiveSuite, enabled_env

from imednet_live import sandbox

MIXED = """
    import pytest
    from imednet_live.skips import skip_no_data

    @pytest.mark.resource("studies")
    @pytest.mark.parametrize("n", range(6))
    def test_pass(n):
        pass

    @pytest.mark.resource("sites")
    def test_fail():
        assert 1 == 2

    @pytest.mark.resource("visits")
    def test_no_data():
        skip_no_data("visits", "S1")

    @pytest.fixture
    def broken():
        raise RuntimeError("fixture broke")

    @pytest.mark.resource("users")
    def test_error(broken):
        pass

    @pytest.mark.resource("records.create")
    @pytest.mark.mutating
    def test_mutating():
        pass
"""


def test_xdist_workers_merge_into_one_outcomes_file_with_every_test_once(
    suite: LiveSuite,
) -> None:
    suite.write("test_live.py", MIXED)
    env = enabled_env(IMEDNET_LIVE_TARGET_KIND="live", IMEDNET_LIVE_RUN_ID="run-7")
    run = suite.run("-n", "2", env=env)
    assert run.returncode == 1, run  # test_fail and test_error
    data = run.outcomes()
    nodeids = [t["nodeid"] for t in data["tests"]]
    assert len(nodeids) == len(set(nodeids)) == 10
    assert {t["outcome"] for t in data["tests"]} == {"passed", "failed", "skipped", "error"}
    assert data["counts"] == {
        "passed": 6,
        "failed": 1,
        "skipped": 2,
        "error": 1,
        "expected_skips": 2,
        "unexpected_skips": 0,
        "known_sdk_defects": 0,
        "sdk_surface_changes": 0,
        "dependency_breaks": 0,
        "total": 10,
    }
    assert (data["session"], data["run_id"], data["target_kind"]) == (
        "unit-session",
        "run-7",
        "live",
    )
    assert run.test("test_error")["message"] == "RuntimeError: fixture broke"
    assert not list(run.report_dir.glob(".*.tmp")), "a temporary file was left behind"


def test_terminal_summary_counts_per_resource(suite: LiveSuite) -> None:
    suite.write("test_live.py", MIXED)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_TARGET_KIND="live"))
    run.lines.re_match_lines(
        [
            r".*resource\s+.*passed\s+.*skipped\s+.*unexpected skips\s+.*failed.*",
            r".*studies\s+.*\s6\s.*\s0\s.*\s0\s.*\s0\s.*",
            r".*sites\s+.*\s0\s.*\s0\s.*\s0\s.*\s1\s.*",
            r".*visits\s+.*\s0\s.*\s1\s.*\s0\s.*\s0\s.*",
        ]
    )


def test_no_report_dir_means_no_files_but_still_a_verdict(suite: LiveSuite) -> None:
    suite.write("test_live.py", MIXED)
    run = suite.run(env=enabled_env(IMEDNET_LIVE_REPORT_DIR=""))
    assert run.returncode == 1, run
    assert not (suite.root / "reports").exists()


WARNINGS = """
    import warnings
    import pytest

    @pytest.mark.resource("optional_deps")
    def test_sdk_warning():
        from imednet.validation.cache import SchemaValidator
        SchemaValidator(object(), is_async=True)  # deprecated: the SDK warns

    @pytest.mark.resource("optional_deps")
    def test_other_warning():
        warnings.warn("third-party noise", UserWarning)
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
def test_sdk_warnings_are_shown_and_others_go_to_the_log(
    suite: LiveSuite, workers: list[str]
) -> None:
    suite.write("test_live.py", WARNINGS)
    run = suite.run(*workers, env=enabled_env())
    assert run.returncode == 0, run
    summary = run.stdout.split("warnings summary")[1]
    assert "SchemaValidator is deprecated" in summary
    assert "third-party noise" not in run.stdout
    log = (run.report_dir / "warnings.log").read_text(encoding="utf-8")
    assert "UserWarning: third-party noise" in log
    assert "SchemaValidator" not in log
    assert run.outcomes()["warnings"] == {"sdk": 1, "other": 1}


def _audit(path: Path, *methods: str) -> None:
    lines = [
        json.dumps(
            {"method": m, "path": "/api/v1/edc/studies/S/records", "query": "", "status": 202}
        )
        for m in methods
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


PASSING = """
    import pytest

    @pytest.mark.resource("records")
    def test_records():
        pass
"""


def test_read_only_session_fails_when_the_audit_shows_a_write(suite: LiveSuite) -> None:
    suite.write("test_live.py", PASSING)
    audit = suite.root / "audit.jsonl"
    _audit(audit, "GET", "POST")
    run = suite.run(env=enabled_env(IMEDNET_LIVE_SANDBOX_AUDIT=str(audit)))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        [
            "read-only: (session): read-only session wrote to the sandbox: "
            "POST /api/v1/edc/studies/S/records -> 202"
        ]
    )
    _audit(audit, "GET", "GET")
    assert suite.run(env=enabled_env(IMEDNET_LIVE_SANDBOX_AUDIT=str(audit))).returncode == 0
    _audit(audit, "POST")
    allowed = enabled_env(IMEDNET_LIVE_SANDBOX_AUDIT=str(audit), IMEDNET_ALLOW_MUTATION="1")
    assert suite.run(env=allowed).returncode == 0


def test_unreadable_audit_fails_naming_the_file(suite: LiveSuite) -> None:
    suite.write("test_live.py", PASSING)
    audit = suite.root / "audit.jsonl"
    audit.write_text('{"method": "GET"}\nnot json\n', encoding="utf-8")
    run = suite.run(env=enabled_env(IMEDNET_LIVE_SANDBOX_AUDIT=str(audit)))
    assert run.returncode == 1, run
    run.lines.fnmatch_lines([f"read-only: (session): sandbox audit {audit} line 2 is not*"])


def test_read_only_guarantee_against_a_real_sandbox(suite: LiveSuite, tmp_path: Path) -> None:
    """A test that writes without the mutating marker is caught by the sandbox's own audit."""
    suite.write(
        "test_live.py",
        """
        import pytest
        from imednet import ImednetSDK
        from imednet_live.config import Settings

        @pytest.mark.resource("records")
        def test_sneaky_write():
            with ImednetSDK(**Settings.from_env().sdk_kwargs()) as sdk:
                study = sdk.studies.list()[0].study_key
                sdk.records.create(study, [{"formKey": "NOPE", "data": {"X": 1}}])
        """,
    )
    audit = tmp_path / "sandbox-audit.jsonl"
    with sandbox.running(audit_path=audit) as sb:
        env = enabled_env(
            sb.base_url,
            IMEDNET_API_KEY=sb.api_key,
            IMEDNET_SECURITY_KEY=sb.security_key,
            IMEDNET_LIVE_SANDBOX_AUDIT=str(audit),
        )
        run = suite.run(env=env)
    assert run.test("test_sneaky_write")["outcome"] == "passed"
    assert run.returncode == 1, run
    run.lines.fnmatch_lines(
        ["read-only: (session): read-only session wrote to the sandbox: POST /api/v1/edc/studies/*"]
    )


REQUESTS = """
    import asyncio

    import pytest
    from imednet import AsyncImednetSDK, ImednetSDK
    from imednet_live.config import Settings

    @pytest.mark.resource("studies")
    @pytest.mark.parametrize("n", range(3))
    def test_sync(n):
        with ImednetSDK(**Settings.from_env().sdk_kwargs()) as sdk:
            for _ in range(n + 1):
                sdk.sites.list("PHARMADEMO")

    @pytest.mark.resource("studies")
    def test_async():
        async def main():
            sdk = AsyncImednetSDK(**Settings.from_env().sdk_kwargs())
            try:
                await sdk.studies.async_list()
            finally:
                await sdk.aclose()

        asyncio.run(main())
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]])
def test_api_requests_in_outcomes_equal_what_the_server_saw(
    suite: LiveSuite, workers: list[str]
) -> None:
    """Counted at the HTTP transport in every process, summed over xdist workers."""
    suite.write("test_live.py", REQUESTS)
    with sandbox.running() as sb:
        env = enabled_env(
            sb.base_url, IMEDNET_API_KEY=sb.api_key, IMEDNET_SECURITY_KEY=sb.security_key
        )
        run = suite.run(*workers, env=env)
        served = len(sb.requests())
    assert run.returncode == 0, run
    assert served == 1 + 2 + 3 + 1
    assert run.outcomes()["api_requests"] == served
    run.lines.fnmatch_lines([f"API requests: {served}"])
