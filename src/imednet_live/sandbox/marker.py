"""``@pytest.mark.imednet_sandbox(...)``: its arguments checked and turned into SandboxOptions.

Each bad argument is one line naming it and what it accepts, so a test fails at set-up
with a message its author can act on (no traceback into the sandbox).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from imednet_live.fault_rules import RULE_SYNTAX, FaultRule, FaultRuleError, parse_rule
from imednet_live.sandbox.scenarios import SCENARIOS
from imednet_live.sandbox.server import SandboxConfigError, SandboxOptions

MARKER = "imednet_sandbox"
# The fixtures' own default: a job finishes at its first read, so no test waits for it.
JOB_SECONDS = 0.0

ACCEPTS: dict[str, str] = {
    "scenario": f"a scenario name ({', '.join(SCENARIOS)})",
    "subjects": "a whole number of subjects >= 0 for the first study",
    "latency_ms": "a whole number of milliseconds >= 0 added to every request",
    "fail": f"a list of fault rules, each {RULE_SYNTAX}",
    "job_seconds": "a number of seconds >= 0 before a job finishes (default 0)",
    "seed_from": "a recording directory (what IMEDNET_LIVE_RECORD=1 writes)",
    "private": "True for a server of this test's own (default False: the session's, reset)",
}
# SandboxConfigError messages name the CLI option; a marker user knows the argument.
_CLI_OPTION = {f"--{name.replace('_', '-')}": name for name in ACCEPTS}


class MarkerError(ValueError):
    """One bad marker argument; the message is a single line."""


def _bad(name: str, value: object, why: str = "") -> MarkerError:
    detail = f"{why}; " if why else ""
    return MarkerError(f"@pytest.mark.{MARKER}({name}={value!r}): {detail}accepts {ACCEPTS[name]}")


def _whole(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(name, value)
    return value


def _rules(value: object) -> tuple[FaultRule, ...]:
    items: Sequence[object]
    if isinstance(value, (str, FaultRule)):
        items = [value]
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        raise _bad("fail", value)
    rules: list[FaultRule] = []
    for item in items:
        if isinstance(item, FaultRule):
            rules.append(item)
            continue
        if not isinstance(item, str):
            raise _bad("fail", value, f"{item!r} is not a rule")
        try:
            rules.append(parse_rule(item))
        except FaultRuleError as exc:
            problem = str(exc).rsplit("': ", 1)[-1].split("; expected")[0]
            why = f"{item!r}: {problem}" if not problem.startswith("expected") else ""
            raise _bad("fail", value, why or f"{item!r} is not a rule") from None
    return tuple(rules)


def options_from_marker(
    args: Sequence[object], kwargs: Mapping[str, Any], *, base_dir: Path
) -> SandboxOptions:
    """SandboxOptions for a test; ``seed_from`` relative paths start at ``base_dir``."""
    if args:
        raise MarkerError(
            f"@pytest.mark.{MARKER}: takes keyword arguments only ({', '.join(ACCEPTS)}), "
            f"got {len(args)} positional"
        )
    unknown = sorted(set(kwargs) - set(ACCEPTS))
    if unknown:
        raise MarkerError(
            f"@pytest.mark.{MARKER}: unknown argument {unknown[0]!r}; accepts {', '.join(ACCEPTS)}"
        )
    if not isinstance(kwargs.get("private", False), bool):
        raise _bad("private", kwargs["private"])
    scenario = kwargs.get("scenario", "default")
    if scenario not in SCENARIOS:
        raise _bad("scenario", scenario, "unknown scenario")
    subjects = kwargs.get("subjects")
    job_seconds = kwargs.get("job_seconds", JOB_SECONDS)
    if (
        isinstance(job_seconds, bool)
        or not isinstance(job_seconds, (int, float))
        or not (job_seconds >= 0 and math.isfinite(job_seconds))
    ):
        raise _bad("job_seconds", job_seconds)
    seed_from = kwargs.get("seed_from")
    if seed_from is not None:
        if not isinstance(seed_from, (str, Path)):
            raise _bad("seed_from", seed_from)
        seed_path = base_dir / seed_from
        if not seed_path.is_dir():
            raise _bad("seed_from", seed_from, f"{seed_path} is not a directory")
        seed_from = seed_path
    return SandboxOptions(
        scenario=scenario,
        subjects=None if subjects is None else _whole("subjects", subjects),
        latency_ms=_whole("latency_ms", kwargs.get("latency_ms", 0)),
        fault_rules=_rules(kwargs.get("fail", ())),
        job_seconds=float(job_seconds),
        seed_from=seed_from,
    )


def marker_message(error: SandboxConfigError) -> str:
    """A sandbox option error, worded for the marker argument it came from."""
    text = str(error)
    option, sep, rest = text.partition(": ")
    name = _CLI_OPTION.get(option)
    if not sep or name is None:
        return f"@pytest.mark.{MARKER}: {text}"
    return f"@pytest.mark.{MARKER}({name}=...): {rest}; accepts {ACCEPTS[name]}"
