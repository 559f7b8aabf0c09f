"""``imednet-live --version``: the installed package's metadata, the version's one source."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import tomllib

import imednet_live

ROOT = Path(__file__).resolve().parents[3]


def test_version_prints_the_pyproject_version_through_the_console_script() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    expected = declared["project"]["version"]
    script = Path(sys.executable).with_name("imednet-live")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "imednet_live.cli"]
    done = subprocess.run(
        [*command, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"imednet-live {expected}\n", "")
    assert imednet_live.__version__ == version("imednet-live") == expected


def test_no_second_version_literal_in_the_package() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    literal = f'"{declared["project"]["version"]}"'
    holders = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "src").rglob("*.py")
        if literal in p.read_text(encoding="utf-8")
    ]
    assert holders == []


def test_the_installed_metadata_declares_a_typed_pytest_plugin() -> None:
    from importlib.metadata import metadata

    meta = metadata("imednet-live")
    classifiers = meta.get_all("Classifier") or []
    assert "Framework :: Pytest" in classifiers
    assert "Typing :: Typed" in classifiers
    python = "Programming Language :: Python :: "
    assert {f"{python}3.10", f"{python}3.13"} <= set(classifiers)
    assert any(url.startswith("Source, ") for url in meta.get_all("Project-URL") or [])
    assert (Path(imednet_live.__file__).parent / "py.typed").is_file()
