"""The request audit: kept in memory and, optionally, appended to a JSON-lines file.

Only method, path, query string, status, duration and time are recorded: never headers,
so the keys cannot leak through the audit.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import IO, Any


class AuditLog:
    def __init__(self, path: str | Path | None = None) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        if path is not None:
            self._file = Path(path).open("a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def record(self, entry: dict[str, Any]) -> None:
        """Append one request; the file line is flushed at once so a reader never waits."""
        with self._lock:
            self._entries.append(entry)
            if self._file is not None:
                self._file.write(json.dumps(entry, separators=(",", ":")) + "\n")
                self._file.flush()

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        """Forget the entries kept in memory (a reused sandbox starts each test afresh)."""
        with self._lock:
            self._entries.clear()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
