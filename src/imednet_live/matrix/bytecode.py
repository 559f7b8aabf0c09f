"""Compile a session venv's installed packages to bytecode once, not in every process.

uv installs without ``.pyc`` files, and on machines that set ``PYTHONDONTWRITEBYTECODE``
(this one and many CI images) Python never writes them either: then every process
(each xdist worker, the sandbox, every CLI subprocess, ``airflow db migrate``) compiles
each module it imports from source. Importing Airflow took 4.1 s that way and 2.1 s
from bytecode; pytest's own start-up 0.90 s and 0.58 s. Compiling writes ``.pyc``
files explicitly, which that variable does not forbid, inside the venv or, when
``PYTHONPYCACHEPREFIX`` is set (the noxfile sets ``.nox/pycache``), under that prefix.

The venv remembers what it compiled (a fingerprint of its installed distributions), so a
reused venv pays one directory listing, not a walk of site-packages.

    python -m imednet_live.matrix.bytecode     # inside the venv; prints one line
"""

from __future__ import annotations

import compileall
import hashlib
import os
import py_compile
import sys
import sysconfig
from pathlib import Path

STAMP = ".imednet-live-bytecode"


def site_dirs() -> list[Path]:
    """This interpreter's site-packages (purelib and platlib, once each if they are one)."""
    paths = sysconfig.get_paths()
    dirs = {Path(paths["purelib"]), Path(paths["platlib"])}
    return sorted(d for d in dirs if d.is_dir())


def fingerprint(dirs: list[Path]) -> str:
    """Changes when a distribution is installed, removed or changes version in ``dirs``.

    Names only: nox reinstalls our own editable package in every session, and a file
    whose ``.pyc`` went stale is still imported correctly (Python checks each one's
    source timestamp), only compiled in memory again.
    """
    # Where bytecode goes is part of it: under PYTHONPYCACHEPREFIX (the noxfile sets one)
    # Python reads .pyc files from that tree only, not from __pycache__ beside the source.
    digest = hashlib.sha256(f"{sys.version}\0{sys.pycache_prefix}".encode())
    for directory in dirs:
        names = sorted(e.name for e in os.scandir(directory) if e.name.endswith(".dist-info"))
        digest.update(f"{directory}:{','.join(names)}\n".encode())
    return digest.hexdigest()


def compile_venv(prefix: Path | None = None, dirs: list[Path] | None = None) -> str:
    """Compile ``dirs`` (default: this venv's site-packages) unless already done; say what."""
    prefix = Path(sys.prefix) if prefix is None else prefix
    dirs = site_dirs() if dirs is None else dirs
    stamp = prefix / STAMP
    current = fingerprint(dirs)
    try:
        if stamp.read_text(encoding="utf-8").strip() == current:
            return "bytecode: up to date"
    except OSError:
        pass
    for directory in dirs:
        # Errors are files that are not Python 3 (vendored fixtures, templates): they are
        # never imported, so they stay uncompiled. TIMESTAMP whatever SOURCE_DATE_EPOCH
        # says: checked hashes would read every source file again on each import.
        compileall.compile_dir(
            directory,
            quiet=2,
            workers=0,
            invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP,
        )
    stamp.write_text(current + "\n", encoding="utf-8")
    return f"bytecode: compiled {', '.join(map(str, dirs))}"


def main() -> int:
    print(compile_venv())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
