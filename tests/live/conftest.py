"""Fixtures of the live suite: one target, one discovery per run, a fresh SDK per test.

The charter plugin (``imednet_live.pytest_plugin``, loaded by ``pytest.ini``) prints the
startup context, gates the suite, applies the markers and classifies skips; this file
only provides what tests use.
The SDK is function-scoped on purpose: the SDK caches unfiltered form, interval,
variable and study listings per instance, so a shared instance would make one test's
requests depend on which tests ran before it on the same worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

import pytest

from imednet_live.config import (
    API_KEY,
    BASE_URL,
    BATCH_ID,
    SECURITY_KEY,
    SMOKE_BATCH_ID,
    Settings,
    read_var,
)
from imednet_live.discovery.rules import (
    Discovery,
    FormRef,
    IntervalRef,
    NoEligibleEntityError,
    SiteRef,
    SubjectRef,
    discover,
)
from imednet_live.live_support import SecretEnv
from imednet_live.live_support import write_tag as new_write_tag
from imednet_live.sdk import compat as sdk_compat
from imednet_live.skips import NoEligibleData, SuiteDisabled

if TYPE_CHECKING:  # the SDK (and pandas with it) is imported by the tests that run
    from imednet import AsyncImednetSDK, ImednetSDK

T = TypeVar("T")

# The session's PostgreSQL for the SQL exports (started once, a database per test).
pytest_plugins = ("postgres_fixtures",)


def _available(lookup: Callable[[], T]) -> T:
    """Turn discovery's absence error into the charter's no-eligible-data skip."""
    try:
        return lookup()
    except NoEligibleEntityError as exc:
        raise NoEligibleData(str(exc)) from None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Writing tests first (stable order otherwise).

    Each waits on a job; on a slow server (a minute a job) they must start together, one
    per xdist worker, instead of being handed out after the quick read tests. Every worker
    collects the same order, so xdist schedules the writes in the first round.
    """
    items.sort(key=lambda item: item.get_closest_marker("mutating") is None)


@pytest.fixture(scope="session")
def settings() -> Settings:
    settings = Settings.from_env()
    if not settings.run_e2e or not settings.has_credentials:
        # The plugin gates first; this keeps a fixture from ever building an SDK without keys.
        raise SuiteDisabled("IMEDNET_RUN_E2E is not 1 or credentials are absent")
    return settings


@pytest.fixture
def sdk(settings: Settings) -> Iterator[ImednetSDK]:
    with sdk_compat.open_sync(settings.sdk_kwargs()) as client:
        yield client


@pytest.fixture
def async_sdk(settings: Settings) -> Iterator[AsyncImednetSDK]:
    client = sdk_compat.open_async(settings.sdk_kwargs())
    yield client
    sdk_compat.close_async(client)  # idempotent: run_async may have closed it in its own loop


@pytest.fixture(scope="session")
def discovery(settings: Settings) -> Discovery:
    """Shared by every worker of a run through the discovery cache (IMEDNET_LIVE_RUN_ID)."""
    with sdk_compat.open_sync(settings.sdk_kwargs()) as client:
        return discover(client, settings)


@pytest.fixture(scope="session")
def study_key(discovery: Discovery) -> str:
    return _available(discovery.study)


@pytest.fixture(scope="session")
def form(discovery: Discovery) -> FormRef:
    return _available(discovery.form)


@pytest.fixture(scope="session")
def read_site(discovery: Discovery) -> SiteRef:
    return _available(lambda: discovery.site(for_write=False))


@pytest.fixture(scope="session")
def write_site(discovery: Discovery) -> SiteRef:
    return _available(lambda: discovery.site(for_write=True))


@pytest.fixture(scope="session")
def read_subject(discovery: Discovery) -> SubjectRef:
    return _available(lambda: discovery.subject(for_write=False))


@pytest.fixture(scope="session")
def write_subject(discovery: Discovery) -> SubjectRef:
    return _available(lambda: discovery.subject(for_write=True))


@pytest.fixture(scope="session")
def interval(discovery: Discovery) -> IntervalRef:
    return _available(discovery.interval)


@pytest.fixture
def write_tag() -> str:
    """Unique per test, worker and run, so parallel and repeated runs never collide."""
    return new_write_tag()


@pytest.fixture(scope="session")
def batch_id(settings: Settings, study_key: str) -> str:
    """A job to read without writing: IMEDNET_BATCH_ID, else the batch the smoke wrote
    earlier in this run (live target), else the first job ``jobs.list`` shows (sandbox,
    which seeds finished jobs; each session has its own sandbox, so a smoke batch is not
    there)."""
    if settings.batch_id:
        return settings.batch_id
    smoke_batch = read_var(os.environ, SMOKE_BATCH_ID)
    if smoke_batch and settings.target_kind != "sandbox":
        return smoke_batch
    if settings.target_kind == "live":  # jobs.list is not in the API's spec
        raise NoEligibleData(
            f"No job to read for study {study_key}: {BATCH_ID} is not set and no smoke batch "
            f"was passed on ({SMOKE_BATCH_ID})"
        )
    with sdk_compat.open_sync(settings.sdk_kwargs()) as client:
        jobs = sdk_compat.first(client.jobs.list(study_key), 1)
    if not jobs or not jobs[0].batch_id:
        raise NoEligibleData(
            f"No job to read for study {study_key}: {BATCH_ID} is not set and jobs.list "
            "returned none"
        )
    return jobs[0].batch_id


@pytest.fixture
def cli_env(settings: Settings) -> SecretEnv:
    """Environment for the SDK's CLI (``sdk_compat.cli_entry``): credentials, wide output."""
    return SecretEnv(
        {
            API_KEY: settings.api_key or "",
            SECURITY_KEY: settings.security_key or "",
            BASE_URL: settings.base_url,
            "COLUMNS": "400",
            "NO_COLOR": "1",
            "TERM": "dumb",
        }
    )
