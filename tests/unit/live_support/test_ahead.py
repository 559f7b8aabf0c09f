"""Work done ahead: every piece at once, each keeping its own value or what it raised."""

from __future__ import annotations

import threading

import pytest

from imednet_live.ahead import attempt, prepare_then_run, run_ahead


def test_pieces_run_at_once_and_each_keeps_its_own_outcome() -> None:
    # All three must be in flight together to pass the barrier: one after another would
    # break it (BrokenBarrierError after the bound), not pass it.
    barrier = threading.Barrier(3, timeout=30)

    def value() -> str:
        barrier.wait()
        return "ok"

    def fails() -> str:
        barrier.wait()
        raise AssertionError("job 7 ended FAILED")

    def skips() -> str:
        barrier.wait()
        pytest.skip("no active subjects")

    done = run_ahead({"value": value, "fails": fails, "skips": skips})
    assert done["value"].result() == "ok"
    with pytest.raises(AssertionError, match="job 7 ended FAILED"):
        done["fails"].result()
    with pytest.raises(pytest.skip.Exception, match="no active subjects"):
        done["skips"].result()


def test_a_failed_preparation_is_kept_and_its_piece_never_starts() -> None:
    started: list[str] = []

    def prepare(key: str):
        if key == "missing":
            pytest.skip("no text variable")

        def piece() -> str:
            started.append(key)
            return key.upper()

        return piece

    done = prepare_then_run(["a", "missing", "b"], prepare)
    assert [done["a"].result(), done["b"].result()] == ["A", "B"]
    with pytest.raises(pytest.skip.Exception, match="no text variable"):
        done["missing"].result()
    assert sorted(started) == ["a", "b"]


def test_an_interrupt_is_not_kept() -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        attempt(interrupted)
    assert run_ahead({}) == {}
