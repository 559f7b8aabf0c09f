"""The write scenarios of CONTRACT 1.5, planned from what discovery found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from imednet_live.discovery.record_data import sample_record_data
from imednet_live.discovery.rules import Discovery, NoEligibleEntityError
from imednet_live.smoke.reporter import Reporter


@dataclass(frozen=True)
class Scenario:
    name: str
    payload: dict[str, Any] | None  # None: identifiers missing
    missing: str | None = None


def plan_scenarios(found: Discovery) -> list[Scenario]:
    """The three write scenarios of CONTRACT 1.5, each with its payload or what it lacks."""
    study = found.study()
    form = found.form()
    base = {"formKey": form.form_key, "data": sample_record_data(form)}

    def attempt(name: str, build: Callable[[], dict[str, Any]]) -> Scenario:
        try:
            return Scenario(name, {**base, **build()})
        except NoEligibleEntityError as absent:
            return Scenario(name, None, str(absent))

    def scheduled() -> dict[str, Any]:
        missing: list[str] = []
        subject = interval = None
        try:
            subject = found.subject(for_write=True)
        except NoEligibleEntityError as absent:
            missing.append(absent.entity)
        try:
            interval = found.interval()
        except NoEligibleEntityError as absent:
            missing.append(absent.entity)
        if subject is None or interval is None:
            raise NoEligibleEntityError(" or ".join(missing), study)
        return {"subjectKey": subject.subject_key, "intervalName": interval.interval_name}

    return [
        attempt("register subject", lambda: {"siteName": found.site(for_write=True).site_name}),
        attempt("new record", lambda: {"subjectKey": found.subject(for_write=True).subject_key}),
        attempt("scheduled record", scheduled),
    ]


def identifiers_of(found: Discovery) -> dict[str, Any]:
    ids: dict[str, Any] = {"study_key": found.study_key}
    if found.form_ref is not None:
        ids.update(form_key=found.form_ref.form_key, form_id=found.form_ref.form_id)
    if found.write_site is not None:
        ids.update(site_name=found.write_site.site_name, site_id=found.write_site.site_id)
    if found.write_subject is not None:
        ids["subject_key"] = found.write_subject.subject_key
    if found.interval_ref is not None:
        ids["interval_name"] = found.interval_ref.interval_name
    return ids


def describe_discovery(found: Discovery, reporter: Reporter) -> None:
    """The runbook's first diagnostic step: what discovery found, and what it did not."""
    study = found.study()
    pinned = " (IMEDNET_STUDY_KEY)" if found.study_overridden else ""
    reporter.detail(f"study key: {study}{pinned}")
    form = found.form()
    pinned = " (IMEDNET_FORM_KEY)" if found.form_overridden else ""
    reporter.detail(
        f"form key: {form.form_key}{pinned} (formId {form.form_id}, "
        f"{len(form.variables)} variables)"
    )
    lookups: list[tuple[str, Callable[[Discovery], str]]] = [
        ("site", _site_text),
        ("subject", _subject_text),
        ("interval", _interval_text),
    ]
    for label, lookup in lookups:
        try:
            reporter.detail(f"{label}: {lookup(found)}")
        except NoEligibleEntityError as absent:
            reporter.detail(f"{label}: none ({absent})")


def _site_text(found: Discovery) -> str:
    site = found.site(for_write=True)
    return f"{site.site_name} (siteId {site.site_id}, status {site.status!r})"


def _subject_text(found: Discovery) -> str:
    subject = found.subject(for_write=True)
    return f"{subject.subject_key} (subjectId {subject.subject_id}, status {subject.status!r})"


def _interval_text(found: Discovery) -> str:
    interval = found.interval()
    return f"{interval.interval_name} (intervalId {interval.interval_id})"
