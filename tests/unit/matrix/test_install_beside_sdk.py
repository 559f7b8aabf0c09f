"""The base distribution installs beside any SDK build and works without one (issue 21).

A real install into a fresh uv venv: imednet-live alone (the sandbox and its pytest plugin
import and serve with no SDK present), then an SDK other than the harness's pin, then
imednet-live again, which must leave that SDK as it was.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

WHEEL = "imednet-0.8.0-py3-none-any.whl"

NO_SDK_PROBE = """
import importlib.util, json, os, urllib.request
assert importlib.util.find_spec("imednet") is None, "an SDK came with imednet-live"
from imednet_live import mock_imednet
with mock_imednet() as sb:
    headers = {"x-api-key": sb.api_key, "x-imn-security-key": sb.security_key}
    url = os.environ["IMEDNET_BASE_URL"] + "/api/v1/edc/studies"
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
        print("ok", len(json.load(answer)["data"]))
"""
# The plugin, loaded by its entry point in a project with pytest and no SDK.
NO_SDK_TEST = """
import pytest

@pytest.mark.imednet_sandbox(subjects=3)
def test_plugin_without_sdk(imednet_sandbox):
    assert imednet_sandbox.records()
    with pytest.raises(pytest.fail.Exception, match="needs the imednet SDK"):
        imednet_sandbox.sdk
"""


def uv(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["uv", *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_base_distribution_pins_no_sdk(repo_root: Path) -> None:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    names = [d.split(">")[0].split("<")[0].split("=")[0].strip() for d in project["dependencies"]]
    assert "imednet" not in names
    assert any(d.startswith("imednet") for d in project["optional-dependencies"]["harness"])
    plugins = project["entry-points"]["pytest11"]
    assert plugins == {"imednet_sandbox": "imednet_live.sandbox.pytest_plugin"}


def test_a_venv_keeps_its_own_sdk_when_imednet_live_joins(
    repo_root: Path, shared_dir: Path, tmp_path: Path
) -> None:
    wheel = shared_dir / "sdk" / WHEEL
    if not wheel.is_file() or shutil.which("uv") is None:
        pytest.skip(f"needs uv and ../shared/sdk/{WHEEL}")
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    assert uv("venv", "-q", "--python", sys.executable, str(venv), cwd=tmp_path).returncode == 0

    alone = uv("pip", "install", "-q", "--python", str(python), str(repo_root), cwd=tmp_path)
    # The base distribution alone: the sandbox serves, mock_imednet sets the environment.
    assert alone.returncode == 0, alone.stderr
    probe = subprocess.run(
        [str(python), "-c", NO_SDK_PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert probe.stdout.split()[0] == "ok", probe.stderr
    assert int(probe.stdout.split()[1]) > 0

    pytest_in = uv("pip", "install", "-q", "--python", str(python), "pytest", cwd=tmp_path)
    assert pytest_in.returncode == 0, pytest_in.stderr
    (tmp_path / "test_no_sdk.py").write_text(NO_SDK_TEST)
    run = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_no_sdk.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]

    sdk = uv("pip", "install", "-q", "--python", str(python), str(wheel), cwd=tmp_path)
    assert sdk.returncode == 0, sdk.stderr
    again = uv(
        "pip", "install", "-q", "--python", str(python), "--reinstall-package", "imednet-live",
        str(repo_root), cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    versions = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('imednet'))"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert versions.stdout.strip() == "0.8.0"
