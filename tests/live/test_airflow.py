"""The Airflow integration for real: a hook from an ``AIRFLOW_CONN_*`` connection, the export
operator inside ``dag.test()`` on a migrated SQLite metadata DB, and the job sensor on
real batches. ``xdist_group`` keeps all of them on one worker, so Airflow starts once a
session; only the ``dag.test()`` tests ask for the database at all, a copy of the venv's
migrated template (``prepare_airflow_db``).

Airflow reads its configuration when first imported, so every test imports it inside
the test body, after the session fixture has set the environment.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from export_checks import expected_columns, read_export, study_variable_names
from live_checks import JOB_TIMEOUT_S, POLL_INTERVAL_S, assert_snapshot, tagged_data, wait_finished
from study_size import require_walkable

from imednet_live.core.settings import Settings
from imednet_live.discovery.rules import FormRef, SubjectRef, sample_record_data
from imednet_live.live.support import (
    SecretEnv,
    airflow_environment,
    prepare_airflow_db,
)
from imednet_live.live.support import write_tag as new_write_tag
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK

pytestmark = [pytest.mark.requires_package("airflow")]
# One group, one worker: Airflow's start-up (importing it, its ORM and, in the first
# dag.test(), the in-process execution API) is 5-9 s of CPU in each process that runs an
# Airflow test, and after it the hook tests take 0.01 s. As a second group the hook tests
# paid that start-up again on another worker (2-7 s of the mutating session's CPU).
AIRFLOW_GROUP = pytest.mark.xdist_group("airflow")

EXPORT_DAG = '''\
"""Written by tests/live/test_airflow.py for one dag.test() run."""
from datetime import datetime

from airflow.sdk import DAG
from {package} import ImednetExportOperator

with DAG({dag_id!r}, start_date=datetime(2024, 1, 1), schedule=None, catchup=False) as dag:
    ImednetExportOperator(
        task_id="export",
        study_key={study_key!r},
        output_path={output_path!r},
        export_func="export_to_csv",
    )
'''

SENSOR_DAG = '''\
"""Written by tests/live/test_airflow.py for one dag.test() run."""
from datetime import datetime

from airflow.sdk import DAG
from {package} import ImednetJobSensor

with DAG({dag_id!r}, start_date=datetime(2024, 1, 1), schedule=None, catchup=False) as dag:
    ImednetJobSensor(
        task_id="wait_for_job",
        study_key={study_key!r},
        batch_id={batch_id!r},
        poke_interval={poke_interval!r},
        timeout={timeout!r},
        mode="poke",
    )
'''


@pytest.fixture(scope="session")
def airflow_home(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """A private AIRFLOW_HOME whose variables are set before airflow is first imported.

    Enough for hooks and sensors (a connection from AIRFLOW_CONN_* needs no database).
    When writes are allowed, the sensor tests' jobs are submitted first, so they run while
    Airflow is imported and its database migrates.
    """
    if settings.allow_mutation:
        with contextlib.suppress(pytest.skip.Exception):  # the sensor tests skip on their own
            request.getfixturevalue("sensor_batches")
    assert "airflow" not in sys.modules, (
        "airflow was imported before the live suite configured AIRFLOW_HOME; "
        "its configuration would point at the wrong home"
    )
    home = tmp_path_factory.mktemp("airflow-home")
    env = SecretEnv(airflow_environment(home, settings))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        yield home


@pytest.fixture(scope="session")
def airflow_db(airflow_home: Path, settings: Settings) -> Path:
    """The same home with a migrated SQLite metadata DB, which ``dag.test()`` needs."""
    prepare_airflow_db(airflow_home, settings)
    return airflow_home


def _run_dag(home: Path, dag_id: str, source: str) -> Any:
    """Write the DAG into the dags folder, import it from there and run ``dag.test()``."""
    path = home / "dags" / f"{dag_id}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(dag_id, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag.test()


def _task_states(run: Any) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in run.get_task_instances()}


@pytest.mark.resource("airflow.hook")
@AIRFLOW_GROUP
def test_hook_builds_sdk_from_connection(
    airflow_home: Path, settings: Settings, study_key: str
) -> None:
    from imednet import ImednetSDK

    sdk = sdk_compat.airflow_integration().ImednetHook().get_conn()
    try:
        assert isinstance(sdk, ImednetSDK)
        assert sdk.config.base_url == settings.base_url
        assert study_key in {s.study_key for s in sdk.studies.list()}
    finally:
        sdk.close()


@pytest.mark.resource("airflow.hook")
@AIRFLOW_GROUP
def test_hook_with_unknown_connection_id_fails(airflow_home: Path) -> None:
    from airflow.exceptions import AirflowNotFoundException

    hook = sdk_compat.airflow_integration().ImednetHook
    with pytest.raises(AirflowNotFoundException, match="imednet_missing"):
        hook("imednet_missing").get_conn()


@pytest.mark.resource("airflow.operator")
@pytest.mark.requires_package("airflow", "pandas")
@pytest.mark.sdk_defect(known="export_quality_gate")
@AIRFLOW_GROUP
def test_export_operator_in_dag_test(
    airflow_db: Path,
    sdk: ImednetSDK,
    settings: Settings,
    study_key: str,
    form: FormRef,
    write_tag: str,
    tmp_path: Path,
) -> None:
    reader = "ImednetExportOperator(export_to_csv)"
    require_walkable(sdk, settings, study_key, "records", "records", reader)
    columns = expected_columns(study_variable_names(sdk, study_key))
    before = sdk.records.list(study_key)
    output = tmp_path / "records.csv"
    dag_id = f"imednet_export_{write_tag}"
    source = EXPORT_DAG.format(
        package=sdk_compat.airflow_package(),
        dag_id=dag_id,
        study_key=study_key,
        output_path=str(output),
    )

    run = _run_dag(airflow_db, dag_id, source)

    assert str(run.state) == "success", f"dag.test() ended {run.state}: {_task_states(run)}"
    table = read_export("csv", output)
    assert list(table.columns) == columns
    after = sdk.records.list(study_key)
    assert_snapshot(
        table.record_ids(),
        (r.record_id for r in before),
        (r.record_id for r in after),
        "operator CSV",
    )


@pytest.fixture(scope="session")
def sensor_batches(
    settings: Settings, study_key: str, form: FormRef, write_subject: SubjectRef
) -> dict[str, str]:
    """Both sensor tests' jobs, submitted together before Airflow's database migration.

    Requested first by the sensor tests, so the jobs run while the database migrates and
    while each other runs: on a server whose jobs take a minute, the Airflow group (one
    xdist worker) then waits about one job's time, not two.
    """
    tag = new_write_tag()
    data = tagged_data(sample_record_data(form), form, study_key, tag)
    with sdk_compat.open_sync(settings.sdk_kwargs()) as client:
        completed = client.records.create(
            study_key,
            [{"formKey": form.form_key, "subjectKey": write_subject.subject_key, "data": data}],
        )
        failed = client.records.create(
            study_key,
            [{"formKey": form.form_key, "subjectKey": f"missing-{tag}", "data": data}],
        )
    assert completed.batch_id, f"records.create returned no batchId: {completed!r}"
    assert failed.batch_id, f"records.create returned no batchId: {failed!r}"
    return {"completed": completed.batch_id, "failed": failed.batch_id}


@pytest.mark.resource("airflow.sensor")
@pytest.mark.mutating
@AIRFLOW_GROUP
def test_sensor_succeeds_on_completed_batch(
    sensor_batches: dict[str, str], airflow_db: Path, study_key: str, write_tag: str
) -> None:
    """The sensor itself waits: it may start while the job is still in flight."""
    dag_id = f"imednet_sensor_{write_tag}"
    source = SENSOR_DAG.format(
        package=sdk_compat.airflow_package(),
        dag_id=dag_id,
        study_key=study_key,
        batch_id=sensor_batches["completed"],
        poke_interval=POLL_INTERVAL_S,
        timeout=JOB_TIMEOUT_S,
    )
    run = _run_dag(airflow_db, dag_id, source)
    assert str(run.state) == "success", f"dag.test() ended {run.state}: {_task_states(run)}"
    assert _task_states(run) == {"wait_for_job": "success"}


@pytest.mark.resource("airflow.sensor")
@pytest.mark.mutating
@AIRFLOW_GROUP
def test_sensor_raises_on_failed_job(
    sensor_batches: dict[str, str], airflow_home: Path, sdk: ImednetSDK, study_key: str
) -> None:
    integration = sdk_compat.airflow_integration()
    sdk_operators = importlib.import_module(f"{integration.__name__}.operators")

    batch = sensor_batches["failed"]
    ended = wait_finished(sdk, study_key, batch)
    assert ended.state.upper() == "FAILED", f"job {batch} ended {ended.state!r}"
    failed = sdk_compat.job_failed_pattern(batch)  # the job really is FAILED
    with pytest.raises(sdk_compat.job_failed_error(), match=failed):
        sdk.poll_job(study_key, batch, interval=POLL_INTERVAL_S, timeout=JOB_TIMEOUT_S)

    sensor = integration.ImednetJobSensor(task_id="wait", study_key=study_key, batch_id=batch)
    with pytest.raises(Exception, match=f"Job {batch} ended in state FAILED") as raised:
        sensor.poke({})
    # The SDK raises the AirflowException its operators module exports; without the
    # amazon provider that name falls back to plain Exception (see docs/live-suite.md).
    assert type(raised.value) is sdk_operators.AirflowException
