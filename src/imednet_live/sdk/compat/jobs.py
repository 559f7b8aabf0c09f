"""Polling a job, and what a FAILED job raises."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import re
import time
from typing import TYPE_CHECKING

from imednet_live.core.job_states import StateKind, classify
from imednet_live.sdk.compat.builds import missing_surfaces

if TYPE_CHECKING:
    from imednet import ImednetSDK
    from imednet.models import JobStatus


def job_failed_error() -> type[Exception]:
    """What ``poll_job`` raises on a FAILED job: ``JobFailedError`` where it exists."""
    for module in (
        "imednet.errors",
        "imednet.utils.job_poller",  # SDK main: the poller is back in core
        "imednet_workflows.job_poller",
        "imednet.workflows.job_poller",
    ):
        try:
            found = getattr(importlib.import_module(module), "JobFailedError", None)
        except ImportError:
            continue
        if isinstance(found, type) and issubclass(found, Exception):
            return found
    return RuntimeError


def job_failed_pattern(batch_id: str = "") -> str:
    """A regex for what the poller says of a FAILED job: ``Job B failed`` up to 0.8,
    ``Job B ended in state FAILED`` on SDK main (either names the batch and the failure)."""
    return rf"Job {re.escape(batch_id)}\S* (failed|ended in state FAILED)"


def poll_job(
    sdk: ImednetSDK, study_key: str, batch_id: str, *, interval: float, timeout: float
) -> JobStatus:
    """Wait for a terminal job state: the SDK's own poller where the build has one.

    A build without it (0.8 core alone) is polled through ``jobs.get`` with the same
    contract, so a test of record creation does not hinge on the workflows package;
    tests of ``poll_job`` itself require the ``job_poller`` surface instead.
    """
    if "job_poller" not in missing_surfaces():
        return sdk.poll_job(study_key, batch_id, interval=interval, timeout=timeout)  # type: ignore[arg-type]
    deadline = time.monotonic() + timeout
    while True:
        status = sdk.jobs.get(study_key, batch_id)
        kind = classify(status.state)  # the charter's one reading of job states
        if kind is StateKind.SUCCESS:
            return status
        if kind is StateKind.TERMINAL:
            raise job_failed_error()(f"Job {batch_id} failed")
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Timeout ({timeout}s) waiting for job {batch_id}")
        time.sleep(interval)
