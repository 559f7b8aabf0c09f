"""The last gate before a recording is kept: no secret, no e-mail address, anywhere.

Pure standard library: the noxfile runs it after every recording session. A file with a
hit is deleted (never kept half-clean) and the hit is described without its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Leak:
    path: Path
    what: str  # "configured secret #N" or "e-mail address": never the value itself

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def scan(directory: Path, secrets: Iterable[str]) -> list[Leak]:
    """Every file under ``directory`` holding a secret or an e-mail-shaped string."""
    values = [s for s in dict.fromkeys(secrets) if s]
    leaks: list[Leak] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, secret in enumerate(values, start=1):
            if secret in text:
                leaks.append(Leak(path, f"configured secret #{n}"))
        if EMAIL.search(text):
            leaks.append(Leak(path, "e-mail address"))
    return leaks


def scan_and_purge(directory: Path, secrets: Iterable[str]) -> list[Leak]:
    """Scan, then delete every file with a hit; returns the hits."""
    leaks = scan(directory, secrets)
    for path in {leak.path for leak in leaks}:
        path.unlink(missing_ok=True)
    return leaks
