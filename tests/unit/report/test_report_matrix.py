"""The merge: cells, their worst-first status, row order, and input errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_support import outcome, write_session

from imednet_live.charter.markers import RESOURCES
from imednet_live.report.merge import CellStatus, ReportInputError, load_matrix


def test_cells_take_the_worst_status_and_count_everything(tmp_path: Path) -> None:
    write_session(
        tmp_path,
        "live-core",
        [
            outcome("a", "sites"),
            outcome("b", "sites", "failed", message="HTTP 500"),
            outcome("c", "studies"),
            outcome("d", "studies", "skipped", category="dependency-missing"),
            outcome("e", "export.csv", "skipped", category="dependency-missing"),
            outcome("f", "users", "skipped", category="unclassified", expected=False),
            outcome("g", "jobs", "passed", expected=False),
            outcome("h", "forms", "error", message="fixture broke"),
        ],
    )
    matrix = load_matrix(tmp_path)
    status = {r: matrix.cell(r, "live-core").status for r in matrix.resources}
    assert status["sites"] == CellStatus.FAIL
    assert status["forms"] == CellStatus.FAIL
    assert status["studies"] == CellStatus.PASS
    assert status["export.csv"] == CellStatus.EXPECTED_SKIP
    assert status["users"] == CellStatus.UNEXPECTED_SKIP
    assert status["jobs"] == CellStatus.UNEXPECTED_SKIP  # ran when it should have skipped
    assert status["codings"] == CellStatus.EMPTY
    assert matrix.cell("sites", "live-core").label() == "1 pass · 1 fail"
    assert [t.message for t in matrix.cell("sites", "live-core").notable] == ["HTTP 500"]


def test_rows_follow_the_charter_then_extras_and_sessions_sort(tmp_path: Path) -> None:
    write_session(tmp_path, "b-session", [outcome("x", "zz.custom"), outcome("y", None)])
    write_session(tmp_path, "a-session", [outcome("z", "sites")])
    matrix = load_matrix(tmp_path)
    assert matrix.resources[: len(RESOURCES)] == list(RESOURCES)
    assert matrix.resources[len(RESOURCES) :] == ["(no resource marker)", "zz.custom"]
    assert [s.session for s in matrix.sessions] == ["a-session", "b-session"]


def test_no_outcomes_at_all_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(ReportInputError, match=r"no .*/\*/outcomes\.json found"):
        load_matrix(tmp_path)


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        ("{not json", "Invalid JSON"),
        ('{"session": "x"}', "profile: Field required"),
        ("", "Invalid JSON"),
    ],
)
def test_corrupt_outcomes_name_the_file(tmp_path: Path, content: str, detail: str) -> None:
    write_session(tmp_path, "good", [outcome("a", "sites")])
    bad = tmp_path / "bad" / "outcomes.json"
    bad.parent.mkdir()
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ReportInputError) as info:
        load_matrix(tmp_path)
    assert str(bad) in str(info.value)
    assert detail in str(info.value)
    assert "\n" not in str(info.value)


def test_repeated_session_names_stand_side_by_side_by_sdk_build(tmp_path: Path) -> None:
    """The same session run against two SDK builds: two columns, told apart by version."""
    for folder, version in (("old", "0.5.0"), ("new", "0.8.0")):
        path = write_session(tmp_path, folder, [outcome("a", "sites")], sdk_version=version)
        data = path.read_text(encoding="utf-8").replace(f'"{folder}"', '"live-readonly-core"')
        path.write_text(data, encoding="utf-8")
    matrix = load_matrix(tmp_path)
    assert [c.key for c in matrix.columns] == [
        "live-readonly-core [imednet 0.5.0]",
        "live-readonly-core [imednet 0.8.0]",
    ]
    assert all(matrix.cell("sites", c.key).status == CellStatus.PASS for c in matrix.columns)


def test_identical_sessions_are_told_apart_by_folder(tmp_path: Path) -> None:
    write_session(tmp_path, "one", [outcome("a", "sites")])
    copy = tmp_path / "two" / "outcomes.json"
    copy.parent.mkdir()
    copy.write_text((tmp_path / "one" / "outcomes.json").read_text(), encoding="utf-8")
    matrix = load_matrix(tmp_path)
    assert [c.key for c in matrix.columns] == [
        "one [imednet unknown] (one)",
        "one [imednet unknown] (two)",
    ]


def test_columns_follow_the_matrix_order_of_profiles(tmp_path: Path) -> None:
    for name, profile in (
        ("live-mutating", "mutating"),
        ("live-readonly-airflow", "airflow"),
        ("live-readonly-core", "core"),
        ("live-readonly-exports", "exports"),
        ("adhoc", None),
    ):
        write_session(tmp_path, name, [outcome("a", "sites")], profile=profile)
    assert [c.key for c in load_matrix(tmp_path).columns] == [
        "live-readonly-core",
        "live-readonly-exports",
        "live-readonly-airflow",
        "live-mutating",
        "adhoc",
    ]
