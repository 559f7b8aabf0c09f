"""The SDK's CLI: its entry point, and running it in-process."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


def cli_entry() -> Any:
    """The CLI object: a typer app (0.5 to 0.8) or a plain ``main(argv)`` function (later)."""
    module = importlib.import_module("imednet.cli")
    app = getattr(module, "app", None)
    return app if app is not None else module.main


@dataclass(frozen=True)
class CliResult:
    """What a CLI run left: the fields of click's ``Result`` that the tests read."""

    exit_code: int
    output: str
    exception: BaseException | None


def cli_is_click(entry: Any) -> bool:
    """Whether ``entry`` can run under click's CliRunner (typer apps can)."""
    try:
        import typer
    except ImportError:
        return False
    return isinstance(entry, typer.Typer)


def cli_script() -> str:
    """The ``imednet`` console script of this interpreter's environment (what users run)."""
    here = Path(sys.executable).parent
    found = shutil.which("imednet", path=str(here)) or shutil.which("imednet")
    if found is None:
        raise RuntimeError("the SDK build installs no `imednet` console script")
    return found


def run_cli(argv: list[str], env: Mapping[str, str], cwd: Path | None = None) -> CliResult:
    """Run ``imednet ARGV`` as the build's users do.

    A typer app (0.5 to 0.8) runs in-process under typer's ``CliRunner``, as the charter
    asks; an argparse ``app(argv)`` (SDK main) cannot run under it (its output bypasses the
    runner's streams), so it runs as the console script in a subprocess, stdout and stderr
    merged like ``CliRunner`` merges them.
    """
    entry = cli_entry()
    if cli_is_click(entry):
        return _run_typer(entry, argv, env, cwd)
    if cwd is not None:  # a fresh folder inside it, as CliRunner's isolated_filesystem
        cwd = Path(tempfile.mkdtemp(dir=cwd))
    done = subprocess.run(
        [cli_script(), *argv],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, None)


def _run_typer(entry: Any, argv: list[str], env: Mapping[str, str], cwd: Path | None) -> CliResult:
    import contextlib

    from typer.testing import CliRunner

    runner = CliRunner()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(runner.isolated_filesystem(temp_dir=cwd))
        done = runner.invoke(entry, argv, env=dict(env))
    return CliResult(done.exit_code, done.output, done.exception)
