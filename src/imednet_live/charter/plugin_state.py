"""What the charter plugin's hooks share: its state, and the names its processes exchange.

The hooks are mixins over this one state (collection, report, warning and session hooks),
composed into ``CharterPlugin`` in plugin.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from imednet_live.charter.markers import Requirements, SdkDefect

if TYPE_CHECKING:
    from imednet_live.charter.collector import OutcomeCollector
    from imednet_live.charter.context import RunContext
    from imednet_live.charter.github_actions import ActionsFeedback
    from imednet_live.charter.outcomes import TestOutcome, Violation
    from imednet_live.charter.request_counter import RequestCounter
    from imednet_live.charter.sdk_log import SdkLogCapture
    from imednet_live.charter.surface_gate import SurfaceGate
    from imednet_live.charter.warning_origin import SdkOriginMarker

WARNINGS_FILE = "warnings.log"
_REQUIREMENTS = pytest.StashKey[Requirements]()
_SDK_DEFECT = pytest.StashKey[SdkDefect]()
# What an xdist worker hands the controller in its workeroutput.
_SDK_WARNINGS_OUTPUT = "imednet_live_sdk_warnings"
_API_REQUESTS_OUTPUT = "imednet_live_api_requests"


class PluginState:
    """The attributes ``CharterPlugin.__init__`` sets, declared for every hook mixin."""

    config: pytest.Config
    ctx: RunContext
    is_worker: bool
    collector: OutcomeCollector
    tests: list[TestOutcome]
    violations: list[Violation]
    sdk_warnings: int
    other_warnings: list[str]
    _other_warning_sites: set[tuple[str, str, int]]
    _sdk_warning_keys: set[tuple[str, str, int, str]]
    _recorded_warnings: list[tuple[tuple[str, str, int, str], type[Warning], str]]
    _origin_marker: SdkOriginMarker
    sdk_log: SdkLogCapture
    written: list[str]
    _started: float
    _requests: RequestCounter
    _worker_requests: int
    surface: SurfaceGate
    actions: ActionsFeedback

    def _terminal(self) -> pytest.TerminalReporter | None:
        return self.config.pluginmanager.get_plugin("terminalreporter")
