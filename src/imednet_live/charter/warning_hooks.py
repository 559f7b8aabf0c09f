"""Warnings: the SDK's are shown, the rest are logged; requests are counted."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import pytest

from imednet_live.charter.plugin_state import _API_REQUESTS_OUTPUT, _SDK_WARNINGS_OUTPUT
from imednet_live.charter.warning_origin import SDK_ORIGIN, is_sdk_warning

if TYPE_CHECKING:
    # pydantic (the outcome models) and httpx (the request counter's tap) are imported when
    # first needed, so a worker's start-up (collection) pays for neither.
    pass

from imednet_live.charter.plugin_state import PluginState


class WarningHooks(PluginState):
    """Warnings: the SDK's are shown, the rest are logged; requests are counted."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_warning_recorded(
        self, warning_message: warnings.WarningMessage, nodeid: str
    ) -> None:
        text = str(warning_message.message)
        clean = self.ctx.redact(text)
        if clean != text:  # before the terminal, xdist or anyone else sees it
            warning_message.message = _same_kind(warning_message.category, clean)
        key = (nodeid, str(warning_message.filename), int(warning_message.lineno or 0), clean)
        if getattr(warning_message, SDK_ORIGIN, False):
            self._sdk_warning_keys.add(key)
        if not self.is_worker:
            formatted = warnings.formatwarning(
                clean, warning_message.category, warning_message.filename, warning_message.lineno
            )
            self._recorded_warnings.append((key, warning_message.category, formatted.rstrip()))

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist: each worker gets the controller's surface check, not its own."""
        self.surface.configure_node(node)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any) -> None:
        """xdist: a worker's tagged SDK warnings arrive in its workeroutput."""
        output = getattr(node, "workeroutput", None) or {}
        self._sdk_warning_keys.update(tuple(k) for k in output.get(_SDK_WARNINGS_OUTPUT, []))
        self._worker_requests += int(output.get(_API_REQUESTS_OUTPUT, 0))

    @property
    def api_requests(self) -> int:
        """HTTP requests this session sent: the controller's own plus every worker's."""
        return self._requests.count + self._worker_requests

    def _sort_warnings(self) -> None:
        for key, category, formatted in self._recorded_warnings:
            nodeid, filename, _, text = key
            if key in self._sdk_warning_keys or is_sdk_warning(filename, category, text):
                self.sdk_warnings += 1
            else:
                self._other_warning_sites.add(key[:3])
                self.other_warnings.append(f"{nodeid or '(session)'}: {formatted}")

    def _hide_other_warnings(self) -> None:
        terminal = self._terminal()
        if terminal is None or "warnings" not in terminal.stats:
            return
        terminal.stats["warnings"] = [
            w
            for w in terminal.stats["warnings"]
            if (w.nodeid, str(w.fslocation[0]), int(w.fslocation[1] or 0))
            not in self._other_warning_sites
        ]
        if not terminal.stats["warnings"]:
            del terminal.stats["warnings"]


def _same_kind(category: type[Warning], text: str) -> Warning | str:
    try:
        return category(text)
    except Exception:  # an exotic constructor: the redacted text is what matters
        return text
