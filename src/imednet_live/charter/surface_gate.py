"""The live session's SDK surface check (sdk/surface_check.py): once, on the controller.

The controller checks at configure time, before any worker starts, and hands the result to
each xdist worker in its ``workerinput``: a worker never imports the SDK for it, and a
failure there is classified against the same findings. An undeclared change is one red
line at session start and a session violation, so the session is red even where no test
touches the member; a test that does fails as ``sdk-surface-change``, naming it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from imednet_live.charter.classification import (
    ASSERTION,
    OTHER,
    SDK_SURFACE_CHANGE,
    FailureInfo,
    surface_change_in,
)
from imednet_live.sdk import surface_check
from imednet_live.sdk.surface_check import SurfaceCheck

if TYPE_CHECKING:
    import pytest

    from imednet_live.charter.outcomes import Violation

WORKERINPUT_KEY = "imednet_live_surface_check"


class SurfaceGate:
    def __init__(self, config: pytest.Config, enabled: bool) -> None:
        """``enabled``: a live run that is not only collecting (else nothing is checked)."""
        self.result: SurfaceCheck | None = None
        workerinput = getattr(config, "workerinput", None)
        if workerinput is not None:
            given = workerinput.get(WORKERINPUT_KEY)
            self.result = SurfaceCheck.from_json(given) if given else None
        elif enabled and not config.option.collectonly:
            self.result = surface_check.check()

    def configure_node(self, node: Any) -> None:
        """xdist, on the controller: the worker gets the result instead of its own check."""
        if self.result is not None:
            node.workerinput[WORKERINPUT_KEY] = self.result.to_json()

    def announce(self, terminal: pytest.TerminalReporter | None) -> None:
        """The red line at session start (an annotation in CI), or what was compared."""
        if terminal is None or self.result is None:
            return
        line = self.result.line()
        if line:
            terminal.write_line(f"::error::{line}", red=True, bold=True)
        else:
            terminal.write_line(self.result.status())

    def classify(self, exc: BaseException, info: FailureInfo) -> FailureInfo:
        """``info``, unless the failure is an AttributeError/TypeError naming a finding."""
        if info.kind not in (ASSERTION, OTHER):
            return info
        return surface_change_in(exc, self.result) or info

    def violations(self) -> list[Violation]:
        from imednet_live.charter.outcomes import Violation

        line = self.result.line() if self.result is not None else None
        if not line:
            return []
        return [Violation(nodeid="(session)", category=SDK_SURFACE_CHANGE, message=line)]
