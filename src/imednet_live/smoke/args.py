"""The smoke's command line: its options, their checks, and the help's epilog."""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path

from imednet_live.core.env_schema import Reader, env_help
from imednet_live.core.env_vars import DEFAULT_JOB_TIMEOUT_S, ENV_VARS
from imednet_live.smoke.exits import SmokeExit

DEFAULT_TIMEOUT_S = DEFAULT_JOB_TIMEOUT_S


class UsageError(Exception):
    """Bad command-line input; reported as one ``::error::`` line with exit 1, not argparse's 2."""


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(
            f"--timeout must be a number of seconds greater than 0, got {value!r}"
        )
    return seconds


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="post_smoke_record.py",
        description=(
            "Prove that an iMednet environment accepts the credentials in\n"
            "IMEDNET_API_KEY/IMEDNET_SECURITY_KEY and completes record writes.\n"
            "Always mutates the target."
        ),
        epilog=help_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help="how long to wait for each job to reach COMPLETED (default: %(default)s)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="print the discovered identifiers, each scenario's outcome and tracebacks",
    )
    parser.add_argument(
        "--report", type=Path, metavar="PATH", help="write a JSON summary of the run to PATH"
    )
    return parser


def help_epilog() -> str:
    """Exit codes and environment variables for ``--help``, from the registries the docs use."""
    codes = [f"  {int(c)}  {c.label}: {c.summary}" for c in sorted(SmokeExit)]
    env = env_help(v for v in ENV_VARS if Reader.SMOKE in v.read_by)
    return "\n".join(["exit codes:", *codes, "", "environment:", env])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    if args.report is not None:
        parent = args.report.resolve().parent
        if not parent.is_dir():
            raise UsageError(f"--report {args.report}: directory {parent} does not exist")
    return args
