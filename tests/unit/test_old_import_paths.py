"""The public import paths of the last release still work for one more (issue 30's moves).

``imednet_live.mock``, ``imednet_live.pytest_sandbox`` and ``imednet_live.fault_rules``
moved into the sandbox package; the entry-point plugin followed. Each old path must hand
out the very objects of the new one, so code written against either behaves the same.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys

import pytest

OLD_TO_NEW = {
    "imednet_live.mock": "imednet_live.sandbox.mock",
    "imednet_live.pytest_sandbox": "imednet_live.sandbox.pytest_plugin",
    "imednet_live.fault_rules": "imednet_live.sandbox.fault_rules",
}


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW.items())
def test_an_old_path_hands_out_the_new_modules_objects(old: str, new: str) -> None:
    old_module, new_module = importlib.import_module(old), importlib.import_module(new)
    assert old_module.__all__ == new_module.__all__
    for name in new_module.__all__:
        assert getattr(old_module, name) is getattr(new_module, name), name


def test_the_package_face_keeps_mock_imednet() -> None:
    from imednet_live import MockImednet, mock_imednet
    from imednet_live.sandbox import mock

    assert (mock_imednet, MockImednet) == (mock.mock_imednet, mock.MockImednet)


def test_the_documented_sandbox_api_is_on_the_package() -> None:
    from imednet_live import sandbox
    from imednet_live.sandbox import handle, options

    assert sandbox.running is handle.running
    assert sandbox.serving is handle.serving
    assert sandbox.SandboxHandle is handle.SandboxHandle
    assert sandbox.SandboxOptions is options.SandboxOptions
    assert {"running", "SandboxOptions", "SCENARIOS", "DEFAULT_API_KEY"} <= set(dir(sandbox))
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = sandbox.nope


def test_the_pytest_entry_point_names_the_plugins_new_home() -> None:
    points = importlib.metadata.entry_points(group="pytest11")
    (point,) = [p for p in points if p.name == "imednet_sandbox"]
    assert point.value == "imednet_live.sandbox.pytest_plugin"
    assert hasattr(point.load(), "imednet_sandbox")


def test_importing_the_package_or_its_old_paths_starts_no_web_framework() -> None:
    code = (
        "import sys, imednet_live, imednet_live.sandbox, imednet_live.mock, "
        "imednet_live.pytest_sandbox, imednet_live.fault_rules, imednet_live.sandbox.options\n"
        "print(sorted(m for m in ('uvicorn', 'fastapi', 'imednet') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
