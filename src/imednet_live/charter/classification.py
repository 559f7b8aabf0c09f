"""Turn a failed test's exception into what the charter says an operator must see.

An SDK ``ApiError`` knows its status and body but not the request; the request is
still reachable as the ``httpx.Response`` local of the innermost traceback frame
(``imednet.core.http.handlers.handle_response``), so method and path come from there.

Where the SDK caught an API error itself and only logged it (SDK 0.5.0
``RecordMapper._fetch_records``), the error is found in the log record's arguments:
the test then failed on data, but the cause is the swallowed API error.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from imednet_live.explained_enum import ExplainedEnum
from imednet_live.redaction import safe_url
from imednet_live.sdk import compat as sdk_compat
from imednet_live.sdk import surface_check
from imednet_live.sdk.surface_check import SurfaceCheck

if TYPE_CHECKING:
    import httpx


class FailureKind(ExplainedEnum):
    """How a failed test failed (``TestOutcome.failure_kind``), what it means and what to do.

    Adding one is one line below (value, condition, what the operator sees, what to do),
    then ``nox -s docs``.
    """

    API_ERROR = (
        "api-error",
        "the API returned 4xx/5xx",
        "fail: SDK error class, status, method, path and response body",
        "401: keys wrong or expired. 403: study not accessible. 404: entity deleted. "
        "400: the request or the API changed. 5xx/429: server side; retry, check its logs",
    )
    NETWORK_ERROR = (
        "network-error",
        "network error, timeout, connection refused",
        "fail: names the unreachable URL and `IMEDNET_BASE_URL`",
        "check `IMEDNET_BASE_URL`, that the target is up, and network access",
    )
    TIMEOUT = (
        "timeout",
        "the test ran over its time limit (pytest-timeout, `timeout` in tests/live/pytest.ini)",
        "fail: timeout: no answer to <METHOD> <path> on <target> within <N> s (or: no request "
        "in flight, the test itself hung)",
        "a request in flight: the target is slow or down (check it, as for network-error); "
        "none: a hang in the test or the SDK. `PYTEST_TIMEOUT=<s>` changes the limit",
    )
    ASSERTION = (
        "assertion",
        "an assertion on returned data failed",
        "fail: the assertion and the actual value",
        "an SDK defect or schema drift: open a bug with the shown actual value",
    )
    OTHER = (
        "other",
        "any other exception",
        "fail: pytest's traceback",
        "read the traceback: usually a defect in the test or the harness",
    )
    SDK_SWALLOWED_API_ERROR = (
        "sdk-swallowed-api-error",
        "the SDK logged an API error instead of raising it, then the test failed",
        "fail: the SDK swallowed HTTP <status> <METHOD> <path> (SDK defect); the test then "
        "failed: ..., plus the SDK's log line",
        "two problems: the server's status (read it as for api-error) and an SDK defect that "
        "hid it (docs/live-suite.md lists the releases that have it)",
    )
    SDK_DRIFT = (
        "sdk-drift",
        "the SDK's strict drift check (`IMEDNET_LIVE_SDK_STRICT=1`) rejected a response field "
        "its model does not define",
        "fail: SDK drift: the SDK's <Model> model does not define <Model.field>, which its "
        "data carries; ... (also when the SDK only logged it and the test then failed)",
        "an SDK finding: the model lags the API (the default sandbox sends only documented "
        "fields); report it to the SDK, or run without strict mode",
    )
    SDK_SURFACE_CHANGE = (
        "sdk-surface-change",
        "an `AttributeError`/`TypeError` names a member the build changed without declaring it "
        "(the session's surface check against the nearest snapshot, sdk/surface_check.py)",
        "fail: undeclared SDK surface change in imednet <build>: <Model.field> is gone (<V> "
        "snapshot has it; ...); raised ...; the session's surface check is red with it too",
        "an SDK finding: report it upstream, or declare it in sdk/surface_changes.py (with a "
        "contract test) when the change is deliberate",
    )
    SDK_DEFECT_FIXED = (
        "sdk-defect-fixed",
        "a test marked `sdk_defect(reason)` passed (strict XPASS)",
        "fail: the SDK defect <reason> is fixed: the test passes; remove its `sdk_defect` marker",
        "the SDK release fixed the defect: remove the marker (and its docs/live-suite.md entry) "
        "so the test guards the fix",
    )
    DEPENDENCY_BREAK = (
        "dependency-break",
        "under `latest`/`lowest`, a failure whose traceback runs through a dependency whose "
        "version differs from the lock, and no declared break explains it",
        "fail: dependency break: <package> <installed> (lock: <locked>) in the failure's "
        "traceback, then the failure",
        "run the test under `IMEDNET_LIVE_RESOLUTION=locked`: if it passes there, declare the "
        "break in sdk/dependency_breaks.py (with the bound that works) and report it to the SDK",
    )
    DEPENDENCY_BREAK_GONE = (
        "dependency-break-gone",
        "a test marked `dependency_break(key)` passed where the installed versions have the "
        "break (strict XPASS), or failed otherwise than declared",
        "fail: the declared dependency break <reason> does not show: ...",
        "fix the break's detection (`present`) in sdk/dependency_breaks.py, or remove it when "
        "the dependency fixed it",
    )


API_ERROR = FailureKind.API_ERROR.value
NETWORK_ERROR = FailureKind.NETWORK_ERROR.value
TIMEOUT = FailureKind.TIMEOUT.value
ASSERTION = FailureKind.ASSERTION.value
OTHER = FailureKind.OTHER.value
SDK_SWALLOWED_API_ERROR = FailureKind.SDK_SWALLOWED_API_ERROR.value
SDK_DEFECT_FIXED = FailureKind.SDK_DEFECT_FIXED.value
SDK_DRIFT = FailureKind.SDK_DRIFT.value
SDK_SURFACE_CHANGE = FailureKind.SDK_SURFACE_CHANGE.value
DEPENDENCY_BREAK = FailureKind.DEPENDENCY_BREAK.value
DEPENDENCY_BREAK_GONE = FailureKind.DEPENDENCY_BREAK_GONE.value

HEADLINE_BODY_CHARS = 300
DETAIL_BODY_CHARS = 4000

_E = TypeVar("_E", bound=BaseException)


@dataclass(frozen=True)
class FailureInfo:
    kind: str
    headline: str | None  # replaces the one-line crash message; None keeps pytest's
    details: str | None  # an extra section under the traceback


@dataclass(frozen=True)
class SwallowedApiError:
    """An API error the SDK logged instead of raising; each part None when unknown."""

    status: int | None
    method: str | None
    path: str | None

    def describe(self) -> str:
        status = f"HTTP {self.status}" if self.status is not None else "an API error"
        where = f" {self.method or '?'} {self.path}" if self.path else ""
        return f"{status}{where}"


_LOGGED_STATUS = re.compile(r"Status Code: (\d{3})")
_LOGGED_METHOD = re.compile(r"""['"]method['"]: ?['"]([A-Z]+)['"]""")
_LOGGED_PATH = re.compile(r"""['"]path['"]: ?['"](/[^'"]*)['"]""")


def swallowed_api_error(record: logging.LogRecord) -> SwallowedApiError | None:
    """The API error a log record carries (as an argument or exc_info), if any.

    The exception object is preferred (status, and the request from its traceback);
    a record that only has text counts when it names a status (``Status Code: 500``).
    """
    try:
        from imednet.errors import ApiError
    except ImportError:  # pragma: no cover - the SDK is what these tests run
        ApiError = ()  # type: ignore[assignment,misc]
    args = record.args.values() if isinstance(record.args, dict) else (record.args or ())
    candidates = [*args, record.exc_info[1] if record.exc_info else None]
    for value in candidates:
        error = _find(value, ApiError) if isinstance(value, BaseException) else None
        if error is not None:
            request = _failed_request(error)
            text = _body_text(error.response)
            return SwallowedApiError(
                status=error.status_code,
                method=request.method if request is not None else _group(_LOGGED_METHOD, text),
                path=request.url.path if request is not None else _group(_LOGGED_PATH, text),
            )
    message = record.getMessage()
    status = _group(_LOGGED_STATUS, message)
    if status is None:
        return None
    return SwallowedApiError(
        int(status), _group(_LOGGED_METHOD, message), _group(_LOGGED_PATH, message)
    )


def describe_swallowed(swallowed: SwallowedApiError, failed_with: str, logged: str) -> FailureInfo:
    """The failure of a test whose SDK call hid an API error and returned something empty."""
    then = (failed_with.strip().splitlines() or ["failed"])[0]
    headline = (
        f"the SDK swallowed {swallowed.describe()} (SDK defect); "
        f"the test then failed: {_shorten(then, HEADLINE_BODY_CHARS)}"
    )
    details = "\n".join(
        [
            f"the SDK caught {swallowed.describe()} and carried on without raising it;",
            "what the test then saw (an empty or partial result) is a consequence, not the cause.",
            f"the SDK logged: {_shorten(logged, DETAIL_BODY_CHARS)}",
        ]
    )
    return FailureInfo(SDK_SWALLOWED_API_ERROR, headline, details)


def drift_in_log(lines: list[str], failed_with: str) -> FailureInfo | None:
    """A test that failed after the SDK logged (and swallowed) its strict drift error.

    SDK main's record mapper catches the strict check's error, logs it and exports
    nothing; the empty export is a consequence, the SDK's drift the cause.
    """
    for line in lines:
        drift = sdk_compat.strict_drift(ValueError(line))
        if drift is not None:
            then = (failed_with.strip().splitlines() or ["failed"])[0]
            headline = (
                f"{sdk_compat.describe_strict_drift(*drift)}; the SDK logged it and carried on, "
                f"the test then failed: {_shorten(then, HEADLINE_BODY_CHARS)}"
            )
            return FailureInfo(SDK_DRIFT, headline, None)
    return None


def surface_change_in(exc: BaseException, check: SurfaceCheck | None) -> FailureInfo | None:
    """A failure whose AttributeError/TypeError names an undeclared surface change (or the
    contract test's own ``UndeclaredSurfaceChange``)."""
    if isinstance(exc, surface_check.UndeclaredSurfaceChange):
        return FailureInfo(SDK_SURFACE_CHANGE, str(exc), None)
    found = surface_check.match(_chain(exc), check)
    if found is None or check is None:
        return None
    return FailureInfo(SDK_SURFACE_CHANGE, surface_check.describe_raised(*found, check), None)


def _group(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match else None


def describe_failure(exc: BaseException, base_url: str) -> FailureInfo:
    # Imported here: the SDK pulls pandas and httpx, and only failures need them.
    import httpx
    from imednet.errors import ApiError, RequestError

    api_error = _find(exc, ApiError)
    if api_error is not None:
        return _describe_api_error(api_error)
    transport = _find(exc, httpx.TransportError)
    if transport is not None or _find(exc, RequestError) is not None:
        return _describe_network_error(transport, base_url)
    drift = sdk_compat.strict_drift(exc)
    if drift is not None:
        return FailureInfo(SDK_DRIFT, sdk_compat.describe_strict_drift(*drift), None)
    if isinstance(exc, AssertionError):
        return FailureInfo(ASSERTION, None, None)
    return FailureInfo(OTHER, None, None)


def _describe_api_error(error: Any) -> FailureInfo:
    """``error`` is an ``imednet.errors.ApiError``: status_code, response."""
    status = error.status_code if error.status_code is not None else "?"
    request = _failed_request(error)
    where = f"{request.method} {request.url.path}" if request is not None else "(request unknown)"
    body = _body_text(error.response)
    headline = (
        f"{type(error).__name__}: HTTP {status} {where}: {_shorten(body, HEADLINE_BODY_CHARS)}"
    )
    details = "\n".join(
        [
            f"{type(error).__name__}: HTTP {status}",
            f"request: {where}" + (f" on {_origin(request.url)}" if request is not None else ""),
            "response body:",
            _shorten(body, DETAIL_BODY_CHARS),
        ]
    )
    return FailureInfo(API_ERROR, headline, details)


def _describe_network_error(transport: httpx.TransportError | None, base_url: str) -> FailureInfo:
    base_url = safe_url(base_url)
    cause = f"{type(transport).__name__}: {transport}" if transport is not None else "no response"
    request = _request_of(transport) if transport is not None else None
    target = _origin(request.url) if request is not None else base_url
    configured = "" if target == base_url else f"; IMEDNET_BASE_URL is {base_url}"
    headline = f"network error: cannot reach {target} ({cause}){configured}"
    details = "\n".join(
        [
            f"unreachable: {target}",
            f"IMEDNET_BASE_URL: {base_url}",
            f"request: {request.method} {request.url.path}" if request else "request: unknown",
            f"cause: {cause}",
            "check IMEDNET_BASE_URL, that the target is up, and network access from this host",
        ]
    )
    return FailureInfo(NETWORK_ERROR, headline, details)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def _find(exc: BaseException, kind: type[_E]) -> _E | None:
    return next((e for e in _chain(exc) if isinstance(e, kind)), None)


def _failed_request(error: BaseException) -> httpx.Request | None:
    """The request of the innermost frame that held an httpx response or request."""
    found: httpx.Request | None = None
    tb: TracebackType | None = error.__traceback__
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            request = _request_of(value)
            if request is not None:
                found = request
        tb = tb.tb_next
    return found


def _request_of(value: object) -> httpx.Request | None:
    import httpx

    if isinstance(value, httpx.Request):
        return value
    if isinstance(value, (httpx.Response, httpx.RequestError)):
        try:
            return value.request
        except RuntimeError:  # httpx raises this when no request is attached
            return None
    return None


def _origin(url: httpx.URL) -> str:
    """Scheme, host and port: httpx keeps userinfo out of ``netloc``."""
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


def _body_text(body: object) -> str:
    if isinstance(body, (dict, list)):
        return json.dumps(body, ensure_ascii=False, default=str, separators=(",", ":"))
    return str(body) if body not in (None, "") else "(empty body)"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split()) if limit <= HEADLINE_BODY_CHARS else text
    return text if len(text) <= limit else text[: limit - 1] + "…"
