"""SDK builds made for a test: a shared wheel, rewritten, installed where PYTHONPATH finds it.

``uv pip install --no-deps --target`` installs a wheel as any installer does (its
``direct_url.json`` names the wheel) in well under a second; the session's own venv
supplies the dependencies, so no venv is built.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

INSTALL_TIMEOUT_S = 120
Rewrite = Callable[[str], str]


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def rewrite_wheel(source: Path, target: Path, rewrites: Mapping[str, Rewrite]) -> Path:
    """``source`` with the files named in ``rewrites`` changed, and a RECORD that agrees."""
    target.parent.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(source) as wheel:
        for name in wheel.namelist():
            data = wheel.read(name)
            if name in rewrites:
                changed = rewrites[name](data.decode("utf-8"))
                assert changed != data.decode("utf-8"), f"rewrite of {name} changed nothing"
                data = changed.encode("utf-8")
            files[name] = data
    missing = set(rewrites) - set(files)
    assert not missing, f"{source.name} has no {sorted(missing)}"
    record = next(n for n in files if n.endswith(".dist-info/RECORD"))
    lines = [f"{n},{_record_hash(d)},{len(d)}\n" for n, d in files.items() if n != record]
    files[record] = "".join([*lines, f"{record},,\n"]).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(name, data)
    return target


def install_target(wheel: Path, folder: Path) -> Path:
    """Install ``wheel`` (no dependencies) into ``folder``, for PYTHONPATH."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    subprocess.run(
        [uv, "pip", "install", "-q", "--no-deps", "--python", sys.executable,
         "--target", str(folder), str(wheel)],
        check=True, timeout=INSTALL_TIMEOUT_S, capture_output=True,
    )  # fmt: skip
    return folder
