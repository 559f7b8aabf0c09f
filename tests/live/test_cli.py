"""The ``imednet`` CLI against the target, through ``typer.testing.CliRunner``.

Each command must exit 0 and name what discovery found (study key, a site name, the
subject key, ...) so a command that printed an empty table cannot pass. No output may
contain a credential.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from live_checks import assert_snapshot, run_cli
from study_size import export_forms, form_records, require_walkable

from imednet_live.charter.skips import first_or_skip
from imednet_live.core.redaction import redact
from imednet_live.core.settings import Settings
from imednet_live.discovery.rules import FormRef, IntervalRef, SiteRef, SubjectRef
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK

TERMINAL = re.compile(r"'state': '(COMPLETED|FAILED|CANCELLED)'", re.IGNORECASE)


def invoke(settings: Settings, env: dict[str, str], *args: str, cwd: Path | None = None) -> str:
    """Run one CLI command; fail with its (redacted) output unless it exits 0."""
    result = run_cli(settings, env, *args, cwd=cwd)
    assert result.exit_code == 0, (
        f"imednet {' '.join(args)} exited {result.exit_code}:\n"
        f"{redact(result.output, settings.secrets)}"
        + (f"\n{redact(repr(result.exception), settings.secrets)}" if result.exception else "")
    )
    return result.output


@pytest.mark.resource("cli")
def test_studies_list(settings: Settings, cli_env: dict[str, str], study_key: str) -> None:
    assert study_key in invoke(settings, cli_env, "studies", "list")


@pytest.mark.resource("cli")
def test_sites_list(
    settings: Settings, cli_env: dict[str, str], study_key: str, read_site: SiteRef
) -> None:
    assert read_site.site_name in invoke(settings, cli_env, "sites", "list", study_key)


@pytest.mark.resource("cli")
def test_subjects_list(
    settings: Settings,
    cli_env: dict[str, str],
    sdk: ImednetSDK,
    study_key: str,
    read_subject: SubjectRef,
) -> None:
    require_walkable(sdk, settings, study_key, "subjects", "subjects", "imednet subjects list")
    assert read_subject.subject_key in invoke(settings, cli_env, "subjects", "list", study_key)


@pytest.mark.resource("cli")
def test_subjects_list_filtered(
    settings: Settings, cli_env: dict[str, str], study_key: str, read_subject: SubjectRef
) -> None:
    key = read_subject.subject_key
    output = invoke(settings, cli_env, "subjects", "list", study_key, "-f", f"subject_key={key}")
    assert "Found 1 subjects" in output
    assert key in output


@pytest.mark.resource("cli")
def test_records_list(
    settings: Settings, cli_env: dict[str, str], sdk: ImednetSDK, study_key: str
) -> None:
    require_walkable(sdk, settings, study_key, "records", "records", "imednet records list")
    first = first_or_skip(sdk.records.list(study_key), "records", study_key)
    output = invoke(settings, cli_env, "records", "list", study_key)
    assert re.search(r"Found \d+ records", output), output
    assert first.form_key in output


@pytest.mark.resource("cli")
def test_records_list_to_json(
    settings: Settings, cli_env: dict[str, str], sdk: ImednetSDK, study_key: str, tmp_path: Path
) -> None:
    require_walkable(sdk, settings, study_key, "records", "records", "imednet records list")
    before = {r.record_id for r in sdk.records.list(study_key)}
    first_or_skip(sorted(before), "records", study_key)
    invoke(settings, cli_env, "records", "list", study_key, "-o", "json", cwd=tmp_path)
    written = list(tmp_path.glob("*/records.json"))
    assert len(written) == 1, f"records.json not written: {list(tmp_path.rglob('*'))}"
    rows = json.loads(written[0].read_text(encoding="utf-8"))
    assert all(row["studyKey"] == study_key for row in rows)
    missing = before - {row["recordId"] for row in rows}
    assert not missing, f"records.json lacks records {sorted(missing)}"


@pytest.mark.resource("cli")
def test_intervals_list(
    settings: Settings, cli_env: dict[str, str], study_key: str, interval: IntervalRef
) -> None:
    assert interval.interval_name in invoke(settings, cli_env, "intervals", "list", study_key)


@pytest.mark.resource("cli")
def test_variables_list(
    settings: Settings, cli_env: dict[str, str], study_key: str, form: FormRef
) -> None:
    name = first_or_skip(
        [v.name for v in form.variables], f"variables on form {form.form_key}", study_key
    )
    assert name in invoke(settings, cli_env, "variables", "list", study_key)


@pytest.mark.resource("cli")
def test_queries_list(
    settings: Settings, cli_env: dict[str, str], sdk: ImednetSDK, study_key: str
) -> None:
    require_walkable(sdk, settings, study_key, "queries", "queries", "imednet queries list")
    queries = sdk_compat.items(sdk.queries.list(study_key))
    first_or_skip(queries, "queries", study_key)
    output = invoke(settings, cli_env, "queries", "list", study_key)
    assert f"Found {len(queries)} queries" in output


@pytest.mark.resource("cli")
def test_record_revisions_list(
    settings: Settings, cli_env: dict[str, str], sdk: ImednetSDK, study_key: str
) -> None:
    require_walkable(
        sdk,
        settings,
        study_key,
        "recordRevisions",
        "record revisions",
        "imednet record-revisions list",
    )
    first_or_skip(sdk.record_revisions.list(study_key), "record revisions", study_key)
    output = invoke(settings, cli_env, "record-revisions", "list", study_key)
    assert re.search(r"Found \d+ record revisions", output), output


@pytest.mark.resource("cli")
@pytest.mark.mutating(unless_env="IMEDNET_BATCH_ID")
def test_jobs_status(
    settings: Settings, cli_env: dict[str, str], study_key: str, batch_id: str
) -> None:
    assert batch_id in invoke(settings, cli_env, "jobs", "status", study_key, batch_id)


@pytest.mark.resource("cli")
@pytest.mark.mutating(unless_env="IMEDNET_BATCH_ID")
@pytest.mark.requires_sdk("job_poller")
def test_jobs_wait(
    settings: Settings, cli_env: dict[str, str], study_key: str, batch_id: str
) -> None:
    output = invoke(
        settings, cli_env, "jobs", "wait", study_key, batch_id, "--interval", "1", "--timeout", "60"
    )
    assert batch_id in output
    assert TERMINAL.search(output), f"jobs wait returned before a terminal state:\n{output}"


@pytest.mark.resource("cli")
@pytest.mark.requires_sdk("workflows")
def test_workflows_extract_records(
    settings: Settings, cli_env: dict[str, str], sdk: ImednetSDK, study_key: str
) -> None:
    # extract-records reads every record of the form (a server-side formKey filter): the
    # smallest form with records keeps it bounded on a study of any size.
    (form,) = export_forms(sdk, settings, study_key, "imednet workflows extract-records")
    require_walkable(
        sdk,
        settings,
        study_key,
        "records",
        f"records on form {form.form_key}",
        "imednet workflows extract-records",
        filters={"form_key": form.form_key},
    )
    on_form = sdk.records.list(study_key, form_key=form.form_key)
    first_or_skip(on_form, f"records on form {form.form_key}", study_key)
    output = invoke(
        settings,
        cli_env,
        "workflows",
        "extract-records",
        study_key,
        "--record-filter",
        f"form_key={form.form_key}",
    )
    assert re.search(r"Found \d+ matching records", output), output
    assert f"form_key='{form.form_key}'" in output


@pytest.mark.resource("cli")
@pytest.mark.requires_sdk("workflows")
def test_subject_data(
    settings: Settings, cli_env: dict[str, str], study_key: str, read_subject: SubjectRef
) -> None:
    output = invoke(settings, cli_env, "subject-data", study_key, read_subject.subject_key)
    assert f"'subject_key': '{read_subject.subject_key}'" in output


EXPORTS = [
    pytest.param(
        "csv",
        "out.csv",
        marks=[
            pytest.mark.requires_package("pandas"),
            pytest.mark.sdk_defect(known="export_quality_gate"),
        ],
        id="csv",
    ),
    pytest.param("json", "out.json", marks=pytest.mark.requires_package("pandas"), id="json"),
    pytest.param(
        "excel", "out.xlsx", marks=pytest.mark.requires_package("pandas", "openpyxl"), id="excel"
    ),
    pytest.param(
        "parquet",
        "out.parquet",
        marks=pytest.mark.requires_package("pandas", "pyarrow"),
        id="parquet",
    ),
]


@pytest.mark.resource("cli")
@pytest.mark.requires_sdk("record_export")
@pytest.mark.parametrize(("command", "filename"), EXPORTS)
def test_export_file(
    settings: Settings,
    cli_env: dict[str, str],
    sdk: ImednetSDK,
    study_key: str,
    form: FormRef,
    tmp_path: Path,
    command: str,
    filename: str,
) -> None:
    from export_checks import read_export

    require_walkable(sdk, settings, study_key, "records", "records", f"imednet export {command}")
    target = tmp_path / filename
    invoke(settings, cli_env, "export", command, study_key, str(target))
    frame = read_export(command, target)
    assert len(frame) > 0, f"export {command} wrote no rows"
    missing = {v.name for v in form.variables} - set(frame.columns)
    assert not missing, f"export {command} lacks columns {missing}"


@pytest.mark.resource("cli")
@pytest.mark.requires_package("pandas", "sqlalchemy")
@pytest.mark.requires_sdk("record_export")
def test_export_sql_by_form(
    settings: Settings,
    cli_env: dict[str, str],
    sdk: ImednetSDK,
    study_key: str,
    tmp_path: Path,
) -> None:
    """``--forms`` bounds the export to the two smallest forms with records that fit the
    size limit together (one-item probes size them), a table each holding exactly that
    form's records. Only forms with records:
    SDK 0.5.0 crashes on a form without any (``AttributeError: Can only use .str
    accessor``), see docs/live-suite.md."""
    from export_checks import read_sql_table
    from sqlalchemy import create_engine, inspect

    forms = export_forms(sdk, settings, study_key, "imednet export sql --forms", n=2)
    before = {f.form_id: form_records(sdk, settings, study_key, f.form_id) for f in forms}
    url = f"sqlite:///{tmp_path / 'export.db'}"
    forms_arg = ",".join(str(f.form_id) for f in forms)
    invoke(settings, cli_env, "export", "sql", study_key, "ignored", url, "--forms", forms_arg)
    engine = create_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) == {f.form_key for f in forms}
    finally:
        engine.dispose()
    for each in forms:
        assert_snapshot(
            read_sql_table(url, each.form_key).record_ids(),
            (r.record_id for r in before[each.form_id]),
            (r.record_id for r in form_records(sdk, settings, study_key, each.form_id)),
            f"imednet export sql table {each.form_key}",
        )


@pytest.mark.resource("cli")
@pytest.mark.requires_package("pandas", "sqlalchemy")
@pytest.mark.requires_sdk("record_export")
def test_export_sql_long_format(
    settings: Settings, cli_env: dict[str, str], sdk: ImednetSDK, study_key: str, tmp_path: Path
) -> None:
    from export_checks import read_sql_table

    reader = "imednet export sql --long-format"
    require_walkable(sdk, settings, study_key, "records", "records", reader)
    url = f"sqlite:///{tmp_path / 'long.db'}"
    invoke(settings, cli_env, "export", "sql", study_key, "answers", url, "--long-format")
    table = read_sql_table(url, "answers")
    first_or_skip(table.rows, "record data", study_key)
    assert table.columns == ("record_id", "form_id", "variable_name", "value", "timestamp")
