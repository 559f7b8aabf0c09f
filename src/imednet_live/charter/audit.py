"""The read-only guarantee: a read-only session must leave no write in the sandbox's audit."""

from __future__ import annotations

import json
from pathlib import Path

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AuditError(ValueError):
    """The audit could not be read; the message is one line naming the file."""


def writes_in_audit(path: Path) -> list[str]:
    """Every write request in the JSON-lines audit, as ``METHOD path -> status``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AuditError(f"cannot read sandbox audit {path}: {exc.strerror or exc}") from None
    writes = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            method = str(entry["method"]).upper()
        except (ValueError, KeyError, TypeError):
            raise AuditError(
                f"sandbox audit {path} line {number} is not a request record"
            ) from None
        if method in WRITE_METHODS:
            writes.append(f"{method} {entry.get('path', '?')} -> {entry.get('status', '?')}")
    return writes
