"""Read export files back with a reader other than the one that wrote them.

The SDK writes every file format through pandas; reading CSV and JSON with the
standard library, Excel with openpyxl, Parquet with pyarrow and SQL with SQLAlchemy
means a pandas round-trip quirk cannot hide a wrong file.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import ImednetSDK
    from imednet.models import Record, Variable


# Columns RecordMapper puts before the variables (imednet/workflows/record_mapper.py).
META_COLUMNS: tuple[str, ...] = (
    "recordId",
    "subjectKey",
    "visitId",
    "formId",
    "recordStatus",
    "dateCreated",
)


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def record_ids(self) -> list[int]:
        return [int(row["recordId"]) for row in self.rows]

    def row_for(self, record_id: int) -> dict[str, Any]:
        matches = [row for row in self.rows if int(row["recordId"]) == record_id]
        assert len(matches) == 1, f"record {record_id} appears {len(matches)} times in the export"
        return matches[0]


def _csv(path: Path) -> Table:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = tuple(reader)
        return Table(tuple(reader.fieldnames or ()), rows)


def _json(path: Path) -> Table:
    """Either layout: a list of row objects (SDK main, a declared surface change) or
    pandas' default orient for frames, ``{column: {row_index: value}}`` (up to 0.8)."""
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        columns = tuple(data[0]) if data else ()
        return Table(columns, tuple(data))
    columns = tuple(data)
    index = list(data[columns[0]]) if columns else []
    return Table(columns, tuple({c: data[c][i] for c in columns} for i in index))


def _excel(path: Path) -> Table:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        values = list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()
    columns = tuple(str(c) for c in values[0]) if values else ()
    return Table(columns, tuple(dict(zip(columns, row, strict=True)) for row in values[1:]))


def _parquet(path: Path) -> Table:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return Table(tuple(table.column_names), tuple(table.to_pylist()))


READERS = {"csv": _csv, "json": _json, "excel": _excel, "parquet": _parquet}


def read_export(kind: str, path: Path) -> Table:
    assert path.is_file(), f"export {kind} did not write {path}"
    return READERS[kind](path)


def read_sql_table(url: str, table: str) -> Table:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            columns = tuple(result.keys())
            return Table(columns, tuple(dict(zip(columns, row, strict=True)) for row in result))
    finally:
        engine.dispose()


def expected_columns(variable_names: list[str]) -> list[str]:
    """Meta columns then each variable name once (case-insensitively), as the SDK dedupes."""
    seen: set[str] = set()
    columns: list[str] = []
    for name in [*META_COLUMNS, *variable_names]:
        if name.lower() not in seen:
            seen.add(name.lower())
            columns.append(name)
    return columns


def study_variable_names(sdk: ImednetSDK, study_key: str) -> list[str]:
    return [v.variable_name for v in sdk.variables.list(study_key, refresh=True)]


def same_value(exported: Any, api: Any) -> bool:
    """Equal up to the column type the database chose: numbers as numbers, the rest as text.

    pandas writes an integer column holding gaps as DOUBLE PRECISION and a checkbox as
    BOOLEAN (1 on SQLite), so 21 == 21.0 and True == 1 count as the same value.
    """
    if isinstance(api, bool):
        return exported in (True, 1) if api else exported in (False, 0)
    if isinstance(api, int | float):
        try:
            return float(exported) == float(api)
        except (TypeError, ValueError):
            return False
    return str(exported) == str(api)


def assert_one_value_per_type(
    table: Table, records: list[Record], variables: list[Variable], what: str
) -> None:
    """For each variable type with data, one exported cell equals what the API returned."""
    checked: dict[str, str] = {}
    for variable in variables:
        name, vtype = variable.variable_name, variable.variable_type
        if vtype in checked or name not in table.columns:
            continue
        sample = next((r for r in records if r.record_data.get(name) not in (None, "")), None)
        if sample is None:
            continue
        exported = table.row_for(sample.record_id)[name]
        api = sample.record_data[name]
        assert same_value(exported, api), (
            f"{what}: record {sample.record_id} {name} ({vtype}) = {exported!r}, API has {api!r}"
        )
        checked[vtype] = name
    assert checked, f"{what}: no variable with a value to compare"
