"""How the noxfile installs a selected SDK build over a profile, and how the venv is proved.

The uv commands are recorded, not run (the real route is exercised by
test_sdk_nox_session.py and the live matrix); what matters here is what they ask for.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import pytest

from imednet_live.core import env_vars
from imednet_live.core.profiles import PROFILES
from imednet_live.matrix import install
from imednet_live.matrix.profile_check import sdk_mismatches
from imednet_live.sdk.selection import parse_selection

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "unit" / "sdk"))  # make_wheel, make_monorepo

from test_noxfile import FakeSession  # noqa: E402
from test_sdk_selection import make_wheel  # noqa: E402


class InstallSession(FakeSession):
    def __init__(self, name: str, tmp: Path) -> None:
        super().__init__(name)
        self.tmp = tmp

    def create_tmp(self) -> str:
        return str(self.tmp)


@pytest.fixture(scope="module")
def loaded() -> dict[str, Any]:
    """The noxfile's namespace, loaded once (loading registers its sessions)."""
    return runpy.run_path(str(ROOT / "noxfile.py"))


@pytest.fixture
def noxfile(
    loaded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], list[tuple[str, ...]]]:
    namespace = loaded
    calls: list[tuple[str, ...]] = []

    def fake_uv_pip(session: Any, checkout: Any, *args: str) -> tuple[int, str]:
        calls.append(args)
        return 0, ""

    monkeypatch.setattr(install, "uv_pip", fake_uv_pip)
    for variable in (env_vars.SDK, env_vars.SDK_WORKFLOWS, env_vars.SDK_AIRFLOW):
        monkeypatch.delenv(variable, raising=False)
    return namespace, calls


def test_selection_is_one_resolution_with_overrides(
    noxfile: tuple[dict[str, Any], list[tuple[str, ...]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    namespace, calls = noxfile
    core = make_wheel(tmp_path, "imednet", "0.8.0", "Provides-Extra: cli\n")
    flows = make_wheel(tmp_path, "imednet-workflows", "0.6.0")
    monkeypatch.setenv(env_vars.SDK, str(core))
    monkeypatch.setenv(env_vars.SDK_WORKFLOWS, str(flows))
    session = InstallSession("live-readonly(profile='exports')", tmp_path)
    namespace["install_profile"](session, "exports", sdk=True)

    install, uninstall = calls[0], calls[1]
    assert install[:3] == ("install", "-e", ".[harness,test,exports]")
    assert f"imednet[cli] @ {core.as_uri()}" in install
    assert f"imednet-workflows @ {flows.as_uri()}" in install
    overrides = Path(install[install.index("--override") + 1]).read_text().splitlines()
    assert overrides == [f"imednet[cli] @ {core.as_uri()}", f"imednet-workflows @ {flows.as_uri()}"]
    narrowed = Path(install[install.index("-c") + 1]).read_text()
    assert "imednet==" not in narrowed  # the pinned 0.5.0 yields
    assert "httpx==" in narrowed  # every other pin holds
    assert install.count("--reinstall-package") == 2  # files keep versions: reinstall them
    assert uninstall == ("uninstall", "apache-airflow-providers-imednet")
    # Only our own package's refresh goes through session.install (which -R skips).
    assert session.installs == [("--reinstall-package", "imednet-live", "--no-deps", "-e", ".")]
    checks = [args for args, _ in session.runs if "imednet_live.matrix.profile_check" in args]
    assert checks == [
        ("python", "-m", "imednet_live.matrix.profile_check", "--freeze", "--sdk", "exports")
    ]


def test_core_profile_leaves_out_what_needs_pandas(
    noxfile: tuple[dict[str, Any], list[tuple[str, ...]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    namespace, calls = noxfile
    monkeypatch.setenv(env_vars.SDK, str(make_wheel(tmp_path, "imednet", "0.8.0")))
    monkeypatch.setenv(
        env_vars.SDK_WORKFLOWS, str(make_wheel(tmp_path, "imednet-workflows", "0.6.0"))
    )
    session = InstallSession("smoke", tmp_path)
    namespace["install_profile"](session, "core", sdk=True)
    assert not any("imednet-workflows" in arg for arg in calls[0])
    assert calls[1] == ("uninstall", "imednet-workflows", "apache-airflow-providers-imednet")
    assert any("IMEDNET_SDK_WORKFLOWS: not installed in profile core" in m for m in session.logs)


def test_unset_goes_back_to_the_pin_even_under_reuse(
    noxfile: tuple[dict[str, Any], list[tuple[str, ...]]], tmp_path: Path
) -> None:
    namespace, calls = noxfile
    session = InstallSession("smoke", tmp_path)
    namespace["install_profile"](session, "core", sdk=True)
    install = calls[0]
    assert "--override" not in install
    assert Path(install[install.index("-c") + 1]).name.startswith("core-py")  # the pin itself
    assert calls[1] == ("uninstall", "imednet-workflows", "apache-airflow-providers-imednet")


def test_sessions_that_do_not_test_the_sdk_ignore_the_selection(
    noxfile: tuple[dict[str, Any], list[tuple[str, ...]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    namespace, calls = noxfile
    monkeypatch.setenv(env_vars.SDK, "==0.6.0")
    session = InstallSession("unit", tmp_path)
    namespace["install_profile"](session, "exports")
    assert calls == []
    assert session.installs[0][:2] == ("-e", ".[harness,test,exports]")


@pytest.mark.parametrize(
    ("env", "installed", "problem"),
    [
        ({}, {"imednet": "0.5.0"}, None),
        ({env_vars.SDK: "==0.6.0"}, {"imednet": "0.5.0"}, "imednet 0.5.0 does not match ==0.6.0"),
        ({}, {"imednet": "0.5.0", "imednet-workflows": "0.6.0"}, "is installed but not selected"),
        (
            {env_vars.SDK_WORKFLOWS: "==0.6.0"},
            {"imednet": "0.8.0"},
            "imednet-workflows, which is missing",
        ),
        ({}, {}, "imednet is not installed"),
    ],
)
def test_profile_check_proves_the_build(
    env: dict[str, str], installed: dict[str, str], problem: str | None
) -> None:
    problems = sdk_mismatches(PROFILES["exports"], parse_selection(env), installed)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_profile_check_does_not_ask_core_for_workflows() -> None:
    selection = parse_selection({env_vars.SDK_WORKFLOWS: "==0.6.0"})
    assert sdk_mismatches(PROFILES["core"], selection, {"imednet": "0.8.0"}) == []


def test_a_monorepo_checkout_installs_its_packages_editable_and_names_a_gap(
    noxfile: tuple[dict[str, Any], list[tuple[str, ...]]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from test_sdk_selection import make_monorepo

    namespace, calls = noxfile
    root = make_monorepo(tmp_path / "sdk", "packages/core", "packages/providers-airflow")
    monkeypatch.setenv(env_vars.SDK, str(root))
    session = InstallSession("live-mutating", tmp_path)
    with caplog.at_level("ERROR"):
        namespace["install_profile"](session, "mutating", sdk=True)
    editable = [c for c in calls if c[:3] == ("install", "--no-deps", "-e")]
    assert editable == [
        ("install", "--no-deps", "-e", str(root / "packages/core")),
        ("install", "--no-deps", "-e", str(root / "packages/providers-airflow")),
    ]
    red = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(red) == 1
    assert str(root) in red[0]
    assert "packages/plugins-workflows (imednet-workflows)" in red[0]
    # The missing package is not asked for, and an earlier one is removed.
    assert not any("imednet-workflows @" in arg for c in calls for arg in c)
    assert ("uninstall", "imednet-workflows") in calls
