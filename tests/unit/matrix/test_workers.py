"""The live sessions' worker count: cores x round-trip x sessions in parallel, posargs win."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest

from imednet_live.matrix.workers import (
    JOB_BOUND_WORKERS,
    LOCAL_JOB_WORKERS,
    WORKERS_PER_CORE,
    choose_workers,
    parallel_live_sessions,
    posargs_workers,
    probe_round_trip,
)

LIVE = (
    "live-readonly(profile='core')",
    "live-readonly(profile='exports')",
    "live-readonly(profile='airflow')",
    "live-mutating(profile='mutating')",
)


@pytest.mark.parametrize("sessions", [1, 4])
@pytest.mark.parametrize("cores", [1, 2, 16])
def test_a_local_target_runs_serially(cores: int, sessions: int) -> None:
    choice = choose_workers(cores=cores, latency_ms=1.0, parallel_sessions=sessions)
    assert choice.workers == 0
    assert "local target" in choice.reason


def test_more_latency_never_means_fewer_workers() -> None:
    counts = [
        choose_workers(cores=2, latency_ms=ms, parallel_sessions=1).workers
        for ms in (0, 5, 20, 50, 100, 200, 500, 2000)
    ]
    assert counts == sorted(counts)
    assert counts[0] == 0
    assert counts[-1] > 2


def test_sessions_in_parallel_share_the_cores() -> None:
    alone = choose_workers(cores=2, latency_ms=100, parallel_sessions=1).workers
    four = choose_workers(cores=2, latency_ms=100, parallel_sessions=4).workers
    assert alone is not None
    assert four is not None
    assert 0 < four < alone


@pytest.mark.parametrize("cores", [1, 2, 8])
@pytest.mark.parametrize("sessions", [1, 2, 4, 8])
@pytest.mark.parametrize("latency", [50, 100, 1000, 60_000])
def test_parallel_sessions_together_stay_within_the_core_bound(
    cores: int, sessions: int, latency: int
) -> None:
    choice = choose_workers(cores=cores, latency_ms=latency, parallel_sessions=sessions)
    assert choice.workers is not None
    # rounding may add half a worker per session, never more
    assert choice.workers * sessions <= WORKERS_PER_CORE * cores + sessions / 2


def test_a_single_session_at_100_ms_on_two_cores_fans_out() -> None:
    choice = choose_workers(cores=2, latency_ms=100, parallel_sessions=1)
    assert choice.workers == 6
    assert choice.reason.startswith("2 cores, round-trip 100 ms (probe), 1 session(s) in parallel")


def test_the_load_average_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our own parallel sessions make most of the load; they are counted as sessions."""

    def refuse() -> tuple[float, float, float]:
        raise AssertionError("choose_workers read the load average")

    monkeypatch.setattr("os.getloadavg", refuse)
    choice = choose_workers(cores=2, latency_ms=100, parallel_sessions=2)
    assert choice.workers == 3
    assert "load" not in choice.reason


def test_the_mutating_session_adds_a_worker_for_its_job_waits_on_a_remote_target() -> None:
    readonly = choose_workers(cores=2, latency_ms=100, parallel_sessions=2)
    mutating = choose_workers(cores=2, latency_ms=100, parallel_sessions=2, mutating=True)
    assert readonly.workers is not None
    assert mutating.workers == readonly.workers + 1
    assert "one more for job waits" in mutating.reason


def test_the_mutating_session_overlaps_job_waits_on_a_local_target() -> None:
    mutating = choose_workers(cores=2, latency_ms=1, parallel_sessions=2, mutating=True)
    assert mutating.workers == LOCAL_JOB_WORKERS
    assert "job waits" in mutating.reason
    readonly = choose_workers(cores=2, latency_ms=1, parallel_sessions=2)
    assert readonly.workers == 0


def test_slow_jobs_keep_one_worker_per_waiting_test_in_the_mutating_session() -> None:
    mutating = choose_workers(
        cores=2, latency_ms=1, parallel_sessions=4, slow_jobs=True, mutating=True
    )
    assert mutating.workers == JOB_BOUND_WORKERS
    assert "slow jobs" in mutating.reason
    readonly = choose_workers(cores=2, latency_ms=1, parallel_sessions=4, slow_jobs=True)
    assert readonly.workers == 0


def test_an_unmeasured_round_trip_is_taken_as_remote() -> None:
    choice = choose_workers(cores=2, latency_ms=None, parallel_sessions=1)
    assert choice.workers == choose_workers(cores=2, latency_ms=100, parallel_sessions=1).workers
    assert "unmeasured" in choice.reason


@pytest.mark.parametrize(
    ("posargs", "value"),
    [
        (["-n", "3"], "3"),
        (["-k", "studies", "-n", "auto"], "auto"),
        (["-n4"], "4"),
        (["--numprocesses=2"], "2"),
        (["-p", "no:xdist"], "no:xdist"),
        (["-k", "studies"], None),
        ([], None),
    ],
)
def test_posargs_workers(posargs: list[str], value: str | None) -> None:
    assert posargs_workers(posargs) == value


def test_an_explicit_n_in_posargs_wins_over_everything() -> None:
    choice = choose_workers(
        cores=2, latency_ms=1, parallel_sessions=4, slow_jobs=True, mutating=True,
        posargs=["-n", "7"],
    )  # fmt: skip
    assert choice.workers is None  # the noxfile adds no -n of its own
    assert choice.describe() == "as in posargs: explicit -n 7 in posargs"


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["-j", "auto", "-s", "live-readonly", "live-mutating"], {}, 2),  # -j auto: 2 cores
        (["-j", "8", "-s", "smoke", "live-readonly", "live-mutating"], {}, 4),
        (["-j", "8", "-s", "live-readonly(profile='core')"], {}, 1),
        (["-s", "live-readonly", "live-mutating"], {}, 1),  # no -j: one at a time
        (["-s", "live-readonly"], {"NOX_PARALLEL": "3"}, 3),
        (["-j", "8"], {}, 4),  # no -s: every default session, the 4 live ones among them
        (["-j", "8", "-t", "live"], {}, 4),
        (["-j", "8", "-s", "unit"], {}, 1),
        (["-s", "live-readonly(profile='core')", "--parallel-worker", "--parallel", "1"], {}, None),
        (["-j"], {}, 1),  # nox's own error, not ours
        (["-R", "-j", "auto", "-s", "live-mutating", "--", "-n", "4", "-s"], {}, 1),
    ],
)
def test_parallel_live_sessions_read_from_nox_command_line(
    argv: list[str], env: dict[str, str], expected: int | None
) -> None:
    assert parallel_live_sessions(argv, env, cores=2, live_sessions=LIVE) == expected


class _Studies(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []  # the security key of each request

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("x-imn-security-key"))
        ok = self.headers.get("x-api-key") == "k"
        self.send_response(200 if ok else 401)
        self.end_headers()
        self.wfile.write(b'{"data": []}')

    def log_message(self, *_: object) -> None:
        return None


@pytest.fixture
def studies_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Studies)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_probe_measures_a_round_trip_with_the_credentials(studies_server: str) -> None:
    _Studies.seen.clear()
    latency = probe_round_trip(studies_server, {"x-api-key": "k", "x-imn-security-key": "s"})
    assert latency is not None
    assert latency >= 0
    assert len(_Studies.seen) == 3
    assert _Studies.seen == ["s", "s", "s"]


def test_probe_of_a_refusing_target_is_unmeasured(studies_server: str) -> None:
    assert probe_round_trip(studies_server, {"x-api-key": "wrong"}) is None
