"""sdk_compat against each SDK build in ../shared/sdk, each in a temporary venv.

Each build is installed with ``uv venv`` + ``uv pip install`` (bounded in time) next to
this repository's ``src`` on PYTHONPATH, and compat_probe.py reports what the module
decides there. Skipped when ../shared (or uv) is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from imednet_live.sdk import compat as sdk_compat

SRC = Path(__file__).resolve().parents[3] / "src"
PROBE = Path(__file__).with_name("compat_probe.py")
INSTALL_TIMEOUT_S = 300

BUILDS = {
    "0.5.6": ("imednet-0.5.6-py3-none-any.whl",),
    "0.6.0": ("imednet-0.6.0-py3-none-any.whl",),
    "0.8.0": ("imednet-0.8.0-py3-none-any.whl",),
    "0.8.0+workflows": (
        "imednet-0.8.0-py3-none-any.whl",
        "imednet_workflows-0.6.0-py3-none-any.whl",
    ),
}


def run_probe(python: Path | str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [str(python), "-W", "ignore", str(PROBE)],
        capture_output=True, text=True, check=True, timeout=120, env=env,
    )  # fmt: skip
    return json.loads(out.stdout)


def probe(tmp: Path, wheels: list[Path]) -> dict[str, Any]:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    venv = tmp / "venv"
    python = venv / "bin" / "python"
    subprocess.run([uv, "venv", "-q", str(venv)], check=True, timeout=INSTALL_TIMEOUT_S)
    core, *companions = wheels
    requirements = [f"imednet[cli] @ {core.as_uri()}", *map(str, companions), "packaging"]
    subprocess.run(
        [uv, "pip", "install", "-q", "--python", str(python), *requirements],
        check=True,
        timeout=INSTALL_TIMEOUT_S,
    )
    return run_probe(python)


@pytest.fixture(scope="module", params=list(BUILDS))
def build(
    request: pytest.FixtureRequest, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, Any]]:
    wheels = [shared_dir / "sdk" / name for name in BUILDS[request.param]]
    if not all(w.is_file() for w in wheels):
        pytest.skip(f"../shared/sdk lacks {BUILDS[request.param]}")
    return request.param, probe(tmp_path_factory.mktemp(request.param), wheels)


def test_distributions_and_surfaces(build: tuple[str, dict[str, Any]]) -> None:
    name, found = build
    bundled = name in ("0.5.6", "0.6.0")
    assert found["distributions"]["imednet"] == name.split("+")[0]
    if bundled:
        assert found["missing"] == {}
        assert found["workflows"] == "imednet.workflows.study_structure"
        assert found["airflow_package"] == "imednet.integrations.airflow"
    elif name == "0.8.0":
        assert found["missing"] == {
            "workflows": "imednet-workflows",
            "job_poller": "imednet-workflows",
            "record_export": "imednet-workflows",
            "airflow": "apache-airflow-providers-imednet",
        }
        assert found["workflows"] == "missing: imednet-workflows"
    else:
        assert found["distributions"]["imednet-workflows"] == "0.6.0"
        assert found["missing"] == {"airflow": "apache-airflow-providers-imednet"}
        assert found["workflows"] == "imednet_workflows.study_structure"
    if not bundled:
        assert found["airflow_package"] == "missing: apache-airflow-providers-imednet"


def test_extras_and_hints(build: tuple[str, dict[str, Any]]) -> None:
    name, found = build
    if name.startswith("0.8"):
        assert {"cli", "export"} <= set(found["extras"])
        assert "imednet-workflows" in found["pandas_hint"]
    else:
        assert "pandas" in found["extras"]
        assert "imednet" in found["pandas_hint"]
        assert "pandas" in found["pandas_hint"]
    assert found["cli_is_click"] is True  # every tagged release ships a typer app
    assert found["job_failed_error"] == "RuntimeError"


def test_async_close_works_where_plain_close_raises(build: tuple[str, dict[str, Any]]) -> None:
    """From 0.5.3 ``AsyncImednetSDK.close()`` raises TypeError; compat closes every build."""
    _, found = build
    assert found["naive_async_close"] == "TypeError"
    assert found["compat_async_close"] == "ok"
    assert found["sync_open"] == "ImednetSDK"


def test_post_answered_503_is_raised_not_retried(build: tuple[str, dict[str, Any]]) -> None:
    """SDK 0.5.5+ retries a POST only on 429: a 503 reaches the caller after one attempt."""
    _, found = build
    assert found["post_after_503"] == {"posts": 1, "outcome": "ServerError"}


def test_pinned_release_retries_post_on_503_and_closes_plainly() -> None:
    """0.5.0 (this venv) sends the POST twice: the duplicate-write risk of W10."""
    found = run_probe(sys.executable)
    assert found["post_after_503"] == {"posts": 2, "outcome": "accepted"}
    assert found["naive_async_close"] == "ok"
    assert found["compat_async_close"] == "ok"


def test_pinned_release_in_this_venv() -> None:
    """The unit venv holds the pinned 0.5.0: everything bundled."""
    assert sdk_compat.installed_distributions() == {"imednet": "0.5.0"}
    assert sdk_compat.missing_surfaces() == {}
    assert sdk_compat.workflow_module("study_structure").__name__ == (
        "imednet.workflows.study_structure"
    )
    with pytest.raises(sdk_compat.SurfaceMissing, match="imednet-workflows"):
        sdk_compat.workflow_module("no_such_workflow")
