"""Where a run points: the real iMednet API or the embedded sandbox, decided in one place.

Pure standard library, because the noxfile resolves the target before any venv exists.
A forced ``live`` target without credentials is an error, never a silent fallback:
a scheduled CI run that lost its secrets must go red.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from imednet_live.core.env_vars import API_KEY, REPLAY_DIR, SECURITY_KEY, TARGET
from imednet_live.core.settings import ConfigError, read_var

DEFAULT_REPLAY_DIR = "reports"


class TargetKind(str, Enum):
    LIVE = "live"
    SANDBOX = "sandbox"
    REPLAY = "replay"  # a recorded run, served in-process with the network blocked

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    reason: str
    recording: str | None = None  # replay: the directory the recordings are read from

    def describe(self) -> str:
        """The line every session prints first."""
        return f"target: {self.kind} ({self.reason})"


def resolve_target(env: Mapping[str, str]) -> Target:
    """Decide from credentials and ``IMEDNET_TARGET``; ConfigError on a contradiction."""
    forced = (read_var(env, TARGET) or "").lower()
    present = [name for name in (API_KEY, SECURITY_KEY) if read_var(env, name)]
    missing = [name for name in (API_KEY, SECURITY_KEY) if name not in present]

    if forced not in ("", *(kind.value for kind in TargetKind)):
        raise ConfigError(
            f"{TARGET} must be 'live', 'sandbox' or 'replay', not {env.get(TARGET)!r}; "
            "unset it to choose by credentials"
        )
    if forced == TargetKind.REPLAY.value:
        recording = read_var(env, REPLAY_DIR) or DEFAULT_REPLAY_DIR
        return Target(
            TargetKind.REPLAY,
            f"forced by {TARGET}=replay, recordings from {recording}; no network, no credentials",
            recording,
        )
    if forced == TargetKind.SANDBOX.value:
        return Target(TargetKind.SANDBOX, f"forced by {TARGET}=sandbox")
    if forced == TargetKind.LIVE.value:
        if missing:
            raise ConfigError(
                f"{TARGET}=live but {' and '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} not set; "
                "provide the credentials (CI: check the repository secrets)"
            )
        return Target(TargetKind.LIVE, f"forced by {TARGET}=live")
    if len(present) == 2:
        return Target(TargetKind.LIVE, "credentials are set")
    if present:
        raise ConfigError(
            f"{present[0]} is set but {missing[0]} is not; set both for the live API, "
            f"or neither for the sandbox (or set {TARGET}=sandbox)"
        )
    return Target(TargetKind.SANDBOX, "no credentials set")
