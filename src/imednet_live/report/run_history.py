"""The run history: one JSON line per reported run, so that a night is read against the others.

``nox -s report`` appends the run it reports to ``IMEDNET_LIVE_HISTORY`` (default:
``.imednet-live-history.jsonl`` beside the reports folder, so cleaning ``reports/`` keeps
it): when, verdict, target, SDK build, resolution, counts per session, wall time, API
requests, drift findings by kind, smoke exit. The trend in summary.html and the runs table
in summary.md are drawn from it (report/trend.py).

The file is replaced whole on each append (write to a sibling, rename), so a reader never
sees half a line, and it keeps the last ``KEEP_RUNS`` lines. The last two runs also keep
each test's state (red, green, skipped): the default ``--previous`` compares with them, as
CI never has the previous run's reports folder; older lines drop them to stay small.

A line this version cannot read (corrupt, or written by a later schema version) is skipped
with one warning naming the file and its lines, and kept as it is. A file that is not a
history at all (other JSON, a directory) is named in one line and never touched.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from imednet_live.atomic_files import write_text_atomic
from imednet_live.config import HISTORY, HISTORY_FILE_NAME, read_var
from imednet_live.redaction import safe_url
from imednet_live.report.changes import states_of
from imednet_live.report.merge import Matrix, first_error, sdk_build
from imednet_live.report.smoke_gate import SmokeGate
from imednet_live.report.verdict import Counts, judge, target_text

FORMAT: Final = "imednet-live-run"
SCHEMA_VERSION: Final = 1
KEEP_RUNS = 400
KEEP_STATES = 2  # runs that keep their test states: the last, and the one a re-report needs
DEFAULT_RESOLUTION = "locked"


class HistoryError(ValueError):
    """The history file cannot be used; the message is one line naming it."""


class SessionRun(BaseModel):
    """One session of a run, as Counts counts it (the report's verdict line)."""

    model_config = ConfigDict(extra="forbid")

    session: str
    red: bool
    passed: int = 0
    failed: int = 0
    expected_skips: int = 0
    unexpected: int = 0  # unexpected skips, and tests that ran where they should have skipped
    known_defects: int = 0
    surface_changes: int = 0
    violations: int = 0
    wall_seconds: float | None = None
    api_requests: int | None = None


class RunRecord(BaseModel):
    """One line of the history file."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["imednet-live-run"] = FORMAT
    schema_version: Literal[1] = SCHEMA_VERSION
    when: datetime = Field(description="when the report ran, UTC")
    verdict: str = Field(description="GREEN, RED or NOT RUN")
    target: str
    sdk: str = Field(description="the SDK build(s) the sessions tested")
    resolution: str = Field(description="how the dependencies were resolved")
    sessions: list[SessionRun]
    drift: dict[str, int] | None = Field(description="drift findings by kind; None: not run")
    smoke_exit: int | None = None
    reports_dir: str = Field(description="where this run's reports were written")
    run_ids: list[str] = Field(default_factory=list, description="the sessions' nox run ids")
    # Column key -> node id -> red / green / skipped; only on the last KEEP_STATES lines.
    tests: dict[str, dict[str, str]] | None = None

    @property
    def red(self) -> bool:
        return self.verdict == "RED"

    def total(self, name: str) -> int:
        return sum(int(getattr(s, name)) for s in self.sessions)

    @property
    def wall_seconds(self) -> float | None:
        """Summed over the sessions (they may have run side by side)."""
        known = [s.wall_seconds for s in self.sessions if s.wall_seconds is not None]
        return sum(known) if known else None

    @property
    def api_requests(self) -> int | None:
        known = [s.api_requests for s in self.sessions if s.api_requests is not None]
        return sum(known) if known else None


@dataclass
class History:
    """A history file as read: its runs in order, and the lines kept as they were."""

    path: Path
    entries: list[RunRecord | str] = field(default_factory=list)  # str: a line not ours to read
    warnings: list[str] = field(default_factory=list)

    @property
    def runs(self) -> list[RunRecord]:
        return [e for e in self.entries if isinstance(e, RunRecord)]


def history_path(reports_dir: Path, env: Mapping[str, str] | None = None) -> Path:
    configured = read_var(os.environ if env is None else env, HISTORY)
    if configured:
        return Path(configured).expanduser()
    return reports_dir.resolve().parent / HISTORY_FILE_NAME


def _not_ours(path: Path, why: str) -> HistoryError:
    return HistoryError(
        f"history {path} is not an imednet-live run history ({why}); it was left alone: "
        f"move it or set {HISTORY} to another file"
    )


def read_history(path: Path) -> History:
    """The runs in ``path`` (none when it does not exist yet); HistoryError when unusable."""
    if path.is_dir():
        raise HistoryError(f"history {path} is a directory; set {HISTORY} to a file path")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return History(path)
    except OSError as exc:
        raise HistoryError(f"cannot read history {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _not_ours(path, "not UTF-8 text") from None
    history = History(path)
    corrupt: list[tuple[int, str]] = []
    later: list[tuple[int, object]] = []
    ours = False  # any line in our format: else the file is someone else's
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            corrupt.append((number, f"not an {FORMAT} record"))
            history.entries.append(line)
            continue
        ours = True
        version = data.get("schema_version")
        if isinstance(version, int) and version > SCHEMA_VERSION:
            later.append((number, version))
            history.entries.append(line)
            continue
        try:
            history.entries.append(RunRecord.model_validate(data))
        except ValidationError as exc:
            corrupt.append((number, first_error(exc)))
            history.entries.append(line)
    if history.entries and not ours:
        raise _not_ours(path, f"no line is an {FORMAT} record")
    if corrupt:
        numbers = ", ".join(str(n) for n, _ in corrupt[:10]) + (" ..." if len(corrupt) > 10 else "")
        history.warnings.append(
            f"history {path}: skipped {len(corrupt)} corrupt line(s) ({numbers}; "
            f"line {corrupt[0][0]}: {corrupt[0][1]}); kept in the file"
        )
    if later:
        versions = sorted({str(v) for _, v in later})
        history.warnings.append(
            f"history {path}: skipped {len(later)} line(s) written by a later imednet-live "
            f"(schema {', '.join(versions)}; this one reads {SCHEMA_VERSION}); kept in the file"
        )
    return history


def _distinct(values: list[str], empty: str) -> str:
    seen = list(dict.fromkeys(v for v in values if v))
    return "; ".join(seen) or empty


def record_run(
    matrix: Matrix,
    smoke: SmokeGate | None,
    reports_dir: Path,
    drift: dict[str, int] | None,
    now: datetime | None = None,
) -> RunRecord:
    """The history line of the run in ``reports_dir``."""
    sessions = []
    for column in matrix.columns:
        s, c = column.outcomes, Counts.of([column.outcomes])
        sessions.append(
            SessionRun(
                session=column.key,
                red=column.is_red,
                passed=c.passed,
                failed=c.failed,
                expected_skips=c.expected_skips,
                unexpected=c.unexpected,
                known_defects=c.known_defects,
                surface_changes=c.surface_changes,
                violations=c.violations,
                wall_seconds=s.wall_seconds,
                api_requests=s.api_requests,
            )
        )
    # A sandbox listens on a new port each run: its kind is the target worth comparing.
    targets = [
        s.target_kind if s.target_kind == "sandbox" else target_text(s) for s in matrix.sessions
    ]
    if not targets and smoke is not None:
        targets = [f"smoke · {safe_url(smoke.target.base_url or 'unknown')}"]
    # Issue 28 adds the resolution (locked / latest / lowest) to outcomes; until a session
    # carries one, the pinned constraints were used.
    resolutions = [str(getattr(s, "resolution", None) or "") for s in matrix.sessions]
    return RunRecord(
        when=(now or datetime.now(timezone.utc)).replace(microsecond=0),
        verdict=judge(matrix, smoke).status.value,
        target=_distinct(targets, "unknown"),
        sdk=_distinct([sdk_build(s) for s in matrix.sessions], "unknown"),
        resolution=_distinct(resolutions, DEFAULT_RESOLUTION),
        sessions=sessions,
        drift=drift,
        smoke_exit=None if smoke is None else smoke.exit_code,
        reports_dir=str(reports_dir.resolve()),
        run_ids=sorted({s.run_id for s in matrix.sessions if s.run_id}),
        tests=states_of(matrix),
    )


def is_same_run(a: RunRecord, b: RunRecord) -> bool:
    """A report run again on the same outcomes: it replaces its line instead of adding one."""
    return bool(a.run_ids) and a.run_ids == b.run_ids and a.reports_dir == b.reports_dir


def earlier_runs(history: History, current: RunRecord) -> list[RunRecord]:
    """The runs before ``current``: all of them, less its own line when it is reported again."""
    runs = history.runs
    return runs[:-1] if runs and is_same_run(runs[-1], current) else runs


def append_run(
    history: History, record: RunRecord, scrub: Callable[[str], str] = lambda text: text
) -> None:
    """Write the history with ``record`` last, whole and bounded; HistoryError when it cannot.

    ``scrub`` redacts the new lines as the reports are (secrets still in the environment).
    """
    entries = list(history.entries)
    runs = history.runs
    if runs and is_same_run(runs[-1], record):
        entries = [e for e in entries if e is not runs[-1]]
    entries = [*entries, record][-KEEP_RUNS:]
    keep_states = {id(r) for r in [e for e in entries if isinstance(e, RunRecord)][-KEEP_STATES:]}
    lines = [
        entry
        if isinstance(entry, str)
        else entry.model_dump_json(
            exclude={"tests"} if id(entry) not in keep_states or entry.tests is None else None
        )
        for entry in entries
    ]
    try:
        write_text_atomic(history.path, scrub("\n".join(lines) + "\n"))
    except OSError as exc:
        raise HistoryError(
            f"cannot write history {history.path}: {exc.strerror or exc}; this run is not in it"
        ) from None
