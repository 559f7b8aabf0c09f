"""A sandbox seeded from a recording serves the recorded lists and accepts writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from recording_support import as_recorded, list_everything, record, sdk_for

from imednet_live import sandbox
from imednet_live.discovery.record_data import value_for_type
from imednet_live.sandbox.options import SandboxConfigError


def test_seeded_sandbox_serves_the_recorded_study_and_accepts_a_write(tmp_path: Path) -> None:
    with sandbox.running() as sb:
        _, answers = record(tmp_path, "smoke", sb, list_everything)
    recorded = as_recorded(answers)  # subject keys scrubbed as recorded
    with sandbox.running(seed_from=tmp_path) as seeded, sdk_for(seeded) as sdk:
        assert list_everything(sdk) == recorded
        study = recorded["studies"][0]
        subject = next(s for s in sdk.subjects.list(study) if not s.deleted)
        form = next(f for f in sdk.forms.list(study) if f.subject_record_report and not f.disabled)
        variables = [v for v in sdk.variables.list(study) if v.form_key == form.form_key]
        data = {
            v.variable_name: value
            for v in variables
            if (value := value_for_type(v.variable_type)) is not None
        }
        assert data, f"form {form.form_key} has no variable the harness can fill"
        job = sdk.records.create(
            study, [{"formKey": form.form_key, "subjectKey": subject.subject_key, "data": data}]
        )
        status = sdk.poll_job(study, job.batch_id, interval=0.05, timeout=30)
        assert status.state.upper() == "COMPLETED"
        assert len(sdk.records.list(study)) == recorded["records"] + 1


def test_seed_from_a_missing_directory_is_a_one_line_error(tmp_path: Path) -> None:
    with (
        pytest.raises(
            SandboxConfigError, match=r"^--seed-from: recording directory .* does not exist"
        ),
        sandbox.running(seed_from=tmp_path / "nope"),
    ):
        pass
