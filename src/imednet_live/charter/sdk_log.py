"""What the SDK logged at WARNING and above, per test, in the process that ran it.

A handler on the SDK's logger trees, not pytest's log capture: it works the same with
xdist and without ``-s``, keeps the records' arguments (where a swallowed ``ApiError``
still sits), and redacts each line before it is stored. Lines travel to the controller
in ``report.user_properties``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from imednet_live.charter.classification import SwallowedApiError, swallowed_api_error

# The SDK's logger trees: ``imednet``, and from 0.8 the workflows' own package.
SDK_LOGGERS = ("imednet", "imednet_workflows")
SDK_LOG_FILE = "sdk.log"  # in each session's report folder
MAX_LINES_PER_TEST = 50
LINE_CHARS = 2000


class SdkLogCapture(logging.Handler):
    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__(logging.WARNING)
        self._redact = redact
        self._guard = threading.Lock()
        self._lines: list[str] = []
        self._swallowed: list[tuple[SwallowedApiError, str]] = []
        self._reported = 0
        self._dropped = 0

    def install(self) -> None:
        """Idempotent: re-run per test, since a library may reconfigure logging mid-run."""
        for name in SDK_LOGGERS:
            logger = logging.getLogger(name)
            if self not in logger.handlers:
                logger.addHandler(self)
            if logger.getEffectiveLevel() > logging.WARNING:
                logger.setLevel(logging.WARNING)

    def uninstall(self) -> None:
        for name in SDK_LOGGERS:
            logging.getLogger(name).removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = f"{record.levelname} {record.name}: {record.getMessage()}"
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                text += f" [{type(error).__name__}: {error}]"
            line = self._redact(" ".join(text.split()))
            if len(line) > LINE_CHARS:
                line = line[: LINE_CHARS - 1] + "…"
            swallowed = swallowed_api_error(record)
        except Exception:  # logging must never break the test that logged
            self.handleError(record)
            return
        with self._guard:
            if swallowed is not None:
                self._swallowed.append((swallowed, line))
            if len(self._lines) < MAX_LINES_PER_TEST:
                self._lines.append(line)
            else:
                self._dropped += 1

    def start_test(self) -> None:
        with self._guard:
            self._lines, self._swallowed, self._reported, self._dropped = [], [], 0, 0

    def new_lines(self) -> list[str]:
        """Lines logged since the previous phase's report of this test."""
        with self._guard:
            lines = self._lines[self._reported :]
            self._reported = len(self._lines)
            if self._dropped:
                lines.append(f"(… {self._dropped} more SDK log lines not kept)")
                self._dropped = 0
            return lines

    @property
    def lines(self) -> list[str]:
        with self._guard:
            return list(self._lines)

    @property
    def swallowed(self) -> list[tuple[SwallowedApiError, str]]:
        """Every API error the SDK logged instead of raising in this test, with its line."""
        with self._guard:
            return list(self._swallowed)
