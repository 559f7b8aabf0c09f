"""Where the iMednet EDC API lives under a host, and which resource a URL addresses.

The one home of the API prefix: the sandbox mounts its routers here, the recorder and the
personal-data tap watch it, drift names endpoints relative to it, the smoke and the worker
probe build URLs from it.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

API_PREFIX = "/api/v1/edc"
# Item path segment after a collection, by collection (drift's endpoint templates).
ITEM_PARAMS = {"studies": "{studyKey}", "jobs": "{batchId}"}


def api_path(*segments: str) -> str:
    """``api_path("studies", "S", "jobs")`` -> ``API_PREFIX + "/studies/S/jobs"``."""
    return "/".join((API_PREFIX, *segments))


def api_url(base_url: str, *segments: str) -> str:
    """The URL of ``segments`` under the API of the host ``base_url``."""
    return base_url.rstrip("/") + api_path(*segments)


def is_api_path(path: str) -> bool:
    """True for a path under the API prefix."""
    return path.startswith(API_PREFIX + "/")


def is_api_url(url: str) -> bool:
    return is_api_path(urlsplit(url).path)


def endpoint_of(url: str) -> str:
    """``http://h{API_PREFIX}/studies/S/jobs/B?x`` -> ``/studies/{studyKey}/jobs/{batchId}``."""
    path = urlsplit(url).path
    path = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path
    segments = [s for s in path.split("/") if s]
    out: list[str] = []
    for i, segment in enumerate(segments):
        if i % 2 == 1:
            out.append(ITEM_PARAMS.get(segments[i - 1], "{id}"))
        else:
            out.append(segment)
    return "/" + "/".join(out)


def resource_of(url: str) -> str:
    """The API collection a URL addresses: ``.../studies/S/records`` -> ``records``."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if "studies" not in segments:
        return "*"
    rest = segments[segments.index("studies") + 1 :]
    if len(rest) <= 1:
        return "studies"
    return rest[1]


def study_key_of(url: str) -> str:
    """The study key in ``.../studies/S/...`` (unquoted); ValueError without one."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return unquote(parts[parts.index("studies") + 1])
