"""The API's paths and auth headers, from their one home."""

from __future__ import annotations

import pytest

from imednet_live.core.api_paths import (
    API_PREFIX,
    api_path,
    api_url,
    endpoint_of,
    is_api_url,
    resource_of,
    study_key_of,
)
from imednet_live.core.auth import auth_headers


def test_paths_and_urls_are_built_under_the_prefix() -> None:
    assert api_path("studies", "S", "jobs") == f"{API_PREFIX}/studies/S/jobs"
    assert api_url("http://h:1/", "studies") == f"http://h:1{API_PREFIX}/studies"
    assert is_api_url(api_url("http://h", "studies"))
    assert not is_api_url("http://h/api/v2/other")


@pytest.mark.parametrize(
    ("segments", "resource", "endpoint"),
    [
        (("studies",), "studies", "/studies"),
        (("studies", "S"), "studies", "/studies/{studyKey}"),
        (("studies", "S", "records"), "records", "/studies/{studyKey}/records"),
        (("studies", "S", "jobs", "B"), "jobs", "/studies/{studyKey}/jobs/{batchId}"),
    ],
)
def test_a_url_names_its_resource_and_endpoint(
    segments: tuple[str, ...], resource: str, endpoint: str
) -> None:
    url = api_url("https://edc.example", *segments) + "?page=0"
    assert resource_of(url) == resource
    assert endpoint_of(url) == endpoint


def test_the_study_key_is_read_unquoted_and_a_url_without_one_is_refused() -> None:
    assert study_key_of(api_url("http://h", "studies", "MY%20STUDY", "sites")) == "MY STUDY"
    assert resource_of("http://h/health") == "*"
    with pytest.raises(ValueError, match="not in list"):
        study_key_of("http://h/health")


def test_an_unset_key_is_sent_empty() -> None:
    assert auth_headers("a", None) == {"x-api-key": "a", "x-imn-security-key": ""}
