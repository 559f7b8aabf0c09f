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
raises ``JobFailedError``. SDK main (unreleased) makes every ``list()`` a lazy iterator,
dispatches ``list``/``get``/``create`` to async on ``AsyncImednetSDK`` endpoints instead of
``async_list``/``async_create``, and makes the CLI an argparse function (``app(argv)``).
The deliberate ones that break user code are declared in ``surface_changes``.
"""

from __future__ import annotations

import asyncio
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

from imednet_live.config import SdkKwargs
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


def build_description(dists: Mapping[str, str] | None = None) -> str:
    """``imednet 0.8.0 (imednet-0.8.0-py3-none-any.whl), imednet-workflows 0.6.0 (...)``."""
    dists = installed_distributions() if dists is None else dists
    if not dists:
        return "imednet not installed"
    return ", ".join(f"{name} {version}{_source(name)}" for name, version in dists.items())


def _source(name: str) -> str:
    """Where a distribution came from when not an index release: a file or a checkout."""
    try:
        raw = importlib.metadata.distribution(name).read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return ""
    if not raw:
        return ""
    try:
        info = json.loads(raw)
    except ValueError:
        return ""
    url = str(info.get("url", ""))
    editable = bool(info.get("dir_info", {}).get("editable"))
    where = url.removeprefix("file://")
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
    """A regex for the install advice the SDK gives when pandas is missing."""
    if "pandas" in extras():
        return r"pip install \"imednet\[pandas\]\""
    return r"pip install pandas imednet-workflows"


# -- clients -------------------------------------------------------------------------


def open_sync(kwargs: SdkKwargs) -> ImednetSDK:
    """A sync client; ``with`` closes it in every release."""
    from imednet import ImednetSDK

    return ImednetSDK(**kwargs)


def open_async(kwargs: SdkKwargs) -> AsyncImednetSDK:
    """An async client: ``AsyncImednetSDK`` takes the same credentials in every release."""
    from imednet import AsyncImednetSDK

    return AsyncImednetSDK(**kwargs)


def close_async(client: AsyncImednetSDK) -> None:
    """Close an async client from synchronous code, in any release.

    ``aclose()`` exists everywhere and is idempotent; ``close()`` raises TypeError
    from 0.5.3 on, and on 0.8 the async client has no sync half to close.
    """
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
