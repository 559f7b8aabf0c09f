"""The personal values a live run has seen, so nothing it writes or prints carries them.

Against a live target every process (smoke, pytest controller, xdist workers) watches its
API responses through ``http_tap`` and runs them through the recording's own ``Scrubber``
(allowlist, keyed pseudonyms, date shift), keeping only what it learnt: original value ->
field and replacement. Everything the process writes or prints passes through
``scrub_text`` at the output boundary (``boundary``). At the end each process leaves
its values in ``IMEDNET_LIVE_PERSONAL_DIR`` (a private temporary folder the noxfile made
outside ``reports/`` and deletes after its leak scan): in clear, because the scan must
find free text inside any file, and keyed hashes cannot be searched for inside any text.

``IMEDNET_LIVE_KEEP_PERSONAL=1`` switches all of this off for an operator's own machine.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from imednet_live.core.api_paths import is_api_url, resource_of
from imednet_live.core.env_vars import KEEP_PERSONAL, PERSONAL_DIR, TARGET_KIND
from imednet_live.core.settings import read_var
from imednet_live.recording.known_values import Personal, replace_known
from imednet_live.recording.leak_scan import Leak, ScrubFailure, scan_and_purge, scrub_files
from imednet_live.recording.scrub import (
    SUBJECT_ID_FIELDS,
    SUBJECT_KEY_FIELDS,
    USER_FIELDS,
    Scrubber,
)

# Days this close to today are the run's own writes (timestamps of records it created),
# not a subject's history; replacing them in free text would garble the reports' times.
RUN_DAYS = 2
# Fields (lower-cased) whose values are replaced in text even where the allowlist keeps
# the same string elsewhere: who a subject or a user is.
IDENTITY_FIELDS = frozenset(
    {*SUBJECT_KEY_FIELDS, *SUBJECT_ID_FIELDS, *USER_FIELDS, "subj", "name", "email", "codedby"}
)


@dataclass
class _State:
    scrubber: Scrubber
    tap: AbstractContextManager[None] | None


_STATE: _State | None = None


def wanted(env: Mapping[str, str]) -> bool:
    """Against a live target, unless the operator opted out."""
    return read_var(env, TARGET_KIND) == "live" and read_var(env, KEEP_PERSONAL) != "1"


def start(env: Mapping[str, str] | None = None) -> bool:
    """Watch this process's API responses when ``wanted``; returns whether it does."""
    global _STATE
    env = os.environ if env is None else env
    if _STATE is not None or not wanted(env):
        return _STATE is not None
    from imednet_live.recording.session import scrubber_for
    from imednet_live.sdk import http_tap  # httpx: only in a process that talks to the API

    scrubber = scrubber_for(env)
    tap = http_tap.tapped(lambda _request: None, lambda req, resp: observe(scrubber, req, resp))
    tap.__enter__()
    _STATE = _State(scrubber, tap)
    return True


def stop() -> None:
    global _STATE
    state, _STATE = _STATE, None
    if state is not None and state.tap is not None:
        state.tap.__exit__(None, None, None)


def observe(scrubber: Scrubber, request: Any, response: Any) -> None:
    """Learn the personal values of one API exchange (the scrubbed result is dropped)."""
    url = str(request.url)
    if not is_api_url(url):
        return
    scrubber.url(url)
    resource = resource_of(url)
    sent = getattr(request, "content", b"")  # a body we sent names its subject too
    if sent and isinstance(sent, bytes):
        scrubber.body(sent, resource, request=True)
    try:
        content = response.content
    except Exception:  # a streamed body nobody read: nothing was shown either
        return
    if not content or "json" not in response.headers.get("content-type", "json"):
        return
    try:
        parsed = json.loads(content)
    except ValueError:
        return
    scrubber.learn(resource, parsed)
    scrubber.json(parsed, resource)


def scrubber() -> Scrubber | None:
    return _STATE.scrubber if _STATE is not None else None


def scrub_text(text: str) -> str:
    """``text`` with every personal value this process has seen pseudonymised."""
    if _STATE is None:
        return text
    personal, days = hunted(_STATE.scrubber)
    return replace_known(text, personal, days)


@dataclass
class _Hunted:
    """The hunted view of one scrubber's registry, grown with it (append-only, so the
    matcher compiled for it stays valid); rebuilt only when the kept strings grow."""

    scrubber: Scrubber
    looked_at: int = 0  # entries of scrubber.personal already judged
    kept: int = 0
    personal: dict[str, Personal] = field(default_factory=dict)
    dates: int = -1
    days: dict[str, str] = field(default_factory=dict)


_HUNTED: _Hunted | None = None


def hunted(s: Scrubber) -> tuple[dict[str, Personal], dict[str, str]]:
    """The values looked for in text: the registry minus what the allowlist keeps elsewhere.

    A study-level string ("Week 1", an interval name) that a free-text field also held
    identifies no one and must not blank the interval names of every report; subject
    keys and ids, users, names and e-mails are always looked for.
    """
    global _HUNTED
    h = _HUNTED
    if h is None or h.scrubber is not s or h.kept != len(s.kept):
        h = _HUNTED = _Hunted(s, kept=len(s.kept))
    if h.looked_at < len(s.personal):
        for value in islice(s.personal, h.looked_at, None):
            found = s.personal[value]
            if value not in s.kept or found.field.lower() in IDENTITY_FIELDS:
                h.personal[value] = found
        h.looked_at = len(s.personal)
    if h.dates != len(s.dates):
        h.days, h.dates = _subject_days(s.dates), len(s.dates)
    return h.personal, h.days


def _subject_days(dates: Mapping[str, str]) -> dict[str, str]:
    today = date.today()
    near = {str(today + timedelta(days=d)) for d in range(-RUN_DAYS, RUN_DAYS + 1)}
    return {day: moved for day, moved in dates.items() if day not in near}


# -- between processes ---------------------------------------------------------------------


def dump(env: Mapping[str, str] | None = None) -> Path | None:
    """Leave this process's values in IMEDNET_LIVE_PERSONAL_DIR (owner-only), if set."""
    env = os.environ if env is None else env
    directory = read_var(env, PERSONAL_DIR)
    if _STATE is None or directory is None:
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER") or "main"
    path = Path(directory) / f"{worker}-{os.getpid()}.json"
    hunted_values, days = hunted(_STATE.scrubber)
    data = {
        "personal": {v: [p.field, p.replacement] for v, p in hunted_values.items()},
        "dates": days,
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out)
    return path


@dataclass
class Seen:
    """Every value the processes of one session saw."""

    personal: dict[str, Personal]
    dates: dict[str, str]


def load(directory: Path) -> Seen:
    seen = Seen({}, {})
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for value, (name, replacement) in data.get("personal", {}).items():
            seen.personal.setdefault(value, Personal(name, replacement))
        seen.dates.update(data.get("dates", {}))
    return seen


def absorb(env: Mapping[str, str] | None = None) -> int:
    """Add what the session's other processes left in IMEDNET_LIVE_PERSONAL_DIR to this
    process's registry (the xdist controller, before it writes the session's files);
    returns how many values were new."""
    env = os.environ if env is None else env
    directory = read_var(env, PERSONAL_DIR)
    if _STATE is None or directory is None or not Path(directory).is_dir():
        return 0
    s = _STATE.scrubber
    seen = load(Path(directory))
    before = len(s.personal)
    for value, found in seen.personal.items():
        s.personal.setdefault(value, found)
    for day, moved in seen.dates.items():
        s.dates.setdefault(day, moved)
    return len(s.personal) - before


@dataclass
class Sweep:
    seen: Seen
    scrubbed: int  # files rewritten with pseudonyms
    leaks: list[Leak]
    failures: list[ScrubFailure] = field(default_factory=list)  # files it could not scrub


def sweep(folder: Path, reports: Path, secrets: Iterable[str]) -> Sweep:
    """After a live session: load its values, delete ``folder``, pseudonymise every file
    under ``reports`` with them, then scan (and purge) for any that survived, and secrets."""
    import shutil

    try:
        seen = load(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    failures: list[ScrubFailure] = []
    scrubbed = scrub_files(reports, seen.personal, seen.dates, failures)
    leaks = scan_and_purge(reports, [s for s in secrets if s], seen.personal, emails=False)
    return Sweep(seen, scrubbed, leaks, failures)
