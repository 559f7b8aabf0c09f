"""The sandbox's state and its transitions (studies, records, jobs). No HTTP in here.

Job states are computed lazily from timestamps, and every public method first applies
the jobs that are due, so no read can ever see the store without a finished job's effect
(no background threads). One lock guards the state so tests may drive the backend from
their own thread while the server runs.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from imednet_live.core.api_paths import api_path
from imednet_live.sandbox import filters, seed
from imednet_live.sandbox.evaluation import (
    Sort,
    effective_sort,
    filter_items,
    parse_filter,
    sort_items,
)
from imednet_live.sandbox.options import DEFAULT_JOB_SECONDS
from imednet_live.sandbox.scenarios import JobOutcome, StateSpelling
from imednet_live.sandbox.seed import Item, StudyData
from imednet_live.sandbox.writes import JobFailed, Writer


@dataclass(frozen=True)
class ListQuery:
    """What a list request asks for, already validated by the HTTP layer."""

    filter: str | None = None
    record_data_filter: str | None = None
    sort: Sort = ()
    include_inactive: bool = False


@dataclass
class Job:
    job_id: str
    batch_id: str
    study_key: str
    items: list[Any]
    created: float  # backend clock
    created_at: datetime
    state: str = "created"
    reason: str | None = None
    finished: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    records: list[int] = field(default_factory=list)
    reads: int = 0  # how often the job was shown, for scenarios that vary its spelling


def result_url(study_key: str, batch_id: str) -> str:
    """Where a job's result is served (plain text reason when FAILED, as the real API does)."""
    return api_path("studies", study_key, "jobs", batch_id, "result")


def _fmt(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else None


class Backend:
    """Owns every study's data and the record-write job lifecycle."""

    def __init__(
        self,
        studies: list[StudyData],
        *,
        job_outcome: JobOutcome = JobOutcome.COMPLETE,
        start_after: float = 0.05,
        finish_after: float = DEFAULT_JOB_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = datetime.now,
        state_spelling: StateSpelling | None = None,
        seed_jobs: bool = True,
        job_extras: bool = False,
    ) -> None:
        self._studies: dict[str, StudyData] = {s.study["studyKey"]: s for s in studies}
        self._job_outcome = job_outcome
        self._start_after = min(start_after, finish_after / 5)
        self._finish_after = finish_after
        self._clock = clock
        self._now = now
        self._spell = state_spelling
        self._job_extras = job_extras  # the job-extras scenario's undocumented convenience
        self._jobs: dict[str, Job] = {}
        self._pending: list[Job] = []
        self._lock = threading.RLock()
        self._views: OrderedDict[tuple[Any, ...], list[Item]] = OrderedDict()
        self.version = 0
        if seed_jobs:
            self._seed_jobs()

    def _seed_jobs(self) -> None:
        """One finished job per study, so ``jobs.list``/``jobs.get`` have something to read."""
        for key in self._studies:
            batch = str(uuid.uuid5(uuid.NAMESPACE_URL, f"imednet-live-sandbox/{key}/seed-job"))
            created = seed.EPOCH
            self._jobs[batch] = Job(
                job_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{batch}/job")),
                batch_id=batch,
                study_key=key,
                items=[],
                created=self._clock(),
                created_at=created,
                state="COMPLETED",
                finished=True,
                started_at=created,
                finished_at=created,
            )

    # ----- reads -------------------------------------------------------------------------
    def settle(self) -> None:
        """Finish every job whose time has come, in creation order, applying its effect."""
        with self._lock:
            if not self._pending or self._job_outcome is JobOutcome.STUCK:
                return
            now = self._clock()
            due = [j for j in self._pending if now - j.created >= self._finish_after]
            for job in due:
                self._finish(job)
                self._pending.remove(job)

    def has_study(self, study_key: str) -> bool:
        return study_key in self._studies

    def study_keys(self) -> list[str]:
        return list(self._studies)

    def job_summaries(self) -> list[Item]:
        """Every job's true state (no scenario spelling, no read counted), oldest first."""
        self.settle()
        with self._lock:
            return [
                {
                    "batchId": j.batch_id,
                    "jobId": j.job_id,
                    "studyKey": j.study_key,
                    "state": self._state(j),
                    "reason": j.reason,
                    "recordIds": list(j.records),
                    "items": len(j.items),
                }
                for j in self._jobs.values()
            ]

    def study(self, study_key: str) -> Item | None:
        self.settle()
        data = self._studies.get(study_key)
        return data.study if data else None

    def items(self, study_key: str | None, resource: str, query: ListQuery) -> list[Item]:
        """Filtered, sorted items of one resource (``study_key`` None: the studies list).

        Cached per query until the next write, so paging a 10,000-record listing filters once.
        """
        self.settle()
        with self._lock:
            key = (self.version, study_key, resource, query)
            cached = self._views.get(key)
            if cached is not None:
                self._views.move_to_end(key)
                return cached
            view = self._compute(study_key, resource, query)
            self._views[key] = view
            if len(self._views) > 128:
                self._views.popitem(last=False)
            return view

    def _compute(self, study_key: str | None, resource: str, query: ListQuery) -> list[Item]:
        if study_key is None:
            items = [s.study for s in self._studies.values()]
        else:
            items = list(self._studies[study_key].resources[resource])
        if resource == "users" and not query.include_inactive:
            items = [u for u in items if u.get("userActiveInStudy")]
        if query.filter:
            items = filter_items(
                items, query.filter, study_scoped=study_key is not None, resource=resource
            )
        if query.record_data_filter:
            node = parse_filter(query.record_data_filter)
            items = [
                i
                for i in items
                if filters.evaluate(node, i.get("recordData") or {}, missing_matches=False)
            ]
        return sort_items(items, effective_sort(resource, query.sort))

    def jobs(self, study_key: str, query: ListQuery) -> list[Item]:
        self.settle()
        with self._lock:
            items = [self._job_json(j) for j in self._jobs.values() if j.study_key == study_key]
        if query.filter:
            items = filter_items(items, query.filter, study_scoped=True)
        return sort_items(items, effective_sort("jobs", query.sort))

    def job(self, study_key: str, batch_id: str) -> Item | None:
        """A job by batchId (or jobId), or None."""
        self.settle()
        with self._lock:
            job = self._jobs.get(batch_id) or next(
                (j for j in self._jobs.values() if j.job_id == batch_id), None
            )
            if job is None or job.study_key != study_key:
                return None
            return self._job_json(job)

    def job_result(self, study_key: str, batch_id: str) -> tuple[str, str | list[int]] | None:
        """A job's result: ("failed", reason), ("completed", recordIds), ("running", []).

        None when the study has no such job.
        """
        self.settle()
        with self._lock:
            job = self._jobs.get(batch_id)
            if job is None or job.study_key != study_key:
                return None
            if not job.finished:
                return "running", []
            if job.state == "FAILED":
                return "failed", job.reason or "Job failed."
            return "completed", list(job.records)

    # ----- writes ------------------------------------------------------------------------
    def create_job(self, study_key: str, items: list[Any]) -> Item:
        """Accept a records POST: the job runs on its own; returns the 202 body."""
        self.settle()
        with self._lock:
            job = Job(
                job_id=str(uuid.uuid4()),
                batch_id=str(uuid.uuid4()),
                study_key=study_key,
                items=items,
                created=self._clock(),
                created_at=self._now(),
            )
            self._jobs[job.batch_id] = job
            self._pending.append(job)
            return {"jobId": job.job_id, "batchId": job.batch_id, "state": "created"}

    # ----- the job clock, driven by a test ------------------------------------------------
    def finish_pending(self, *, fail: str | None = None) -> list[str]:
        """Finish every pending job now, whatever its time or the scenario; their batchIds.

        With ``fail``, each fails with that reason and writes nothing; otherwise each applies
        its records as if its time had come (and may still fail on a bad item).
        """
        with self._lock:
            done = list(self._pending)
            self._pending.clear()
            for job in done:
                self._finish(job, fail=fail)
            return [j.batch_id for j in done]

    def _state(self, job: Job) -> str:
        if job.finished:
            return job.state
        elapsed = self._clock() - job.created
        if elapsed < self._start_after:
            return "created"
        if job.started_at is None:
            job.started_at = self._now()
        return "PROCESSING"

    def _job_json(self, job: Job) -> Item:
        state = self._state(job)
        shown: str | None = state
        if self._spell is not None:
            shown = self._spell(state, job.reads)
            job.reads += 1
        body: Item = {
            "jobId": job.job_id,
            "batchId": job.batch_id,
            "state": shown,
            "progress": 100 if job.finished else (50 if state == "PROCESSING" else 0),
            "resultUrl": result_url(job.study_key, job.batch_id),
            "dateCreated": _fmt(job.created_at),
            "dateStarted": _fmt(job.started_at),
            "dateFinished": _fmt(job.finished_at),
        }
        if not self._job_extras:
            return body  # the spec's fields, progress and resultUrl (W8) only
        body["studyKey"] = job.study_key
        if job.finished:
            body["recordIds"] = list(job.records)
        if job.reason:
            body["reason"] = job.reason
            body["message"] = job.reason
        return body

    def _finish(self, job: Job, *, fail: str | None = None) -> None:
        job.started_at = job.started_at or self._now()
        job.finished = True
        job.finished_at = self._now()
        if fail is not None:
            job.state, job.reason = "FAILED", fail
            return
        if self._job_outcome is JobOutcome.FAIL:
            job.state, job.reason = "FAILED", "failing-jobs scenario: the sandbox fails every job"
            return
        try:
            job.records = Writer(self._studies[job.study_key], self._now()).apply(job.items)
        except JobFailed as exc:
            job.state, job.reason = "FAILED", str(exc)
            return
        job.state = "COMPLETED"
        if job.records:
            self.version += 1  # invalidates cached views
