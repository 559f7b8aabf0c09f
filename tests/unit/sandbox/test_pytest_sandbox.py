"""The imednet_sandbox pytest plugin, as a user's project meets it (pytester).

Inner test files talk to the sandbox over raw HTTP (httpx), not the SDK, so each inner run
stays fast; the SDK path is proved by the example project (examples/pipeline).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.sandbox

HTTP = """
import httpx, pytest

def client(sb):
    headers = {"x-api-key": sb.api_key, "x-imn-security-key": sb.security_key}
    return httpx.Client(base_url=sb.base_url + "/api/v1/edc", headers=headers)

def post_record(sb, subject="NEW"):
    body = [{"formKey": "DEMOG", "siteId": 2, "data": {"SUBJINIT": subject}}]
    with client(sb) as http:
        answer = http.post(f"/studies/{sb.study_key}/records", json=body)
    assert answer.status_code == 202, answer.text
    return answer.json()["batchId"]
"""


def write(pytester: pytest.Pytester, body: str) -> None:
    pytester.makepyfile(test_user=HTTP + body)


def test_fixture_and_marker_arguments_reach_the_sandbox(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        """
import os

@pytest.mark.imednet_sandbox(subjects=7, fail=["GET /api/v1/edc/studies/*/sites=503"])
def test_configured(imednet_sandbox):
    with client(imednet_sandbox) as http:
        assert http.get(f"/studies/{imednet_sandbox.study_key}/sites").status_code == 503
        subjects = http.get(f"/studies/{imednet_sandbox.study_key}/subjects?size=500").json()
    assert subjects["pagination"]["totalElements"] >= 7
    assert [r["status"] for r in imednet_sandbox.requests()] == [503, 200]

def test_env_and_setenv(imednet_sandbox, monkeypatch):
    monkeypatch.delenv("IMEDNET_BASE_URL", raising=False)
    assert imednet_sandbox.setenv() == imednet_sandbox.env
    assert os.environ["IMEDNET_BASE_URL"] == imednet_sandbox.base_url
    assert os.environ["IMEDNET_API_KEY"] == imednet_sandbox.api_key

@pytest.mark.imednet_sandbox(job_seconds=3600)
def test_the_test_drives_the_job_clock(imednet_sandbox):
    before = len(imednet_sandbox.records(form_key="DEMOG"))
    done = post_record(imednet_sandbox, "AAA")
    assert [j["state"] for j in imednet_sandbox.jobs() if j["batchId"] == done] != ["COMPLETED"]
    assert imednet_sandbox.finish_jobs() == [done]
    assert len(imednet_sandbox.records(form_key="DEMOG")) == before + 1
    failed = post_record(imednet_sandbox, "BBB")
    assert imednet_sandbox.fail_jobs("no such site") == [failed]
    (job,) = imednet_sandbox.jobs(state="FAILED")
    assert (job["batchId"], job["reason"]) == (failed, "no such site")
    assert len(imednet_sandbox.records(form_key="DEMOG")) == before + 1

@pytest.mark.imednet_sandbox(scenario="failing-jobs")
def test_scenario_and_added_fault(imednet_sandbox):
    batch = post_record(imednet_sandbox)
    with client(imednet_sandbox) as http:
        state = http.get(f"/studies/{imednet_sandbox.study_key}/jobs/{batch}").json()["state"]
        assert state == "FAILED"
        imednet_sandbox.add_fault("GET /api/v1/edc/studies=500")
        assert http.get("/studies").status_code == 500
""",
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_the_short_name_shares_one_server_resets_it_and_private_gets_its_own(
    pytester: pytest.Pytester,
) -> None:
    write(
        pytester,
        """
SEEN = {}

def test_first_writes_and_faults(imednet_sandbox, imednet_sandbox_server):
    sb = imednet_sandbox
    assert sb.base_url == imednet_sandbox_server.base_url
    SEEN["url"], SEEN["records"] = sb.base_url, len(sb.records())
    post_record(sb)
    sb.add_fault("GET /api/v1/edc/studies=500")
    with client(sb) as http:
        assert http.get("/studies").status_code == 500
    assert len(sb.records()) == SEEN["records"] + 1

@pytest.mark.imednet_sandbox(scenario="empty")
def test_second_sees_a_fresh_study_of_its_own_scenario(imednet_sandbox):
    sb = imednet_sandbox
    assert sb.base_url == SEEN["url"]
    assert sb.requests() == [] and sb.scenario == "empty"
    with client(sb) as http:
        assert http.get("/studies").status_code == 200

@pytest.mark.imednet_sandbox(private=True, scenario="failing-jobs")
def test_private_is_a_server_of_its_own(imednet_sandbox, imednet_sandbox_server):
    assert imednet_sandbox.base_url not in (SEEN["url"], imednet_sandbox_server.base_url)
    assert imednet_sandbox.scenario == "failing-jobs"
    assert imednet_sandbox_server.scenario == "empty"  # the shared one untouched
    SEEN["private"] = imednet_sandbox.base_url

def test_third_is_the_default_again_on_the_shared_server(imednet_sandbox):
    assert imednet_sandbox.base_url == SEEN["url"] != SEEN["private"]
    assert len(imednet_sandbox.records()) == SEEN["records"]
    assert imednet_sandbox.jobs(state="PROCESSING") == []
""",
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=4)
    assert "deprecated" not in result.stdout.str()


def test_the_old_fast_name_still_works_and_warns_naming_the_new_one(
    pytester: pytest.Pytester,
) -> None:
    write(
        pytester,
        """
from imednet_live.pytest_sandbox import ImednetSandboxDeprecationWarning

@pytest.mark.imednet_sandbox(scenario="empty")
def test_old_name(imednet_sandbox_session, imednet_sandbox_server):
    assert imednet_sandbox_session.base_url == imednet_sandbox_server.base_url
    assert imednet_sandbox_session.scenario == "empty"

def test_the_warning_is_a_deprecation_warning():
    assert issubclass(ImednetSandboxDeprecationWarning, DeprecationWarning)
""",
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*ImednetSandboxDeprecationWarning: fixture imednet_sandbox_session is deprecated "
            "and goes away in the next release: use imednet_sandbox"
        ]
    )
    strict = pytester.runpytest(
        "-p", "no:cacheprovider", "-W", "error::DeprecationWarning", "-k", "old_name"
    )
    strict.assert_outcomes(errors=1)


BAD_MARKERS = [
    (
        'scenario="nope"',
        "@pytest.mark.imednet_sandbox(scenario='nope'): unknown scenario; "
        "accepts a scenario name (default, ",
    ),
    (
        'fail=["GET /x"]',
        "@pytest.mark.imednet_sandbox(fail=['GET /x']): 'GET /x' is not a rule; "
        "accepts a list of fault rules, each METHOD PATH_GLOB=STATUS",
    ),
    (
        'fail=["get /x=500"]',
        "@pytest.mark.imednet_sandbox(fail=['get /x=500']): 'get /x=500': the method must",
    ),
    (
        'seed_from="."',
        "@pytest.mark.imednet_sandbox(seed_from=...): ",
    ),
    (
        'seed_from="missing"',
        "@pytest.mark.imednet_sandbox(seed_from='missing'): ",
    ),
    ("subjects=-1", "@pytest.mark.imednet_sandbox(subjects=-1): accepts a whole number"),
    ("job_seconds='x'", "@pytest.mark.imednet_sandbox(job_seconds='x'): accepts a number"),
    ("latency=3", "@pytest.mark.imednet_sandbox: unknown argument 'latency'; accepts scenario,"),
    ("private=1", "@pytest.mark.imednet_sandbox(private=1): accepts True for a server of"),
]
# The same marker on the shared server and on a private one.
VARIANTS = {"shared": "", "private": "private=True, "}


def test_bad_marker_arguments_fail_at_setup_in_one_line(pytester: pytest.Pytester) -> None:
    tests = [
        f"""
@pytest.mark.imednet_sandbox({VARIANTS[variant] if "private" not in marker else ""}{marker})
def test_{n}_{variant}(imednet_sandbox):
    raise AssertionError("never runs")
"""
        for n, (marker, _) in enumerate(BAD_MARKERS)
        for variant in VARIANTS
    ]
    pytester.makepyfile("import pytest\n" + "".join(tests))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=len(tests))
    errors = [ln for ln in result.outlines if ln.startswith("@pytest.mark.imednet_sandbox")]
    assert len(errors) == len(tests), result.outlines  # one line each
    for n, (_, line) in enumerate(BAD_MARKERS):
        for variant in VARIANTS:
            at = result.outlines.index(
                next(ln for ln in result.outlines if f"test_{n}_{variant} " in ln)
            )
            assert result.outlines[at + 1].startswith(line), result.outlines[at : at + 2]
    assert not any("Traceback" in ln or "During handling" in ln for ln in result.outlines)
    assert "never runs" not in result.stdout.str()


def test_unused_the_plugin_imports_nothing_and_the_charter_plugin_stays_out(
    pytester: pytest.Pytester,
) -> None:
    """A fresh process: in this one the sandbox is long imported."""
    pytester.makepyfile(
        """
import sys

HEAVY = ("imednet_live.sandbox", "fastapi", "uvicorn", "imednet")

def test_nothing_heavy_until_asked(pytestconfig):
    assert pytestconfig.pluginmanager.hasplugin("imednet_sandbox")
    assert [m for m in HEAVY if m in sys.modules] == []

def test_no_charter_plugin(pytestconfig):
    assert not pytestconfig.pluginmanager.hasplugin("imednet_live.pytest_plugin")
    assert "imednet_live.pytest_plugin" not in sys.modules
    assert not any(m.startswith("imednet_live.charter") for m in sys.modules)
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")
    result.assert_outcomes(passed=2)
