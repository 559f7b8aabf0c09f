"""Tell the SDK's own warnings (shown to operators) from everyone else's (logged to a file).

The SDK warns with ``stacklevel=2``, which attributes its warnings to the *caller's*
file, so the recorded filename cannot say who warned. ``SdkOriginMarker`` looks at the
frame that actually called ``warnings.warn`` while the warning is being emitted and
tags the warning; the filename and message checks cover warnings emitted elsewhere
about SDK code (e.g. a deprecated import the SDK performs).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

SDK_ORIGIN = "imednet_live_sdk_origin"  # attribute set on tagged warnings.WarningMessage
_NAMES_SDK = re.compile(r"\bimednet\b(?![_-]live)")


def _sdk_dir() -> str:
    """Where the SDK is installed, found without importing it (that would pull pandas)."""
    spec = importlib.util.find_spec("imednet")
    locations = list(spec.submodule_search_locations or []) if spec else []
    return str(Path(locations[0]).resolve()) if locations else "\0no-sdk"


_SDK_DIR = _sdk_dir()


def is_sdk_warning(filename: str, category: type[Warning] | None, message: str) -> bool:
    """Attributed to an SDK file, an SDK warning class, or naming the SDK in its text."""
    if filename and str(Path(filename).resolve()).startswith(_SDK_DIR):
        return True
    if category is not None and category.__module__.split(".")[0] == "imednet":
        return True
    return _NAMES_SDK.search(message) is not None


def _warned_by_sdk() -> bool:
    # 0: this function, 1: the hook, 2: whoever called warn()
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") == "warnings":
        frame = frame.f_back  # the pure-Python warnings fallback adds its own frames
    name = str(frame.f_globals.get("__name__", "")) if frame is not None else ""
    return name == "imednet" or name.startswith("imednet.")


class SdkOriginMarker:
    """Wraps ``warnings._showwarnmsg`` (the hook every emitted warning passes through)."""

    def __init__(self) -> None:
        self._original: Callable[[Any], None] | None = None

    def _show(self, message: Any) -> None:
        if _warned_by_sdk():
            setattr(message, SDK_ORIGIN, True)
        assert self._original is not None
        self._original(message)

    def install(self) -> None:
        self._original = warnings._showwarnmsg  # type: ignore[attr-defined]
        warnings._showwarnmsg = self._show  # type: ignore[attr-defined]

    def uninstall(self) -> None:
        if self._original is not None and warnings._showwarnmsg == self._show:  # type: ignore[attr-defined]
            warnings._showwarnmsg = self._original  # type: ignore[attr-defined]
        self._original = None
