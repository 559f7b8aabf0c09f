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

from imednet_live.core import env_vars
from imednet_live.core.profiles import Profile
from imednet_live.core.settings import ConfigError, read_var

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
    needs: frozenset[str]  # optional import names the profile must hold (core/profiles.py)
    folder: str  # where the SDK's monorepo keeps its source (from 0.8)


DISTRIBUTIONS: tuple[SdkDistribution, ...] = (
    SdkDistribution(env_vars.SDK, "imednet", frozenset(), "packages/core"),
    SdkDistribution(
        env_vars.SDK_WORKFLOWS, "imednet-workflows", frozenset({"pandas"}),
        "packages/plugins-workflows",
    ),
    SdkDistribution(
        env_vars.SDK_AIRFLOW, "apache-airflow-providers-imednet", frozenset({"airflow"}),
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
            f"{env_vars.SDK}={self.root}: the monorepo checkout has no {self.dist.folder} "
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
        value = read_var(env, dist.variable)
        if value is not None:
            specs[dist.name] = parse_spec(dist, value, cwd)
    core_value = read_var(env, env_vars.SDK)
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
        if dist.variable == env_vars.SDK and monorepo_root(value, cwd) is not None:
            core = path / dist.folder
            if not _is_project(core):
                raise ConfigError(
                    f"{head}: the monorepo checkout {path} has no installable {dist.folder} "
                    f"(no pyproject.toml or setup.py there); {dist.name} cannot be installed"
                )
            return SdkSpec(dist, value, SpecKind.SOURCE, str(core), _extras(dist, None))
        if not _is_project(path):
            where = f" nor {dist.folder}/pyproject.toml" if dist.variable == env_vars.SDK else ""
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
