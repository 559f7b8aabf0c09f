"""Every export helper writes what ``records.list`` returns: one row per record, one column
per variable, and the values the API holds. SQL runs on SQLite and on PostgreSQL: the
session's own server (``postgres_fixtures``), or IMEDNET_EXPORT_DB_URL when set.

The SQL exports take ``form_whitelist``, so they export the smallest forms with records
and run on a study of any size; the file exports and the long SQL format have no such
bound in SDK 0.5.0 and skip as study-too-large above IMEDNET_LIVE_MAX_RECORDS.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from export_checks import (
    Table,
    assert_one_value_per_type,
    expected_columns,
    read_export,
    read_sql_table,
    study_variable_names,
)
from live_checks import assert_snapshot, text_variable
from study_size import export_forms, form_records, form_variables, require_walkable

from imednet_live.charter.skips import first_or_skip
from imednet_live.core.settings import Settings
from imednet_live.discovery.rules import FormRef
from imednet_live.sdk import compat as sdk_compat

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK
    from imednet.models import Record, Variable


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


def _check_form_table(
    table: Table,
    *,
    before: list[Record],
    after: list[Record],
    variables: list[Variable],
    what: str,
) -> None:
    """One form's slice: its variables as columns, exactly its records, the API's values."""
    names = [v.variable_name for v in variables]
    assert list(table.columns) == expected_columns(names), f"{what} columns differ from the form's"
    assert_snapshot(
        table.record_ids(), (r.record_id for r in before), (r.record_id for r in after), what
    )
    if any(r.record_data.get(n) not in (None, "") for r in before for n in names):
        assert_one_value_per_type(table, before, variables, what)
    else:  # a form whose records hold no values yet: the export invents none
        filled = [n for n in names if n in table.columns and any(
            row[n] not in (None, "") for row in table.rows)]  # fmt: skip
        assert not filled, f"{what}: values in {filled}, the API has none"


@pytest.mark.resource("export.sql")
@pytest.mark.requires_package("pandas", "sqlalchemy")
@QUALITY_GATE
def test_export_to_sql(
    sdk: ImednetSDK,
    settings: Settings,
    study_key: str,
    sql_url: str,
    write_tag: str,
) -> None:
    """``form_whitelist`` bounds the export to the smallest form with records, on any study.

    The table holds exactly that form's records and its variables as columns; the SDK asks
    for them with ``formIds``, so the guard sizes what that filter returns.
    """
    from imednet.integrations.export import export_to_sql

    (chosen,) = export_forms(sdk, settings, study_key, "export_to_sql")
    whitelist = [chosen.form_id]
    reader = f"export_to_sql(form_whitelist={whitelist})"
    require_walkable(
        sdk, settings, study_key, "records", f"records on form {chosen.form_key}", reader,
        filters={"formIds": whitelist},
    )  # fmt: skip
    variables = form_variables(sdk, study_key, chosen.form_id)
    before = form_records(sdk, settings, study_key, chosen.form_id)
    table_name = _unique("records", write_tag)
    export_to_sql(sdk, study_key, table_name, sql_url, form_whitelist=whitelist)
    try:
        table = read_sql_table(sql_url, table_name)
    finally:
        _drop(sql_url, [table_name])
    _check_form_table(
        table,
        before=before,
        after=form_records(sdk, settings, study_key, chosen.form_id),
        variables=variables,
        what=f"export_to_sql table of form {chosen.form_key}",
    )


@pytest.mark.resource("export.sql")
@pytest.mark.requires_package("pandas", "sqlalchemy")
def test_export_to_sql_by_form(
    sdk: ImednetSDK, settings: Settings, study_key: str, sql_url: str
) -> None:
    """One table per whitelisted form, named by form key, holding exactly that form's records
    and variables: the two smallest forms with records (one where the second would pass
    IMEDNET_LIVE_MAX_RECORDS), so any study exports a slice.

    Only forms with records are exported: SDK 0.5.0 raises ``AttributeError: Can only use
    .str accessor with string values!`` on a form without records (docs/live-suite.md).
    Tables are named by form key, so each run gets a database of its own (``sql_url``).
    """
    from imednet.integrations.export import export_to_sql_by_form
    from sqlalchemy import create_engine, inspect

    forms = export_forms(sdk, settings, study_key, "export_to_sql_by_form", n=2)
    whitelist = [f.form_id for f in forms]
    before = {f.form_id: form_records(sdk, settings, study_key, f.form_id) for f in forms}
    export_to_sql_by_form(sdk, study_key, sql_url, form_whitelist=whitelist)
    after = {f.form_id: form_records(sdk, settings, study_key, f.form_id) for f in forms}

    engine = create_engine(sql_url)
    try:
        assert set(inspect(engine).get_table_names()) == {f.form_key for f in forms}
    finally:
        engine.dispose()
    for each in forms:
        _check_form_table(
            read_sql_table(sql_url, each.form_key),
            before=before[each.form_id],
            after=after[each.form_id],
            variables=form_variables(sdk, study_key, each.form_id),
            what=f"export_to_sql_by_form table {each.form_key}",
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
