"""Which skips a session may have: the charter's table plus our stricter rules.

Stricter than the charter: a skip nobody classified, a skip the profile did not
predict, and a predicted skip that did not happen all fail the session, because each
one means the run proved less than it claims (a broken install, a leaky profile, a
mutating test that wrote in a read-only run).
"""

from __future__ import annotations

from imednet_live.charter.context import RunContext
from imednet_live.charter.markers import Requirements
from imednet_live.profiles import DISTRIBUTIONS
from imednet_live.skip_categories import SkipCategory

_IMPORT_NAME = {dist: name for name, dist in DISTRIBUTIONS.items()}


def expected_skip_for(requirements: Requirements, ctx: RunContext) -> SkipCategory | None:
    """The one skip this session must show for a test, or None when it must run."""
    if ctx.suite_disabled_reason:
        return SkipCategory.SUITE_DISABLED
    if any(surface in ctx.sdk_missing for surface in requirements.sdk_surfaces):
        # The build lacks it: the profile check already proved the install is the selection.
        return SkipCategory.DEPENDENCY_MISSING
    profile = ctx.expectation_profile
    return profile.expected_skip(requires=requirements.requires, mutating=requirements.mutating)


def skip_violation(category: str, expected: str | None, ctx: RunContext) -> str | None:
    """Why a skip breaks the charter, or None when the profile predicted it."""
    if category == SkipCategory.UNCLASSIFIED:
        return (
            "unclassified skip (plain pytest.skip, importorskip, skipif or an xfail "
            "without sdk_defect); live tests skip only through imednet_live.skips"
        )
    if category == expected:
        return None
    known = (
        SkipCategory.KNOWN_SDK_DEFECT,
        SkipCategory.SDK_SURFACE_CHANGE,
        SkipCategory.DEPENDENCY_BREAK,
    )
    if category in known and expected is None:
        return None  # the test ran and failed as its sdk_defect marker says it must
    if category == SkipCategory.NO_ELIGIBLE_DATA and expected is None:
        if not ctx.sandbox_is_seeded_default:
            return None  # environment drift (a real target, a sparse scenario): allowed
        return "no-eligible-data skip against the sandbox: its seed must cover every test"
    if category == SkipCategory.STUDY_TOO_LARGE and expected is None:
        if not ctx.sandbox_is_seeded_default:
            return None  # a big study (real, or a scaled sandbox): the declared limit holds
        return (
            "study-too-large skip against the sandbox: its seed must fit "
            "IMEDNET_LIVE_MAX_RECORDS (or scale it with IMEDNET_LIVE_SANDBOX_SUBJECTS)"
        )
    wanted = f"a {expected} skip" if expected else "it to run"
    return f"skipped as {category}, but {_profile_name(ctx)} expects {wanted}"


def run_violation(outcome: str, expected: str | None, ctx: RunContext) -> str | None:
    """Why a test that ran breaks the charter (it should have skipped), or None."""
    if expected is None:
        return None
    return f"{outcome}, but {_profile_name(ctx)} expects a {expected} skip: it should not have run"


def module_skip_violation(category: str, message: str, ctx: RunContext) -> str | None:
    """Judge a whole module skipped at import, whose markers are unknown."""
    if category == SkipCategory.UNCLASSIFIED:
        return skip_violation(category, None, ctx)
    if ctx.suite_disabled_reason:
        expected: str | None = SkipCategory.SUITE_DISABLED
    elif category == SkipCategory.DEPENDENCY_MISSING:
        named = [name for dist, name in _IMPORT_NAME.items() if f"'{dist}'" in message]
        packages = ctx.expectation_profile.packages
        expected = None if any(n in packages for n in named) else SkipCategory.DEPENDENCY_MISSING
    elif category == SkipCategory.MUTATION_NOT_ALLOWED:
        allowed = ctx.expectation_profile.allow_mutation
        expected = None if allowed else SkipCategory.MUTATION_NOT_ALLOWED
    else:
        expected = None
    return skip_violation(category, expected, ctx)


def _profile_name(ctx: RunContext) -> str:
    return f"profile {ctx.profile.name}" if ctx.profile else "this environment"
