"""The ETL against a stateful iMednet sandbox, through the imednet_sandbox pytest plugin alone.

Nothing here mocks HTTP: the SDK talks to a real server on 127.0.0.1 that pages, filters,
runs jobs and fails the way the real API does. No test waits for a job: the poll's ``sleep``
is where the test moves the sandbox's job clock.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from form_etl import WriteBackFailed, run, sdk_from_env, write_back

from imednet_live.pytest_sandbox import ImednetSandbox

FORM = "DEMOG"  # the sandbox study's subject-record form
NEW_SUBJECT = [{"formKey": FORM, "siteId": 2, "data": {"SUBJINIT": "NEW"}}]


def table(database: Path) -> dict[int, dict[str, Any]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT record_id, subject_key, data FROM records").fetchall()
    return {rid: {"subject_key": key, "data": json.loads(data)} for rid, key, data in rows}


@pytest.mark.imednet_sandbox(subjects=30)
def test_happy_path_loads_every_record_of_the_form(
    imednet_sandbox: ImednetSandbox, tmp_path: Path
) -> None:
    database = tmp_path / "etl.db"
    loaded = run(imednet_sandbox.sdk, imednet_sandbox.study_key, FORM, database)

    expected = imednet_sandbox.records(form_key=FORM)
    assert loaded == len(expected) > 30  # the seed's records plus one per scaled subject
    assert set(table(database)) == {r["recordId"] for r in expected}
    assert all(r["formKey"] == FORM for r in expected)


def test_the_environment_is_enough_for_code_that_reads_it(
    imednet_sandbox: ImednetSandbox, tmp_path: Path
) -> None:
    imednet_sandbox.setenv()  # IMEDNET_* for this test only
    assert run(sdk_from_env(), imednet_sandbox.study_key, FORM, tmp_path / "etl.db") > 0


@pytest.mark.imednet_sandbox(scenario="flaky")
def test_flaky_api_the_sdk_retries_and_nothing_is_lost(
    imednet_sandbox: ImednetSandbox, tmp_path: Path
) -> None:
    database = tmp_path / "etl.db"
    loaded = run(imednet_sandbox.sdk, imednet_sandbox.study_key, FORM, database)

    assert loaded == len(imednet_sandbox.records(form_key=FORM))
    statuses = [r["status"] for r in imednet_sandbox.requests()]
    assert {429, 503} & set(statuses), "the flaky scenario should have faulted a request"


@pytest.mark.imednet_sandbox(job_seconds=3600)  # jobs wait for the test
def test_write_back_completes_when_the_job_does(imednet_sandbox: ImednetSandbox) -> None:
    batch_id = write_back(
        imednet_sandbox.sdk,
        imednet_sandbox.study_key,
        NEW_SUBJECT,
        sleep=lambda _seconds: imednet_sandbox.finish_jobs(),
    )
    (job,) = [j for j in imednet_sandbox.jobs(state="COMPLETED") if j["batchId"] == batch_id]
    written = [
        r for r in imednet_sandbox.records(form_key=FORM) if r["recordId"] in job["recordIds"]
    ]
    assert [r["recordData"]["SUBJINIT"] for r in written] == ["NEW"]


@pytest.mark.imednet_sandbox(job_seconds=3600)
def test_write_back_reports_a_failing_job(imednet_sandbox: ImednetSandbox) -> None:
    before = len(imednet_sandbox.records(form_key=FORM))
    with pytest.raises(WriteBackFailed, match="FAILED"):
        write_back(
            imednet_sandbox.sdk,
            imednet_sandbox.study_key,
            NEW_SUBJECT,
            sleep=lambda _seconds: imednet_sandbox.fail_jobs("site closed for enrollment"),
        )
    (job,) = imednet_sandbox.jobs(state="FAILED")
    assert job["reason"] == "site closed for enrollment"
    assert len(imednet_sandbox.records(form_key=FORM)) == before  # nothing was written


@pytest.mark.imednet_sandbox(scenario="failing-jobs")
def test_write_back_when_the_server_fails_every_job(imednet_sandbox: ImednetSandbox) -> None:
    with pytest.raises(WriteBackFailed, match="FAILED"):
        write_back(imednet_sandbox.sdk, imednet_sandbox.study_key, NEW_SUBJECT, poll_interval=0)


@pytest.mark.imednet_sandbox(seed_from="recorded-study")
def test_a_study_seeded_from_a_scrubbed_recording(
    imednet_sandbox: ImednetSandbox, tmp_path: Path
) -> None:
    """recorded-study/ holds a recording of a study (IMEDNET_LIVE_RECORD=1), scrubbed."""
    database = tmp_path / "etl.db"
    loaded = run(imednet_sandbox.sdk, imednet_sandbox.study_key, FORM, database)
    assert loaded == len(imednet_sandbox.records(form_key=FORM)) > 0
    rows = table(database).values()
    assert all(row["subject_key"].startswith("subj-") for row in rows)  # pseudonymised
    assert {row["data"]["SUBJINIT"] for row in rows} == {"[text]"}  # free text scrubbed


def test_each_test_gets_a_fresh_study_on_the_shared_server(
    imednet_sandbox: ImednetSandbox,
) -> None:
    """The fast path: one server for the session, reset before every test."""
    assert imednet_sandbox.requests() == []
    assert imednet_sandbox.jobs(state="PROCESSING") == []


@pytest.mark.imednet_sandbox(private=True, scenario="empty")
def test_a_server_of_its_own_when_the_marker_asks(imednet_sandbox: ImednetSandbox) -> None:
    """private=True: a server for this test alone (slower; the shared one is untouched)."""
    assert imednet_sandbox.scenario == "empty"
    assert imednet_sandbox.requests() == []
