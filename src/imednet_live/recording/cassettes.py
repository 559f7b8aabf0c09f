"""VCR.py wiring: a recorder that scrubs at save time, a replayer over whole recordings.

Recording keeps VCR.py's transport-level patch (httpx sync and async, any SDK release)
and its JSON cassette format; what we add is where the scrubbing happens (the persister,
so nothing unscrubbed is ever written) and how replay picks a response (``ReplayCassette``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vcr import matchers
from vcr.cassette import Cassette
from vcr.filters import decode_response
from vcr.persisters.filesystem import CassetteNotFoundError
from vcr.record_mode import RecordMode
from vcr.request import Request
from vcr.serialize import deserialize, serialize
from vcr.serializers import jsonserializer

from imednet_live.core.api_paths import is_api_url, resource_of
from imednet_live.core.atomic_files import write_text_atomic
from imednet_live.recording.layout import Recording
from imednet_live.recording.scrub import Scrubber

# Bodies count: two POSTs to /records differ only in what they write.
MATCH_ON = (matchers.method, matchers.path, matchers.query, matchers.body)
TAGS_METADATA = "write_tags"
# Which test made a request: replay prefers that test's own recorded responses, so
# read-after-write snapshots and job polls come back in the order that test saw them.
TEST_HEADER = "x-imednet-live-test"


def current_test() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    return current.rsplit(" (", 1)[0] if current else ""


def is_api(request: Request) -> bool:
    """Only iMednet API traffic is recorded or replayed; anything else (e.g. Airflow's own
    in-process task API, also httpx) goes through untouched."""
    return is_api_url(request.uri)


def stamp_test(request: Request) -> Request | None:
    """Record-time hook: the request as VCR keeps it in memory, tagged with its test."""
    if not is_api(request):
        return None
    test = current_test()
    if test:
        request.headers[TEST_HEADER] = test
    return request


def cassette_name(worker: str | None = None) -> str:
    worker = worker or os.environ.get("PYTEST_XDIST_WORKER") or "main"
    return f"{worker}-{os.getpid()}.cassette.json"


def scrub_request(scrubber: Scrubber, request: Request) -> Request:
    clean = Request(request.method, scrubber.url(request.uri), None, {})
    clean.headers = scrubber.headers(dict(request.headers))
    clean.body = scrubber.body(request.body, resource_of(request.uri), request=True)
    return clean


def scrub_response(scrubber: Scrubber, response: dict[str, Any], resource: str) -> dict[str, Any]:
    response = decode_response(response)  # gzip/deflate: scrub the text, not the bytes
    body = response.get("body", {}).get("string")
    return {
        **response,
        "headers": scrubber.headers(response.get("headers", {})),
        "body": {"string": scrubber.body(body, resource)},
    }


class ScrubbingPersister:
    """Saves a cassette scrubbed, atomically; variable types are learnt before any record."""

    def __init__(self, scrubber: Scrubber) -> None:
        self.scrubber = scrubber

    def load_cassette(self, cassette_path: str, serializer: Any) -> Any:
        raise CassetteNotFoundError(cassette_path)  # a recording always starts empty

    def save_cassette(
        self, cassette_path: str, cassette_dict: dict[str, Any], serializer: Any
    ) -> None:
        pairs = list(zip(cassette_dict["requests"], cassette_dict["responses"], strict=True))
        for request, response in pairs:  # first pass: learn, so record data is judged by type
            if resource_of(request.uri) == "variables":
                self.scrubber.body(decode_response(response)["body"]["string"], "variables")
        requests = [scrub_request(self.scrubber, r) for r, _ in pairs]
        responses = [scrub_response(self.scrubber, s, resource_of(r.uri)) for r, s in pairs]
        clean = {**cassette_dict, "requests": requests, "responses": responses}
        write_text_atomic(Path(cassette_path), serialize(clean, serializer))


@contextmanager
def recording(directory: Path, scrubber: Scrubber) -> Iterator[Cassette]:
    """Record every httpx request of this process into ``directory``, scrubbed."""
    path = directory / cassette_name()
    with Cassette.use(
        path=str(path),
        serializer=jsonserializer,
        persister=ScrubbingPersister(scrubber),
        record_mode=RecordMode.ALL,
        match_on=MATCH_ON,
        before_record_request=stamp_test,
    ) as cassette:
        yield cassette


# -- replay ------------------------------------------------------------------------------


class ReplayMiss(AssertionError):
    """A request the recording does not hold; the message names it in one line."""


def describe(request: Request) -> str:
    parts = urlsplit(request.uri)
    return f"{request.method} {parts.path}" + (f"?{parts.query}" if parts.query else "")


class ReplayPersister:
    """Loads every cassette of the chosen recordings as one; never saves."""

    def __init__(self, recordings: Sequence[Recording], scrubber: Scrubber | None = None) -> None:
        self.recordings = recordings
        self.scrubber = scrubber

    def load_cassette(self, cassette_path: str, serializer: Any) -> Any:
        requests: list[Request] = []
        responses: list[Any] = []
        for recording in self.recordings:
            for path in recording.cassettes:
                loaded = deserialize(path.read_text(encoding="utf-8"), serializer)
                requests += loaded[0]
                responses += loaded[1]
        if self.scrubber is not None:  # judge replayed record data by type, as recorded
            for request, response in zip(requests, responses, strict=True):
                if resource_of(request.uri) == "variables":
                    self.scrubber.learn("variables", _json_or_none(response))
        return requests, responses

    def save_cassette(self, *_args: Any, **_kwargs: Any) -> None:
        return None


class ReplayCassette(Cassette):
    """The same test's first unplayed match wins, then anyone's; exhausted, the last repeats.

    Order matters for job polling (PROCESSING, then COMPLETED) and for snapshots read
    around writes; repeating the last keeps a replay that polls once more than the
    recorded run from failing for no reason.
    """

    def append(self, request: Request, response: Any) -> None:
        """Keep a loaded interaction as recorded: it was scrubbed once, at record time, and
        scrubbing is not idempotent for dates (a second shift would move them again)."""
        self.data.append((request, response))

    def can_play_response_for(self, request: Request) -> bool:
        # Every API request is played (a miss fails its test in play_response and never
        # reaches the network); a non-API request is not ours to replay.
        return bool(self._before_record_request(request))

    def play_response(self, request: Request) -> Any:
        test = current_test()
        matches = list(self._responses(request))
        own = [(i, r) for i, r in matches if self.data[i][0].headers.get(TEST_HEADER) == test]
        for candidates in (own, matches):
            for index, response in candidates:
                if self.play_counts[index] == 0:
                    self.play_counts[index] += 1
                    return response
        if own or matches:
            return (own or matches)[-1][1]
        clean = self._before_record_request(request)
        raise ReplayMiss(f"replay: the recording has no response for {describe(clean)}")


@contextmanager
def replaying(recordings: Sequence[Recording], scrubber: Scrubber) -> Iterator[Cassette]:
    """Serve every httpx request of this process from ``recordings``; no network."""
    with ReplayCassette.use(
        path="replay",
        serializer=jsonserializer,
        persister=ReplayPersister(recordings, scrubber),
        record_mode=RecordMode.NONE,
        match_on=MATCH_ON,
        before_record_request=lambda r: scrub_request(scrubber, r) if is_api(r) else None,
    ) as cassette:
        yield cassette


def _json_or_none(response: Mapping[str, Any]) -> Any:
    body = (response.get("body") or {}).get("string")
    try:
        return json.loads(body) if body else None
    except (TypeError, ValueError):
        return None


def write_tags(cassette: Cassette) -> dict[str, list[str]]:
    """The cassette's map of test id -> write tags it used, in order (saved with it)."""
    tags: dict[str, list[str]] = cassette.get_metadata(TAGS_METADATA, {})
    return tags


def recorded_tags(recordings: Sequence[Recording]) -> dict[str, list[str]]:
    """Test id -> the write tags it used when recorded, in order, over ``recordings``."""
    tags: dict[str, list[str]] = {}
    for recording in recordings:
        for path in recording.cassettes:
            data: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            for test, values in (data.get("metadata") or {}).get(TAGS_METADATA, {}).items():
                tags.setdefault(test, []).extend(values)
    return tags
