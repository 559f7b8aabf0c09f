"""Fault rules (``--fail``, scenario data) and the ``flaky`` scenario's per-client faults."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from imednet_live.sandbox import SandboxHandle, seed
from imednet_live.sandbox.backend import ListQuery
from imednet_live.sandbox.fault_rules import FaultRule, FaultRuleError, parse_rule, parse_rules
from imednet_live.sandbox.faults import FaultInjector
from imednet_live.sandbox.scenarios import SCENARIOS, UNSTABLE_DELAY_S
from imednet_live.sandbox.seed import FORM_KEY, STUDY_KEY

RECORDS_500 = "GET /api/v1/edc/studies/*/records=500"
SERVE = (sys.executable, "-m", "imednet_live.cli", "sandbox", "serve", "--port", "0")
READS = ("sites", "forms", "subjects", "records", "visits", "users", "codings", "intervals")


class TestRuleGrammar:
    def test_a_rule_reads_as_method_glob_and_status(self) -> None:
        rule = parse_rule(RECORDS_500)
        assert (rule.method, rule.path_glob, rule.status) == (
            "GET",
            "/api/v1/edc/studies/*/records",
            500,
        )
        assert str(rule) == RECORDS_500

    @pytest.mark.parametrize(
        ("method", "path", "matches"),
        [
            ("GET", "/api/v1/edc/studies/PHARMADEMO/records", True),
            ("get", "/api/v1/edc/studies/X/records", True),
            ("POST", "/api/v1/edc/studies/PHARMADEMO/records", False),
            ("GET", "/api/v1/edc/studies/PHARMADEMO/records/7", False),
            ("GET", "/api/v1/edc/studies/A/B/records", False),  # * stays in one segment
            ("GET", "/api/v1/edc/studies/PHARMADEMO/recordRevisions", False),
        ],
    )
    def test_star_matches_within_one_segment(self, method: str, path: str, matches: bool) -> None:
        assert parse_rule(RECORDS_500).matches(method, path) is matches

    def test_double_star_and_any_method(self) -> None:
        rule = parse_rule("* /api/v1/edc/**=503")
        assert rule.matches("POST", "/api/v1/edc/studies/A/records")
        assert not rule.matches("GET", "/_sandbox/requests")

    def test_several_rules_are_separated_by_semicolons(self) -> None:
        rules = parse_rules(f" {RECORDS_500} ; POST /api/v1/edc/studies/*/records=503;")
        assert [str(r) for r in rules] == [RECORDS_500, "POST /api/v1/edc/studies/*/records=503"]
        assert parse_rules("") == ()

    @pytest.mark.parametrize(
        ("text", "named"),
        [
            ("GET /api/v1/edc/studies", "expected METHOD PATH_GLOB=STATUS"),
            ("/api/v1/edc/studies=500", "expected METHOD PATH_GLOB=STATUS"),
            ("get /x=500", "the method must be upper-case letters or *, got 'get'"),
            ("GET x=500", "the path glob must start with /, got 'x'"),
            ("GET /x=200", "HTTP error status (4xx/5xx), got '200'"),
            ("GET /x=five", "got 'five'"),
            ("GET /x=599", "got '599'"),  # not a status http.HTTPStatus knows
        ],
    )
    def test_a_malformed_rule_is_one_line_naming_it(self, text: str, named: str) -> None:
        with pytest.raises(FaultRuleError) as caught:
            parse_rule(text)
        message = str(caught.value)
        assert message.startswith(f"bad fault rule {text!r}: ")
        assert named in message
        assert "\n" not in message


def test_serve_rejects_a_malformed_fail_in_one_line() -> None:
    done = subprocess.run(
        [*SERVE, "--fail", RECORDS_500, "--fail", "GET /x=abc"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "imednet-live sandbox serve: error: argument --fail: bad fault rule 'GET /x=abc': "
        "the status must be an HTTP error status (4xx/5xx), got 'abc'; expected "
        "METHOD PATH_GLOB=STATUS, e.g. 'GET /api/v1/edc/studies/*/records=500'"
    ]


class TestPersistentRules:
    def test_matching_requests_always_fail_in_the_api_shape(
        self,
        sandbox_factory: Callable[..., SandboxHandle],
        raw_client: Callable[..., httpx.Client],
    ) -> None:
        sb = sandbox_factory(fail=(RECORDS_500,))
        client = raw_client(sb)
        answers = [client.get(f"/studies/{STUDY_KEY}/records") for _ in range(3)]
        assert [a.status_code for a in answers] == [500, 500, 500]
        meta = answers[0].json()["metadata"]
        assert (meta["method"], meta["path"]) == ("GET", f"/api/v1/edc/studies/{STUDY_KEY}/records")
        assert RECORDS_500 in meta["error"]["message"]
        assert client.get(f"/studies/{STUDY_KEY}/sites").status_code == 200
        audited = [(e["path"].rsplit("/", 1)[-1], e["status"]) for e in sb.requests()]
        assert audited == [("records", 500)] * 3 + [("sites", 200)]

    def test_a_faulted_post_never_reaches_the_backend(
        self,
        sandbox_factory: Callable[..., SandboxHandle],
        make_sdk: Callable[..., Any],
    ) -> None:
        from imednet.errors import ServerError

        sb = sandbox_factory(fail=("POST /api/v1/edc/studies/*/records=503",))
        sdk = make_sdk(sb, backoff_factor=0.01)
        seeded = sdk.jobs.list(STUDY_KEY)  # each study starts with one finished job
        with pytest.raises(ServerError):
            sdk.records.create(STUDY_KEY, [{"formKey": FORM_KEY, "data": {"SUBJINIT": "FLT"}}])
        posts = [e["status"] for e in sb.requests() if e["method"] == "POST"]
        assert posts == [503, 503, 503]  # SDK 0.5.0 retries a POST on 5xx: 3 attempts
        assert sdk.jobs.list(STUDY_KEY) == seeded

    def test_unstable_is_r2_as_data(self) -> None:
        unstable = SCENARIOS["unstable"]
        records = [r for r in unstable.fault_rules if r.path_glob.endswith("/records")]
        slow = [r for r in unstable.fault_rules if r.delay_s]
        assert [(r.method, r.status, r.delay_s) for r in records] == [("*", 500, 0.0)]
        assert [(r.method, r.path_glob, r.status) for r in slow] == [
            ("GET", "/api/v1/edc/studies/*/queries", 504)
        ]
        assert UNSTABLE_DELAY_S > 30  # the SDK's default timeout

    def test_unstable_times_out_the_slow_family_and_fails_the_other(
        self,
        scenario_sandboxes: Callable[[str], SandboxHandle],
        make_sdk: Callable[..., Any],
    ) -> None:
        from imednet.errors import RequestError, ServerError

        sb = scenario_sandboxes("unstable")
        sdk = make_sdk(sb, timeout=0.3, retries=1)
        with pytest.raises(RequestError) as timed_out:
            sdk.queries.list(STUDY_KEY)
        assert isinstance(timed_out.value.__cause__, httpx.TimeoutException)
        with pytest.raises(ServerError):
            sdk.records.list(STUDY_KEY)
        assert sdk.sites.list(STUDY_KEY)


def test_flaky_fate_is_a_function_of_the_client_request_and_its_attempt() -> None:
    injector = FaultInjector()
    requests = [("GET", "/api/v1/edc/studies/S/sites", f"page={n}", b"") for n in range(40)]
    first = [injector.decide("client-a:1", *request) for request in requests]
    assert [n for n, f in enumerate(first) if f] == list(range(0, 40, 4))
    assert {(f.status, f.retry_after) for f in first if f} == {(503, "1"), (429, "0")}
    # Retries from the same client pass; another client meets the same first-attempt faults.
    assert all(injector.decide("client-a:1", *request) is None for request in requests)
    assert [injector.decide("client-b:2", *request) for request in requests] == first
    # The body is part of the request: a different POST body is a new request.
    post = ("POST", "/api/v1/edc/studies/S/records", "", b"[1]")
    assert injector.decide("client-c:3", *post) is not None
    assert injector.decide("client-c:3", *post) is None


class TestFlaky:
    def test_faults_carry_retry_after_and_a_retry_passes(
        self, sandbox_factory: Callable[..., SandboxHandle], raw_client: Callable[..., httpx.Client]
    ) -> None:
        sb = sandbox_factory(scenario="flaky")
        pages = [{"page": n} for n in range(12)]
        first = raw_client(sb)
        answers = [first.get(f"/studies/{STUDY_KEY}/sites", params=p) for p in pages]
        faulted = [i for i, a in enumerate(answers) if a.status_code != 200]
        assert faulted == [0, 4, 8]
        for i in faulted:
            status, retry_after = answers[i].status_code, answers[i].headers["Retry-After"]
            assert (status, retry_after) in ((503, "1"), (429, "0"))
            assert first.get(f"/studies/{STUDY_KEY}/sites", params=pages[i]).status_code == 200
        # A second client (its own connection) meets the same faults on its first attempts.
        second = raw_client(sb)
        again = [second.get(f"/studies/{STUDY_KEY}/sites", params=p) for p in pages]
        assert [i for i, a in enumerate(again) if a.status_code != 200] == faulted

    def test_concurrent_clients_each_get_every_request_within_the_retry_budget(
        self, sandbox_factory: Callable[..., SandboxHandle], make_sdk: Callable[..., Any]
    ) -> None:
        """Six SDK clients read the same lists at once; none exhausts its 3 attempts."""
        sb = sandbox_factory(scenario="flaky")
        clients = [make_sdk(sb, backoff_factor=0.01) for _ in range(6)]

        def read_all(sdk: Any) -> dict[str, int]:
            return {name: len(getattr(sdk, name).list(STUDY_KEY)) for name in READS}

        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            results = list(pool.map(read_all, clients, timeout=120))
        assert all(result == results[0] for result in results)
        assert all(count > 0 for count in results[0].values())
        statuses = Counter(e["status"] for e in sb.requests())
        assert statuses[503] + statuses[429] > 0, "the flaky scenario injected no fault"
        assert set(statuses) <= {200, 429, 503}

    def test_a_retried_post_creates_exactly_one_job(
        self, sandbox_factory: Callable[..., SandboxHandle], make_sdk: Callable[..., Any]
    ) -> None:
        sb = sandbox_factory(scenario="flaky")
        sdk = make_sdk(sb, backoff_factor=0.01)
        records_before = len(sb.backend.items(STUDY_KEY, "records", ListQuery()))
        sdk.sites.list(STUDY_KEY)  # request 1 (faulted, retried)
        sdk.forms.list(STUDY_KEY)  # request 2
        writes = 3  # the 1st and 5th requests of this client fail once: a read, then a POST
        for n in range(writes):
            item = {"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME}
            sdk.records.create(STUDY_KEY, [{**item, "data": {"SUBJINIT": f"F{n}"}}])
        posts = Counter(e["status"] for e in sb.requests() if e["method"] == "POST")
        assert posts[202] == writes
        assert posts[503] + posts[429] > 0, "no POST was faulted: the retry path is unproven"
        jobs = sdk.jobs.list(STUDY_KEY)
        assert len(jobs) == writes + 1  # and the study's seeded finished job
        for job in jobs:
            sdk.poll_job(STUDY_KEY, job.batch_id, interval=0.1, timeout=10)
        records = sb.backend.items(STUDY_KEY, "records", ListQuery())
        assert len(records) == records_before + writes


def test_rules_reject_nothing_but_their_own_paths() -> None:
    rule = FaultRule("GET", "/api/v1/edc/studies/?/sites", 404)
    assert rule.matches("GET", "/api/v1/edc/studies/A/sites")
    assert not rule.matches("GET", "/api/v1/edc/studies/AB/sites")
