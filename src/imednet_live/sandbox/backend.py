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
from functools import lru_cache
from typing import Any

from imednet_live.sandbox import filters, seed
from imednet_live.sandbox.scenarios import JobOutcome, StateSpelling
from imednet_live.sandbox.seed import Item, StudyData
from imednet_live.statuses import is_open_site_status

DEFAULT_JOB_SECONDS = 0.25

DEFAULT_SORT: dict[str, str] = {
    "studies": "studyKey",
    "sites": "siteId",
    "forms": "formId",
    "intervals": "intervalId",
    "visits": "visitId",
    "subjects": "subjectId",
    "users": "login",
    "variables": "variableId",
    "codings": "recordId",
    "queries": "annotationId",
    "recordRevisions": "recordRevisionId",
    "records": "recordId",
    "jobs": "dateCreated",
}
# Resources whose items carry studyKey: a studyKey filter term is implied by the path.
STUDY_SCOPED_ATTRIBUTE = "studyKey"
# Whitelist attributes the SDK's RecordMapper sends (export_to_sql form_whitelist and
# variable_whitelist), per resource, read as the item attribute each names. ``variableNames``
# on records is a column choice the SDK applies itself, not a row filter: it stays ignored
# as an unknown attribute, so a record is never dropped for a variable it lacks.
WHITELIST_ATTRIBUTES: dict[str, dict[str, str]] = {
    "records": {"formIds": "formId"},
    "variables": {"formIds": "formId", "variableNames": "variableName"},
}

Sort = tuple[tuple[str, bool], ...]  # (property, descending)


@lru_cache(maxsize=512)
def parse_filter(text: str) -> filters.Node:
    """Cached parse: the same filter text arrives on every page of a listing."""
    return filters.parse(text)


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, (bool, int, float)):
        return (0, value)
    if value is None:
        return (2, "")
    return (1, str(value))


def _sort_key_for(prop: str) -> Callable[[Item], tuple[int, Any]]:
    return lambda item: _sort_key(item.get(prop))


def effective_sort(resource: str, sort: Sort) -> Sort:
    """The requested sort, or else the resource's default property, ascending."""
    return sort or ((DEFAULT_SORT[resource], False),)


def filter_items(
    items: list[Item], text: str, *, study_scoped: bool, resource: str | None = None
) -> list[Item]:
    """Items matching filter ``text``; on a study path its studyKey terms are implied."""
    node = filters.rename_attributes(
        parse_filter(text), WHITELIST_ATTRIBUTES.get(resource or "", {})
    )
    if study_scoped:
        node = filters.drop_attributes(node, {STUDY_SCOPED_ATTRIBUTE})
    if isinstance(node, filters.Always):
        return items
    wanted = _whole_number_equality(node)
    if wanted is not None:  # the common id filter, without the general evaluator per item
        attribute, values = wanted

        def keep(item: Item) -> bool:
            value = item.get(attribute)
            if type(value) is int:  # not bool: True == 1 goes through the evaluator
                return value in values
            return filters.evaluate(node, item)

        return [i for i in items if keep(i)]
    return [i for i in items if filters.evaluate(node, i)]


def _whole_number_equality(node: filters.Node) -> tuple[str, frozenset[int]] | None:
    """``attr==1`` or ``attr==1,attr==2`` (one attribute, whole numbers): its values.

    On an item whose value is an ``int`` this is exactly what ``filters.evaluate`` decides
    (numbers compare as numbers); other items still go through the evaluator. At 100,000
    records that is the difference between a fraction of a second and a few milliseconds.
    """
    terms = node.terms if isinstance(node, filters.Or) else (node,)
    if not all(isinstance(t, filters.Comparison) and t.op == "==" for t in terms):
        return None
    comparisons = [t for t in terms if isinstance(t, filters.Comparison)]
    attributes = {t.attribute for t in comparisons}
    numbers = [t.value.number for t in comparisons]
    if len(attributes) != 1 or any(n is None or not float(n).is_integer() for n in numbers):
        return None
    return attributes.pop(), frozenset(int(n) for n in numbers if n is not None)


def sort_items(items: list[Item], sort: Sort) -> list[Item]:
    """Stable multi-key sort; mixed types and missing values never raise."""
    out = list(items)
    for prop, descending in reversed(sort):
        out.sort(key=_sort_key_for(prop), reverse=descending)
    return out


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


class JobFailed(Exception):
    """A job item cannot be applied; the message becomes the job's reason."""


def result_url(study_key: str, batch_id: str) -> str:
    """Where a job's result is served (plain text reason when FAILED, as the real API does)."""
    return f"/api/v1/edc/studies/{study_key}/jobs/{batch_id}/result"


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
            job.records = _Writer(self._studies[job.study_key], self._now()).apply(job.items)
        except JobFailed as exc:
            job.state, job.reason = "FAILED", str(exc)
            return
        job.state = "COMPLETED"
        if job.records:
            self.version += 1  # invalidates cached views


class _Writer:
    """Applies one job's items to a study: validate every item first, then apply all or none."""

    def __init__(self, study: StudyData, now: datetime) -> None:
        self.study = study
        self.res = study.resources
        self.key = study.study["studyKey"]
        self.stamp = now.strftime("%Y-%m-%d %H:%M:%S")

    def apply(self, items: list[Any]) -> list[int]:
        plans = [self._plan(i, entry) for i, entry in enumerate(items)]
        return [action() for action in plans if action is not None]

    # ----- resolution --------------------------------------------------------------------
    def _find(self, resource: str, **match: Any) -> Item | None:
        for item in self.res[resource]:
            if all(item.get(k) == v for k, v in match.items()) and not item.get("deleted"):
                return item
        return None

    def _by(self, resource: str, entry: Item, pairs: tuple[tuple[str, str], ...]) -> Any:
        """Resolve by the first identifier present: returns item, None (absent) or raises."""
        for field_name, attr in pairs:
            value = entry.get(field_name)
            if value in (None, ""):
                continue
            if attr.endswith("Id") and not isinstance(value, int):
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    raise JobFailed(f"{field_name} must be an integer, got {value!r}") from None
            found = self._find(resource, **{attr: value})
            if found is None:
                raise JobFailed(f"unknown {field_name} {value!r} in study {self.key}")
            return found
        return None

    def _plan(self, index: int, entry: Any) -> Callable[[], int] | None:
        try:
            return self._plan_item(entry)
        except JobFailed as exc:
            raise JobFailed(f"record {index}: {exc}") from None

    def _plan_item(self, entry: Any) -> Callable[[], int] | None:
        if not isinstance(entry, dict):
            raise JobFailed("each record must be a JSON object")
        form = self._form(entry)
        if form["disabled"]:
            raise JobFailed(f"form {form['formKey']} is disabled")
        data = entry.get("data", {})
        if not isinstance(data, dict):
            raise JobFailed("data must be a JSON object")
        names = {v["variableName"] for v in self.res["variables"] if v["formId"] == form["formId"]}
        if not names:  # W7: a form without variables cannot take a record
            raise JobFailed(f"Form with formKey of {form['formKey']} has no variables.")
        unknown = sorted(set(data) - names)
        if unknown:
            raise JobFailed(f"not variables of form {form['formKey']}: {', '.join(unknown)}")
        record = self._by("records", entry, (("recordId", "recordId"), ("recordOid", "recordOid")))
        if record is not None:
            return lambda: self._update(record, data)
        subject_ids = (
            ("subjectKey", "subjectKey"),
            ("subjectId", "subjectId"),
            ("subjectOid", "subjectOid"),
        )
        site = self._by("sites", entry, (("siteName", "siteName"), ("siteId", "siteId")))
        if site is not None and not any(entry.get(f) not in (None, "") for f, _ in subject_ids):
            self._require_open(site)
            return lambda: self._register(form, site, data, None)
        try:
            subject = self._by("subjects", entry, subject_ids)
        except JobFailed:
            if site is None or entry.get("subjectKey") in (None, ""):
                raise
            self._require_open(site)  # register under the caller's new subjectKey
            return lambda: self._register(form, site, data, str(entry["subjectKey"]))
        if subject is None:
            return None  # no subject, no site, no record: accepted as a no-op (docs/sandbox.md)
        interval = self._by(
            "intervals", entry, (("intervalName", "intervalName"), ("intervalId", "intervalId"))
        )
        if interval is not None:
            if interval["disabled"]:
                raise JobFailed(f"interval {interval['intervalName']} is disabled")
            return lambda: self._scheduled(form, subject, interval, data)
        return lambda: self._new_record(form, subject, data, interval_id=0, visit_id=0)

    def _form(self, entry: Item) -> Item:
        """The item's subject-record form; anything else fails as the real API does (W7, W8)."""
        key = entry.get("formKey")
        if key in (None, "") and entry.get("formId") in (None, ""):
            raise JobFailed("formKey or formId is required")
        try:
            form = self._by("forms", entry, (("formKey", "formKey"), ("formId", "formId")))
        except JobFailed:
            form = None
        if form is None:
            raise JobFailed(f"Form with formKey of {key or entry.get('formId')} not found.")
        if not form.get("subjectRecordReport"):
            raise JobFailed(
                f"Form with formKey of {form['formKey']} not found (not a subject record form)."
            )
        return form

    @staticmethod
    def _require_open(site: Item) -> None:
        if not is_open_site_status(site["siteEnrollmentStatus"]):
            raise JobFailed(
                f"site {site['siteName']} is not open for enrollment "
                f"({site['siteEnrollmentStatus']})"
            )

    # ----- effects -----------------------------------------------------------------------
    def _next(self, resource: str, attr: str) -> int:
        return max((i[attr] for i in self.res[resource]), default=0) + 1

    def _revision(self, record: Item, reason: str) -> None:
        number = 1 + sum(
            1 for r in self.res["recordRevisions"] if r["recordId"] == record["recordId"]
        )
        self.res["recordRevisions"].append(
            seed.revision_item(
                self.key, self._next("recordRevisions", "recordRevisionId"), record, number, reason
            )
        )

    def _new_record(
        self, form: Item, subject: Item, data: dict[str, Any], *, interval_id: int, visit_id: int
    ) -> int:
        record = seed.record_item(
            self.key,
            self._next("records", "recordId"),
            form,
            subject,
            data,
            interval_id=interval_id,
            visit_id=visit_id,
            created=self.stamp,
        )
        self.res["records"].append(record)
        self._revision(record, "Created by API")
        return record["recordId"]

    def _update(self, record: Item, data: dict[str, Any]) -> int:
        record["recordData"].update(data)
        record["dateModified"] = self.stamp
        record["recordStatus"] = "Record Complete"
        self._revision(record, "Updated by API")
        return record["recordId"]

    def _visit(self, subject: Item, interval: Item) -> Item:
        visit = self._find(
            "visits", subjectId=subject["subjectId"], intervalId=interval["intervalId"]
        )
        if visit is None:
            visit = seed.visit_item(
                self.key, self._next("visits", "visitId"), interval, subject, offset_days=0
            )
            visit["dateCreated"] = visit["dateModified"] = self.stamp
            self.res["visits"].append(visit)
        return visit

    def _scheduled(self, form: Item, subject: Item, interval: Item, data: dict[str, Any]) -> int:
        record = self._find(
            "records",
            subjectId=subject["subjectId"],
            intervalId=interval["intervalId"],
            formId=form["formId"],
        )
        if record is not None:
            return self._update(record, data)
        visit = self._visit(subject, interval)
        return self._new_record(
            form, subject, data, interval_id=interval["intervalId"], visit_id=visit["visitId"]
        )

    def _register(self, form: Item, site: Item, data: dict[str, Any], key: str | None) -> int:
        subject_id = self._next("subjects", "subjectId")
        taken = {s["subjectKey"] for s in self.res["subjects"]}
        if key is None:
            key = f"{site['siteId']:02d}-{subject_id:05d}"
            while key in taken:
                subject_id += 1
                key = f"{site['siteId']:02d}-{subject_id:05d}"
        subject = seed.subject_item(self.key, subject_id, key, "Enrolled", site)
        subject["dateCreated"] = subject["dateModified"] = self.stamp
        subject["enrollmentStartDate"] = self.stamp
        self.res["subjects"].append(subject)
        enabled = [i for i in self.res["intervals"] if not i["disabled"]]
        visits = {i["intervalId"]: self._visit(subject, i) for i in enabled}
        home = next(
            (i for i in enabled if any(f["formId"] == form["formId"] for f in i["forms"])), None
        )
        if home is None:
            return self._new_record(form, subject, data, interval_id=0, visit_id=0)
        return self._new_record(
            form,
            subject,
            data,
            interval_id=home["intervalId"],
            visit_id=visits[home["intervalId"]]["visitId"],
        )
