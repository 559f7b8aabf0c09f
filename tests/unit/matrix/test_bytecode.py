"""A session venv is compiled to bytecode once, and again only when its packages change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from imednet_live.matrix.bytecode import STAMP, compile_venv


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site-packages"
    (site / "pkg").mkdir(parents=True)
    (site / "pkg" / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    (site / "pkg-1.0.dist-info").mkdir()
    (site / "py2_fixture.py").write_text("print 'not python 3'\n", encoding="utf-8")
    return site


def test_a_pycache_prefix_is_where_the_bytecode_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path)
    prefix = tmp_path / "prefix"
    monkeypatch.setattr(sys, "pycache_prefix", str(prefix))
    assert "compiled" in compile_venv(tmp_path, [site])
    assert not _pycs(site)
    mirror = prefix / str(site).lstrip("/")  # the prefix mirrors absolute source paths
    assert _pycs(mirror) == {f"__init__.{sys.implementation.cache_tag}.pyc"}
    monkeypatch.setattr(sys, "pycache_prefix", None)
    assert "compiled" in compile_venv(tmp_path, [site])  # another place: compiled again
    assert _pycs(site)


def _pycs(site: Path) -> set[str]:
    return {p.name for p in site.rglob("*.pyc")}


def test_compiles_once_then_only_when_a_distribution_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "pycache_prefix", None)  # beside the source, as without nox
    site = _site(tmp_path)
    assert "compiled" in compile_venv(tmp_path, [site])
    assert _pycs(site) == {f"__init__.{sys.implementation.cache_tag}.pyc"}
    assert (tmp_path / STAMP).is_file()

    (site / "pkg" / "extra.py").write_text("X = 2\n", encoding="utf-8")
    assert compile_venv(tmp_path, [site]) == "bytecode: up to date"
    assert len(_pycs(site)) == 1  # same distributions: not walked again

    (site / "other-2.0.dist-info").mkdir()  # an install
    assert "compiled" in compile_venv(tmp_path, [site])
    assert len(_pycs(site)) == 2


def test_writes_bytecode_even_where_python_may_not(tmp_path: Path) -> None:
    """PYTHONDONTWRITEBYTECODE stops imports writing .pyc, not this explicit compile."""
    site = _site(tmp_path)
    code = (
        "from pathlib import Path; from imednet_live.matrix.bytecode import compile_venv; "
        f"compile_venv(Path({str(tmp_path)!r}), [Path({str(site)!r})])"
    )
    env = {"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"}
    src = Path(__file__).resolve().parents[3] / "src"
    subprocess.run([sys.executable, "-c", code], env={**env, "PYTHONPATH": str(src)}, check=True)
    assert _pycs(site)
