"""How a test's outcome reads when a dependency, not the SDK or the harness, is the cause.

A declared break (``@pytest.mark.dependency_break(key)``, sdk/dependency_breaks.py) is a
strict xfail only when the failure shows its symptom; a failure of another cause is no
such break and stays red, named. Under ``latest``/``lowest`` an undeclared failure whose
traceback runs through a dependency that moved from the lock is classified
``dependency-break`` naming it, never ``other``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata

import pytest

from imednet_live.charter.classification import (
    DEPENDENCY_BREAK,
    DEPENDENCY_BREAK_GONE,
    FailureInfo,
    _chain,
)
from imednet_live.charter.markers import SdkDefect
from imednet_live.sdk.resolution import Difference
from imednet_live.sdk.selection import DISTRIBUTION_NAMES


def symptom_missing(
    report: pytest.TestReport, exc: BaseException | None, defect: SdkDefect
) -> str | None:
    """Why an xfailed declared break is not the declared one (None: it is)."""
    if not defect.dependency_break or defect.symptom is None:
        return None
    shown = f"{exc if exc is not None else ''}\n{report.longreprtext}"
    if defect.symptom in shown:
        return None
    first = (str(exc).strip().splitlines() or ["failed"])[0] if exc is not None else "failed"
    return (
        f"the declared dependency break does not show ({defect.reason}): the test failed "
        f"otherwise: {first[:300]}"
    )


def fail_as_gone(report: pytest.TestReport, line: str, props: list[tuple[str, object]]) -> None:
    """The declared break does not explain the outcome: red, naming it."""
    from imednet_live.charter.collector import PROP_FAILURE, PROP_FAILURE_KIND

    report.outcome = "failed"
    if hasattr(report, "wasxfail"):
        del report.wasxfail
    props.append((PROP_FAILURE_KIND, DEPENDENCY_BREAK_GONE))
    props.append((PROP_FAILURE, line))
    report.longrepr = line


def passed_line(defect: SdkDefect) -> str:
    return (
        f"declared dependency break absent: {defect.reason}: the test passes (strict XPASS); "
        "fix its detection in sdk/dependency_breaks.py, or remove it if the dependency fixed it"
    )


def undeclared(
    exc: BaseException, differences: Sequence[Difference], failed_with: str
) -> FailureInfo | None:
    """A failure that runs through a dependency the resolution moved away from the lock."""
    # The SDK's own distributions are the build under test, not a dependency of it.
    dependencies = [d for d in differences if d.name not in DISTRIBUTION_NAMES]
    moved = culprit(exc, dependencies)
    if moved is None:
        return None
    then = (failed_with.strip().splitlines() or ["failed"])[0][:300]
    headline = (
        f"dependency break: {moved.name} {moved.installed} (lock: {moved.locked or 'not locked'}) "
        f"is in the failure's traceback: {then}"
    )
    details = (
        f"{moved.name} moved from the lock ({moved.locked or 'not locked'}) to {moved.installed}; "
        "run the test under IMEDNET_LIVE_RESOLUTION=locked: if it passes there, declare the "
        "break in sdk/dependency_breaks.py with the bound that works"
    )
    return FailureInfo(DEPENDENCY_BREAK, headline, details)


# The test runner's own frames sit outside every test's code: never the culprit.
_RUNNER = frozenset(
    {pytest.Item.__module__.partition(".")[0], "pytest", "pluggy", "xdist", "execnet"}
)


def culprit(exc: BaseException, differences: Sequence[Difference]) -> Difference | None:
    """The innermost package of the failure's traceback that differs from the lock."""
    moved = {d.name: d for d in differences if d.installed}
    if not moved:
        return None
    owners = _owners()
    found: Difference | None = None
    for current in _chain(exc):
        tb = current.__traceback__
        while tb is not None:
            top = str(tb.tb_frame.f_globals.get("__name__", "")).split(".")[0]
            for dist in () if top in _RUNNER else owners.get(top, ()):
                found = moved.get(dist, found)
            tb = tb.tb_next
    return found


def _owners() -> dict[str, list[str]]:
    """Top-level import name -> canonical distribution names."""
    from packaging.utils import canonicalize_name

    return {
        top: [canonicalize_name(d) for d in dists]
        for top, dists in metadata.packages_distributions().items()
    }
