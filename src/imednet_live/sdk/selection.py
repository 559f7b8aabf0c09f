"""Which SDK build a session installs: ``IMEDNET_SDK`` and friends, parsed and filtered.

Pure standard library plus ``packaging`` (a dependency of nox itself, and of the
``harness`` extra): the noxfile reads this before any venv exists. Wheel and sdist names
and ``Requires-Dist`` lines are read with ``packaging``, never by hand, so extras and
environment markers mean what they mean to the installer. Each variable names one
distribution the same way, as a version specifier (``==0.5.6``), a wheel or sdist path,
or a source directory (installed editable). Unset, the pinned release from the
constraints files is tested.

Each profile gets only the distributions its dependencies allow: ``imednet-workflows``
requires pandas and the Airflow provider requires Airflow, so neither is installed into
a profile that must not hold those packages (the core profile stays pandas-free).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from enum import Enum
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from imednet_live import config
from imednet_live.config import ConfigError
from imednet_live.profiles import Profile

# The SDK's CLI extra: from the 0.8 line typer is optional behind it (before, a plain
# dependency). Requested wherever the build declares it, so every profile tests the CLI.
CLI_EXTRA = "cli"
_ARCHIVES = (".whl", ".tar.gz", ".zip")
_ERROR_MARKERS = ("error:", "ERROR:", "\u00d7")  # uv, pip, uv on a terminal
_CAUSE_MARKERS = ("cause:", "Caused by:", "╰─▶")
_VERSION = re.compile(r"^\d+(\.\d+)*([a-z]+\d*)?(\.(post|dev)\d+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class SdkDistribution:
    """One distribution of the SDK family, the variable that selects it and what it needs."""

    variable: str
    name: str  # the distribution (PyPI) name
    needs: frozenset[str]  # optional import names the profile must hold (profiles.py)
    folder: str  # where the SDK's monorepo keeps its source (from 0.8)


DISTRIBUTIONS: tuple[SdkDistribution, ...] = (
    SdkDistribution(config.SDK, "imednet", frozenset(), "packages/core"),
    SdkDistribution(
        config.SDK_WORKFLOWS, "imednet-workflows", frozenset({"pandas"}),
        "packages/plugins-workflows",
    ),
    SdkDistribution(
        config.SDK_AIRFLOW, "apache-airflow-providers-imednet", frozenset({"airflow"}),
        "packages/providers-airflow",
    ),
)  # fmt: skip
_PROJECT_FILES = ("pyproject.toml", "setup.py")
# Names the harness reports as "the SDK build" (outcomes.json, banner) when installed.
DISTRIBUTION_NAMES: tuple[str, ...] = tuple(d.name for d in DISTRIBUTIONS)


class SpecKind(str, Enum):
    VERSION = "version"
    ARCHIVE = "archive"  # a wheel or an sdist
    SOURCE = "source"  # a checkout, installed editable


@dataclass(frozen=True)
class SdkSpec:
    """One parsed variable: what to install for one distribution."""

    dist: SdkDistribution
    value: str  # as the operator wrote it, for messages
    kind: SpecKind
    target: str  # the specifier, or the absolute path
    extras: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Short name for reports and folders: ``imednet==0.5.6``, ``imednet-0.8.0.whl``."""
        if self.kind is SpecKind.VERSION:
            return f"{self.dist.name}{self.target}"
        return Path(self.target).name

    def requirement(self) -> str:
        """A PEP 508 line, valid in an install command and in a uv override file."""
        extras = f"[{','.join(self.extras)}]" if self.extras else ""
        if self.kind is SpecKind.VERSION:
            return f"{self.dist.name}{extras}{self.target}"
        return f"{self.dist.name}{extras} @ {Path(self.target).as_uri()}"

    @property
    def editable(self) -> bool:
        return self.kind is SpecKind.SOURCE


@dataclass(frozen=True)
class MonorepoGap:
    """A package the monorepo checkout in ``IMEDNET_SDK`` does not hold."""

    dist: SdkDistribution
    root: Path

    def line(self, profile: Profile) -> str:
        """The one red line: the path, what is missing, and what the profile does about it."""
        return (
            f"{config.SDK}={self.root}: the monorepo checkout has no {self.dist.folder} "
            f"({self.dist.name}); profile {profile.name}'s tests of it skip as "
            f"dependency-missing (or set {self.dist.variable})"
        )


@dataclass(frozen=True)
class SdkSelection:
    """Every SDK variable that was set, in distribution order; empty: the pinned release."""

    specs: tuple[SdkSpec, ...] = ()
    gaps: tuple[MonorepoGap, ...] = ()  # monorepo packages that are missing

    def __bool__(self) -> bool:
        return bool(self.specs)

    def for_profile(self, profile: Profile) -> tuple[SdkSpec, ...]:
        """The specs this profile can hold: a distribution whose needs it lacks is left out."""
        return tuple(s for s in self.specs if s.dist.needs <= profile.packages)

    def left_out(self, profile: Profile) -> tuple[SdkSpec, ...]:
        return tuple(s for s in self.specs if not s.dist.needs <= profile.packages)

    def gaps_for(self, profile: Profile) -> tuple[MonorepoGap, ...]:
        """Packages this profile would hold that the monorepo checkout lacks."""
        return tuple(g for g in self.gaps if g.dist.needs <= profile.packages)

    def describe(self) -> str:
        if not self.specs:
            return "the pinned release (constraints)"
        return ", ".join(f"{s.dist.variable}={s.value!r}" for s in self.specs)


def parse_selection(env: Mapping[str, str], cwd: Path | None = None) -> SdkSelection:
    """Read the three variables; raise a one-line ConfigError naming the bad one.

    ``IMEDNET_SDK`` may name the root of the SDK's monorepo checkout: it then selects
    each package found under ``packages/`` (editable), unless that package's own
    variable is set; a package the checkout lacks is a gap, not an error.
    """
    cwd = cwd or Path.cwd()
    specs: dict[str, SdkSpec] = {}
    gaps: list[MonorepoGap] = []
    for dist in DISTRIBUTIONS:
        value = config.read_var(env, dist.variable)
        if value is not None:
            specs[dist.name] = parse_spec(dist, value, cwd)
    core_value = config.read_var(env, config.SDK)
    root = monorepo_root(core_value, cwd) if core_value is not None else None
    if root is not None and core_value is not None:
        for dist in DISTRIBUTIONS[1:]:
            if dist.name in specs:
                continue  # its own variable wins over the checkout
            folder = root / dist.folder
            if _is_project(folder):
                specs[dist.name] = SdkSpec(
                    dist, f"{core_value} ({dist.folder})", SpecKind.SOURCE, str(folder)
                )
            else:
                gaps.append(MonorepoGap(dist, root))
    ordered = tuple(specs[d.name] for d in DISTRIBUTIONS if d.name in specs)
    return SdkSelection(ordered, tuple(gaps))


def _is_project(folder: Path) -> bool:
    return any((folder / name).is_file() for name in _PROJECT_FILES)


def monorepo_root(value: str, cwd: Path) -> Path | None:
    """The checkout root when ``value`` is the SDK's monorepo (``packages/...``), else None."""
    path = (cwd / Path(value).expanduser()).resolve()
    if not (path / "packages").is_dir():
        return None
    if any((path / d.folder).is_dir() for d in DISTRIBUTIONS):
        return path
    return None


def parse_spec(dist: SdkDistribution, value: str, cwd: Path) -> SdkSpec:
    """A version specifier, an archive path or a source directory, checked before pip runs."""
    head = f"{dist.variable}={value!r}"
    if value[0].isdigit() and _VERSION.match(value):
        value_spec = f"=={value}"  # a bare version means exactly that release
    elif value[0] in "=<>!~":
        value_spec = value
    else:
        return _parse_path(dist, value, cwd, head)
    try:
        SpecifierSet(value_spec)
    except InvalidSpecifier:
        raise ConfigError(
            f"{head} is not a version specifier; use e.g. ==0.5.6, a wheel path or a checkout"
        ) from None
    return SdkSpec(dist, value, SpecKind.VERSION, value_spec, _extras(dist, None))


def _parse_path(dist: SdkDistribution, value: str, cwd: Path, head: str) -> SdkSpec:
    path = (cwd / Path(value).expanduser()).resolve()
    if path.is_dir():
        if dist.variable == config.SDK and monorepo_root(value, cwd) is not None:
            core = path / dist.folder
            if not _is_project(core):
                raise ConfigError(
                    f"{head}: the monorepo checkout {path} has no installable {dist.folder} "
                    f"(no pyproject.toml or setup.py there); {dist.name} cannot be installed"
                )
            return SdkSpec(dist, value, SpecKind.SOURCE, str(core), _extras(dist, None))
        if not _is_project(path):
            where = f" nor {dist.folder}/pyproject.toml" if dist.variable == config.SDK else ""
            raise ConfigError(
                f"{head}: {path} has no pyproject.toml or setup.py{where}; point it at "
                f"the {dist.name} package's own folder or the SDK's monorepo checkout"
            )
        return SdkSpec(dist, value, SpecKind.SOURCE, str(path), _extras(dist, None))
    if not path.is_file():
        raise ConfigError(
            f"{head}: no such file or folder ({path}); give a version such as ==0.5.6, "
            "a wheel/sdist path or a source checkout"
        )
    if not path.name.endswith(_ARCHIVES):
        raise ConfigError(f"{head}: {path.name} is not a wheel (.whl) or sdist (.tar.gz, .zip)")
    named = archive_distribution(path.name)
    if named is None:
        raise ConfigError(f"{head}: {path.name} {_NOT_AN_ARCHIVE_NAME}")
    if named != canonicalize_name(dist.name):
        raise ConfigError(
            f"{head}: {path.name} is a {named} build, but {dist.variable} selects {dist.name}"
        )
    return SdkSpec(dist, value, SpecKind.ARCHIVE, str(path), _extras(dist, path))


_NOT_AN_ARCHIVE_NAME = (
    "is not a valid wheel or sdist file name (name-version[-build]-python-abi-platform.whl, "
    "name-version.tar.gz); rename it as its build backend wrote it"
)


def archive_name_version(filename: str) -> tuple[NormalizedName, Version] | None:
    """The canonical distribution name and version a wheel or sdist file name states.

    None for a name no installer accepts (``packaging`` decides, as pip and uv do).
    """
    try:
        if filename.endswith(".whl"):
            name, version, _, _ = parse_wheel_filename(filename)
            return name, version
        return parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None


def archive_distribution(filename: str) -> NormalizedName | None:
    """The canonical distribution name in a wheel or sdist file name (None: not valid)."""
    named = archive_name_version(filename)
    return None if named is None else named[0]


def wheel_extras(path: Path) -> frozenset[str] | None:
    """The extras a wheel declares (Provides-Extra), or None when it cannot be read."""
    metadata = _wheel_metadata(path)
    return None if metadata is None else frozenset(metadata.get_all("Provides-Extra") or ())


def _wheel_metadata(path: Path) -> Message | None:
    """A wheel's METADATA headers, or None for an sdist or an unreadable file."""
    if not path.name.endswith(".whl"):
        return None
    try:
        with zipfile.ZipFile(path) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            return HeaderParser().parsestr(wheel.read(name).decode("utf-8"))
    except (OSError, zipfile.BadZipFile, StopIteration, UnicodeDecodeError):
        return None


def _extras(dist: SdkDistribution, path: Path | None) -> tuple[str, ...]:
    """``cli`` for the core SDK when the build declares it (unknown: ask; pip warns)."""
    if dist.name != "imednet":
        return ()
    declared = wheel_extras(path) if path is not None else None
    return (CLI_EXTRA,) if declared is None or CLI_EXTRA in declared else ()


def filtered_constraints(text: str, names: tuple[str, ...]) -> str:
    """A constraints file without the pins of ``names``: the selection replaces them."""
    drop = {canonicalize_name(n) for n in names}
    kept = []
    for line in text.splitlines():
        try:
            name = Requirement(line.split(" #")[0].strip()).name
        except InvalidRequirement:  # a comment, an option line, a blank
            name = ""
        if name and canonicalize_name(name) in drop:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def install_failure_line(selection: SdkSelection, output: str) -> str:
    """One line for a failed install: the variables, their values and the installer's reason."""
    reason = _installer_reason(output)
    return f"cannot install {selection.describe()}: {reason.rstrip('.')}"


def _installer_reason(output: str) -> str:
    """pip's or uv's error line, with uv's first ``cause:`` sentence, on one line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.startswith(_ERROR_MARKERS)), None)
    if start is None:
        return lines[-1] if lines else "the installer failed without a message"
    text = lines[start]
    for marker in _ERROR_MARKERS:
        text = text.removeprefix(marker).strip()
    for line in lines[start + 1 :]:
        for marker in _CAUSE_MARKERS:
            if line.startswith(marker):
                return f"{text}: {line.removeprefix(marker).strip()}"
    return text


PINNED = "pinned"  # a matrix entry meaning "no SDK variable set"
# A matrix build may carry the API contract a build needs (SDK main builds its models from
# one, and its wheels carry none): a file item with one of these endings sets the SDK's
# own variable for that build only, e.g. "core.whl wf.whl imednet.postman_collection.json".
CONTRACT_SUFFIXES: dict[str, str] = {
    ".json": config.POSTMAN_PATH,
    ".yaml": config.OPENAPI_PATH,
    ".yml": config.OPENAPI_PATH,
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
                    f"{config.SDK_MATRIX}: build {chunk.strip()!r} names {variable} twice"
                )
            build[variable] = item
        for variable, value in build.items():  # the same checks as the variables get
            dist = next((d for d in DISTRIBUTIONS if d.variable == variable), None)
            if dist is not None:
                parse_spec(dist, value, cwd)
            elif not (cwd / Path(value).expanduser()).is_file():
                raise ConfigError(
                    f"{config.SDK_MATRIX}: {value} (the build's {variable}) is not a file"
                )
        builds.append(build)
    if not builds:
        raise ConfigError(f"{config.SDK_MATRIX} names no build; e.g. 'pinned; ==0.5.6'")
    return builds


def _variable_for(item: str, cwd: Path) -> str:
    for suffix, variable in CONTRACT_SUFFIXES.items():
        if item.endswith(suffix):
            return variable
    if item.endswith(_ARCHIVES):
        named = archive_distribution(Path(item).name)
        if named is None:
            raise ConfigError(f"{config.SDK_MATRIX}: {Path(item).name} {_NOT_AN_ARCHIVE_NAME}")
        for dist in DISTRIBUTIONS:
            if canonicalize_name(dist.name) == named:
                return dist.variable
        raise ConfigError(
            f"{config.SDK_MATRIX}: {item} is a {named} build, not one of {DISTRIBUTION_NAMES}"
        )
    return config.SDK


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
        if dist.variable == config.SDK:
            cores.append((named[1], wheel_extras(path), path))
        else:
            companions.append((dist, core_need(path, environment), path))
    contract = folder / CONTRACT_FILE
    builds = []
    for version, provides, core in cores:
        build = {config.SDK: str(core)}
        for dist, need, path in companions:
            if need.met_by(version, provides):
                build[dist.variable] = str(path)
        if contract.is_file():
            build[config.POSTMAN_PATH] = str(contract)
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
    core = build.get(config.SDK)
    if core is None:
        head = "pinned"
    elif core.endswith(_ARCHIVES):
        head = "-".join(Path(core).name.split("-")[:2])
    else:
        head = "imednet" + re.sub(r"[^A-Za-z0-9.]+", "-", core).strip("-")
    extra = sum(v in SDK_VARIABLE_NAMES for v in build) - (1 if core is not None else 0)
    return f"{head}+{extra}" if extra else head
