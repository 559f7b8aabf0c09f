"""The ``imednet-live`` console script.

Operator mistakes end in one line naming the option and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

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


def _scenario(text: str) -> str:
    from imednet_live.sandbox.scenarios import get_scenario

    try:
        return get_scenario(text).name
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="imednet-live", description="Live-test tools for the imednet SDK.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sandbox = commands.add_parser("sandbox", help="the embedded iMednet API sandbox")
    sandbox_commands = sandbox.add_subparsers(dest="action", required=True, parser_class=_Parser)
    serve = sandbox_commands.add_parser(
        "serve", help="serve the sandbox on loopback until SIGINT/SIGTERM"
    )
    serve.add_argument("--port", type=_non_negative_int, required=True, help="0 picks a free port")
    serve.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    serve.add_argument("--scenario", type=_scenario, default="default")
    serve.add_argument("--latency-ms", type=_non_negative_int, default=0)
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
        "--seed-from",
        default=None,
        metavar="DIR",
        help="serve the studies of a recording (reports/ or one session's recording dir)",
    )
    return parser


def _serve(args: argparse.Namespace) -> int:
    from imednet_live.sandbox.server import (
        DEFAULT_API_KEY,
        DEFAULT_SECURITY_KEY,
        SandboxConfigError,
        SandboxOptions,
        SandboxServer,
    )

    options = SandboxOptions(
        scenario=args.scenario,
        latency_ms=args.latency_ms,
        api_key=DEFAULT_API_KEY if args.api_key is None else args.api_key,
        security_key=DEFAULT_SECURITY_KEY if args.security_key is None else args.security_key,
        subjects=args.subjects,
        audit_path=args.audit,
        host=args.host,
        port=args.port,
        seed_from=args.seed_from,
    )
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
