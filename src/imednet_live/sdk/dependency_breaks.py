"""Known dependency breaks: an SDK build that a newer release of one of its dependencies breaks.

Declared as data, as the known SDK defects are (sdk/surface_changes.py). A test marked
``@pytest.mark.dependency_break(key)`` is a strict expected failure where ``present``
says the installed versions have the break (classified ``dependency-break``, naming the
package, its installed and locked versions and the bound that works), and an ordinary
test elsewhere: under the lock it must pass, and a build or resolution without the break
runs it as usual. Where ``present`` holds but the test passes, the session fails naming
the break (its detection is wrong, or the dependency fixed it).

``present`` is feature detection on the installed packages, never a version string; the
versions are only named.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class DependencyBreak:
    key: str
    package: str  # the dependency whose release breaks the build
    breaks: str  # what breaks, and from which release of ``package``
    works: str  # the bound that works
    symptom: str  # text the failure shows (a declared break that fails otherwise is red)
    present: Callable[[], bool]

    def reason(self, locked: Mapping[str, str]) -> str:
        """One line naming the package and both versions (installed, and the lock's)."""
        installed = _version(self.package)
        lock = locked.get(self.package) or "not locked"
        return (
            f"dependency break: {self.package} {installed} (lock: {lock}) breaks {self.breaks}: "
            f"{self.symptom}; works with {self.works}"
        )


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _takes_ctx(method: object) -> bool:
    try:
        return "ctx" in inspect.signature(method).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _typer_cli_under_click_8_2() -> bool:
    """A typer CLI whose typer predates click 8.2's ``make_metavar(ctx)``."""
    from imednet_live.sdk import compat

    try:
        import click
        import typer.core

        if not compat.cli_is_click(compat.cli_entry()):
            return False
    except ImportError:
        return False
    click_needs_ctx = _takes_ctx(click.Parameter.make_metavar)
    return click_needs_ctx and not _takes_ctx(typer.core.TyperArgument.make_metavar)


BREAKS: tuple[DependencyBreak, ...] = (
    DependencyBreak(
        "cli_click_8_2",
        "click",
        "SDK 0.5.0's typer CLI (it allows typer>=0.15.2,<0.16, and typer 0.15.3 allows any "
        "click) from click 8.2: `imednet --help` and every usage text",
        "click<8.2 (typer 0.15.4 pins it), or typer>=0.16 (which SDK 0.5.0 excludes)",
        "Parameter.make_metavar() missing 1 required positional argument: 'ctx'",
        _typer_cli_under_click_8_2,
    ),
)

_BREAKS = {b.key: b for b in BREAKS}


def get(key: str) -> DependencyBreak:
    """The declared break ``key``; KeyError names the unknown key for the marker check."""
    return _BREAKS[key]
