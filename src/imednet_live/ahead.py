"""Work done ahead and together for tests that each check their own part of it.

A test that waits (on a job, on a slow server) is idle for most of its time, and the
tests of one module, run one after another, add their waits up; two xdist workers only
halve that. A module fixture instead starts every test's work at once, a thread each,
and keeps what each piece returned or raised (skips and failures included). Each test
then takes its own piece with ``result()``, which raises again what that piece raised,
with its traceback: every test keeps its outcome, its message and its resource, and
fails on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

K = TypeVar("K")
T = TypeVar("T")


@dataclass(frozen=True)
class Ahead(Generic[T]):
    """One piece of work done ahead: its value, or what it raised."""

    value: T | None = None
    error: BaseException | None = None

    def result(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]  # None only with an error


def attempt(work: Callable[[], T]) -> Ahead[T]:
    """``work()``, or what it raised: pytest's skip and fail outcomes are BaseExceptions."""
    try:
        return Ahead(value=work())
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        return Ahead(error=exc)


def run_ahead(work: Mapping[K, Callable[[], T]], *, prefix: str = "ahead") -> dict[K, Ahead[T]]:
    """Every piece of ``work`` at once, a thread each; returns when all have ended."""
    if not work:
        return {}
    with ThreadPoolExecutor(max_workers=len(work), thread_name_prefix=prefix) as pool:
        futures = {key: pool.submit(attempt, piece) for key, piece in work.items()}
        return {key: future.result() for key, future in futures.items()}


def prepare_then_run(
    keys: Iterable[K], prepare: Callable[[K], Callable[[], T]], *, prefix: str = "ahead"
) -> dict[K, Ahead[T]]:
    """``prepare(key)`` for each key here, in order; then every prepared piece at once.

    What must not run in a thread (pytest's fixtures, the recorded order of write tags)
    goes in ``prepare``; what waits goes in the piece it returns. A key whose preparation
    raised keeps that error, and its piece is never started.
    """
    prepared = {key: attempt(partial(prepare, key)) for key in keys}

    def piece(ready: Ahead[Callable[[], T]]) -> Callable[[], T]:
        return lambda: ready.result()()

    return run_ahead({key: piece(ready) for key, ready in prepared.items()}, prefix=prefix)
