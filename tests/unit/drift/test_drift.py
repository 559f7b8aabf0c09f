"""Drift end to end offline: the drift scenario's four changes, each found once; baseline update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from recording_support import list_everything, record

from imednet_live import sandbox
from imednet_live.drift.__main__ import main
from imednet_live.sandbox.scenarios import (
    DRIFT_ADDED_FIELD,
    DRIFT_MISSING_FIELD,
    DRIFT_NEW_STATUS,
)

SHARED_SPEC = Path(__file__).resolve().parents[4] / "shared" / "imednet-api" / "mednet.yaml"


def _findings(reports: Path, source: str = "baseline") -> list[tuple[str, str, str, str | None]]:
    data = json.loads((reports / "drift.json").read_text())
    return sorted(
        (f["kind"], f["endpoint"], f["path"], f["observed"])
        for f in data["findings"]
        if f["source"] == source
    )


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    default, drift = tmp_path_factory.mktemp("default"), tmp_path_factory.mktemp("drift")
    for reports, scenario in ((default, "default"), (drift, "drift")):
        with sandbox.running(scenario=scenario) as sb:
            record(reports, "live-readonly-core", sb, list_everything)
    return default, drift


def test_each_change_of_the_drift_scenario_is_reported_once(
    recordings: tuple[Path, Path], tmp_path: Path
) -> None:
    default, drift = recordings
    baseline = tmp_path / "baseline.json"
    assert main([str(default), "--baseline", str(baseline), "--update-baseline"]) == 0
    assert main([str(default), "--baseline", str(baseline)]) == 0
    assert _findings(default) == []  # the sandbox agrees with itself
    assert main([str(drift), "--baseline", str(baseline)]) == 0
    study = "/studies/{studyKey}"
    assert _findings(drift) == [
        ("added-field", f"{study}/sites", f"$.data[*].{DRIFT_ADDED_FIELD}", "string"),
        ("missing-field", f"{study}/intervals", f"$.data[*].{DRIFT_MISSING_FIELD}", None),
        ("new-enum-value", f"{study}/subjects", "$.data[*].subjectStatus", DRIFT_NEW_STATUS),
        ("type-change", "/studies", "$.data[*].studyId", "string"),
    ]
    # The SDK's models never declared the new field: seen before coercion, not ignored.
    assert ("added-field", "/studies/{studyKey}/sites", f"$.data[*].{DRIFT_ADDED_FIELD}",
            "string") in _findings(drift, "sdk-models")  # fmt: skip
    markdown = (drift / "drift.md").read_text()
    assert DRIFT_ADDED_FIELD in markdown
    assert "| kind | endpoint | path |" in markdown

    assert main([str(drift), "--baseline", str(baseline), "--update-baseline"]) == 0
    assert main([str(drift), "--baseline", str(baseline)]) == 0
    assert _findings(drift) == []  # accepted: silenced


def test_fail_on_turns_a_kind_red(recordings: tuple[Path, Path], tmp_path: Path) -> None:
    default, drift = recordings
    baseline = tmp_path / "baseline.json"
    main([str(default), "--baseline", str(baseline), "--update-baseline"])
    assert main([str(drift), "--baseline", str(baseline), "--fail-on", "missing-field"]) == 1
    assert main([str(drift), "--baseline", str(baseline), "--fail-on", "shape-change"]) == 0


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="../shared/imednet-api is absent")
def test_the_spec_is_a_source(recordings: tuple[Path, Path]) -> None:
    _, drift = recordings
    assert main([str(drift), "--spec", str(SHARED_SPEC)]) == 0
    spec = _findings(drift, "spec")
    assert ("added-field", "/studies/{studyKey}/sites", f"$.data[*].{DRIFT_ADDED_FIELD}",
            "string") in spec  # fmt: skip


def test_bad_input_is_one_line(
    recordings: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    default, _ = recordings
    not_spec = tmp_path / "spec.yaml"
    not_spec.write_text("just: [a, list")
    assert main([str(default), "--spec", str(not_spec)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"--spec {not_spec} is not a readable OpenAPI document" in err
    assert main([str(tmp_path / "none")]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as excinfo:
        main([str(default), "--fail-on", "nonsense"])
    assert excinfo.value.code == 2


def test_the_shipped_baseline_covers_every_collection_the_suite_reads() -> None:
    from imednet_live.drift.sources import DEFAULT_BASELINE, MODEL_NAMES, load_baseline

    baseline = load_baseline(DEFAULT_BASELINE)
    collections = {[s for s in e.split("/") if s and "{" not in s][-1] for e in baseline}
    assert set(MODEL_NAMES) == collections
    assert "$.data[*].subjectStatus" in baseline["/studies/{studyKey}/subjects"]
