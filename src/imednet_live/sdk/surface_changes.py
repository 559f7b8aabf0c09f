"""What the SDK changed on purpose, and what it got wrong, per build: declared as data.

A *surface change* is a deliberate change since 0.5.0 that breaks user code written for
the release before it. Each has one contract test (``tests/live/test_sdk_surface.py``)
that asserts the old behaviour under ``@pytest.mark.sdk_surface_change(key)``: on a build
that has the change the test fails as declared and shows once, in the report's own
section ("SDK surface changes in this build"), instead of as a TypeError in every test
that met it; on a build without it, the test passes and guards the old surface.

A *build defect* is a known SDK defect that only some builds have (the static
``sdk_defect(reason)`` marks one every build has): a test marked
``@pytest.mark.sdk_defect(known=key)`` is a known SDK defect where ``present`` says the
build has it, and an ordinary test elsewhere (where it must pass: the proof that the
defect is the build's, not the harness's).

``present`` is feature detection on the installed build, never a version string; the
first build is for the reader. The plugin asks here at collection, so every check must
be cheap and import only what the test run imports anyway.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Callable
from dataclasses import dataclass

MAIN = "0.8.0+main.84b2fd36"


@dataclass(frozen=True)
class SurfaceChange:
    key: str
    summary: str  # what breaks for user code, one line
    first_build: str
    present: Callable[[], bool]
    # The snapshot differences it explains (surface_snapshot.diff lines, fnmatch patterns).
    covers: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return f"SDK surface change since {self.first_build}: {self.summary}"


@dataclass(frozen=True)
class BuildDefect:
    key: str
    reason: str  # names the builds and the defect, like a static sdk_defect reason
    present: Callable[[], bool]
    covers: tuple[str, ...] = ()


def _has(module: str, attribute: str | None = None) -> bool:
    """Whether ``module`` (and ``attribute`` on it) exists in the installed build."""
    try:
        if importlib.util.find_spec(module) is None:
            return False
    except ModuleNotFoundError:
        return False
    if attribute is None:
        return True
    try:
        return hasattr(importlib.import_module(module), attribute)
    except ImportError:
        return False


def _lazy_listings() -> bool:
    return _has("imednet.core.endpoint.dispatch", "execute_list")


def _async_prefix_gone() -> bool:
    try:
        from imednet.endpoints.records import AsyncRecordsEndpoint  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return _lazy_listings()  # the unified endpoints: one class, async by context
    return not hasattr(AsyncRecordsEndpoint, "async_list")


def _cli_not_typer() -> bool:
    from imednet_live.sdk import compat

    try:
        return not compat.cli_is_click(compat.cli_entry())
    except ImportError:
        return False


def _register_without_subject_key() -> bool:
    try:
        from imednet.models.records import RegisterSubjectRequest
    except ImportError:
        return False
    return "subject_key" not in RegisterSubjectRequest.model_fields


def _json_export_rows() -> bool:
    try:
        from imednet.integrations import export
    except ImportError:
        return False
    return 'orient="records"' in inspect.getsource(export.export_to_json)


def _export_mapper_plugin() -> bool:
    try:
        from imednet.integrations import export
    except ImportError:
        return False
    mapper = getattr(export, "_record_mapper", None)
    return mapper is not None and "imednet.mappers" in inspect.getsource(mapper)


def _job_failed_message_changed() -> bool:
    return _has("imednet.utils.job_poller", "evaluate_job_state")


def _workflows_split() -> bool:
    return not _has("imednet.workflows")


def _airflow_split() -> bool:
    return not _has("imednet.integrations.airflow")


def _sync_async_split() -> bool:
    try:
        from imednet.endpoints.records import RecordsEndpoint
    except ImportError:
        return False
    return not hasattr(RecordsEndpoint, "async_list")


def _list_by_attribute_gone() -> bool:
    try:
        from imednet.endpoints.records import RecordsEndpoint
    except ImportError:
        return False
    return not hasattr(RecordsEndpoint, "list_by_attribute")


def _record_keywords_missing() -> bool:
    try:
        from imednet.models import Record
    except ImportError:
        return False
    return "keywords" not in Record.model_fields


CHANGES: tuple[SurfaceChange, ...] = (
    SurfaceChange(
        "sync_async_split",
        "the sync client's endpoints lost `async_list`/`async_get`/`async_create` "
        "(async calls go through `AsyncImednetSDK`'s own endpoints) and `get()` takes "
        "exactly `(study_key, item_id)` again (0.5.6's optional arguments and `**kwargs` gone)",
        "0.8.0",
        _sync_async_split,
        (
            "endpoint *.async_*: removed",
            "endpoint *.get: signature (study_key=, item_id=, **kwargs) -> * "
            "became (study_key, item_id) -> *",
        ),
    ),
    SurfaceChange(
        "list_by_attribute",
        "`<endpoint>.list_by_attribute()` (and its async twin) is gone: filter with "
        "`list(**filters)`",
        "0.5.6",
        _list_by_attribute_gone,
        ("endpoint *.list_by_attribute: removed", "endpoint *.async_list_by_attribute: removed"),
    ),
    SurfaceChange(
        "workflows_package",
        "`imednet.workflows` moved to the `imednet-workflows` distribution "
        "(`imednet_workflows`): `import imednet.workflows` breaks",
        "0.8.0",
        _workflows_split,
    ),
    SurfaceChange(
        "airflow_package",
        "`imednet.integrations.airflow` moved to `apache-airflow-providers-imednet` "
        "(`apache_airflow_providers_imednet`): its imports break",
        "0.8.0",
        _airflow_split,
    ),
    SurfaceChange(
        "lazy_listings",
        "`<endpoint>.list()` returns a lazy iterator, not a list: indexing, slicing, "
        "`len()` and a second pass break",
        MAIN,
        _lazy_listings,
        (
            "endpoint *.list: signature * -> list became * -> ListOperation",
            "endpoint *.list_by_site: signature * -> list became * -> ListBySiteOperation",
        ),
    ),
    SurfaceChange(
        "async_dispatch",
        "`async_list`/`async_get`/`async_create` are gone from `AsyncImednetSDK` "
        "endpoints: their own `list`/`get`/`create` are async",
        MAIN,
        _async_prefix_gone,
        # the methods are dispatch descriptors: they declare the operation they execute
        (
            "endpoint *.get: signature * became * -> *GetOperation",
            "endpoint *.create: signature * became * -> RecordCreateOperation",
        ),
    ),
    SurfaceChange(
        "cli_argparse",
        "`imednet.cli:app` is an argparse function taking argv, not a typer app: "
        "`CliRunner().invoke(app, ...)` breaks",
        MAIN,
        _cli_not_typer,
    ),
    SurfaceChange(
        "register_subject_key",
        "`RegisterSubjectRequest` has no `subject_key`: `register_subjects` always "
        "enrols a new subject (the server assigns its key); a given key is ignored",
        MAIN,
        _register_without_subject_key,
        ("model RegisterSubjectRequest.subject_key: removed",),
    ),
    SurfaceChange(
        "export_json_rows",
        "`export_to_json` writes a list of row objects, not pandas' column-oriented "
        "`{column: {row: value}}`",
        MAIN,
        _json_export_rows,
    ),
    SurfaceChange(
        "export_mapper_plugin",
        "record exports find their mapper through a plugin (entry point `imednet.mappers`, "
        "from imednet-workflows) before anything else: without it `export_to_csv` raises "
        "'Record export requires an installed mapper plugin', not the missing pandas",
        MAIN,
        _export_mapper_plugin,
    ),
    SurfaceChange(
        "job_failed_message",
        "`poll_job` on a FAILED job raises `imednet.utils.job_poller.JobFailedError` "
        "saying `Job <batch> ended in state FAILED` (was `Job <batch> failed`)",
        MAIN,
        _job_failed_message_changed,
    ),
)

DEFECTS: tuple[BuildDefect, ...] = (
    BuildDefect(
        "export_quality_gate",
        f"SDK {MAIN}: the tabular exports' quality gate (on by default) reads a record's "
        "data from `data`, but `Record.model_dump()` names it `record_data`, so every "
        "record scores 0 and is dropped: export_to_csv and export_to_sql (and the CLI's "
        "`export csv`/`export sql`, the Airflow export operator) write nothing, silently",
        lambda: _has("imednet.integrations.sink_base", "apply_quality_gate"),
    ),
    BuildDefect(
        "record_keywords",
        f"SDK {MAIN}: `Record` has no `keywords` and `Keyword` no fields: main builds its "
        "models from its own API contract, which lacks what the API spec (mednet.yaml) "
        "lists; the keywords of every record are lost (SDK drift)",
        _record_keywords_missing,
        ("model Record.keywords: removed", "model Keyword.*: removed"),
    ),
)

_CHANGES = {c.key: c for c in CHANGES}
_DEFECTS = {d.key: d for d in DEFECTS}


def change(key: str) -> SurfaceChange:
    """The declared change ``key``; KeyError names the unknown key for the marker check."""
    return _CHANGES[key]


def defect(key: str) -> BuildDefect:
    return _DEFECTS[key]


def covered_in_build() -> list[str]:
    """Snapshot differences the installed build's declared changes and defects explain."""
    covers = [c.covers for c in changes_in_build()] + [d.covers for d in DEFECTS if d.present()]
    return [pattern for patterns in covers for pattern in patterns]


def changes_in_build() -> list[SurfaceChange]:
    """The declared changes the installed build has."""
    return [c for c in CHANGES if c.present()]
