"""The resolution axis: which versions of the dependencies a session's venv holds.

``locked`` installs each profile from its constraints file (reproducible; the default).
``latest`` ignores the constraints and takes the newest versions that satisfy the SDK's
and our declared ranges, as ``pip install imednet`` gives a new user today. ``lowest``
takes the lowest versions our extras declare (uv's ``lowest-direct``), the floor a user
with older packages meets. A build ``IMEDNET_SDK`` selects still holds; unset, the SDK
resolves within our declared range like every other dependency.

The noxfile imports this with only nox's environment (standard library and packaging);
the live suite's plugin imports it in the session venv for the lock diff.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from packaging.utils import canonicalize_name

from imednet_live import config
from imednet_live.config import ConfigError


class Resolution(str, Enum):
    LOCKED = "locked"
    LATEST = "latest"
    LOWEST = "lowest"

    def __str__(self) -> str:
        return self.value


ALLOWED = tuple(r.value for r in Resolution)
# Posargs that ask a `latest`/`lowest` venv to resolve again now (taken out of posargs).
UPGRADE_POSARGS = ("--upgrade",)
# uv's own switches per resolution; `--upgrade` so an existing venv's versions never stick.
_UV_ARGS = {
    Resolution.LATEST: ("--resolution", "highest", "--upgrade"),
    Resolution.LOWEST: ("--resolution", "lowest-direct", "--upgrade"),
}


def parse(env: Mapping[str, str]) -> Resolution:
    """IMEDNET_LIVE_RESOLUTION, or ConfigError in one line naming the three allowed."""
    raw = config.read_var(env, config.RESOLUTION)
    if raw is None:
        return Resolution.LOCKED
    try:
        return Resolution(raw.lower())
    except ValueError:
        raise ConfigError(
            f"{config.RESOLUTION}={raw!r} is not a resolution; use one of "
            f"{', '.join(ALLOWED)} (default locked)"
        ) from None


def envdir(resolution: Resolution, default: str = ".nox") -> str:
    """Where nox keeps the venvs: each resolution its own, so none reinstalls another's."""
    return default if resolution is Resolution.LOCKED else f"{default}/resolution-{resolution}"


def uv_install_args(resolution: Resolution, constraints: Path) -> list[str]:
    """The constraint and resolution switches of one ``uv pip install``.

    Under ``latest``/``lowest`` nothing of the lock holds, the SDK's pin included: with
    ``imednet==0.5.0`` as a constraint uv meets typer 0.15.4 first, which caps click <8.2;
    resolving our extras as they are declared it takes typer 0.15.3 and click 8.5.1 (the
    break sdk/dependency_breaks.py declares). A selected SDK build (IMEDNET_SDK) still
    holds, through its override.
    """
    if resolution is Resolution.LOCKED:
        return ["-c", str(constraints)]
    return list(_UV_ARGS[resolution])


def stamp_parts(resolution: Resolution, today: datetime.date | None = None) -> tuple[str, ...]:
    """What the install stamp adds for the resolution: `latest` goes stale every UTC day.

    ``locked`` adds nothing, so the stamps of existing locked venvs stay valid.
    """
    if resolution is Resolution.LOCKED:
        return ()
    if resolution is Resolution.LOWEST:
        return (str(resolution),)
    day = today or datetime.datetime.now(datetime.timezone.utc).date()
    return (str(resolution), day.isoformat())


def take_upgrade(posargs: list[str]) -> bool:
    """Whether posargs ask to resolve again; the switches are removed (pytest never sees them)."""
    found = [a for a in posargs if a in UPGRADE_POSARGS]
    for arg in found:
        posargs.remove(arg)
    return bool(found)


def take_resolutions(posargs: list[str], default: Resolution) -> list[Resolution]:
    """``--resolution NAME[,NAME]`` from posargs (taken out), else ``[default]``.

    ConfigError in one line for an unknown name or a missing value.
    """
    found: list[Resolution] = []
    while "--resolution" in posargs:
        at = posargs.index("--resolution")
        if at + 1 >= len(posargs):
            raise ConfigError(f"--resolution needs a value: one of {', '.join(ALLOWED)}")
        value = posargs[at + 1]
        del posargs[at : at + 2]
        for name in (n.strip() for n in value.split(",") if n.strip()):
            found.append(parse({config.RESOLUTION: name}))
    return list(dict.fromkeys(found)) or [default]


def label(build: str, resolution: Resolution) -> str:
    """A build's report folder under one resolution: the locked one keeps its old name."""
    return build if resolution is Resolution.LOCKED else f"{build}-{resolution}"


_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def parse_pins(text: str) -> dict[str, str]:
    """``name==version`` lines of a constraints or freeze file, by canonical name."""
    pins: dict[str, str] = {}
    for line in text.splitlines():
        match = _PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


@dataclass(frozen=True)
class Difference:
    """One dependency whose installed version is not the lock's (None: absent on that side)."""

    name: str
    locked: str | None
    installed: str | None

    def describe(self) -> str:
        return f"{self.name} {self.locked or 'not locked'} -> {self.installed or 'not installed'}"


def lock_diff(
    locked: Mapping[str, str], installed: Mapping[str, str], ignore: Iterable[str] = ()
) -> list[Difference]:
    """Every dependency whose version differs from the lock, by name.

    ``ignore`` names what is not a dependency (our own package; an SDK build selected
    apart from the lock).
    """
    skip = {canonicalize_name(n) for n in ignore}
    lock = {canonicalize_name(k): v for k, v in locked.items()}
    have = {canonicalize_name(k): v for k, v in installed.items()}
    return [
        Difference(name, lock.get(name), have.get(name))
        for name in sorted(set(lock) | set(have))
        if name not in skip and lock.get(name) != have.get(name)
    ]


def installed_versions() -> dict[str, str]:
    """The running interpreter's installed distributions (the session venv's), by name.

    Read from the ``<name>-<version>.dist-info`` folder names (the wheel spec's, as uv
    writes them): reading every METADATA file took 0.3 s in a loaded venv.
    """
    import sys

    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            folders = sorted(Path(entry or ".").glob("*.dist-info"))
        except OSError:
            continue
        for folder in folders:
            name, _, version = folder.name[: -len(".dist-info")].rpartition("-")
            if name and version:
                found.setdefault(canonicalize_name(name), version)
    return found


def describe(resolution: Resolution, differences: list[Difference]) -> str:
    """The banner's one line: the resolution and what differs from the lock."""
    if resolution is Resolution.LOCKED and not differences:
        return "locked (the constraints file)"
    if not differences:
        return f"{resolution}: resolves exactly the lock (no differing dependencies)"
    listed = ", ".join(d.describe() for d in differences)
    return f"{resolution}: {len(differences)} differing from the lock: {listed}"


# uv's words for a package it could not get, most specific first.
_NAME = r"([A-Za-z0-9][A-Za-z0-9._-]*)"
_UNRESOLVED = (
    re.compile(
        rf"Because (?:there (?:is|are) no versions? of )?{_NAME}[^\n]*?"
        r"(?:was not found|were not found|cannot be used|unavailable)"
    ),
    re.compile(rf"Failed to fetch: `?[^\s`]*?/{_NAME}/?`?\s"),
    re.compile(rf"Failed to (?:download|build|prepare)[^`\n]*`{_NAME}"),
    re.compile(rf"Because {_NAME}"),
)


def unresolved_package(output: str) -> str | None:
    """The package uv names in an install failure, if it names one."""
    for pattern in _UNRESOLVED:
        match = pattern.search(output)
        if match:
            return match.group(1).split("==")[0]
    return None


def failure_line(resolution: Resolution, output: str) -> str:
    """One line for a failed install under ``resolution``: never a silent fall back to the lock."""
    package = unresolved_package(output)
    lowered = output.lower()
    if "network was disabled" in lowered or "offline" in lowered:
        why = "the network is disabled (offline) and the cache lacks it"
    elif "failed to fetch" in lowered or "connect" in lowered or "dns" in lowered:
        why = "the package index is unreachable"
    else:
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        why = f"uv: {(lines[-1] if lines else 'no output')[:200]}"
    return (
        f"{config.RESOLUTION}={resolution}: cannot resolve {package or 'the profile'} ({why}); "
        f"no fall back to the lock: give the index back, or run {config.RESOLUTION}=locked"
    )


NOT_DEPENDENCIES = ("imednet-live",)  # our own package, installed from the checkout


def session_diff(lock_file: Path) -> list[Difference]:
    """This interpreter's installed versions against ``lock_file`` (a constraints file)."""
    locked = parse_pins(lock_file.read_text(encoding="utf-8"))
    return lock_diff(locked, installed_versions(), NOT_DEPENDENCIES)


def session_pins(env: Mapping[str, str]) -> dict[str, str]:
    """The lock's pins of this session (IMEDNET_LIVE_LOCK_FILE); empty outside nox."""
    path = config.read_var(env, config.LOCK_FILE)
    if path is None:
        return {}
    try:
        return parse_pins(Path(path).read_text(encoding="utf-8"))
    except OSError:
        return {}


def main(argv: list[str] | None = None) -> int:
    """``python -m imednet_live.resolution CONSTRAINTS``: the session's one resolution line."""
    import os
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m imednet_live.resolution CONSTRAINTS_FILE", file=sys.stderr)
        return 2
    try:
        resolution = parse(os.environ)
        differences = session_diff(Path(args[0]))
    except (ConfigError, OSError) as exc:
        print(f"resolution: {exc}", file=sys.stderr)
        return 2
    print(f"resolution {describe(resolution, differences)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
