"""SdkLogCapture and swallowed_api_error on their own: levels, phases, limits, text fallback."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from imednet_live.charter.classification import SwallowedApiError, swallowed_api_error
from imednet_live.charter.sdk_log import MAX_LINES_PER_TEST, SdkLogCapture
from imednet_live.core.redaction import redact


@pytest.fixture
def capture() -> Iterator[SdkLogCapture]:
    handler = SdkLogCapture(lambda text: redact(text, ["s3cret"]))
    handler.install()
    handler.start_test()
    yield handler
    handler.uninstall()


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("imednet.x", logging.ERROR, __file__, 1, message, args, None)


def test_only_sdk_loggers_at_warning_and_above_redacted(capture: SdkLogCapture) -> None:
    logging.getLogger("imednet.workflows.record_mapper").warning("kept %s", "s3cret")
    logging.getLogger("imednet_workflows.record_mapper").error("0.8 tree kept")
    logging.getLogger("imednet.core").info("below the bar")
    logging.getLogger("httpx").error("not the SDK")
    assert capture.new_lines() == [
        "WARNING imednet.workflows.record_mapper: kept ***",
        "ERROR imednet_workflows.record_mapper: 0.8 tree kept",
    ]


def test_each_phase_reports_its_new_lines_and_a_test_starts_empty(
    capture: SdkLogCapture,
) -> None:
    log = logging.getLogger("imednet.core")
    log.warning("setup")
    assert capture.new_lines() == ["WARNING imednet.core: setup"]
    log.warning("call")
    assert capture.new_lines() == ["WARNING imednet.core: call"]
    assert capture.lines == ["WARNING imednet.core: setup", "WARNING imednet.core: call"]
    capture.start_test()
    assert capture.lines == []
    assert capture.new_lines() == []


def test_lines_per_test_are_capped(capture: SdkLogCapture) -> None:
    for n in range(MAX_LINES_PER_TEST + 3):
        logging.getLogger("imednet").warning("line %d", n)
    lines = capture.new_lines()
    assert len(lines) == MAX_LINES_PER_TEST + 1
    assert lines[-1] == "(… 3 more SDK log lines not kept)"


def test_a_logged_status_is_a_swallowed_error_even_as_text() -> None:
    text = (
        "Failed to fetch records for study 'S': {'metadata': {'method': 'GET', "
        "'path': '/api/v1/edc/studies/S/records'}} (Status Code: 503, Response: ...)"
    )
    assert swallowed_api_error(_record(text)) == SwallowedApiError(
        503, "GET", "/api/v1/edc/studies/S/records"
    )
    assert swallowed_api_error(_record("No variables found for study '%s'.", "S")) is None


def test_an_api_error_argument_gives_status_and_body_path() -> None:
    from imednet.errors import ServerError

    body = {"metadata": {"method": "GET", "path": "/api/v1/edc/studies/S/records"}}
    record = _record("Failed to fetch records for study '%s': %s", "S", ServerError(body, 500))
    assert swallowed_api_error(record) == SwallowedApiError(
        500, "GET", "/api/v1/edc/studies/S/records"
    )
    assert SwallowedApiError(500, "GET", "/p").describe() == "HTTP 500 GET /p"
    assert SwallowedApiError(None, None, None).describe() == "an API error"
