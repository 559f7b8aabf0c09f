"""The SDK's own CLI (typer) and export helpers against a running sandbox."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from imednet_live.sandbox import SandboxHandle, seed
from imednet_live.sandbox.backend import ListQuery
from imednet_live.sandbox.seed import STUDY_KEY


@pytest.fixture
def invoke(sandbox_default: SandboxHandle) -> Callable[..., Any]:
    from imednet.cli import app

    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(app, list(args), env=sandbox_default.env)
        assert sandbox_default.api_key not in result.output
        assert sandbox_default.security_key not in result.output
        return result

    return run


def test_studies_list(invoke: Callable[..., Any]) -> None:
    result = invoke("studies", "list")
    assert result.exit_code == 0, result.output
    assert STUDY_KEY in result.output
    assert seed.SECOND_STUDY_KEY in result.output


def test_sites_list(invoke: Callable[..., Any]) -> None:
    result = invoke("sites", "list", STUDY_KEY)
    assert result.exit_code == 0, result.output
    assert "Minneapolis" in result.output


def test_subjects_list_with_filter(invoke: Callable[..., Any]) -> None:
    result = invoke("subjects", "list", STUDY_KEY, "-f", "subject_status=Screened")
    assert result.exit_code == 0, result.output
    assert seed.SUBJECT_SCREENED[1] in result.output
    assert seed.SUBJECT_ENROLLED[1] not in result.output


def test_records_list_json(
    invoke: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("records", "list", STUDY_KEY, "-o", "json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "records.json").read_text().count('"recordId"') >= 10


def test_unknown_study_is_an_api_error(invoke: Callable[..., Any]) -> None:
    result = invoke("sites", "list", "NO-SUCH-STUDY")
    assert result.exit_code == 1
    assert "403" in result.output


def test_export_to_csv(
    sandbox_default: SandboxHandle, make_sdk: Callable[..., Any], tmp_path: Path
) -> None:
    pytest.importorskip("pandas")
    from imednet.integrations.export import export_to_csv

    out = tmp_path / "records.csv"
    export_to_csv(make_sdk(sandbox_default), STUDY_KEY, str(out))
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = sandbox_default.backend.items(STUDY_KEY, "records", ListQuery())
    assert len(rows) == len(expected)
    assert {"recordId", "subjectKey", "AGE", "AETERM"} <= set(rows[0])
    assert "Bronchitis" in {r["AETERM"] for r in rows}
