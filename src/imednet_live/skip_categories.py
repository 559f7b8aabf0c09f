"""The charter's skip taxonomy (section 6) as data, importable without pytest.

Every skip in tests/live carries exactly one of these categories. The pytest plugin
turns anything else into ``unclassified``, which fails the run.
"""

from __future__ import annotations

from enum import Enum


class SkipCategory(str, Enum):
    SUITE_DISABLED = "suite-disabled"  # IMEDNET_RUN_E2E not 1, or credentials absent
    NO_ELIGIBLE_DATA = "no-eligible-data"  # discovery found no eligible entity
    MUTATION_NOT_ALLOWED = "mutation-not-allowed"  # IMEDNET_ALLOW_MUTATION not 1
    DEPENDENCY_MISSING = "dependency-missing"  # optional package not importable
    STUDY_TOO_LARGE = "study-too-large"  # a whole-study read over IMEDNET_LIVE_MAX_RECORDS
    UNCLASSIFIED = "unclassified"  # any other skip: a harness defect, fails the run

    def __str__(self) -> str:
        return self.value
