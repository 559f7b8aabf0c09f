"""What an environment variable's registry entry says, and its ``--help`` rendering.

The entries themselves are ``env_vars.ENV_VARS``; the docs tables render them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class VarScope(str, Enum):
    """Who defines a variable's meaning."""

    CHARTER = "charter"  # the Live Test Charter, section 4
    HARNESS = "harness"  # ours: the nox sessions, the smoke script or the live suite
    SANDBOX = "sandbox"  # ours: shapes the embedded sandbox a session starts


class Reader(str, Enum):
    """Which part of the project reads a variable."""

    NOX = "nox"  # the noxfile, before any session venv exists
    SMOKE = "smoke"  # scripts/post_smoke_record.py
    LIVE = "live suite"  # tests/live and its pytest plugin
    REPORT = "report"  # python -m imednet_live.report (nox -s report)


@dataclass(frozen=True)
class EnvVar:
    """One environment variable: the docs tables and ``--help`` texts are rendered from these."""

    name: str
    meaning: str
    scope: VarScope
    read_by: tuple[Reader, ...]
    required: bool = False
    default: str = "unset"
    set_by_nox: bool = False  # the nox sessions set it; set it yourself only outside nox


def env_help(variables: Iterable[EnvVar]) -> str:
    """Indented ``--help`` lines: name, meaning, and whether it is required or its default."""
    rows = list(variables)
    width = max((len(v.name) for v in rows), default=0)
    return "\n".join(
        f"  {v.name:<{width}}  {v.meaning} "
        f"({'required' if v.required else f'default: {v.default}'})".replace("`", "")
        for v in rows
    )
