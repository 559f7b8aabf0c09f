"""The last gate before a recording or report is kept: no secret, no personal value.

Pure standard library: the noxfile runs it after every recording session (secrets and
e-mail addresses) and after every live session over all of ``reports/<session>/`` (the
run's credentials and every personal value its processes saw, ``personal.Seen``). A
file with a hit is deleted (never kept half-clean) and the hit is described by file and
field, never by its value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from imednet_live.atomic_files import write_text_atomic
from imednet_live.recording.scrub import Personal, replace_known

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Leak:
    path: Path
    what: str  # "configured secret #N" or "e-mail address": never the value itself

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def scan(
    directory: Path,
    secrets: Iterable[str],
    personal: Mapping[str, Personal] | None = None,
    *,
    emails: bool = True,
) -> list[Leak]:
    """Every file under ``directory`` holding a secret, a known personal value or an e-mail."""
    values = [s for s in dict.fromkeys(secrets) if s]
    # A value is also looked for as JSON writes it (quotes, non-ASCII escaped).
    spellings = {
        spelling: found.field
        for value, found in (personal or {}).items()
        for spelling in {value, json.dumps(value)[1:-1]}
    }
    leaks: list[Leak] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, secret in enumerate(values, start=1):
            if secret in text:
                leaks.append(Leak(path, f"configured secret #{n}"))
        fields = sorted({field for spelling, field in spellings.items() if _occurs(spelling, text)})
        leaks += [Leak(path, f"personal value of field {field}") for field in fields]
        if emails and EMAIL.search(text):
            leaks.append(Leak(path, "e-mail address"))
    return leaks


def _occurs(value: str, text: str) -> bool:
    if value not in text:
        return False
    return not value.isdigit() or re.search(rf"(?<!\d){value}(?!\d)", text) is not None


@dataclass(frozen=True)
class ScrubFailure:
    """A file that could not be scrubbed: the session fails naming it, never passes silently."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"cannot scrub {self.path}: {self.reason}"


def rewrite_files(
    roots: Iterable[Path], clean: Callable[[str], str]
) -> tuple[int, list[ScrubFailure]]:
    """Every file under ``roots`` (a file is its own root) rewritten through ``clean``.

    Returns how many changed and the files that could not be read as UTF-8 text or
    rewritten: every artifact of a session is text, so such a file is a failure.
    """
    changed, failures = 0, []
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            try:
                text = path.read_bytes().decode("utf-8")
                new = clean(text)
                if new != text:
                    write_text_atomic(path, new)
                    changed += 1
            except FileNotFoundError:
                continue  # removed since the walk (a temporary file): nothing left to leak
            except UnicodeDecodeError:
                failures.append(ScrubFailure(path, "not UTF-8 text"))
            except OSError as exc:
                failures.append(ScrubFailure(path, exc.strerror or str(exc)))
    return changed, failures


def scrub_files(
    directory: Path,
    personal: Mapping[str, Personal],
    dates: Mapping[str, str],
    failures: list[ScrubFailure] | None = None,
) -> int:
    """Replace every known personal value in every file under ``directory``; how many.

    A file that cannot be scrubbed is added to ``failures`` (the scan still looks inside it).
    """
    changed, failed = rewrite_files([directory], lambda text: replace_known(text, personal, dates))
    if failures is not None:
        failures += failed
    return changed


def scan_and_purge(
    directory: Path,
    secrets: Iterable[str],
    personal: Mapping[str, Personal] | None = None,
    *,
    emails: bool = True,
) -> list[Leak]:
    """Scan, then delete every file with a hit; returns the hits."""
    leaks = scan(directory, secrets, personal, emails=emails)
    for path in {leak.path for leak in leaks}:
        path.unlink(missing_ok=True)
    return leaks
