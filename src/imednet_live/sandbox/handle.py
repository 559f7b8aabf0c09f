"""A sandbox running in this process, and the handle a test reads and steers it through."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from imednet_live.core import env_vars
from imednet_live.core.settings import SdkKwargs
from imednet_live.sandbox.backend import Backend, ListQuery
from imednet_live.sandbox.fault_rules import FaultRule, parse_rule
from imednet_live.sandbox.options import SandboxOptions, options_for
from imednet_live.sandbox.server import SandboxServer


@dataclass(frozen=True)
class SandboxHandle:
    """What a test needs to talk to a running sandbox, read what was written and steer it.

    Reads and controls go to the backend the HTTP views serve (moto's way), so what a test
    sees is exactly what a client would read.
    """

    base_url: str
    api_key: str = field(repr=False)
    security_key: str = field(repr=False)
    _server: SandboxServer = field(repr=False)

    @property
    def scenario(self) -> str:
        return self._server.scenario

    @property
    def backend(self) -> Backend:
        """The live state (after ``reset`` a new one): studies, records, jobs."""
        return self._server.backend

    def requests(self) -> list[dict[str, Any]]:
        """The audit so far: method, path, query, status, duration_ms, timestamp per request."""
        return self._server.audit.entries()

    @property
    def env(self) -> dict[str, str]:
        """The SDK/CLI environment variables pointing at this sandbox."""
        return {
            env_vars.API_KEY: self.api_key,
            env_vars.SECURITY_KEY: self.security_key,
            env_vars.BASE_URL: self.base_url,
        }

    def sdk_kwargs(self) -> SdkKwargs:
        return {
            "api_key": self.api_key,
            "security_key": self.security_key,
            "base_url": self.base_url,
        }

    # ----- what was written ---------------------------------------------------------------
    @property
    def study_keys(self) -> list[str]:
        return self.backend.study_keys()

    def records(
        self,
        form_key: str | None = None,
        subject_key: str | None = None,
        *,
        study_key: str | None = None,
    ) -> list[dict[str, Any]]:
        """Records as the API would list them (copies), narrowed by form and subject."""
        keys = [study_key] if study_key is not None else self.study_keys
        found: list[dict[str, Any]] = []
        for key in keys:
            if not self.backend.has_study(key):
                raise KeyError(f"no study {key!r} in this sandbox (studies: {self.study_keys})")
            found.extend(
                copy.deepcopy(r)
                for r in self.backend.items(key, "records", ListQuery())
                if (form_key is None or r.get("formKey") == form_key)
                and (subject_key is None or r.get("subjectKey") == subject_key)
            )
        return found

    def jobs(self, state: str | None = None) -> list[dict[str, Any]]:
        """Every job (batchId, studyKey, state, reason, recordIds), oldest first.

        ``state`` (``created``, ``PROCESSING``, ``COMPLETED``, ``FAILED``) narrows them.
        """
        return [j for j in self.backend.job_summaries() if state is None or j["state"] == state]

    # ----- control ------------------------------------------------------------------------
    def finish_jobs(self) -> list[str]:
        """Run every pending job to its end now (the test drives the job clock); batchIds."""
        return self.backend.finish_pending()

    def fail_jobs(self, reason: str = "Job failed by the test.") -> list[str]:
        """Fail every pending job now with ``reason``; nothing of theirs is written."""
        return self.backend.finish_pending(fail=reason)

    def add_fault(self, rule: str | FaultRule) -> FaultRule:
        """From now on answer matching requests with an error (``'GET /api/**=503'``)."""
        parsed = rule if isinstance(rule, FaultRule) else parse_rule(rule)
        self._server.add_fault_rule(parsed)
        return parsed

    def reset(self, options: SandboxOptions | None = None) -> None:
        """A fresh study and an empty audit, as configured (or as ``options`` say, keys aside)."""
        self._server.reset(options)


@contextmanager
def running(options: SandboxOptions | None = None, /, **fields: Any) -> Iterator[SandboxHandle]:
    """Run a sandbox in a daemon thread of this process for the duration of the block.

    ``options`` (a SandboxOptions), or its fields by name as ``options_for`` takes them
    (``fail``: persistent fault rules, as ``--fail`` takes them, ``"GET /path/*=500"``).
    """
    if options is not None and fields:
        raise TypeError("running() takes SandboxOptions or its fields, not both")
    with serving(options if options is not None else options_for(**fields)) as handle:
        yield handle


@contextmanager
def serving(options: SandboxOptions) -> Iterator[SandboxHandle]:
    """``running`` for options already built (SandboxConfigError, SandboxStartError: one line)."""
    server = SandboxServer(options)
    server.start_in_thread()  # on failure it has stopped the server: one line, no hang
    try:
        yield SandboxHandle(
            base_url=server.base_url,
            api_key=options.api_key,
            security_key=options.security_key,
            _server=server,
        )
    finally:
        server.stop()
