"""Job states as the charter reads them, and waiting on several jobs at once.

Only ``COMPLETED`` (any case) is success. A state that is terminal but not COMPLETED
(``SUCCESS``, ``FAILED``, ...) ends the wait at once; so does a state the charter does not
know (blank, ``null``, an unknown word) once it has lasted ``UNKNOWN_STATE_GRACE_S``: such a
job will not turn COMPLETED by waiting, and a larger timeout is the wrong advice for it.
The smoke script and the live suite share this module, so both read a job the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

SUCCESS_STATE = "COMPLETED"
# The charter's own terminal words, plus the spellings real servers were seen to use
# (REAL-API-OBSERVATIONS W3): terminal, but not success.
OTHER_TERMINAL_STATES = frozenset(
    {"FAILED", "CANCELLED", "CANCELED", "SUCCESS", "COMPLETE", "ERROR"}
)
IN_PROGRESS_STATES = frozenset(
    {"CREATED", "NEW", "PENDING", "QUEUED", "SUBMITTED", "PROCESSING", "RUNNING", "IN_PROGRESS"}
)
# How long a job may show a state the charter does not know before it is red (docs/smoke.md):
# long enough for a server that blanks the state on some polls (W5) to show a real one again.
UNKNOWN_STATE_GRACE_S = 10.0
FIRST_POLL_DELAY_S = 0.2
MAX_POLL_DELAY_S = 5.0


class StateKind(str, Enum):
    SUCCESS = "success"
    TERMINAL = "terminal"  # finished, not COMPLETED
    IN_PROGRESS = "in-progress"
    UNKNOWN = "unknown"  # blank, null or a word the charter does not know


def classify(state: str | None) -> StateKind:
    word = (state or "").strip().upper().replace(" ", "_")
    if word == SUCCESS_STATE:
        return StateKind.SUCCESS
    if word in OTHER_TERMINAL_STATES:
        return StateKind.TERMINAL
    if word in IN_PROGRESS_STATES:
        return StateKind.IN_PROGRESS
    return StateKind.UNKNOWN


def describe_state(state: str | None) -> str:
    """The state as an operator should read it: blank and null are named, not left empty."""
    if state is None:
        return "null"
    if not state.strip():
        return f"blank ({state!r})"
    return state


@dataclass(frozen=True)
class JobReading:
    """One read of a job: what the server said (``state`` None: null or absent)."""

    state: str | None
    job_id: str = ""
    result_url: str = ""


def read_job(sdk: Any, study_key: str, batch_id: str) -> JobReading:
    """The one place the harness reads a job (swap here when the SDK's job API changes)."""
    job = sdk.jobs.get(study_key, batch_id)
    return JobReading(
        state=job.state, job_id=job.job_id, result_url=getattr(job, "result_url", "") or ""
    )


class WaitOutcome(str, Enum):
    COMPLETED = "completed"
    ENDED = "ended"  # terminal, not COMPLETED
    UNKNOWN_STATE = "unknown-state"
    TIMED_OUT = "timed-out"


@dataclass(frozen=True)
class JobWait:
    batch_id: str
    outcome: WaitOutcome
    reading: JobReading
    elapsed_s: float

    @property
    def state(self) -> str:
        return self.reading.state or ""


def poll_delays(
    first: float = FIRST_POLL_DELAY_S, cap: float = MAX_POLL_DELAY_S
) -> Iterator[float]:
    """0.2 s doubling to 5 s: sub-second jobs are seen within a second, slow ones cost few GETs."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, cap)


def wait_for_jobs(
    read: Callable[[str], JobReading],
    batches: Iterable[tuple[str, float]],
    *,
    timeout: float,
    grace: float = UNKNOWN_STATE_GRACE_S,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[Mapping[str, str | None]], None] | None = None,
) -> dict[str, JobWait]:
    """Poll every ``(batch_id, submitted_at)`` in rounds until each one's wait is decided.

    The jobs run at the same time on the server, so one slow job does not delay the
    verdict on another. ``read`` is the single place a job is fetched (``read_job`` of
    the callers), so polling can follow the SDK release in one function. ``on_wait`` hears,
    before each pause, the undecided batches and the state each was last read in.
    """
    pending = dict(batches)
    last_state: dict[str, str | None] = {}
    unknown_since: dict[str, float] = {}
    done: dict[str, JobWait] = {}
    delays = poll_delays()
    while pending:
        for batch_id, submitted_at in list(pending.items()):
            reading = read(batch_id)
            last_state[batch_id] = reading.state
            now = clock()
            kind = classify(reading.state)
            outcome: WaitOutcome | None = None
            if kind is StateKind.SUCCESS:
                outcome = WaitOutcome.COMPLETED
            elif kind is StateKind.TERMINAL:
                outcome = WaitOutcome.ENDED
            elif kind is StateKind.UNKNOWN:
                first_seen = unknown_since.setdefault(batch_id, now)
                if now - first_seen >= grace:
                    outcome = WaitOutcome.UNKNOWN_STATE
            else:
                unknown_since.pop(batch_id, None)
            if outcome is None and now - submitted_at >= timeout:
                unknown = kind is StateKind.UNKNOWN
                outcome = WaitOutcome.UNKNOWN_STATE if unknown else WaitOutcome.TIMED_OUT
            if outcome is not None:
                done[batch_id] = JobWait(batch_id, outcome, reading, now - submitted_at)
                del pending[batch_id]
        if not pending:
            break
        if on_wait is not None:
            on_wait({batch: last_state.get(batch) for batch in pending})
        now = clock()
        limits = [at + timeout - now for at in pending.values()]
        limits += [since + grace - now for b, since in unknown_since.items() if b in pending]
        sleep(max(min(next(delays), *limits), 0.0) or 0.001)
    return done
