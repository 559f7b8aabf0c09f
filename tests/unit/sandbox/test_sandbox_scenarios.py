"""Every scenario, seen through the unmodified SDK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from imednet_live.sandbox import SCENARIOS, SandboxHandle, seed
from imednet_live.sandbox.seed import FORM_KEY, STUDY_KEY

POLL = {"interval": 0.1, "timeout": 10}


@pytest.mark.parametrize("name", sorted(set(SCENARIOS) - {"empty"}))
def test_scenario_serves_the_study(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any], name: str
) -> None:
    sb = scenario_sandboxes(name)
    assert sb.scenario == name
    sdk = make_sdk(sb, backoff_factor=0.01)
    keys = [s.study_key for s in sdk.studies.list()]
    assert keys[0] == STUDY_KEY
    assert len(keys) >= 2
    assert sdk.forms.list(STUDY_KEY)


def test_empty_has_no_studies(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    assert make_sdk(scenario_sandboxes("empty")).studies.list() == []


def test_no_eligible_form(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    forms = make_sdk(scenario_sandboxes("no-eligible-form")).forms.list(STUDY_KEY)
    assert forms
    assert not [f for f in forms if f.subject_record_report and not f.disabled]


def test_read_only_has_a_form_but_nothing_to_write_to(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(scenario_sandboxes("read-only"))
    assert [
        f.form_key for f in sdk.forms.list(STUDY_KEY) if f.subject_record_report and not f.disabled
    ] == [FORM_KEY]
    statuses = {s.site_enrollment_status for s in sdk.sites.list(STUDY_KEY)}
    assert statuses <= {"Inactive", "Enrollment Closed"}
    assert {s.subject_status for s in sdk.subjects.list(STUDY_KEY)} <= {"Screened", "Inactive"}
    assert all(i.disabled for i in sdk.intervals.list(STUDY_KEY))
    job = sdk.records.create(
        STUDY_KEY, [{"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME, "data": {"AGE": 5}}]
    )
    with pytest.raises(RuntimeError, match="failed"):
        sdk.poll_job(STUDY_KEY, job.batch_id, **POLL)


def test_default_completes_jobs_quickly(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(scenario_sandboxes("default"))
    job = sdk.records.create(STUDY_KEY, [])
    assert sdk.poll_job(STUDY_KEY, job.batch_id, **POLL).state == "COMPLETED"


def test_latency_is_added_without_blocking_other_requests(
    sandbox_factory: Callable[..., SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sb = sandbox_factory(latency_ms=50)
    make_sdk(sb).sites.list(STUDY_KEY)
    (entry,) = sb.requests()
    assert entry["duration_ms"] >= 50  # the server's own measurement, not a wall-clock assert


def test_sparse_has_structure_and_people_but_no_data(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(scenario_sandboxes("sparse"))
    for study in (STUDY_KEY, seed.SECOND_STUDY_KEY):
        for present in ("forms", "variables", "sites", "subjects", "intervals"):
            assert getattr(sdk, present).list(study), f"{present} of {study}"
        for absent in ("records", "visits", "queries", "codings", "record_revisions", "jobs"):
            assert getattr(sdk, absent).list(study) == [], f"{absent} of {study}"


def test_sparse_eligible_form_hangs_in_no_interval(
    scenario_sandboxes: Callable[[str], SandboxHandle], make_sdk: Callable[..., Any]
) -> None:
    sdk = make_sdk(scenario_sandboxes("sparse"))
    eligible = [
        f.form_key for f in sdk.forms.list(STUDY_KEY) if f.subject_record_report and not f.disabled
    ]
    assert eligible == [FORM_KEY]
    intervals = sdk.intervals.list(STUDY_KEY)
    scheduled = {f.form_key for i in intervals for f in i.forms}
    assert FORM_KEY not in scheduled
    assert scheduled, "other forms still hang under intervals"
