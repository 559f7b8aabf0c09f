"""What is installed: distributions, versions, build names, surfaces, extras."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import url2pathname

from imednet_live.sdk.selection import DISTRIBUTION_NAMES

if TYPE_CHECKING:
    pass


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
