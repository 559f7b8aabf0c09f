"""The whole live suite recorded against a study full of canaries: none reaches an artifact.

One recorded run against ``canary_server`` as a *live* target, then what the issue asks
of it: no canary in any file under reports/ or in the output, the drift report still
names the field the spec lacks, a replay reproduces every outcome, and a sandbox seeded
from the recording serves it. One test, so that ``-n auto`` never records twice.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import canary_server
import pytest

from imednet_live import sandbox
from imednet_live.recording import personal
from imednet_live.recording.layout import RECORDING_DIR_NAME, write_manifest

REPO_ROOT = Path(__file__).resolve().parents[3]
SESSION = "canary-live"
API_KEY = "canary-live-api-key-7d1f"
SECURITY_KEY = "canary-live-sec-key-93ab"


@dataclass
class Run:
    reports: Path  # the reports root
    output: str
    canaries: canary_server.Canaries
    sweep: personal.Sweep

    def outcomes(self, session_dir: Path) -> dict[str, str]:
        data = json.loads((session_dir / "outcomes.json").read_text(encoding="utf-8"))
        return {t["nodeid"]: t["outcome"] for t in data["tests"]}


def run_live(env: dict[str, str], report_dir: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("IMEDNET_", "PYTEST_"))}
    base.update(env, IMEDNET_RUN_E2E="1", IMEDNET_LIVE_REPORT_DIR=str(report_dir),
                IMEDNET_LIVE_SESSION=SESSION, PYTHONDONTWRITEBYTECODE="1",
                IMEDNET_LIVE_JOB_TIMEOUT="10",
                # As the noxfile passes the smoke's batch on; a replay then reads the same
                # job (without one, a live run skips and a replay would ask jobs.list).
                IMEDNET_LIVE_SMOKE_BATCH_ID="batch-1")  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2",
         "--dist", "loadgroup", f"--junitxml={report_dir / 'junit.xml'}"],
        cwd=REPO_ROOT / "tests" / "live", env=base, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    reports = tmp_path_factory.mktemp("reports")
    report_dir = reports / SESSION
    recording = report_dir / RECORDING_DIR_NAME
    recording.mkdir(parents=True)
    folder = tmp_path_factory.mktemp("personal")  # outside reports/, as the noxfile does
    with canary_server.running() as server:
        done = run_live(
            {
                "IMEDNET_API_KEY": API_KEY,
                "IMEDNET_SECURITY_KEY": SECURITY_KEY,
                "IMEDNET_BASE_URL": server.base_url,
                "IMEDNET_LIVE_TARGET_KIND": "live",
                "IMEDNET_ALLOW_MUTATION": "1",
                "IMEDNET_LIVE_RECORD": "1",
                "IMEDNET_LIVE_RECORDING_DIR": str(recording),
                "IMEDNET_LIVE_RECORD_KEY": "canary-run-key",
                "IMEDNET_LIVE_PERSONAL_DIR": str(folder),
                "IMEDNET_LIVE_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
            },
            report_dir,
        )
        write_manifest(recording, session=SESSION, target_kind="live")
        swept = personal.sweep(folder, report_dir, [API_KEY, SECURITY_KEY])
        yield Run(reports, done.stdout + done.stderr, server.canaries, swept)


def canary_spellings(canaries: canary_server.Canaries) -> dict[str, str]:
    """Each canary as text may carry it -> the field that held it."""
    found = dict(canaries.values)
    for day, where in canaries.days.items():
        y, m, d = (int(p) for p in day.split("-"))
        found[day] = where
        found[f"{y}, {m}, {d}"] = where  # datetime.date(...) in a failure message
    return found


def hits(text: str, spellings: dict[str, str]) -> list[str]:
    return sorted({where for value, where in spellings.items() if value in text})


def check_no_canary_reaches_any_report_file_or_the_output(run: Run) -> None:
    assert re.search(r"\d+ passed", run.output), run.output[-3000:]
    assert run.sweep.seen.personal, "the run saw no personal value: the tap is not on"
    assert run.sweep.leaks == []
    spellings = canary_spellings(run.canaries)
    files = [p for p in (run.reports / SESSION).rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"outcomes.json", "junit.xml", "sdk.log", "warnings.log"} <= names, names
    assert any(p.name.endswith(".cassette.json") for p in files)
    leaked = {str(p.relative_to(run.reports)): hits(p.read_text("utf-8", "replace"), spellings)
              for p in files}  # fmt: skip
    assert {p: w for p, w in leaked.items() if w} == {}
    assert hits(run.output, spellings) == []


def check_drift_still_lists_the_field_the_spec_lacks(run: Run, tmp_path: Path) -> None:
    tmp_path.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "imednet_live.drift", str(run.reports), "--out", str(tmp_path)]
    spec = REPO_ROOT.parent / "shared" / "imednet-api" / "mednet.yaml"
    if spec.is_file():
        args += ["--spec", str(spec)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    report = "\n".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("drift.*"))
    assert canary_server.UNKNOWN_FIELD in report, done.stdout + done.stderr
    assert hits(report, canary_spellings(run.canaries)) == []


def check_replay_reproduces_every_outcome(run: Run, tmp_path: Path) -> None:
    replay_dir = run.reports / "replay" / SESSION
    done = run_live(
        {
            "IMEDNET_API_KEY": "replay-api-key",
            "IMEDNET_SECURITY_KEY": "replay-security-key",
            "IMEDNET_BASE_URL": "https://replay.invalid",
            "IMEDNET_LIVE_TARGET_KIND": "replay",
            "IMEDNET_ALLOW_MUTATION": "1",
            "IMEDNET_REPLAY_DIR": str(run.reports),
            "IMEDNET_LIVE_RECORD_KEY": "canary-run-key",
            "IMEDNET_LIVE_CACHE_DIR": str(tmp_path / "cache"),
        },
        replay_dir,
    )
    recorded = run.outcomes(run.reports / SESSION)
    assert recorded
    assert run.outcomes(replay_dir) == recorded, done.stdout[-4000:]


def check_a_sandbox_seeded_from_the_recording_serves_it(run: Run) -> None:
    from imednet import ImednetSDK

    with (
        sandbox.running(seed_from=run.reports / SESSION) as seeded,
        ImednetSDK(
            api_key=seeded.api_key, security_key=seeded.security_key, base_url=seeded.base_url
        ) as sdk,
    ):
        study = sdk.studies.list()[0].study_key
        subjects: list[Any] = sdk.subjects.list(study)
        assert study == canary_server.STUDY
        assert [s.subject_key for s in subjects]
        assert all(s.subject_key.startswith("subj-") for s in subjects)
        assert len(sdk.variables.list(study)) == len(canary_server.VARIABLES)


def test_a_live_run_full_of_canaries_leaves_none_and_still_replays(
    run: Run, tmp_path: Path
) -> None:
    check_no_canary_reaches_any_report_file_or_the_output(run)
    check_drift_still_lists_the_field_the_spec_lacks(run, tmp_path / "drift")
    check_a_sandbox_seeded_from_the_recording_serves_it(run)
    check_replay_reproduces_every_outcome(run, tmp_path)  # last: it adds reports/replay/
