"""The registries are complete: every variable the code names, every session nox lists,
and every help text draws on them."""

from __future__ import annotations

import ast
import json
import re
import runpy
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import nox
import pytest

from imednet_live import cli
from imednet_live.charter import classification
from imednet_live.charter.classification import FailureKind
from imednet_live.core import env_vars
from imednet_live.core.env_schema import Reader
from imednet_live.core.env_vars import ENV_VARS
from imednet_live.core.profiles import SESSIONS
from imednet_live.core.skip_categories import SkipCategory
from imednet_live.doc_tables import DOCUMENTS
from imednet_live.sandbox.scenarios import SCENARIOS
from imednet_live.smoke import run as smoke
from imednet_live.smoke.exits import SMOKE_RESULTS, SmokeExit

# Where the project's code lives; tests/unit is excluded, it invents names on purpose.
CODE_PATHS = ("src", "noxfile.py", "scripts", "tests/live", "benchmarks")
VARIABLE = re.compile(r"(?<![A-Za-z0-9_])IMEDNET_[A-Z0-9_]*[A-Z0-9]")


def python_files(root: Path, paths: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = root / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def variable_literals(files: Iterable[Path]) -> dict[str, set[str]]:
    """Every ``IMEDNET_*`` name in a string literal (f-string parts included) -> files."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in VARIABLE.findall(node.value):
                    found.setdefault(name, set()).add(path.name)
    return found


def unregistered(found: dict[str, set[str]]) -> dict[str, list[str]]:
    registered = {v.name for v in ENV_VARS}
    return {name: sorted(files) for name, files in found.items() if name not in registered}


def test_every_imednet_variable_named_in_the_code_is_registered(repo_root: Path) -> None:
    found = variable_literals(python_files(repo_root, CODE_PATHS))
    assert "IMEDNET_LIVE_SANDBOX_LATENCY_MS" in found  # the scan reaches noxfile/benchmarks
    missing = unregistered(found)
    assert not missing, f"add these to env_vars.ENV_VARS, then run nox -s docs: {missing}"


def test_the_scan_finds_an_unregistered_variable_in_any_literal(tmp_path: Path) -> None:
    code = tmp_path / "new_feature.py"
    code.write_text(
        'A = "IMEDNET_LIVE_NEW_KNOB"\n'
        'B = f"set IMEDNET_FUTURE_DIR={1}"\n'
        'C = "AIRFLOW_CONN_IMEDNET_DEFAULT"  # not ours: a prefix precedes it\n'
        "# IMEDNET_IN_A_COMMENT is not a literal\n"
    )
    missing = unregistered(variable_literals([code]))
    assert missing == {
        "IMEDNET_LIVE_NEW_KNOB": ["new_feature.py"],
        "IMEDNET_FUTURE_DIR": ["new_feature.py"],
    }


def test_registered_names_are_unique_and_are_config_constants() -> None:
    names = [v.name for v in ENV_VARS]
    assert len(names) == len(set(names))
    constants = {
        value for key, value in vars(env_vars).items() if key.isupper() and isinstance(value, str)
    }
    assert set(names) <= constants
    assert {c for c in constants if c.startswith("IMEDNET_")} <= set(names)
    assert env_vars.env_var("IMEDNET_BASE_URL").default == f"`{env_vars.DEFAULT_BASE_URL}`"
    with pytest.raises(KeyError, match=r"IMEDNET_NOPE is not in env_vars\.ENV_VARS"):
        env_vars.env_var("IMEDNET_NOPE")


def test_every_entry_explains_itself() -> None:
    for var in ENV_VARS:
        assert all((var.meaning, var.read_by)), var.name
    for category in SkipCategory:
        assert all((category.condition, category.outcome, category.action)), category
    for kind in FailureKind:
        assert all((kind.condition, kind.outcome, kind.action)), kind
    for scenario in SCENARIOS.values():
        assert scenario.description, scenario.name
    assert {r.exit for r in SMOKE_RESULTS} == set(SmokeExit)


def test_enum_registries_keep_their_plain_values() -> None:
    assert SkipCategory("dependency-missing") is SkipCategory.DEPENDENCY_MISSING
    assert str(SkipCategory.UNCLASSIFIED) == "unclassified"
    assert json.dumps([SkipCategory.SUITE_DISABLED, FailureKind.API_ERROR]) == (
        '["suite-disabled", "api-error"]'
    )
    assert (classification.API_ERROR, classification.OTHER) == ("api-error", "other")
    assert type(classification.API_ERROR) is str
    assert (smoke.EXIT_GREEN, smoke.EXIT_RED, smoke.EXIT_SKIP) == (0, 1, 2)
    assert SmokeExit.of(2) is SmokeExit.SKIP
    assert SmokeExit.of(3) is None


def test_scenario_observations_are_rows_of_the_observations_file(shared_dir: Path) -> None:
    text = (shared_dir / "imednet-api" / "REAL-API-OBSERVATIONS.md").read_text()
    rows = set(re.findall(r"^\| ([WR]\d+) \|", text, re.MULTILINE))
    cited = {row for s in SCENARIOS.values() if s.observation for row in s.observation.split("/")}
    assert cited
    assert cited <= rows, f"unknown observation rows: {cited - rows}"


def test_the_session_registry_is_what_the_noxfile_defines(repo_root: Path) -> None:
    runpy.run_path(str(repo_root / "noxfile.py"))  # registers its sessions with nox
    defined = set(nox.registry.get())
    assert {s.name for s in SESSIONS} == defined, "update profiles.SESSIONS, then nox -s docs"
    out = subprocess.run(
        [sys.executable, "-m", "nox", "-l", "--json", "-f", str(repo_root / "noxfile.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = {s["session"] for s in json.loads(out.stdout)}  # default sessions, parametrized
    registered = {name for session in SESSIONS for name, _, _ in session.rows()}
    assert listed <= registered
    assert {n for n in registered if "(" in n} == {n for n in listed if "(" in n}


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_sandbox_serve_help_lists_every_scenario_with_its_description(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = help_text(capsys, "sandbox", "serve")
    for s in SCENARIOS.values():
        assert re.search(rf"^  {re.escape(s.name)} +{re.escape(s.description)}", text, re.M)
    assert "[observation W9]" in text


def test_imednet_live_help_lists_every_variable(capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(capsys)
    for var in ENV_VARS:
        assert re.search(rf"^  {var.name} +\S", text, re.M), var.name


def test_smoke_help_lists_exit_codes_and_the_variables_smoke_reads(
    repo_root: Path,
) -> None:
    out = subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "post_smoke_record.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for code in SmokeExit:
        assert f"  {int(code)}  {code.label}: {code.summary}" in out
    smoke_vars = [v.name for v in ENV_VARS if Reader.SMOKE in v.read_by]
    assert smoke_vars
    for var in ENV_VARS:
        assert (f"  {var.name} " in out) == (var.name in smoke_vars), var.name


def test_every_variable_the_docs_name_is_registered(repo_root: Path) -> None:
    registered = {v.name for v in ENV_VARS}
    named = {
        (doc, name)
        for doc in DOCUMENTS
        for name in VARIABLE.findall((repo_root / doc).read_text(encoding="utf-8"))
    }
    stale = sorted((doc, name) for doc, name in named if name not in registered)
    assert not stale, f"docs name variables the code does not have: {stale}"
