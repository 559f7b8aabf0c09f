"""Every export helper writes what ``records.list`` returns: one row per record, one column
per variable, and the values the API holds. SQL runs on SQLite and on PostgreSQL: the
session's own server (``postgres_fixtures``), or IMEDNET_EXPORT_DB_URL when set.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from export_checks import (
    Table,
    assert_one_value_per_type,
    expected_columns,
    read_export,
    read_sql_table,
    study_variable_names,
)
from imednet import ImednetSDK
from imednet.models import Record
from live_checks import assert_snapshot, text_variable
from study_size import require_walkable

from imednet_live.config import Settings
from imednet_live.discovery.rules import FormRef
from imednet_live.sdk import compat as sdk_compat
from imednet_live.skips import first_or_skip


def _records(sdk: ImednetSDK, study_key: str) -> list[Record]:
    return sdk_compat.items(sdk.records.list(study_key))  # the export reads it whole too


def _exportable(sdk: ImednetSDK, settings: Settings, study_key: str, function: str) -> None:
    """Every export helper reads the whole study: skip when it is empty or over the limit."""
    require_walkable(sdk, settings, study_key, "records", "records", function)


def _check_table(
    table: Table,
    *,
    before: list[Record],
    after: list[Record],
    columns: list[str],
    form: FormRef,
    study_key: str,
    what: str,
) -> None:
    assert list(table.columns) == columns, f"{what} columns differ from the study's variables"
    assert_snapshot(
        table.record_ids(), (r.record_id for r in before), (r.record_id for r in after), what
    )
    # Values: a text answer on the discovered form reads back unchanged.
    variable = text_variable(form, study_key).name
    sample = first_or_skip(
        [r for r in before if r.form_key == form.form_key and r.record_data.get(variable)],
        f"records with {variable} on form {form.form_key}",
        study_key,
    )
    exported = table.row_for(sample.record_id)[variable]
    assert str(exported) == str(sample.record_data[variable]), (
        f"{what}: record {sample.record_id} {variable}={exported!r}, "
        f"API has {sample.record_data[variable]!r}"
    )


# The builds whose tabular quality gate drops every record (sdk/surface_changes.DEFECTS).
QUALITY_GATE = pytest.mark.sdk_defect(known="export_quality_gate")


def _file_export(
    kind: str, function: str, filename: str, *packages: str, gated: bool = False
) -> object:
    marks = [pytest.mark.resource(f"export.{kind}"), pytest.mark.requires_package(*packages)]
    return pytest.param(
        kind, function, filename, marks=[*marks, *([QUALITY_GATE] if gated else [])], id=kind
    )


FILE_EXPORTS = [
    _file_export("csv", "export_to_csv", "out.csv", "pandas", gated=True),
    _file_export("json", "export_to_json", "out.json", "pandas"),
    _file_export("excel", "export_to_excel", "out.xlsx", "pandas", "openpyxl"),
    _file_export("parquet", "export_to_parquet", "out.parquet", "pandas", "pyarrow"),
]


@pytest.mark.parametrize(("kind", "function", "filename"), FILE_EXPORTS)
def test_file_export(
    sdk: ImednetSDK,
    settings: Settings,
    study_key: str,
    form: FormRef,
    tmp_path: Path,
    kind: str,
    function: str,
    filename: str,
) -> None:
    from imednet.integrations import export

    _exportable(sdk, settings, study_key, function)
    columns = expected_columns(study_variable_names(sdk, study_key))
    before = _records(sdk, study_key)
    path = tmp_path / filename
    getattr(export, function)(sdk, study_key, str(path))
    _check_table(
        read_export(kind, path),
        before=before,
        after=_records(sdk, study_key),
        columns=columns,
        form=form,
        study_key=study_key,
        what=f"{function} file",
    )


SQL_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    # psycopg is the driver; the server comes from the session (postgres_fixtures), which
    # fails these tests in one line when there is none: a missing server is not a skip.
    pytest.param("postgres", id="postgres", marks=pytest.mark.requires_package("psycopg")),
]


@pytest.fixture(params=SQL_BACKENDS)
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of this test alone: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'export.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def _unique(name: str, write_tag: str) -> str:
    """A table name of this test alone, so a shared database never mixes two runs."""
    return f"{name}_{write_tag}".lower()


@pytest.mark.resource("export.sql")
@pytest.mark.requires_package("pandas", "sqlalchemy")
@QUALITY_GATE
def test_export_to_sql(
    sdk: ImednetSDK,
    settings: Settings,
    study_key: str,
    form: FormRef,
    sql_url: str,
    write_tag: str,
) -> None:
    from imednet.integrations.export import export_to_sql

    _exportable(sdk, settings, study_key, "export_to_sql")
    columns = expected_columns(study_variable_names(sdk, study_key))
    before = _records(sdk, study_key)
    table_name = _unique("records", write_tag)
    export_to_sql(sdk, study_key, table_name, sql_url)
    try:
        table = read_sql_table(sql_url, table_name)
    finally:
        _drop(sql_url, [table_name])
    _check_table(
        table,
        before=before,
        after=_records(sdk, study_key),
        columns=columns,
        form=form,
        study_key=study_key,
        what="export_to_sql table",
    )
    assert_one_value_per_type(
        table, before, sdk_compat.items(sdk.variables.list(study_key)), "export_to_sql table"
    )


@pytest.mark.resource("export.sql")
@pytest.mark.requires_package("pandas", "sqlalchemy")
def test_export_to_sql_by_form(
    sdk: ImednetSDK, settings: Settings, study_key: str, form: FormRef, sql_url: str
) -> None:
    """One table per form, named by form key, holding exactly that form's records and variables.

    Only forms with records are exported: SDK 0.5.0 raises ``AttributeError: Can only use
    .str accessor with string values!`` on a form without records (docs/live-suite.md).
    Tables are named by form key, so each run gets a database of its own (``sql_url``).
    """
    from imednet.integrations.export import export_to_sql_by_form
    from sqlalchemy import create_engine, inspect

    _exportable(sdk, settings, study_key, "export_to_sql_by_form")
    url = sql_url
    variables = sdk_compat.items(sdk.variables.list(study_key))
    before = _records(sdk, study_key)
    with_records = sorted({r.form_id for r in before})
    first_or_skip(with_records, "records", study_key)
    forms = [f for f in sdk.forms.list(study_key) if f.form_id in with_records]
    export_to_sql_by_form(sdk, study_key, url, form_whitelist=with_records)
    after = _records(sdk, study_key)

    engine = create_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) == {f.form_key for f in forms}
    finally:
        engine.dispose()
    for each in forms:
        table = read_sql_table(url, each.form_key)
        names = [v.variable_name for v in variables if v.form_id == each.form_id]
        assert list(table.columns) == expected_columns(names), f"table {each.form_key} columns"
        assert_snapshot(
            table.record_ids(),
            (r.record_id for r in before if r.form_id == each.form_id),
            (r.record_id for r in after if r.form_id == each.form_id),
            f"table {each.form_key}",
        )
    _check_table(
        read_sql_table(url, form.form_key),
        before=[r for r in before if r.form_id == form.form_id],
        after=[r for r in after if r.form_id == form.form_id],
        columns=expected_columns([v.variable_name for v in variables if v.form_id == form.form_id]),
        form=form,
        study_key=study_key,
        what=f"export_to_sql_by_form table {form.form_key}",
    )
    form_records = [r for r in before if r.form_id == form.form_id]
    assert_one_value_per_type(
        read_sql_table(url, form.form_key), form_records, variables, f"table {form.form_key}"
    )


@pytest.mark.resource("export.sql")
@pytest.mark.requires_package("pandas", "sqlalchemy")
def test_export_to_long_sql(
    sdk: ImednetSDK, settings: Settings, study_key: str, sql_url: str, write_tag: str
) -> None:
    """Long format: one row per (record, variable) that the API returned in recordData."""
    from imednet.integrations.export import export_to_long_sql

    _exportable(sdk, settings, study_key, "export_to_long_sql")
    before = _records(sdk, study_key)
    table_name = _unique("long", write_tag)
    export_to_long_sql(sdk, study_key, table_name, sql_url)
    try:
        table = read_sql_table(sql_url, table_name)
    finally:
        _drop(sql_url, [table_name])
    after = _records(sdk, study_key)

    assert list(table.columns) == ["record_id", "form_id", "variable_name", "value", "timestamp"]
    assert_snapshot(
        {int(r["record_id"]) for r in table.rows},
        (r.record_id for r in before if r.record_data),
        (r.record_id for r in after),
        "long table",
    )
    cells = {(int(r["record_id"]), r["variable_name"]) for r in table.rows}
    expected = {(r.record_id, name) for r in before for name in r.record_data}
    assert expected <= cells, f"long table lacks {sorted(expected - cells)[:5]}"


def _drop(url: str, tables: list[str]) -> None:
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine, only=lambda name, _: name in tables)
        metadata.drop_all(engine)
    finally:
        engine.dispose()
