"""form_etl: one form's records from iMednet into a SQLite table, and a polled write-back."""

from form_etl.etl import (
    WriteBackFailed,
    extract,
    load,
    run,
    sdk_from_env,
    write_back,
)

__all__ = ["WriteBackFailed", "extract", "load", "run", "sdk_from_env", "write_back"]
