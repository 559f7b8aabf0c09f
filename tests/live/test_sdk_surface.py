"""One contract test per declared SDK surface change (``imednet_live.sdk.surface_changes``).

Each asserts the surface as user code written for 0.5.0 relies on it. Where the build
under test has the change, the plugin expects the failure (``sdk_surface_change``) and the
report lists it once under "SDK surface changes in this build"; every other live test
adapts through ``sdk.compat``. Where the build lacks the change, the test must pass.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from live_checks import JOB_TIMEOUT_S, POLL_INTERVAL_S, run_async, tagged_data, wait_finished

from imednet_live.discovery.rules import FormRef, sample_record_data
from imednet_live.sdk import compat as sdk_compat
from imednet_live.sdk import surface_check, surface_snapshot

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import AsyncImednetSDK, ImednetSDK

pytestmark = pytest.mark.resource("sdk.surface")


def test_no_undeclared_surface_change() -> None:
    """The session's pre-flight check (sdk/surface_check.py), as a test: against the
    nearest committed snapshot, every difference in endpoints, signatures, return kinds
    and model fields is a declared change or a known defect of this build (else it fails
    as ``sdk-surface-change``, naming each member); against its own snapshot (if
    committed), none at all, declared or not."""
    result = surface_check.check_installed()
    assert result.problem is None, result.status()
    result.raise_if_undeclared()
    current = surface_snapshot.take_installed()
    own = next((s for s in surface_snapshot.load_all() if s["version"] == current["version"]), None)
    if own is not None:
        stale = surface_snapshot.diff(own, current)
        assert not stale, (
            f"imednet {current['version']} differs from its committed snapshot "
            f"(scripts/snapshot_sdk_surface.py): {stale}"
        )


@pytest.mark.sdk_surface_change("sync_async_split")
def test_sync_endpoints_have_async_methods(sdk: ImednetSDK) -> None:
    assert callable(getattr(sdk.records, "async_list", None)), "sdk.records has no async_list"


@pytest.mark.sdk_surface_change("list_by_attribute")
def test_endpoints_have_list_by_attribute(sdk: ImednetSDK) -> None:
    found = getattr(sdk.sites, "list_by_attribute", None)
    assert callable(found), "sdk.sites has no list_by_attribute"


@pytest.mark.sdk_defect(known="record_keywords")
def test_record_model_has_keywords() -> None:
    """The API spec lists ``keywords`` on a record; a model without it drops them."""
    from imednet.models import Record

    assert "keywords" in Record.model_fields, "Record has no keywords field"


@pytest.mark.sdk_surface_change("workflows_package")
def test_workflows_are_part_of_imednet() -> None:
    assert importlib.util.find_spec("imednet.workflows") is not None, "no imednet.workflows"


@pytest.mark.sdk_surface_change("airflow_package")
def test_airflow_integration_is_part_of_imednet() -> None:
    found = importlib.util.find_spec("imednet.integrations.airflow")
    assert found is not None, "no imednet.integrations.airflow"


@pytest.mark.sdk_surface_change("lazy_listings")
def test_list_returns_a_list(sdk: ImednetSDK) -> None:
    studies = sdk.studies.list()
    assert isinstance(studies, list), f"studies.list() returned {type(studies).__name__}"
    assert len(studies) >= 1
    assert studies[0] is studies[:1][0]


@pytest.mark.sdk_surface_change("async_dispatch")
def test_async_endpoints_have_async_list(async_sdk: AsyncImednetSDK) -> None:
    studies = run_async(async_sdk, async_sdk.studies.async_list())
    assert isinstance(studies, list), f"async_list() returned {type(studies).__name__}"


@pytest.mark.sdk_surface_change("cli_argparse")
@pytest.mark.dependency_break("cli_click_8_2")
def test_cli_app_runs_under_click_runner() -> None:
    from typer.testing import CliRunner

    app = sdk_compat.cli_entry()
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.mark.sdk_surface_change("register_subject_key")
def test_register_subject_request_carries_subject_key() -> None:
    from imednet.models import RegisterSubjectRequest

    request = RegisterSubjectRequest(form_key="F", site_name="S", subject_key="K")
    dumped = request.model_dump(by_alias=True)
    assert dumped.get("subjectKey") == "K", f"RegisterSubjectRequest dropped subjectKey: {dumped}"


@pytest.mark.sdk_surface_change("export_json_rows")
@pytest.mark.requires_package("pandas")
@pytest.mark.requires_sdk("record_export")
def test_export_to_json_writes_columns(sdk: ImednetSDK, study_key: str, tmp_path: Path) -> None:
    from imednet.integrations.export import export_to_json

    path = tmp_path / "out.json"
    export_to_json(sdk, study_key, str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"export_to_json wrote a {type(data).__name__}, not columns"
    assert all(isinstance(column, dict) for column in data.values())


@pytest.mark.sdk_surface_change("job_failed_message")
@pytest.mark.requires_sdk("job_poller")
@pytest.mark.mutating
def test_poll_job_says_job_failed(
    sdk: ImednetSDK, study_key: str, form: FormRef, write_tag: str
) -> None:
    data = tagged_data(sample_record_data(form), form, study_key, write_tag)
    missing = f"missing-{write_tag}"
    job = sdk.records.create(
        study_key, [{"formKey": form.form_key, "subjectKey": missing, "data": data}]
    )
    assert job.batch_id, f"records.create returned no batchId: {job!r}"
    wait_finished(sdk, study_key, job.batch_id)
    poll: Callable[..., object] = sdk.poll_job
    with pytest.raises(sdk_compat.job_failed_error(), match=f"Job {job.batch_id} failed"):
        poll(study_key, job.batch_id, interval=POLL_INTERVAL_S, timeout=JOB_TIMEOUT_S)
