"""The one module that knows how SDK releases differ (0.5.0 to the 0.8 packages).

Everything else (smoke, discovery, the live fixtures and tests, the plugin) asks here
instead of testing a version: where workflows and the Airflow integration live, how an
async client is closed, how a job is polled and what a FAILED job raises, what the CLI
entry point is and what the extras are called. Decisions are feature detection on the
installed files and objects, never version strings, so an unreleased checkout is judged
by what it has. Surfaces are probed without importing the SDK (``find_spec`` and the
package folder), so the plugin can ask at start-up without importing ``imednet``.

What changed, per public tag (../shared/imednet-api/REAL-API-OBSERVATIONS.md):
0.5.3 ``AsyncImednetSDK.close()`` raises TypeError; 0.5.5 POST no longer retried on 5xx;
0.8 workflows (and the SDK's own job poller and record export) move to
``imednet-workflows``, Airflow to ``apache-airflow-providers-imednet``, extras renamed
(``export``, ``cli``); after 0.8 the CLI becomes a plain function and ``poll_job``
raises ``JobFailedError``. SDK main (0.8.0+main) makes every ``list()`` a lazy iterator,
dispatches ``list``/``get``/``create`` to async on ``AsyncImednetSDK`` endpoints instead of
``async_list``/``async_create``, and makes the CLI an argparse function (``app(argv)``);
the deliberate ones that break user code are declared in ``surface_changes``. It also
builds its models at import time from an API contract it looks for outside the package
(``contract_defect`` says when it found none) and has a strict drift check
(``strict_mode_variable``, ``strict_drift``). Builds are named apart by their local
label or checkout commit (``build_versions``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import inspect
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import url2pathname

from imednet_live.core.env_vars import OPENAPI_PATH, POSTMAN_PATH, STRICT_MODE
from imednet_live.core.settings import SdkKwargs
from imednet_live.sdk import shared_tls
from imednet_live.sdk.selection import DISTRIBUTION_NAMES

if TYPE_CHECKING:
    from imednet import AsyncImednetSDK, ImednetSDK
    from imednet.models import JobStatus

WORKFLOWS_DIST = "imednet-workflows"
AIRFLOW_DIST = "apache-airflow-providers-imednet"
# SDK surfaces a live test can need beyond the core client (markers.SDK_SURFACES maps
# resources onto them): each is bundled in imednet up to 0.6 and separate from 0.8.
SURFACES: dict[str, str] = {
    "workflows": WORKFLOWS_DIST,  # sdk.workflows.*, RegisterSubjectsWorkflow, study structure
    "job_poller": WORKFLOWS_DIST,  # sdk.poll_job / async_poll_job
    "record_export": WORKFLOWS_DIST,  # integrations.export builds on the record mapper
    "airflow": AIRFLOW_DIST,  # hook, operator, sensor
}
_BUNDLED = {  # where imednet itself carries the surface (up to 0.6)
    "workflows": "workflows",
    "job_poller": "workflows/job_poller.py",
    "record_export": "workflows/record_mapper.py",
    "airflow": "integrations/airflow",
}
_SEPARATE = {  # the import package of the separate distribution (from 0.8)
    "workflows": "imednet_workflows",
    "job_poller": "imednet_workflows",
    "record_export": "imednet_workflows",
    "airflow": "apache_airflow_providers_imednet",
}
AIRFLOW_SUBMODULES: tuple[str, ...] = ("", ".hooks", ".operators")
T = TypeVar("T")


class SurfaceMissing(ImportError):
    """The installed SDK build lacks a surface; ``distribution`` would provide it."""

    def __init__(self, surface: str) -> None:
        self.surface = surface
        self.distribution = SURFACES[surface]
        super().__init__(f"optional dependency {self.distribution!r} is not installed")


# -- what is installed ---------------------------------------------------------------


def installed_distributions() -> dict[str, str]:
    """Version of each SDK-family distribution present: ``{"imednet": "0.8.0", ...}``."""
    found: dict[str, str] = {}
    for name in DISTRIBUTION_NAMES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found


def sdk_version() -> str | None:
    return installed_distributions().get("imednet")


def build_versions(dists: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each SDK distribution's version as a build name that tells builds apart.

    A wheel's version is its metadata's, local label included (``0.8.0+main.84b2fd36``);
    a checkout (installed from a folder, editable or not) adds its git commit and a dirty
    mark (``0.8.0+git.84b2fd36.dirty``), since every commit of main says ``0.8.0``.
    """
    dists = installed_distributions() if dists is None else dists
    return {
        name: named_version(version, checkout_label(_source_dir(name)))
        for name, version in dists.items()
    }


def named_version(version: str, label: str | None) -> str:
    """``version`` with ``label`` appended as (part of) its local version label."""
    if not label:
        return version
    return f"{version}{'.' if '+' in version else '+'}{label}"


def checkout_label(folder: Path | None) -> str | None:
    """``git.<commit>`` (``.dirty`` when the folder has changes) for a git checkout, else None."""
    if folder is None or not folder.is_dir():
        return None
    git = shutil.which("git")
    if git is None:
        return None

    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(
                [git, "-C", str(folder), *args],
                capture_output=True, text=True, timeout=10, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "--short=8", "HEAD")
    if not commit:
        return None
    changes = run("status", "--porcelain", "--", ".")
    return f"git.{commit}{'.dirty' if changes else ''}"


def build_description(dists: Mapping[str, str] | None = None) -> str:
    """``imednet 0.8.0+main.84b2fd36 (imednet-0.8.0+main...whl), imednet-workflows ...``."""
    dists = build_versions(dists)
    if not dists:
        return "imednet not installed"
    return ", ".join(f"{name} {version}{_source(name)}" for name, version in dists.items())


def _direct_url(name: str) -> dict[str, Any]:
    """The distribution's ``direct_url.json`` (PEP 610): where it was installed from."""
    try:
        raw = importlib.metadata.distribution(name).read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return {}
    try:
        info = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def _source_dir(name: str) -> Path | None:
    """The folder a distribution was installed from (a checkout), else None."""
    info = _direct_url(name)
    url = str(info.get("url", ""))
    if "dir_info" not in info or not url.startswith("file://"):
        return None
    return Path(url2pathname(urlsplit(url).path))


def _source(name: str) -> str:
    """Where a distribution came from when not an index release: a file or a checkout."""
    info = _direct_url(name)
    if not info:
        return ""
    url = str(info.get("url", ""))
    editable = bool(info.get("dir_info", {}).get("editable"))
    where = url2pathname(urlsplit(url).path) if url.startswith("file://") else url
    return f" ({'editable ' if editable else ''}{Path(where).name or where})"


def _sdk_folder() -> Path | None:
    spec = importlib.util.find_spec("imednet")  # top level: found, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def missing_surfaces() -> dict[str, str]:
    """Surface -> the distribution that would provide it, for each the build lacks."""
    folder = _sdk_folder()
    missing: dict[str, str] = {}
    for surface, distribution in SURFACES.items():
        bundled = folder is not None and (folder / _BUNDLED[surface]).exists()
        if not bundled and importlib.util.find_spec(_SEPARATE[surface]) is None:
            missing[surface] = distribution
    return missing


def extras() -> frozenset[str]:
    """The extras the installed ``imednet`` declares (0.5: pandas, excel...; 0.8: export, cli)."""
    try:
        metadata = importlib.metadata.metadata("imednet")
    except importlib.metadata.PackageNotFoundError:
        return frozenset()
    return frozenset(metadata.get_all("Provides-Extra") or ())


def pandas_install_hint() -> str:
    """A regex for the install advice the SDK gives when pandas is missing, quotes included.

    0.5 to 0.6 name their ``pandas`` extra, 0.8 the workflows package; main names the core's
    own ``export`` extra (read from the installed export module, not imported).
    """
    if "pandas" in extras():
        return r"'pip install \"imednet\[pandas\]\"'"
    folder = _sdk_folder()
    export = folder / "integrations" / "export.py" if folder else None
    if export and export.is_file() and "imednet[export]" in export.read_text(encoding="utf-8"):
        return r"\"pip install 'imednet\[export\]'\""
    return r"'pip install pandas imednet-workflows'"


# -- the build's models -------------------------------------------------------------

# Where a build that generates its models from an API contract (SDK main,
# ``imednet/models/engine.py``) looks for it, in its own order; then a checkout's root.
CONTRACT_VARIABLES = (OPENAPI_PATH, POSTMAN_PATH)
CONTRACT_FILE = "imednet.postman_collection.json"  # the collection's name in the SDK's tree
# One field each resource's tests and the smoke cannot do without (the discovery keys).
RESOURCE_FIELDS: dict[str, str] = {
    "Study": "study_key",
    "Site": "site_name",
    "Subject": "subject_key",
    "Form": "form_key",
    "Interval": "interval_name",
    "Variable": "variable_name",
    "Record": "record_id",
    "JobStatus": "batch_id",
}
MODELS_WITHOUT_FIELDS = "the build's models have no fields"  # the known defect's name


def models_from_contract() -> bool:
    """The build generates its models at import time from an API contract (SDK main)."""
    folder = _sdk_folder()
    return folder is not None and (folder / "models" / "engine.py").is_file()


def missing_model_fields() -> list[str]:
    """``Model.field`` for each resource field the installed build's models lack."""
    models = importlib.import_module("imednet.models")
    lacking = []
    for name, wanted in RESOURCE_FIELDS.items():
        model = getattr(models, name, None)
        fields = getattr(model, "model_fields", None)
        if isinstance(fields, Mapping) and wanted not in fields:
            lacking.append(f"{name}.{wanted}")
    return lacking


def contract_defect(env: Mapping[str, str] | None = None) -> str | None:
    """One line naming the known packaging defect when the build's models lack their fields.

    Checked by feature before anything runs: an SDK main wheel carries no API contract,
    so every model it builds is empty and every test would fail on an attribute. None
    when the models are whole (every release, or main given its contract).
    """
    if not models_from_contract():
        return None  # class-defined models (every release): nothing to look for
    env = os.environ if env is None else env
    lacking = missing_model_fields()
    if not lacking:
        return None
    shown = ", ".join(lacking[:3]) + (f" and {len(lacking) - 3} more" if len(lacking) > 3 else "")
    core = build_versions().get("imednet", "?")
    head = f"known SDK defect of imednet {core}: {MODELS_WITHOUT_FIELDS} ({shown} missing)"
    return f"{head}; cause: {_contract_cause(env)}"


def _contract_cause(env: Mapping[str, str]) -> str:
    for variable in CONTRACT_VARIABLES:
        value = (env.get(variable) or "").strip()
        if value and not Path(value).is_file():
            return f"{variable}={value} is not a file"
        if value:
            return (
                f"its contract builder found no models in {variable}={value} "
                "(use the collection from the same SDK commit)"
            )
    return (
        "it builds its models at import time from an API contract it looks for outside "
        f"the package (imednet/models/engine.py: {OPENAPI_PATH}, {POSTMAN_PATH} or a "
        f"checkout's {CONTRACT_FILE}) and this install carries none; set {POSTMAN_PATH} "
        f"to the SDK's {CONTRACT_FILE} from the same commit"
    )


def contract_source(env: Mapping[str, str] | None = None) -> str | None:
    """``IMEDNET_POSTMAN_PATH=...`` (or the OpenAPI one) as set for the SDK, for banners."""
    env = os.environ if env is None else env
    named = [f"{v}={env[v].strip()}" for v in CONTRACT_VARIABLES if (env.get(v) or "").strip()]
    return ", ".join(named) or None


# -- strict drift check --------------------------------------------------------------

_STRICT_SOURCES = ("config.py", "models/base.py")


def strict_mode_variable() -> str | None:
    """The variable that turns the build's strict drift check on, or None: it has none.

    Found in the package's files, not by version: SDK main reads ``IMEDNET_STRICT_MODE``
    in its models' base (``Drift detected (additive)`` raised for unknown fields).
    """
    folder = _sdk_folder()
    if folder is None:
        return None
    for name in _STRICT_SOURCES:
        try:
            if STRICT_MODE in (folder / name).read_text(encoding="utf-8", errors="replace"):
                return STRICT_MODE
        except OSError:
            continue
    return None


# How SDK main words a response field its model lacks, with its strict check on.
_DRIFT_ADDITIVE = re.compile(
    r"Drift detected \(additive\): (?P<model>\w+) received unexpected fields: "
    r"(?P<fields>[\w$]+(?:, [\w$]+)*)"
)


def strict_drift(exc: BaseException) -> tuple[str, tuple[str, ...]] | None:
    """(model, fields) when ``exc`` (or its cause) is the strict check rejecting fields.

    The response carried fields the build's model does not define: the SDK's drift from
    the API it talks to (the sandbox's default sends only documented fields).
    """
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        match = _DRIFT_ADDITIVE.search(str(current))
        if match:
            return match["model"], tuple(match["fields"].split(", "))
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return None


def describe_strict_drift(model: str, fields: tuple[str, ...]) -> str:
    """One line naming the SDK's drift: the fields its model lacks."""
    named = ", ".join(f"{model}.{f}" for f in fields)
    return (
        f"SDK drift: the SDK's {model} model does not define {named}, which its data "
        f"carries; the strict drift check ({STRICT_MODE}=1) rejects it (a finding about the "
        "SDK build, not the target: the default sandbox sends only documented fields)"
    )


def apply_strict(requested: bool) -> str:
    """Turn the build's strict drift check on for this process (and its children).

    Returns what the banner says: on (naming the variable), off, or requested on a
    build that has no such check.
    """
    if not requested:
        return "off"
    variable = strict_mode_variable()
    if variable is None:
        return "requested, but this build has no strict drift check"
    os.environ[variable] = "1"
    return f"on ({variable}=1)"


# -- clients -------------------------------------------------------------------------


def open_sync(kwargs: SdkKwargs) -> ImednetSDK:
    """A sync client; ``with`` closes it in every release."""
    from imednet import ImednetSDK

    shared_tls.install()  # a client per test: one CA bundle parse per process, not per client
    return ImednetSDK(**kwargs)


def open_async(kwargs: SdkKwargs) -> AsyncImednetSDK:
    """An async client: ``AsyncImednetSDK`` takes the same credentials in every release."""
    from imednet import AsyncImednetSDK

    shared_tls.install()
    return AsyncImednetSDK(**kwargs)


def close_async(client: AsyncImednetSDK) -> None:
    """Close an async client from synchronous code, in any release.

    ``aclose()`` exists everywhere and is idempotent; ``close()`` raises TypeError
    from 0.5.3 on, and on 0.8 the async client has no sync half to close.
    """
    import asyncio  # not at import: the plugin asks this module at every worker's start-up

    asyncio.run(client.aclose())


# -- jobs ----------------------------------------------------------------------------


def job_failed_error() -> type[Exception]:
    """What ``poll_job`` raises on a FAILED job: ``JobFailedError`` where it exists."""
    for module in (
        "imednet.errors",
        "imednet.utils.job_poller",  # SDK main: the poller is back in core
        "imednet_workflows.job_poller",
        "imednet.workflows.job_poller",
    ):
        try:
            found = getattr(importlib.import_module(module), "JobFailedError", None)
        except ImportError:
            continue
        if isinstance(found, type) and issubclass(found, Exception):
            return found
    return RuntimeError


def job_failed_pattern(batch_id: str = "") -> str:
    """A regex for what the poller says of a FAILED job: ``Job B failed`` up to 0.8,
    ``Job B ended in state FAILED`` on SDK main (either names the batch and the failure)."""
    return rf"Job {re.escape(batch_id)}\S* (failed|ended in state FAILED)"


def poll_job(
    sdk: ImednetSDK, study_key: str, batch_id: str, *, interval: float, timeout: float
) -> JobStatus:
    """Wait for a terminal job state: the SDK's own poller where the build has one.

    A build without it (0.8 core alone) is polled through ``jobs.get`` with the same
    contract, so a test of record creation does not hinge on the workflows package;
    tests of ``poll_job`` itself require the ``job_poller`` surface instead.
    """
    if "job_poller" not in missing_surfaces():
        return sdk.poll_job(study_key, batch_id, interval=interval, timeout=timeout)  # type: ignore[arg-type]
    deadline = time.monotonic() + timeout
    while True:
        status = sdk.jobs.get(study_key, batch_id)
        state = (status.state or "").upper()
        if state in ("COMPLETED", "FAILED", "CANCELLED"):
            if state != "COMPLETED":
                raise job_failed_error()(f"Job {batch_id} failed")
            return status
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Timeout ({timeout}s) waiting for job {batch_id}")
        time.sleep(interval)


# -- workflows and Airflow -----------------------------------------------------------


def workflow_module(name: str, *, surface: str = "workflows") -> ModuleType:
    """``imednet_workflows.<name>`` (0.8) or ``imednet.workflows.<name>`` (up to 0.6)."""
    for package in ("imednet_workflows", "imednet.workflows"):
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name is not None and not f"{package}.{name}".startswith(exc.name):
                raise  # the module exists but one of its own imports is missing
    raise SurfaceMissing(surface)


def airflow_package() -> str:
    """Import name of the Airflow hook/operator/sensor package of the installed build."""
    if importlib.util.find_spec("apache_airflow_providers_imednet") is not None:
        return "apache_airflow_providers_imednet"
    folder = _sdk_folder()
    if folder is not None and (folder / _BUNDLED["airflow"]).exists():
        return "imednet.integrations.airflow"
    raise SurfaceMissing("airflow")


def airflow_integration() -> ModuleType:
    """The package exporting ``ImednetHook``, ``ImednetExportOperator``, ``ImednetJobSensor``."""
    return importlib.import_module(airflow_package())


# -- CLI -----------------------------------------------------------------------------


def cli_entry() -> Any:
    """The CLI object: a typer app (0.5 to 0.8) or a plain ``main(argv)`` function (later)."""
    module = importlib.import_module("imednet.cli")
    app = getattr(module, "app", None)
    return app if app is not None else module.main


@dataclass(frozen=True)
class CliResult:
    """What a CLI run left: the fields of click's ``Result`` that the tests read."""

    exit_code: int
    output: str
    exception: BaseException | None


def cli_is_click(entry: Any) -> bool:
    """Whether ``entry`` can run under click's CliRunner (typer apps can)."""
    try:
        import typer
    except ImportError:
        return False
    return isinstance(entry, typer.Typer)


def has_field(model: type, name: str) -> bool:
    """Whether a pydantic model of the build defines ``name`` (its Python name)."""
    return name in (getattr(model, "model_fields", None) or {})


# -- listings ------------------------------------------------------------------------


def first(listing: Iterable[T], n: int) -> list[T]:
    """The first ``n`` items of an endpoint's ``list()``.

    Up to 0.8 a listing is a list; SDK main returns a lazy iterator over pages, where
    indexing, slicing and ``len()`` break and reading on costs a page per 100 items, so
    tests take what they need through here and never read a study whole by accident.
    """
    return list(itertools.islice(listing, n))


def cli_script() -> str:
    """The ``imednet`` console script of this interpreter's environment (what users run)."""
    here = Path(sys.executable).parent
    found = shutil.which("imednet", path=str(here)) or shutil.which("imednet")
    if found is None:
        raise RuntimeError("the SDK build installs no `imednet` console script")
    return found


def run_cli(argv: list[str], env: Mapping[str, str], cwd: Path | None = None) -> CliResult:
    """Run ``imednet ARGV`` as the build's users do.

    A typer app (0.5 to 0.8) runs in-process under typer's ``CliRunner``, as the charter
    asks; an argparse ``app(argv)`` (SDK main) cannot run under it (its output bypasses the
    runner's streams), so it runs as the console script in a subprocess, stdout and stderr
    merged like ``CliRunner`` merges them.
    """
    entry = cli_entry()
    if cli_is_click(entry):
        return _run_typer(entry, argv, env, cwd)
    if cwd is not None:  # a fresh folder inside it, as CliRunner's isolated_filesystem
        cwd = Path(tempfile.mkdtemp(dir=cwd))
    done = subprocess.run(
        [cli_script(), *argv],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, None)


def _run_typer(entry: Any, argv: list[str], env: Mapping[str, str], cwd: Path | None) -> CliResult:
    import contextlib

    from typer.testing import CliRunner

    runner = CliRunner()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(runner.isolated_filesystem(temp_dir=cwd))
        done = runner.invoke(entry, argv, env=dict(env))
    return CliResult(done.exit_code, done.output, done.exception)


def is_lazy(listing: object) -> bool:
    """Whether a ``list()`` result is a lazy iterator (SDK main) rather than a list."""
    return not isinstance(listing, Sequence)


def items(listing: Iterable[T]) -> list[T]:
    """Every item of a listing the caller has already bounded (a filter, a structure).

    For a whole growing resource use ``first``: on SDK main every item read past the
    first page costs another request.
    """
    return listing if isinstance(listing, list) else list(listing)


# -- async dispatch ------------------------------------------------------------------


def _async_method(endpoint: Any, name: str) -> Any:
    """``async_<name>`` up to 0.8; on SDK main the endpoint's own ``<name>`` is async."""
    legacy = getattr(endpoint, f"async_{name}", None)
    return legacy if legacy is not None else getattr(endpoint, name)


def has_async_prefix(endpoint: Any) -> bool:
    """Whether async endpoints spell their methods ``async_list``/``async_get``."""
    return getattr(endpoint, "async_list", None) is not None


async def async_list(
    endpoint: Any, *args: Any, limit: int | None = None, **kwargs: Any
) -> list[Any]:
    """An async endpoint's listing as a list (at most ``limit`` items), in any build."""
    result = _async_method(endpoint, "list")(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, AsyncIterable):
        taken: list[Any] = []
        async for item in result:
            if limit is not None and len(taken) >= limit:
                break
            taken.append(item)
        return taken
    return list(itertools.islice(result, limit))


async def async_get(endpoint: Any, *args: Any, **kwargs: Any) -> Any:
    """An async endpoint's ``get``, in any build."""
    return await _async_method(endpoint, "get")(*args, **kwargs)


async def async_create(endpoint: Any, *args: Any, **kwargs: Any) -> Any:
    """An async endpoint's ``create`` (records), in any build."""
    return await _async_method(endpoint, "create")(*args, **kwargs)
