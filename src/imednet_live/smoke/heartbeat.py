"""The smoke's "still waiting" line while it polls jobs (up to its 300 s timeout), so a
CI log shows a live wait rather than silence: every ``every`` seconds, never more often."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping


class Heartbeat:
    """``wait_for_jobs``'s ``on_wait``: says how long, against which timeout, on which jobs."""

    def __init__(
        self,
        say: Callable[[str], None],
        *,
        every: float,
        timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._say = say  # the smoke's Reporter.line: batch ids scrubbed as every line is
        self._every = every
        self._timeout = timeout
        self._clock = clock
        self._started = clock()
        self._next = self._started + every

    def __call__(self, pending: Mapping[str, str | None]) -> None:
        now = self._clock()
        if now < self._next or not pending:
            return
        self._next = now + self._every
        jobs = ", ".join(
            f"batch {batch} {state or '(no state)'}" for batch, state in pending.items()
        )
        self._say(
            f"still waiting after {now - self._started:.0f} s (timeout {self._timeout:g} s) "
            f"on {len(pending)} job(s): {jobs}"
        )
