"""Failure classification on real SDK exceptions, in-process (fast twin of the subprocess tests)."""

from __future__ import annotations

import pytest
from imednet import ImednetSDK

from imednet_live import sandbox
from imednet_live.charter.classification import describe_failure


def test_api_error_gets_status_method_path_and_body() -> None:
    with (
        sandbox.running() as sb,
        ImednetSDK(api_key=sb.api_key, security_key=sb.security_key, base_url=sb.base_url) as sdk,
        pytest.raises(Exception) as info,  # noqa: PT011 - the classifier decides what it is
    ):
        sdk.intervals.list("UNKNOWN-STUDY")
    failure = describe_failure(info.value, sb.base_url)
    assert failure.kind == "api-error"
    assert failure.headline is not None
    assert failure.headline.startswith(
        "ForbiddenError: HTTP 403 GET /api/v1/edc/studies/UNKNOWN-STUDY/intervals: {"
    )
    assert failure.details is not None
    assert f"on {sb.base_url}" in failure.details


def test_wrapped_api_error_is_still_found_through_the_cause_chain() -> None:
    from imednet.errors import ServerError

    try:
        try:
            raise ServerError({"metadata": {"status": "INTERNAL_SERVER_ERROR"}}, status_code=500)
        except ServerError as inner:
            raise RuntimeError("workflow failed") from inner
    except RuntimeError as outer:
        failure = describe_failure(outer, "http://127.0.0.1:1")
    assert failure.kind == "api-error"
    assert failure.headline == (
        'ServerError: HTTP 500 (request unknown): {"metadata":{"status":"INTERNAL_SERVER_ERROR"}}'
    )


def test_assertion_and_other_errors_keep_pytests_message() -> None:
    assert describe_failure(AssertionError("x"), "u").headline is None
    assert describe_failure(AssertionError("x"), "u").kind == "assertion"
    assert describe_failure(KeyError("k"), "u").kind == "other"
