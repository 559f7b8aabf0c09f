"""The pre-flight surface check against real builds: ../shared's 0.8.0 wheel as released,
and rebuilt with one public model field renamed (``Subject.subject_status`` -> ``status``,
same JSON alias, the SDK's own uses renamed with it). Each is installed with uv into a
folder on PYTHONPATH of this venv (sdk_builds.py); the smoke and the live suite run as
real subprocesses against a real sandbox. Skipped when ../shared (or uv) is absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sdk_builds import install_target, rewrite_wheel

from imednet_live import sandbox
from imednet_live.sdk.surface_snapshot import SURFACES_DIR

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugin"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "smoke"))
from plugin_support import run_real_live_suite
from smoke_support import edc_calls, run_smoke, sandbox_env

WHEEL = "imednet-0.8.0-py3-none-any.whl"
RED_LINE = (
    f"undeclared SDK surface change in imednet 0.8.0 ({WHEEL}): Subject.subject_status is "
    "gone (0.8.0 snapshot has it; Subject.status is new)"
)
RENAMES = {
    "imednet/models/subjects.py": lambda text: text.replace(
        '    subject_status: str = Field("", alias="subjectStatus")',
        '    status: str = Field("", alias="subjectStatus")',
    ),
    "imednet/cli/subjects/__init__.py": lambda text: text.replace("s.subject_status", "s.status"),
    "imednet/discovery.py": lambda text: text.replace('"subject_status"', '"status"'),
}


@pytest.fixture(scope="module")
def release(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheel = shared_dir / "sdk" / WHEEL
    if not wheel.is_file():
        pytest.skip(f"../shared/sdk lacks {WHEEL}")
    return install_target(wheel, tmp_path_factory.mktemp("release") / "site")


@pytest.fixture(scope="module")
def renamed(release: Path, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("renamed")
    wheel = rewrite_wheel(shared_dir / "sdk" / WHEEL, folder / "dist" / WHEEL, RENAMES)
    return install_target(wheel, folder / "site")


def test_the_smoke_is_red_in_one_line_before_its_first_request(
    renamed: Path, tmp_path: Path
) -> None:
    report = tmp_path / "smoke.json"
    with sandbox.running(scenario="default") as sb:
        result = run_smoke(sandbox_env(sb, PYTHONPATH=str(renamed)), "--report", str(report))
        calls = edc_calls(sb)
    assert result.code == 1, result.output  # the charter's red: the build is not usable
    assert result.lines("error") == [RED_LINE]
    assert result.stdout.strip() == f"::error::{RED_LINE}"
    assert "Unhandled" not in result.output
    assert calls == []
    written = json.loads(report.read_text(encoding="utf-8"))
    assert (written["classification"], written["reason"]) == ("sdk-surface-change", RED_LINE)


def test_the_live_suite_run_directly_classifies_it_the_same_way(
    renamed: Path, tmp_path: Path
) -> None:
    """One xdist worker: the controller checks, the worker classifies with its result."""
    report_dir = tmp_path / "reports"
    tests = ("test_sdk_surface.py::test_no_undeclared_surface_change",
             "test_read_resources.py::test_list_and_get[subjects]")  # fmt: skip
    with sandbox.running(scenario="default") as sb:
        done = run_real_live_suite(sb.env, report_dir, "-n", "1", *tests, PYTHONPATH=str(renamed))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count(f"::error::{RED_LINE}") == 1
    assert "Unhandled" not in done.stdout + done.stderr
    outcomes = json.loads((report_dir / "outcomes.json").read_text(encoding="utf-8"))
    kinds = {t["nodeid"]: (t["failure_kind"], t["message"]) for t in outcomes["tests"]}
    assert kinds == {
        tests[0]: ("sdk-surface-change", RED_LINE),
        tests[1]: (
            "sdk-surface-change",
            f"{RED_LINE}; raised AttributeError: 'Subject' object has no attribute "
            "'subject_status'",
        ),
    }
    assert outcomes["violations"] == [
        {"nodeid": "(session)", "category": "sdk-surface-change", "message": RED_LINE}
    ]


PROBE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from imednet_live.sdk import surface_check
    print(json.dumps(surface_check.check_installed(Path(sys.argv[1])).to_json()))
    """
)


def _check_against(site: Path, snapshots: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(snapshots)],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("IMEDNET_")},
             "PYTHONPATH": str(site)},
        capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


def test_declared_changes_stay_green(release: Path, renamed: Path, tmp_path: Path) -> None:
    """Against the 0.6.0 snapshot (0.8.0's own hidden), the release's differences are all
    declared (the sync/async split, list_by_attribute, the packages that moved); the
    rename is the one thing the declarations do not explain."""
    older = tmp_path / "surfaces"
    older.mkdir()
    for name in ("imednet-0.5.0.json", "imednet-0.5.6.json", "imednet-0.6.0.json"):
        (older / name).write_bytes((SURFACES_DIR / name).read_bytes())
    released = _check_against(release, older)
    assert (released["base"], released["findings"], released["problem"]) == ("0.6.0", [], None)
    assert isinstance(released["declared"], int)
    assert released["declared"] > 0
    changed = _check_against(renamed, older)
    assert [f["line"] for f in changed["findings"]] == ["model Subject.subject_status: removed"]
    assert changed["declared"] == released["declared"]
