"""GitHub Actions workflow commands (``::error``, ``::group::``): their syntax in one place.

Standard library only, so the noxfile can use it before any session venv exists. Whether
to emit one is the caller's call: the smoke's ``::notice::``/``::error::`` lines are the
charter's and print everywhere; the rest print under Actions only (``under_actions``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

ACTIONS = "GITHUB_ACTIONS"


def under_actions(env: Mapping[str, str]) -> bool:
    return env.get(ACTIONS) == "true"


def escape_data(text: str) -> str:
    """A workflow command's message: one line (GitHub's own escapes)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def error_command(path: str, line: int, title: str, message: str) -> str:
    """``::error file=…,line=…,title=…::message``, escaped as the runner parses it."""
    return (
        f"::error file={escape_property(path)},line={line},"
        f"title={escape_property(title)}::{escape_data(message)}"
    )


def elapsed(seconds: float) -> str:
    """``42.1 s``, ``3m05s``, ``1h02m``: what a log reader takes in at a glance."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{rest:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


@dataclass
class Step:
    """One step's result, set by the caller before the step's block ends."""

    result: str = ""


class Progress:
    """``[i/N] <what> <name>`` before each step and ``… (elapsed)`` after it; under Actions
    each step's output is folded in a ``::group::``."""

    def __init__(
        self,
        total: int,
        say: Callable[[str], None],
        *,
        what: str,
        env: Mapping[str, str],
        clock: Callable[[], float] = time.monotonic,
        out: TextIO | None = None,
    ) -> None:
        self._total, self._say, self._what = total, say, what
        self._fold = under_actions(env)
        self._clock = clock
        self._out = out
        self._index = 0

    def _command(self, text: str) -> None:
        print(text, file=self._out or sys.stdout, flush=True)

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        self._index += 1
        head = f"[{self._index}/{self._total}] {self._what} {name}"
        if self._fold:
            self._command(f"::group::{escape_data(head)}")
        self._say(head)
        started = self._clock()
        step = Step()
        try:
            yield step
        finally:
            took = elapsed(self._clock() - started)
            if self._fold:
                self._command("::endgroup::")
            self._say(f"{head}: {step.result or 'ended'} ({took})")
