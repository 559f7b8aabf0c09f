"""The SDK builds ``nox -s sdk-matrix`` runs: parsed from IMEDNET_LIVE_SDK_MATRIX, or found
as wheel sets beside the checkout, each with a label for its reports."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import (
    canonicalize_name,
)
from packaging.version import Version

from imednet_live.core import env_vars
from imednet_live.core.settings import ConfigError
from imednet_live.sdk.selection import (
    _ARCHIVES,
    _NOT_AN_ARCHIVE_NAME,
    DISTRIBUTION_NAMES,
    DISTRIBUTIONS,
    SdkDistribution,
    _wheel_metadata,
    archive_distribution,
    archive_name_version,
    parse_spec,
    wheel_extras,
)

PINNED = "pinned"  # a matrix entry meaning "no SDK variable set"
# A matrix build may carry the API contract a build needs (SDK main builds its models from
# one, and its wheels carry none): a file item with one of these endings sets the SDK's
# own variable for that build only, e.g. "core.whl wf.whl imednet.postman_collection.json".
CONTRACT_SUFFIXES: dict[str, str] = {
    ".json": env_vars.POSTMAN_PATH,
    ".yaml": env_vars.OPENAPI_PATH,
    ".yml": env_vars.OPENAPI_PATH,
}
CONTRACT_FILE = "imednet.postman_collection.json"  # its name beside main's wheels
SDK_VARIABLE_NAMES = tuple(d.variable for d in DISTRIBUTIONS)


def parse_matrix(text: str, cwd: Path) -> list[dict[str, str]]:
    """``IMEDNET_LIVE_SDK_MATRIX`` as one variable mapping per build (empty: pinned).

    Versions and checkouts select ``imednet``; an archive selects the distribution its
    file name says, so a build is written as its files: ``core.whl workflows.whl``.
    """
    builds: list[dict[str, str]] = []
    for chunk in text.split(";"):
        items = chunk.split()
        if not items:
            continue
        build: dict[str, str] = {}
        for item in items:
            if item == PINNED:
                continue
            variable = _variable_for(item, cwd)
            if variable in build:
                raise ConfigError(
                    f"{env_vars.SDK_MATRIX}: build {chunk.strip()!r} names {variable} twice"
                )
            build[variable] = item
        for variable, value in build.items():  # the same checks as the variables get
            dist = next((d for d in DISTRIBUTIONS if d.variable == variable), None)
            if dist is not None:
                parse_spec(dist, value, cwd)
            elif not (cwd / Path(value).expanduser()).is_file():
                raise ConfigError(
                    f"{env_vars.SDK_MATRIX}: {value} (the build's {variable}) is not a file"
                )
        builds.append(build)
    if not builds:
        raise ConfigError(f"{env_vars.SDK_MATRIX} names no build; e.g. 'pinned; ==0.5.6'")
    return builds


def _variable_for(item: str, cwd: Path) -> str:
    for suffix, variable in CONTRACT_SUFFIXES.items():
        if item.endswith(suffix):
            return variable
    if item.endswith(_ARCHIVES):
        named = archive_distribution(Path(item).name)
        if named is None:
            raise ConfigError(f"{env_vars.SDK_MATRIX}: {Path(item).name} {_NOT_AN_ARCHIVE_NAME}")
        for dist in DISTRIBUTIONS:
            if canonicalize_name(dist.name) == named:
                return dist.variable
        raise ConfigError(
            f"{env_vars.SDK_MATRIX}: {item} is a {named} build, not one of {DISTRIBUTION_NAMES}"
        )
    return env_vars.SDK


@dataclass(frozen=True)
class CoreNeed:
    """What a companion wheel's applicable ``Requires-Dist: imednet...`` lines ask of the core."""

    specifier: SpecifierSet  # every applicable line's range, intersected (empty: any)
    extras: frozenset[str]  # the core extras they name (``imednet[cli]``)

    def met_by(self, version: Version, provides: frozenset[str] | None) -> bool:
        """A core build of ``version`` declaring ``provides`` extras (None: unreadable)."""
        if not self.specifier.contains(version, prereleases=True):
            return False
        return provides is None or self.extras <= {canonicalize_name(e) for e in provides}


def wheel_builds(
    folder: Path, environment: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """One build per ``imednet`` wheel in ``folder``, with the companions it satisfies.

    A companion (workflows, Airflow provider) joins a core wheel when the core meets the
    companion's own ``Requires-Dist: imednet`` requirement: its version range and the
    extras it names (the core must declare them). Environment markers are evaluated for
    ``environment`` (default: this interpreter, which is what the session venvs run), so
    a line whose marker does not apply constrains nothing, as for the installer; a
    companion with no applicable line joins every core. An
    ``imednet.postman_collection.json`` beside the wheels is their API contract (SDK main
    builds its models from one): every build of the folder carries it as
    ``IMEDNET_POSTMAN_PATH``.
    """
    cores: list[tuple[Version, frozenset[str] | None, Path]] = []
    companions: list[tuple[SdkDistribution, CoreNeed, Path]] = []
    for path in sorted(folder.glob("*.whl")):
        named = archive_name_version(path.name)
        if named is None:
            continue  # no installer would take it either
        dist = next((d for d in DISTRIBUTIONS if canonicalize_name(d.name) == named[0]), None)
        if dist is None:
            continue
        if dist.variable == env_vars.SDK:
            cores.append((named[1], wheel_extras(path), path))
        else:
            companions.append((dist, core_need(path, environment), path))
    contract = folder / CONTRACT_FILE
    builds = []
    for version, provides, core in cores:
        build = {env_vars.SDK: str(core)}
        for dist, need, path in companions:
            if need.met_by(version, provides):
                build[dist.variable] = str(path)
        if contract.is_file():
            build[env_vars.POSTMAN_PATH] = str(contract)
        builds.append(build)
    return builds


def shared_builds(folder: Path) -> list[dict[str, str]]:
    """``wheel_builds`` of ``folder`` and of each folder in it (``main-84b2fd36/``)."""
    folders = [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]
    return [build for f in folders for build in wheel_builds(f)]


def core_need(path: Path, environment: Mapping[str, str] | None = None) -> CoreNeed:
    """The core requirement of a companion wheel, from its ``Requires-Dist`` lines.

    Only lines whose marker holds in ``environment`` count, with the companion's own
    extras off (``extra == "x"`` lines apply only when x is asked for, and companions are
    installed without extras). A line no installer could parse is ignored, as pip does.
    """
    metadata = _wheel_metadata(path)
    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    env.update(environment or {}, extra="")
    core = canonicalize_name(DISTRIBUTIONS[0].name)
    specifier, extras = SpecifierSet(), set[str]()
    for line in (metadata.get_all("Requires-Dist") or ()) if metadata else ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) != core:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate(env):
            continue
        specifier &= requirement.specifier
        extras.update(canonicalize_name(e) for e in requirement.extras)
    return CoreNeed(specifier, frozenset(extras))


def build_label(build: Mapping[str, str]) -> str:
    """A folder-safe name for one build: ``pinned``, ``imednet-0.5.6``, ``imednet-0.8.0+2``."""
    if not build:
        return PINNED
    core = build.get(env_vars.SDK)
    if core is None:
        head = "pinned"
    elif core.endswith(_ARCHIVES):
        head = "-".join(Path(core).name.split("-")[:2])
    else:
        head = "imednet" + re.sub(r"[^A-Za-z0-9.]+", "-", core).strip("-")
    extra = sum(v in SDK_VARIABLE_NAMES for v in build) - (1 if core is not None else 0)
    return f"{head}+{extra}" if extra else head
