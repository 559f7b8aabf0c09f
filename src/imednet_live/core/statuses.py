"""Status folding for write eligibility (charter section 4), shared by discovery and the sandbox.

One rule in one place: the sandbox accepts a write at exactly the sites discovery picks,
whatever the environment's spelling (``Enrollment Open``, ``ENROLLMENT_OPEN``).
Pure standard library, so the sandbox can use it without the SDK.
"""

from __future__ import annotations

import re

# The charter's write vocabularies (section 4, "Acceptable status values"), normalised.
WRITABLE_SITE_STATUSES: frozenset[str] = frozenset({"active", "enrollment_open"})
WRITABLE_SUBJECT_STATUSES: frozenset[str] = frozenset(
    {"active", "registered", "baseline", "enrolled"}
)

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_status(status: str | None) -> str:
    """Fold case and separators: ``Enrollment Open`` == ``ENROLLMENT-OPEN`` == ``enrollment_open``.

    Only spelling is folded; comparison stays whole-value equality, so ``Inactive``
    can never match ``active``.
    """
    return _SEPARATORS.sub("_", (status or "").strip().casefold()).strip("_")


def is_open_site_status(status: str | None) -> bool:
    """A site with this enrollment status accepts writes (registrations)."""
    return normalise_status(status) in WRITABLE_SITE_STATUSES


def is_writable_subject_status(status: str | None) -> bool:
    """A subject with this status may receive new records."""
    return normalise_status(status) in WRITABLE_SUBJECT_STATUSES
