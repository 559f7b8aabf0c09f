"""The ``imednet-live`` console script.

Operator mistakes end in one line naming the option and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from imednet_live.sandbox.options import SandboxOptions

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds >= 0, got {text!r}")
    return value


def _scenario(text: str) -> str:
    from imednet_live.sandbox.scenarios import get_scenario

    try:
        return get_scenario(text).name
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _scenarios_help() -> str:
    """The scenario list for ``sandbox serve --help``, from the registry the docs use."""
    from imednet_live.sandbox.scenarios import SCENARIOS

    width = max(len(name) for name in SCENARIOS)
    lines = [
        f"  {s.name:<{width}}  {s.description}"
        + (f" [observation {s.observation}]" if s.observation else "")
        for s in SCENARIOS.values()
    ]
    return "\n".join(["scenarios:", *lines])


def _fault_rule(text: str) -> object:
    from imednet_live.sandbox.fault_rules import FaultRuleError, parse_rule

    try:
        return parse_rule(text)
    except FaultRuleError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    from imednet_live.core.env_schema import VarScope, env_help
    from imednet_live.core.env_vars import ENV_VARS
    from imednet_live.core.version import package_version

    parser = _Parser(
        prog="imednet-live",
        description="Live-test tools for the imednet SDK.",
        epilog="\n".join(
            [
                "environment variables of the live-test matrix (docs/charter.md, section 4):",
                *(
                    f"{scope.value}:\n{env_help(v for v in ENV_VARS if v.scope is scope)}"
                    for scope in VarScope
                ),
            ]
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sandbox = commands.add_parser("sandbox", help="the embedded iMednet API sandbox")
    sandbox_commands = sandbox.add_subparsers(dest="action", required=True, parser_class=_Parser)
    serve = sandbox_commands.add_parser(
        "serve",
        help="serve the sandbox on loopback until SIGINT/SIGTERM",
        description="Serve the embedded iMednet API sandbox on loopback until SIGINT/SIGTERM.",
        epilog=_scenarios_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--port", type=_non_negative_int, required=True, help="0 picks a free port")
    serve.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    serve.add_argument(
        "--scenario", type=_scenario, default="default", help="one of the scenarios below"
    )
    serve.add_argument(
        "--latency-ms", type=_non_negative_int, default=0, help="added delay per API request"
    )
    serve.add_argument(
        "--job-seconds",
        type=_seconds,
        default=None,
        help="how long a job stays in progress before it finishes (default 0.25)",
    )
    serve.add_argument("--api-key", default=None, help="default: sandbox-api-key")
    serve.add_argument("--security-key", default=None, help="default: sandbox-security-key")
    serve.add_argument(
        "--subjects",
        type=_non_negative_int,
        default=None,
        help="scale the first study to N subjects (5 records each)",
    )
    serve.add_argument(
        "--audit", default=None, metavar="PATH", help="append every request as a JSON line to PATH"
    )
    serve.add_argument(
        "--fail",
        type=_fault_rule,
        action="append",
        default=[],
        metavar="'METHOD PATH_GLOB=STATUS'",
        help="answer matching requests with STATUS, always (repeatable; * within a segment)",
    )
    serve.add_argument(
        "--seed-from",
        default=None,
        metavar="DIR",
        help="serve the studies of a recording (reports/ or one session's recording dir)",
    )
    return parser


def serve_options(args: argparse.Namespace) -> SandboxOptions:
    """``sandbox serve``'s arguments as the one SandboxOptions value (``cli_args``' inverse)."""
    from imednet_live.sandbox.options import DEFAULT_API_KEY, DEFAULT_SECURITY_KEY, SandboxOptions

    return SandboxOptions(
        scenario=args.scenario,
        latency_ms=args.latency_ms,
        api_key=DEFAULT_API_KEY if args.api_key is None else args.api_key,
        security_key=DEFAULT_SECURITY_KEY if args.security_key is None else args.security_key,
        subjects=args.subjects,
        audit_path=args.audit,
        host=args.host,
        port=args.port,
        fault_rules=tuple(args.fail),
        **({} if args.job_seconds is None else {"job_seconds": args.job_seconds}),
        seed_from=args.seed_from,
    )


def _serve(args: argparse.Namespace) -> int:
    from imednet_live.sandbox.options import SandboxConfigError
    from imednet_live.sandbox.server import SandboxServer

    options = serve_options(args)
    try:
        server = SandboxServer(options)
    except SandboxConfigError as exc:
        print(f"imednet-live sandbox serve: error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def announce(url: str) -> None:
        print(f"sandbox ready: {url}", flush=True)

    server.serve_forever(on_ready=announce)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "sandbox" and args.action == "serve":
        return _serve(args)
    return EXIT_USAGE  # pragma: no cover - argparse requires a known command


if __name__ == "__main__":
    sys.exit(main())
