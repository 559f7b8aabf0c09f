"""``smoke/smoke.json``, the smoke gate's ``--report`` document, read for the matrix report.

The smoke run decides whether the live sessions can be trusted at all, so the report
shows it first. Only the fields the report shows are modelled and extra keys are
ignored: the smoke report may grow without breaking the matrix report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from imednet_live.report.merge import CellStatus, read_model
from imednet_live.smoke.exits import SmokeExit

SMOKE_FILE = Path("smoke") / "smoke.json"  # noxfile: reports/<session>/, session "smoke"

# The smoke script's exit codes, from the registry that imports neither the SDK nor pydantic.
EXIT_GREEN = int(SmokeExit.GREEN)
EXIT_RED = int(SmokeExit.RED)
EXIT_SKIP = int(SmokeExit.SKIP)

# Identifiers in discovery order (study, form, site, subject, interval); others follow.
IDENTIFIER_ORDER = (
    "study_key",
    "form_key",
    "form_id",
    "site_name",
    "site_id",
    "subject_key",
    "interval_name",
)


def format_seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


class _Tolerant(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SmokeTarget(_Tolerant):
    base_url: str | None = None


class SmokeScenario(_Tolerant):
    """One write scenario: ``status`` is completed, skipped, or a red one (failed, timed-out,
    unknown-state, api-contract, error)."""

    name: str
    status: str
    state: str | None = None
    batch_id: str | None = None
    job_id: str | None = None
    duration_s: float | None = None
    detail: str | None = None

    @property
    def cell_status(self) -> CellStatus:
        """The grid's colours: completed passes, skipped skips, anything else failed."""
        if self.status == "completed":
            return CellStatus.PASS
        if self.status == "skipped":
            return CellStatus.EXPECTED_SKIP
        return CellStatus.FAIL

    @property
    def outcome(self) -> str:
        """Status and the job's final state, without repeating them when they agree."""
        if not self.state or self.state.lower() == self.status.lower():
            return self.status
        return f"{self.status} ({self.state})"


class SmokeGate(_Tolerant):
    """What the report needs from smoke.json; ``exit_code`` and ``reason`` are always written."""

    exit_code: int
    reason: str
    target: SmokeTarget = Field(default_factory=SmokeTarget)
    identifiers: dict[str, Any] = Field(default_factory=dict)
    scenarios: list[SmokeScenario] = Field(default_factory=list)
    duration_s: float | None = None
    timeout_s: float | None = None

    @property
    def status(self) -> CellStatus:
        if self.exit_code == EXIT_GREEN:
            return CellStatus.PASS
        if self.exit_code == EXIT_SKIP:
            return CellStatus.EXPECTED_SKIP
        return CellStatus.FAIL

    @property
    def meaning(self) -> str:
        """The charter's reading of the exit code (docs/smoke.md, "Exit codes")."""
        code = SmokeExit.of(self.exit_code)
        if code is None:
            return f"red: unknown exit code {self.exit_code}"
        return f"{code.label}: {code.summary}"

    @property
    def duration_text(self) -> str:
        """How long smoke ran and, when it was given one, its job timeout."""
        timeout = "" if self.timeout_s is None else f" (job timeout {self.timeout_s:g} s)"
        return format_seconds(self.duration_s) + timeout

    def ordered_identifiers(self) -> list[tuple[str, str]]:
        known = [k for k in IDENTIFIER_ORDER if k in self.identifiers]
        rest = sorted(k for k in self.identifiers if k not in IDENTIFIER_ORDER)
        return [(key, _scalar(self.identifiers[key])) for key in (*known, *rest)]


def _scalar(value: Any) -> str:
    return "-" if value is None else str(value)


def load_smoke_gate(reports_dir: Path) -> SmokeGate | None:
    """None when smoke did not run here; a corrupt file is an input error, like outcomes."""
    path = reports_dir / SMOKE_FILE
    if not path.exists():
        return None
    return read_model(path, SmokeGate, "smoke report", "re-run `nox -s smoke` or delete that file")
