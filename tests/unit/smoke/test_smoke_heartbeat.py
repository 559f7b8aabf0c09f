"""The smoke says it is still waiting while it polls jobs: every 15 s by default (the
interval is injectable, so no test waits 15 s), batch ids scrubbed like every smoke line."""

from __future__ import annotations

import itertools
import re

import pytest
from smoke_support import run_smoke, sandbox_env

from imednet_live import sandbox
from imednet_live.config import SMOKE_HEARTBEAT, ConfigError, smoke_heartbeat_s
from imednet_live.job_states import JobReading, wait_for_jobs
from imednet_live.smoke.heartbeat import Heartbeat


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_line_every_interval_while_jobs_are_pending_and_none_after() -> None:
    clock = FakeClock()
    said: list[str] = []
    reads = {"B1": 0, "B2": 0}

    def read(batch: str) -> JobReading:
        reads[batch] += 1
        done = clock.now >= (140.0 if batch == "B1" else 120.0)
        return JobReading("COMPLETED" if done else "PROCESSING")

    waits = wait_for_jobs(
        read,
        [("B1", clock.now), ("B2", clock.now)],
        timeout=300,
        clock=clock,
        sleep=clock.sleep,
        on_wait=Heartbeat(said.append, every=15, timeout=300, clock=clock),
    )
    assert {b: w.outcome.value for b, w in waits.items()} == {"B1": "completed", "B2": "completed"}
    assert 2 <= len(said) <= 3  # 40 s of waiting at 15 s: at 15+ and 30+ (polls every <=5 s)
    assert said[0].startswith("still waiting after 1")
    assert "(timeout 300 s) on 2 job(s): batch B1 PROCESSING, batch B2 PROCESSING" in said[0]
    assert said[-1].endswith("on 1 job(s): batch B1 PROCESSING")  # B2 done by then
    seconds = [int(re.search(r"after (\d+) s", line)[1]) for line in said]  # type: ignore[index]
    assert all(b - a >= 15 for a, b in itertools.pairwise(seconds))


def test_the_smoke_prints_heartbeats_while_a_slow_sandbox_job_runs() -> None:
    with sandbox.running(scenario="default", job_seconds=1.0) as sb:
        result = run_smoke(sandbox_env(sb, **{SMOKE_HEARTBEAT: "0.3"}))
        batches = [job["batchId"] for job in sb.jobs()]
    assert result.code == 0, result.output
    beats = [ln for ln in result.stdout.splitlines() if ln.startswith("smoke: still waiting")]
    assert beats, result.stdout
    assert re.fullmatch(
        r"smoke: still waiting after \d+ s \(timeout 300 s\) on [1-3] job\(s\): batch .+", beats[0]
    )
    named = set(re.findall(r"batch (\S+) ", beats[0]))
    assert named, beats[0]
    assert named <= set(batches)  # the jobs it waits on (a sandbox target scrubs no batch id)


def test_a_bad_interval_is_one_line_naming_the_variable() -> None:
    """The smoke reads it before any request; a ConfigError is its one-line red exit."""
    assert smoke_heartbeat_s({}) == 15
    assert smoke_heartbeat_s({SMOKE_HEARTBEAT: "2.5"}) == 2.5
    for bad in ("soon", "0", "-1", "nan"):
        with pytest.raises(ConfigError) as raised:
            smoke_heartbeat_s({SMOKE_HEARTBEAT: bad})
        assert str(raised.value) == (
            f"{SMOKE_HEARTBEAT} must be a number of seconds > 0 (e.g. 15), not {bad!r}"
        )
