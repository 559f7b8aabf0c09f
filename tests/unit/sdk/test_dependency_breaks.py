"""The declared dependency breaks detect themselves on the installed packages.

The unit venv holds the lock (click 8.1.8, typer 0.15.4): the click 8.2 break is absent;
given click 8.2's ``make_metavar(self, ctx)`` beside typer 0.15's, it is present.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

import click
import pytest

from imednet_live.sdk import dependency_breaks

CLICK_BREAK = dependency_breaks.get("cli_click_8_2")


def test_under_the_lock_the_click_break_is_absent() -> None:
    assert metadata.version("click").startswith("8.1.")
    assert CLICK_BREAK.present() is False


def test_click_8_2s_make_metavar_beside_typer_0_15_is_the_break(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def make_metavar(self: Any, ctx: click.Context) -> str:  # click 8.2's signature
        return ""

    monkeypatch.setattr(click.Parameter, "make_metavar", make_metavar)
    assert CLICK_BREAK.present() is True


def test_the_reason_names_the_package_both_versions_and_the_bound() -> None:
    installed = metadata.version("click")
    reason = CLICK_BREAK.reason({"click": "8.0.0"})
    assert reason.startswith(f"dependency break: click {installed} (lock: 8.0.0) breaks SDK 0.5.0")
    assert "make_metavar() missing 1 required positional argument: 'ctx'" in reason
    assert "works with click<8.2" in reason
    assert "(lock: not locked)" in CLICK_BREAK.reason({})


def test_an_unknown_key_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        dependency_breaks.get("nope")
