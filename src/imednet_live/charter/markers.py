"""The live suite's markers: what each test covers and what it needs (contract with tests/live)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

from imednet_live.config import read_var

# Rows of the matrix report, in the order the charter lists them.
RESOURCES: tuple[str, ...] = (
    "studies",
    "sites",
    "subjects",
    "records",
    "forms",
    "intervals",
    "visits",
    "variables",
    "queries",
    "record_revisions",
    "users",
    "codings",
    "jobs",
    "records.create",
    "poll_job",
    "workflows.record_update",
    "workflows.register_subjects",
    "workflows.data_extraction",
    "workflows.audit_trail",
    "workflows.subject_data",
    "workflows.query_management",
    "workflows.study_structure",
    "cli",
    "export.csv",
    "export.excel",
    "export.json",
    "export.parquet",
    "export.sql",
    "airflow.hook",
    "airflow.operator",
    "airflow.sensor",
    "optional_deps",
    "sdk.surface",  # the contract tests of declared SDK surface changes
)
UNASSIGNED = "(no resource marker)"  # the row of tests without a resource marker
# SDK surfaces (sdk_compat.SURFACES) a resource needs beyond the core client, by resource
# prefix: from the 0.8 line they live in separate distributions a build may lack.
SDK_SURFACES: dict[str, str] = {
    "workflows.": "workflows",
    "poll_job": "job_poller",
    "export.": "record_export",
    "airflow.": "airflow",
}

MARKERS: tuple[str, ...] = (
    "resource(name): the SDK resource or feature a live test covers (a row of the matrix report)",
    "mutating(unless_env=None): the test writes; skipped unless IMEDNET_ALLOW_MUTATION=1 "
    "(or unless the named variable is set)",
    "requires_package(*names): skipped as dependency-missing unless every package imports",
    "requires_absent(*names): runs only where none of the packages imports; deselected elsewhere",
    "requires_sdk(*surfaces): skipped as dependency-missing unless the SDK build has every "
    "surface (sdk_compat.SURFACES; implied by the resource for workflows, poll_job, export, "
    "airflow)",
    "sdk_defect(reason, raises=None): the test asserts the correct behaviour and the SDK "
    "release named in the reason gets it wrong: a strict xfail, classified known-sdk-defect; "
    "a pass fails the session (the defect is fixed: remove the marker); "
    "sdk_defect(known=key) names a defect of some builds (sdk.surface_changes.DEFECTS): "
    "applied only where the build has it",
    "sdk_surface_change(key): the contract test of a declared SDK surface change "
    "(sdk.surface_changes.CHANGES); where the build has the change it fails as declared, "
    "classified sdk-surface-change; elsewhere it must pass",
    "dependency_break(key): a test a newer release of an SDK dependency breaks "
    "(sdk.dependency_breaks.BREAKS); where the installed versions have the break it fails "
    "as declared, classified dependency-break; elsewhere it must pass",
)


@dataclass(frozen=True)
class Requirements:
    """What one test declared through its markers."""

    resource: str | None
    requires: tuple[str, ...]
    requires_absent: tuple[str, ...]
    mutating: bool  # after ``unless_env`` was applied
    unless_env: str | None = None  # the variable that lets a mutating test run read-only
    sdk_surfaces: tuple[str, ...] = ()  # SDK surfaces the test needs (sdk_compat.SURFACES)

    @property
    def marker_problem(self) -> str | None:
        if self.resource is None:
            return "has no @pytest.mark.resource(...) marker"
        if self.resource not in RESOURCES:
            return f"names unknown resource {self.resource!r} (see charter.markers.RESOURCES)"
        return None


@dataclass(frozen=True)
class SdkDefect:
    """A known SDK defect a test states (``@pytest.mark.sdk_defect``): why it must fail."""

    reason: str
    raises: type[BaseException] | tuple[type[BaseException], ...] | None = None
    surface_change: bool = False  # a declared surface change, not a defect
    dependency_break: bool = False  # a declared dependency break, not the SDK's own defect
    symptom: str | None = None  # what the failure must show to count as the declared one

    def as_xfail(self) -> pytest.MarkDecorator:
        """Strict whatever the ini says: a pass means the defect is gone and must show."""
        return pytest.mark.xfail(strict=True, reason=self.reason, raises=self.raises)


def sdk_defect_of(item: pytest.Item) -> SdkDefect | str | None:
    """The test's known SDK defect; a str names what is wrong with its marker."""
    for each in item.iter_markers("dependency_break"):  # the installed versions come first
        found = _dependency_break(each)
        if found is not None:
            return found
    change = item.get_closest_marker("sdk_surface_change")
    if change is not None:
        return _declared_change(change)
    static: pytest.Mark | None = None
    for each in item.iter_markers("sdk_defect"):  # a build's own defect comes first
        if "known" not in each.kwargs:
            static = static or each
            continue
        found = _build_defect(each)
        if found is not None:
            return found
    if static is None:
        return None
    marker = static
    reason = marker.args[0] if marker.args else marker.kwargs.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        return "has @pytest.mark.sdk_defect without a reason naming the SDK release and defect"
    return SdkDefect(reason.strip(), marker.kwargs.get("raises"))


def _declared_change(marker: pytest.Mark) -> SdkDefect | str | None:
    """The declared change, when the installed build has it (else the test must pass)."""
    from imednet_live.sdk import surface_changes

    key = str(marker.args[0]) if marker.args else ""
    try:
        change = surface_changes.change(key)
    except KeyError:
        return f"names unknown SDK surface change {key!r} (see sdk.surface_changes.CHANGES)"
    return SdkDefect(change.reason, surface_change=True) if change.present() else None


def _dependency_break(marker: pytest.Mark) -> SdkDefect | str | None:
    """A declared dependency break, when the installed versions have it."""
    from imednet_live import resolution
    from imednet_live.sdk import dependency_breaks

    key = str(marker.args[0]) if marker.args else ""
    try:
        found = dependency_breaks.get(key)
    except KeyError:
        return f"names unknown dependency break {key!r} (see sdk.dependency_breaks.BREAKS)"
    if not found.present():
        return None
    reason = found.reason(resolution.session_pins(os.environ))
    return SdkDefect(reason, dependency_break=True, symptom=found.symptom)


def _build_defect(marker: pytest.Mark) -> SdkDefect | str | None:
    """A known defect of some builds, when the installed build has it."""
    from imednet_live.sdk import surface_changes

    key = str(marker.kwargs["known"])
    try:
        defect = surface_changes.defect(key)
    except KeyError:
        return f"names unknown SDK build defect {key!r} (see sdk.surface_changes.DEFECTS)"
    return SdkDefect(defect.reason, marker.kwargs.get("raises")) if defect.present() else None


def requirements_of(item: pytest.Item, env: Mapping[str, str]) -> Requirements:
    resource_marker = item.get_closest_marker("resource")
    resource = str(resource_marker.args[0]) if resource_marker and resource_marker.args else None
    requires = tuple(
        str(name) for marker in item.iter_markers("requires_package") for name in marker.args
    )
    absent = tuple(
        str(name) for marker in item.iter_markers("requires_absent") for name in marker.args
    )
    mutating_marker = item.get_closest_marker("mutating")
    mutating = False
    unless_env = None
    if mutating_marker is not None:
        unless_env = mutating_marker.kwargs.get("unless_env")
        unless_env = str(unless_env) if unless_env else None
        mutating = not (unless_env and read_var(env, unless_env))
    surfaces = [str(name) for marker in item.iter_markers("requires_sdk") for name in marker.args]
    surfaces += [s for prefix, s in SDK_SURFACES.items() if (resource or "").startswith(prefix)]
    return Requirements(
        resource,
        tuple(dict.fromkeys(requires)),
        absent,
        mutating,
        unless_env,
        tuple(dict.fromkeys(surfaces)),
    )
