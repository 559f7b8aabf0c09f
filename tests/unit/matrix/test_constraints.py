"""constraints/: a pinned file per profile and Python, pinning every package of its extras."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import tomllib

from imednet_live.core.profiles import DISTRIBUTIONS, PROFILES

ROOT = Path(__file__).resolve().parents[3]
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split(";")[0].strip().split("==", 1)
            out[canonical(name)] = version
    return out


def requirement_names(specs: list[str]) -> set[str]:
    return {canonical(m.group(1)) for s in specs if (m := _NAME.match(s))}


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_profile_pins_every_package_of_its_extras(
    project: dict, profile: str, python: str
) -> None:
    path = ROOT / "constraints" / f"{profile}-py{python}.txt"
    assert path.exists(), f"missing {path.name}: run nox -s lock"
    wanted = requirement_names(project["dependencies"])
    for extra in PROFILES[profile].extras:
        wanted |= requirement_names(project["optional-dependencies"][extra])
    missing = wanted - set(pins(path))
    assert not missing, f"{path.name} does not pin {sorted(missing)}"


@pytest.mark.parametrize("python", PYTHONS)
def test_core_truly_lacks_the_optional_packages(python: str) -> None:
    pinned = set(pins(ROOT / "constraints" / f"core-py{python}.txt"))
    optional = {canonical(d) for d in DISTRIBUTIONS.values()}
    assert not pinned & optional, sorted(pinned & optional)


@pytest.mark.parametrize("python", PYTHONS)
def test_exports_has_the_export_packages_and_not_airflow(python: str) -> None:
    pinned = set(pins(ROOT / "constraints" / f"exports-py{python}.txt"))
    assert {"pandas", "pyarrow", "openpyxl", "sqlalchemy"} <= pinned
    assert "apache-airflow" not in pinned


@pytest.mark.parametrize("python", PYTHONS)
def test_profile_packages_match_what_the_constraints_resolve(python: str) -> None:
    """profiles.py declares what each venv may import; the lock must agree with it."""
    for name, profile in PROFILES.items():
        pinned = set(pins(ROOT / "constraints" / f"{name}-py{python}.txt"))
        resolved = {pkg for pkg, dist in DISTRIBUTIONS.items() if canonical(dist) in pinned}
        assert resolved == profile.packages, name


def test_the_running_python_has_constraints() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert version in PYTHONS
