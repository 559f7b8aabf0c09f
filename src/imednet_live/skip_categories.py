"""The charter's skip taxonomy (section 6) as data, importable without pytest.

Every skip in tests/live carries exactly one of these categories (an xfail of a test
marked ``sdk_defect`` is ``known-sdk-defect``). The pytest plugin
turns anything else into ``unclassified``, which fails the run. Each member carries
the condition and outcome the docs tables (``nox -s docs``) are rendered from.
"""

from __future__ import annotations

from imednet_live.explained_enum import ExplainedEnum


class SkipCategory(ExplainedEnum):
    """A skip category: ``value`` is its name; ``condition``, ``outcome`` and ``action`` explain it.

    Adding one is one line below (value, condition, outcome, what the operator does),
    then ``nox -s docs``.
    """

    SUITE_DISABLED = (
        "suite-disabled",
        "`IMEDNET_RUN_E2E` is not `1`, or a credential is unset",
        "the whole suite skips, with one message",
        "nothing: not a live run; set `IMEDNET_RUN_E2E=1` and both keys to run",
    )
    NO_ELIGIBLE_DATA = (
        "no-eligible-data",
        "discovery finds no eligible entity",
        "one test skips (e.g. `No active sites for study ABC123`); a violation against the sandbox",
        "populate or activate the entity, or pin `IMEDNET_STUDY_KEY` to a prepared study",
    )
    MUTATION_NOT_ALLOWED = (
        "mutation-not-allowed",
        "the test writes and `IMEDNET_ALLOW_MUTATION` is not `1`",
        "one test skips",
        "nothing (intentional); a violation only if the profile allows writes",
    )
    DEPENDENCY_MISSING = (
        "dependency-missing",
        "an optional package (pandas, pyarrow, openpyxl, sqlalchemy, airflow) cannot be imported",
        "one test skips, naming the first missing package",
        "expected in `core`; elsewhere a broken install: `python -m imednet_live.profile_check`",
    )
    STUDY_TOO_LARGE = (
        "study-too-large",
        "a test must walk a whole resource (an SDK helper with no bounded call) and the study "
        "holds more than `IMEDNET_LIVE_MAX_RECORDS` items",
        "one test skips, naming the study's size and the limit",
        "nothing: the run's cost stays bounded; raise `IMEDNET_LIVE_MAX_RECORDS` to prove "
        "the helper on the whole study",
    )
    KNOWN_SDK_DEFECT = (
        "known-sdk-defect",
        "a test marked `sdk_defect(reason)` fails: the SDK release has the defect it names",
        "one test xfails (strict), counted as a known SDK defect, never a violation; "
        "if it passes, the session fails naming the fixed defect",
        "nothing until the SDK fixes it; when it passes, remove the `sdk_defect` marker",
    )
    SDK_SURFACE_CHANGE = (
        "sdk-surface-change",
        "the contract test of a declared SDK surface change fails on a build that has it "
        "(`sdk_surface_change(key)`, sdk/surface_changes.py)",
        'one test per change xfails (strict), listed under "SDK surface changes in this '
        'build", never a violation; if it passes, the session fails: the change is not there',
        "adapt user code to the change; when the build reverts it, fix its detection",
    )
    DEPENDENCY_BREAK = (
        "dependency-break",
        "a test marked `dependency_break(key)` fails where the installed versions have the "
        "declared break (sdk/dependency_breaks.py; e.g. under `IMEDNET_LIVE_RESOLUTION=latest`)",
        'one test xfails (strict), listed under "Dependency breaks" naming the package, its '
        "installed and locked versions and the bound that works; if it passes, the session "
        "fails naming the break",
        "pin the dependency to the bound that works, or move to an SDK release that fixed it",
    )
    UNCLASSIFIED = (
        "unclassified",
        "any other skip: plain `pytest.skip`, `importorskip`, `skipif` or an `xfail` "
        "without `sdk_defect`",
        "a violation: the session fails",
        "skip through `imednet_live.skips` helpers or the markers",
    )
