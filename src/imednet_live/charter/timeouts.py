"""A test that ran over its time limit (pytest-timeout), told as the charter tells failures.

pytest-timeout's ``signal`` method (tests/live/pytest.ini) fails the test with its own
``Timeout (>Ns) from pytest-timeout.``; that names neither the request the test waited on
nor the target. This turns it into one line that does, from the requests the session's
counter (``RequestCounter``) saw leave and not come back.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from imednet_live.charter.classification import TIMEOUT, FailureInfo
from imednet_live.redaction import safe_url

if TYPE_CHECKING:
    import httpx

# pytest_timeout.PYTEST_FAILURE_MESSAGE, "Timeout (>%ss) from pytest-timeout."
_PYTEST_TIMEOUT = re.compile(r"Timeout \(>(?P<seconds>.+?)s\) from pytest-timeout\.")
LIMIT_HINT = "timeout in tests/live/pytest.ini; PYTEST_TIMEOUT=<seconds> or --timeout changes it"


def timeout_limit(exc: BaseException) -> str | None:
    """The limit in seconds when ``exc`` is pytest-timeout's failure, else None."""
    if not isinstance(exc, pytest.fail.Exception):
        return None
    found = _PYTEST_TIMEOUT.fullmatch(str(exc.msg).strip())
    if found is None:
        return None
    seconds = found["seconds"]
    return seconds[:-2] if seconds.endswith(".0") else seconds


def _origin(url: httpx.URL) -> str:
    return safe_url(f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}")


def describe_timeout(
    exc: BaseException, in_flight: list[httpx.Request], base_url: str
) -> FailureInfo | None:
    """The charter's message for a timed-out test, or None for any other failure."""
    seconds = timeout_limit(exc)
    if seconds is None:
        return None
    base = safe_url(base_url)
    if not in_flight:
        headline = (
            f"timeout: the test ran over its {seconds} s limit with no API request in flight "
            "(the test or the SDK hung between requests)"
        )
        details = f"limit: {seconds} s ({LIMIT_HINT})\nrequest in flight: none"
        return FailureInfo(TIMEOUT, headline, details)
    request = in_flight[-1]
    target = _origin(request.url)
    configured = "" if target == base else f"; IMEDNET_BASE_URL is {base}"
    more = f" (+{len(in_flight) - 1} more in flight)" if len(in_flight) > 1 else ""
    headline = (
        f"timeout: no answer to {request.method} {request.url.path} on {target} within the "
        f"test's {seconds} s limit{more}{configured}"
    )
    details = "\n".join(
        [
            f"limit: {seconds} s ({LIMIT_HINT})",
            *(f"request in flight: {r.method} {r.url.path} on {_origin(r.url)}" for r in in_flight),
            f"IMEDNET_BASE_URL: {base}",
            "check that the target is up and answering (a slow target: raise the limit)",
        ]
    )
    return FailureInfo(TIMEOUT, headline, details)
