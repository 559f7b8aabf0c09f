"""Applying a records POST to a study: a job's writes (what the API rejects at once is
request_models.py's).

A job's items are planned first and applied only if every one is valid, so a failed job
writes nothing (the backend turns JobFailed into the job's reason).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from imednet_live.core.statuses import is_open_site_status
from imednet_live.sandbox import seed
from imednet_live.sandbox.seed import Item, StudyData


class JobFailed(Exception):
    """A job item cannot be applied; the message becomes the job's reason."""


class Writer:
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
