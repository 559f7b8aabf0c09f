"""Every line the smoke prints, and its report file: GitHub annotations, secrets scrubbed.

Also which request the SDK sent last, for the red line of a network error.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

from imednet_live.core.atomic_files import write_text_atomic
from imednet_live.core.workflow_commands import escape_data
from imednet_live.recording import boundary
from imednet_live.sdk.http_tap import tapped
from imednet_live.smoke.exits import EXIT_RED


class Reporter:
    """The only way smoke output leaves the process: annotations in one format, secrets masked."""

    def __init__(
        self, secrets: Sequence[str] = (), *, verbose: bool = False, out: TextIO | None = None
    ) -> None:
        self.secrets = tuple(secrets)
        self.verbose = verbose
        self._out = out

    @property
    def out(self) -> TextIO:
        return self._out if self._out is not None else sys.stdout

    def scrub(self, text: str) -> str:
        return boundary.scrub(text, self.secrets)

    def _annotation(self, kind: str, message: str) -> None:
        # Workflow commands are one line; GitHub's escapes keep multi-line text intact.
        print(f"::{kind}::{escape_data(self.scrub(message))}", file=self.out, flush=True)

    def error(self, message: str) -> None:
        self._annotation("error", message)

    def notice(self, message: str) -> None:
        self._annotation("notice", message)

    def warning(self, message: str) -> None:
        self._annotation("warning", message)

    def line(self, message: str) -> None:
        print(f"smoke: {self.scrub(message)}", file=self.out, flush=True)

    def detail(self, message: str) -> None:
        if self.verbose:
            self.line(message)

    def traceback(self) -> None:
        if self.verbose:
            print(self.scrub(traceback.format_exc()), file=sys.stderr, flush=True)


@dataclass
class ScenarioResult:
    name: str
    # completed | failed | timed-out | unknown-state | api-contract | sdk-drift | error | skipped
    status: str
    batch_id: str | None = None
    job_id: str | None = None
    state: str | None = None
    duration_s: float | None = None
    detail: str | None = None


@dataclass
class SmokeReport:
    """The ``--report`` document; identifiers and outcomes only, never a credential."""

    base_url: str | None = None
    timeout_s: float | None = None
    sdk_distributions: dict[str, str] = field(default_factory=dict)  # the SDK build tested
    identifiers: dict[str, Any] = field(default_factory=dict)
    scenarios: list[ScenarioResult] = field(default_factory=list)
    exit_code: int = EXIT_RED
    reason: str = "not started"
    # known-sdk-defect or sdk-surface-change: red because of the build itself
    classification: str | None = None
    duration_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = {"base_url": data.pop("base_url")}
        return data


@dataclass
class LastRequest:
    """The request in flight when an HTTP error or timeout surfaced (for the red line).

    ``sent`` counts every request by (method, path) with the statuses it was answered,
    so a POST the SDK sent twice (W10: retried after a 5xx) can be named.
    """

    method: str = ""
    path: str = ""
    sent: dict[tuple[str, str], list[int | None]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.method} {self.path}" if self.method else "a request"


@contextmanager
def track_requests() -> Iterator[LastRequest]:
    """Remember the method and path of every request any ``httpx.Client`` sends.

    A transport-level hook, so it works for any SDK release; the SDK's own errors do not
    say which request failed.
    """
    last = LastRequest()

    def sent(request: httpx.Request) -> None:
        last.method, last.path = request.method, request.url.path
        last.sent.setdefault((request.method, request.url.path), []).append(None)

    def answered(request: httpx.Request, response: httpx.Response) -> None:
        last.sent[(request.method, request.url.path)][-1] = response.status_code

    with tapped(sent, answered):
        yield last


def write_report(path: Path, report: SmokeReport, reporter: Reporter) -> None:
    """Atomically (temp file + rename), so a reader never sees half a report."""
    text = reporter.scrub(json.dumps(report.to_dict(), indent=2, sort_keys=True)) + "\n"
    write_text_atomic(path.resolve(), text, make_parents=False)
