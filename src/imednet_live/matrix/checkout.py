"""Where a run's files live: the checkout, its constraints and reports, later SDK builds.

Every helper the noxfile calls takes a ``Checkout`` instead of importing the noxfile.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from imednet_live.core import env_vars
from imednet_live.core.settings import read_var


@dataclass(frozen=True)
class Checkout:
    root: Path
    reports: Path

    @classmethod
    def at(cls, root: Path, env: Mapping[str, str]) -> Checkout:
        """The checkout at ``root``; reports go to IMEDNET_LIVE_REPORTS_ROOT, else reports/."""
        reports = Path(read_var(env, env_vars.REPORTS_ROOT) or root / "reports").resolve()
        return cls(root, reports)

    @property
    def constraints(self) -> Path:
        return self.root / "constraints"

    @property
    def shared_sdk(self) -> Path:
        """Wheels of later SDK releases beside the checkout (sdk-matrix's default builds)."""
        return self.root.parent / "shared" / "sdk"

    def constraints_file(self, profile: str, python: str | None = None) -> Path:
        python = python or f"{sys.version_info.major}.{sys.version_info.minor}"
        return self.constraints / f"{profile}-py{python}.txt"

    def report_dir(self, session: str, profile: str | None = None, *, replay: bool = False) -> Path:
        """reports/<session>[-<profile>]: `live-readonly-core`, `live-mutating`, `smoke`.

        A replay reports apart (reports/replay/<session>/), next to the run it replays.
        """
        base = session.split("(")[0]
        name = base if profile in (None, base.rsplit("-", 1)[-1]) else f"{base}-{profile}"
        path = (self.reports / "replay" if replay else self.reports) / name
        path.mkdir(parents=True, exist_ok=True)
        return path
