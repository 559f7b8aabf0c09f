"""Cost of the output boundary (recording/boundary.py) on a main job's volume of output.

Target (issue 27): scrubbing costs a warm main job at most 2 % of its wall time. The
boundary is on against a live target only, so the figure is what a live main job would
pay: a registry learnt from a study of ``--subjects`` subjects (keys, ids, enrolment and
record dates, free-text record values, users), then, through that registry,

- the console: ``--lines`` lines written through the wrapped stream (pytest's progress,
  banner, summary and failures of every session, a tenth of them naming a subject);
- the reports: ``--reports`` pytest reports scrubbed as the plugin does (serialised,
  walked, rebuilt when one holds a value), a tenth of them failures holding a model;
- the files: outcomes.json, junit.xml, warnings.log, sdk.log and a recording of
  ``--cassette-mb`` MB per session, ``--sessions`` sessions, rewritten by the final pass.

Prints each part's seconds, the total, and its share of ``--main-job-seconds`` (the warm
main job's target, 45 s; pass the measured figure). Exits 0: figures, not a verdict.

Run: ``.nox/unit/bin/python benchmarks/bench_output_boundary.py [--subjects 2000]
[--lines 20000] [--reports 1500] [--sessions 5] [--cassette-mb 4] [--main-job-seconds 45]``
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from imednet_live.recording import boundary, personal

STUDY = "https://bench.example/api/v1/edc/studies/BENCH"


def study(subjects: int) -> dict[str, Any]:
    """API bodies of a study: every subject with two records and a query, users."""
    subject_items = [
        {"subjectKey": f"PAT-{n:06d}", "subjectId": 10_000 + n, "subjectStatus": "Enrolled",
         "siteName": "Site A", "enrollmentStartDate": f"20{10 + n % 14}-0{1 + n % 9}-1{n % 9}"}
        for n in range(subjects)
    ]  # fmt: skip
    records = [
        {"subjectKey": f"PAT-{n:06d}", "recordId": 2 * n + k, "formKey": "DEMO",
         "dateCreated": f"20{10 + n % 14}-0{1 + k}-2{n % 9} 10:00:00",
         "recordData": {"NOTE": f"patient {n} says the pain in knee {k} eased", "WEIGHT": 70}}
        for n in range(subjects)
        for k in range(2)
    ]  # fmt: skip
    users = [
        {"userId": f"u{n}", "login": f"coordinator{n:03d}", "firstName": f"First{n:03d}",
         "lastName": f"Last{n:03d}", "email": f"user{n:03d}@site.example.org"}
        for n in range(max(1, subjects // 50))
    ]  # fmt: skip
    return {
        "variables": {"data": [{"variableName": "NOTE", "variableType": "text"},
                               {"variableName": "WEIGHT", "variableType": "number"}]},
        "subjects": {"data": subject_items},
        "records": {"data": records},
        "users": {"data": users},
    }  # fmt: skip


def learn(subjects: int) -> None:
    bodies = study(subjects)
    env = {"IMEDNET_LIVE_TARGET_KIND": "live", "IMEDNET_LIVE_RECORD_KEY": "b" * 64}
    assert personal.start(env)

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=bodies[request.url.path.rsplit("/", 1)[-1]])

    with httpx.Client(transport=httpx.MockTransport(serve)) as client:
        for resource in bodies:
            client.get(f"{STUDY}/{resource}")


def console_lines(lines: int, subjects: int) -> list[str]:
    out = []
    for n in range(lines):
        if n % 10 == 0:
            out.append(f"E   AssertionError: Subject(subject_key='PAT-{n % subjects:06d}') != 7\n")
        else:
            out.append(f"tests/live/test_read_resources.py::test_list[{n}] PASSED  [ {n % 100}%]\n")
    return out


def timed(label: str, work: Any) -> float:
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.3f} s")
    return seconds


def bench_console(lines: list[str]) -> None:
    stream = boundary.ScrubbingStream(io.StringIO(), ())
    for line in lines:
        stream.write(line)
    stream.flush()


def bench_reports(count: int, subjects: int) -> None:
    """The plugin's per-report work on the data a report carries (serialised form)."""
    for n in range(count):
        failed = n % 10 == 0
        data = {
            "nodeid": f"tests/live/test_x.py::test_{n}",
            "outcome": "failed" if failed else "passed",
            "longrepr": (f"AssertionError: Record(subject_key='PAT-{n % subjects:06d}', "
                         f"record_data={{'NOTE': 'patient {n % subjects} says the pain in knee "
                         f"0 eased'}})\n" * 20) if failed else None,
            "sections": [["Captured stdout call", f"read {n} items\n" * 5]],
            "user_properties": [["imednet_resource", "records"]],
        }  # fmt: skip
        boundary.scrub_tree(data)  # what scrub_report does before it rebuilds one


def write_session_files(root: Path, sessions: int, cassette_mb: float, subjects: int) -> None:
    line = json.dumps({"uri": f"{STUDY}/records", "body": "x" * 200, "subjectKey": "subj-0"})
    cassette = "\n".join([line] * int(cassette_mb * 1_000_000 / len(line)))
    for s in range(sessions):
        folder = root / f"session{s}"
        (folder / "recording").mkdir(parents=True)
        (folder / "recording" / "main.cassette.json").write_text(cassette, encoding="utf-8")
        tests = [{"nodeid": f"t::{n}", "outcome": "passed", "message": None} for n in range(300)]
        tests[0]["message"] = f"subject PAT-{s % subjects:06d} failed"
        (folder / "outcomes.json").write_text(json.dumps({"tests": tests}, indent=2))
        (folder / "junit.xml").write_text("<testcase name='t' time='0.1'/>\n" * 300)
        (folder / "warnings.log").write_text("# non-SDK warnings: 0\n")
        (folder / "sdk.log").write_text("# SDK log lines: 0\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=2000)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--reports", type=int, default=1500)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--cassette-mb", type=float, default=4.0)
    parser.add_argument("--main-job-seconds", type=float, default=45.0)
    args = parser.parse_args(argv)

    print(f"output boundary: {args.subjects} subjects in the registry")
    learn_s = timed("learning the registry from the traffic", lambda: learn(args.subjects))
    registry = len(personal.hunted(personal.scrubber())[0])  # type: ignore[arg-type]
    print(f"  registry: {registry} values")
    lines = console_lines(args.lines, args.subjects)
    parts = [
        timed(f"console, {args.lines} lines", lambda: bench_console(lines)),
        timed(f"reports, {args.reports}", lambda: bench_reports(args.reports, args.subjects)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_session_files(root, args.sessions, args.cassette_mb, args.subjects)
        parts.append(
            timed(
                f"files of {args.sessions} sessions ({args.cassette_mb:g} MB recording each)",
                lambda: boundary.scrub_artifacts([root]),
            )
        )
    personal.stop()
    total = sum(parts)
    share = 100 * total / args.main_job_seconds
    print(f"  total scrub: {total:.3f} s (+ {learn_s:.3f} s learning, paid while reading)")
    print(
        f"  share of a {args.main_job_seconds:g} s warm main job: {share:.2f} % (target <= 2 %); "
        "the scrub is spread over its sessions, which run in parallel, so this over-counts"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
