"""New live test code cannot leak: a throwaway module full of personal data, run for real.

The module is what anyone may write tomorrow, with no guard of its own: it reads records
and subjects from a study of canaries (``canary_server``, a live target), then fails
with the model in its assertion, ``print()``s it to stdout and stderr, logs it at
WARNING (its own logger and the SDK's), raises naming a subject key and an enrolment
date, records it as a JUnit property, warns with it, and prints it past pytest's capture.
One real pytest run (the live plugins, ``-l``, ``-rA``, live logging, JUnit, recording)
is shared by every check; no canary may be in any byte it leaves, console included.
Nothing here runs the noxfile's sweep: the boundary alone keeps the promise.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import canary_server
import pytest

from imednet_live.recording import personal
from imednet_live.recording.layout import RECORDING_DIR_NAME

API_KEY = "boundary-api-key-5c2e"
SECURITY_KEY = "boundary-sec-key-81fa"
SESSION = "boundary-live"

THROWAWAY = """
import logging
import os
import sys
import warnings

from imednet_live.core.settings import Settings
from imednet_live.sdk import compat as sdk_compat

log = logging.getLogger("throwaway")
sdk_log = logging.getLogger("imednet.throwaway")


def _read():
    with sdk_compat.open_sync(Settings.from_env(os.environ).sdk_kwargs()) as sdk:
        study = sdk.studies.list()[0].study_key
        return sdk.records.list(study), sdk.subjects.list(study)


def test_assert_with_the_model():
    records, subjects = _read()
    record = records[0]
    assert record.record_id == -1, record


def test_print_log_and_fail():
    records, subjects = _read()
    print("subjects:", subjects)
    print("on stderr:", subjects[0].subject_key, subjects[0].enrollment_start_date,
          file=sys.stderr)
    log.warning("record %r of %s", records[0], subjects[0].subject_key)
    assert not subjects


def test_raise_naming_a_subject_and_a_date():
    _records, subjects = _read()
    subject = subjects[0]
    raise RuntimeError(f"subject {subject.subject_key} enrolled {subject.enrollment_start_date}")


def test_passes_but_leaves_traces(record_property, capsys):
    records, subjects = _read()
    record_property("subject", subjects[0].subject_key)
    warnings.warn(f"odd subject {subjects[0].subject_key}: {records[0].record_data}")
    sdk_log.warning("SDK saw %s born %s", subjects[0].subject_key, records[0].record_data)
    with capsys.disabled():
        print("straight to the terminal:", subjects[0], records[0].record_data)
"""

PYTEST_INI = """[pytest]
addopts = -p no:anyio -p imednet_live.charter.plugin -p imednet_live.recording.pytest_hooks
"""


@dataclass
class Run:
    returncode: int
    console: str
    files: dict[str, str]  # path under the run's root -> text
    spellings: dict[str, str]  # each canary as text may carry it -> the field that held it
    seen: int  # personal values the run's processes left for the leak scan


def canary_spellings(canaries: canary_server.Canaries, shifted: set[str]) -> dict[str, str]:
    """Every canary value and day (ISO and as ``datetime(...)`` prints it), except days that
    are some subject's *shifted* day: the pseudonym of one canary may equal another's day."""
    found = dict(canaries.values)
    for day, where in canaries.days.items():
        if day in shifted:
            continue
        y, m, d = (int(p) for p in day.split("-"))
        found[day] = where
        found[f"{y}, {m}, {d}"] = where
    return found


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("boundary")
    suite = root / "live"
    suite.mkdir()
    (suite / "test_throwaway.py").write_text(THROWAWAY, encoding="utf-8")
    (suite / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    reports = root / "reports" / SESSION
    reports.mkdir(parents=True)
    folder = tmp_path_factory.mktemp("personal")  # outside the run's root, as nox does
    with canary_server.running() as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IMEDNET_", "PYTEST_"))}
        env.update(
            IMEDNET_API_KEY=API_KEY,
            IMEDNET_SECURITY_KEY=SECURITY_KEY,
            IMEDNET_BASE_URL=server.base_url,
            IMEDNET_LIVE_TARGET_KIND="live",
            IMEDNET_RUN_E2E="1",
            IMEDNET_LIVE_SESSION=SESSION,
            IMEDNET_LIVE_REPORT_DIR=str(reports),
            IMEDNET_LIVE_RECORD="1",
            IMEDNET_LIVE_RECORDING_DIR=str(reports / RECORDING_DIR_NAME),
            IMEDNET_LIVE_RECORD_KEY="boundary-run-key",
            IMEDNET_LIVE_PERSONAL_DIR=str(folder),
            IMEDNET_LIVE_CACHE_DIR=str(root / "cache"),
            PYTHONDONTWRITEBYTECODE="1",
        )
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
             "-l", "-rA", "-o", "log_cli=true", "--log-cli-level=WARNING",
             f"--junitxml={reports / 'junit.xml'}"],
            cwd=suite, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        canaries = server.canaries
    seen = personal.load(folder)
    shutil.rmtree(folder)
    files = {
        str(p.relative_to(root)): p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(root.rglob("*"))
        if p.is_file() and suite not in p.parents
    }
    return Run(
        done.returncode,
        done.stdout + done.stderr,
        files,
        canary_spellings(canaries, set(seen.dates.values())),
        len(seen.personal),
    )


def hits(text: str, spellings: dict[str, str]) -> list[str]:
    return sorted({where for value, where in spellings.items() if value in text})


def test_the_run_fails_as_written_and_leaves_every_artifact(run: Run) -> None:
    assert run.returncode == 1, run.console[-3000:]
    assert re.search(r"3 failed, 1 passed", run.console), run.console[-3000:]
    names = {Path(p).name for p in run.files}
    assert {"outcomes.json", "junit.xml", "warnings.log", "sdk.log"} <= names, names
    assert any(name.endswith(".cassette.json") for name in names), names
    assert run.seen, "the run left no personal value: the tap or its dump is off"


def test_no_canary_reaches_the_console(run: Run) -> None:
    assert hits(run.console, run.spellings) == []
    # What the test printed is there, pseudonymised: scrubbed, not lost.
    assert "straight to the terminal:" in run.console
    assert "RuntimeError: subject subj-" in run.console
    assert "live log call" in run.console


def test_no_canary_reaches_any_file(run: Run) -> None:
    leaked = {path: hits(text, run.spellings) for path, text in run.files.items()}
    assert {path: where for path, where in leaked.items() if where} == {}


def test_the_failures_still_say_what_failed(run: Run) -> None:
    outcomes = json.loads(next(t for p, t in run.files.items() if p.endswith("outcomes.json")))
    failed = {t["nodeid"].split("::")[-1] for t in outcomes["tests"] if t["outcome"] == "failed"}
    assert failed == {
        "test_assert_with_the_model",
        "test_print_log_and_fail",
        "test_raise_naming_a_subject_and_a_date",
    }
    junit = next(t for p, t in run.files.items() if p.endswith("junit.xml"))
    assert 'name="subject" value="subj-' in junit
    assert "subj-" in next(t for p, t in run.files.items() if p.endswith("sdk.log"))
    warned = next(t for p, t in run.files.items() if p.endswith("warnings.log"))
    assert "odd subject subj-" in warned
