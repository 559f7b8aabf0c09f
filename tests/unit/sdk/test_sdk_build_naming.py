"""A build is named so it can be told apart: a wheel's local label, a checkout's commit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from imednet_live.sdk import compat as sdk_compat


def install_dist_info(
    site: Path, name: str, version: str, direct_url: dict[str, object] | None = None
) -> None:
    """A distribution's metadata as an installer leaves it (no code needed to be found)."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.setattr(sys, "path", [str(path), *sys.path])
    return path


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
         *args],
        capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    return done.stdout.strip()


def test_a_wheel_is_named_by_its_version_with_its_local_label(site: Path, tmp_path: Path) -> None:
    wheel = tmp_path / "imednet-0.8.0+main.84b2fd36-py3-none-any.whl"
    install_dist_info(
        site, "imednet", "0.8.0+main.84b2fd36", {"url": wheel.as_uri(), "archive_info": {}}
    )
    install_dist_info(site, "imednet-workflows", "0.6.0+main.84b2fd36")
    versions = sdk_compat.build_versions()
    assert versions["imednet"] == "0.8.0+main.84b2fd36"
    assert versions["imednet-workflows"] == "0.6.0+main.84b2fd36"
    described = sdk_compat.build_description()
    assert described.startswith(f"imednet 0.8.0+main.84b2fd36 ({wheel.name})")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH")
def test_a_checkout_is_named_by_version_commit_and_dirty_mark(site: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "sdk"
    core = checkout / "packages" / "core"
    core.mkdir(parents=True)
    (core / "pyproject.toml").write_text("[project]\nname = 'imednet'\nversion = '0.8.0'\n")
    git(checkout, "init", "-q")
    git(checkout, "add", ".")
    git(checkout, "commit", "-q", "-m", "core")
    commit = git(checkout, "rev-parse", "--short=8", "HEAD")
    install_dist_info(
        site, "imednet", "0.8.0", {"url": core.as_uri(), "dir_info": {"editable": True}}
    )
    assert sdk_compat.build_versions()["imednet"] == f"0.8.0+git.{commit}"
    (core / "pyproject.toml").write_text("[project]\nname = 'imednet'\nversion = '0.8.1'\n")
    assert sdk_compat.build_versions()["imednet"] == f"0.8.0+git.{commit}.dirty"
    assert f"imednet 0.8.0+git.{commit}.dirty (editable core)" in sdk_compat.build_description()


def test_a_folder_outside_git_keeps_its_version(site: Path, tmp_path: Path) -> None:
    install_dist_info(site, "imednet", "0.8.0", {"url": tmp_path.as_uri(), "dir_info": {}})
    assert sdk_compat.checkout_label(tmp_path) is None or (tmp_path / ".git").exists()
    assert sdk_compat.named_version("0.8.0+main.1", "git.abc") == "0.8.0+main.1.git.abc"
    assert sdk_compat.named_version("0.8.0", None) == "0.8.0"
