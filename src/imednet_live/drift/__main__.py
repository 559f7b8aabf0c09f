"""``python -m imednet_live.drift [REPORTS] [--spec PATH] [--update-baseline] [--fail-on KINDS]``.

Exit 0 with drift.json/drift.md written; 1 when a --fail-on kind was found; 2 on bad input
(one line naming the path and what was expected).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from imednet_live.drift import report
from imednet_live.drift.findings import Finding, Kind, merge
from imednet_live.drift.observe import interactions, observe
from imednet_live.drift.sources import (
    DEFAULT_BASELINE,
    DriftInputError,
    Observed,
    SdkModels,
    Spec,
    against_baseline,
    load_baseline,
    save_baseline,
)
from imednet_live.recording.layout import RecordingError, find_recordings

EXIT_FAIL, EXIT_USAGE = 1, 2


def _kinds(text: str) -> set[Kind]:
    names = {part.strip() for part in text.split(",") if part.strip()}
    known = {str(k) for k in Kind}
    unknown = sorted(names - known)
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown kind {', '.join(unknown)}; choose from {', '.join(sorted(known))}"
        )
    return {Kind(n) for n in names}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"drift: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nox -s drift --", description="API drift from recordings.")
    parser.add_argument("reports", nargs="?", default="reports", type=Path)
    parser.add_argument("--spec", type=Path, default=None, help="an OpenAPI document")
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    parser.add_argument("--update-baseline", action="store_true", help="accept today's shapes")
    parser.add_argument("--fail-on", type=_kinds, default=set(), metavar="KIND,...")
    parser.add_argument("--out", type=Path, default=None, help="default: REPORTS")
    return parser


def run(args: argparse.Namespace) -> tuple[list[Finding], Path, Path]:
    root: Path = args.reports
    recordings = find_recordings(root)
    spec = Spec(args.spec) if args.spec is not None else None
    baseline = {} if args.update_baseline else load_baseline(args.baseline)
    models = SdkModels()
    observed: Observed = {}
    found: list[Finding] = []
    count = 0
    for interaction in interactions(recordings, root):
        count += 1
        observe(interaction.body, observed.setdefault(interaction.endpoint, {}), interaction.where)
        found += models.check(interaction)
        if spec is not None:
            found += spec.check(interaction)
    if args.update_baseline:
        save_baseline(args.baseline, observed)
    found += against_baseline(observed, baseline)
    findings = merge(found)
    sources = ["baseline", "sdk-models"] + (["spec"] if spec else [])
    meta = {
        "recordings": [str(r.path) for r in recordings],
        "interactions": count,
        "sources": sources,
        "spec": str(args.spec) if args.spec else None,
        "baseline": str(args.baseline),
        "baseline_updated": bool(args.update_baseline),
    }
    json_path, md_path = report.write(args.out or root, findings, meta)
    return findings, json_path, md_path


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        findings, json_path, md_path = run(args)
    except (RecordingError, DriftInputError) as exc:
        print(f"drift: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    by_kind: dict[str, int] = {}
    for f in findings:
        by_kind[str(f.kind)] = by_kind.get(str(f.kind), 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(by_kind.items())) or "no findings"
    print(f"drift: {summary}; wrote {json_path} and {md_path}")
    failing = sorted({str(f.kind) for f in findings if f.kind in args.fail_on})
    if failing:
        print(f"drift: failing on {', '.join(failing)} (--fail-on)", file=sys.stderr)
        return EXIT_FAIL
    return 0


if __name__ == "__main__":
    sys.exit(main())
