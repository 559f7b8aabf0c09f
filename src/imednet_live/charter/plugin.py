"""The Live Test Charter as a pytest plugin, loaded for tests/live only (its pytest.ini).

What it enforces, so nobody has to by hand: the startup context is always printed
(on the controller, never a secret); every skip carries a charter category and a
skip the profile did not predict, or a predicted skip that did not happen, fails
the session; API and network failures say status, request and body or base URL;
what the SDK logged at WARNING+ travels with a failure (an API error it swallowed
names the failure), and into sdk.log otherwise; non-SDK warnings go to a log;
outcomes.json is written once, merged from all xdist workers; a read-only session
that wrote to the sandbox fails.

Workers classify (they hold the exception and the markers) and put what they learnt
into ``report.user_properties``; the controller judges and writes.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from imednet_live.charter.collection_hooks import CollectionHooks
from imednet_live.charter.collector import (
    OutcomeCollector,
)
from imednet_live.charter.context import RunContext
from imednet_live.charter.github_actions import ActionsFeedback
from imednet_live.charter.markers import (
    MARKERS,
)
from imednet_live.charter.report_hooks import ReportHooks
from imednet_live.charter.request_counter import RequestCounter
from imednet_live.charter.sdk_log import SdkLogCapture
from imednet_live.charter.session_hooks import SessionHooks
from imednet_live.charter.surface_gate import SurfaceGate
from imednet_live.charter.warning_origin import SdkOriginMarker
from imednet_live.core.settings import ConfigError

if TYPE_CHECKING:
    # pydantic (the outcome models) and httpx (the request counter's tap) are imported when
    # first needed, so a worker's start-up (collection) pays for neither.
    from imednet_live.charter.outcomes import TestOutcome, Violation

PLUGIN_NAME = "imednet-live-charter"


# pytest-xdist registers this marker; without it (``-p no:xdist``, the usual way to debug
# one test serially) --strict-markers would stop collection at test_airflow.py.
XDIST_GROUP_MARKER = "xdist_group(name): tests that share one xdist worker (inert without xdist)"


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    if not config.pluginmanager.hasplugin("xdist"):
        config.addinivalue_line("markers", XDIST_GROUP_MARKER)
    try:
        ctx = RunContext.from_env()
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    if ctx.sdk_contract_defect and not ctx.suite_disabled_reason:
        # Every test would fail on a missing attribute: one line instead, before any runs.
        raise pytest.UsageError(ctx.sdk_contract_defect)
    config.pluginmanager.register(CharterPlugin(config, ctx), PLUGIN_NAME)


class CharterPlugin(CollectionHooks, ReportHooks, SessionHooks):
    """The charter's hooks, one mixin per concern (charter/*_hooks.py), over one state.

    SessionHooks builds on WarningHooks: the session's end sorts the warnings.
    """

    def __init__(self, config: pytest.Config, ctx: RunContext) -> None:
        self.config = config
        self.ctx = ctx
        self.is_worker = hasattr(config, "workerinput")
        self.collector = OutcomeCollector()
        self.tests: list[TestOutcome] = []
        self.violations: list[Violation] = []
        self.sdk_warnings = 0
        self.other_warnings: list[str] = []
        self._other_warning_sites: set[tuple[str, str, int]] = set()
        self._sdk_warning_keys: set[tuple[str, str, int, str]] = set()
        self._recorded_warnings: list[tuple[tuple[str, str, int, str], type[Warning], str]] = []
        self._origin_marker = SdkOriginMarker()
        self._origin_marker.install()
        self.sdk_log = SdkLogCapture(ctx.redact)
        self.sdk_log.install()
        self.written: list[str] = []
        self._started = time.monotonic()  # wall time of the session, for the report
        self._requests = RequestCounter()  # this process's HTTP requests, from the first test
        self._worker_requests = 0  # summed from xdist workers on the controller
        # The SDK surface against its snapshot: here, before any worker starts or test runs.
        self.surface = SurfaceGate(config, enabled=not ctx.suite_disabled_reason)
        self.actions = ActionsFeedback(ctx.redact)  # annotations: under GitHub Actions only

    # -- startup context (charter section 7) ---------------------------------------

    def pytest_report_header(self) -> list[str]:
        return self.ctx.banner_lines()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self) -> None:
        """With -q or --no-header pytest prints no header; the charter says always."""
        terminal = self._terminal()
        header_hidden = self.config.get_verbosity() < 0 or self.config.getoption("no_header")
        if terminal is not None and header_hidden:
            for line in self.ctx.banner_lines():
                terminal.write_line(line)
        if not self.is_worker:
            self.surface.announce(terminal)

    # -- collection: markers, expectations, requires_absent ------------------------

    # -- the plugin's own, classified skips ----------------------------------------

    # -- classification and redaction, where the exception still exists ------------

    # -- warnings: SDK ones are shown, the rest are logged -------------------------

    # -- outcomes, merged on the controller ----------------------------------------

    # -- what the operator reads last ----------------------------------------------
