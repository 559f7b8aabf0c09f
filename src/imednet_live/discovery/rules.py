"""The Live Test Charter's discovery contract (sections 4 and 5), in one place.

The published ``imednet.discovery`` ignores IMEDNET_STUDY_KEY/IMEDNET_FORM_KEY and
compares statuses so that ``Enrollment Open`` never qualifies; this module follows
the charter: explicit overrides first, then the first eligible entity, and absence
reported as a dedicated error that names the entity and the study. Discovery walks
each resource lazily, one page at a time, and stops at the first eligible entity, so
its cost does not grow with the study; the result is a plain, JSON-serialisable value
that ``discovery_cache`` shares across the processes of one run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from imednet_live.bounded_reads import walk
from imednet_live.config import Settings
from imednet_live.discovery import cache as discovery_cache
from imednet_live.record_data import sample_record_data, value_for_type
from imednet_live.sdk import compat as sdk_compat
from imednet_live.statuses import (
    WRITABLE_SITE_STATUSES,
    WRITABLE_SUBJECT_STATUSES,
    is_open_site_status,
    is_writable_subject_status,
    normalise_status,
)

if TYPE_CHECKING:  # imported where used: collecting tests/live must not import the SDK
    from imednet import ImednetSDK
    from imednet.models.forms import Form
    from imednet.models.intervals import Interval
    from imednet.models.sites import Site
    from imednet.models.subjects import Subject
    from imednet.models.variables import Variable

__all__ = [
    "WRITABLE_SITE_STATUSES",
    "WRITABLE_SUBJECT_STATUSES",
    "Discovery",
    "FormRef",
    "IntervalRef",
    "NoEligibleEntityError",
    "NoLiveDataError",
    "SiteRef",
    "SubjectRef",
    "VariableRef",
    "discover",
    "has_fillable_variable",
    "is_eligible_form",
    "is_eligible_interval",
    "is_writable_site",
    "is_writable_subject",
    "normalise_status",
    "sample_record_data",
]

_CACHE_FORMAT = 1


def is_eligible_form(form: Form) -> bool:
    return bool(form.subject_record_report) and not form.disabled


def has_fillable_variable(variables: Iterable[Variable]) -> bool:
    """At least one variable the harness can fill: the real API rejects an empty ``data``."""
    return any(v.variable_name and value_for_type(v.variable_type) is not None for v in variables)


def is_writable_site(site: Site) -> bool:
    return is_open_site_status(site.site_enrollment_status)


def is_writable_subject(subject: Subject) -> bool:
    return not subject.deleted and is_writable_subject_status(subject.subject_status)


def is_eligible_interval(interval: Interval) -> bool:
    return not interval.disabled


class NoEligibleEntityError(LookupError):
    """Discovery found no eligible entity: environment drift, never a code defect.

    The message names the entity and the study only, so it can be used verbatim as a
    skip reason (charter section 7).
    """

    def __init__(self, entity: str, study_key: str | None, message: str | None = None) -> None:
        self.entity = entity
        self.study_key = study_key
        self.message = message or f"No {entity} for study {study_key}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NoLiveDataError(NoEligibleEntityError):
    """No study, or no eligible form: the runbook's red ``NoLiveDataError``."""


@dataclass(frozen=True)
class VariableRef:
    name: str
    type: str


@dataclass(frozen=True)
class FormRef:
    form_key: str
    form_id: int
    variables: tuple[VariableRef, ...] = ()


@dataclass(frozen=True)
class SiteRef:
    site_id: int
    site_name: str
    status: str


@dataclass(frozen=True)
class SubjectRef:
    subject_key: str
    subject_id: int
    site_id: int
    site_name: str
    status: str


@dataclass(frozen=True)
class IntervalRef:
    interval_id: int
    interval_name: str


@dataclass(frozen=True)
class Discovery:
    """What one run found; the accessors raise the charter's absence errors lazily.

    Absence is data here (a ``None``), so a target without, say, active sites still
    yields a cacheable Discovery and only the tests that need a site skip.
    """

    study_key: str | None
    form_ref: FormRef | None = None
    read_site: SiteRef | None = None
    write_site: SiteRef | None = None
    read_subject: SubjectRef | None = None
    write_subject: SubjectRef | None = None
    interval_ref: IntervalRef | None = None
    study_overridden: bool = False
    form_overridden: bool = False

    def study(self) -> str:
        if not self.study_key:
            raise NoLiveDataError("studies", None, "No studies available to these credentials")
        return self.study_key

    def form(self) -> FormRef:
        study = self.study()
        if self.form_ref is None:
            raise NoLiveDataError(
                "eligible subject-record forms",
                study,
                f"No eligible subject-record forms for study {study}",
            )
        return self.form_ref

    def site(self, *, for_write: bool = False) -> SiteRef:
        study = self.study()
        found = self.write_site if for_write else self.read_site
        if found is None:
            raise NoEligibleEntityError("active sites" if for_write else "sites", study)
        return found

    def subject(self, *, for_write: bool = False) -> SubjectRef:
        study = self.study()
        found = self.write_subject if for_write else self.read_subject
        if found is None:
            raise NoEligibleEntityError("active subjects" if for_write else "subjects", study)
        return found

    def interval(self) -> IntervalRef:
        study = self.study()
        if self.interval_ref is None:
            raise NoEligibleEntityError("non-disabled intervals", study)
        return self.interval_ref

    def to_json(self) -> str:
        return json.dumps({"format": _CACHE_FORMAT, **asdict(self)}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Discovery:
        raw: dict[str, Any] = json.loads(text)
        if raw.pop("format", None) != _CACHE_FORMAT:
            raise ValueError("discovery cache entry has an unknown format")
        form = raw.get("form_ref")
        if form is not None:
            variables = tuple(VariableRef(**v) for v in form.get("variables", ()))
            raw["form_ref"] = FormRef(
                form_key=form["form_key"], form_id=form["form_id"], variables=variables
            )
        for name, ref in (
            ("read_site", SiteRef),
            ("write_site", SiteRef),
            ("read_subject", SubjectRef),
            ("write_subject", SubjectRef),
            ("interval_ref", IntervalRef),
        ):
            if raw.get(name) is not None:
                raw[name] = ref(**raw[name])
        return cls(**raw)


def _first(items: Iterable[Any]) -> Any | None:
    return next(iter(items), None)


def _first_and_eligible(
    items: Iterable[Any], eligible: Callable[[Any], bool]
) -> tuple[Any | None, Any | None]:
    """The first item and the first eligible one, reading no further than the latter."""
    first: Any | None = None
    for item in items:
        if first is None:
            first = item
        if eligible(item):
            return first, item
    return first, None


def _site_ref(site: Site | None) -> SiteRef | None:
    if site is None:
        return None
    return SiteRef(site.site_id, site.site_name, site.site_enrollment_status)


def _subject_ref(subject: Subject | None) -> SubjectRef | None:
    if subject is None:
        return None
    return SubjectRef(
        subject.subject_key,
        subject.subject_id,
        subject.site_id,
        subject.site_name,
        subject.subject_status,
    )


def _form_variables(sdk: ImednetSDK, study: str, form_key: str) -> list[Variable]:
    # The filter keeps the call small on big studies; the client-side check keeps the
    # result right on a server that ignores unknown filter attributes.
    listed = sdk.variables.list(study_key=study, formKey=form_key)
    return [v for v in listed if v.form_key == form_key and not v.disabled and not v.deleted]


def _discover_form(sdk: ImednetSDK, study: str, override: str | None) -> FormRef | None:
    if override:
        variables = _form_variables(sdk, study, override)
        form_id = variables[0].form_id if variables else 0
        key = override
    else:
        from imednet.models.forms import Form

        found = _first(
            (form, variables)
            for form in walk(sdk, study, "forms", Form)
            if is_eligible_form(form)
            for variables in (_form_variables(sdk, study, form.form_key),)
            if has_fillable_variable(variables)
        )
        if found is None:
            return None
        form, variables = found
        form_id, key = form.form_id, form.form_key
    refs = tuple(VariableRef(v.variable_name, v.variable_type) for v in variables)
    return FormRef(form_key=key, form_id=form_id, variables=refs)


def compute_discovery(sdk: ImednetSDK, settings: Settings) -> Discovery:
    """Pick the first eligible entity of each kind, reading pages only until it is found.

    API errors propagate unchanged: a failed call is a failure, never absence.
    """
    from imednet.models.intervals import Interval
    from imednet.models.sites import Site
    from imednet.models.studies import Study
    from imednet.models.subjects import Subject

    study = settings.study_key
    if not study:
        first = _first(walk(sdk, None, "studies", Study))
        if first is None or not first.study_key:
            return Discovery(study_key=None, form_overridden=bool(settings.form_key))
        study = first.study_key
    form = _discover_form(sdk, study, settings.form_key)
    read_site, write_site = _first_and_eligible(walk(sdk, study, "sites", Site), is_writable_site)
    read_subject, write_subject = _first_and_eligible(
        walk(sdk, study, "subjects", Subject), is_writable_subject
    )
    interval = _first(i for i in walk(sdk, study, "intervals", Interval) if is_eligible_interval(i))
    return Discovery(
        study_key=study,
        form_ref=form,
        read_site=_site_ref(read_site),
        write_site=_site_ref(write_site),
        read_subject=_subject_ref(read_subject),
        write_subject=_subject_ref(write_subject),
        interval_ref=(
            IntervalRef(interval.interval_id, interval.interval_name) if interval else None
        ),
        study_overridden=bool(settings.study_key),
        form_overridden=bool(settings.form_key),
    )


def discover(
    sdk: ImednetSDK, settings: Settings | None = None, *, use_cache: bool = True
) -> Discovery:
    """The run's Discovery: computed once per IMEDNET_LIVE_RUN_ID and target, shared across
    processes (and across the sessions' sandboxes of one scenario and seed data).

    Without a run id (or with ``use_cache=False``) it is computed in this process.
    """
    settings = Settings.from_env() if settings is None else settings
    run_id = discovery_cache.run_id()
    if not use_cache or run_id is None:
        return compute_discovery(sdk, settings)
    key = discovery_cache.cache_key(
        run_id=run_id,
        base_url=sdk.config.base_url or settings.base_url,
        api_key=sdk.config.api_key,
        security_key=sdk.config.security_key,
        study_key=settings.study_key,
        form_key=settings.form_key,
        sandbox=discovery_cache.sandbox_identity(),
        sdk_build=sdk_compat.sdk_version(),  # one run shares only within one build
    )
    text = discovery_cache.load_or_compute(key, lambda: compute_discovery(sdk, settings).to_json())
    return Discovery.from_json(text)
