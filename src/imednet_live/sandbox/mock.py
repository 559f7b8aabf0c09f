"""``mock_imednet``: a sandbox for the block, and the ``IMEDNET_*`` environment pointing at it.

For code that builds its own client from the environment (as moto's ``mock_aws`` is for
boto3). One object is a decorator, a class decorator and a context manager alike:

    @mock_imednet                       # or @mock_imednet(scenario="flaky", job_seconds=3600)
    def test_export():
        run_my_pipeline()               # ImednetSDK() reads IMEDNET_BASE_URL and the keys

    with mock_imednet(subjects=50) as sb:
        run_my_pipeline()
        assert sb.records(form_key="AE")

Only ``IMEDNET_API_KEY``, ``IMEDNET_SECURITY_KEY`` and ``IMEDNET_BASE_URL`` are set, and
each is restored (or removed) when the block ends. Standard library only at import time: the
sandbox is imported when a block starts.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from imednet_live.sandbox.options import options_for

if TYPE_CHECKING:
    from imednet_live.sandbox import SandboxHandle
    from imednet_live.sandbox.fault_rules import FaultRule

T = TypeVar("T")

__all__ = ["JOB_SECONDS", "MockImednet", "mock_imednet"]
# The fixtures' default too: a job finishes at its first read, so nothing waits for it.
JOB_SECONDS = 0.0


class MockImednet:
    """A sandbox for a block (``with``), a function or every ``test*`` method of a class."""

    def __init__(
        self,
        *,
        scenario: str = "default",
        subjects: int | None = None,
        latency_ms: int = 0,
        fail: tuple[str | FaultRule, ...] | list[str | FaultRule] = (),
        job_seconds: float = JOB_SECONDS,
        seed_from: str | Path | None = None,
    ) -> None:
        self._options = options_for(
            scenario=scenario,
            subjects=subjects,
            latency_ms=latency_ms,
            fail=tuple(fail),
            job_seconds=job_seconds,
            seed_from=seed_from,
        )
        self._stack: ExitStack | None = None
        self._saved: dict[str, str | None] = {}

    def __enter__(self) -> SandboxHandle:
        from imednet_live import sandbox

        if self._stack is not None:
            raise RuntimeError("this mock_imednet block is already running; nest a new one")
        stack = ExitStack()
        handle = stack.enter_context(sandbox.serving(self._options))
        self._saved = {name: os.environ.get(name) for name in handle.env}
        os.environ.update(handle.env)
        self._stack = stack
        return handle

    def __exit__(self, *exc_info: object) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved = {}
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    def _fresh(self) -> MockImednet:
        fresh = MockImednet()
        fresh._options = self._options
        return fresh

    def __call__(self, target: T) -> T:
        """Decorate a function (a sandbox per call) or a class (per ``test*`` method)."""
        if inspect.isclass(target):
            for name, member in list(vars(target).items()):
                if name.startswith("test") and inspect.isfunction(member):
                    setattr(target, name, self(member))
            return target
        if not callable(target):
            raise TypeError(f"mock_imednet decorates a function or a class, not {target!r}")
        func: Callable[..., Any] = target

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


@overload
def mock_imednet(func: T) -> T: ...
@overload
def mock_imednet(func: None = None, **options: Any) -> MockImednet: ...
def mock_imednet(func: Any = None, **options: Any) -> Any:
    """``@mock_imednet``, ``@mock_imednet(**options)`` or ``with mock_imednet(**options)``.

    Options as ``@pytest.mark.imednet_sandbox`` takes them: scenario, subjects, latency_ms,
    fail, job_seconds, seed_from.
    """
    if func is not None:
        return MockImednet()(func)
    return MockImednet(**options)
