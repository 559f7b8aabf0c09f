"""The installed build's public surface, checked before first use against its snapshot.

The smoke (before its first request) and the live plugin (at session start, once, on the
controller) compare the build with the nearest committed snapshot (its own version's, else
the nearest earlier one) less what the declared surface changes and build defects explain
(``surface_changes``). Anything left is a finding, said in one line that names the member:
``undeclared SDK surface change in imednet 0.8.0 (imednet-0.8.0-py3-none-any.whl):
Subject.subject_status is gone (0.8.0 snapshot has it; Subject.status is new)``. Later, an
``AttributeError``/``TypeError`` that names a member of a finding is that finding, not an
unhandled error (``match``).

Taking a surface imports the SDK (and pandas with it: a second or more), so a result is
kept in the venv, keyed by a fingerprint of every input (the SDK family's files by size and
mtime, the contract variables, the snapshots and the declarations): a warm run reads it
back without importing anything.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from imednet_live.atomic_files import write_text_atomic
from imednet_live.config import OPENAPI_PATH, POSTMAN_PATH
from imednet_live.sdk import compat, surface_changes, surface_snapshot
from imednet_live.sdk.selection import DISTRIBUTION_NAMES

HEAD = "undeclared SDK surface change in"
# Import packages whose files decide the surface (the core and its companions), and the
# packages the declared changes' detection reads (the CLI's).
_FAMILY = ("imednet", "imednet_workflows", "apache_airflow_providers_imednet")
_DETECTION_DISTS = ("typer", "click")
_OWN_INPUTS = tuple(
    Path(__file__).with_name(name)
    for name in ("surface_check.py", "surface_snapshot.py", "surface_changes.py")
)
CACHE_DIR_NAME = "imednet-live-surface"  # in the venv (sys.prefix)
CACHE_KEEP = 16  # results kept per venv; the oldest go first


@dataclass(frozen=True)
class Finding:
    """One undeclared difference, with what an exception naming it looks like."""

    area: str  # "model" or "endpoint"
    owner: str  # the model, or the endpoint's attribute on the client (``records``)
    member: str | None  # the field or method; None when the whole owner is gone
    signature: bool  # a changed signature (a TypeError), not a removal (AttributeError)
    text: str  # ``Subject.subject_status is gone (0.8.0 snapshot has it; ...)``
    line: str  # the snapshot diff's line


class UndeclaredSurfaceChange(AssertionError):
    """Raised by a contract test: the check's red line, classified ``sdk-surface-change``."""


@dataclass(frozen=True)
class SurfaceCheck:
    """What the check found; ``problem`` says why nothing could be compared."""

    build: str  # ``imednet 0.8.0 (imednet-0.8.0-py3-none-any.whl)``
    base: str | None = None  # the snapshot compared with
    declared: int = 0  # differences the declarations explained
    findings: tuple[Finding, ...] = ()
    problem: str | None = None

    def line(self) -> str | None:
        """The one red line, or None when nothing undeclared was found."""
        if not self.findings:
            return None
        return f"{HEAD} {self.build}: {'; '.join(f.text for f in self.findings)}"

    def raise_if_undeclared(self) -> None:
        line = self.line()
        if line:
            raise UndeclaredSurfaceChange(line)

    def status(self) -> str:
        """One line for the banner: what was compared, and the outcome."""
        if self.problem:
            return f"SDK surface of {self.build} not checked: {self.problem}"
        return self.line() or (
            f"SDK surface of {self.build}: as the {self.base} snapshot"
            + (f", less {self.declared} declared differences" if self.declared else "")
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SurfaceCheck:
        findings = tuple(Finding(**f) for f in data.get("findings", ()))
        return cls(**{**data, "findings": findings})


def findings_between(
    base: surface_snapshot.Snapshot, current: surface_snapshot.Snapshot, covers: Iterable[str]
) -> tuple[list[Finding], int]:
    """The differences ``covers`` leaves unexplained, described; and how many it explained."""
    changed = surface_snapshot.diff(base, current)
    left = surface_snapshot.undeclared(changed, covers)
    return [_describe(line, base, current) for line in left], len(changed) - len(left)


_DIFF_LINE = re.compile(
    r"^(?P<area>model|endpoint) (?P<owner>\w+)(?:\.(?P<member>\w+))?: "
    r"(?:(?P<removed>removed)|signature (?P<old>.*) became (?P<new>.*))$"
)


def _describe(
    line: str, base: surface_snapshot.Snapshot, current: surface_snapshot.Snapshot
) -> Finding:
    match = _DIFF_LINE.match(line)
    if match is None:  # a diff line this module does not know: shown as it is
        return Finding("other", "", None, False, line, line)
    area, owner, member = match["area"], match["owner"], match["member"]
    key = "models" if area == "model" else "endpoints"
    name = _qualified(area, owner, member)
    had = f"{base['version']} snapshot has it"
    if match["removed"] is None:
        text = f"{name}() takes {match['new']}, not {match['old']} ({base['version']} snapshot)"
        return Finding(area, owner, member, True, text, line)
    if member is None:  # the whole model or endpoint
        new = sorted(set(current[key]) - set(base[key]))
        added = [_qualified(area, n, None) for n in new]
    else:
        old_members, new_members = base[key].get(owner, ()), current[key].get(owner, ())
        added = [_qualified(area, owner, n) for n in sorted(set(new_members) - set(old_members))]
    if added:
        verb = "is" if len(added) == 1 else "are"
        had = f"{had}; {', '.join(added)} {verb} new"
    return Finding(area, owner, member, False, f"{name} is gone ({had})", line)


def _qualified(area: str, owner: str, member: str | None) -> str:
    head = owner if area == "model" else f"sdk.{owner}"
    return f"{head}.{member}" if member else head


def check_installed(folder: Path = surface_snapshot.SURFACES_DIR) -> SurfaceCheck:
    """Take the installed build's surface (imports the SDK) and compare it with the
    snapshots in ``folder``. Never raises."""
    version = compat.sdk_version()
    if version is None:
        return SurfaceCheck("imednet (not installed)", problem="imednet is not installed")
    build = compat.build_description({"imednet": version})  # adds a checkout's commit
    try:
        current = surface_snapshot.take_installed()
        covers = surface_changes.covered_in_build()
    except Exception as exc:  # a stand-in or broken build: the tests will say more
        return SurfaceCheck(build, problem=f"{type(exc).__name__}: {exc}")
    snapshots = surface_snapshot.load_all(folder)
    base = next((s for s in snapshots if s["version"] == current["version"]), None)
    base = base or surface_snapshot.previous(snapshots, current["version"])
    if base is None:
        return SurfaceCheck(build, problem=f"no snapshot at or before {current['version']}")
    found, declared = findings_between(base, current, covers)
    return SurfaceCheck(build, base["version"], declared, tuple(found))


def check(env: Mapping[str, str] | None = None, cache_dir: Path | None = None) -> SurfaceCheck:
    """``check_installed``, read back from the venv's cache when no input changed."""
    env = os.environ if env is None else env
    folder = cache_dir if cache_dir is not None else default_cache_dir()
    path = folder / f"{fingerprint(env)}.json" if folder is not None else None
    if path is not None:
        try:
            return SurfaceCheck.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            pass  # absent, or written by another version of this module
    result = check_installed()
    if path is not None and result.problem is None:
        _store(path, result)
    return result


def default_cache_dir() -> Path | None:
    """A folder in the running venv; None outside a venv (the result is not kept)."""
    if sys.prefix == sys.base_prefix:
        return None
    return Path(sys.prefix) / CACHE_DIR_NAME


def _store(path: Path, result: SurfaceCheck) -> None:
    try:
        write_text_atomic(path, json.dumps(result.to_json(), sort_keys=True))
        kept = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[CACHE_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only venv: the check runs again next time


def fingerprint(env: Mapping[str, str]) -> str:
    """Every input of ``check_installed``, found without importing the SDK."""
    digest = hashlib.sha256(sys.version.encode())
    # The build names (a checkout's commit included: the red line names it).
    digest.update(json.dumps(compat.build_versions(), sort_keys=True).encode())
    for name in _FAMILY:
        for location in _locations(name):
            digest.update(f"\0{name}\0{location}".encode())
            for entry in _files(location):
                digest.update(entry.encode())
    for dist in (*DISTRIBUTION_NAMES, *_DETECTION_DISTS):
        try:
            found = importlib.metadata.distribution(dist)
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"\0{dist} absent".encode())
            continue
        # RECORD holds each installed file's hash: a rebuilt wheel with equal sizes and
        # (reproducible) mtimes still differs here.
        record = found.read_text("RECORD") if dist in DISTRIBUTION_NAMES else ""
        digest.update(f"\0{dist}={found.version}\0{record or ''}".encode())
    for variable in (POSTMAN_PATH, OPENAPI_PATH):
        value = env.get(variable, "")
        digest.update(f"\0{variable}={value}{_stat(Path(value)) if value else ''}".encode())
    for path in (*_OWN_INPUTS, *sorted(surface_snapshot.SURFACES_DIR.glob("*.json"))):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _locations(name: str) -> list[str]:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return [str(p) for p in spec.submodule_search_locations]
    return [spec.origin] if spec.origin else []


def _files(location: str) -> Iterator[str]:
    root = Path(location)
    if root.is_file():
        yield _stat(root)
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = Path(folder, name)
            yield f"{path.relative_to(root)}{_stat(path)}"


def _stat(path: Path) -> str:
    try:
        found = path.stat()
    except OSError:
        return ":missing"
    return f":{found.st_size}:{found.st_mtime_ns}"


# -- an exception that names a finding ---------------------------------------------

_NO_ATTRIBUTE = re.compile(
    r"^(?:type object |module )?'(?P<owner>[\w.]+)'(?: object)? "
    r"has no attribute '(?P<member>\w+)'"
)
_BAD_CALL = re.compile(r"^(?:[\w.]*\.)?(?P<owner>\w+)\.(?P<member>\w+)\(\) ")
_CLIENTS = frozenset({"ImednetSDK", "AsyncImednetSDK"})


@dataclass(frozen=True)
class Named:
    """The owner and member an AttributeError or TypeError names."""

    owner: str
    member: str
    call: bool  # a TypeError about a call's arguments
    error: BaseException = field(compare=False)


def named_member(error: BaseException) -> Named | None:
    """What an AttributeError/TypeError names, from its text (the SDK's models raise
    pydantic's AttributeError, which carries no ``name``/``obj``)."""
    text = str(error)
    if isinstance(error, AttributeError):
        found = _NO_ATTRIBUTE.match(text)
        return Named(found["owner"], found["member"], False, error) if found else None
    if isinstance(error, TypeError):
        found = _BAD_CALL.match(text)
        return Named(found["owner"], found["member"], True, error) if found else None
    return None


def match(
    errors: Iterable[BaseException], result: SurfaceCheck | None
) -> tuple[Finding, Named] | None:
    """The finding the first of ``errors`` (an exception and its causes) that names one is
    about, or None."""
    if result is None or not result.findings:
        return None
    for error in errors:
        named = named_member(error)
        if named is None:
            continue
        for finding in result.findings:
            if _names(finding, named):
                return finding, named
    return None


def _names(finding: Finding, named: Named) -> bool:
    if finding.signature != named.call:
        return False
    if finding.member is None:  # the owner itself is gone: looked up on its container
        container = named.owner.startswith("imednet") or named.owner in _CLIENTS
        return container and named.member == finding.owner
    if named.member != finding.member:
        return False
    if finding.area == "model":
        return named.owner == finding.owner
    return _endpoint_of(named.owner) == finding.owner.replace("_", "")


def _endpoint_of(class_name: str) -> str:
    """``AsyncRecordRevisionsEndpoint`` -> ``recordrevisions`` (a client attribute, sans _)."""
    lowered = class_name.lower().removeprefix("async")
    return lowered.removesuffix("endpoint")


def describe_raised(finding: Finding, named: Named, result: SurfaceCheck) -> str:
    """The headline of a failure a finding caused: the finding first, then what was raised."""
    raised = " ".join(str(named.error).split())
    return f"{HEAD} {result.build}: {finding.text}; raised {type(named.error).__name__}: {raised}"
