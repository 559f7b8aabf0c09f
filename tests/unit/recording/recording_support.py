"""Helpers for the recording tests: record SDK traffic against an in-process sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from imednet import ImednetSDK

from imednet_live.recording import cassettes
from imednet_live.recording.layout import RECORDING_DIR_NAME, write_manifest
from imednet_live.recording.scrub import Scrubber
from imednet_live.sandbox import SandboxHandle

KEY = b"test-key-never-written"


def sdk_for(sb: SandboxHandle) -> ImednetSDK:
    return ImednetSDK(api_key=sb.api_key, security_key=sb.security_key, base_url=sb.base_url)


def record(
    reports: Path, session: str, sb: SandboxHandle, work: Callable[[ImednetSDK], Any]
) -> tuple[Path, Any]:
    """Run ``work`` against ``sb`` while recording into reports/<session>/recording/."""
    directory = reports / session / RECORDING_DIR_NAME
    directory.mkdir(parents=True, exist_ok=True)
    scrubber = Scrubber(key=KEY, secrets=(sb.api_key, sb.security_key))
    with cassettes.recording(directory, scrubber), sdk_for(sb) as sdk:
        result = work(sdk)
    write_manifest(directory, session=session, target_kind="sandbox")
    return directory, result


def as_recorded(answers: dict[str, Any]) -> dict[str, Any]:
    """``list_everything`` answers as a replay sees them: subject keys pseudonymised."""
    scrubber = Scrubber(key=KEY)
    subjects = sorted(scrubber.pseudonym("subj", k) for k in answers["subjects"])
    return {**answers, "subjects": subjects}


def list_everything(sdk: ImednetSDK) -> dict[str, Any]:
    study = sdk.studies.list()[0].study_key
    return {
        "studies": [s.study_key for s in sdk.studies.list()],
        "sites": [s.site_name for s in sdk.sites.list(study)],
        "subjects": sorted(s.subject_key for s in sdk.subjects.list(study)),
        "forms": [f.form_key for f in sdk.forms.list(study)],
        "intervals": [i.interval_name for i in sdk.intervals.list(study)],
        "variables": len(sdk.variables.list(study)),
        "records": len(sdk.records.list(study)),
    }
