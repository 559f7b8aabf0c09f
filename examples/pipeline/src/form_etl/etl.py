"""Extract one form's records with the public SDK, load them into SQLite, write values back.

Works with every SDK build: ``list()`` returns a list in 0.5 and a lazy iterator on main, so
listings are only ever iterated, never indexed or measured.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

TERMINAL_OK = "COMPLETED"
TERMINAL_BAD = frozenset({"FAILED", "CANCELLED"})


class WriteBackFailed(RuntimeError):
    """The write-back job ended in a failed state (or never ended in time)."""


def sdk_from_env() -> Any:
    """An ImednetSDK from IMEDNET_API_KEY, IMEDNET_SECURITY_KEY and IMEDNET_BASE_URL."""
    from imednet import ImednetSDK

    return ImednetSDK(
        api_key=os.environ["IMEDNET_API_KEY"],
        security_key=os.environ["IMEDNET_SECURITY_KEY"],
        base_url=os.environ.get("IMEDNET_BASE_URL") or None,
    )


def extract(sdk: Any, study_key: str, form_key: str) -> Iterator[dict[str, Any]]:
    """Rows for one form: the server filters by formKey, and we check it again."""
    for record in sdk.records.list(study_key=study_key, formKey=form_key):
        if record.form_key != form_key or record.deleted:
            continue
        yield {
            "record_id": record.record_id,
            "subject_key": record.subject_key,
            "form_key": record.form_key,
            "status": record.record_status,
            "data": json.dumps(record.record_data, sort_keys=True, default=str),
        }


def load(rows: Iterable[dict[str, Any]], connection: sqlite3.Connection, table: str) -> int:
    """Upsert rows by record_id; returns how many were written."""
    if not table.isidentifier():
        raise ValueError(f"table name must be an identifier, got {table!r}")
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {table} (record_id INTEGER PRIMARY KEY, "
        "subject_key TEXT, form_key TEXT, status TEXT, data TEXT)"
    )
    count = 0
    with connection:
        for row in rows:
            connection.execute(
                f"INSERT OR REPLACE INTO {table} VALUES "
                "(:record_id, :subject_key, :form_key, :status, :data)",
                row,
            )
            count += 1
    return count


def run(sdk: Any, study_key: str, form_key: str, database: Path, table: str = "records") -> int:
    """The whole ETL: extract one form, load it into ``database``."""
    connection = sqlite3.connect(database)
    try:
        return load(extract(sdk, study_key, form_key), connection, table)
    finally:
        connection.close()


def write_back(
    sdk: Any,
    study_key: str,
    records: list[dict[str, Any]],
    *,
    poll_interval: float = 1.0,
    timeout: float = 300.0,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Submit records and poll their job to its end: the job's batchId, or WriteBackFailed."""
    job = sdk.records.create(study_key, records)
    deadline = time.monotonic() + timeout
    while True:
        status = sdk.jobs.get(study_key, job.batch_id)
        state = (status.state or "").upper()
        if state == TERMINAL_OK:
            return str(job.batch_id)
        if state in TERMINAL_BAD:
            raise WriteBackFailed(f"job {job.batch_id} {state}")
        if time.monotonic() >= deadline:
            raise WriteBackFailed(f"job {job.batch_id} still {state} after {timeout:g} s")
        sleep(poll_interval)
