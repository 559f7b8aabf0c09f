"""The backend alone (no HTTP): seed layout, listing, and the job lifecycle on a fake clock."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import pytest

from imednet_live.sandbox import seed
from imednet_live.sandbox.backend import Backend, ListQuery
from imednet_live.sandbox.scenarios import JobOutcome, build_studies, get_scenario
from imednet_live.sandbox.seed import FORM_KEY, STUDY_KEY


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_backend(
    clock: FakeClock,
    outcome: JobOutcome = JobOutcome.COMPLETE,
    finish_after: float = 0.25,
    **kw: object,
) -> Backend:
    studies = build_studies(get_scenario("default"), **kw)  # type: ignore[arg-type]
    return Backend(
        studies,
        job_outcome=outcome,
        clock=clock,
        now=lambda: datetime(2025, 1, 2, 3, 4, 5),
        finish_after=finish_after,
    )


def items(backend: Backend, resource: str, **query: object) -> list[dict[str, object]]:
    return backend.items(STUDY_KEY, resource, ListQuery(**query))  # type: ignore[arg-type]


def run_job(backend: Backend, clock: FakeClock, body: list[object]) -> dict[str, object]:
    """The finished job as served, plus what its resultUrl serves: ``recordIds`` or ``reason``.

    The default job object carries neither (no document gives them to a job); the real
    API serves a failure's reason at resultUrl (W8), and so does the sandbox.
    """
    batch = backend.create_job(STUDY_KEY, body)["batchId"]
    clock.now += 1
    job = backend.job(STUDY_KEY, str(batch))
    assert job is not None
    assert not {"recordIds", "reason", "message", "studyKey"} & set(job), job
    result = backend.job_result(STUDY_KEY, str(batch))
    assert result is not None
    outcome, value = result
    return {**job, ("reason" if outcome == "failed" else "recordIds"): value}


class TestSeed:
    def test_is_deterministic(self) -> None:
        a, b = seed.build(), seed.build()
        assert [s.study for s in a] == [s.study for s in b]
        assert a[0].resources == b[0].resources

    def test_first_items_by_id_are_not_eligible(self) -> None:
        first = seed.build()[0].resources
        assert first["sites"][0]["siteEnrollmentStatus"] == "Inactive"
        assert first["sites"][1]["siteEnrollmentStatus"] == "Enrollment Open"
        assert {s["siteEnrollmentStatus"] for s in first["sites"]} == {
            "Enrollment Open",
            "ACTIVE",
            "Inactive",
            "Enrollment Closed",
        }
        assert first["subjects"][0]["subjectStatus"] == "Screened"
        assert sum(s["deleted"] for s in first["subjects"]) == 1
        assert first["forms"][0]["subjectRecordReport"]
        assert first["forms"][0]["disabled"]
        assert first["intervals"][0]["disabled"]
        assert all(not i["disabled"] for i in first["intervals"][1:])

    def test_eligible_form_has_every_variable_type(self) -> None:
        variables = [v for v in seed.build()[0].resources["variables"] if v["formKey"] == FORM_KEY]
        assert {v["variableType"] for v in variables} == {
            "text",
            "memo",
            "number",
            "integer",
            "float",
            "date",
            "radio",
            "dropdown",
            "checkbox",
        }

    def test_record_data_is_keyed_by_variable_name(self) -> None:
        res = seed.build()[0].resources
        names = {v["variableName"] for v in res["variables"]}
        for record in res["records"]:
            assert set(record["recordData"]) <= names

    def test_scaling_gives_five_records_per_subject_and_a_site_record_per_open_site(
        self,
    ) -> None:
        base = len(seed.build()[0].resources["records"])
        scaled = seed.build(subjects=105)[0].resources
        assert len(scaled["subjects"]) == 105
        assert len(scaled["records"]) == base + 100 * seed.RECORDS_PER_SCALED_SUBJECT + 1
        site_records = [r for r in scaled["records"] if r["formKey"] == seed.FORM_SITE_KEY]
        assert {r["siteId"] for r in site_records} == {seed.SITE_OPEN_ID, seed.SITE_ACTIVE_ID}
        assert len({s["subjectKey"] for s in scaled["subjects"]}) == 105


class TestListing:
    def test_default_sort_and_explicit_sort(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        ids = [s["siteId"] for s in items(backend, "sites")]
        assert ids == sorted(ids)
        desc = [s["siteName"] for s in items(backend, "sites", sort=(("siteName", True),))]
        assert desc == sorted(desc, reverse=True)

    def test_users_hide_inactive_unless_asked(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        logins = {u["login"] for u in items(backend, "users")}
        assert seed.USER_INACTIVE_LOGIN not in logins
        everyone = {u["login"] for u in items(backend, "users", include_inactive=True)}
        assert seed.USER_INACTIVE_LOGIN in everyone

    def test_study_key_terms_are_scoped_by_path(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        all_subjects = items(backend, "subjects")
        assert items(backend, "subjects", filter="studyKey==ELSEWHERE") == all_subjects

    def test_record_data_filter_requires_the_variable(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        hits = items(backend, "records", record_data_filter="AETERM=~bronch")
        assert hits
        assert all("bronch" in str(r["recordData"]["AETERM"]).lower() for r in hits)


class TestJobs:
    def test_lifecycle_created_processing_completed(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        reply = backend.create_job(STUDY_KEY, [])
        assert reply["state"] == "created"
        batch = str(reply["batchId"])
        assert backend.job(STUDY_KEY, batch)["state"] == "created"  # type: ignore[index]
        clock.now += 0.1
        processing = backend.job(STUDY_KEY, batch)
        assert processing is not None
        assert processing["state"] == "PROCESSING"
        assert processing["dateFinished"] is None
        clock.now += 0.2
        done = backend.job(STUDY_KEY, batch)
        assert done is not None
        assert (done["state"], done["progress"], done["dateFinished"]) == (
            "COMPLETED",
            100,
            "2025-01-02 03:04:05",
        )

    def test_effect_is_visible_to_the_first_read_after_completion(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        before = len(items(backend, "subjects"))
        backend.create_job(
            STUDY_KEY, [{"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME, "data": {"AGE": 41}}]
        )
        assert len(items(backend, "subjects")) == before  # not yet due
        clock.now += 0.3
        # No job read in between: listing subjects alone must see the registration.
        assert len(items(backend, "subjects")) == before + 1

    def test_register_creates_subject_record_visits_and_revision(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        job = run_job(
            backend,
            clock,
            [
                {
                    "formKey": FORM_KEY,
                    "siteId": seed.SITE_OPEN_ID,
                    "data": {"SUBJINIT": "NEW", "CONSENT": True},
                }
            ],
        )
        assert job["state"] == "COMPLETED"
        (record_id,) = job["recordIds"]  # type: ignore[misc]
        record = next(r for r in items(backend, "records") if r["recordId"] == record_id)
        assert record["recordData"] == {"SUBJINIT": "NEW", "CONSENT": True}
        subject = next(
            s for s in items(backend, "subjects") if s["subjectKey"] == record["subjectKey"]
        )
        assert (subject["siteId"], subject["subjectStatus"]) == (seed.SITE_OPEN_ID, "Enrolled")
        visits = [v for v in items(backend, "visits") if v["subjectId"] == subject["subjectId"]]
        assert {v["intervalId"] for v in visits} == {2, 3, 4}
        revisions = [r for r in items(backend, "recordRevisions") if r["recordId"] == record_id]
        assert len(revisions) == 1

    def test_update_scheduled_record_merges_and_revises(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        subject_key = seed.SUBJECT_ENROLLED[1]
        job = run_job(
            backend,
            clock,
            [
                {
                    "formKey": FORM_KEY,
                    "subjectKey": subject_key,
                    "intervalName": seed.INTERVAL_BASELINE_NAME,
                    "data": {"WEIGHT": 99.5},
                }
            ],
        )
        assert job["state"] == "COMPLETED"
        record = next(r for r in items(backend, "records") if r["recordId"] == job["recordIds"][0])  # type: ignore[index]
        assert record["recordData"]["WEIGHT"] == 99.5
        assert record["recordData"]["SUBJINIT"]  # other values kept
        assert record["dateModified"] == "2025-01-02 03:04:05"
        revs = [
            r["recordRevision"]
            for r in items(backend, "recordRevisions")
            if r["recordId"] == record["recordId"]
        ]
        assert revs == [1, 2]

    def test_new_record_for_existing_subject_and_register_with_existing_key(
        self, clock: FakeClock
    ) -> None:
        backend = make_backend(clock)
        subjects_before = len(items(backend, "subjects"))
        key = seed.SUBJECT_ACTIVE[1]
        job = run_job(
            backend,
            clock,
            [
                {"formKey": FORM_KEY, "subjectKey": key, "data": {"SUBJINIT": "CO"}},
                {
                    "formId": seed.FORM_ID,
                    "siteName": seed.SITE_ACTIVE_NAME,
                    "subjectKey": key,
                    "data": {"SUBJINIT": "RE"},
                },
            ],
        )
        assert job["state"] == "COMPLETED"
        assert len(job["recordIds"]) == 2  # type: ignore[arg-type]
        assert len(items(backend, "subjects")) == subjects_before

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            (
                [{"formKey": "NOPE", "subjectKey": "02-002", "data": {}}],
                "Form with formKey of NOPE not found.",
            ),
            (
                [{"formKey": seed.FORM_AE_KEY, "subjectKey": "02-002", "data": {"AETERM": "x"}}],
                f"Form with formKey of {seed.FORM_AE_KEY} not found (not a subject record form)",
            ),
            ([{"formKey": FORM_KEY, "siteName": "Atlantis", "data": {}}], "unknown siteName"),
            ([{"formKey": FORM_KEY, "subjectKey": "99-999", "data": {}}], "unknown subjectKey"),
            (
                [
                    {
                        "formKey": FORM_KEY,
                        "subjectKey": "02-002",
                        "intervalName": "Year 9",
                        "data": {},
                    }
                ],
                "unknown intervalName",
            ),
            ([{"formKey": FORM_KEY, "subjectKey": "02-002", "data": {"BOGUS": 1}}], "BOGUS"),
            (
                [{"formKey": FORM_KEY, "siteId": seed.SITE_INACTIVE_ID, "data": {}}],
                "not open for enrollment",
            ),
            ([{"formKey": seed.FORM_DISABLED_KEY, "subjectKey": "02-002", "data": {}}], "disabled"),
            (
                [
                    {
                        "formKey": FORM_KEY,
                        "subjectKey": "02-002",
                        "intervalId": seed.INTERVAL_DISABLED_ID,
                        "data": {},
                    }
                ],
                "disabled",
            ),
            (["not an object"], "JSON object"),
        ],
    )
    def test_bad_items_fail_with_a_reason_and_apply_nothing(
        self, clock: FakeClock, body: list[object], reason: str
    ) -> None:
        backend = make_backend(clock)
        records_before = len(items(backend, "records"))
        job = run_job(
            backend,
            clock,
            [{"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME, "data": {}}, *body],
        )
        assert job["state"] == "FAILED"
        assert reason in str(job["reason"])
        assert len(items(backend, "records")) == records_before  # all or nothing

    def test_item_without_subject_or_site_is_a_noop(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        before = backend.version
        job = run_job(backend, clock, [{"formKey": FORM_KEY, "data": {}}])
        assert (job["state"], job["recordIds"]) == ("COMPLETED", [])
        assert backend.version == before

    def test_stuck_jobs_never_finish(self, clock: FakeClock) -> None:
        backend = make_backend(clock, JobOutcome.STUCK)
        job = run_job(backend, clock, [])
        clock.now += 3600
        assert backend.job(STUDY_KEY, str(job["batchId"]))["state"] == "PROCESSING"  # type: ignore[index]

    def test_failing_jobs_always_fail(self, clock: FakeClock) -> None:
        backend = make_backend(clock, JobOutcome.FAIL)
        job = run_job(
            backend, clock, [{"formKey": FORM_KEY, "siteName": seed.SITE_OPEN_NAME, "data": {}}]
        )
        assert job["state"] == "FAILED"
        assert "failing-jobs" in str(job["reason"])

    def test_jobs_are_scoped_to_their_study(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        seeded = {key: [j["batchId"] for j in backend.jobs(key, ListQuery())] for key in
                  (STUDY_KEY, seed.SECOND_STUDY_KEY)}  # fmt: skip
        batch = str(backend.create_job(STUDY_KEY, [])["batchId"])
        assert backend.job(seed.SECOND_STUDY_KEY, batch) is None
        listed = [j["batchId"] for j in backend.jobs(STUDY_KEY, ListQuery())]
        assert sorted(listed) == sorted([*seeded[STUDY_KEY], batch])
        assert [j["batchId"] for j in backend.jobs(seed.SECOND_STUDY_KEY, ListQuery())] == (
            seeded[seed.SECOND_STUDY_KEY]
        )

    def test_every_study_starts_with_one_finished_job_to_read(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        for key in (STUDY_KEY, seed.SECOND_STUDY_KEY):
            [job] = backend.jobs(key, ListQuery())
            assert job["state"] == "COMPLETED"
            assert backend.job(key, str(job["batchId"])) == job

    def test_a_form_without_variables_ends_the_job_failed(self, clock: FakeClock) -> None:
        backend = make_backend(clock)
        for variable in backend._studies[STUDY_KEY].resources["variables"]:
            if variable["formId"] == seed.FORM_ID:
                variable["formId"] = -1
        job = run_job(
            backend, clock, [{"formKey": FORM_KEY, "subjectKey": "02-002", "data": {"X": 1}}]
        )
        assert job["state"] == "FAILED"
        assert f"Form with formKey of {FORM_KEY} has no variables." in str(job["reason"])
        assert backend.job_result(STUDY_KEY, str(job["batchId"])) == ("failed", job["reason"])

    def test_job_seconds_is_how_long_a_job_stays_in_progress(self, clock: FakeClock) -> None:
        backend = make_backend(clock, finish_after=60.0)
        job = backend.create_job(STUDY_KEY, [])
        clock.now += 59.9
        assert backend.job(STUDY_KEY, str(job["batchId"]))["state"] == "PROCESSING"  # type: ignore[index]
        clock.now += 0.1
        assert backend.job(STUDY_KEY, str(job["batchId"]))["state"] == "COMPLETED"  # type: ignore[index]


class TestJobClockDrivenByATest:
    """finish_pending: a test ends pending jobs now, whatever their time or the scenario."""

    BODY: ClassVar[list[object]] = [
        {"formKey": FORM_KEY, "siteId": seed.SITE_OPEN_ID, "data": {"SUBJINIT": "NOW"}}
    ]

    def test_finish_applies_pending_jobs_before_their_time(self, clock: FakeClock) -> None:
        backend = make_backend(clock, finish_after=3600)
        batch = backend.create_job(STUDY_KEY, self.BODY)["batchId"]
        records = len(items(backend, "records"))
        assert backend.finish_pending() == [batch]
        job = backend.job(STUDY_KEY, str(batch))
        assert job is not None
        assert job["state"] == "COMPLETED"
        assert len(items(backend, "records")) == records + 1
        assert backend.finish_pending() == []  # nothing left pending

    def test_fail_writes_nothing_and_keeps_the_reason(self, clock: FakeClock) -> None:
        backend = make_backend(clock, finish_after=3600)
        batch = backend.create_job(STUDY_KEY, self.BODY)["batchId"]
        records = len(items(backend, "records"))
        assert backend.finish_pending(fail="site closed") == [batch]
        (summary,) = [j for j in backend.job_summaries() if j["batchId"] == batch]
        assert (summary["state"], summary["reason"]) == ("FAILED", "site closed")
        assert len(items(backend, "records")) == records
        clock.now += 7200  # a failed job never completes later
        assert backend.job(STUDY_KEY, str(batch))["state"] == "FAILED"  # type: ignore[index]

    def test_a_stuck_scenario_still_finishes_when_the_test_says(self, clock: FakeClock) -> None:
        backend = make_backend(clock, outcome=JobOutcome.STUCK)
        batch = backend.create_job(STUDY_KEY, self.BODY)["batchId"]
        clock.now += 7200
        assert backend.job(STUDY_KEY, str(batch))["state"] == "PROCESSING"  # type: ignore[index]
        backend.finish_pending()
        assert backend.job(STUDY_KEY, str(batch))["state"] == "COMPLETED"  # type: ignore[index]

    def test_summaries_show_true_states_without_counting_reads(self, clock: FakeClock) -> None:
        backend = make_backend(clock, finish_after=3600)
        batch = backend.create_job(STUDY_KEY, self.BODY)["batchId"]
        states = {j["batchId"]: j["state"] for j in backend.job_summaries()}
        assert states.pop(batch) == "created"
        assert set(states.values()) == {"COMPLETED"}  # the seeded jobs
        clock.now += 1
        (mine,) = [j for j in backend.job_summaries() if j["batchId"] == batch]
        assert mine["state"] == "PROCESSING"


def test_the_job_extras_scenario_adds_its_convenience_fields(clock: FakeClock) -> None:
    studies = build_studies(get_scenario("job-extras"))
    backend = Backend(studies, clock=clock, job_extras=get_scenario("job-extras").job_extras)
    batch = str(backend.create_job(STUDY_KEY, [{"formKey": "NOPE", "data": {"X": 1}}])["batchId"])
    clock.now += 1
    job = backend.job(STUDY_KEY, batch)
    assert job is not None
    assert job["studyKey"] == STUDY_KEY
    assert job["recordIds"] == []
    assert job["reason"] == job["message"] == "record 0: Form with formKey of NOPE not found."
