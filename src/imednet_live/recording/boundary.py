"""The one output boundary of a live run: every byte it writes or prints passes ``scrub``.

A guarantee kept in each test or each writer breaks with the next one, so the run's
outputs are scrubbed where they leave the process, whatever produced them:

- pytest's reports (longrepr, ``-l`` locals, captured stdout/stderr/log sections, user
  properties), before the terminal, JUnit or xdist see them (``scrub_report``);
- a value a shortened repr cut in two (``'PAT-55...21'``, pytest's 240-character reprs):
  the pieces touching the ``...`` are replaced too (``recording/cut_values.py``), with no
  hook into pytest's private repr code;
- the process's ``sys.stdout`` and ``sys.stderr``, wrapped before pytest captures them,
  so pytest's own writer (progress, short summary, live logging), ``-s`` prints and the
  smoke's output pass too (``install_streams``);
- the files a session leaves (outcomes.json, warnings.log, sdk.log, junit.xml, the
  recording, smoke.json), rewritten once every process of the session has published
  what it saw (``scrub_artifacts``); a file it cannot read or rewrite is a failure
  naming it, never a silent pass.

The scrub is the registry's (``personal.scrub_text``: values the allowlist's rules
replaced in this run's traffic, by field) after the run's secrets are masked. It is on
against a live target unless ``IMEDNET_LIVE_KEEP_PERSONAL=1`` (the banner says so).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from imednet_live.core.env_vars import KEEP_PERSONAL
from imednet_live.core.redaction import redact, redact_tree
from imednet_live.core.settings import env_secrets, read_var
from imednet_live.recording import personal
from imednet_live.recording.leak_scan import ScrubFailure, rewrite_files

# Report fields pytest and xdist need verbatim (identities, not output).
UNSCRUBBED_KEYS = frozenset({"nodeid", "location", "$report_type", "when", "outcome"})


def wanted(env: Mapping[str, str] | None = None) -> bool:
    """Against a live target, unless the operator keeps personal data (their own machine)."""
    return personal.wanted(os.environ if env is None else env)


def banner_lines(env: Mapping[str, str]) -> list[str]:
    """What the run's banner says about personal data: whether the boundary is on."""
    keep = read_var(env, KEEP_PERSONAL) == "1"
    if keep:
        return [
            f"  personal data: KEPT in reports and output ({KEEP_PERSONAL}=1: the output "
            "boundary is off; for your own machine only)"
        ]
    if wanted(env):
        return [
            "  personal data: pseudonymised at the output boundary (console, reports, "
            f"recording; {KEEP_PERSONAL}=1 keeps it on your own machine)"
        ]
    return []


def scrub(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` with the run's secrets masked and every personal value it saw replaced."""
    return personal.scrub_text(redact(text, tuple(secrets)) if secrets else text)


# -- pytest reports --------------------------------------------------------------------


def scrub_tree(data: Any, secrets: Sequence[str] = ()) -> Any:
    """A serialised report with every string scrubbed; identities and property names kept."""
    return redact_tree(
        data,
        lambda s: scrub(s, secrets),
        keep=UNSCRUBBED_KEYS,
        pairs=frozenset({"user_properties"}),
    )


def scrub_report(config: Any, report: Any, secrets: tuple[str, ...]) -> Any:
    """``report`` with every string in it scrubbed (a rebuilt copy only when one changed)."""
    if not secrets and personal.scrubber() is None:
        return report
    data = config.hook.pytest_report_to_serializable(config=config, report=report)
    if data is None:
        return report
    clean = scrub_tree(data, secrets)
    if clean == data:  # one walk: most reports hold no value to replace
        return report
    rebuilt = config.hook.pytest_report_from_serializable(config=config, data=clean)
    if hasattr(report, "call"):
        rebuilt.call = report.call
    if hasattr(report, "result"):
        rebuilt.result = report.result
    return rebuilt


# -- the process's streams -------------------------------------------------------------


class ScrubbingStream:
    """A text stream whose every line is scrubbed before it reaches the one it wraps.

    Text is held until a newline or ``flush`` so a value written in two pieces is still
    seen whole (print, logging and pytest's writer each write a value in one call).
    """

    def __init__(self, wrapped: TextIO, secrets: tuple[str, ...]) -> None:
        self.wrapped = wrapped
        self._secrets = secrets
        self._pending = ""

    def write(self, text: str) -> int:
        pending = self._pending + text
        cut = pending.rfind("\n") + 1
        self._pending = pending[cut:]
        if cut:
            self.wrapped.write(scrub(pending[:cut], self._secrets))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, ""
            self.wrapped.write(scrub(pending, self._secrets))
        self.wrapped.flush()

    def isatty(self) -> bool:
        return self.wrapped.isatty()

    def fileno(self) -> int:
        return self.wrapped.fileno()

    def __getattr__(self, name: str) -> Any:  # encoding, errors, buffer, ...
        return getattr(self.wrapped, name)


def install_streams() -> bool:
    """Wrap ``sys.stdout``/``sys.stderr`` (once) when the boundary is on; returns whether.

    Called before pytest starts capturing, so its terminal writer and every capture it
    restores hold the wrapped streams.
    """
    if not wanted():
        return False
    secrets = env_secrets(os.environ)
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, ScrubbingStream):
            setattr(sys, name, ScrubbingStream(stream, secrets))
    return True


def uninstall_streams() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, ScrubbingStream):
            stream.flush()
            setattr(sys, name, stream.wrapped)


# -- the files a session leaves ----------------------------------------------------------


def scrub_artifacts(
    paths: Iterable[Path], secrets: Sequence[str] = ()
) -> tuple[int, list[ScrubFailure]]:
    """Every file under ``paths`` rewritten through ``scrub``: (files changed, failures)."""
    return rewrite_files(paths, lambda text: scrub(text, secrets))
