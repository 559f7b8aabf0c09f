"""The sessions of one run share one discovery: fresh sandboxes of one scenario and seed data.

Each nox session starts its own sandbox (its own port). Discovery is keyed by what the
sandbox serves (``sandbox_identity``), which is only sound because a fresh sandbox's data
are deterministic: two of the same scenario and options discover exactly the same
identifiers. A different scenario or seed option must not share.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from discovery_support import Audit, sdk_for, settings_for

from imednet_live import sandbox
from imednet_live.config import CACHE_DIR, RUN_ID, SANDBOX_IDENTITY, TARGET_KIND
from imednet_live.discovery.rules import compute_discovery, discover
from imednet_live.target.sandbox_identity import sandbox_identity


def _discovered(scenario: str, subjects: int | None = None) -> str:
    with sandbox.running(scenario=scenario, subjects=subjects) as sb, sdk_for(sb) as sdk:
        return compute_discovery(sdk, settings_for(sb)).to_json()


@pytest.mark.parametrize(("scenario", "subjects"), [("default", None), ("sparse", 12)])
def test_two_fresh_sandboxes_of_one_scenario_and_seed_discover_the_same(
    scenario: str, subjects: int | None
) -> None:
    assert _discovered(scenario, subjects) == _discovered(scenario, subjects)


def test_the_identity_names_the_data_not_the_timing() -> None:
    base = sandbox_identity("default", [])
    # timing and bookkeeping options share a discovery
    assert sandbox_identity("default", ["--latency-ms", "100", "--job-seconds", "60"]) == base
    assert sandbox_identity("default", ["--audit=/tmp/a.jsonl"]) == base
    # the scenario and every data option do not
    others = [
        sandbox_identity("sparse", []),
        sandbox_identity("default", ["--subjects", "50"]),
        sandbox_identity("default", ["--subjects", "51"]),
        sandbox_identity("default", ["--fail", "GET /api/v1/edc/studies/*/sites=500"]),
        sandbox_identity("default", ["--seed-from", "reports"]),
        sandbox_identity("default", ["--a-future-option", "1"]),
    ]
    assert len({base, *others}) == len(others) + 1


def test_a_run_discovers_once_across_fresh_sandboxes_and_not_across_scenarios(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RUN_ID, "run-across")
    monkeypatch.setenv(CACHE_DIR, str(tmp_path))
    monkeypatch.setenv(TARGET_KIND, "sandbox")

    def session(scenario: str, subjects: int | None = None) -> tuple[str, int]:
        """One session: its own fresh sandbox; (what it discovered, requests it made)."""
        args = [] if subjects is None else ["--subjects", str(subjects)]
        monkeypatch.setenv(SANDBOX_IDENTITY, sandbox_identity(scenario, args))
        with sandbox.running(scenario=scenario, subjects=subjects) as sb, sdk_for(sb) as sdk:
            audit = Audit(sb)
            found = discover(sdk, settings_for(sb)).to_json()
            return found, len(audit.since_mark())

    first, first_calls = session("default")
    assert first_calls == 6  # studies, forms, variables, sites, subjects, intervals
    # four more sessions of the run, each on a fresh sandbox of another port: no request
    for _ in range(4):
        assert session("default") == (first, 0)
    # another scenario, or other seed data, discovers for itself
    _, sparse_calls = session("sparse")
    assert sparse_calls > 0
    _, scaled_calls = session("default", 12)
    assert scaled_calls > 0
    assert len(list(tmp_path.glob("*.json"))) == 3


def test_a_live_target_is_still_keyed_by_its_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The identity counts only for a sandbox target the harness started."""
    monkeypatch.setenv(RUN_ID, "run-live")
    monkeypatch.setenv(CACHE_DIR, str(tmp_path))
    monkeypatch.setenv(TARGET_KIND, "live")
    monkeypatch.setenv(SANDBOX_IDENTITY, sandbox_identity("default", []))
    calls = []
    for _ in range(2):
        with sandbox.running() as sb, sdk_for(sb) as sdk:
            audit = Audit(sb)
            discover(sdk, settings_for(sb))
            calls.append(len(audit.since_mark()))
    assert calls == [6, 6]
